/**
 * OrganizationTrailId: the roles of the account that holds monitoring.organizationTrail may make
 * the calls an organization trail takes, and no more: CloudTrail's own service-linked role only,
 * never enabling trusted access; and without the parameter none of it. Evaluated with iam-simulate.
 */
import type { RecordedCall } from '../../../src/aws/calls.js';
import { newAccountModel } from '../../harness/aws-actions.js';
import { checkCalls, deployedRole, evaluate, type DeployedRole } from '../../harness/role-check.js';
import { loadTemplate, TemplateResolver, type StackContext } from '../../harness/cfn-template.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ORG = 'o-abcdefghij';
const SLR = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail`;

function stack(parameters: Record<string, string> = {}): StackContext {
  return {
    accountId: ACCOUNT,
    region: REGION,
    stackName: 'iam-gitops',
    parameters: {
      GitHubOrg: 'acme',
      GitHubRepo: 'aws-users',
      SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/iam@example.com`,
      SesFromAddress: 'iam@example.com',
      ...parameters,
    },
  };
}

const call = (service: string, operation: string, input: Record<string, unknown>): RecordedCall => ({
  service,
  operation,
  input,
});
const trailSettings = {
  Name: 'iam-gitops',
  S3BucketName: `iam-gitops-trail-${ACCOUNT}-${REGION}`,
  CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/iam-gitops-cloudtrail-logs`,
  IsOrganizationTrail: true,
};
const applyCalls = [
  call('organizations', 'DescribeOrganization', {}),
  call('cloudtrail', 'CreateTrail', trailSettings),
  call('cloudtrail', 'UpdateTrail', trailSettings),
];
const denials = async (role: DeployedRole, calls: RecordedCall[]) =>
  (await checkCalls(calls, role, newAccountModel(ACCOUNT, REGION))).map(
    (d) => `${d.call.operation} → ${d.check.action}`,
  );

test('with OrganizationTrailId the apply role makes the organization trail; the plan role reads the organization', async () => {
  expect(await denials(deployedRole(stack({ OrganizationTrailId: ORG }), 'apply'), applyCalls)).toEqual([]);
  expect(
    await denials(deployedRole(stack({ OrganizationTrailId: ORG }), 'plan'), [
      call('organizations', 'DescribeOrganization', {}),
    ]),
  ).toEqual([]);
});

test('without it (every account but the one holding the trail) none of those calls is allowed', async () => {
  expect(await denials(deployedRole(stack(), 'apply'), applyCalls)).toEqual([
    'DescribeOrganization → organizations:DescribeOrganization',
    'CreateTrail → organizations:DescribeOrganization',
    'CreateTrail → organizations:ListAWSServiceAccessForOrganization',
    'CreateTrail → iam:GetRole',
    'CreateTrail → iam:CreateServiceLinkedRole',
    'UpdateTrail → organizations:DescribeOrganization',
    'UpdateTrail → organizations:ListAWSServiceAccessForOrganization',
    'UpdateTrail → iam:GetRole',
    'UpdateTrail → iam:CreateServiceLinkedRole',
  ]);
  expect(
    await denials(deployedRole(stack(), 'plan'), [call('organizations', 'DescribeOrganization', {})]),
  ).toEqual(['DescribeOrganization → organizations:DescribeOrganization']);
});

test("only CloudTrail's service-linked role; trusted access and the organization stay the administrator's", async () => {
  const role = deployedRole(stack({ OrganizationTrailId: ORG }), 'apply');
  const decide = async (action: string, resource: string, context: Record<string, string> = {}) =>
    (await evaluate(role, { action, resource, context }, ACCOUNT)).allowed;
  expect(
    await decide('iam:CreateServiceLinkedRole', SLR, { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' }),
  ).toBe(true);
  // Another service's linked role (which would act with that service's permissions).
  expect(
    await decide(
      'iam:CreateServiceLinkedRole',
      `arn:aws:iam::${ACCOUNT}:role/aws-service-role/ssm.amazonaws.com/AWSServiceRoleForAmazonSSM`,
      { 'iam:AWSServiceName': 'ssm.amazonaws.com' },
    ),
  ).toBe(false);
  for (const action of [
    'organizations:EnableAWSServiceAccess',
    'organizations:RegisterDelegatedAdministrator',
    'organizations:ListAccounts',
  ])
    expect([action, await decide(action, '*')]).toEqual([action, false]);
  expect(await decide('iam:DeleteServiceLinkedRole', SLR)).toBe(false);
});

test('the delivery role the stack creates accepts the organization streams only with OrganizationTrailId', () => {
  const resources = (params: Record<string, string>) => {
    const props = new TemplateResolver(loadTemplate(), stack(params)).properties('TrailDeliveryRole') as {
      Policies: Array<{ PolicyDocument: { Statement: Array<{ Resource: string[] }> } }>;
    };
    return props.Policies[0]!.PolicyDocument.Statement[0]!.Resource;
  };
  const streams = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/iam-gitops/cloudtrail:log-stream:`;
  expect(resources({})).toEqual([`${streams}${ACCOUNT}_CloudTrail_${REGION}*`]);
  expect(resources({ OrganizationTrailId: ORG })).toEqual([
    `${streams}${ACCOUNT}_CloudTrail_${REGION}*`,
    `${streams}${ORG}_*`,
  ]);
});

/** IAM refuses a role whose inline policies add up to more than 10,240 characters (whitespace aside). */
test('the organization trail permissions leave the apply role inside the inline policy quota', () => {
  const allowed = [
    'ReadOnlyAccess',
    'job-function/ViewOnlyAccess',
    'job-function/Billing',
    'AmazonS3ReadOnlyAccess',
  ]
    .map((n) => `arn:aws:iam::aws:policy/${n}`)
    .join(',');
  const params = {
    PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundaries/users`,
    AllowAdoption: 'true',
    AllowedPolicyArns: allowed,
    CreateTrailKey: 'true',
  };
  const inline = (r: DeployedRole) =>
    r.policies
      .filter((p) => !p.name.endsWith('-organization-trail'))
      .reduce((n, p) => n + p.name.length + JSON.stringify(p.policy).length, 0);
  const without = deployedRole(stack(params), 'apply');
  const withOrg = deployedRole(stack({ ...params, OrganizationTrailId: ORG }), 'apply');
  // The organization trail adds a managed policy of its own and only its stream to the inline ones.
  expect(withOrg.policies.map((p) => p.name)).toEqual([
    ...without.policies.map((p) => p.name),
    'iam-gitops-organization-trail',
  ]);
  expect(inline(withOrg)).toBe(inline(without));
  expect(inline(withOrg)).toBeLessThan(10240);
});
