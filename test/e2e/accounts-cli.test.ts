/**
 * `node dist/cli.js` on a repository with three accounts, as a user runs it: the ambient
 * credentials assume each account's plan and apply role (src/accounts/credentials.ts, no test
 * stand-in), plan prints three sections, apply with the combined hash writes each account, and
 * the next plan finds nothing to do.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import type { AccountsPlanJson } from '../../src/plan/render-accounts.js';
import { IDS, motoClientsFor, THREE, THREE_YAML } from '../harness/accounts.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { distNode } from '../harness/runtime.js';
import { CHILD_TIMEOUT_MS } from '../harness/timeouts.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const CLI = path.join(ROOT, 'dist', 'cli.js');

let moto: Moto;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
  dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-accounts-e2e-'));
});
afterAll(async () => {
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, ...moto.env() };
  const child = spawn(distNode().bin, [CLI, ...args, '--dir', dir], { cwd: dir, env });
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

test('plan → three sections; apply --plan-hash <combined> → each account written; plan again → no changes', async () => {
  const config = [
    'path: /iam-gitops/',
    THREE_YAML,
    'groups:',
    '  ops:',
    '    policies: [ReadOnlyAccess]',
    '  developers:',
    '    policies: [ReadOnlyAccess]',
    '    accounts: [b, c]',
    'email:',
    '  from: iam@example.com',
    'monitoring:',
    '  enabled: false',
    '',
  ].join('\n');
  writeFileSync(path.join(dir, 'iam-gitops.yml'), config);
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(
    path.join(dir, 'users/team.csv'),
    'username,email,groups\nalice,alice@example.com,ops\nbob,bob@example.com,developers\n',
  );
  const accounts = motoClientsFor(moto);
  for (const a of THREE)
    await (
      await accounts(a, 'apply')
    ).ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));

  const plan = await cli(['plan', '--format', 'json']);
  expect({ status: plan.status, stderr: plan.stderr }).toEqual({ status: 2, stderr: expect.any(String) });
  // Nothing on stderr but the tool's own words: no runtime warning of the Node the action runs on.
  expect(plan.stderr).not.toMatch(/^\(node:\d+\) .*Warning/m);
  const json = JSON.parse(plan.stdout) as AccountsPlanJson;
  expect(json.sections.map((s) => [s.account, s.accountId, s.error, s.plan?.accountId])).toEqual([
    ['a', IDS.a, null, IDS.a],
    ['b', IDS.b, null, IDS.b],
    ['c', IDS.c, null, IDS.c],
  ]);

  const apply = await cli(['apply', '--plan-hash', json.hash]);
  expect({ status: apply.status, stderr: apply.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
  expect(apply.stdout).toContain('Accounts: 3 of 3 applied or already matching.');
  const users = async (i: number) =>
    ((await (await accounts(THREE[i]!, 'plan')).iam.send(new ListUsersCommand({}))).Users ?? [])
      .map((u) => u.UserName)
      .sort();
  expect([await users(0), await users(1), await users(2)]).toEqual([['alice'], ['bob'], ['bob']]);

  const again = await cli(['plan']);
  expect(again.status).toBe(0);
  expect(again.stdout).toMatch(
    /Summary \(3 accounts\):\n {2}a {8}no changes\n {2}b {8}no changes\n {2}c {8}no changes/,
  );
});
