/**
 * IAM refuses a role whose inline policies add up to more than 10,240 characters, and a managed
 * policy of more than 6,144 (whitespace aside in both; policy names count towards the inline
 * total). A stack that exceeds either fails to deploy, so every bootstrap role is measured here
 * with every option that adds statements switched on, for the paths that make them longest.
 */
import { fileURLToPath } from 'node:url';
import {
  loadTemplate,
  MEMBER_TEMPLATE_PATH,
  TEMPLATE_PATH,
  TemplateResolver,
  type StackContext,
} from '../../harness/cfn-template.js';

const IC_TEMPLATE_PATH = fileURLToPath(
  new URL('../../../bootstrap/iam-gitops-identity-center.yml', import.meta.url),
);
const INLINE_QUOTA = 10240;
const MANAGED_QUOTA = 6144;
/** Managed policies attached to one role (IAM's default quota). */
const ATTACHED_QUOTA = 10;

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const ALLOWED = [
  'ReadOnlyAccess',
  'job-function/ViewOnlyAccess',
  'job-function/Billing',
  'AmazonS3ReadOnlyAccess',
  'CloudWatchReadOnlyAccess',
  'AWSSupportAccess',
].map((n) => `arn:aws:iam::aws:policy/${n}`);
/** The longest a realistic path gets: several levels of organisational units. */
const LONG_PATH = '/imported-from-the-console/business-unit-platform/team-identity-operations/';

/** Every option that adds statements to the apply role, with the given paths. */
const everything = (adoptPath: string, iamPath = '/iam-gitops/') => ({
  IamPath: iamPath,
  AdoptPath: adoptPath,
  PermissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundaries/permissions-boundary-for-managed-users`,
  AllowAdoption: 'true',
  CreateTrailKey: 'true',
  AllowedPolicyArns: ALLOWED.join(','),
  OrganizationTrailId: 'o-abcdefghij',
  TrailBucketName: 'organization-cloudtrail-logs-bucket-of-the-security-account',
  LogGroupName: '/organization/cloudtrail/iam-gitops-monitoring',
});

const VARIANTS: Array<[string, Record<string, string>]> = [
  ['AdoptPath=/', everything('/')],
  ['a long AdoptPath', everything(LONG_PATH)],
  ['a long AdoptPath and a long IamPath', everything(LONG_PATH, LONG_PATH)],
  ['no AdoptPath', everything('')],
];

interface Measured {
  inline: number;
  managed: Array<{ id: string; size: number }>;
}

const size = (doc: unknown) => JSON.stringify(doc).replace(/\s/g, '').length;

/** What IAM counts for the role once the stack is deployed. */
function measure(path: string, stack: StackContext, roleId: string): Measured {
  const r = new TemplateResolver(loadTemplate(path), stack);
  const role = r.properties(roleId) as {
    RoleName: string;
    Policies?: Array<{ PolicyName: string; PolicyDocument: unknown }>;
  };
  const managed = Object.entries(r.template.Resources)
    .filter(([id, res]) => res.Type === 'AWS::IAM::ManagedPolicy' && r.exists(id))
    .map(([id]) => ({ id, props: r.properties(id) as { Roles?: string[]; PolicyDocument: unknown } }))
    .filter((p) => (p.props.Roles ?? []).includes(role.RoleName))
    .map((p) => ({ id: p.id, size: size(p.props.PolicyDocument) }));
  return {
    inline: (role.Policies ?? []).reduce((n, p) => n + p.PolicyName.length + size(p.PolicyDocument), 0),
    managed,
  };
}

function expectWithinQuota(m: Measured): void {
  expect(m.inline).toBeLessThan(INLINE_QUOTA);
  for (const p of m.managed) expect([p.id, p.size < MANAGED_QUOTA]).toEqual([p.id, true]);
  expect(m.managed.length).toBeLessThanOrEqual(ATTACHED_QUOTA);
}

const managedIds = (params: Record<string, string>) => [
  ...(params.AdoptPath ? ['ApplyAdoptPathPolicy'] : []),
  'ApplyMonitoringPolicy',
  'OrganizationTrailApplyPolicy',
];

const singleStack = (parameters: Record<string, string>): StackContext => ({
  accountId: ACCOUNT,
  region: REGION,
  // As long as the role name `<stack>-apply` (64 at most) allows.
  stackName: 'iam-gitops-production-identity-management-stack-abcdefg',
  parameters: {
    GitHubOrg: 'acme',
    GitHubRepo: 'aws-users',
    SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/iam@example.com`,
    SesFromAddress: 'iam@example.com',
    ...parameters,
  },
});

const memberStack = (parameters: Record<string, string>): StackContext => ({
  accountId: ACCOUNT,
  region: REGION,
  stackName: 'StackSet-iam-gitops-members-0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0',
  parameters: {
    HubPlanRoleArn: 'arn:aws:iam::111122223333:role/iam-gitops-hub-plan',
    HubApplyRoleArn: 'arn:aws:iam::111122223333:role/iam-gitops-hub-apply',
    ExternalId: 'ext-7f3a9c2e-run-secret',
    OrganizationId: 'o-abcdefghij',
    MemberApplyRoleName: 'iam-gitops-member-apply-role-of-the-production-organization-xyz',
    SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT}:identity/iam@example.com`,
    SesFromAddress: 'iam@example.com',
    ...parameters,
  },
});

describe('the single-account apply role (iam-gitops-roles.yml)', () => {
  test.each(VARIANTS)('fits IAM’s quotas with every option on and %s', (_name, params) => {
    const m = measure(TEMPLATE_PATH, singleStack(params), 'ApplyRole');
    expectWithinQuota(m);
    // The monitoring, AdoptPath and organization trail statements are managed policies of their own.
    expect(m.managed.map((p) => p.id).sort()).toEqual(managedIds(params));
  });

  test('the plan role fits too', () => {
    expectWithinQuota(measure(TEMPLATE_PATH, singleStack(everything('/')), 'PlanRole'));
  });
});

describe('the member apply role (iam-gitops-member-roles.yml)', () => {
  test.each(VARIANTS)('fits IAM’s quotas with every option on and %s', (_name, params) => {
    const m = measure(MEMBER_TEMPLATE_PATH, memberStack(params), 'MemberApplyRole');
    expectWithinQuota(m);
    expect(m.managed.map((p) => p.id).sort()).toEqual(managedIds(params));
  });

  test('the member plan role fits too', () => {
    expectWithinQuota(measure(MEMBER_TEMPLATE_PATH, memberStack(everything('/')), 'MemberPlanRole'));
  });
});

/**
 * The Identity Center stack adds to roles that already exist: its policies are managed ones, so
 * the roles' inline total stays what the roles' own stack measured above.
 */
describe('the Identity Center additions (iam-gitops-identity-center.yml)', () => {
  const ic = new TemplateResolver(loadTemplate(IC_TEMPLATE_PATH), {
    accountId: ACCOUNT,
    region: REGION,
    stackName: 'iam-gitops-identity-center',
    parameters: {
      InstanceArn: 'arn:aws:sso:::instance/ssoins-1111222233334444',
      IdentityStoreId: 'd-1234567890',
      AllowAdoption: 'true',
      AssignInThisAccount: 'true',
    },
  });
  const added = Object.entries(ic.template.Resources).filter(([id]) => ic.exists(id));

  test('adds no inline policy to a role', () => {
    expect(added.filter(([, r]) => /RolePolicy$|::Policy$/.test(r.Type)).map(([id]) => id)).toEqual([]);
    expect(added.length).toBeGreaterThan(0);
  });

  test.each([
    ['plan', 'PlanRole', 'iam-gitops-plan'],
    ['apply', 'ApplyRole', 'iam-gitops-apply'],
  ])('the %s role stays within IAM’s quotas with them', (_kind, roleId, roleName) => {
    const own = measure(TEMPLATE_PATH, singleStack(everything('/')), roleId);
    const extra = added
      .filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy')
      .map(([id]) => ({ id, props: ic.properties(id) as { Roles: string[]; PolicyDocument: unknown } }))
      .filter((p) => p.props.Roles.includes(roleName))
      .map((p) => ({ id: p.id, size: size(p.props.PolicyDocument) }));
    expect(extra.length).toBe(1);
    expectWithinQuota({ inline: own.inline, managed: [...own.managed, ...extra] });
  });
});

test('the measure counts what IAM counts: a document over the quota fails', () => {
  // A guard against a measure that cannot fail (e.g. one that finds no policies at all).
  const m = measure(TEMPLATE_PATH, singleStack(everything('/')), 'ApplyRole');
  expect(m.inline).toBeGreaterThan(5000);
  expect(m.managed.every((p) => p.size > 500)).toBe(true);
  expect(() => expectWithinQuota({ inline: INLINE_QUOTA, managed: [] })).toThrow();
  expect(() => expectWithinQuota({ inline: 0, managed: [{ id: 'x', size: MANAGED_QUOTA }] })).toThrow();
});
