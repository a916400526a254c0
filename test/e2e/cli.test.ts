/**
 * `node dist/cli.js` as a user runs it, under the Node the action runs on (runtime.ts: the pinned
 * Node 24, required in CI), against the emulator: validate → plan → apply → plan again, with the
 * documented exit codes, and not one runtime warning on stderr (the AWS SDK's Node-version notice,
 * a deprecation, an experimental feature), because nothing filters them on the way to the user.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRepo } from '../harness/action-runner.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { distNode } from '../harness/runtime.js';
import { CHILD_TIMEOUT_MS } from '../harness/timeouts.js';
import { repoFiles, verifySender } from './scenario.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

/** Every warning Node prints for a process: `(node:<pid>) [DEP0040] DeprecationWarning: …` and the like. */
const NODE_WARNING = /^\(node:\d+\) .*Warning/m;

let moto: Moto;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-cli-'));
});
afterAll(async () => {
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(bin: string, args: string[]): Promise<CliRun> {
  // A user's shell, not a workflow: no GITHUB_* or CI variables reach the command line.
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...moto.env() };
  const child = spawn(bin, args, { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} did not finish in ${CHILD_TIMEOUT_MS} ms\n${stdout}\n${stderr}`));
    }, CHILD_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const cli = (...args: string[]) => run(distNode().bin, [CLI, ...args, '--dir', dir]);

test('the bundle runs under the Node the harness reports, and that is Node 24 in CI', async () => {
  const node = distNode();
  const reported = await run(node.bin, ['-p', 'process.version']);
  expect(reported.stdout.trim()).toBe(node.version);
  if (process.env.CI === 'true') expect(node.version).toMatch(/^v24\./);
});

test('validate → plan → apply → plan: exit codes, the changes, and no runtime warning on stderr', async () => {
  await verifySender(moto);
  writeRepo(dir, repoFiles([{ username: 'ada' }, { username: 'linus', console: true }]));

  const validate = await cli('validate');
  expect(validate).toMatchObject({ status: 0 });
  const plan = await cli('plan');
  expect(plan.status).toBe(2);
  expect(plan.stdout).toMatch(/\+ user ada/);
  expect(plan.stdout).toMatch(/\+ user linus/);
  // The plan printed above is the reviewed one: apply exactly it.
  const hash = /^Plan hash: ([0-9a-f]{64})$/m.exec(plan.stdout)?.[1];
  expect(hash).toBeDefined();
  const apply = await cli('apply', '--plan-hash', hash!);
  expect(apply.status).toBe(0);
  const again = await cli('plan');
  expect(again.status).toBe(0);
  expect((await moto.sentMail()).map((m) => m.destinations.ToAddresses[0]).sort()).toEqual([
    'ada@example.com',
    'linus@example.com',
  ]);

  const stderr = [validate, plan, apply, again].map((r) => r.stderr).join('\n');
  const major = Number(/^v(\d+)\./.exec(distNode().version)![1]);
  if (major >= 22) {
    expect(stderr).not.toMatch(NODE_WARNING);
  } else {
    // Below 22 the AWS SDK warns on every command: why the command line needs a newer Node.
    expect(stderr).toMatch(/NodeVersionSupportWarning/);
  }
});
