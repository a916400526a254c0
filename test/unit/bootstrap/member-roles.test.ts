/**
 * The hub-and-member templates (bootstrap/iam-gitops-hub-roles.yml, the StackSet template
 * bootstrap/iam-gitops-member-roles.yml): the member roles carry exactly the permissions of the
 * single-account roles, and the only way into them is the hub role of the same run, inside the
 * organization, with the external id. Evaluated with iam-simulate like the other bootstrap tests.
 */
import { deployedRole, evaluate, roleIn, type DeployedRole } from '../../harness/role-check.js';
import {
  HUB_TEMPLATE_PATH,
  loadTemplate,
  MEMBER_TEMPLATE_PATH,
  TemplateResolver,
  type StackContext,
} from '../../harness/cfn-template.js';
import type { AuthCheck } from '../../harness/aws-actions.js';
import { lintPolicy } from '../../../src/lint/index.js';
import type { PolicyDocument } from '../../../src/model/policy.js';

const HUB_ACCOUNT = '111122223333';
const MEMBER = '444455556666';
const ORG = 'o-abcdefghij';
const OTHER_ORG = 'o-zzzzzzzzzz';
const EXTERNAL_ID = 'ext-7f3a9c2e-run-secret';
const HUB_PLAN = `arn:aws:iam::${HUB_ACCOUNT}:role/iam-gitops-hub-plan`;
const HUB_APPLY = `arn:aws:iam::${HUB_ACCOUNT}:role/iam-gitops-hub-apply`;
const OPEN_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }],
};
const SES = {
  SesIdentityArn: `arn:aws:ses:us-east-1:${HUB_ACCOUNT}:identity/iam@example.com`,
  SesFromAddress: 'iam@example.com',
};

/** Parameter sets that switch every conditional statement on at least once. */
const VARIANTS: Record<string, Record<string, string>> = {
  defaults: {},
  'boundary, adoption, adopt path, created key': {
    PermissionsBoundaryArn: `arn:aws:iam::${MEMBER}:policy/boundaries/dev`,
    AllowAdoption: 'true',
    AdoptPath: '/',
    CreateTrailKey: 'true',
    IamPath: '/people/',
    AllowedPolicyArns:
      'arn:aws:iam::aws:policy/ReadOnlyAccess,arn:aws:iam::aws:policy/job-function/ViewOnlyAccess',
  },
  'organization trail, own bucket, stack-less delivery role': {
    OrganizationTrailId: ORG,
    TrailBucketName: 'org-trail-logs',
    CreateTrailRole: 'false',
    TrailName: 'org-trail',
  },
};

function singleStack(parameters: Record<string, string>): StackContext {
  return {
    accountId: MEMBER,
    region: 'us-east-1',
    stackName: 'iam-gitops',
    parameters: { GitHubOrg: 'acme', GitHubRepo: 'aws-users', ...SES, ...parameters },
  };
}

function memberStack(parameters: Record<string, string> = {}): StackContext {
  return {
    accountId: MEMBER,
    region: 'us-east-1',
    // StackSet instances are named StackSet-<name>-<uuid>: nothing may depend on the stack name.
    stackName: 'StackSet-iam-gitops-members-0f1e2d3c',
    parameters: {
      HubPlanRoleArn: HUB_PLAN,
      HubApplyRoleArn: HUB_APPLY,
      ExternalId: EXTERNAL_ID,
      OrganizationId: ORG,
      ...SES,
      ...parameters,
    },
  };
}

function hubStack(parameters: Record<string, string> = {}): StackContext {
  return {
    accountId: HUB_ACCOUNT,
    region: 'us-east-1',
    stackName: 'iam-gitops-hub',
    parameters: { GitHubOrg: 'acme', GitHubRepo: 'aws-users', OrganizationId: ORG, ...parameters },
  };
}

function role(path: string, stack: StackContext, logicalId: string): DeployedRole {
  return roleIn(path, stack, logicalId);
}

/**
 * Policy names differ where they must (managed policy names are unique per account, and a StackSet
 * instance has no stack name to derive them from), and so do the ARNs of those policies in the
 * statements that keep them out of the role's reach; nothing else may.
 */
const OWN_POLICY = /^.*-(monitoring|adopt-path|organization-trail)$/;
const OWN_POLICY_ARN = /(:policy\/)[^"/]*-(monitoring|adopt-path|organization-trail)"/g;
const documents = (r: DeployedRole) =>
  r.policies.map((p) => ({
    name: p.name.replace(OWN_POLICY, '*-$1'),
    policy: JSON.parse(JSON.stringify(p.policy).replace(OWN_POLICY_ARN, '$1*-$2"')) as unknown,
  }));

const memberRole = (kind: 'plan' | 'apply', parameters: Record<string, string> = {}) =>
  role(MEMBER_TEMPLATE_PATH, memberStack(parameters), kind === 'plan' ? 'MemberPlanRole' : 'MemberApplyRole');
const hubRole = (kind: 'plan' | 'apply', parameters: Record<string, string> = {}) =>
  role(HUB_TEMPLATE_PATH, hubStack(parameters), kind === 'plan' ? 'HubPlanRole' : 'HubApplyRole');

describe('the member roles keep the limits of the single-account roles', () => {
  test.each(Object.entries(VARIANTS))('same statements as PlanRole and ApplyRole (%s)', (_name, params) => {
    for (const kind of ['plan', 'apply'] as const) {
      expect(documents(memberRole(kind, params))).toEqual(documents(deployedRole(singleStack(params), kind)));
    }
  });

  test.each(Object.entries(VARIANTS))('same CloudTrail delivery role (%s)', (_name, params) => {
    const single = new TemplateResolver(loadTemplate(), singleStack(params));
    const member = new TemplateResolver(loadTemplate(MEMBER_TEMPLATE_PATH), memberStack(params));
    expect(member.exists('TrailDeliveryRole')).toBe(single.exists('TrailDeliveryRole'));
    if (single.exists('TrailDeliveryRole'))
      expect(member.properties('TrailDeliveryRole')).toEqual(single.properties('TrailDeliveryRole'));
  });

  test('every parameter the statements share is declared alike (type, default, allowed values, pattern)', () => {
    const single = loadTemplate().Parameters;
    const member = loadTemplate(MEMBER_TEMPLATE_PATH).Parameters;
    const shared = Object.keys(single).filter((p) => p in member);
    // The GitHub parameters are the hub's; everything the permissions use is shared.
    expect(Object.keys(single).filter((p) => !(p in member))).toEqual([
      'GitHubOrg',
      'GitHubRepo',
      'OwnerId',
      'RepositoryId',
      'DefaultBranch',
      'ApplyTrust',
      'ApplyEnvironment',
      'CreateOidcProvider',
    ]);
    for (const p of shared) expect([p, member[p]]).toEqual([p, single[p]]);
  });

  test("the member apply role still has today's denies, even were it later given AdministratorAccess", async () => {
    const r = memberRole('apply', VARIANTS['boundary, adoption, adopt path, created key']);
    const admin: DeployedRole = {
      ...r,
      policies: [
        ...r.policies,
        {
          name: 'granted-later',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      ],
    };
    const checks: AuthCheck[] = [
      // NeverAssumeOtherRoles: a member role never hops on.
      {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`,
        context: {},
      },
      // NothingBelowThePath
      { action: 'iam:DeleteUser', resource: `arn:aws:iam::${MEMBER}:user/people/ops/bot`, context: {} },
      // TheBoundaryPolicyIsNotOurs
      {
        action: 'iam:CreatePolicyVersion',
        resource: `arn:aws:iam::${MEMBER}:policy/boundaries/dev`,
        context: {},
      },
      // EveryUserKeepsTheBoundary
      {
        action: 'iam:DeleteUserPermissionsBoundary',
        resource: `arn:aws:iam::${MEMBER}:user/people/alice`,
        context: {},
      },
    ];
    for (const c of checks)
      expect([c.action, (await evaluate(admin, c, MEMBER)).result]).toEqual([c.action, 'ExplicitlyDenied']);
  });

  test('no resource depends on the stack name (StackSet instances get generated names)', () => {
    const a = memberRole('apply');
    const b = role(MEMBER_TEMPLATE_PATH, { ...memberStack(), stackName: 'other' }, 'MemberApplyRole');
    expect(b).toEqual(a);
    expect(a.arn).toBe(`arn:aws:iam::${MEMBER}:role/iam-gitops-member-apply`);
    expect(memberRole('plan').arn).toBe(`arn:aws:iam::${MEMBER}:role/iam-gitops-member-plan`);
  });
});

/** sts:AssumeRole from `principal` (a hub role) into the member role: identity policy and trust. */
async function assume(
  caller: DeployedRole,
  target: DeployedRole,
  context: Partial<Record<string, string>> = {},
): Promise<string> {
  const ctx: Record<string, string> = {
    'sts:ExternalId': EXTERNAL_ID,
    'sts:RoleSessionName': 'iam-gitops-1234567890-1',
    'aws:PrincipalOrgID': ORG,
    'aws:ResourceOrgID': ORG,
  };
  for (const [k, v] of Object.entries(context)) {
    if (v === undefined) delete ctx[k];
    else ctx[k] = v;
  }
  const d = await evaluate(
    caller,
    { action: 'sts:AssumeRole', resource: target.arn, context: ctx, resourcePolicy: target.trust },
    MEMBER,
  );
  return d.result;
}

describe('only the hub role, with the external id, inside the organization, reaches a member role', () => {
  const hubPlan = hubRole('plan');
  const hubApply = hubRole('apply');
  const plan = memberRole('plan');
  const apply = memberRole('apply');

  test('the hub plan role assumes the member plan role; the hub apply role the member apply role', async () => {
    expect(await assume(hubPlan, plan)).toBe('Allowed');
    expect(await assume(hubApply, apply)).toBe('Allowed');
    expect(await assume(hubApply, apply, { 'sts:RoleSessionName': 'iam-gitops-cli' })).toBe('Allowed');
  });

  test('the external id is required: absent or wrong, the member role refuses', async () => {
    expect(await assume(hubPlan, plan, { 'sts:ExternalId': undefined })).toBe('ImplicitlyDenied');
    expect(await assume(hubPlan, plan, { 'sts:ExternalId': 'guessed' })).toBe('ImplicitlyDenied');
    expect(await assume(hubApply, apply, { 'sts:ExternalId': undefined })).toBe('ImplicitlyDenied');
  });

  test('the hub plan role cannot reach the member apply role, nor the other way round', async () => {
    expect(await assume(hubPlan, apply)).not.toBe('Allowed');
    expect(await assume(hubApply, plan)).not.toBe('Allowed');
  });

  test('another principal of the hub account, holding every permission, is refused by the trust', async () => {
    const intruder: DeployedRole = {
      arn: `arn:aws:iam::${HUB_ACCOUNT}:role/developer`,
      trust: { Version: '2012-10-17', Statement: [] },
      policies: [
        {
          name: 'admin',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      ],
    };
    expect(await assume(intruder, apply)).toBe('ImplicitlyDenied');
  });

  test('a session not named by the tool, or a caller outside the organization, is refused', async () => {
    expect(await assume(hubApply, apply, { 'sts:RoleSessionName': 'manual' })).not.toBe('Allowed');
    expect(await assume(hubApply, apply, { 'aws:PrincipalOrgID': OTHER_ORG })).not.toBe('Allowed');
  });

  test('the hub roles may assume nothing but the member roles in the organization', async () => {
    const inOrg = (resource: string, orgId = ORG): AuthCheck => ({
      action: 'sts:AssumeRole',
      resource,
      context: { 'aws:ResourceOrgID': orgId, 'sts:RoleSessionName': 'iam-gitops-1-1' },
      // A trust that lets anyone in: what is left to decide is the hub role's own policy.
      resourcePolicy: OPEN_TRUST,
    });
    const allowed = async (r: DeployedRole, c: AuthCheck) => (await evaluate(r, c, MEMBER)).allowed;
    expect(await allowed(hubPlan, inOrg(plan.arn))).toBe(true);
    // The administrator role every Organizations account has: never.
    expect(await allowed(hubPlan, inOrg(`arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`))).toBe(
      false,
    );
    // A role of the member name in an account outside the organization.
    expect(
      await allowed(hubPlan, inOrg(`arn:aws:iam::999988887777:role/iam-gitops-member-plan`, OTHER_ORG)),
    ).toBe(false);
    expect(await allowed(hubApply, inOrg(apply.arn))).toBe(true);
    expect(await allowed(hubApply, inOrg(plan.arn))).toBe(false);
    // Nothing but AssumeRole (and, when asked, the Organizations reads).
    for (const [action, resource] of [
      ['iam:CreateUser', `arn:aws:iam::${HUB_ACCOUNT}:user/mallory`],
      ['iam:PassRole', `arn:aws:iam::${HUB_ACCOUNT}:role/admin`],
      ['s3:GetObject', 'arn:aws:s3:::audit-logs/AWSLogs/x.json.gz'],
      ['organizations:ListAccounts', '*'],
    ] as const) {
      expect([action, await allowed(hubApply, { action, resource, context: {} })]).toEqual([action, false]);
    }
  });

  test('even were a hub role later given AdministratorAccess, its denies keep it to the member roles', async () => {
    const admin: DeployedRole = {
      ...hubApply,
      policies: [
        ...hubApply.policies,
        {
          name: 'granted-later',
          policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      ],
    };
    const other = await evaluate(
      admin,
      {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`,
        context: { 'aws:ResourceOrgID': ORG },
        resourcePolicy: OPEN_TRUST,
      },
      MEMBER,
    );
    expect(other.result).toBe('ExplicitlyDenied');
    const outside = await evaluate(
      admin,
      {
        action: 'sts:AssumeRole',
        resource: `arn:aws:iam::999988887777:role/iam-gitops-member-apply`,
        context: { 'aws:ResourceOrgID': OTHER_ORG },
        resourcePolicy: OPEN_TRUST,
      },
      MEMBER,
    );
    expect(outside.result).toBe('ExplicitlyDenied');
  });

  test('DiscoverAccounts=true adds exactly the Organizations reads discovery makes', async () => {
    const r = hubRole('plan', { DiscoverAccounts: 'true' });
    for (const action of [
      'organizations:ListAccounts',
      'organizations:ListAccountsForParent',
      'organizations:ListOrganizationalUnitsForParent',
      'organizations:DescribeOrganization',
    ]) {
      expect([
        action,
        (await evaluate(r, { action, resource: '*', context: {} }, HUB_ACCOUNT)).allowed,
      ]).toEqual([action, true]);
    }
    const write = await evaluate(
      r,
      { action: 'organizations:EnableAWSServiceAccess', resource: '*', context: {} },
      HUB_ACCOUNT,
    );
    expect(write.allowed).toBe(false);
  });

  test('the hub roles are trusted exactly like the single-account roles (same GitHub subjects)', () => {
    const inHub = (params: Record<string, string> = {}) => ({
      ...singleStack(params),
      accountId: HUB_ACCOUNT,
    });
    expect(hubRole('plan').trust).toEqual(deployedRole(inHub(), 'plan').trust);
    expect(hubRole('apply').trust).toEqual(deployedRole(inHub(), 'apply').trust);
    const branch = { ApplyTrust: 'branch', OwnerId: '12', RepositoryId: '34', CreateOidcProvider: 'false' };
    expect(hubRole('apply', branch).trust).toEqual(deployedRole(inHub(branch), 'apply').trust);
    expect(hubRole('plan', branch).trust).toEqual(deployedRole(inHub(branch), 'plan').trust);
  });

  test('the external id parameter is NoEcho and appears in no output', () => {
    const t = loadTemplate(MEMBER_TEMPLATE_PATH);
    expect(t.Parameters.ExternalId!.NoEcho).toBe(true);
    expect(JSON.stringify(t.Outputs)).not.toContain('ExternalId');
  });
});

test("the hub roles and the organization trail's policy pass the project's own lint without a finding", () => {
  const lint = (r: DeployedRole) =>
    r.policies.flatMap((p) =>
      lintPolicy({
        name: p.name,
        file: 'bootstrap',
        arn: null,
        document: p.policy as unknown as PolicyDocument,
        statementPositions: [],
        valuePositions: [],
      }).findings.map((f) => `${p.name}: ${f.rule} ${f.actions.join(',')}`),
    );
  expect(lint(hubRole('plan', { DiscoverAccounts: 'true' }))).toEqual([]);
  expect(lint(hubRole('apply', { DiscoverAccounts: 'true' }))).toEqual([]);
  const member = memberRole('apply', { OrganizationTrailId: ORG });
  expect(member.policies.at(-1)!.name).toBe('iam-gitops-member-apply-organization-trail');
  expect(lint({ ...member, policies: member.policies.slice(-1) })).toEqual([]);
});
