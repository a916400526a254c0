/**
 * Plan and apply over three accounts of one emulator (moto keeps each account's state apart and
 * honours AssumeRole into it): sections, per-account projection, isolation of a failing account,
 * the retry of that account alone, and the per-account cost of the read.
 */
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { applyAccounts } from '../../src/apply/accounts.js';
import { multiPlanHash, sectionRepo } from '../../src/accounts/hash.js';
import { planHash } from '../../src/plan/hash.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { runPlanAccounts, type ClientsFor, type MultiPlanRun } from '../../src/pipeline-accounts.js';
import { account, IDS, motoClientsFor, THREE, THREE_YAML } from '../harness/accounts.js';
import { tempRepo, useMoto, writeFiles } from '../harness/use-moto.js';
import { startScriptProxy } from '../harness/script-proxy.js';

const moto = useMoto();

const noWait = { sleep: async () => {} };
const HEADER = 'username,email,groups,console,role,accounts\n';
const user = (n: string, groups: string, accounts = ''): string =>
  `${n},${n}@example.com,${groups},false,dev,${accounts}\n`;

function config(groups: string[]): string {
  return [
    'path: /iam-gitops/',
    'maxDeletes: 5',
    THREE_YAML,
    'groups:',
    ...groups,
    'email:',
    '  from: iam@example.com',
    'monitoring:',
    '  enabled: false',
    '',
  ].join('\n');
}

function repo(groups: string[], csv: string): string {
  return tempRepo('iam-gitops-accounts-', files(groups, csv));
}

function write(dir: string, groups: string[], csv: string): void {
  writeFiles(dir, files(groups, csv));
}

function files(groups: string[], csv: string): Record<string, string> {
  return { 'iam-gitops.yml': config(groups), 'users/team.csv': csv };
}

/** The sender verified in every account (each account's SES is its own). */
async function verifyEverywhere(clientsFor: ClientsFor): Promise<void> {
  for (const a of THREE)
    await (
      await clientsFor(a, 'apply')
    ).ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
}

async function plan(
  dir: string,
  clientsFor: ClientsFor,
  only?: string[],
): Promise<MultiPlanRun & { ok: true }> {
  const run = await runPlanAccounts({
    dir,
    repo: 'acme/iam',
    offline: false,
    accounts: THREE,
    clientsFor,
    read: noWait,
    ...(only ? { only } : {}),
  });
  if (!run.ok) throw new Error(JSON.stringify(run.diagnostics));
  return run;
}

async function apply(run: MultiPlanRun & { ok: true }, clientsFor: ClientsFor, only?: string[]) {
  return applyAccounts({ run, clientsFor, maskSecret: () => {}, ...(only ? { only } : {}) });
}

async function usersIn(clientsFor: ClientsFor, name: 'a' | 'b' | 'c'): Promise<string[]> {
  const c: AwsClients = await clientsFor(account(name, IDS[name]), 'plan');
  const out = await c.iam.send(new ListUsersCommand({}));
  return (out.Users ?? []).map((u) => u.UserName!).sort();
}

const ids = (run: MultiPlanRun & { ok: true }, name: string): string[] =>
  run.multi.sections.find((s) => s.account === name)!.plan!.changes.map((o) => o.id);

const OPS = ['  ops:', '    policies: [ReadOnlyAccess]'];
const DEV_BC = ['  developers:', '    policies: [ReadOnlyAccess]', '    accounts: [b, c]'];

test('a group added to two accounts: three sections, one without changes; apply; plan again: no changes', async () => {
  const clientsFor = motoClientsFor(moto);
  await verifyEverywhere(clientsFor);
  const dir = repo(OPS, HEADER + user('alice', 'ops'));
  await apply(await plan(dir, clientsFor), clientsFor);

  write(dir, [...OPS, ...DEV_BC], HEADER + user('alice', 'ops') + user('bob', 'developers'));
  const run = await plan(dir, clientsFor);
  expect(run.multi.sections.map((s) => [s.account, s.accountId, s.error])).toEqual([
    ['a', IDS.a, null],
    ['b', IDS.b, null],
    ['c', IDS.c, null],
  ]);
  expect(ids(run, 'a')).toEqual([]);
  for (const name of ['b', 'c'])
    expect(ids(run, name)).toEqual(
      expect.arrayContaining(['group:developers', 'user:bob', 'membership:bob:developers', 'email:bob']),
    );
  // alice (ops, the default account) is nowhere but in a.
  expect(ids(run, 'b').some((id) => id.includes('alice'))).toBe(false);
  // Each section is its own plan, bound to its account; the combined hash binds the three.
  const [a, b, c] = run.multi.sections.map((s) => s.plan!);
  expect(new Set([a!.hash, b!.hash, c!.hash]).size).toBe(3);
  expect([a!.accountId, b!.accountId, c!.accountId]).toEqual([IDS.a, IDS.b, IDS.c]);
  expect(run.multi.hash).toBe(multiPlanHash(run.multi.sections, 'acme/iam'));

  const results = await apply(run, clientsFor);
  expect(results.map((r) => [r.account, r.ok, r.error])).toEqual([
    ['a', true, null],
    ['b', true, null],
    ['c', true, null],
  ]);
  expect(results[0]!.report).toBeNull(); // nothing to do in a
  expect(results[1]!.report!.createdUsers).toEqual(['bob']);
  expect(await usersIn(clientsFor, 'a')).toEqual(['alice']);
  expect(await usersIn(clientsFor, 'b')).toEqual(['bob']);
  expect(await usersIn(clientsFor, 'c')).toEqual(['bob']);

  const again = await plan(dir, clientsFor);
  expect(again.multi.sections.map((s) => s.plan!.changes.length)).toEqual([0, 0, 0]);
});

test('a user removed from one account only (CSV accounts column) is offboarded there only', async () => {
  const clientsFor = motoClientsFor(moto);
  await verifyEverywhere(clientsFor);
  const dir = repo(OPS, HEADER + user('carol', 'ops', 'a;b;c'));
  const first = await plan(dir, clientsFor);
  expect(first.multi.sections.map((s) => ids(first, s.account).includes('user:carol'))).toEqual([
    true,
    true,
    true,
  ]);
  // The group goes with the user only where the group reaches: ops lives in a.
  expect(ids(first, 'b')).not.toContain('membership:carol:ops');
  expect((await apply(first, clientsFor)).every((r) => r.ok)).toBe(true);

  write(dir, OPS, HEADER + user('carol', 'ops', 'a;c'));
  const run = await plan(dir, clientsFor);
  expect(ids(run, 'a')).toEqual([]);
  expect(ids(run, 'c')).toEqual([]);
  expect(ids(run, 'b')).toEqual(expect.arrayContaining(['user:carol']));
  expect(run.multi.sections[1]!.plan!.changes.every((o) => o.action === 'delete')).toBe(true);
  const applied = await apply(run, clientsFor);
  expect(applied.map((r) => [r.account, r.ok, r.error])).toEqual([
    ['a', true, null],
    ['b', true, null],
    ['c', true, null],
  ]);
  expect(applied[1]!.report!.deletedUsers).toEqual(['carol']);
  expect(await usersIn(clientsFor, 'a')).toEqual(['carol']);
  expect(await usersIn(clientsFor, 'b')).toEqual([]);
  expect(await usersIn(clientsFor, 'c')).toEqual(['carol']);
});

test("account b's apply failing: a and c are applied, b is reported; b alone again converges", async () => {
  const proxy = await startScriptProxy(moto.url, [
    {
      action: 'CreateUser',
      times: 100,
      error: { status: 403, code: 'AccessDenied', message: 'scripted: b refuses CreateUser' },
    },
  ]);
  try {
    const good = motoClientsFor(moto);
    await verifyEverywhere(good);
    // b's apply requests go through the proxy; its plan and every other account reach moto directly.
    const flaky = motoClientsFor(moto, {
      endpoint: (a, purpose) => (a.name === 'b' && purpose === 'apply' ? proxy.url : undefined),
    });
    const dir = repo(
      ['  developers:', '    policies: [ReadOnlyAccess]', '    accounts: ["*"]'],
      HEADER + user('dan', 'developers'),
    );
    const run = await plan(dir, flaky);
    const results = await apply(run, flaky);
    expect(results.map((r) => [r.account, r.ok])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
    ]);
    expect(results[1]!.error).toMatch(/operations? failed or skipped/);
    const failed = results[1]!.report!.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => [r.id, r.error])).toEqual([
      ['user:dan', expect.stringContaining('scripted: b refuses CreateUser')],
    ]);
    expect(proxy.played.length).toBeGreaterThan(0);
    expect(await usersIn(good, 'a')).toEqual(['dan']);
    expect(await usersIn(good, 'b')).toEqual([]);
    expect(await usersIn(good, 'c')).toEqual(['dan']);

    // The retry: b alone, planned afresh and applied with working credentials.
    const callsOf = (n: string): number => good.calls.get(n)!.total();
    const [aBefore, cBefore] = [callsOf('a'), callsOf('c')];
    const retryPlan = await plan(dir, good, ['b']);
    expect(retryPlan.multi.sections.map((s) => s.account)).toEqual(['b']);
    const retry = await apply(retryPlan, good, ['b']);
    expect(retry.map((r) => [r.account, r.ok])).toEqual([['b', true]]);
    expect(retry[0]!.report!.createdUsers).toEqual(['dan']);
    // The retry made no call in a or c.
    expect([callsOf('a'), callsOf('c')]).toEqual([aBefore, cBefore]);
    const after = await plan(dir, good);
    expect(after.multi.sections.map((s) => s.plan!.changes.length)).toEqual([0, 0, 0]);
    expect(await usersIn(good, 'b')).toEqual(['dan']);
  } finally {
    await proxy.stop();
  }
});

test('an account whose role cannot be assumed becomes a section with its error; the others stand', async () => {
  const denied = motoClientsFor(moto, { deny: (a) => a.name === 'b' });
  const dir = repo(OPS, HEADER + user('erin', 'ops', '*'));
  const seen: string[] = [];
  const run = await runPlanAccounts({
    dir,
    repo: 'acme/iam',
    offline: false,
    accounts: THREE,
    clientsFor: denied,
    read: noWait,
    onAccount: (n, phase) => seen.push(`${n}:${phase}`),
  });
  if (!run.ok) throw new Error('invalid');
  const b = run.multi.sections[1]!;
  expect(b).toEqual({
    account: 'b',
    accountId: IDS.b,
    plan: null,
    error: expect.stringMatching(/AccessDenied/),
  });
  expect(run.runs.b).toBeUndefined();
  expect(ids(run, 'a')).toContain('user:erin');
  expect(ids(run, 'c')).toContain('user:erin');
  expect(seen).toEqual(expect.arrayContaining(['a:done', 'b:failed', 'c:done']));
  // A failed section is part of what the combined hash binds.
  const ok = await plan(dir, motoClientsFor(moto));
  expect(ok.multi.hash).not.toBe(run.multi.hash);
  // Applying never reaches b, and says why.
  const results = await apply(run, denied);
  expect(results[1]).toEqual({
    account: 'b',
    accountId: IDS.b,
    ok: false,
    report: null,
    error: expect.stringMatching(/^not planned: .*AccessDenied/),
  });
  expect(denied.made).not.toContain('b:apply');
});

test('credentials that reach another account than the one named: that section fails, nothing is planned as it', async () => {
  // The "a" clients are handed out for c too: c's plan would read (and its apply write) account a.
  const real = motoClientsFor(moto);
  const crossed: ClientsFor = (a, purpose) => real(a.name === 'c' ? THREE[0]! : a, purpose);
  const dir = repo(OPS, HEADER + user('fay', 'ops', '*'));
  const run = await plan(dir, crossed);
  expect(run.multi.sections[2]!.plan).toBeNull();
  expect(run.multi.sections[2]!.error).toMatch(/reach account 111111111111, not 333333333333/);
  expect(run.multi.sections[0]!.plan).not.toBeNull();
});

test('the apply credentials must reach the planned account before anything is written', async () => {
  const real = motoClientsFor(moto);
  await verifyEverywhere(real);
  const dir = repo(OPS, HEADER + user('gus', 'ops', '*'));
  const run = await plan(dir, real);
  const crossed: ClientsFor = (a, purpose) =>
    real(a.name === 'c' && purpose === 'apply' ? THREE[0]! : a, purpose);
  const results = await apply(run, crossed);
  expect(results[2]!.ok).toBe(false);
  expect(results[2]!.error).toMatch(/apply credentials for 'c' reach account 111111111111/);
  expect(await usersIn(real, 'c')).toEqual([]);
  expect(await usersIn(real, 'a')).toEqual(['gus']);
});

test('a section whose plan changed since approval is refused; the approved ones are applied', async () => {
  const clientsFor = motoClientsFor(moto);
  await verifyEverywhere(clientsFor);
  const dir = repo(OPS, HEADER + user('hal', 'ops', '*'));
  const approved = await plan(dir, clientsFor);
  const hashes = Object.fromEntries(approved.multi.sections.map((s) => [s.account, s.plan!.hash]));
  // Someone creates hal in b by hand after the approval: b's fresh plan differs.
  await (await clientsFor(THREE[1]!, 'apply')).iam.send(new CreateUserCommand({ UserName: 'hal' }));
  const fresh = await plan(dir, clientsFor);
  const results = await applyAccounts({ run: fresh, clientsFor, approved: hashes, maskSecret: () => {} });
  expect(results.map((r) => r.ok)).toEqual([true, false, true]);
  expect(results[1]!.error).toMatch(/changed since it was approved/);
});

test('only: the sections named, the hash over those; an unknown name is an error with a suggestion', async () => {
  const clientsFor = motoClientsFor(moto);
  const dir = repo(OPS, HEADER + user('ivy', 'ops', '*'));
  const one = await plan(dir, clientsFor, ['c']);
  expect(one.multi.sections.map((s) => s.account)).toEqual(['c']);
  expect(clientsFor.made).toEqual(['c:plan']);
  expect(one.multi.hash).toBe(multiPlanHash(one.multi.sections, 'acme/iam'));
  const all = await plan(dir, clientsFor);
  expect(all.multi.sections[2]!.plan!.hash).toBe(one.multi.sections[0]!.plan!.hash);

  const bad = await runPlanAccounts({
    dir,
    repo: 'acme/iam',
    offline: false,
    accounts: THREE,
    clientsFor,
    only: ['bb'],
  });
  expect(bad.ok).toBe(false);
  expect(bad.diagnostics.map((d) => d.message)).toContainEqual(
    expect.stringMatching(/account 'bb' is not an account of this repository; did you mean 'b'\?/),
  );
});

test('each account costs the same bulk read as one account: 40 users in b, 2 in a, no per-user calls', async () => {
  const clientsFor = motoClientsFor(moto);
  const names = Array.from({ length: 40 }, (_, i) => `u${String(i).padStart(2, '0')}`);
  const csv =
    HEADER +
    user('ann', 'ops', 'a;b') +
    user('abe', 'ops', 'a;b') +
    names.map((n) => user(n, 'ops', 'b')).join('');
  const dir = repo(OPS, csv);
  // Seed b with everything unmanaged-free: apply once, then plan again and count.
  await verifyEverywhere(clientsFor);
  await apply(await plan(dir, clientsFor), clientsFor);
  const run = await plan(dir, clientsFor);
  const [a, b, c] = run.multi.sections.map((s) => s.plan!.stats.awsCalls);
  expect(b).toEqual(a);
  expect(c).toEqual(a);
  expect(a!['iam:GetAccountAuthorizationDetails']).toBe(1);
  expect(b!['iam:GetUser']).toBeUndefined();
  expect(b!['iam:GetLoginProfile']).toBeUndefined();
  const total = Object.values(b!).reduce((x, y) => x + y, 0);
  expect(total).toBeLessThanOrEqual(6);
});

test('offline: each section names its account and its hash is bound to the repository and that account', async () => {
  const dir = repo(OPS, HEADER + user('jo', 'ops', 'a;b'));
  const run = await runPlanAccounts({ dir, repo: 'acme/iam', offline: true, accounts: THREE });
  if (!run.ok) throw new Error('invalid');
  const [a, b, c] = run.multi.sections.map((s) => s.plan!);
  expect([a!.accountId, b!.accountId, c!.accountId]).toEqual([IDS.a, IDS.b, IDS.c]);
  expect(a!.offline).toBe(true);
  expect(a!.hash).toBe(planHash(a!.changes, sectionRepo('acme/iam', IDS.a)));
  expect(b!.hash).toBe(planHash(b!.changes, sectionRepo('acme/iam', IDS.b)));
  // The same operations in a single-account repository hash differently (another binding).
  const single = planHash(a!.changes, 'acme/iam');
  expect(a!.hash).not.toBe(single);
  expect(c!.changes).toEqual([]);
});
