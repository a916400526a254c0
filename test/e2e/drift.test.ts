/**
 * The scheduled drift check, run as `node dist/index.js` against the local GitHub API and the
 * emulator: drift fails the job and opens the labelled issue, the next run updates that issue in
 * place, a clean run closes it with a comment and passes. AWS is only read.
 */
import { DeleteUserCommand } from '@aws-sdk/client-iam';
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { runAction } from '../harness/action-runner.js';
import { driftUser, repoFiles, sha, PLAN_ROLE } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop()]));
beforeEach(async () => {
  gh.reset();
  await moto.reset();
});

const LABEL = 'iam-gitops:drift';
const files = repoFiles([]);

const scheduled = () =>
  runAction({
    github: gh,
    moto,
    files,
    eventName: 'schedule',
    payload: { schedule: '17 6 * * 1-5' },
    sha: sha('main'),
    ref: 'refs/heads/main',
    inputs: { 'plan-role-to-assume': PLAN_ROLE },
  });

test('drift opens the issue and fails, the next run updates it in place, a clean run closes it', async () => {
  // A user made behind the files' back.
  await driftUser(moto, 'mallory');
  const first = await scheduled();
  expect(first.exitCode).toBe(1);
  expect(first.writes).toEqual([]);
  expect(first.outputs['has-changes']).toBe('true');
  expect(first.stdout).toMatch(
    /::error::iam-gitops: drift: \d+ changes? between the files and the account \(issue #1\)/,
  );
  expect(gh.issues(LABEL)).toHaveLength(1);
  const issue = gh.issues(LABEL)[0]!;
  expect(issue).toMatchObject({ state: 'open', title: 'iam-gitops: the account has drifted from the files' });
  expect(issue.user.login).toBe('github-actions[bot]');
  expect(issue.body).toContain('mallory');
  // The account report keeps its own issue (the emulator's root account has no MFA: a CIS finding).
  expect(gh.labels()).toContain(LABEL);
  expect(first.summary).toMatch(/Issue \[#1\]\(.*\) \(`iam-gitops:drift`\): created/);

  // More drift: the same issue, rewritten; no second issue.
  await driftUser(moto, 'trent');
  const second = await scheduled();
  expect(second.exitCode).toBe(1);
  expect(gh.issues(LABEL)).toHaveLength(1);
  expect(issue.body).toContain('trent');
  expect(second.summary).toMatch(/\(`iam-gitops:drift`\): updated/);
  // The drift issue's writes (the account report keeps an issue of its own: see below).
  const issueWrites = gh
    .writes()
    .filter(
      (w) =>
        w.path === `/repos/${gh.fullName}/issues/1` ||
        (w.path === `/repos/${gh.fullName}/issues` &&
          ((w.body as { labels?: string[] }).labels ?? []).includes(LABEL)),
    );
  expect(issueWrites.map((w) => `${w.method} ${w.path}`)).toEqual([
    `POST /repos/${gh.fullName}/issues`,
    `PATCH /repos/${gh.fullName}/issues/1`,
  ]);

  // Someone fixes the account: the issue is closed with a comment and the job passes.
  for (const name of ['mallory', 'trent'])
    await moto.clients().iam.send(new DeleteUserCommand({ UserName: name }));
  const clean = await scheduled();
  expect(clean.exitCode).toBe(0);
  expect(clean.outputs['has-changes']).toBe('false');
  expect(issue.state).toBe('closed');
  expect(gh.comments(issue.number).map((c) => c.body)).toEqual([
    expect.stringMatching(
      /^No drift in workflow run \d+: the account matches the files at [0-9a-f]{7}\. Closing\.$/,
    ),
  ]);
  expect(clean.annotations.filter((a) => a.level === 'error')).toEqual([]);
});

test('the scheduled run also reports the account: an unmanaged admin fails the job and keeps the report issue', async () => {
  const { AttachUserPolicyCommand, CreateUserCommand } = await import('@aws-sdk/client-iam');
  const iam = moto.clients().iam;
  // An administrator made by hand in the console: not in the files, not managed, never planned.
  await iam.send(new CreateUserCommand({ UserName: 'shadow-admin' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'shadow-admin',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  const run = await scheduled();
  expect(run.exitCode).toBe(1);
  expect(run.writes).toEqual([]);
  expect(run.stdout).toMatch(/::error::iam-gitops: the account report has 1 error/);
  const report = gh.issues('iam-gitops:report');
  expect(report).toHaveLength(1);
  expect(report[0]!.state).toBe('open');
  expect(report[0]!.body).toContain('shadow-admin');
  expect(report[0]!.body).toMatch(/admin/i);
  expect(run.summary).toContain('shadow-admin');
  // Drift alone would not have said it: the plan never touches an unmanaged user.
  expect(gh.issues(LABEL).filter((i) => i.state === 'open')).toHaveLength(0);
});
