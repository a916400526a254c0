/**
 * IAM Identity Center against the emulator (moto's identitystore and sso-admin) behind the gap
 * proxy (scripts/ic-gap-proxy.mjs), which answers what moto lacks (tags, provisioning and its
 * status, asynchronous assignment status, UpdateUser / UpdateGroup) and records every request.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GetUserCommand, ListUsersCommand as ListIamUsersCommand } from '@aws-sdk/client-iam';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  ListGroupMembershipsCommand,
  ListGroupsCommand,
  ListUsersCommand,
} from '@aws-sdk/client-identitystore';
import {
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  ListInstancesCommand,
  ListPermissionSetsCommand,
} from '@aws-sdk/client-sso-admin';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { tempRepo, useIcGapProxy, useMoto, writeFiles } from '../harness/use-moto.js';
import { desiredFor } from '../../src/accounts/project.js';
import { applyPlan } from '../../src/apply/executor.js';
import type { ApplyContext } from '../../src/apply/types.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { loadDesired } from '../../src/desired/index.js';
import type { ActualState } from '../../src/model/actual.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { Operation, Plan } from '../../src/model/plan.js';
import { runPlan } from '../../src/pipeline.js';
import { identityCenterHandlers } from '../../src/targets/identity-center/handlers.js';
import { CONFLICT_ATTEMPTS, STATUS_CHECKS } from '../../src/targets/identity-center/handlers.js';
import { readIdentityCenter } from '../../src/targets/identity-center/read.js';
import { runPlanAccounts } from '../../src/pipeline-accounts.js';
import { applyAccounts } from '../../src/apply/accounts.js';
import { IDS, motoClientsFor, THREE, THREE_YAML } from '../harness/accounts.js';
import { defaultConfig } from '../../src/config/defaults.js';
import { diff } from '../../src/targets/plan.js';
import { readActualState } from '../../src/targets/read-account.js';

const moto = useMoto();
const proxy = useIcGapProxy(moto);

const PROD = { name: 'prod', id: '111111111111' };
const DEV = { name: 'dev', id: '222222222222' };
const ACCOUNTS = [PROD, DEV];
const PORTAL = 'https://d-1234567890.awsapps.com/start';

const MULTI_CONFIG = [
  'accounts:',
  `  prod: { id: '${PROD.id}' }`,
  `  dev: { id: '${DEV.id}' }`,
  'defaultAccount: prod',
  'identityCenter:',
  '  enabled: true',
  `  portalUrl: ${PORTAL}`,
  '  sessionDuration: PT4H',
  'groups:',
  '  developers:',
  '    policies: [ReadOnlyAccess, dev-s3]',
  '    accounts: [prod, dev]',
  '  admins:',
  '    policies: [AdministratorAccess, ops-read]',
  '    accounts: [prod]',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  'maxDeletes: 3',
  '',
].join('\n');

const policy = (action: string, bucket: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Read', Effect: 'Allow', Action: action, Resource: `arn:aws:s3:::${bucket}/*` }],
  });

const HEADER = 'username,email,groups,given_name,family_name\n';
const FIVE = [
  'jane.doe,jane@example.com,developers,,',
  'max.mustermann,max@example.com,developers,,',
  'ana,ana@example.com,developers;admins,Ana,Lima',
  'li.wei,li@example.com,admins,,',
  'sam.o,sam@example.com,developers,,',
];

function repo(rows: string[], files: Record<string, string> = {}): string {
  const dir = tempRepo('iam-gitops-ic-');
  const all = {
    'iam-gitops.yml': MULTI_CONFIG,
    'users/people.csv': HEADER + rows.map((r) => `${r}\n`).join(''),
    'policies/dev-s3.json': policy('s3:GetObject', 'dev-data'),
    'policies/ops-read.json': policy('s3:ListBucket', 'ops-logs'),
    ...files,
  };
  writeFiles(dir, all);
  return dir;
}

function clients(): AwsClients {
  return moto.clients({ endpoint: proxy.url });
}

async function load(dir: string): Promise<DesiredState> {
  const loaded = await loadDesired(dir);
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  expect(errors).toEqual([]);
  return loaded.state!;
}

interface Planned {
  desired: DesiredState;
  actual: ActualState;
  plan: Plan;
}

/** The default account's section over two accounts: IAM cut for prod, Identity Center over the whole files. */
async function planMulti(c: AwsClients, dir: string): Promise<Planned> {
  const desired = await load(dir);
  const actual = await readActualState(c, desired.config);
  const cut = desiredFor(
    desired,
    PROD.name,
    ACCOUNTS.map((a) => a.name),
  );
  const r = diff(cut, actual, { monitoring: false, identityCenter: { full: desired, accounts: ACCOUNTS } });
  const plan: Plan = {
    hash: 'test',
    changes: r.operations,
    findings: [],
    stats: { awsCalls: {} },
    errors: r.errors,
    offline: false,
    accountId: actual.accountId,
    unchanged: r.unchanged,
  };
  return { desired, actual, plan };
}

let sleeps = 0;
function ctxFor(c: AwsClients, p: Pick<Planned, 'desired' | 'actual'>): ApplyContext {
  return {
    clients: c,
    accountId: p.actual.accountId,
    region: 'us-east-1',
    desired: p.desired,
    actual: p.actual,
    maskSecret: () => undefined,
    log: () => undefined,
    // Status checks wait between calls: counted, never timed.
    clock: {
      now: () => 0,
      sleep: async () => {
        sleeps++;
      },
    },
  };
}

async function apply(c: AwsClients, p: Planned) {
  expect(p.plan.errors).toEqual([]);
  const report = await applyPlan(p.plan, ctxFor(c, p));
  const failed = report.results.filter((r) => r.status === 'failed');
  expect(failed).toEqual([]);
  return report;
}

async function verifySender(c: AwsClients) {
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
}

const icOps = (plan: Plan): Operation[] =>
  plan.changes.filter((o) => /^(ic-|permission-set|provisioning|assignment)/.test(o.type));
const ofType = (plan: Plan, type: string, action?: string) =>
  plan.changes.filter((o) => o.type === type && (!action || o.action === action));

async function storeId(c: AwsClients): Promise<string> {
  const res = await c.ssoadmin.send(new ListInstancesCommand({}));
  return res.Instances![0]!.IdentityStoreId!;
}

async function converge(c: AwsClients, dir: string): Promise<Planned> {
  const first = await planMulti(c, dir);
  await apply(c, first);
  return first;
}

test('five people, two groups, two accounts: plan → apply → plan finds nothing to change', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  const p = await planMulti(c, dir);
  expect(p.plan.errors).toEqual([]);
  expect(ofType(p.plan, 'ic-user', 'create').map((o) => o.name)).toEqual([
    'ana',
    'jane.doe',
    'li.wei',
    'max.mustermann',
    'sam.o',
  ]);
  expect(ofType(p.plan, 'ic-group', 'create').map((o) => o.name)).toEqual(['admins', 'developers']);
  expect(ofType(p.plan, 'ic-membership', 'create')).toHaveLength(6);
  expect(ofType(p.plan, 'permission-set', 'create').map((o) => o.name)).toEqual([
    'iam-gitops-admins',
    'iam-gitops-developers',
  ]);
  // developers reaches prod and dev, admins only prod.
  expect(ofType(p.plan, 'assignment', 'create').map((o) => o.name)).toEqual([
    'admins → iam-gitops-admins in prod',
    'developers → iam-gitops-developers in prod',
    'developers → iam-gitops-developers in dev',
  ]);
  // Identity Center people are not IAM users; their groups, used by nobody in IAM, are not IAM groups.
  expect(ofType(p.plan, 'user')).toEqual([]);
  expect(ofType(p.plan, 'group')).toEqual([]);
  // Derived names: jane.doe → Jane Doe; the CSV's columns win for ana.
  const jane = ofType(p.plan, 'ic-user').find((o) => o.name === 'jane.doe')!.details;
  expect(jane).toMatchObject({ givenName: 'Jane', familyName: 'Doe', displayName: 'Jane Doe' });
  expect(ofType(p.plan, 'ic-user').find((o) => o.name === 'ana')!.details).toMatchObject({
    givenName: 'Ana',
    familyName: 'Lima',
  });

  const report = await apply(c, p);
  // The apply's report (and the action's created-users / mail-status outputs) count the people.
  expect([...report.createdUsers].sort()).toEqual(['ana', 'jane.doe', 'li.wei', 'max.mustermann', 'sam.o']);
  expect(report.mail.map((m) => m.status)).toEqual(['sent', 'sent', 'sent', 'sent', 'sent']);

  // What reached AWS, where moto does not check.
  const created = proxy.find('CreatePermissionSet').map((r) => r.params);
  expect(created.map((x) => x.Name).sort()).toEqual(['iam-gitops-admins', 'iam-gitops-developers']);
  for (const x of created) {
    expect(x.Tags).toEqual([{ Key: 'managed-by', Value: 'iam-gitops' }]);
    expect(x.SessionDuration).toBe('PT4H');
  }
  const inline = proxy.find('PutInlinePolicyToPermissionSet').map((r) => JSON.parse(r.params.InlinePolicy));
  expect(inline).toHaveLength(2);
  expect(inline.map((d) => d.Statement[0].Action).sort()).toEqual(['s3:GetObject', 's3:ListBucket']);
  expect(
    proxy
      .find('AttachManagedPolicyToPermissionSet')
      .map((r) => r.params.ManagedPolicyArn)
      .sort(),
  ).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess', 'arn:aws:iam::aws:policy/ReadOnlyAccess']);
  const assigned = proxy.find('CreateAccountAssignment').map((r) => r.params);
  expect(assigned.map((a) => `${a.PrincipalType}:${a.TargetType}:${a.TargetId}`).sort()).toEqual([
    `GROUP:AWS_ACCOUNT:${PROD.id}`,
    `GROUP:AWS_ACCOUNT:${PROD.id}`,
    `GROUP:AWS_ACCOUNT:${DEV.id}`,
  ]);
  // Each assignment answered IN_PROGRESS and was followed to SUCCEEDED with its status call.
  expect(proxy.find('DescribeAccountAssignmentCreationStatus')).toHaveLength(6);
  // A new set is provisioned by its assignment: no ProvisionPermissionSet needed.
  expect(proxy.find('ProvisionPermissionSet')).toEqual([]);

  // Identity Store state.
  const id = await storeId(c);
  const users = (await c.identitystore.send(new ListUsersCommand({ IdentityStoreId: id }))).Users!;
  expect(users.map((u) => [u.UserName, u.DisplayName, u.Emails?.[0]?.Value, u.UserType]).sort()).toEqual([
    ['ana', 'Ana Lima', 'ana@example.com', 'iam-gitops'],
    ['jane.doe', 'Jane Doe', 'jane@example.com', 'iam-gitops'],
    ['li.wei', 'Li Wei', 'li@example.com', 'iam-gitops'],
    ['max.mustermann', 'Max Mustermann', 'max@example.com', 'iam-gitops'],
    ['sam.o', 'Sam O', 'sam@example.com', 'iam-gitops'],
  ]);
  // Welcome mails: no password, the portal, the invitation to expect.
  const mail = await moto.sentMail();
  expect(mail).toHaveLength(5);
  for (const m of mail) {
    expect(m.body).toContain(PORTAL);
    expect(m.body).toMatch(/invitation e-mail from AWS IAM Identity Center/);
    expect(m.body).not.toMatch(/password:/i);
  }
  expect(
    (await c.iam.send(new ListIamUsersCommand({}))).Users!.filter((u) => u.Path === '/iam-gitops/'),
  ).toEqual([]);

  const again = await planMulti(c, dir);
  expect(icOps(again.plan)).toEqual([]);
  expect(again.plan.unchanged?.identityCenter).toEqual({
    users: 5,
    groups: 2,
    permissionSets: 2,
    assignments: 3,
  });

  // The read's cost: fixed lists, one per group, seven per permission set, one per set and account.
  const counted = moto.clients({ endpoint: proxy.url });
  await readIdentityCenter(counted, again.desired.config.identityCenter);
  const calls = counted.calls.counts;
  expect(calls).toEqual({
    'sso-admin:ListInstances': 1,
    'identitystore:ListUsers': 1,
    'identitystore:ListGroups': 1,
    'sso-admin:ListPermissionSets': 1,
    'identitystore:ListGroupMemberships': 2,
    'sso-admin:DescribePermissionSet': 2,
    'sso-admin:ListTagsForResource': 2,
    'sso-admin:ListManagedPoliciesInPermissionSet': 2,
    'sso-admin:ListCustomerManagedPolicyReferencesInPermissionSet': 2,
    'sso-admin:GetInlinePolicyForPermissionSet': 2,
    'sso-admin:ListAccountsForProvisionedPermissionSet': 4,
    'sso-admin:ListAccountAssignments': 3,
  });
});

test('a policy change re-provisions exactly the affected permission set, in every account it is in', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  await converge(c, dir);
  proxy.clear();

  writeFiles(dir, { 'policies/dev-s3.json': policy('s3:GetObjectVersion', 'dev-data') });
  const p = await planMulti(c, dir);
  expect(icOps(p.plan).map((o) => `${o.action} ${o.type} ${o.name}`)).toEqual([
    'update permission-set-policy iam-gitops-developers ← inline policy (dev-s3)',
    'create provisioning iam-gitops-developers',
  ]);
  expect(ofType(p.plan, 'provisioning')[0]!.details).toEqual({
    permissionSet: 'iam-gitops-developers',
    accounts: [PROD.id, DEV.id].sort(),
    reason: 'changed',
  });
  await apply(c, p);

  const developersArn = proxy.find('PutInlinePolicyToPermissionSet')[0]!.params.PermissionSetArn;
  const provisioned = proxy.find('ProvisionPermissionSet').map((r) => r.params);
  expect(provisioned.map((x) => [x.PermissionSetArn, x.TargetType, x.TargetId])).toEqual([
    [developersArn, 'AWS_ACCOUNT', PROD.id < DEV.id ? PROD.id : DEV.id],
    [developersArn, 'AWS_ACCOUNT', PROD.id < DEV.id ? DEV.id : PROD.id],
  ]);
  // Followed to the end: IN_PROGRESS once, then SUCCEEDED, for each account.
  expect(proxy.find('DescribePermissionSetProvisioningStatus')).toHaveLength(4);
  expect(icOps((await planMulti(c, dir)).plan)).toEqual([]);
});

test('a run that changed a policy and stopped before provisioning is provisioned by the next plan', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  await converge(c, dir);

  writeFiles(dir, { 'policies/ops-read.json': policy('s3:GetBucketLocation', 'ops-logs') });
  const p = await planMulti(c, dir);
  // The crash: only the policy write ran.
  const policyOnly = { ...p.plan, changes: ofType(p.plan, 'permission-set-policy') };
  await applyPlan(policyOnly, ctxFor(c, p), { handlers: identityCenterHandlers });

  const next = await planMulti(c, dir);
  expect(icOps(next.plan).map((o) => `${o.action} ${o.type} ${o.name}`)).toEqual([
    'create provisioning iam-gitops-admins',
  ]);
  expect(ofType(next.plan, 'provisioning')[0]!.details).toMatchObject({
    accounts: [PROD.id],
    reason: 'outdated',
  });
  await apply(c, next);
  expect(icOps((await planMulti(c, dir)).plan)).toEqual([]);
});

test('a person removed loses their memberships and is deleted; the others stay', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  await converge(c, dir);

  writeFiles(dir, {
    'users/people.csv': HEADER + FIVE.filter((r) => !r.startsWith('ana,')).join('\n') + '\n',
  });
  const p = await planMulti(c, dir);
  expect(icOps(p.plan).map((o) => `${o.action} ${o.type} ${o.name}`)).toEqual([
    'delete ic-membership ana → admins',
    'delete ic-membership ana → developers',
    'delete ic-user ana',
  ]);
  const del = ofType(p.plan, 'ic-user', 'delete')[0]!;
  expect(del.dependsOn).toEqual(['ic-membership:ana:admins', 'ic-membership:ana:developers']);
  proxy.clear();
  await apply(c, p);
  const order = proxy.requests
    .map((r) => r.action)
    .filter((a) => a === 'DeleteGroupMembership' || a === 'DeleteUser');
  expect(order).toEqual(['DeleteGroupMembership', 'DeleteGroupMembership', 'DeleteUser']);

  const id = await storeId(c);
  const users = (await c.identitystore.send(new ListUsersCommand({ IdentityStoreId: id }))).Users!;
  expect(users.map((u) => u.UserName).sort()).toEqual(['jane.doe', 'li.wei', 'max.mustermann', 'sam.o']);
  const groups = (await c.identitystore.send(new ListGroupsCommand({ IdentityStoreId: id }))).Groups!;
  for (const g of groups) {
    const m = await c.identitystore.send(
      new ListGroupMembershipsCommand({ IdentityStoreId: id, GroupId: g.GroupId! }),
    );
    expect(m.GroupMemberships!.length).toBe(g.DisplayName === 'admins' ? 1 : 3);
  }
  expect(icOps((await planMulti(c, dir)).plan)).toEqual([]);
});

test('unmanaged users, groups, memberships and permission sets are never changed or deleted', async () => {
  const c = clients();
  await verifySender(c);
  const id = await storeId(c);
  const instanceArn = (await c.ssoadmin.send(new ListInstancesCommand({}))).Instances![0]!.InstanceArn!;
  // Made by hand: a user, a group with that user in it, a permission set assigned to the group.
  const outsider = await c.identitystore.send(
    new CreateUserCommand({
      IdentityStoreId: id,
      UserName: 'outsider',
      DisplayName: 'Out Sider',
      Name: { GivenName: 'Out', FamilyName: 'Sider' },
    }),
  );
  const contractors = await c.identitystore.send(
    new CreateGroupCommand({ IdentityStoreId: id, DisplayName: 'contractors', Description: 'by hand' }),
  );
  await c.identitystore.send(
    new CreateGroupMembershipCommand({
      IdentityStoreId: id,
      GroupId: contractors.GroupId!,
      MemberId: { UserId: outsider.UserId! },
    }),
  );
  const handMade = await c.ssoadmin.send(
    new CreatePermissionSetCommand({ InstanceArn: instanceArn, Name: 'hand-made' }),
  );
  const handArn = handMade.PermissionSet!.PermissionSetArn!;
  await c.ssoadmin.send(
    new CreateAccountAssignmentCommand({
      InstanceArn: instanceArn,
      TargetId: PROD.id,
      TargetType: 'AWS_ACCOUNT',
      PermissionSetArn: handArn,
      PrincipalType: 'GROUP',
      PrincipalId: contractors.GroupId!,
    }),
  );
  proxy.clear();

  const dir = repo(FIVE);
  const first = await converge(c, dir);
  expect(icOps(first.plan).some((o) => /outsider|contractors|hand-made/.test(o.id))).toBe(false);
  // Everyone leaves the files: only what iam-gitops made goes.
  writeFiles(dir, {
    'users/people.csv': HEADER,
    'iam-gitops.yml': MULTI_CONFIG.replace('maxDeletes: 3', 'maxDeletes: 5'),
  });
  const gone = await planMulti(c, dir);
  expect(gone.plan.errors).toEqual([]);
  expect(ofType(gone.plan, 'ic-user', 'delete')).toHaveLength(5);
  expect(icOps(gone.plan).some((o) => /outsider|contractors|hand-made/.test(o.id))).toBe(false);
  await apply(c, gone);

  const writes = proxy.requests.filter((r) =>
    /^(Create|Update|Delete|Put|Attach|Detach|Tag|Untag|Provision)/.test(r.action),
  );
  const touched = writes.filter((r) =>
    [outsider.UserId, contractors.GroupId, handArn].some((v) => JSON.stringify(r.params).includes(v!)),
  );
  expect(touched).toEqual([]);
  const users = (await c.identitystore.send(new ListUsersCommand({ IdentityStoreId: id }))).Users!;
  expect(users.map((u) => u.UserName)).toEqual(['outsider']);
  const sets = (await c.ssoadmin.send(new ListPermissionSetsCommand({ InstanceArn: instanceArn })))
    .PermissionSets!;
  expect(sets).toEqual([handArn]);

  // A desired name that an unmanaged user holds refuses the plan (adopt: true would take it over).
  writeFiles(dir, { 'users/people.csv': `${HEADER}outsider,out@example.com,developers,,\n` });
  const clash = await planMulti(c, dir);
  expect(clash.plan.errors.join('\n')).toMatch(
    /outsider \(users\/people\.csv:2\) already exists in Identity Center but is not managed by iam-gitops/,
  );
});

test('IAM users and Identity Center people in one repository; a person moving to Identity Center leaves IAM in the same plan', async () => {
  const c = clients();
  await verifySender(c);
  const config = [
    'identityCenter:',
    '  enabled: true',
    '  defaultIdentity: identity-center',
    'groups:',
    '  developers:',
    '    policies: [ReadOnlyAccess]',
    '  break-glass:',
    '    policies: [AdministratorAccess]',
    'email:',
    '  from: iam@example.com',
    'monitoring:',
    '  enabled: false',
    '',
  ].join('\n');
  const csv = (rows: string[]) => `username,email,groups,console,identity\n${rows.join('\n')}\n`;
  const dir = tempRepo('iam-gitops-ic-both-');
  writeFiles(dir, {
    'iam-gitops.yml': config,
    'users/people.csv': csv([
      'root.keeper,keeper@example.com,break-glass,true,iam',
      'ci.bot,ci@example.com,developers,false,iam',
      'jane.doe,jane@example.com,developers,,',
    ]),
  });
  const run = async () => {
    const r = await runPlan({ dir, repo: 'example/iam', offline: false, clients: c });
    if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
    return r;
  };
  const first = await run();
  expect(first.plan.errors).toEqual([]);
  expect(ofType(first.plan, 'user', 'create').map((o) => o.name)).toEqual(['ci.bot', 'root.keeper']);
  expect(ofType(first.plan, 'ic-user', 'create').map((o) => o.name)).toEqual(['jane.doe']);
  // developers has IAM and Identity Center members: both a group in IAM and one in Identity Center.
  expect(ofType(first.plan, 'group', 'create').map((o) => o.name)).toEqual(['break-glass', 'developers']);
  expect(ofType(first.plan, 'ic-group', 'create').map((o) => o.name)).toEqual(['developers']);
  expect(ofType(first.plan, 'assignment', 'create').map((o) => o.details.accountId)).toEqual([
    first.actual.accountId,
  ]);
  await apply(c, first);
  expect((await run()).plan.changes).toEqual([]);

  // ci.bot moves to Identity Center: offboarded from IAM, created in Identity Center, one plan.
  writeFiles(dir, {
    'users/people.csv': csv([
      'root.keeper,keeper@example.com,break-glass,true,iam',
      'ci.bot,ci@example.com,developers,false,identity-center',
      'jane.doe,jane@example.com,developers,,',
    ]),
  });
  const moved = await run();
  expect(ofType(moved.plan, 'user').map((o) => `${o.action} ${o.name}`)).toEqual(['delete ci.bot']);
  expect(ofType(moved.plan, 'ic-user').map((o) => `${o.action} ${o.name}`)).toEqual(['create ci.bot']);
  await apply(c, moved);
  await expect(c.iam.send(new GetUserCommand({ UserName: 'ci.bot' }))).rejects.toThrow(
    /cannot be found|NoSuchEntity/,
  );
  expect((await c.iam.send(new GetUserCommand({ UserName: 'root.keeper' }))).User?.UserName).toBe(
    'root.keeper',
  );
  expect((await run()).plan.changes).toEqual([]);
});

test('provisioning that never finishes stops after a bounded number of status checks with a clear error', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  await converge(c, dir);
  writeFiles(dir, { 'policies/dev-s3.json': policy('s3:PutObject', 'dev-data') });
  const p = await planMulti(c, dir);
  proxy.clear();
  proxy.state.polls = 1000;
  sleeps = 0;
  const report = await applyPlan(p.plan, ctxFor(c, p));
  const failed = report.results.filter((r) => r.status === 'failed');
  expect(failed.map((r) => r.id)).toEqual(['provisioning:iam-gitops-developers']);
  expect(failed[0]!.error).toMatch(
    new RegExp(`still IN_PROGRESS after ${STATUS_CHECKS} status checks .*the next run checks again`),
  );
  expect(proxy.find('DescribePermissionSetProvisioningStatus')).toHaveLength(STATUS_CHECKS);
  expect(sleeps).toBe(STATUS_CHECKS);
});

test('a write refused while an earlier one propagates (ConflictException) is tried again, a bounded number of times', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  await converge(c, dir);
  writeFiles(dir, { 'policies/dev-s3.json': policy('s3:GetObjectAcl', 'dev-data') });
  const p = await planMulti(c, dir);
  proxy.clear();
  proxy.state.conflicts.set('ProvisionPermissionSet', 2);
  await apply(c, p);
  // Two refusals, then the first account's call went through, then the second account's.
  expect(proxy.find('ProvisionPermissionSet').map((r) => r.status)).toEqual([400, 400, 200, 200]);

  writeFiles(dir, { 'policies/dev-s3.json': policy('s3:GetObjectTagging', 'dev-data') });
  const q = await planMulti(c, dir);
  proxy.clear();
  proxy.state.conflicts.set('ProvisionPermissionSet', 100);
  const report = await applyPlan(q.plan, ctxFor(c, q));
  expect(report.results.filter((r) => r.status === 'failed').map((r) => r.id)).toEqual([
    'provisioning:iam-gitops-developers',
  ]);
  expect(proxy.find('ProvisionPermissionSet')).toHaveLength(CONFLICT_ATTEMPTS);
});

describe('reading the instance', () => {
  const ic = (over: Partial<ReturnType<typeof defaultConfig>['identityCenter']> = {}) => ({
    ...defaultConfig().identityCenter,
    enabled: true,
    ...over,
  });
  const INSTANCE = 'arn:aws:sso:::instance/ssoins-1111111111111111';

  test('without instanceArn exactly one instance must exist; none or two is an error that says what to set', async () => {
    const c = clients();
    proxy.state.instances = [];
    await expect(readIdentityCenter(c, ic())).rejects.toThrow(
      /no IAM Identity Center instance exists in us-east-1 .*enable Identity Center/,
    );
    proxy.state.instances = [
      { InstanceArn: INSTANCE, IdentityStoreId: 'd-1111111111' },
      { InstanceArn: 'arn:aws:sso:::instance/ssoins-2222222222222222', IdentityStoreId: 'd-2222222222' },
    ];
    await expect(readIdentityCenter(c, ic())).rejects.toThrow(
      /2 Identity Center instances exist .*set identityCenter\.instanceArn to the one to manage/,
    );
    await expect(
      readIdentityCenter(c, ic({ instanceArn: 'arn:aws:sso:::instance/ssoins-3333333333333333' })),
    ).rejects.toThrow(
      /identityCenter\.instanceArn arn:aws:sso:::instance\/ssoins-3333333333333333 is not an Identity Center instance/,
    );
  });

  test('users are read in pages (101 users: two ListUsers calls), and every call is counted', async () => {
    const c = clients();
    const id = await storeId(c);
    for (let i = 0; i < 101; i += 20)
      await Promise.all(
        Array.from({ length: Math.min(20, 101 - i) }, (_, j) =>
          c.identitystore.send(
            new CreateUserCommand({
              IdentityStoreId: id,
              UserName: `person${i + j}`,
              DisplayName: `P ${i + j}`,
              Name: { GivenName: 'P', FamilyName: String(i + j) },
            }),
          ),
        ),
      );
    const counted = moto.clients({ endpoint: proxy.url });
    const snapshot = await readIdentityCenter(counted, ic());
    expect(snapshot.users).toHaveLength(101);
    expect(snapshot.users.every((u) => !u.managed)).toBe(true);
    expect(counted.calls.counts['identitystore:ListUsers']).toBe(2);
    expect(counted.calls.counts['sso-admin:ListInstances']).toBe(1);
  });
});

test('over many accounts, Identity Center is read and planned once, in the default account’s section, and assigned in the others', async () => {
  const clientsFor = motoClientsFor(moto, { endpoint: () => proxy.url });
  for (const a of THREE)
    await (
      await clientsFor(a, 'apply')
    ).ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const dir = tempRepo('iam-gitops-ic-multi-');
  writeFiles(dir, {
    'iam-gitops.yml': [
      THREE_YAML,
      'identityCenter:',
      '  enabled: true',
      'groups:',
      '  developers:',
      '    policies: [ReadOnlyAccess]',
      '    accounts: [a, b]',
      '  ops:',
      '    policies: [ReadOnlyAccess]',
      '    accounts: [c]',
      'email:',
      '  from: iam@example.com',
      'monitoring:',
      '  enabled: false',
      '',
    ].join('\n'),
    'users/people.csv':
      'username,email,groups,identity\n' +
      'jane.doe,jane@example.com,developers,\n' +
      'li.wei,li@example.com,developers,\n' +
      'ci.bot,ci@example.com,ops,iam\n',
  });
  const plan = async () => {
    const run = await runPlanAccounts({ dir, repo: 'acme/iam', offline: false, accounts: THREE, clientsFor });
    if (!run.ok) throw new Error(JSON.stringify(run.diagnostics));
    return run;
  };
  const run = await plan();
  const section = (name: string) => run.multi.sections.find((x) => x.account === name)!;
  expect(run.multi.sections.map((x) => x.error)).toEqual([null, null, null]);
  expect(
    icOps(section('a').plan!)
      .filter((o) => o.type === 'assignment')
      .map((o) => o.details.accountId),
  ).toEqual([IDS.a, IDS.b]);
  expect(icOps(section('b').plan!)).toEqual([]);
  expect(icOps(section('c').plan!)).toEqual([]);
  // Only the default account's section talks to Identity Center.
  const icCalls = (name: string) =>
    Object.keys(clientsFor.calls.get(name)!.counts).filter((k) => /^(sso-admin|identitystore):/.test(k));
  expect(icCalls('a').length).toBeGreaterThan(0);
  expect(icCalls('b')).toEqual([]);
  expect(icCalls('c')).toEqual([]);
  // The IAM user lives in c only; the Identity Center people are IAM users nowhere.
  expect(
    section('c')
      .plan!.changes.filter((o) => o.type === 'user')
      .map((o) => o.name),
  ).toEqual(['ci.bot']);
  expect(section('a').plan!.changes.filter((o) => o.type === 'user')).toEqual([]);

  const results = await applyAccounts({ run, clientsFor, maskSecret: () => {} });
  expect(results.map((r) => [r.account, r.ok])).toEqual([
    ['a', true],
    ['b', true],
    ['c', true],
  ]);
  const again = await plan();
  for (const s of again.multi.sections) expect(s.plan!.changes).toEqual([]);
});

test('a run that created people and stopped before their welcome mail mails them in the next run, and only them', async () => {
  const c = clients();
  await verifySender(c);
  const dir = repo(FIVE);
  const p = await planMulti(c, dir);
  // The crash: everything but the mails ran.
  const noMail = { ...p.plan, changes: p.plan.changes.filter((o) => o.type !== 'ic-email') };
  await applyPlan(noMail, ctxFor(c, p));
  expect(await moto.sentMail()).toEqual([]);

  const next = await planMulti(c, dir);
  expect(icOps(next.plan).filter((o) => o.type !== 'ic-email')).toEqual([]);
  expect(next.plan.changes.filter((o) => o.type === 'ic-email').map((o) => o.name)).toEqual([
    'ana',
    'jane.doe',
    'li.wei',
    'max.mustermann',
    'sam.o',
  ]);
  await apply(c, next);
  expect((await moto.sentMail()).map((m) => m.destinations.ToAddresses[0]).sort()).toEqual([
    'ana@example.com',
    'jane@example.com',
    'li@example.com',
    'max@example.com',
    'sam@example.com',
  ]);
  // Marked as mailed: the plan after that has nothing left, not even a mail.
  expect((await planMulti(c, dir)).plan.changes.filter((o) => o.type === 'ic-email')).toEqual([]);
});

/** A single-account repository with one Identity Center group; `extra`: more iam-gitops.yml lines. */
function single(policies: string, extra: string[] = []): string {
  const dir = tempRepo('iam-gitops-ic-one-');
  writeFiles(dir, {
    'iam-gitops.yml': [
      'identityCenter:',
      '  enabled: true',
      ...extra,
      'groups:',
      '  viewers:',
      `    policies: [${policies}]`,
      'email:',
      '  from: iam@example.com',
      'monitoring:',
      '  enabled: false',
      '',
    ].join('\n'),
    'users/people.csv': `${HEADER}jane.doe,jane@example.com,viewers,,\n`,
  });
  return dir;
}

const instanceArn = async (c: AwsClients): Promise<string> =>
  (await c.ssoadmin.send(new ListInstancesCommand({}))).Instances![0]!.InstanceArn!;

async function planOne(c: AwsClients, dir: string) {
  const r = await runPlan({ dir, repo: 'example/iam', offline: false, clients: c });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  return r;
}

test('an AWS managed policy under a path (job-function/ViewOnlyAccess) is attached by its real ARN, and the next plan has nothing to change', async () => {
  const c = clients();
  await verifySender(c);
  const dir = single('ViewOnlyAccess');
  const first = await planOne(c, dir);
  const real = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
  expect(ofType(first.plan, 'permission-set-policy', 'create').map((o) => o.details.arn)).toEqual([real]);
  await apply(c, first);
  // What AWS receives is the real ARN, never the name without its path.
  expect(
    proxy.find('AttachManagedPolicyToPermissionSet').map((r) => [r.params.ManagedPolicyArn, r.status]),
  ).toEqual([[real, 200]]);
  expect((await planOne(c, dir)).plan.changes).toEqual([]);

  // The proxy answers as AWS does: the ARN without the path names no policy.
  const set = (await c.ssoadmin.send(new ListPermissionSetsCommand({ InstanceArn: await instanceArn(c) })))
    .PermissionSets![0]!;
  await expect(
    c.ssoadmin.send(
      new AttachManagedPolicyToPermissionSetCommand({
        InstanceArn: await instanceArn(c),
        PermissionSetArn: set,
        ManagedPolicyArn: 'arn:aws:iam::aws:policy/ViewOnlyAccess',
      }),
    ),
  ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });

  // Dropping it detaches it by the same real ARN.
  writeFiles(dir, {
    'iam-gitops.yml': readFileSync(path.join(dir, 'iam-gitops.yml'), 'utf8').replace(
      'ViewOnlyAccess',
      'ReadOnlyAccess',
    ),
  });
  const swapped = await planOne(c, dir);
  expect(
    ofType(swapped.plan, 'permission-set-policy').map((o) => `${o.action} ${String(o.details.arn)}`),
  ).toEqual(['create arn:aws:iam::aws:policy/ReadOnlyAccess', `delete ${real}`]);
  await apply(c, swapped);
  expect(proxy.find('DetachManagedPolicyFromPermissionSet').map((r) => r.params.ManagedPolicyArn)).toEqual([
    real,
  ]);
  expect((await planOne(c, dir)).plan.changes).toEqual([]);
});

test('a relay state removed from iam-gitops.yml stays on the set: the plan has no change but a relay-state-kept warning, which lint.ignore can acknowledge', async () => {
  const c = clients();
  await verifySender(c);
  const url = 'https://console.aws.amazon.com/s3/';
  const dir = single('ReadOnlyAccess', [`  relayState: ${url}`]);
  await apply(c, await planOne(c, dir));
  expect(proxy.find('CreatePermissionSet').map((r) => r.params.RelayState)).toEqual([url]);

  const config = readFileSync(path.join(dir, 'iam-gitops.yml'), 'utf8');
  writeFiles(dir, { 'iam-gitops.yml': config.replace(`  relayState: ${url}\n`, '') });
  proxy.clear();
  const after = await planOne(c, dir);
  expect(after.plan.changes).toEqual([]);
  expect(after.plan.findings.map((f) => [f.rule, f.severity, f.permissionSets])).toEqual([
    ['relay-state-kept', 'warning', ['iam-gitops-viewers']],
  ]);
  expect(after.lint.findings).toEqual(after.plan.findings);
  await apply(c, after);
  expect(proxy.find('UpdatePermissionSet')).toEqual([]);

  writeFiles(dir, {
    'iam-gitops.yml':
      config.replace(`  relayState: ${url}\n`, '') +
      'lint:\n  ignore:\n    - rule: relay-state-kept\n      reason: set by hand in the console on purpose\n',
  });
  const acknowledged = await planOne(c, dir);
  expect(acknowledged.plan.findings).toEqual([]);
  expect(acknowledged.lint.ignored.map((i) => i.finding.rule)).toEqual(['relay-state-kept']);
});
