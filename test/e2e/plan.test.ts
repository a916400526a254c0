/** The pull request plan, run as `node dist/index.js` against the local GitHub API and the emulator. */
import { MARKER } from '../../src/github/comment.js';
import { startGitHubServer, READ_ONLY_TOKEN, type GitHubServer } from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { planRun, quietStderr, repoFiles, sha, verifySender, type UserRow } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop()]));
beforeEach(async () => {
  gh.reset();
  await moto.reset();
  await verifySender(moto);
  gh.addPull({ number: 1, author: 'alice', headSha: sha('head-1'), baseSha: sha('base') });
});

const ctx = () => ({ gh, moto });
const team: UserRow[] = [{ username: 'carol' }, { username: 'dave', console: true }];
const botComments = () => gh.comments(1).filter((c) => c.user.login === 'github-actions[bot]');

test('the first run creates the comment, a re-run changes nothing, a new plan replaces it with a new comment', async () => {
  const first = await planRun(ctx(), 1, repoFiles(team));
  expect(quietStderr(first.stderr)).toBe('');
  expect(first.exitCode).toBe(0);
  expect(first.outputs).toMatchObject({ 'has-changes': 'true', 'findings-errors': '0' });
  expect(first.outputs['plan-hash']).toMatch(/^[0-9a-f]{64}$/);
  expect(botComments()).toHaveLength(1);
  const body1 = botComments()[0]!.body;
  expect(body1.startsWith(MARKER)).toBe(true);
  expect(body1).toContain(first.outputs['plan-hash']!);
  expect(body1).toContain(sha('head-1'));
  expect(body1).toContain('carol');
  expect(body1).not.toContain('carol@example.com'); // addresses are masked in comments
  expect(first.summary).toContain('carol');
  expect(first.calls.some((c) => c.operation === 'AssumeRoleWithWebIdentity')).toBe(true);
  expect(gh.oidcAudiences).toEqual(['sts.amazonaws.com']);
  expect(first.writes).toEqual([]);

  await planRun(ctx(), 1, repoFiles(team));
  expect(gh.writes().map((w) => w.method)).toEqual(['POST']);

  gh.pull(1).head.sha = sha('head-2');
  const third = await planRun(ctx(), 1, repoFiles([...team, { username: 'erin' }]));
  expect(third.exitCode).toBe(0);
  expect(third.outputs['plan-hash']).not.toBe(first.outputs['plan-hash']);
  // A new plan is a new comment (the old one deleted): its GitHub creation time is when reviewers
  // could first see it, which is what approvals are checked against.
  expect(gh.writes().map((w) => w.method)).toEqual(['POST', 'DELETE', 'POST']);
  expect(botComments()).toHaveLength(1);
  expect(botComments()[0]!.body).toContain('erin');
  expect(botComments()[0]!.body).toContain(sha('head-2'));
});

test("another user's comment with our marker is never edited and never counts", async () => {
  const forged = gh.addComment(
    1,
    'mallory',
    `${MARKER}\n<!-- iam-gitops:meta {"hash":"x","head":"y","base":"z","plannedAt":"2020-01-01T00:00:00Z"} -->\nforged`,
  );
  const run = await planRun(ctx(), 1, repoFiles(team));
  expect(run.exitCode).toBe(0);
  expect(gh.comments(1).find((c) => c.id === forged.id)!.body).toContain('forged');
  expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual(['POST /repos/acme/iam/issues/1/comments']);
  expect(botComments()).toHaveLength(1);
});

test('a 3,000-user change still fits one comment under 60,000 characters', async () => {
  const many = Array.from({ length: 3000 }, (_, i) => ({ username: `user-${String(i).padStart(4, '0')}` }));
  const run = await planRun(ctx(), 1, repoFiles(many));
  expect(run.exitCode).toBe(0);
  expect(botComments()).toHaveLength(1);
  const body = botComments()[0]!.body;
  expect(body.length).toBeLessThan(60000);
  expect(body).toContain(run.outputs['plan-hash']!);
  expect(run.summary).toContain('user-2999');
});

test('an escalation policy fails the check with an annotation on the policy file and line', async () => {
  const policy = [
    '{',
    '  "Version": "2012-10-17",',
    '  "Statement": [',
    '    {',
    '      "Effect": "Allow",',
    '      "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"],',
    '      "Resource": "*"',
    '    }',
    '  ]',
    '}',
  ].join('\n');
  const run = await planRun(
    ctx(),
    1,
    repoFiles([{ username: 'carol', policies: 'escalate' }], { 'policies/escalate.json': policy + '\n' }),
  );
  expect(run.exitCode).toBe(1);
  const ann = run.annotations.filter((a) => a.level === 'error' && a.file === 'policies/escalate.json');
  expect(ann.length).toBeGreaterThan(0);
  expect(ann[0]!.line).toBeGreaterThanOrEqual(4);
  expect(ann[0]!.line).toBeLessThanOrEqual(8);
  expect(Number(run.outputs['findings-errors'])).toBeGreaterThan(0);
  expect(run.stdout).toMatch(/::error::iam-gitops: \d+ lint finding/);
  expect(botComments()).toHaveLength(1);
});

test('invalid files fail the check with annotations on the file line, and the comment says so', async () => {
  const files = repoFiles(team);
  files['users/team.csv'] = 'username,email,colour\ncarol,carol@example.com,blue\n';
  const run = await planRun(ctx(), 1, files);
  expect(run.exitCode).toBe(1);
  const ann = run.annotations.find((a) => a.level === 'error' && a.file === 'users/team.csv');
  expect(ann?.line).toBe(1);
  expect(run.outputs['plan-hash']).toBe('');
  expect(botComments()[0]!.body).toMatch(/validation error/);
  expect(run.summary).toContain('users/team.csv');
});

test('without a plan role the plan is offline, says so, and never touches AWS', async () => {
  const run = await planRun(ctx(), 1, repoFiles(team), { inputs: {} });
  expect(run.exitCode).toBe(0);
  const body = botComments()[0]!.body;
  const banner =
    /Offline plan:\*\* made against an empty account, not the live one because no `plan-role-to-assume` is set/;
  expect(body).toMatch(banner);
  expect(run.summary).toMatch(banner);
  // Said once, in the report's own banner.
  expect(body.match(/against an empty account/g)).toHaveLength(1);
  expect(run.summary.match(/against an empty account/g)).toHaveLength(1);
  expect(run.calls).toEqual([]);
  expect(gh.oidcAudiences).toEqual([]);
});

test('without an OIDC token (no id-token: write) the plan is offline and says why', async () => {
  const run = await planRun(ctx(), 1, repoFiles(team), { oidc: false });
  expect(run.exitCode).toBe(0);
  expect(botComments()[0]!.body).toMatch(/Offline plan:\*\* made against an empty account.*id-token: write/s);
  expect(run.calls).toEqual([]);
});

test('a read-only token cannot comment: a warning, and the plan still reaches the summary', async () => {
  const run = await planRun(ctx(), 1, repoFiles(team), { token: READ_ONLY_TOKEN });
  expect(run.exitCode).toBe(0);
  expect(gh.comments(1)).toHaveLength(0);
  expect(
    run.annotations.some((a) => a.level === 'warning' && /Could not post the plan comment/.test(a.message)),
  ).toBe(true);
  expect(run.summary).toContain('carol');
  expect(run.outputs['plan-hash']).toMatch(/^[0-9a-f]{64}$/);
});

test('a pull request from a fork is planned offline even with a plan role, and says why', async () => {
  gh.addPull({
    number: 2,
    author: 'mallory',
    headSha: sha('fork-head'),
    baseSha: sha('base'),
    forkOf: 'mallory/iam',
  });
  const run = await planRun(ctx(), 2, repoFiles(team));
  expect(run.exitCode).toBe(0);
  const body = gh.comments(2)[0]!.body;
  expect(body).toMatch(/Offline plan:\*\* made against an empty account.*fork mallory\/iam/s);
  expect(run.calls).toEqual([]);
  expect(gh.oidcAudiences).toEqual([]);
});

test("with a personal token the comment is that user's, and the bot's older comment is not taken over", async () => {
  gh.tokens.set('ghp_deploy', { login: 'deploy-bot', canReadUser: true });
  const old = gh.addComment(1, 'github-actions[bot]', `${MARKER}\nan older plan by the workflow token`);
  const run = await planRun(ctx(), 1, repoFiles(team), { token: 'ghp_deploy' });
  expect(run.exitCode).toBe(0);
  expect(gh.comments(1).map((c) => c.user.login)).toEqual(['github-actions[bot]', 'deploy-bot']);
  expect(gh.comments(1).find((c) => c.id === old.id)!.body).toContain('an older plan');
  await planRun(ctx(), 1, repoFiles([...team, { username: 'erin' }]), { token: 'ghp_deploy' });
  expect(gh.comments(1)).toHaveLength(2);
  expect(gh.comments(1)[1]!.body).toContain('erin');
});

test('an invalid input fails the step with a clear message before anything is read', async () => {
  const run = await planRun(ctx(), 1, repoFiles(team), { inputs: { mode: 'deploy' } });
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toContain(
    "::error::iam-gitops: Input mode must be one of auto, plan, apply, drift, check-changes, accounts; got 'deploy'.",
  );
  expect(run.calls).toEqual([]);
  expect(gh.requests).toEqual([]);
});
