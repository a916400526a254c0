/**
 * monitoring.organizationTrail against the emulator (moto keeps IsOrganizationTrail and answers
 * DescribeOrganization): the trail is created and kept as an organization trail, its bucket
 * admits the organization's prefix, a second plan is empty, and turning the option off turns the
 * trail back into the account's own. The requests are checked, not only moto's answers.
 */
import { CreateOrganizationCommand } from '@aws-sdk/client-organizations';
import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { GetBucketPolicyCommand } from '@aws-sdk/client-s3';
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';
import {
  createMonitoringHandlers,
  planMonitoring,
  readMonitoring,
} from '../../src/targets/monitoring/index.js';
import type { ActualMonitoring } from '../../src/targets/monitoring/actual.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { MonitoringConfig } from '../../src/model/desired.js';
import { applyContext, monitoringConfig, runOperations } from '../unit/monitoring/support.js';
import { deployStackResources } from '../harness/e2e-role-check.js';
import { newAccountModel } from '../harness/aws-actions.js';
import { checkCalls, deployedRole, describeDenials } from '../harness/role-check.js';
import type { StackContext } from '../harness/cfn-template.js';

const BUCKET = `iam-gitops-trail-${ACCOUNT_ID}-${REGION}`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/iam-gitops`;
const ctx = { accountId: ACCOUNT_ID, region: REGION, adopt: false };
const orgTrail = () => monitoringConfig({ organizationTrail: true, account: 'audit' });

const moto = useMoto();

const handlers = createMonitoringHandlers({ sleep: async () => undefined });
const requests = (c: AwsClients, operation: string) =>
  c.calls.calls.filter((x) => x.operation === operation).map((x) => x.input as Record<string, unknown>);

async function createOrganization(c: AwsClients): Promise<string> {
  const res = await c.organizations.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  return res.Organization!.Id!;
}

async function converge(c: AwsClients, config: MonitoringConfig) {
  const actual = await readMonitoring(c, config, ACCOUNT_ID);
  const plan = planMonitoring(config, actual, ctx);
  expect(plan.errors).toEqual([]);
  await runOperations(plan.operations, handlers, applyContext(c));
  return plan;
}

async function trail(c: AwsClients) {
  const res = await c.cloudtrail.send(new DescribeTrailsCommand({ trailNameList: ['iam-gitops'] }));
  return res.trailList!.find((t) => t.Name === 'iam-gitops')!;
}

test('the organization trail is created with IsOrganizationTrail, its bucket open to the organization prefix, and converges', async () => {
  const c = moto.clients();
  const orgId = await createOrganization(c);
  await converge(c, orgTrail());

  // The request itself carried the flag, and the trail is one.
  expect(requests(c, 'CreateTrail').map((r) => r.IsOrganizationTrail)).toEqual([true]);
  expect((await trail(c)).IsOrganizationTrail).toBe(true);

  const policy = JSON.parse((await c.s3.send(new GetBucketPolicyCommand({ Bucket: BUCKET }))).Policy!) as {
    Statement: Array<{ Sid: string; Resource: string; Condition: unknown }>;
  };
  const org = policy.Statement.find((s) => s.Sid === 'AWSCloudTrailOrganizationWrite')!;
  expect(org.Resource).toBe(`arn:aws:s3:::${BUCKET}/AWSLogs/${orgId}/*`);
  expect(org.Condition).toEqual({
    StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN },
  });

  // A fresh read plans nothing and writes nothing; the organization costs one read.
  const fresh = moto.clients();
  const actual = (await readMonitoring(fresh, orgTrail(), ACCOUNT_ID)) as ActualMonitoring;
  expect(actual.organization).toEqual({ id: orgId, managementAccountId: ACCOUNT_ID });
  expect(actual.trail?.isOrganizationTrail).toBe(true);
  expect(fresh.calls.counts['organizations:DescribeOrganization']).toBe(1);
  const again = planMonitoring(orgTrail(), actual, ctx);
  expect(again.errors).toEqual([]);
  expect(again.operations).toEqual([]);
});

test('a trail of the account only is turned into the organization trail by UpdateTrail, and back', async () => {
  const c = moto.clients();
  await createOrganization(c);
  await converge(c, monitoringConfig());
  expect((await trail(c)).IsOrganizationTrail).toBe(false);
  // A single account's requests never name the flag.
  expect(requests(c, 'CreateTrail').every((r) => !('IsOrganizationTrail' in r))).toBe(true);
  expect(c.calls.counts['organizations:DescribeOrganization']).toBeUndefined();

  const toOrg = await converge(c, orgTrail());
  expect(toOrg.operations.find((o) => o.type === 'trail')?.action).toBe('update');
  expect(requests(c, 'UpdateTrail').map((r) => r.IsOrganizationTrail)).toEqual([true]);
  expect((await trail(c)).IsOrganizationTrail).toBe(true);

  await converge(c, monitoringConfig());
  expect(requests(c, 'UpdateTrail').map((r) => r.IsOrganizationTrail)).toEqual([true, false]);
  expect((await trail(c)).IsOrganizationTrail).toBe(false);
});

test('an account in no organization: the read says so and the plan refuses with the fix', async () => {
  const c = moto.clients();
  const actual = (await readMonitoring(c, orgTrail(), ACCOUNT_ID)) as ActualMonitoring;
  expect(actual.organization).toBeNull();
  const plan = planMonitoring(orgTrail(), actual, ctx);
  expect(plan.operations).toEqual([]);
  expect(plan.errors).toHaveLength(1);
  expect(plan.errors[0]).toContain('belongs to no AWS Organizations organization');
  expect(plan.errors[0]).toContain('set monitoring.account');
});

test("the holding account's stack suffices: its delivery role is the one the organization trail wants, every call is allowed", async () => {
  const setup = moto.clients();
  const orgId = await createOrganization(setup);
  const stack: StackContext = {
    accountId: ACCOUNT_ID,
    region: REGION,
    stackName: 'iam-gitops',
    parameters: {
      GitHubOrg: 'acme',
      GitHubRepo: 'aws-users',
      SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/iam@example.com`,
      SesFromAddress: 'iam@example.com',
      OrganizationTrailId: orgId,
    },
  };
  expect(await deployStackResources(setup, stack)).not.toBeNull();

  const planClients = moto.clients();
  const plan = planMonitoring(orgTrail(), await readMonitoring(planClients, orgTrail(), ACCOUNT_ID), ctx);
  expect(plan.errors).toEqual([]);
  // The stack made the delivery role with the organization's streams: nothing to create or repair.
  expect(plan.operations.filter((o) => o.type === 'role')).toEqual([]);
  const planDenials = await checkCalls(
    planClients.calls.calls,
    deployedRole(stack, 'plan'),
    newAccountModel(ACCOUNT_ID, REGION),
  );
  expect(describeDenials(planDenials)).toBe('');

  const applyClients = moto.clients();
  await converge(applyClients, orgTrail());
  expect(requests(applyClients, 'CreateTrail').map((r) => r.IsOrganizationTrail)).toEqual([true]);
  const applyDenials = await checkCalls(
    applyClients.calls.calls,
    deployedRole(stack, 'apply'),
    newAccountModel(ACCOUNT_ID, REGION),
  );
  expect(describeDenials(applyDenials)).toBe('');
  // And the same calls under a stack without OrganizationTrailId are refused exactly where the
  // organization comes in.
  const { OrganizationTrailId: _, ...rest } = stack.parameters;
  const plain = await checkCalls(
    applyClients.calls.calls,
    deployedRole({ ...stack, parameters: rest }, 'apply'),
    newAccountModel(ACCOUNT_ID, REGION),
  );
  expect([...new Set(plain.map((d) => d.check.action))].sort()).toEqual([
    'iam:CreateServiceLinkedRole',
    'iam:GetRole',
    'organizations:DescribeOrganization',
    'organizations:ListAWSServiceAccessForOrganization',
  ]);
});
