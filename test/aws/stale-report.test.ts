/**
 * Console state when AWS serves an old credential report (up to four hours): through a proxy that
 * keeps serving the report of before the onboarding, a plan after onboarding costs the same calls
 * whatever the number of new users, and is still right. The options measured side by side.
 */
import { GetLoginProfileCommand, paginateListUsers, TagUserCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CallLog } from '../../src/aws/calls.js';
import { errorCode } from '../../src/aws/clients.js';
import { confirmLoginProfiles, readCredentialReport } from '../../src/targets/iam/read-logins.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { runPlan } from '../../src/pipeline.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';
import { startStaleReportProxy, type StaleReportProxy } from '../harness/stale-report-proxy.js';

const moto = useMoto();
let proxy: StaleReportProxy;
beforeEach(async () => {
  proxy = await startStaleReportProxy(moto.url);
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  // The report AWS will keep serving: made before any user exists.
  await proxy.freeze();
});
afterEach(async () => proxy?.stop());

const CONFIG = 'path: /iam-gitops/\nemail:\n  from: iam@example.com\nmonitoring:\n  enabled: false\n';
const noWait = { sleep: async () => {} };

function repo(users: Array<[string, boolean]>): string {
  const rows = users.map(([u, c]) => `${u},${u}@example.com,${c}`);
  return tempRepo('iam-gitops-stale-', {
    'iam-gitops.yml': CONFIG,
    'users/team.csv': ['username,email,console', ...rows, ''].join('\n'),
  });
}

const team = (n: number): Array<[string, boolean]> =>
  Array.from({ length: n }, (_, i) => [`u${i}`, i % 2 === 0]);

function clients() {
  return moto.clients({ endpoint: proxy.url, calls: new CallLog(undefined) });
}

async function onboard(dir: string): Promise<void> {
  const c = clients();
  const io = { out: () => {}, err: (t: string) => void process.stderr.write(t), env: {}, clients: () => c };
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), io)).toBe(0);
}

async function planCalls(dir: string) {
  const r = await runPlan({ dir, repo: 'r', offline: false, clients: clients(), read: noWait });
  if (!r.ok) throw new Error('invalid fixture');
  return r;
}

test('a plan after onboarding, on a report older than the users, costs a constant number of calls and is right', async () => {
  const totals: number[] = [];
  for (const n of [8, 24]) {
    await moto.reset();
    await proxy.stop();
    proxy = await startStaleReportProxy(moto.url);
    await proxy.freeze();
    await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
    const dir = repo(team(n));
    await onboard(dir);
    const r = await planCalls(dir);
    expect(r.plan.changes).toEqual([]);
    // Every user is missing from the report it was served, yet none is asked about one by one.
    expect(r.plan.stats.awsCalls['iam:GetLoginProfile']).toBeUndefined();
    expect(r.actual.users.filter((u) => u.hasLoginProfile).length).toBe(n / 2);
    totals.push(Object.values(r.plan.stats.awsCalls).reduce((a, b) => a + b, 0));
  }
  expect(totals[1]).toBe(totals[0]);
});

test('the options, measured on the same stale account: only the recorded console state is constant and right', async () => {
  const n = 12;
  const dir = repo(team(n));
  await onboard(dir);

  // 1. Generate again and wait: within four hours AWS hands back the same report, without the new users.
  const regen = clients();
  const again = await readCredentialReport(regen, noWait);
  expect(regen.calls.snapshot()).toEqual({ 'iam:GenerateCredentialReport': 1, 'iam:GetCredentialReport': 1 });
  expect([...again.passwordEnabled.keys()].filter((u) => u.startsWith('u'))).toEqual([]);

  // 2. GetLoginProfile for every user the report does not list: one call per new user.
  const perUser = clients();
  const asked = await confirmLoginProfiles(
    perUser,
    team(n).map(([u]) => u),
  );
  expect(perUser.calls.snapshot()).toEqual({ 'iam:GetLoginProfile': n });
  expect([...asked.values()].filter(Boolean).length).toBe(n / 2);

  // 3. ListUsers and GetLoginProfile per user: pages plus one call per user.
  const listed = clients();
  let users = 0;
  for await (const page of paginateListUsers({ client: listed.iam }, {})) {
    for (const u of page.Users ?? []) {
      users++;
      await listed.iam
        .send(new GetLoginProfileCommand({ UserName: u.UserName }))
        .catch((e: unknown) => expect(errorCode(e)).toBe('NoSuchEntity'));
    }
  }
  expect(listed.calls.total()).toBe(1 + users);

  // 4. The reader: the apply's record on its own users, no per-user call, same answers as 2.
  const r = await planCalls(dir);
  expect(r.plan.stats.awsCalls['iam:GetLoginProfile']).toBeUndefined();
  for (const u of r.actual.users) expect(u.hasLoginProfile).toBe(asked.get(u.name));
});

test('a user whose welcome mail is pending, or made by hand, is still asked: the record is not trusted yet', async () => {
  const dir = repo(team(4));
  await onboard(dir);
  const iam = moto.clients().iam;
  // As if the run died before the mail: the pending tag is back.
  await iam.send(
    new TagUserCommand({ UserName: 'u0', Tags: [{ Key: 'iam-gitops:welcome', Value: 'pending' }] }),
  );
  const r = await planCalls(dir);
  expect(r.plan.stats.awsCalls['iam:GetLoginProfile']).toBe(1);
  expect(r.actual.users.find((u) => u.name === 'u0')!.hasLoginProfile).toBe(true);
});

test('console turned off and on again within the report window: each plan is right without per-user calls', async () => {
  const dir = repo(team(4));
  await onboard(dir);
  // u0 loses the console: apply deletes the login and records it.
  const off = repo([['u0', false], ...team(4).slice(1)]);
  await onboard(off);
  const afterOff = await planCalls(off);
  expect(afterOff.plan.changes).toEqual([]);
  expect(afterOff.actual.users.find((u) => u.name === 'u0')!.hasLoginProfile).toBe(false);
  // And gets it back: planned from the record, confirmed once (a planned console change always is).
  const on = await planCalls(dir);
  expect(on.plan.changes.map((o) => o.id)).toEqual(['login-profile:u0', 'email:u0']);
  expect(on.plan.stats.awsCalls['iam:GetLoginProfile']).toBe(1);
  await onboard(dir);
  const afterOn = await planCalls(dir);
  expect(afterOn.plan.changes).toEqual([]);
  expect(afterOn.plan.stats.awsCalls['iam:GetLoginProfile']).toBeUndefined();
});
