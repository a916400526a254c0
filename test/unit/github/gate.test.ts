/** The approval gate against the local GitHub API, with the configuration passed in. */
import { createGitHubApi } from '../../../src/github/api.js';
import { composeComment, parseMeta, RESULT_MARKER, type CommentMeta } from '../../../src/github/comment.js';
import type { Deps } from '../../../src/github/deps.js';
import { checkGate, checkSamePlan } from '../../../src/github/gate.js';
import { applyFlow } from '../../../src/github/flow-apply.js';
import { fingerprints } from '../../../src/github/status.js';
import type { Settings } from '../../../src/inputs.js';
import { defaultConfig } from '../../../src/config/defaults.js';
import type { Config, DesiredState } from '../../../src/model/desired.js';
import { pinOf } from '../../../src/plan/pin.js';
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
    payload: PUSH,
    sha: MERGE,
    ref: 'refs/heads/main',
    runId: 1,
    repo: { owner: gh.owner, repo: gh.repo },
    apiUrl: gh.url,
    serverUrl: 'https://github.com',
    oidcAvailable: false,
    ...over,
  };
}

function deps(requiredApprovals = 1, over: Partial<Config> = {}): Deps {
  const fail = () => {
    throw new Error('the gate must not reach AWS');
  };
  const config = { ...defaultConfig(), requiredApprovals, ...over };
  return {
    api: createGitHubApi(DEFAULT_TOKEN, { owner: gh.owner, repo: gh.repo }, gh.url),
    runPlan: fail,
    loadDesired: async () => ({
      state: { config, users: [], policies: [] } as unknown as DesiredState,
      diagnostics: [],
      files: [],
    }),
    renderComment: fail,
    renderSummary: fail,
    awsClients: fail,
    applyPlan: fail,
    now: () => new Date(PLANNED),
  };
}

const BEFORE = 'd'.repeat(40);
const PUSH = { repository: { default_branch: 'main' }, before: BEFORE };

function mergedPr(): void {
  gh.addPull({ number: 4, author: 'alice', headSha: HEAD, baseSha: 'b'.repeat(40) });
  gh.merge(4, MERGE);
}

/** The action's plan comment, posted (by GitHub's clock) at PLANNED. */
const planComment = (m: CommentMeta = meta) =>
  gh.addComment(4, 'github-actions[bot]', composeComment(m, 'plan'), PLANNED);

test('approved plan of the final head passes, with the approvers and the config', async () => {
  mergedPr();
  planComment();
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
  planComment();
  gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
  const r = await checkGate(settings(), deps(2));
  expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/not approved: 1 of 2 approvals/) });
});

describe('settings that guard the gate come from the commit the pull request was merged onto', () => {
  const approve = () =>
    gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });

  test("a pull request that lowers requiredApprovals is judged by the base, read at the push's `before`", async () => {
    mergedPr();
    planComment();
    approve();
    gh.setFile(BEFORE, 'iam-gitops.yml', 'requiredApprovals: 2\n');
    // The pull request's own base.sha says 1: the branch tip the merge landed on decides.
    gh.setFile('b'.repeat(40), 'iam-gitops.yml', 'requiredApprovals: 1\n');
    const r = await checkGate(settings(), deps(1));
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/1 of 2 approvals/) });
    expect(
      gh.requests.some((q) => q.path === '/repos/acme/iam/contents/iam-gitops.yml' && q.query.ref === BEFORE),
    ).toBe(true);
  });

  test('the config is read where working-directory and config put it', async () => {
    mergedPr();
    planComment();
    approve();
    gh.setFile(BEFORE, 'iam/settings/gate.yml', 'requiredApprovals: 3\n');
    const r = await checkGate(
      settings({ dirFromWorkspace: 'iam', configPath: 'settings/gate.yml' }),
      deps(1),
    );
    expect(r).toMatchObject({ ok: false, reason: expect.stringMatching(/1 of 3 approvals/) });
  });

  test('a base without a config file has the defaults in force, so a new file cannot ask for less', async () => {
    mergedPr();
    planComment();
    approve();
    const r = await checkGate(settings(), deps(1, { adopt: true, maxDeletes: 50 }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.gate.settings).toMatchObject({ requiredApprovals: 1, adopt: false, maxDeletes: 5 });
    expect(r.gate.changes.map((c) => c.key).sort()).toEqual(['adopt', 'maxDeletes']);
  });

  test('raising the bar takes effect at once; an unreadable base refuses', async () => {
    mergedPr();
    planComment();
    approve();
    gh.setFile(BEFORE, 'iam-gitops.yml', 'requiredApprovals: 1\n');
    expect(await checkGate(settings(), deps(2))).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/1 of 2/),
    });
    gh.tokens.set('ghs_broken', { login: 'github-actions[bot]' });
    const api = createGitHubApi(DEFAULT_TOKEN, { owner: gh.owner, repo: gh.repo }, gh.url);
    const broken: Deps = {
      ...deps(1),
      api: { ...api, fileAt: async () => Promise.reject(new Error('HTTP 500')) },
    };
    expect(await checkGate(settings(), broken)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/settings in force at ddddddd could not be read .*HTTP 500/),
    });
  });
});

describe('timestamps come from GitHub, never from the comment text', () => {
  test('a plannedAt forged into the comment does not let an earlier approval count', async () => {
    mergedPr();
    // Posted at 10:00 by GitHub's clock, claiming to be from 2000.
    planComment({ ...meta, plannedAt: '2000-01-01T00:00:00Z' });
    gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T09:00:00Z' });
    const r = await checkGate(settings(), deps());
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringMatching(
        /bob approved at 2026-11-20T09:00:00Z, before the plan comment was posted at 2026-11-20T10:00:00.000Z/,
      ),
    });
  });

  test("an edit before the merge moves the posting time; an edit after it (the apply's status) does not", async () => {
    mergedPr();
    const c = planComment();
    gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
    c.updated_at = '2026-11-20T11:30:00Z'; // re-planned in place after bob approved
    gh.pull(4).merged_at = '2026-11-20T12:00:00Z';
    expect(await checkGate(settings(), deps())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/before the plan comment was posted at 2026-11-20T11:30/),
    });
    c.updated_at = '2026-11-20T12:05:00Z'; // the apply's own status, after the merge
    expect(await checkGate(settings(), deps())).toMatchObject({ ok: true });
  });
});

describe('who approves is checked against GitHub', () => {
  test('a non-collaborator, a bot and a committer of the pull request do not count; a writer does', async () => {
    mergedPr();
    planComment();
    gh.setCommits(4, [
      { sha: HEAD, author: 'alice', committer: 'alice' },
      { sha: 'f'.repeat(40), author: 'alice', committer: 'carol' },
    ]);
    gh.setPermission('carol', 'admin');
    gh.setPermission('dependabot[bot]', 'write');
    for (const login of ['mallory', 'dependabot[bot]', 'carol'])
      gh.addReview(4, { login, state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
    const refused = await checkGate(settings(), deps());
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(Object.fromEntries(refused.approvals!.verdicts.map((v) => [v.login, v.reason]))).toEqual({
      mallory: expect.stringMatching(/no access/),
      'dependabot[bot]': expect.stringMatching(/bot account/),
      carol: expect.stringMatching(/authored or committed fffffff/),
    });
    // Only mallory needed a permission look-up.
    expect(gh.requests.filter((q) => q.path.includes('/collaborators/')).map((q) => q.path)).toEqual([
      '/repos/acme/iam/collaborators/mallory/permission',
    ]);
    gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
    expect(await checkGate(settings(), deps())).toMatchObject({
      ok: true,
      approvals: { approvers: ['bob'] },
    });
  });

  test('a reviewer whose write access was removed since no longer counts', async () => {
    mergedPr();
    planComment();
    gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
    gh.setPermission('bob', 'read');
    expect(await checkGate(settings(), deps())).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/bob has only read access/),
    });
  });
});

test('invalid merged files are refused for what is wrong, before the plan comment is looked at', async () => {
  mergedPr();
  const d = deps();
  d.loadDesired = async () => ({
    state: null,
    diagnostics: [{ file: 'users/team.csv', line: 3, col: 2, severity: 'error', message: 'bad email' }],
    files: [],
  });
  expect(await checkGate(settings(), d)).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/merged files are invalid \(1 error\)/),
    diagnostics: [{ file: 'users/team.csv', line: 3 }],
  });
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
  expect(checkSamePlan(m, approved)).toEqual({ ok: true, mode: 'exact', remaining: 1 });
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

describe('a re-run continues the approved plan and nothing else', () => {
  const carol = op('user:carol', 'create', 'carol', { path: '/iam-gitops/' });
  const mail = {
    ...op('email:carol', 'create', 'carol', { user: 'carol' }),
    type: 'email' as const,
    dependsOn: ['user:carol'],
  };
  const dave = op('user:dave', 'create', 'dave');
  const approved = plan('h1', [carol, mail, dave]);
  const m = { ...meta, pin: pinOf(approved.changes) };

  test('what is left of the approved plan passes, even when what it waits for is done', () => {
    // carol was created and dave too; her mail failed: it no longer waits for anything.
    expect(checkSamePlan(m, plan('h2', [{ ...mail, dependsOn: [] }]))).toEqual({
      ok: true,
      mode: 'continue',
      remaining: 1,
    });
  });

  test('an empty plan after a complete earlier run is nothing left to do', () => {
    expect(checkSamePlan(m, plan('h0', []))).toEqual({ ok: true, mode: 'nothing-left', remaining: 0 });
  });

  test('an operation nobody approved is refused by name, and so is an approved one with other details', () => {
    const r = checkSamePlan(m, plan('h3', [mail, op('user:mallory', 'delete', 'mallory')]));
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/1 operation the reviewers never approved/),
    });
    expect(!r.ok && r.detail).toMatch(/- delete user `mallory`/);
    const widened = checkSamePlan(
      m,
      plan('h4', [{ ...mail, details: { user: 'carol', email: 'eve@evil.test' } }]),
    );
    expect(widened.ok).toBe(false);
  });

  test('without a pin (a plan too large to pin, or an old comment) only the exact plan passes', () => {
    const r = checkSamePlan({ ...meta }, plan('h2', [mail]));
    expect(r).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/plan changed since it was approved/),
    });
    expect(checkSamePlan({ ...meta, pin: 'not a pin!' }, plan('h2', [mail])).ok).toBe(false);
  });
});

test('a re-run finds the plan comment again after the apply posted its result comment', async () => {
  mergedPr();
  const plan = planComment();
  // First run: no approval yet, refused; the result goes to a new comment with its own marker.
  await applyFlow(settings({ runId: 77 }), deps());
  process.exitCode = undefined;
  const bot = gh.comments(4).filter((c) => c.user.login === 'github-actions[bot]');
  expect(bot).toHaveLength(2);
  const result = bot.find((c) => c.id !== plan.id)!;
  expect(result.id).toBeGreaterThan(plan.id);
  expect(result.body.startsWith(`${RESULT_MARKER}\n### 🛑 iam-gitops: apply refused`)).toBe(true);
  expect(result.body).toContain('(https://github.com/acme/iam/actions/runs/77)');
  // The plan comment is still the plan, marked refused.
  expect(parseMeta(gh.comments(4).find((c) => c.id === plan.id)!.body)).toMatchObject({
    hash: 'h1',
    status: 'refused',
  });
  // Re-run after an approval: the gate reads the plan comment, not the newer result comment.
  gh.addReview(4, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: '2026-11-20T11:00:00Z' });
  const r = await checkGate(settings(), deps());
  expect(r).toMatchObject({ ok: true, meta: { hash: 'h1' }, comment: { id: plan.id } });
});
