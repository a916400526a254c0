/**
 * The Identity Center policies (bootstrap/iam-gitops-identity-center.yml) allow what the tool
 * does on its instance and no more: each call is evaluated with iam-simulate against the policy as
 * CloudFormation would deploy it, once per resource AWS authorises for the call (the instance,
 * the permission set, the account; the identity store, the user, the group).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { lintPolicy } from '../../../src/lint/index.js';
import type { PolicyDocument } from '../../../src/model/policy.js';
import type { AuthCheck } from '../../harness/aws-actions.js';
import { loadTemplate, TemplateResolver, type StackContext } from '../../harness/cfn-template.js';
import { evaluate, type DeployedRole, type NamedPolicy } from '../../harness/role-check.js';

const TEMPLATE = fileURLToPath(new URL('../../../bootstrap/iam-gitops-identity-center.yml', import.meta.url));
const ACCOUNT = '111111111111';
const MEMBER = '222222222222';
const INSTANCE_ID = 'ssoins-1111222233334444';
const INSTANCE = `arn:aws:sso:::instance/${INSTANCE_ID}`;
const OTHER_INSTANCE = 'arn:aws:sso:::instance/ssoins-9999888877776666';
const STORE = 'd-1234567890';
const STORE_ARN = `arn:aws:identitystore::${ACCOUNT}:identitystore/${STORE}`;
const OTHER_STORE_ARN = `arn:aws:identitystore::${ACCOUNT}:identitystore/d-0000000000`;
const SET = `arn:aws:sso:::permissionSet/${INSTANCE_ID}/ps-1111111111111111`;
const FOREIGN_SET = `arn:aws:sso:::permissionSet/ssoins-9999888877776666/ps-2222222222222222`;

function stack(parameters: Record<string, string> = {}): StackContext {
  return {
    accountId: ACCOUNT,
    region: 'us-east-1',
    stackName: 'iam-gitops-identity-center',
    parameters: { InstanceArn: INSTANCE, IdentityStoreId: STORE, ...parameters },
  };
}

function role(which: 'plan' | 'apply', parameters: Record<string, string> = {}): DeployedRole {
  const r = new TemplateResolver(loadTemplate(TEMPLATE), stack(parameters));
  const id = which === 'plan' ? 'PlanIdentityCenterManagedPolicy' : 'ApplyIdentityCenterManagedPolicy';
  const props = r.properties(id) as { ManagedPolicyName: string; PolicyDocument: NamedPolicy['policy'] };
  return {
    arn: `arn:aws:iam::${ACCOUNT}:role/iam-gitops-${which}`,
    trust: { Version: '2012-10-17', Statement: [] },
    policies: [{ name: props.ManagedPolicyName, policy: props.PolicyDocument }],
  };
}

const managed = { 'aws:ResourceTag/managed-by': 'iam-gitops' };
const unmanaged = {};

/** One call = one check per resource AWS authorises for it. */
function sso(
  action: string,
  opts: {
    set?: string;
    tags?: Record<string, string>;
    account?: string;
    instance?: string;
    request?: Record<string, string | string[]>;
  } = {},
): AuthCheck[] {
  const checks: AuthCheck[] = [
    { action: `sso:${action}`, resource: opts.instance ?? INSTANCE, context: opts.request ?? {} },
  ];
  if (opts.set)
    checks.push({
      action: `sso:${action}`,
      resource: opts.set,
      context: { ...(opts.tags ?? {}), ...(opts.request ?? {}) },
    });
  if (opts.account)
    checks.push({ action: `sso:${action}`, resource: `arn:aws:sso:::account/${opts.account}`, context: {} });
  return checks;
}

function store(action: string, extra: string[] = [], storeArn = STORE_ARN): AuthCheck[] {
  return [storeArn, ...extra].map((resource) => ({
    action: `identitystore:${action}`,
    resource,
    context: {},
  }));
}

async function allowed(r: DeployedRole, checks: AuthCheck[]): Promise<boolean> {
  for (const c of checks) if (!(await evaluate(r, c, ACCOUNT)).allowed) return false;
  return true;
}

const USER = 'arn:aws:identitystore:::user/u-1';
const GROUP = 'arn:aws:identitystore:::group/g-1';
const MEMBERSHIP = 'arn:aws:identitystore:::membership/m-1';
const TAG_REQUEST = { 'aws:RequestTag/managed-by': 'iam-gitops', 'aws:TagKeys': ['managed-by'] };

describe('plan policy: reads only', () => {
  const plan = role('plan');

  test.each([
    ['ListInstances', [{ action: 'sso:ListInstances', resource: '*', context: {} }]],
    ['ListPermissionSets', sso('ListPermissionSets')],
    ['DescribePermissionSet (unmanaged too)', sso('DescribePermissionSet', { set: SET, tags: unmanaged })],
    ['GetInlinePolicyForPermissionSet', sso('GetInlinePolicyForPermissionSet', { set: SET, tags: managed })],
    ['ListTagsForResource', sso('ListTagsForResource', { set: SET })],
    ['ListAccountAssignments', sso('ListAccountAssignments', { set: SET, account: MEMBER })],
    ['ListUsers', store('ListUsers', ['arn:aws:identitystore:::user/*'])],
    ['ListGroupMemberships', store('ListGroupMemberships', [GROUP, 'arn:aws:identitystore:::membership/*'])],
  ] as const)('allows %s', async (_name, checks) => {
    expect(await allowed(plan, [...checks])).toBe(true);
  });

  test.each([
    ['CreatePermissionSet', sso('CreatePermissionSet', { set: SET, request: TAG_REQUEST })],
    ['PutInlinePolicyToPermissionSet', sso('PutInlinePolicyToPermissionSet', { set: SET, tags: managed })],
    ['CreateAccountAssignment', sso('CreateAccountAssignment', { set: SET, tags: managed, account: MEMBER })],
    ['CreateUser', store('CreateUser')],
    ['CreateGroupMembership', store('CreateGroupMembership', [USER, GROUP])],
    ['reading another instance', sso('ListPermissionSets', { instance: OTHER_INSTANCE })],
    ['reading another identity store', store('ListUsers', [], OTHER_STORE_ARN)],
  ] as const)('denies %s', async (_name, checks) => {
    expect(await allowed(plan, [...checks])).toBe(false);
  });
});

describe('apply policy: the instance, its tagged permission sets and the one identity store', () => {
  const apply = role('apply');

  test.each([
    ['creating a tagged permission set', sso('CreatePermissionSet', { set: SET, request: TAG_REQUEST })],
    ['changing a managed permission set', sso('PutInlinePolicyToPermissionSet', { set: SET, tags: managed })],
    [
      'attaching an AWS managed policy to it',
      sso('AttachManagedPolicyToPermissionSet', { set: SET, tags: managed }),
    ],
    [
      'provisioning it to a member account',
      sso('ProvisionPermissionSet', { set: SET, tags: managed, account: MEMBER }),
    ],
    ['assigning it', sso('CreateAccountAssignment', { set: SET, tags: managed, account: MEMBER })],
    ['removing its assignment', sso('DeleteAccountAssignment', { set: SET, tags: managed, account: MEMBER })],
    ['deleting it', sso('DeletePermissionSet', { set: SET, tags: managed })],
    ['tracking provisioning', sso('DescribePermissionSetProvisioningStatus')],
    ['creating a person', store('CreateUser')],
    ['deleting a person', store('DeleteUser', [USER])],
    ['adding a membership', store('CreateGroupMembership', [USER, GROUP])],
    ['removing a membership', store('DeleteGroupMembership', [USER, GROUP, MEMBERSHIP])],
  ] as const)('allows %s', async (_name, checks) => {
    expect(await allowed(apply, [...checks])).toBe(true);
  });

  test.each([
    ['creating a permission set without the tag', sso('CreatePermissionSet', { set: SET })],
    [
      'creating one with a second tag key',
      sso('CreatePermissionSet', {
        set: SET,
        request: { 'aws:RequestTag/managed-by': 'iam-gitops', 'aws:TagKeys': ['managed-by', 'owner'] },
      }),
    ],
    [
      'creating one tagged for another tool',
      sso('CreatePermissionSet', {
        set: SET,
        request: { 'aws:RequestTag/managed-by': 'terraform', 'aws:TagKeys': ['managed-by'] },
      }),
    ],
    [
      'changing an unmanaged permission set',
      sso('PutInlinePolicyToPermissionSet', { set: SET, tags: unmanaged }),
    ],
    [
      'changing a permission set another tool tagged',
      sso('AttachManagedPolicyToPermissionSet', {
        set: SET,
        tags: { 'aws:ResourceTag/managed-by': 'terraform' },
      }),
    ],
    ['deleting an unmanaged permission set', sso('DeletePermissionSet', { set: SET, tags: unmanaged })],
    [
      'assigning an unmanaged permission set',
      sso('CreateAccountAssignment', { set: SET, tags: unmanaged, account: MEMBER }),
    ],
    [
      'provisioning an unmanaged permission set',
      sso('ProvisionPermissionSet', { set: SET, tags: unmanaged, account: MEMBER }),
    ],
    [
      'changing a permission set of another instance',
      sso('PutInlinePolicyToPermissionSet', { instance: OTHER_INSTANCE, set: FOREIGN_SET, tags: managed }),
    ],
    ['taking over a permission set (no adoption)', sso('TagResource', { set: SET, request: TAG_REQUEST })],
    [
      'removing the tag',
      sso('UntagResource', { set: SET, tags: managed, request: { 'aws:TagKeys': ['managed-by'] } }),
    ],
    ['creating a person in another identity store', store('CreateUser', [], OTHER_STORE_ARN)],
    ['deleting a person in another identity store', store('DeleteUser', [USER], OTHER_STORE_ARN)],
    [
      'passing Identity Center’s role (AssignInThisAccount=false)',
      [
        {
          action: 'iam:PassRole',
          resource: `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`,
          context: { 'iam:PassedToService': 'sso.amazonaws.com' },
        },
      ],
    ],
    ['changing the instance itself', sso('UpdateInstance')],
    ['creating an instance', [{ action: 'sso:CreateInstance', resource: '*', context: {} }]],
  ] as const)('denies %s', async (_name, checks) => {
    expect(await allowed(apply, [...checks] as AuthCheck[])).toBe(false);
  });

  test('AllowAdoption=true lets it tag a permission set with the managed-by tag only', async () => {
    const adopting = role('apply', { AllowAdoption: 'true' });
    expect(await allowed(adopting, sso('TagResource', { set: SET, request: TAG_REQUEST }))).toBe(true);
    const other = { 'aws:RequestTag/managed-by': 'iam-gitops', 'aws:TagKeys': ['managed-by', 'team'] };
    expect(await allowed(adopting, sso('TagResource', { set: SET, request: other }))).toBe(false);
    expect(
      await allowed(
        adopting,
        sso('UntagResource', { set: SET, tags: managed, request: { 'aws:TagKeys': ['managed-by'] } }),
      ),
    ).toBe(false);
  });

  test('AssignInThisAccount=true lets it pass Identity Center’s service-linked role to Identity Center only', async () => {
    const here = role('apply', { AssignInThisAccount: 'true' });
    const slr = `arn:aws:iam::${ACCOUNT}:role/aws-service-role/sso.amazonaws.com/AWSServiceRoleForSSO`;
    const pass = (resource: string, service: string): AuthCheck[] => [
      { action: 'iam:PassRole', resource, context: { 'iam:PassedToService': service } },
    ];
    expect(await allowed(here, pass(slr, 'sso.amazonaws.com'))).toBe(true);
    expect(await allowed(here, pass(slr, 'ec2.amazonaws.com'))).toBe(false);
    expect(await allowed(here, pass(`arn:aws:iam::${ACCOUNT}:role/admin`, 'sso.amazonaws.com'))).toBe(false);
  });
});

describe('the template', () => {
  // cfn-lint is a Python tool outside npm ci; where it is installed, the template must pass it.
  const cfnLint = spawnSync('cfn-lint', ['--version']).status === 0;
  (cfnLint ? test : test.skip)('passes cfn-lint', () => {
    // cfn-lint exits non-zero with the findings on stdout.
    const out = execFileSync('cfn-lint', [TEMPLATE], { encoding: 'utf8' });
    expect(out).toBe('');
  });

  test.each([
    ['plan', {}],
    ['apply', {}],
    ['apply', { AllowAdoption: 'true', AssignInThisAccount: 'true' }],
  ] as const)('the %s policy (%j) has no lint finding', (which, params) => {
    const r = role(which, params);
    const found = r.policies.flatMap(
      (p) =>
        lintPolicy({
          name: p.name,
          file: 'bootstrap/iam-gitops-identity-center.yml',
          arn: null,
          document: p.policy as unknown as PolicyDocument,
          statementPositions: [],
          valuePositions: [],
        }).findings,
    );
    expect(found.map((f) => `${f.severity} ${f.rule} ${f.actions.join(',')}`)).toEqual([]);
  });
});

/**
 * The two policies sit at /, which the apply role's AdoptPath=/ reaches: a new default version of
 * either would widen the plan or apply role itself.
 */
test('the apply role can rewrite, delete or re-tag neither Identity Center policy, even with more granted later', async () => {
  const apply = role('apply');
  const wider: DeployedRole = {
    ...apply,
    policies: [
      ...apply.policies,
      {
        name: 'granted-later',
        policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
      },
    ],
  };
  const allowedWrites: string[] = [];
  for (const name of ['iam-gitops-plan-identity-center', 'iam-gitops-apply-identity-center'])
    for (const action of [
      'iam:CreatePolicyVersion',
      'iam:SetDefaultPolicyVersion',
      'iam:DeletePolicy',
      'iam:UntagPolicy',
    ]) {
      const check = { action, resource: `arn:aws:iam::${ACCOUNT}:policy/${name}`, context: {} };
      if (await allowed(wider, [check])) allowedWrites.push(`${action} ${name}`);
    }
  expect(allowedWrites).toEqual([]);
  // The denial is about these two only.
  expect(
    await allowed(wider, [
      { action: 'iam:CreatePolicyVersion', resource: `arn:aws:iam::${ACCOUNT}:policy/dev-s3`, context: {} },
    ]),
  ).toBe(true);
});
