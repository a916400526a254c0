/**
 * `report` and `import` over IAM Identity Center against the emulator (moto's identitystore and
 * sso-admin behind the gap proxy): an instance built by an apply of the files plus a person and
 * a permission set made by hand. Both commands only read: the client call log and the proxy's
 * request log hold no write.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AttachManagedPolicyToPermissionSetCommand } from '@aws-sdk/client-sso-admin';
import { CreateUserCommand } from '@aws-sdk/client-identitystore';
import {
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
} from '@aws-sdk/client-sso-admin';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { desiredFor } from '../../src/accounts/project.js';
import { applyPlan } from '../../src/apply/executor.js';
import { CallLog, isReadOperation } from '../../src/aws/calls.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { parseArgs } from '../../src/commands/args.js';
import { importCommand } from '../../src/commands/import.js';
import type { PlanIo } from '../../src/commands/plan.js';
import { reportCommand } from '../../src/commands/report.js';
import type { Settings } from '../../src/inputs.js';
import { scheduledReport } from '../../src/github/report-hook.js';
import { loadDesired } from '../../src/desired/index.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { Plan } from '../../src/model/plan.js';
import type { Report } from '../../src/report/model.js';
import { diff } from '../../src/targets/plan.js';
import { readActualState } from '../../src/targets/read-account.js';
import { tempRepo, useIcGapProxy, useMoto } from '../harness/use-moto.js';
import { motoClientsFor } from '../harness/accounts.js';

const moto = useMoto();
const proxy = useIcGapProxy(moto);

// prod is the emulator's own account, where the instance lives; dev is reached by AssumeRole.
const PROD = { name: 'prod', id: '123456789012' };
const DEV = { name: 'dev', id: '222222222222' };
const ACCOUNTS = [PROD, DEV];

const ACCOUNTS_CONFIG = [
  'accounts:',
  `  prod: { id: '${PROD.id}' }`,
  `  dev: { id: '${DEV.id}' }`,
  'defaultAccount: prod',
  'identityCenter:',
  '  enabled: true',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  '',
].join('\n');

const CONFIG =
  ACCOUNTS_CONFIG +
  [
    'groups:',
    '  developers:',
    '    policies: [ReadOnlyAccess, dev-s3]',
    '    accounts: [prod, dev]',
    '  builders:',
    '    policies: [create-roles]',
    '    accounts: [dev]',
    '',
  ].join('\n');

const doc = (action: string, resource: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Grant', Effect: 'Allow', Action: action, Resource: resource }],
  });

const FILES = {
  'iam-gitops.yml': CONFIG,
  'users/people.csv':
    'username,email,groups,given_name,family_name\n' +
    'ana,ana@example.com,developers;builders,Ana,Lima\n' +
    'ben,ben@example.com,developers,,\n',
  'policies/dev-s3.json': doc('s3:GetObject', 'arn:aws:s3:::dev-data/*'),
  'policies/create-roles.json': doc('iam:CreateRole', '*'),
};

function repo(files: Record<string, string>): string {
  return tempRepo('iam-gitops-ic-read-', files);
}

async function load(dir: string): Promise<DesiredState> {
  const loaded = await loadDesired(dir);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return loaded.state!;
}

/** The default account's section over both accounts, as src/pipeline-accounts.ts plans it. */
async function plan(
  c: AwsClients,
  dir: string,
): Promise<{ desired: DesiredState; plan: Plan; apply: () => Promise<void> }> {
  const desired = await load(dir);
  const actual = await readActualState(c, desired.config);
  const cut = desiredFor(
    desired,
    PROD.name,
    ACCOUNTS.map((a) => a.name),
  );
  const r = diff(cut, actual, { monitoring: false, identityCenter: { full: desired, accounts: ACCOUNTS } });
  const p: Plan = {
    hash: 'test',
    changes: r.operations,
    findings: [],
    stats: { awsCalls: {} },
    errors: r.errors,
    offline: false,
    accountId: actual.accountId,
    unchanged: r.unchanged,
  };
  return {
    desired,
    plan: p,
    apply: async () => {
      expect(p.errors).toEqual([]);
      const report = await applyPlan(p, {
        clients: c,
        accountId: actual.accountId,
        region: 'us-east-1',
        desired,
        actual,
        maskSecret: () => undefined,
        log: () => undefined,
        clock: { now: () => 0, sleep: async () => undefined },
      });
      expect(report.results.filter((x) => x.status === 'failed')).toEqual([]);
    },
  };
}

const icOps = (p: Plan) =>
  p.changes.filter((o) => /^(ic-|permission-set|provisioning|assignment)/.test(o.type));

/** The files applied, plus carol made by hand with an administrator permission set in prod. */
async function instance(): Promise<void> {
  const c = moto.clients({ endpoint: proxy.url });
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  await (await plan(c, repo(FILES))).apply();
  const inst = (await c.ssoadmin.send(new ListInstancesCommand({}))).Instances![0]!;
  const carol = await c.identitystore.send(
    new CreateUserCommand({
      IdentityStoreId: inst.IdentityStoreId!,
      UserName: 'carol',
      DisplayName: 'Carol Diaz',
      Name: { GivenName: 'Carol', FamilyName: 'Diaz' },
      Emails: [{ Value: 'carol@example.com', Primary: true }],
    }),
  );
  const admin = await c.ssoadmin.send(
    new CreatePermissionSetCommand({ InstanceArn: inst.InstanceArn!, Name: 'Admin' }),
  );
  await c.ssoadmin.send(
    new AttachManagedPolicyToPermissionSetCommand({
      InstanceArn: inst.InstanceArn!,
      PermissionSetArn: admin.PermissionSet!.PermissionSetArn!,
      ManagedPolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  );
  await c.ssoadmin.send(
    new CreateAccountAssignmentCommand({
      InstanceArn: inst.InstanceArn!,
      TargetId: PROD.id,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: admin.PermissionSet!.PermissionSetArn!,
      PrincipalType: 'USER',
      PrincipalId: carol.UserId!,
    }),
  );
  proxy.clear();
}

function harness() {
  const calls = new CallLog(undefined);
  const clients = moto.clients({ endpoint: proxy.url, calls });
  const out: string[] = [];
  const err: string[] = [];
  const io: PlanIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    env: { AWS_REGION: 'us-east-1' },
    clients: () => clients,
  };
  return { calls, clients, io, out: () => out.join(''), err: () => err.join('') };
}

/** Nothing but reads reached the emulator, by the client's log and by the proxy's. */
function expectReadOnly(calls: CallLog): void {
  expect(calls.calls.length).toBeGreaterThan(0);
  expect(calls.calls.filter((c) => !isReadOperation(c.operation))).toEqual([]);
  expect(proxy.requests.length).toBeGreaterThan(0);
  expect(
    proxy.requests.filter((r) => !/^(List|Describe|Get)/.test(r.action) && !r.action.includes(' ')),
  ).toEqual([]);
}

test('report: who reaches which account with which permission set, through which group; reads only', async () => {
  await instance();
  const h = harness();
  const others = motoClientsFor(moto);
  h.io.clientsFor = async (a, purpose) => (a.name === PROD.name ? h.clients : others(a, purpose));
  const code = await reportCommand(parseArgs(['report', '--dir', repo(FILES), '--format', 'json']), h.io);
  // carol is not in the files and holds AdministratorAccess in prod: an error, the report fails.
  expect(code).toBe(2);
  // One section per account; Identity Center is read once, in the default account's (prod).
  const doc = JSON.parse(h.out()) as { accounts: Array<{ account: string; report: Report | null }> };
  expect(doc.accounts.map((a) => [a.account, a.report !== null])).toEqual([
    ['prod', true],
    ['dev', true],
  ]);
  expect(doc.accounts[1]!.report!.identityCenter ?? null).toBeNull();
  const report = doc.accounts[0]!.report!;
  const ic = report.identityCenter!;
  expect(ic.access.map((a) => `${a.userName} ${a.account} ${a.permissionSet} ${a.via ?? 'direct'}`)).toEqual([
    // By account id: prod (123…) before dev (222…).
    'ana prod iam-gitops-developers developers',
    'ana dev iam-gitops-builders builders',
    'ana dev iam-gitops-developers developers',
    'ben prod iam-gitops-developers developers',
    'ben dev iam-gitops-developers developers',
    'carol prod Admin direct',
  ]);
  expect(ic.users.map((u) => [u.userName, u.inFiles, u.managed])).toEqual([
    ['ana', true, true],
    ['ben', true, true],
    ['carol', false, false],
  ]);
  expect(ic.errors.map((e) => e.user)).toEqual(['carol']);
  const sets = new Map(ic.permissionSets.map((p) => [p.name, p]));
  expect(sets.get('Admin')!.verdict.admin).toBe(true);
  expect(sets.get('iam-gitops-builders')!.verdict.summary).toMatch(/^write: iam/);
  expectReadOnly(h.calls);
});

test('import: the instance into files that plan with no Identity Center change; reads only', async () => {
  await instance();
  const dir = repo({ 'iam-gitops.yml': ACCOUNTS_CONFIG });
  // Everyone, as a dry run: carol's direct assignment is named, nothing is written.
  const all = harness();
  expect(await importCommand(parseArgs(['import', '--all', '--dry-run', '--dir', dir]), all.io)).toBe(0);
  expect(all.err()).toContain(
    'needs a decision: carol is assigned the permission set Admin in prod directly',
  );
  expect(all.out()).toContain('carol,carol@example.com,,,false,,,identity-center,Carol,Diaz,Carol Diaz');
  expect(existsSync(path.join(dir, 'users/imported.csv'))).toBe(false);
  expectReadOnly(all.calls);

  proxy.clear();
  const h = harness();
  const code = await importCommand(parseArgs(['import', '--users', 'ana,ben', '--dir', dir]), h.io);
  expect(h.err()).not.toContain('error:');
  expect(code).toBe(0);
  expectReadOnly(h.calls);

  const csv = readFileSync(path.join(dir, 'users/imported.csv'), 'utf8');
  expect(csv.split('\n')[0]).toBe(
    'username,email,groups,policies,console,tags,role,identity,given_name,family_name,display_name',
  );
  expect(csv).toContain('ana,ana@example.com,builders;developers,,false,,,identity-center,Ana,Lima,Ana Lima');
  expect(existsSync(path.join(dir, 'policies/developers-permission-set.json'))).toBe(true);
  const desired = await load(dir);
  expect(desired.config.groups.developers!.accounts).toEqual(['prod', 'dev']);
  expect(desired.config.groups.builders!.accounts).toEqual(['dev']);
  expect(desired.users.map((u) => u.name)).toEqual(['ana', 'ben']);

  // What was imported is what exists: the plan over the imported files changes nothing in Identity Center.
  const c = moto.clients({ endpoint: proxy.url });
  const again = await plan(c, dir);
  expect(again.plan.errors).toEqual([]);
  expect(again.plan.unchanged?.identityCenter).toMatchObject({ users: 2, groups: 2, permissionSets: 2 });
  expect(icOps(again.plan).map((o) => `${o.action} ${o.type} ${o.name}`)).toEqual([]);
});

test('the scheduled report (drift job) carries the Identity Center part and counts its errors', async () => {
  await instance();
  const h = harness();
  const desired = await load(repo(FILES));
  const r = await scheduledReport({ clients: h.clients, desired, settings: {} as Settings });
  expect(r.markdown).toContain('### IAM Identity Center');
  expect(r.markdown).toMatch(/\| `carol` \| unmanaged \| prod \(123456789012\) \| Admin \(direct\) \|/);
  // carol (admin in prod, not in the files) is the one error; there is no IAM user at all.
  expect(r.errors).toBe(1);
  expectReadOnly(h.calls);
});
