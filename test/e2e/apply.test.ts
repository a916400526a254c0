/**
 * Apply on merge, run as `node dist/index.js`: the happy path, then every refusal, each of which
 * must leave AWS untouched (no write call in the run's call log) and say why on the pull request.
 */
import type { GitHubServer } from '../harness/github-server.js';
import type { Moto } from '../harness/moto.js';
import { runAction } from '../harness/action-runner.js';
import { parseMeta } from '../../src/github/comment.js';
import {
  after,
  applyRun,
  before,
  driftUser,
  iamUserNames,
  planRun,
  postedAt,
  quietStderr,
  pushPayload,
  repoFiles,
  sha,
  APPLY_ROLE,
  config,
  useServers,
} from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
useServers((g, m) => ([gh, moto] = [g, m]));

const ctx = () => ({ gh, moto });
const HEAD = sha('pr-head');
const MERGE = sha('merge');
const files = repoFiles([{ username: 'carol', console: true }, { username: 'dave' }]);
const comment = () => gh.comments(5).find((c) => c.user.login === 'github-actions[bot]')!;

/** PR #5 by alice, planned; returns when the plan comment was posted. */
async function plannedPr(): Promise<string> {
  gh.addPull({ number: 5, author: 'alice', headSha: HEAD, baseSha: sha('base') });
  const plan = await planRun(ctx(), 5, files);
  expect(plan.exitCode).toBe(0);
  return postedAt(gh, 5);
}

async function expectRefused(pattern: RegExp, opts: { onComment?: boolean } = {}) {
  gh.merge(5, MERGE);
  const run = await applyRun(ctx(), MERGE, files);
  expect(run.exitCode).toBe(1);
  expect(run.writes).toEqual([]);
  expect(await iamUserNames(moto)).not.toContain('carol');
  expect(run.stdout).toMatch(/::error::iam-gitops: apply refused: /);
  expect(run.summary).toMatch(pattern);
  if (opts.onComment !== false) {
    expect(comment().body).toMatch(/apply refused/);
    expect(comment().body).toMatch(pattern);
    expect(parseMeta(comment().body)?.status).toBe('refused');
  }
  return run;
}

test('plan → approval → merge → apply creates the users and reports on the PR, summary and outputs', async () => {
  const plannedAt = await plannedPr();
  gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: after(plannedAt) });
  gh.merge(5, MERGE);
  const run = await applyRun(ctx(), MERGE, files);
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  expect(run.outputs['created-users']!.split(',').sort()).toEqual(['carol', 'dave']);
  expect(run.outputs['deleted-users']).toBe('');
  expect(JSON.parse(run.outputs['mail-status']!)).toEqual({ carol: 'sent', dave: 'sent' });
  expect(run.calls.find((c) => c.operation === 'AssumeRoleWithWebIdentity')?.input.RoleArn).toBe(APPLY_ROLE);
  expect(comment().body).toMatch(/applied/);
  expect(comment().body).toMatch(/bob/);
  expect(parseMeta(comment().body)?.status).toBe('applied');
  expect(run.summary).toMatch(/carol/);
  expect((await moto.sentMail()).map((m) => m.destinations.ToAddresses[0]).sort()).toEqual([
    'carol@example.com',
    'dave@example.com',
  ]);
});

test('a failed apply fails the step and reports the failure on the PR, in the summary and outputs', async () => {
  // The emulator answers PutUserPermissionsBoundary with HTTP 500: a real failure mid-apply.
  await driftUser(moto, 'carol');
  const boundary = repoFiles(
    [{ username: 'carol' }, { username: 'dave' }],
    {},
    config('permissionsBoundary: arn:aws:iam::aws:policy/PowerUserAccess'),
  );
  gh.addPull({ number: 5, author: 'alice', headSha: HEAD, baseSha: sha('base') });
  expect((await planRun(ctx(), 5, boundary)).exitCode).toBe(0);
  const plannedAt = postedAt(gh, 5);
  gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: after(plannedAt) });
  gh.merge(5, MERGE);
  const run = await applyRun(ctx(), MERGE, boundary);
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/::error::iam-gitops: apply failed: 1 operation failed: update user carol/);
  expect(run.writes.map((w) => w.operation)).toContain('PutUserPermissionsBoundary');
  expect(run.outputs['created-users']).toBe('dave');
  expect(parseMeta(comment().body)?.status).toBe('apply-failed');
  expect(comment().body).toMatch(/apply failed/);
  expect(run.summary).toMatch(/✗ update user carol/);
  // The failure is also posted as a new comment (people are notified), with how to finish it.
  const result = gh
    .comments(5)
    .filter((c) => c.user.login === 'github-actions[bot]')
    .at(-1)!;
  expect(result.body).toMatch(/^<!-- iam-gitops:result -->\n### ❌ iam-gitops: apply failed/);
  expect(result.body).toContain('To finish a failed apply, re-run the apply job');
  expect(result.body).toContain('(https://github.com/acme/iam/actions/runs/4242)');
});

test('refused without any approval', async () => {
  await plannedPr();
  await expectRefused(/0 of 1 approval/);
});

test("refused when the only approval is the author's own", async () => {
  const plannedAt = await plannedPr();
  gh.addReview(5, { login: 'alice', state: 'APPROVED', commitId: HEAD, submittedAt: after(plannedAt) });
  await expectRefused(/alice is the pull request author/);
});

test('refused when the approval is of an older commit', async () => {
  const plannedAt = await plannedPr();
  gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: sha('older'), submittedAt: after(plannedAt) });
  await expectRefused(/bob approved commit .{7}, not the final head/);
});

test('refused when the approval predates the plan comment', async () => {
  const plannedAt = await plannedPr();
  gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: before(plannedAt) });
  await expectRefused(/before the plan comment was posted/);
});

test('refused when the account drifted between approval and merge, listing what differs', async () => {
  const plannedAt = await plannedPr();
  gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: after(plannedAt) });
  await driftUser(moto, 'mallory');
  const run = await expectRefused(/1 operation the reviewers never approved/);
  expect(comment().body).toMatch(/- delete user `mallory`/);
  expect(await iamUserNames(moto)).toEqual(['mallory']);
  expect(run.outputs['plan-hash']).not.toBe(parseMeta(comment().body)!.hash);
});

test('refused for a direct push with no pull request', async () => {
  const run = await applyRun(ctx(), sha('direct'), files);
  expect(run.exitCode).toBe(1);
  expect(run.writes).toEqual([]);
  expect(run.calls).toEqual([]);
  expect(run.stdout).toMatch(/::error::iam-gitops: apply refused: commit .{7} was pushed to 'main' directly/);
  expect(run.summary).toMatch(/open a pull request/);
  // No pull request to comment on: the only GitHub write is the labelled issue that says why.
  expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([`POST /repos/${gh.fullName}/issues`]);
  expect(gh.issues('iam-gitops:apply')[0]!.body).toMatch(/pushed to 'main' directly/);
});

test('a push to another branch is refused without reading AWS', async () => {
  const run = await runAction({
    github: gh,
    moto,
    files,
    eventName: 'push',
    payload: pushPayload(gh, sha('feature'), 'feature'),
    sha: sha('feature'),
    ref: 'refs/heads/feature',
    inputs: { 'role-to-assume': APPLY_ROLE },
  });
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/only on pushes to the default branch 'main'/);
  expect(run.calls).toEqual([]);
});
