/**
 * The scheduled run's issues against the local GitHub API: one labelled issue per check, opened,
 * updated in place, closed when clean, never someone else's; and the drift flow failing the step
 * on drift or on report errors. The drift flow runs the real pipeline offline (an empty account,
 * so every user in the files is drift); the account report is a test double.
 */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import type { AwsClients } from '../../../src/aws/clients.js';
import { createGitHubApi } from '../../../src/github/api.js';
import { createEngine } from '../../../src/github/engine.js';
import {
  DRIFT_LABEL,
  REPORT_LABEL,
  driftFlow,
  type ReportHook,
  type ScheduledReport,
} from '../../../src/github/flow-drift.js';
import {
  ISSUE_BODY_LIMIT,
  composeIssueBody,
  issueMarker,
  keepIssue,
  type TrackedIssue,
} from '../../../src/github/tracked-issue.js';
import type { Settings } from '../../../src/inputs.js';
import { runPlan } from '../../../src/pipeline.js';
import {
  BOT,
  DEFAULT_TOKEN,
  READ_ONLY_TOKEN,
  startGitHubServer,
  type GitHubServer,
} from '../../harness/github-server.js';

let gh: GitHubServer;
const dirs: string[] = [];
let summaryFile: string;
const savedSummary = process.env.GITHUB_STEP_SUMMARY;
let stdout: ReturnType<typeof jest.spyOn>;

beforeAll(async () => {
  gh = await startGitHubServer();
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-drift-'));
  dirs.push(dir);
  summaryFile = path.join(dir, 'summary.md');
  process.env.GITHUB_STEP_SUMMARY = summaryFile;
});
afterAll(async () => {
  await gh.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  if (savedSummary === undefined) delete process.env.GITHUB_STEP_SUMMARY;
  else process.env.GITHUB_STEP_SUMMARY = savedSummary;
});
beforeEach(() => {
  gh.reset();
  writeFileSync(summaryFile, '');
  stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  stdout.mockRestore();
  process.exitCode = undefined;
});

const api = (token = DEFAULT_TOKEN) => createGitHubApi(token, { owner: gh.owner, repo: gh.repo }, gh.url);
const tracked = (over: Partial<TrackedIssue> = {}): TrackedIssue => ({
  label: DRIFT_LABEL,
  title: 'iam-gitops: the account has drifted from the files',
  body: '### drift\n\n- create user alice',
  clean: false,
  closingComment: 'No drift. Closing.',
  overflowNote: 'The full report is in the job summary.',
  ...over,
});
const issueWrites = () => gh.writes().filter((w) => w.path.includes('/issues'));

describe('keepIssue', () => {
  test('opens one labelled issue, updates it in place, then closes it with a comment when clean', async () => {
    expect(await keepIssue(api(), tracked())).toMatchObject({ action: 'created' });
    expect(gh.issues(DRIFT_LABEL)).toHaveLength(1);
    expect(gh.labels()).toEqual([DRIFT_LABEL]);
    const [issue] = gh.issues(DRIFT_LABEL);
    expect(issue!.user.login).toBe(BOT);
    expect(issue!.body.startsWith(issueMarker(DRIFT_LABEL))).toBe(true);

    expect(await keepIssue(api(), tracked({ body: '### drift\n\n- delete user bob' }))).toMatchObject({
      action: 'updated',
      number: issue!.number,
    });
    expect(gh.issues(DRIFT_LABEL)).toHaveLength(1);
    expect(issue!.body).toContain('delete user bob');

    gh.requests.length = 0;
    expect(await keepIssue(api(), tracked({ body: '### drift\n\n- delete user bob' }))).toMatchObject({
      action: 'unchanged',
    });
    expect(issueWrites()).toEqual([]);

    expect(await keepIssue(api(), tracked({ clean: true }))).toMatchObject({ action: 'closed' });
    expect(issue!.state).toBe('closed');
    expect(issue!.state_reason).toBe('completed');
    expect(gh.comments(issue!.number).map((c) => c.body)).toEqual(['No drift. Closing.']);

    // Clean with nothing open: no call that writes.
    gh.requests.length = 0;
    expect(await keepIssue(api(), tracked({ clean: true }))).toEqual({ action: 'none' });
    expect(issueWrites()).toEqual([]);
    // Drift again: a new issue, the closed one stays closed.
    expect(await keepIssue(api(), tracked())).toMatchObject({ action: 'created' });
    expect(gh.issues(DRIFT_LABEL).map((i) => i.state)).toEqual(['closed', 'open']);
  });

  test("someone else's issue with the label and a copied marker is never edited or closed", async () => {
    const planted = gh.addIssue({
      login: 'mallory',
      title: 'iam-gitops: the account has drifted from the files',
      body: `${issueMarker(DRIFT_LABEL)}\nall fine, nothing to see`,
      labels: [DRIFT_LABEL],
    });
    expect(await keepIssue(api(), tracked())).toMatchObject({ action: 'created' });
    expect(await keepIssue(api(), tracked({ clean: true }))).toMatchObject({ action: 'closed' });
    expect(planted.body).toBe(`${issueMarker(DRIFT_LABEL)}\nall fine, nothing to see`);
    expect(planted.state).toBe('open');
    expect(gh.comments(planted.number)).toEqual([]);
    expect(issueWrites().some((w) => w.path.endsWith(`/issues/${planted.number}`))).toBe(false);
  });

  test('finds its issue past the first page of labelled issues', async () => {
    await keepIssue(api(), tracked());
    const ours = gh.issues(DRIFT_LABEL)[0]!;
    for (let i = 0; i < 130; i++)
      gh.addIssue({ login: 'alice', title: `question ${i}`, body: 'hm', labels: [DRIFT_LABEL] });
    expect(await keepIssue(api(), tracked({ body: 'changed' }))).toMatchObject({
      action: 'updated',
      number: ours.number,
    });
    expect(gh.issues(DRIFT_LABEL).filter((i) => i.user.login === BOT)).toHaveLength(1);
    expect(gh.requests.some((r) => r.path.endsWith('/issues') && r.query.page === '2')).toBe(true);
  });

  test('two open issues of ours (two runs at once): the newest is kept, the older closed as superseded', async () => {
    const older = gh.addIssue({
      login: BOT,
      title: 't',
      body: `${issueMarker(DRIFT_LABEL)}\nold`,
      labels: [DRIFT_LABEL],
    });
    const newer = gh.addIssue({
      login: BOT,
      title: 't',
      body: `${issueMarker(DRIFT_LABEL)}\nnew`,
      labels: [DRIFT_LABEL],
    });
    expect(await keepIssue(api(), tracked())).toMatchObject({ action: 'updated', number: newer.number });
    expect(older).toMatchObject({ state: 'closed', state_reason: 'not_planned' });
    expect(gh.comments(older.number).map((c) => c.body)).toEqual([`Superseded by #${newer.number}.`]);
    expect(newer.state).toBe('open');
  });

  test('another check keeps its own issue: the report label never touches the drift issue', async () => {
    await keepIssue(api(), tracked());
    await keepIssue(api(), tracked({ label: REPORT_LABEL, title: 'report', body: 'two keys' }));
    await keepIssue(api(), tracked({ label: REPORT_LABEL, clean: true }));
    expect(gh.issues(DRIFT_LABEL).map((i) => i.state)).toEqual(['open']);
    expect(gh.issues(REPORT_LABEL).map((i) => i.state)).toEqual(['closed']);
  });

  test('a body over GitHub’s limit is cut at a line end, an open code block closed, and says where the rest is', () => {
    const body = '```\n' + 'x'.repeat(99) + '\n'.repeat(1) + ('line\n'.repeat(20_000) + '```');
    const out = composeIssueBody({ label: DRIFT_LABEL, body, overflowNote: 'See run 7.' });
    expect(out.length).toBeLessThanOrEqual(ISSUE_BODY_LIMIT);
    expect(out.trimEnd().endsWith('See run 7.')).toBe(true);
    expect((out.match(/^```/gm) ?? []).length % 2).toBe(0);
    expect(out).not.toMatch(/\nlin\n/);
  });
});

function repo(users: string[]): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-drift-repo-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'users'));
  writeFileSync(
    path.join(dir, 'iam-gitops.yml'),
    ['email:', '  from: iam@example.com', 'monitoring:', '  enabled: false', ''].join('\n'),
  );
  const rows = users.map((u) => `${u},${u}@example.com,false`);
  writeFileSync(path.join(dir, 'users/team.csv'), ['username,email,console', ...rows, ''].join('\n'));
  return dir;
}

function settings(dir: string): Settings {
  return {
    mode: 'drift',
    auto: true,
    roleToAssume: null,
    planRoleToAssume: null,
    awsRegion: 'us-east-1',
    githubToken: DEFAULT_TOKEN,
    configPath: 'iam-gitops.yml',
    dir,
    dirFromWorkspace: '',
    eventName: 'schedule',
    payload: {},
    sha: 'c'.repeat(40),
    ref: 'refs/heads/main',
    runId: 42,
    repo: { owner: gh.owner, repo: gh.repo },
    apiUrl: gh.url,
    serverUrl: 'https://github.com',
    oidcAvailable: false,
  };
}

/** The drift flow on `users` in the files against an empty account (offline plan). */
async function drift(users: string[], report: ReportHook | null, token = DEFAULT_TOKEN) {
  const s = { ...settings(repo(users)), githubToken: token };
  await driftFlow(
    s,
    {
      ...createEngine(s),
      runPlan: (o) => runPlan({ ...o, offline: true }),
      awsClients: async () => undefined as unknown as AwsClients,
      now: () => new Date('2026-11-29T06:17:00Z'),
    },
    report,
  );
  const out = (stdout.mock.calls as unknown[][]).map((c) => String(c[0])).join('');
  return { failed: process.exitCode === 1, out, summary: readFileSync(summaryFile, 'utf8') };
}

const reportOf =
  (r: ScheduledReport): ReportHook =>
  async () =>
    r;

describe('driftFlow', () => {
  test('drift fails the step and opens the drift issue; a clean run closes it and passes', async () => {
    const dirty = await drift(['alice'], null);
    expect(dirty.failed).toBe(true);
    expect(dirty.out).toMatch(
      /::error::iam-gitops: drift: 2 changes between the files and the account \(issue #1\)/,
    );
    const [issue] = gh.issues(DRIFT_LABEL);
    expect(issue!.body).toContain('alice');
    expect(issue!.body).not.toContain('alice@example.com'); // addresses are masked like in comments
    expect(dirty.summary).toContain('Issue [#1]');

    process.exitCode = undefined;
    const clean = await drift([], null);
    expect(clean.failed).toBe(false);
    expect(issue!.state).toBe('closed');
    expect(gh.comments(issue!.number)[0]!.body).toMatch(/No drift in workflow run 42/);
  });

  test('report errors fail the step even without drift, and keep their own issue', async () => {
    const run = await drift(
      [],
      reportOf({ markdown: '### report\n\n- root has an access key', errors: 2, findings: 3 }),
    );
    expect(run.failed).toBe(true);
    expect(run.out).toMatch(/::error::iam-gitops: the account report has 2 errors \(issue #\d+\)/);
    expect(gh.issues(REPORT_LABEL)).toHaveLength(1);
    expect(gh.issues(REPORT_LABEL)[0]!.body).toContain('root has an access key');
    expect(gh.issues(DRIFT_LABEL)).toEqual([]);
    expect(run.summary).toContain('root has an access key');
  });

  test('report findings without errors keep the issue open but pass; none closes it', async () => {
    const warned = await drift([], reportOf({ markdown: 'bob has no MFA', errors: 0, findings: 1 }));
    expect(warned.failed).toBe(false);
    expect(gh.issues(REPORT_LABEL)[0]!.state).toBe('open');
    await drift([], reportOf({ markdown: 'all good', errors: 0, findings: 0 }));
    expect(gh.issues(REPORT_LABEL)[0]!.state).toBe('closed');
  });

  test('a report that throws fails the step and leaves its issue alone', async () => {
    const hook: ReportHook = async () => {
      throw new Error('GenerateCredentialReport: AccessDenied');
    };
    const run = await drift([], hook);
    expect(run.failed).toBe(true);
    expect(run.out).toMatch(/the account report failed: GenerateCredentialReport: AccessDenied/);
    expect(gh.issues(REPORT_LABEL)).toEqual([]);
  });

  test('a token that cannot write issues fails the step and names the permission', async () => {
    const run = await drift(['alice'], null, READ_ONLY_TOKEN);
    expect(run.failed).toBe(true);
    expect(run.out).toMatch(/could not keep the 'iam-gitops:drift' issue: .*issues: write/);
  });
});
