/**
 * The Identity Center policies of bootstrap/iam-gitops-identity-center.yml suffice: every Identity
 * Center call a real plan and apply make against the emulator (create, change a policy and
 * re-provision, remove everything) is replayed with iam-simulate against the deployed policy,
 * once per resource AWS authorises for it, with the permission set's tags at that time.
 */
import { fileURLToPath } from 'node:url';
import { ListInstancesCommand } from '@aws-sdk/client-sso-admin';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { desiredFor } from '../../src/accounts/project.js';
import { applyPlan } from '../../src/apply/executor.js';
import { CallLog, type RecordedCall } from '../../src/aws/calls.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { loadDesired } from '../../src/desired/index.js';
import type { Plan } from '../../src/model/plan.js';
import { diff } from '../../src/targets/plan.js';
import { readActualState } from '../../src/targets/read-account.js';
import type { AuthCheck } from '../harness/aws-actions.js';
import { loadTemplate, TemplateResolver } from '../harness/cfn-template.js';
import { ACCOUNT_ID } from '../harness/moto.js';
import { tempRepo, useIcGapProxy, useMoto, writeFiles } from '../harness/use-moto.js';
import { evaluate, type DeployedRole, type NamedPolicy } from '../harness/role-check.js';

const TEMPLATE = fileURLToPath(new URL('../../bootstrap/iam-gitops-identity-center.yml', import.meta.url));

const moto = useMoto({ reset: false });
const proxy = useIcGapProxy(moto, { reset: false });

const ACCOUNTS = [
  { name: 'prod', id: '111111111111' },
  { name: 'dev', id: '222222222222' },
];
const CONFIG = (people: boolean) =>
  [
    'accounts:',
    "  prod: { id: '111111111111' }",
    "  dev: { id: '222222222222' }",
    'defaultAccount: prod',
    'identityCenter:',
    '  enabled: true',
    'email:',
    '  from: iam@example.com',
    'monitoring:',
    '  enabled: false',
    'maxDeletes: 10',
    ...(people
      ? [
          'groups:',
          '  developers:',
          '    policies: [ReadOnlyAccess, dev-s3]',
          '    accounts: [prod, dev]',
          '  admins:',
          '    policies: [ops-read]',
          '    accounts: [prod]',
        ]
      : []),
    '',
  ].join('\n');
const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

/** Plans the default account's section over both accounts and applies it. */
async function planAndApply(c: AwsClients, dir: string): Promise<Plan> {
  const loaded = await loadDesired(dir);
  expect(loaded.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const desired = loaded.state!;
  const actual = await readActualState(c, desired.config);
  const cut = desiredFor(desired, 'prod', ['prod', 'dev']);
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
  expect(plan.errors).toEqual([]);
  const report = await applyPlan(plan, {
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
  return plan;
}

function role(which: 'plan' | 'apply', instanceArn: string, storeId: string): DeployedRole {
  const r = new TemplateResolver(loadTemplate(TEMPLATE), {
    accountId: ACCOUNT_ID,
    region: 'us-east-1',
    stackName: 'iam-gitops-identity-center',
    parameters: { InstanceArn: instanceArn, IdentityStoreId: storeId },
  });
  const props = r.properties(
    which === 'plan' ? 'PlanIdentityCenterManagedPolicy' : 'ApplyIdentityCenterManagedPolicy',
  ) as {
    ManagedPolicyName: string;
    PolicyDocument: NamedPolicy['policy'];
  };
  return {
    arn: `arn:aws:iam::${ACCOUNT_ID}:role/iam-gitops-${which}`,
    trust: { Version: '2012-10-17', Statement: [] },
    policies: [{ name: props.ManagedPolicyName, policy: props.PolicyDocument }],
  };
}

const LIST_ALL: Record<string, string> = {
  ListUsers: 'user/*',
  ListGroups: 'group/*',
  ListGroupMemberships: 'membership/*',
  ListGroupMembershipsForMember: 'membership/*',
};

/**
 * moto names a permission set `arn:aws:sso:::instance/<instance>/ps-…`; AWS names it
 * `arn:aws:sso:::permissionSet/<instance>/ps-…` (the Service Authorization Reference's
 * PermissionSet resource, which the policies name). The replay authorises the AWS name.
 */
function awsSetArn(arn: string | undefined): string | undefined {
  return arn?.replace(/^(arn:[^:]+:sso:::)instance\/([^/]+\/ps-)/, '$1permissionSet/$2');
}

/** What IAM authorises for one recorded Identity Center call. */
function checksFor(call: RecordedCall, tags: ReadonlyMap<string, Record<string, string>>): AuthCheck[] {
  const i = call.input as Record<string, unknown>;
  if (call.service === 'sso-admin') {
    const action = `sso:${call.operation}`;
    if (call.operation === 'ListInstances') return [{ action, resource: '*', context: {} }];
    const instance = String(i.InstanceArn);
    // The request's tags are keys of the whole request: every resource of the call sees them.
    const request: Record<string, string | string[]> = {};
    if (Array.isArray(i.Tags)) {
      const t = i.Tags as Array<{ Key: string; Value: string }>;
      for (const { Key, Value } of t) request[`aws:RequestTag/${Key}`] = Value;
      request['aws:TagKeys'] = t.map((x) => x.Key);
    }
    const out: AuthCheck[] = [{ action, resource: instance, context: request }];
    const setArn =
      awsSetArn(i.PermissionSetArn as string | undefined) ??
      awsSetArn(i.ResourceArn as string | undefined) ??
      (call.operation === 'CreatePermissionSet'
        ? `arn:aws:sso:::permissionSet/${instance.split('/')[1]}/ps-0000000000000000`
        : undefined);
    if (setArn) {
      const own: Record<string, string> = {};
      for (const [k, v] of Object.entries(tags.get(setArn) ?? {})) own[`aws:ResourceTag/${k}`] = v;
      out.push({
        action,
        resource: setArn,
        context: { ...(call.operation === 'CreatePermissionSet' ? {} : own), ...request },
      });
    }
    const account = (i.TargetId as string | undefined) ?? (i.AccountId as string | undefined);
    if (account) out.push({ action, resource: `arn:aws:sso:::account/${account}`, context: {} });
    return out;
  }
  if (call.service === 'identitystore') {
    const action = `identitystore:${call.operation}`;
    const resources = [`arn:aws:identitystore::${ACCOUNT_ID}:identitystore/${String(i.IdentityStoreId)}`];
    const user = (i.UserId as string | undefined) ?? (i.MemberId as { UserId?: string } | undefined)?.UserId;
    if (user) resources.push(`arn:aws:identitystore:::user/${user}`);
    if (i.GroupId) resources.push(`arn:aws:identitystore:::group/${String(i.GroupId)}`);
    if (i.MembershipId) resources.push(`arn:aws:identitystore:::membership/${String(i.MembershipId)}`);
    if (LIST_ALL[call.operation]) resources.push(`arn:aws:identitystore:::${LIST_ALL[call.operation]}`);
    return resources.map((resource) => ({ action, resource, context: {} }));
  }
  return [];
}

async function denials(r: DeployedRole, calls: RecordedCall[], tags: Map<string, Record<string, string>>) {
  const out: string[] = [];
  for (const call of calls)
    for (const check of checksFor(call, tags))
      if (!(await evaluate(r, check, ACCOUNT_ID)).allowed)
        out.push(`${check.action} on ${check.resource} ${JSON.stringify(check.context)}`);
  return out;
}

test('every Identity Center call of plan and apply (create, re-provision, remove) is allowed by the deployed policies', async () => {
  const calls = new CallLog(undefined);
  const c = moto.clients({ endpoint: proxy.url, calls });
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const dir = tempRepo('iam-gitops-ic-roles-');
  writeFiles(dir, {
    'iam-gitops.yml': CONFIG(true),
    'users/people.csv':
      'username,email,groups\nana,ana@example.com,developers;admins\nben,ben@example.com,developers\n',
    'policies/dev-s3.json': doc('s3:GetObject'),
    'policies/ops-read.json': doc('s3:ListBucket'),
  });
  const tags = new Map<string, Record<string, string>>();
  const seen = (): void => {
    for (const [k, v] of proxy.state.tags) tags.set(awsSetArn(k)!, { ...v });
  };

  await planAndApply(c, dir);
  seen();
  writeFiles(dir, { 'policies/dev-s3.json': doc('s3:GetObjectVersion') });
  const changed = await planAndApply(c, dir);
  expect(changed.changes.map((o) => o.type)).toContain('provisioning');
  seen();
  writeFiles(dir, { 'iam-gitops.yml': CONFIG(false), 'users/people.csv': 'username,email,groups\n' });
  const removed = await planAndApply(c, dir);
  expect(removed.changes.filter((o) => o.action === 'delete').length).toBeGreaterThan(0);

  const ic = calls.calls.filter((x) => x.service === 'sso-admin' || x.service === 'identitystore');
  const operations = new Set(ic.map((x) => x.operation));
  // The replay covers the whole life of a permission set and of a person.
  for (const op of [
    'CreatePermissionSet',
    'PutInlinePolicyToPermissionSet',
    'AttachManagedPolicyToPermissionSet',
    'ProvisionPermissionSet',
    'CreateAccountAssignment',
    'DeleteAccountAssignment',
    'DeletePermissionSet',
    'CreateUser',
    'CreateGroupMembership',
    'DeleteUser',
    'DeleteGroup',
  ])
    expect(operations).toContain(op);

  const instance = (await c.ssoadmin.send(new ListInstancesCommand({}))).Instances![0]!;
  const apply = role('apply', instance.InstanceArn!, instance.IdentityStoreId!);
  expect(await denials(apply, ic, tags)).toEqual([]);

  // The plan role is enough for every read, and for nothing the apply wrote.
  const plan = role('plan', instance.InstanceArn!, instance.IdentityStoreId!);
  const reads = ic.filter((x) => /^(List|Describe|Get)/.test(x.operation));
  expect(await denials(plan, reads, tags)).toEqual([]);
  const writes = ic.filter((x) => !/^(List|Describe|Get)/.test(x.operation));
  expect((await denials(plan, writes, tags)).length).toBeGreaterThanOrEqual(writes.length);
});
