// Runs once before the end-to-end files: provisions the emulator and resolves the Node that runs
// dist/index.js and dist/cli.js (test/harness/runtime.ts resolves the same one in each worker).
// It says which, on the console and in .tmp/e2e-node.txt for .ci/run's log, and fails the run
// when CI=true and that Node is not 24: CI must execute the bundles as the Actions runner does.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureEmulator } from '../../scripts/setup-emulator.mjs';
import { e2eNode } from '../../scripts/setup-node24.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export default async function globalSetup() {
  ensureEmulator();
  const node = e2eNode();
  const line = `end-to-end tests run dist/ under Node ${node.version} (${node.bin}; ${node.source})`;
  console.log(`\n${line}`);
  mkdirSync(path.join(root, '.tmp'), { recursive: true });
  writeFileSync(path.join(root, '.tmp', 'e2e-node.txt'), line + '\n');
}
