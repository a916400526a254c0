/**
 * Finishing a failed apply: a re-run of the apply job for the same merged pull request continues
 * the approved plan (done operations are recognised as done, pending welcome mails are sent with
 * a fresh password) and refuses only operations nobody approved. Run as `node dist/index.js`
 * against the local GitHub API and the emulator, with a scripted proxy for SES rejections,
 * throttling that outlasts every retry, and a crash between two operations.
 */
import type { ChildProcess } from 'node:child_process';
import { GetLoginProfileCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import type { GitHubServer } from '../harness/github-server.js';
import type { Moto } from '../harness/moto.js';
import { startScriptProxy, type ScriptStep } from '../harness/script-proxy.js';
import { parseMeta } from '../../src/github/comment.js';
import { applyRun, approvedPr, driftUser, iamUserNames, repoFiles, sha, useServers } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
useServers((g, m) => ([gh, moto] = [g, m]));

const ctx = () => ({ gh, moto });
const MERGE = sha('merge-3');
const files = repoFiles([{ username: 'carol', console: true }, { username: 'dave' }]);
const comment = () => gh.comments(3).find((c) => c.user.login === 'github-actions[bot]')!;

/** The first apply through a scripted proxy; returns the run. */
async function firstApply(steps: (kill: () => void) => ScriptStep[], env: Record<string, string> = {}) {
  await approvedPr(ctx(), 3, files);
  let child: ChildProcess | undefined;
  const proxy = await startScriptProxy(
    moto.url,
    steps(() => child?.kill('SIGKILL')),
  );
  try {
    const run = await applyRun(ctx(), MERGE, files, {
      env: { AWS_ENDPOINT_URL: proxy.url, ...env },
      onSpawn: (c) => (child = c),
    });
    return { run, played: proxy.played };
  } finally {
    await proxy.stop();
  }
}

/** The re-run of the same job, straight to the emulator: it must finish the approved plan. */
async function reRun() {
  const run = await applyRun(ctx(), MERGE, files);
  expect(run.exitCode).toBe(0);
  expect(run.stdout).toMatch(/Continuing the approved plan of #3: \d+ approved operations? left to do/);
  expect(comment().body).toMatch(/applied from commit .{7}, finishing an earlier run of this apply/);
  expect(parseMeta(comment().body)?.status).toBe('applied');
  return run;
}

/** The account as the files want it: both users, carol with a console login, each mailed exactly once. */
async function converged() {
  expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  const iam = moto.clients().iam;
  await expect(iam.send(new GetLoginProfileCommand({ UserName: 'carol' }))).resolves.toBeDefined();
  const users = (await iam.send(new ListUsersCommand({}))).Users ?? [];
  expect(users.map((u) => u.Path)).toEqual(['/iam-gitops/', '/iam-gitops/']);
  const mail = (await moto.sentMail()).map((m) => m.destinations.ToAddresses[0]!);
  expect([...new Set(mail)].sort()).toEqual(['carol@example.com', 'dave@example.com']);
  // carol's mail waits for her console login, so only the finishing run sends it: once. A crash can
  // land after SES accepted dave's mail and before his pending mark was cleared; delivery is then
  // at least once (the re-run sends it again), never lost.
  expect(mail.filter((m) => m === 'carol@example.com')).toHaveLength(1);
  // A third run finds nothing left: the account matches the approved plan.
  const third = await applyRun(ctx(), MERGE, files);
  expect(third.exitCode).toBe(0);
  expect(third.writes).toEqual([]);
  expect(third.summary).toMatch(/nothing left to apply/);
}

test('SES rejected a welcome mail: the re-run sends it with a fresh password and goes green', async () => {
  const { run, played } = await firstApply(() => [
    {
      action: 'SendEmail',
      times: 1,
      error: { status: 400, code: 'MessageRejected', message: 'Email address is not verified.' },
    },
  ]);
  expect(played).toEqual(['SendEmail:error']);
  expect(run.exitCode).toBe(1);
  expect(comment().body).toMatch(/re-run the apply job: it continues the approved plan/);
  // One labelled issue says the apply did not finish and how to finish it; the finishing run closes it.
  const [issue] = gh.issues('iam-gitops:apply');
  expect(issue).toMatchObject({ state: 'open', title: 'iam-gitops: the last apply did not finish' });
  expect(issue!.body).toMatch(/The apply of #3 from [0-9a-f]{7} did not finish/);
  expect(issue!.body).toMatch(/re-run the failed job of that run/);
  expect(issue!.body).not.toMatch(/carol@example\.com/);
  const again = await reRun();
  expect(issue!.state).toBe('closed');
  expect(gh.comments(issue!.number).map((c) => c.body)).toEqual([
    expect.stringMatching(/^The apply of #3 from [0-9a-f]{7} succeeded/),
  ]);
  // The user is not created twice; the mail's password is a new one, set on the existing login.
  expect(again.writes.map((w) => w.operation)).not.toContain('CreateUser');
  expect(again.writes.map((w) => w.operation)).toContain('SendEmail');
  await converged();
}, 180000);

test('throttling that outlasts every retry fails one operation; the re-run finishes the rest', async () => {
  const throttled = { status: 400, code: 'Throttling', message: 'Rate exceeded' };
  const { run, played } = await firstApply(() => [
    { action: 'CreateLoginProfile', times: 1000, error: throttled },
  ]);
  expect(played.length).toBeGreaterThanOrEqual(5); // every one of the executor's attempts
  expect(new Set(played)).toEqual(new Set(['CreateLoginProfile:error']));
  expect(run.exitCode).toBe(1);
  expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  const again = await reRun();
  expect(again.writes.map((w) => w.operation)).toContain('CreateLoginProfile');
  await converged();
}, 180000);

test('a crash between two operations: the re-run recognises what was done and does the rest', async () => {
  const { run, played } = await firstApply((kill) => [
    { action: 'CreateLoginProfile', times: 1, crash: kill },
  ]);
  expect(played).toEqual(['CreateLoginProfile:crash']);
  expect(run.exitCode).not.toBe(0);
  expect((await iamUserNames(moto)).includes('carol')).toBe(true);
  await reRun();
  await converged();
}, 180000);

test('a re-run whose plan now holds an operation nobody approved is refused and writes nothing', async () => {
  const { run } = await firstApply(() => [
    {
      action: 'SendEmail',
      times: 1,
      error: { status: 400, code: 'MessageRejected', message: 'Email address is not verified.' },
    },
  ]);
  expect(run.exitCode).toBe(1);
  await driftUser(moto, 'mallory'); // a managed user appears behind the plan's back
  const again = await applyRun(ctx(), MERGE, files);
  expect(again.exitCode).toBe(1);
  expect(again.writes).toEqual([]);
  expect(comment().body).toMatch(/1 operation the reviewers never approved/);
  expect(comment().body).toMatch(/delete user `mallory`/);
  expect(await iamUserNames(moto)).toContain('mallory');
}, 180000);
