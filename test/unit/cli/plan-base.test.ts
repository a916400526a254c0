/** `plan --base <git-ref>`: the blast radius of the command line's JSON plan, from a real git history. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from '../../../src/commands/args.js';
import { planCommand } from '../../../src/commands/plan.js';

let repo: string;
const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd: repo,
    stdio: 'pipe',
  });

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'plan-base-'));
  mkdirSync(path.join(repo, 'users'));
  mkdirSync(path.join(repo, 'policies'));
  const config = (policies: string) =>
    `email:\n  from: iam@example.com\nmonitoring:\n  enabled: false\ngroups:\n  developers:\n    policies: [${policies}]\n`;
  writeFileSync(path.join(repo, 'iam-gitops.yml'), config('ReadOnlyAccess'));
  const rows = Array.from({ length: 3 }, (_, i) => `dev${i},dev${i}@example.com,developers`);
  writeFileSync(path.join(repo, 'users/team.csv'), ['username,email,groups', ...rows, ''].join('\n'));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  // The change under review: the group gains iam:PassRole on every role.
  writeFileSync(
    path.join(repo, 'policies/deploy.json'),
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' }],
    }),
  );
  writeFileSync(path.join(repo, 'iam-gitops.yml'), config('ReadOnlyAccess, deploy'));
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

async function plan(...extra: string[]) {
  let out = '';
  let err = '';
  const code = await planCommand(
    parseArgs(['plan', '--dir', repo, '--offline', '--format', 'json', ...extra]),
    { out: (t) => void (out += t), err: (t) => void (err += t), env: {} },
  );
  return { code, out, err };
}

test('with --base the JSON plan says how many users gain what, and through which group', async () => {
  const r = await plan('--base', 'HEAD');
  expect(r.code).toBe(2);
  const json = JSON.parse(r.out) as {
    blastRadius?: { usersGaining: number; gained: Array<{ action: string; users: number; via: string[] }> };
  };
  expect(json.blastRadius?.usersGaining).toBe(3);
  expect(json.blastRadius?.gained).toContainEqual(
    expect.objectContaining({ action: 'iam:PassRole', users: 3, via: ['group developers'] }),
  );
});

test('without --base there is no blast radius; an unknown revision is an error', async () => {
  expect(JSON.parse((await plan()).out)).not.toHaveProperty('blastRadius');
  const bad = await plan('--base', 'no-such-branch');
  expect(bad.code).toBe(1);
  expect(bad.err).toMatch(/--base no-such-branch: cannot read that revision with git archive/);
});
