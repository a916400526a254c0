/**
 * `plan --format markdown` on a repository with many accounts: the pull request comment's report,
 * to preview it locally (offline, from a real git history for `--base`).
 */
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

const config = (policies: string) =>
  [
    'accounts:',
    "  prod: { id: '111111111111' }",
    "  dev: { id: '222222222222' }",
    'defaultAccount: prod',
    'email:',
    '  from: iam@example.com',
    'monitoring:',
    '  enabled: false',
    'groups:',
    '  developers:',
    `    policies: [${policies}]`,
    '    accounts: [dev]',
    '',
  ].join('\n');

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'plan-accounts-md-'));
  mkdirSync(path.join(repo, 'users'));
  mkdirSync(path.join(repo, 'policies'));
  writeFileSync(path.join(repo, 'iam-gitops.yml'), config('ReadOnlyAccess'));
  writeFileSync(
    path.join(repo, 'users/team.csv'),
    'username,email,groups\nana,ana@example.com,developers\nbo,bo@example.com,\n',
  );
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
  const code = await planCommand(parseArgs(['plan', '--dir', repo, '--offline', ...extra]), {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    env: { GITHUB_REPOSITORY: 'acme/iam' },
    now: () => new Date('2026-01-02T03:04:05Z'),
  });
  return { code, out, err };
}

test('--format markdown renders the comment: the accounts table, the combined hash, a section per account', async () => {
  const md = await plan('--format', 'markdown');
  expect(md.err).not.toMatch(/^error/m);
  expect(md.code).toBe(2);
  expect(md.out).toMatch(/^### iam-gitops plan <sub>\(2 accounts\)<\/sub>/);
  expect(md.out).toContain('| account | id | create | update | delete |');
  expect(md.out).toContain('#### `prod` <sub>(account 111111111111)</sub>');
  expect(md.out).toContain('#### `dev` <sub>(account 222222222222)</sub>');
  expect(md.out).toContain('Offline plan');
  // The same combined hash as the JSON plan: the preview is of this plan, not another.
  const json = JSON.parse((await plan('--format', 'json')).out) as { hash: string };
  expect(md.out).toContain(`combined hash \`${json.hash}\``);
  // Addresses are masked as in the comment.
  expect(md.out).not.toContain('ana@example.com');
});

test('--base adds the blast radius of the people above the accounts', async () => {
  const without = await plan('--format', 'markdown');
  const md = await plan('--format', 'markdown', '--base', 'HEAD');
  expect(md.code).toBe(2);
  expect(without.out).not.toContain('#### Blast radius');
  expect(md.out).toMatch(/#### Blast radius: 1 user gains?, 0 users lose permissions/);
  expect(md.out).toMatch(/> \*\*New privilege:\*\*\n> - .*`iam:PassRole`/);
  expect(md.out.indexOf('#### Blast radius')).toBeLessThan(md.out.indexOf('#### `prod`'));
});

test('--base with text or JSON is refused, naming the markdown report as where the blast radius is', async () => {
  const r = await plan('--format', 'json', '--base', 'HEAD');
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  expect(r.err).toContain('use `plan --format markdown --base HEAD` to see it, or leave out --base');
});
