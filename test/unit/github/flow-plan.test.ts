/**
 * The pull request plan flow with the real pipeline (offline) and renderers, a fake GitHub API and
 * a job summary file: what the comment's metadata and wording say.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { GitHubApi } from '../../../src/github/api.js';
import { parseMeta, type IssueComment } from '../../../src/github/comment.js';
import { createEngine } from '../../../src/github/engine.js';
import { planFlow } from '../../../src/github/flow-plan.js';
import type { Settings } from '../../../src/inputs.js';

const dirs: string[] = [];
let summaryFile: string;
const savedSummary = process.env.GITHUB_STEP_SUMMARY;
let stdout: { mockRestore(): void };

beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-'));
  dirs.push(dir);
  // One file for the whole suite: @actions/core remembers the summary path after its first write.
  summaryFile = path.join(dir, 'summary.md');
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
});
beforeEach(() => {
  writeFileSync(summaryFile, '');
  // core.info and friends write workflow commands to stdout.
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  stdout.mockRestore();
  process.exitCode = undefined;
});
afterAll(() => {
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  if (savedSummary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = savedSummary;
});

function repo(users: number): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-repo-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(
    path.join(dir, 'iam-gitops.yml'),
    ['email:', '  from: iam@example.com', 'monitoring:', '  enabled: false', ''].join('\n'),
  );
  const rows = Array.from(
    { length: users },
    (_, i) => `user-${String(i).padStart(4, '0')},user${i}@example.com,true`,
  );
  writeFileSync(path.join(dir, 'users/team.csv'), ['username,email,console', ...rows, ''].join('\n'));
  return dir;
}

function fakeApi(
  baseConfig: string | null = null,
): GitHubApi & { comments: IssueComment[]; deleted: number[] } {
  let comments: IssueComment[] = [];
  const deleted: number[] = [];
  let next = 1;
  const login = { login: 'github-actions[bot]' };
  const api = {
    get comments() {
      return comments;
    },
    deleted,
    identity: async () => login.login,
    listComments: async () => comments,
    createComment: async (_issue: number, body: string) => {
      const c = { id: next++, body, user: login };
      comments.push(c);
      return c;
    },
    updateComment: async (id: number, body: string) => {
      const c = comments.find((x) => x.id === id)!;
      c.body = body;
      return c;
    },
    pullsForCommit: async () => [],
    getPull: async () => {
      throw new Error('not used');
    },
    listReviews: async () => [],
    listPullCommits: async () => [],
    permissionOf: async () => 'none',
    branchHead: async () => 'a'.repeat(40),
    changedBetween: async () => [],
    fileAt: async (p: string, ref: string) =>
      p === 'iam-gitops.yml' && ref === 'b'.repeat(40) ? baseConfig : null,
    deleteComment: async (id: number) => {
      deleted.push(id);
      comments = comments.filter((c) => c.id !== id);
    },
    listIssues: async () => [],
    createIssue: async () => {
      throw new Error('not used');
    },
    updateIssue: async () => {
      throw new Error('not used');
    },
  };
  return api;
}

function settings(dir: string, over: Partial<Settings> = {}): Settings {
  return {
    mode: 'plan',
    auto: true,
    roleToAssume: null,
    planRoleToAssume: null,
    awsRegion: 'us-east-1',
    githubToken: 'test-token',
    configPath: 'iam-gitops.yml',
    dir,
    dirFromWorkspace: '',
    eventName: 'pull_request',
    payload: {
      pull_request: {
        number: 7,
        head: { sha: 'a'.repeat(40), repo: { full_name: 'acme/iam' } },
        base: { sha: 'b'.repeat(40) },
      },
    },
    sha: 'c'.repeat(40),
    ref: 'refs/pull/7/merge',
    runId: 1,
    repo: { owner: 'acme', repo: 'iam' },
    apiUrl: 'http://127.0.0.1:9',
    serverUrl: 'https://github.com',
    oidcAvailable: true,
    ...over,
  };
}

async function run(users: number, over: Partial<Settings> = {}, api = fakeApi()) {
  const s = settings(repo(users), over);
  await planFlow(s, { ...createEngine(s), api, now: () => new Date('2026-11-23T10:00:00Z') });
  expect(api.comments).toHaveLength(1);
  const body = api.comments[0]!.body!;
  return { body, meta: parseMeta(body)!, summary: readFileSync(summaryFile, 'utf8') };
}

test('a plan that fits is not marked truncated', async () => {
  const { meta, body } = await run(3);
  expect(meta.truncated).toBe(false);
  expect(body).not.toContain('Shortened to fit a comment');
});

test('a plan too large for the comment is marked truncated in the metadata, as the renderer trimmed it', async () => {
  const { meta, body } = await run(1500);
  expect(body).toContain('Shortened to fit a comment');
  // The renderer's own trimming, not the flow's last-resort digest, is what the flag reports.
  expect(body).not.toContain('The full plan is too long for a comment');
  expect(meta.truncated).toBe(true);
  expect(meta.counts.create).toBe(4500);
  expect(body.length).toBeLessThanOrEqual(60000);
});

test.each([
  ['no plan role', {}, /because no `plan-role-to-assume` is set,/],
  [
    'a fork',
    {
      planRoleToAssume: 'arn:aws:iam::123456789012:role/plan',
      payload: {
        pull_request: {
          number: 7,
          head: { sha: 'a'.repeat(40), repo: { full_name: 'mallory/iam' } },
          base: { sha: 'b'.repeat(40) },
        },
      },
    },
    /because the pull request comes from the fork mallory\/iam, which gets no OIDC token,/,
  ],
  [
    'no OIDC token',
    { planRoleToAssume: 'arn:aws:iam::123456789012:role/plan', oidcAvailable: false },
    /because no GitHub OIDC token is available \(did you grant `id-token: write`\?\),/,
  ],
])('offline because of %s: the comment and the summary give that reason, once', async (_n, over, reason) => {
  const { body, summary, meta } = await run(2, over as Partial<Settings>);
  expect(meta.offline).toBe(true);
  for (const text of [body, summary]) {
    expect(text).toMatch(reason);
    expect(text.match(/against an empty account/g)).toHaveLength(1);
    expect(text).not.toContain('no read-only plan role is configured');
  }
});

test('the plan carries the pin of its operations, or none when there are too many to pin', async () => {
  expect((await run(3)).meta.pin).toMatch(/^[A-Za-z0-9+/]{72}$/); // 9 operations × 8 characters
  expect((await run(1500)).meta.pin).toBeUndefined();
});

test('a pull request that loosens its own gate says so above the plan and is planned under the base', async () => {
  const api = fakeApi('requiredApprovals: 2\nmaxDeletes: 0\n');
  const { body, summary } = await run(2, {}, api);
  for (const text of [body, summary]) {
    expect(text).toContain('This pull request changes the settings that guard the gate');
    expect(text).toContain(
      'requiredApprovals: 2 → 1; until this merges, 2 is in force, for this pull request too',
    );
    expect(text).toContain('maxDeletes: 0 → 5; until this merges, 0 is in force');
    expect(text).toContain('It needs 2 approvals');
  }
  expect(body.indexOf('guard the gate')).toBeLessThan(body.indexOf('to create'));
  // The status line says it too, and the next steps count the approvals in force.
  expect(body).toContain('changes gate settings.**');
  expect(body).toContain('**2 approvals needed**');
});

test('the blast radius compares with the base commit read from the checkout with git', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-git-'));
  dirs.push(dir);
  const write = (f: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
    writeFileSync(path.join(dir, f), text);
  };
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: dir })
      .toString()
      .trim();
  const deploy = (actions: string[]) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }],
    });
  write(
    'iam-gitops.yml',
    'email:\n  from: iam@example.com\nmonitoring:\n  enabled: false\ngroups:\n  developers:\n    policies: [deploy]\n',
  );
  write(
    'users/team.csv',
    'username,email,groups\nann,ann@example.com,developers\nben,ben@example.com,developers\n',
  );
  write('policies/deploy.json', deploy(['lambda:UpdateFunctionCode']));
  git('init', '-q');
  git('add', '.');
  git('commit', '-qm', 'base');
  const baseSha = git('rev-parse', 'HEAD');
  write('policies/deploy.json', deploy(['lambda:UpdateFunctionCode', 'iam:PassRole']));
  const s = settings(dir, {
    payload: {
      pull_request: {
        number: 7,
        head: { sha: 'a'.repeat(40), repo: { full_name: 'acme/iam' } },
        base: { sha: baseSha },
      },
    },
  });
  const api = fakeApi();
  await planFlow(s, { ...createEngine(s), api, now: () => new Date('2026-11-23T10:00:00Z') });
  const body = api.comments[0]!.body!;
  const summary = readFileSync(summaryFile, 'utf8');
  expect(body).toContain('> - **2 users** gain `iam:PassRole` via group developers');
  expect(body).toContain('#### Blast radius: 2 users gain, 0 users lose permissions');
  expect(summary).toContain('`iam:PassRole` (write): 2 users gain, via group developers');

  // Without the base commit in the checkout (and nothing to fetch it from), the comment says why.
  const other = settings(repo(1));
  const api2 = fakeApi();
  await planFlow(other, { ...createEngine(other), api: api2, now: () => new Date('2026-11-23T10:00:00Z') });
  expect(api2.comments[0]!.body).toMatch(
    /Blast radius not shown: the base commit b{7} is not in the checkout/,
  );
});

test('a plan that changes is posted as a new comment; the same plan is edited in place', async () => {
  const dir = repo(2);
  const s = settings(dir);
  const api = fakeApi();
  const flow = (over: Partial<Settings> = {}) =>
    planFlow({ ...s, ...over }, { ...createEngine(s), api, now: () => new Date('2026-11-23T10:00:00Z') });
  await flow();
  const first = api.comments[0]!.id;
  await flow();
  expect(api.comments.map((c) => c.id)).toEqual([first]);
  expect(api.deleted).toEqual([]);
  writeFileSync(path.join(dir, 'users/team.csv'), 'username,email,console\nuser-9,u9@example.com,true\n');
  await flow();
  expect(api.deleted).toEqual([first]);
  expect(api.comments).toHaveLength(1);
  expect(api.comments[0]!.id).not.toBe(first);
});
