/**
 * The always-reporting plan workflow, run as `node dist/index.js`: the change check on a pull
 * request that touches no IAM file (a fast success: no AWS, no GitHub call, no comment), and the
 * plan of a merge group (offline, no comment, the result in the job summary).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction } from '../harness/action-runner.js';
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { PLAN_ROLE, planRun, prPayload, quietStderr, repoFiles, sha, verifySender } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
const dirs: string[] = [];
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
});
afterAll(async () => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  await Promise.all([gh?.stop(), moto?.stop()]);
});
beforeEach(async () => {
  gh.reset();
  await moto.reset();
  await verifySender(moto);
});

const git = (cwd: string, ...args: string[]): string =>
  execFileSync(
    'git',
    ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args],
    { cwd, encoding: 'utf8' },
  ).trim();

function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

/**
 * A checkout as actions/checkout leaves it for a pull request with `fetch-depth: 2`: the base
 * commit holding the IAM files, then the pull request's change on top; returns the base sha.
 */
function checkout(change: Record<string, string>): { workspace: string; base: string } {
  const workspace = mkdtempSync(path.join(tmpdir(), 'iam-gitops-e2e-checkout-'));
  dirs.push(workspace);
  git(workspace, 'init', '-q', '-b', 'main');
  write(workspace, { ...repoFiles([{ username: 'carol' }]), 'README.md': 'hello\n' });
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'base');
  const base = git(workspace, 'rev-parse', 'HEAD');
  write(workspace, change);
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'pull request');
  return { workspace, base };
}

function checkChanges(change: Record<string, string>) {
  const { workspace, base } = checkout(change);
  gh.addPull({ number: 3, author: 'dependabot[bot]', headSha: sha('bump'), baseSha: base });
  return runAction({
    github: gh,
    moto,
    workspace,
    eventName: 'pull_request',
    payload: prPayload(gh, 3),
    sha: git(workspace, 'rev-parse', 'HEAD'),
    ref: 'refs/pull/3/merge',
    // The plan role is set on purpose: the check must not use it.
    inputs: { mode: 'check-changes', 'plan-role-to-assume': PLAN_ROLE },
    env: { GITHUB_WORKFLOW_REF: `${gh.fullName}/.github/workflows/iam-plan.yml@refs/pull/3/merge` },
  });
}

test('a pull request that changes no IAM file: a fast success, no AWS call, no GitHub call, no comment', async () => {
  const run = await checkChanges({
    'README.md': 'bumped\n',
    '.github/workflows/ci.yml': 'name: ci\n',
  });
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.outputs['iam-changed']).toBe('false');
  expect(run.calls).toEqual([]);
  expect(gh.oidcAudiences).toEqual([]);
  expect(gh.requests).toEqual([]);
  expect(gh.comments(3)).toEqual([]);
  expect(run.annotations).toEqual([]);
  expect(run.summary).toContain('### iam-gitops: no IAM changes');
  expect(run.summary).toContain('none of the 2 changed files is read by the plan');
});

test('a pull request that changes a user CSV or the plan workflow: the plan is needed', async () => {
  const csv = await checkChanges({ 'users/team.csv': 'username,email\ndave,dave@example.com\n' });
  expect(csv.exitCode).toBe(0);
  expect(csv.outputs['iam-changed']).toBe('true');
  expect(csv.summary).toContain('- `users/team.csv`');
  // A Dependabot bump of the action's pin is a change the plan must see.
  const wf = await checkChanges({ '.github/workflows/iam-plan.yml': 'uses: OWNER/iam-gitops@new\n' });
  expect(wf.outputs['iam-changed']).toBe('true');
  expect(csv.calls.concat(wf.calls)).toEqual([]);
  expect(gh.requests).toEqual([]);
});

const mergeGroup = (files: Record<string, string>) => {
  const head = sha('queue-head');
  return runAction({
    github: gh,
    moto,
    files,
    eventName: 'merge_group',
    payload: {
      action: 'checks_requested',
      merge_group: {
        head_sha: head,
        head_ref: 'refs/heads/gh-readonly-queue/main/pr-1-' + sha('base'),
        base_sha: sha('base'),
        base_ref: 'refs/heads/main',
      },
      repository: { full_name: gh.fullName, name: gh.repo, owner: { login: gh.owner } },
    },
    sha: head,
    ref: 'refs/heads/gh-readonly-queue/main/pr-1-' + sha('base'),
    // mode auto, with a plan role and an OIDC token offered: still offline, no comment.
    inputs: { 'plan-role-to-assume': PLAN_ROLE },
  });
};

test('a merge group is planned offline at its head, reports in the job summary, and writes no comment', async () => {
  gh.addPull({ number: 1, author: 'alice', headSha: sha('head-1'), baseSha: sha('base') });
  const run = await mergeGroup(repoFiles([{ username: 'carol' }, { username: 'dave', console: true }]));
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toContain('iam-gitops plan (auto, event merge_group)');
  expect(run.outputs['plan-hash']).toMatch(/^[0-9a-f]{64}$/);
  expect(run.outputs['has-changes']).toBe('true');
  expect(run.summary).toContain('carol');
  expect(run.summary).toContain('a merge queue check is planned offline');
  expect(run.calls).toEqual([]);
  expect(gh.oidcAudiences).toEqual([]);
  expect(gh.writes()).toEqual([]);
  expect(gh.comments(1)).toEqual([]);
});

test('a merge group whose files fail the lint fails the queue check, still without a comment', async () => {
  const escalate = JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'],
        Resource: '*',
      },
    ],
  });
  const run = await mergeGroup(
    repoFiles([{ username: 'carol', policies: 'escalate' }], { 'policies/escalate.json': escalate + '\n' }),
  );
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/::error::iam-gitops: \d+ lint finding/);
  expect(run.calls).toEqual([]);
  expect(gh.writes()).toEqual([]);
});

test('for contrast, the same files on a pull request are planned live and commented', async () => {
  gh.addPull({ number: 1, author: 'alice', headSha: sha('head-1'), baseSha: sha('base') });
  const run = await planRun({ gh, moto }, 1, repoFiles([{ username: 'carol' }]));
  expect(run.exitCode).toBe(0);
  expect(run.calls.length).toBeGreaterThan(0);
  expect(gh.comments(1)).toHaveLength(1);
});
