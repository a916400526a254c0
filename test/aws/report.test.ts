/**
 * `report` against the emulator, with known answers for every CIS identity check. The emulator's
 * credential report has no <root_account> row, a fixed generation date and no last-use dates, so a
 * proxy serves a crafted one (asserting it was asked for); everything else is the emulator's.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  UpdateAccountPasswordPolicyCommand,
} from '@aws-sdk/client-iam';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import type { PlanIo } from '../../src/commands/plan.js';
import { reportCommand } from '../../src/commands/report.js';
import type { Report } from '../../src/report/model.js';
import { IAM_GAPS, startGapProxy, type GapProxy } from '../harness/gap-proxy.js';
import { ACCOUNT_ID } from '../harness/moto.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (days: number, hours = 0) =>
  new Date(NOW.getTime() - days * 86_400_000 - hours * 3_600_000).toISOString().replace('.000Z', '+00:00');
/** Three hours old: dave was created after it, so it does not list him. */
const GENERATED = ago(0, 3);

const HEADER =
  'user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,' +
  'access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,' +
  'access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,' +
  'cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated';
const arn = (u: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${u}`;
const row = (cells: string[]) => cells.join(',');
const NO_KEY = ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
const CSV = [
  HEADER,
  // Root: an active access key and no MFA (1.4 and 1.5 fail).
  row([
    '<root_account>',
    `arn:aws:iam::${ACCOUNT_ID}:root`,
    ago(900),
    'not_supported',
    ago(2),
    'not_supported',
    'not_supported',
    'false',
    'true',
    ago(400),
    ago(30),
    'us-east-1',
    'iam',
    ...NO_KEY,
    'false',
    'N/A',
    'false',
    'N/A',
  ]),
  // alice: console without MFA (1.10), password used 10 days ago.
  row([
    'alice',
    arn('alice'),
    ago(200),
    'true',
    ago(10),
    ago(200),
    'N/A',
    'false',
    ...NO_KEY,
    ...NO_KEY,
    'false',
    'N/A',
    'false',
    'N/A',
  ]),
  // bob: console with MFA, password unused for 60 days (1.12).
  row([
    'bob',
    arn('bob'),
    ago(300),
    'true',
    ago(60),
    ago(300),
    'N/A',
    'true',
    ...NO_KEY,
    ...NO_KEY,
    'false',
    'N/A',
    'false',
    'N/A',
  ]),
  // carol: two active keys (1.13); key 1 is 100 days old (1.14) and unused for 50 days (1.12).
  row([
    'carol',
    arn('carol'),
    ago(400),
    'false',
    'N/A',
    'N/A',
    'N/A',
    'false',
    'true',
    ago(100),
    ago(50),
    'us-east-1',
    's3',
    'true',
    ago(10),
    ago(1),
    'us-east-1',
    'ec2',
    'false',
    'N/A',
    'false',
    'N/A',
  ]),
  // root-admin: an unmanaged administrator with a fresh key.
  row([
    'root-admin',
    arn('root-admin'),
    ago(20),
    'false',
    'N/A',
    'N/A',
    'N/A',
    'false',
    'true',
    ago(20),
    ago(1),
    'us-east-1',
    'iam',
    ...NO_KEY,
    'false',
    'N/A',
    'false',
    'N/A',
  ]),
  '',
].join('\n');

// No reset: the tests read the users one beforeAll seeds.
const moto = useMoto({ reset: false });
let proxy: GapProxy;
beforeAll(async () => {
  proxy = await startGapProxy({
    target: moto.url,
    answers: {
      ...IAM_GAPS,
      GenerateCredentialReport: () => '<State>COMPLETE</State>',
      GetCredentialReport: () =>
        `<Content>${Buffer.from(CSV).toString('base64')}</Content><ReportFormat>text/csv</ReportFormat>` +
        `<GeneratedTime>${GENERATED.replace('+00:00', 'Z')}</GeneratedTime>`,
    },
  });
});
afterAll(async () => proxy?.stop());

async function seed(): Promise<void> {
  const iam = moto.clients().iam;
  for (const u of ['alice', 'bob', 'carol', 'root-admin', 'dave']) {
    await iam.send(
      new CreateUserCommand({
        UserName: u,
        Tags: u === 'alice' ? [{ Key: 'managed-by', Value: 'iam-gitops' }] : [],
      }),
    );
  }
  await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Passw0rd-Passw0rd!' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'bob', Password: 'Passw0rd-Passw0rd!' }));
  await iam.send(
    new AttachUserPolicyCommand({
      UserName: 'root-admin',
      PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  await iam.send(
    new AttachUserPolicyCommand({ UserName: 'carol', PolicyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' }),
  );
  await iam.send(
    new AttachUserPolicyCommand({ UserName: 'bob', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }),
  );
  await iam.send(
    new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }),
  );
  // dave is newer than the credential report: his key is found by asking for it.
  await iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }));
  await iam.send(
    new UpdateAccountPasswordPolicyCommand({ MinimumPasswordLength: 8, PasswordReusePrevention: 24 }),
  );
}

function repo(): string {
  return tempRepo('iam-gitops-report-', {
    'iam-gitops.yml': 'path: /\nadopt: true\n',
    // alice is in the files; the others are not.
    'users/team.csv': 'username,email,policies,console\nalice,alice@example.com,ReadOnlyAccess,true\n',
  });
}

async function run(format: string) {
  const calls = new CallLog(undefined);
  const clients = moto.clients({ calls, endpoint: proxy.url });
  const out: string[] = [];
  const err: string[] = [];
  const io: PlanIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    env: { AWS_REGION: 'us-east-1' },
    clients: () => clients,
    now: () => NOW,
  };
  const code = await reportCommand(parseArgs(['report', '--dir', dir, '--format', format]), io);
  return { code, calls, out: out.join(''), err: err.join('') };
}

let dir: string;
beforeAll(async () => {
  await moto.reset();
  await seed();
  dir = repo();
});
beforeEach(() => proxy.clear());

test('JSON: every CIS check has its known answer, each failure names the user; unmanaged admin is an error', async () => {
  const r = await run('json');
  expect(r.code).toBe(2);
  const report = JSON.parse(r.out) as Report;
  const failures = Object.fromEntries(
    report.checks.map((c) => [c.id, c.failures.map((f) => `${f.subject}: ${f.message}`)]),
  );
  expect(failures).toEqual({
    '1.4': ['<root_account>: the root user has 1 active access key'],
    '1.5': ['<root_account>: the root user has no MFA device'],
    '1.8': ['account: the password policy requires 8 characters'],
    '1.9': [],
    // bob has MFA: only alice fails.
    '1.10': ['alice: alice signs in to the console without MFA'],
    '1.12': [
      "bob: bob's console password was last used 60 days ago",
      "carol: carol's access key 1 was last used 50 days ago",
    ],
    '1.13': ['carol: carol has 2 active access keys'],
    '1.14': ["carol: carol's access key 1 is 100 days old"],
  });
  expect(report.checks.find((c) => c.id === '1.9')!.status).toBe('pass');
  for (const c of report.checks) for (const f of c.failures) expect(f.fix).not.toBe('');

  const byName = Object.fromEntries(report.users.map((u) => [u.name, u]));
  expect(byName['root-admin']!.verdict.summary).toBe('admin');
  expect(byName.carol!.verdict.escalation.length).toBeGreaterThan(0);
  expect(byName.alice!.verdict.summary).toBe('read-only');
  expect(byName.bob!.verdict.writeServices).toContain('s3');
  expect(byName.alice!).toMatchObject({ inFiles: true, tagged: true, console: true, mfa: false });
  expect(byName.carol!.keys.map((k) => [k.slot, k.active, k.ageDays])).toEqual([
    [1, true, 100],
    [2, true, 10],
  ]);
  // The stale report: dave was read directly, with his key.
  expect(report.credentialReport).toMatchObject({ ageHours: 3, askedDirectly: ['dave'] });
  expect(byName.dave!.keys).toEqual([expect.objectContaining({ slot: 1, active: true, lastUsed: null })]);
  expect(report.errors.map((e) => e.user)).toEqual(['carol', 'root-admin']);
  expect(report.errors[1]!.message).toBe(
    "root-admin is not in the repository's files and has administrator access",
  );

  // The crafted report was asked for, and only dave cost calls of his own.
  expect(proxy.answered().map((q) => q.action)).toEqual(
    expect.arrayContaining(['GenerateCredentialReport', 'GetCredentialReport']),
  );
  const perUser = r.calls.calls
    .filter((c) => 'UserName' in c.input)
    .map((c) => `${c.operation} ${String(c.input.UserName)}`);
  expect(perUser.sort()).toEqual(['GetLoginProfile dave', 'ListAccessKeys dave', 'ListMFADevices dave']);
  expect(r.calls.counts['iam:GetAccessKeyLastUsed']).toBe(1);
});

test('text: each failed check with the user and the fix, and the stale report said', async () => {
  const r = await run('text');
  expect(r.code).toBe(2);
  expect(r.out).toContain(
    `Credential report generated ${GENERATED.replace('+00:00', '.000Z')} (3 h before this report); newer users read directly: dave`,
  );
  expect(r.out).toMatch(
    /FAIL {2}CIS 1\.13 {2}At most one active access key per user\n {10}carol has 2 active access keys\n {12}fix: keep one/,
  );
  expect(r.out).toMatch(/PASS {2}CIS 1\.9 /);
  expect(r.out).toContain('  root-admin [unmanaged] /: admin');
  expect(r.out).toContain(
    "  error: root-admin is not in the repository's files and has administrator access",
  );
});

test('CSV: one row per user and one per account-wide subject, with the failed check ids', async () => {
  const r = await run('csv');
  const lines = r.out.trim().split('\n');
  expect(lines[0]).toBe(
    'user,path,files,verdict,admin,escalation,groups,policies,console,mfa,password_last_used,active_keys,oldest_active_key_days,keys_last_used,cis_failed,error',
  );
  const rows = Object.fromEntries(lines.slice(1).map((l) => [l.split(',')[0], l]));
  expect(rows.carol).toContain(',2,100,');
  expect(rows.carol).toMatch(/,1\.12;1\.13;1\.14,/);
  expect(rows.alice).toMatch(/^alice,\/,managed,read-only,false,,,ReadOnlyAccess,true,false,/);
  expect(rows['<root_account>']).toMatch(/,1\.4;1\.5,$/);
  expect(rows.account).toMatch(/,1\.8,$/);
});
