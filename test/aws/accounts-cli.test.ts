/**
 * The command line on a repository with three accounts, against the emulator: plan (text and
 * JSON sections, --account), apply with the combined hash, with one section's hash, with an
 * approved plan file, a failing account and its retry, drift and report per account.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import type { ClientsFor } from '../../src/accounts/credentials.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { driftCommand } from '../../src/commands/drift.js';
import { planCommand } from '../../src/commands/plan.js';
import { reportCommand } from '../../src/commands/report.js';
import type { AccountsPlanJson } from '../../src/plan/render-accounts.js';
import { IDS, motoClientsFor, THREE, THREE_YAML } from '../harness/accounts.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';
import { startScriptProxy } from '../harness/script-proxy.js';

const moto = useMoto();

const CONFIG = [
  'path: /iam-gitops/',
  THREE_YAML,
  'groups:',
  '  ops:',
  '    policies: [ReadOnlyAccess]',
  '  developers:',
  '    policies: [ReadOnlyAccess]',
  '    accounts: [b, c]',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  '',
].join('\n');

function repo(csv: string): string {
  return tempRepo('iam-gitops-accounts-cli-', {
    'iam-gitops.yml': CONFIG,
    'users/team.csv': 'username,email,groups,console\n' + csv,
  });
}

function io(clientsFor: ClientsFor) {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    text: () => out.join(''),
    errors: () => err.join(''),
    io: {
      out: (t: string) => void out.push(t),
      err: (t: string) => void err.push(t),
      env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
      clients: () => moto.clients(),
      clientsFor,
      terminal: false,
    },
  };
}

async function verifyEverywhere(clientsFor: ClientsFor): Promise<void> {
  for (const a of THREE)
    await (
      await clientsFor(a, 'apply')
    ).ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
}

async function users(clientsFor: ClientsFor, i: number): Promise<string[]> {
  const out = await (await clientsFor(THREE[i]!, 'plan')).iam.send(new ListUsersCommand({}));
  return (out.Users ?? []).map((u) => u.UserName!).sort();
}

const CSV = 'alice,alice@example.com,ops,false\nbob,bob@example.com,developers,false\n';

test('plan: one section per account with headline counts and the combined hash; JSON has the sections; --account narrows', async () => {
  const clientsFor = motoClientsFor(moto);
  const dir = repo(CSV);
  const refused = io(clientsFor);
  // No verified sender anywhere yet: every section is refused, and the exit code says so.
  expect(await planCommand(parseArgs(['plan', '--dir', dir]), refused.io)).toBe(1);
  expect(refused.errors()).toMatch(/error: account a: email\.from .* is not a verified SES identity/);
  await verifyEverywhere(clientsFor);
  const t = io(clientsFor);
  expect(await planCommand(parseArgs(['plan', '--dir', dir]), t.io)).toBe(2);
  const text = t.text();
  expect(text).toMatch(/^iam-gitops plan — 3 accounts/);
  expect(text).toContain(`=== account a (${IDS.a}) ===`);
  expect(text).toContain(`=== account c (${IDS.c}) ===`);
  expect(text).toMatch(/Summary \(3 accounts\):\n {2}a {8}5 to create, 0 to change, 0 to delete\n/);
  expect(text).toMatch(/Combined plan hash \(every account above\): [0-9a-f]{64}/);

  const j = io(clientsFor);
  expect(await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), j.io)).toBe(2);
  const json = JSON.parse(j.text()) as AccountsPlanJson;
  expect(json.sections.map((s) => [s.account, s.accountId, s.error])).toEqual([
    ['a', IDS.a, null],
    ['b', IDS.b, null],
    ['c', IDS.c, null],
  ]);
  expect(text).toContain(json.hash);
  expect(json.sections[1]!.plan!.changes.map((c) => c.id)).toContain('user:bob');
  expect(json.sections[0]!.plan!.changes.map((c) => c.id)).not.toContain('user:bob');

  const one = io(clientsFor);
  expect(
    await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json', '--account', 'b']), one.io),
  ).toBe(2);
  const only = JSON.parse(one.text()) as AccountsPlanJson;
  expect(only.sections.map((s) => s.account)).toEqual(['b']);
  expect(only.sections[0]!.plan!.hash).toBe(json.sections[1]!.plan!.hash);

  const typo = io(clientsFor);
  expect(await planCommand(parseArgs(['plan', '--dir', dir, '--account', 'bb']), typo.io)).toBe(1);
  expect(typo.errors()).toContain("error: --account bb: no such account; did you mean 'b'?");
});

test('apply: the combined hash applies every account; a stale hash refuses before any write', async () => {
  const clientsFor = motoClientsFor(moto);
  await verifyEverywhere(clientsFor);
  const dir = repo(CSV);
  const p = io(clientsFor);
  await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), p.io);
  const hash = (JSON.parse(p.text()) as AccountsPlanJson).hash;

  const stale = io(clientsFor);
  expect(
    await applyCommand(parseArgs(['apply', '--dir', dir, '--plan-hash', 'f'.repeat(64)]), stale.io),
  ).toBe(1);
  expect(stale.errors()).toMatch(/refused: the plan changed since it was approved/);
  expect(await users(clientsFor, 0)).toEqual([]);

  const a = io(clientsFor);
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--plan-hash', hash]), a.io)).toBe(0);
  expect(a.text()).toContain(`=== account a (${IDS.a}): applied ===`);
  expect(a.text()).toContain('Accounts: 3 of 3 applied or already matching.');
  expect([await users(clientsFor, 0), await users(clientsFor, 1), await users(clientsFor, 2)]).toEqual([
    ['alice'],
    ['bob'],
    ['bob'],
  ]);
  const again = io(clientsFor);
  expect(await planCommand(parseArgs(['plan', '--dir', dir]), again.io)).toBe(0);
  expect(again.text()).toMatch(/ {2}b {8}no changes/);
});

test("apply: b failing is reported while a and c are applied; b's section alone (its hash) finishes it", async () => {
  const proxy = await startScriptProxy(moto.url, [
    { action: 'CreateUser', times: 100, error: { status: 403, code: 'AccessDenied', message: 'scripted' } },
  ]);
  try {
    const good = motoClientsFor(moto);
    await verifyEverywhere(good);
    const flaky = motoClientsFor(moto, {
      endpoint: (a, purpose) => (a.name === 'b' && purpose === 'apply' ? proxy.url : undefined),
    });
    const dir = repo(CSV);
    const first = io(flaky);
    expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), first.io)).toBe(1);
    expect(first.text()).toContain(`=== account b (${IDS.b}): FAILED ===`);
    expect(first.text()).toContain('Accounts: 2 of 3 applied or already matching.');
    expect(first.errors()).toContain('error: 1 account of 3 failed: b. The others are applied.');
    expect(first.errors()).toContain('iam-gitops plan --account b');
    expect(await users(good, 1)).toEqual([]);
    expect(await users(good, 2)).toEqual(['bob']);

    // The retry: b's section, reviewed by its own hash.
    const p = io(good);
    expect(
      await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json', '--account', 'b']), p.io),
    ).toBe(2);
    const section = (JSON.parse(p.text()) as AccountsPlanJson).sections[0]!.plan!.hash;
    const r = io(good);
    expect(
      await applyCommand(parseArgs(['apply', '--dir', dir, '--account', 'b', '--plan-hash', section]), r.io),
    ).toBe(0);
    expect(r.text()).toContain('Accounts: 1 of 1 applied or already matching.');
    expect(await users(good, 1)).toEqual(['bob']);
    const after = io(good);
    expect(await planCommand(parseArgs(['plan', '--dir', dir]), after.io)).toBe(0);
  } finally {
    await proxy.stop();
  }
});

test('apply --approved-plan: one account of a reviewed plan applies alone; a changed section is refused with what differs', async () => {
  const clientsFor = motoClientsFor(moto);
  await verifyEverywhere(clientsFor);
  const dir = repo(CSV);
  const p = io(clientsFor);
  await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), p.io);
  const file = path.join(dir, 'plan.json');
  writeFileSync(file, p.text());

  const c = io(clientsFor);
  expect(
    await applyCommand(parseArgs(['apply', '--dir', dir, '--account', 'c', '--approved-plan', file]), c.io),
  ).toBe(0);
  expect(await users(clientsFor, 2)).toEqual(['bob']);
  expect(await users(clientsFor, 1)).toEqual([]);

  // The files change after the review: b's section differs, so nothing is applied anywhere.
  writeFileSync(
    path.join(dir, 'users/team.csv'),
    'username,email,groups,console\n' + CSV + 'cy,cy@example.com,developers,false\n',
  );
  const all = io(clientsFor);
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--approved-plan', file]), all.io)).toBe(1);
  expect(all.errors()).toMatch(/refused: the plan of .*b.* changed since it was approved/);
  expect(all.errors()).toContain('What differs in account b');
  expect(all.errors()).toContain('cy');
  expect(await users(clientsFor, 0)).toEqual([]);
});

test('apply --plan-hash with --approved-plan: a file whose sections were swapped for a newer plan is refused, zero writes', async () => {
  const clientsFor = motoClientsFor(moto);
  const dir = repo(CSV);
  const reviewed = io(clientsFor);
  await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), reviewed.io);
  const pinned = (JSON.parse(reviewed.text()) as AccountsPlanJson).hash;

  // After the review the files gain a user; the file keeps the reviewed hash but carries the new sections.
  writeFileSync(
    path.join(dir, 'users/team.csv'),
    'username,email,groups,console\n' + CSV + 'cy,cy@example.com,developers,false\n',
  );
  const fresh = io(clientsFor);
  await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), fresh.io);
  const forged = path.join(dir, 'forged.json');
  writeFileSync(forged, JSON.stringify({ ...(JSON.parse(fresh.text()) as AccountsPlanJson), hash: pinned }));

  const t = io(clientsFor);
  expect(
    await applyCommand(
      parseArgs(['apply', '--dir', dir, '--plan-hash', pinned, '--approved-plan', forged]),
      t.io,
    ),
  ).toBe(1);
  expect(t.errors()).toContain(`do not hash to ${pinned}`);
  for (const i of [0, 1, 2]) expect(await users(clientsFor, i)).toEqual([]);
});

test('a single-account plan file is refused on a multi-account repository, and --account on a single-account one', async () => {
  const clientsFor = motoClientsFor(moto);
  const dir = repo(CSV);
  const file = path.join(dir, 'single.json');
  writeFileSync(file, JSON.stringify({ hash: 'a'.repeat(64), changes: [] }));
  const t = io(clientsFor);
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--approved-plan', file]), t.io)).toBe(1);
  expect(t.errors()).toContain('it is the plan of one account, and this repository has many');

  const single = tempRepo('iam-gitops-single-', { 'iam-gitops.yml': 'monitoring:\n  enabled: false\n' });
  const s = io(clientsFor);
  expect(await planCommand(parseArgs(['plan', '--dir', single, '--offline', '--account', 'a']), s.io)).toBe(
    1,
  );
  expect(s.errors()).toContain('iam-gitops.yml declares no accounts');
});

test('drift and report: a section per account', async () => {
  const clientsFor = motoClientsFor(moto);
  await verifyEverywhere(clientsFor);
  const dir = repo(CSV);
  await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), io(clientsFor).io);
  const d = io(clientsFor);
  expect(await driftCommand(parseArgs(['drift', '--dir', dir]), d.io)).toBe(0);
  expect(d.text()).toMatch(/ {2}a {8}no drift\n {2}b {8}no drift\n {2}c {8}no drift\n/);

  const r = io(clientsFor);
  const code = await reportCommand(parseArgs(['report', '--dir', dir, '--format', 'json']), r.io);
  expect([0, 2]).toContain(code);
  const rep = JSON.parse(r.text()) as {
    accounts: Array<{ account: string; accountId: string; report: { users: Array<{ name: string }> } }>;
  };
  expect(rep.accounts.map((x) => [x.account, x.accountId, x.report.users.map((u) => u.name)])).toEqual([
    ['a', IDS.a, ['alice']],
    ['b', IDS.b, ['bob']],
    ['c', IDS.c, ['bob']],
  ]);
  const csv = io(clientsFor);
  await reportCommand(parseArgs(['report', '--dir', dir, '--format', 'csv', '--account', 'c']), csv.io);
  expect(csv.text().split('\n')[0]).toMatch(/^account,user,/);
  expect(csv.text()).toMatch(/^c,bob,/m);
});

test('report --format markdown: an account that cannot be read shows its error as inert text, one line', async () => {
  const base = motoClientsFor(moto);
  const clientsFor: ClientsFor = (a, purpose) =>
    a.name === 'b'
      ? Promise.reject(new Error('denied\n# Injected [click](https://evil.example/) <img src=x>'))
      : base(a, purpose);
  const dir = repo(CSV);
  const r = io(clientsFor);
  expect(
    await reportCommand(parseArgs(['report', '--dir', dir, '--format', 'markdown', '--account', 'b']), r.io),
  ).toBe(1);
  expect(r.text()).toContain('error: could not be read: denied');
  expect(r.text()).not.toMatch(/^# Injected/m);
  expect(r.text()).not.toContain('](https://evil.example/)');
  expect(r.text()).not.toContain('<img');
});
