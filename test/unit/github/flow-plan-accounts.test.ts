/**
 * The pull request plan of a multi-account repository with the real pipeline (offline) and
 * renderers, a fake GitHub API and a job summary file: one comment with a section per account,
 * an account that could not be planned shown with its error beside the others, the check failed.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { multiPlanHash } from '../../../src/accounts/hash.js';
import type { GitHubApi } from '../../../src/github/api.js';
import { parseMeta, type IssueComment } from '../../../src/github/comment.js';
import { createEngine } from '../../../src/github/engine.js';
import { planFlow } from '../../../src/github/flow-plan.js';
import { sectionsBound } from '../../../src/github/sections.js';
import type { Settings } from '../../../src/inputs.js';

const dirs: string[] = [];
let out: string[] = [];
let stdout: { mockRestore(): void };
const savedSummary = process.env.GITHUB_STEP_SUMMARY;
beforeAll(() => {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-accounts-'));
  dirs.push(dir);
  process.env.GITHUB_STEP_SUMMARY = path.join(dir, 'summary.md');
  writeFileSync(process.env.GITHUB_STEP_SUMMARY, '');
});
beforeEach(() => {
  out = [];
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation((t) => {
    out.push(String(t));
    return true;
  });
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

function repo(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-flow-accounts-repo-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'users'));
  const account = (name: string, id: string) => [
    `  ${name}:`,
    `    id: '${id}'`,
    `    planRole: arn:aws:iam::${id}:role/plan`,
    `    applyRole: arn:aws:iam::${id}:role/apply`,
  ];
  writeFileSync(
    path.join(dir, 'iam-gitops.yml'),
    [
      'email:',
      '  from: iam@example.com',
      'monitoring:',
      '  enabled: false',
      'accounts:',
      ...account('prod', '111111111111'),
      ...account('staging', '222222222222'),
      ...account('sandbox', '333333333333'),
      'groups:',
      '  devs:',
      '    accounts: [prod, staging]',
      '',
    ].join('\n'),
  );
  writeFileSync(
    path.join(dir, 'users/team.csv'),
    [
      'username,email,groups,console,accounts',
      'carol,carol@example.com,devs,false,',
      'dave,dave@example.com,,false,sandbox',
      '',
    ].join('\n'),
  );
  return dir;
}

function fakeApi(): GitHubApi & { comments: IssueComment[] } {
  const comments: IssueComment[] = [];
  const login = { login: 'github-actions[bot]' };
  const no = async (): Promise<never> => {
    throw new Error('not used');
  };
  return {
    comments,
    identity: async () => login.login,
    listComments: async () => comments,
    createComment: async (_issue: number, body: string) => {
      const c = { id: comments.length + 1, body, user: login };
      comments.push(c);
      return c;
    },
    updateComment: no,
    pullsForCommit: async () => [],
    getPull: no,
    listReviews: async () => [],
    listPullCommits: async () => [],
    permissionOf: async () => 'none',
    fileAt: async () => null,
    deleteComment: no,
    listIssues: async () => [],
    createIssue: no,
    updateIssue: no,
  } as unknown as GitHubApi & { comments: IssueComment[] };
}

function settings(dir: string): Settings {
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
    // No OIDC token: an offline plan of every account, so no AWS is needed here.
    oidcAvailable: false,
  };
}

test('an account that cannot be planned is a section with its error; the others stand and the check fails', async () => {
  const s = settings(repo());
  const api = fakeApi();
  const engine = createEngine(s);
  const real = engine.accounts!;
  await planFlow(s, {
    ...engine,
    api,
    now: () => new Date('2026-11-29T20:00:00Z'),
    accounts: {
      ...real,
      // staging's role refuses: its section holds the error, as runPlanAccounts makes it.
      async plan(opts) {
        const run = await real.plan(opts);
        if (!run.ok) return run;
        const sections = run.multi.sections.map((x) =>
          x.account === 'staging'
            ? {
                ...x,
                plan: null,
                error: 'AccessDenied: not authorized to perform sts:AssumeRoleWithWebIdentity',
              }
            : x,
        );
        delete run.runs.staging;
        return { ...run, multi: { hash: multiPlanHash(sections, 'acme/iam'), sections } };
      },
    },
  });
  expect(api.comments).toHaveLength(1);
  const body = api.comments[0]!.body!;
  const meta = parseMeta(body)!;
  expect(meta.accounts!.map((a) => [a.account, a.hash === null, a.counts.create > 0])).toEqual([
    ['prod', false, true],
    ['staging', true, false],
    ['sandbox', false, true],
  ]);
  expect(sectionsBound(meta, 'acme/iam')).toBe(true);
  expect(body).toMatch(
    /#### `staging` <sub>\(account 222222222222\)<\/sub>\n\n❌ The plan of this account failed: AccessDenied/,
  );
  // The accounts that could be planned keep their detail: carol in prod, dave in sandbox.
  expect(body.slice(body.indexOf('#### `prod`'), body.indexOf('#### `staging`'))).toContain('carol');
  expect(body.slice(body.indexOf('#### `sandbox`'))).toContain('dave');
  expect(process.exitCode).toBe(1);
  expect(out.join('')).toMatch(/::error::iam-gitops: 1 account could not be planned \(staging\)/);
});

test('every account planned: one comment, the combined hash at the top, the check passes', async () => {
  const s = settings(repo());
  const api = fakeApi();
  await planFlow(s, { ...createEngine(s), api, now: () => new Date('2026-11-29T20:00:00Z') });
  const body = api.comments[0]!.body!;
  const meta = parseMeta(body)!;
  expect(meta.accounts).toHaveLength(3);
  expect(body.indexOf(meta.hash)).toBeLessThan(body.indexOf('#### `prod`'));
  expect(process.exitCode).toBeUndefined();
});

test('a resolution warning (an exclude entry that matches nothing) is in the comment and the log, and fails nothing', async () => {
  const s = settings(repo());
  const api = fakeApi();
  const engine = createEngine(s);
  const real = engine.accounts!;
  const warning =
    "iam-gitops.yml:12: organization.exclude: 'sandbx' matches no account of the organization, so it excludes nothing";
  await planFlow(s, {
    ...engine,
    api,
    now: () => new Date('2026-11-29T20:00:00Z'),
    accounts: {
      ...real,
      async resolve(desired, purpose, offline) {
        return { ...(await real.resolve(desired, purpose, offline)), warnings: [warning] };
      },
    },
  });
  const body = api.comments[0]!.body!;
  expect(body).toContain('### ⚠️ Accounts');
  expect(body).toContain("organization.exclude: 'sandbx' matches no account");
  expect(body.indexOf('### ⚠️ Accounts')).toBeLessThan(body.indexOf('#### `prod`'));
  expect(out.join('')).toContain(`::warning::iam-gitops: ${warning}`);
  expect(process.exitCode).toBeUndefined();
});
