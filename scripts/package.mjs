// Rebuilds dist/: the data files, then two ncc bundles, dist/index.js (the action) and
// dist/cli.js (the command line). Each bundle is built in its own folder and moved into dist/
// so that both share dist/data and dist/package.json.
import { execFileSync } from 'node:child_process';
import {
  rmSync,
  mkdirSync,
  renameSync,
  existsSync,
  readdirSync,
  writeFileSync,
  readFileSync,
  chmodSync,
} from 'node:fs';
import path from 'node:path';

const ncc = path.join('node_modules', '.bin', 'ncc');
rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });
execFileSync('node', ['scripts/build-data.mjs', 'dist/data'], { stdio: 'inherit' });

for (const [entry, out] of [
  ['src/index.ts', 'index.js'],
  ['src/cli.ts', 'cli.js'],
]) {
  const tmp = path.join('.tmp', `ncc-${out}`);
  rmSync(tmp, { recursive: true, force: true });
  execFileSync(
    ncc,
    ['build', entry, '-o', tmp, '--license', 'licenses.txt', '--quiet', '--target', 'es2022'],
    {
      stdio: 'inherit',
    },
  );
  renameSync(path.join(tmp, 'index.js'), path.join('dist', out));
  // Licenses of both bundles are the same set of packages; keep one file.
  if (existsSync(path.join(tmp, 'licenses.txt')))
    renameSync(path.join(tmp, 'licenses.txt'), path.join('dist', 'licenses.txt'));
  const rest = readdirSync(tmp).filter((f) => f !== 'package.json');
  if (rest.length) throw new Error(`ncc emitted unexpected files for ${entry}: ${rest.join(', ')}`);
  rmSync(tmp, { recursive: true, force: true });
}
writeFileSync(path.join('dist', 'package.json'), JSON.stringify({ type: 'module' }, null, 2) + '\n');
// The CLI is the package's bin: make it executable with a node shebang.
const cli = path.join('dist', 'cli.js');
const body = readFileSync(cli, 'utf8');
if (!body.startsWith('#!')) writeFileSync(cli, '#!/usr/bin/env node\n' + body);
chmodSync(cli, 0o755);
console.log('dist/ rebuilt');
