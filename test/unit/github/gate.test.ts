/** The approval gate against the local GitHub API, with the configuration passed in. */
import { createGitHubApi } from '../../../src/github/api.js';
import { composeComment, type CommentMeta } from '../../../src/github/comment.js';
import type { Deps } from '../../../src/github/deps.js';
import { checkGate, checkSamePlan } from '../../../src/github/gate.js';
import { fingerprints } from '../../../src/github/status.js';
import type { Settings } from '../../../src/inputs.js';
import type { Config } from '../../../src/model/desired.js';
import type { Operation, Plan } from '../../../src/model/plan.js';
import { startGitHubServer, DEFAULT_TOKEN, type GitHubServer } from '../../harness/github-server.js';

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => gh?.stop());
beforeEach(() => gh.reset());

const HEAD = 'a'.repeat(40);
const MERGE = 'c'.repeat(40);
const PLANNED = '2026-11-20T10:00:00.000Z';
const meta: CommentMeta = {
  hash: 'h1',
  head: HEAD,
  base: 'b'.repeat(40),
  plannedAt: PLANNED,
  offline: false,
  truncated: false,
  counts: { create: 1, update: 0, delete: 0 },
};

function settings(over: Partial<Settings> = {}): Settings {
  return {
    mode: 'apply',
    auto: true,
    roleToAssume: null,
    planRoleToAssume: null,
    awsRegion: 'us-east-1',
    githubToken: DEFAULT_TOKEN,
    configPath: 'iam-gitops.yml',
    dir: '/nonexistent',
    dirFromWorkspace: '',
    eventName: 'push',
    payload: { repository: { default_branch: 'main' } },
    sha: MERGE,
    ref: 'refs/heads/main',
    runId: 1,
    repo: { owner: gh.owner, repo: gh.repo },
    apiUrl: gh.url,
    oidcAvailable: false,
    ...over,
  };
}

function deps(requiredApprovals = 1): Deps {
  const fail = () => {
    throw new Error('the gate must not reach AWS');
  };
  return {
    api: createGitHubApi(DEFAULT_TOKEN, { owner: gh.owner, repo: gh.repo }, gh.url),
    runPlan: fail,
    loadConfig: async () => ({ requiredApprovals }) as Config,
    renderComment: fail,
    renderSummary: fail,
    awsClients: fail,
    applyPlan: fail,
    now: () => new Date(PLANNED),
  };
}

function mergedPr(): void {
  gh.addPull({ number: 4, author: 'alice', headSha: HEAD, baseSha: 'b'.repeat(40) });
  gh.merge(4, MERGE);
}

test('approved plan of the final head passes, with the approvers and the config', async () => {
  mergedPr();
  gh.addComment(4, 'github-actions[bot]', composeComment(meta, 'plan'));
  gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
  const r = await checkGate(settings(), deps());
  expect(r).toMatchObject({
    ok: true,
    pr: { number: 4 },
    meta: { hash: 'h1' },
    approvals: { approvers: ['bob'] },
  });
});

test('a direct push with no merged pull request is refused and reads nothing more', async () => {
  gh.addPull({ number: 4, author: 'alice', headSha: HEAD, baseSha: 'b'.repeat(40) }); // open, not merged
  gh.associate(MERGE, [4]);
  const r = await checkGate(settings(), deps());
  expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/pushed to 'main' directly/) });
  expect(gh.requests.map((q) => q.path)).toEqual([`/repos/acme/iam/commits/${MERGE}/pulls`]);
});

test('a pull request merged into another branch does not count', async () => {
  mergedPr();
  gh.pull(4).base.ref = 'release';
  expect(await checkGate(settings(), deps())).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/directly/),
  });
});

test('events and branches other than a push to the default branch are refused before any call', async () => {
  expect(await checkGate(settings({ eventName: 'workflow_dispatch' }), deps())).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/not on the 'workflow_dispatch' event/),
  });
  expect(await checkGate(settings({ ref: 'refs/heads/dev' }), deps())).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/default branch 'main'; this push is to refs\/heads\/dev/),
  });
  expect(gh.requests).toEqual([]);
});

test("only the action's own comment holds the plan: a forged one means no plan", async () => {
  mergedPr();
  gh.addComment(4, 'mallory', composeComment({ ...meta, plannedAt: '2000-01-01T00:00:00Z' }, 'forged'));
  gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
  const r = await checkGate(settings(), deps());
  expect(r).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/no plan comment by github-actions\[bot\]/),
  });
});

test('a plan comment for an earlier head is refused', async () => {
  mergedPr();
  gh.addComment(4, 'github-actions[bot]', composeComment({ ...meta, head: 'e'.repeat(40) }, 'plan'));
  const r = await checkGate(settings(), deps());
  expect(r).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/for commit eeeeeee, but .* final head is aaaaaaa/),
  });
});

test('the required count comes from the configuration', async () => {
  mergedPr();
  gh.addComment(4, 'github-actions[bot]', composeComment(meta, 'plan'));
  gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
  const r = await checkGate(settings(), deps(2));
  expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/not approved: 1 of 2 approvals/) });
});

const op = (id: string, action: Operation['action'], name: string, details = {}): Operation => ({
  id,
  action,
  type: 'user',
  name,
  details,
  dependsOn: [],
});
const plan = (hash: string, changes: Operation[], errors: string[] = []): Plan => ({
  hash,
  changes,
  findings: [],
  stats: { awsCalls: {} },
  errors,
  offline: false,
  accountId: '123456789012',
});

test('the fresh plan must have the approved hash; a change is listed operation by operation', () => {
  const approved = plan('h1', [op('user:carol', 'create', 'carol')]);
  const m = { ...meta, ops: fingerprints(approved), counts: { create: 1, update: 0, delete: 0 } };
  expect(checkSamePlan(m, approved)).toEqual({ ok: true });
  const drifted = plan('h2', [op('user:carol', 'create', 'carol'), op('user:mallory', 'delete', 'mallory')]);
  const r = checkSamePlan(m, drifted);
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.reason).toMatch(/plan changed since it was approved/);
  expect(r.detail).toMatch(/^\+ delete user mallory #[0-9a-f]{8}$/m);
  expect(r.detail).not.toMatch(/carol/);
  const changedDetails = plan('h3', [op('user:carol', 'create', 'carol', { path: '/other/' })]);
  const r2 = checkSamePlan(m, changedDetails);
  expect(!r2.ok && r2.detail).toMatch(/- create user carol #.*\n\+ create user carol #/);
  expect(checkSamePlan(m, plan('h1', [], ['user bob is not managed']))).toMatchObject({
    ok: false,
    detail: '- user bob is not managed',
  });
});
