/**
 * The roles allow no more than the tool needs: calls outside the mandate are evaluated against
 * the deployed policies with iam-simulate and must be denied.
 */
import type { RecordedCall } from '../../../src/aws/calls.js';
import { ACTION_TABLE, newAccountModel, type AccountModel } from '../../harness/aws-actions.js';
import { checkCalls, deployedRole, evaluate, type DeployedRole } from '../../harness/role-check.js';
import type { StackContext } from '../../harness/cfn-template.js';
import { isReadOperation } from '../../../src/aws/calls.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const PATH = '/iam-gitops/';
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundaries/dev-boundary`;

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

function model(): AccountModel {
  const m = newAccountModel(ACCOUNT, REGION);
  m.users.set('alice', { name: 'alice', path: PATH, tags: { 'managed-by': 'iam-gitops' } });
  m.users.set('legacy', { name: 'legacy', path: PATH, tags: {} });
  m.users.set('root-admin', { name: 'root-admin', path: '/', tags: { 'managed-by': 'iam-gitops' } });
  m.groups.set('developers', { name: 'developers', path: PATH });
  return m;
}

const call = (service: string, operation: string, input: Record<string, unknown>): RecordedCall => ({
  service,
  operation,
  input,
});
const managedTag = [{ Key: 'managed-by', Value: 'iam-gitops' }];

async function denied(role: DeployedRole, c: RecordedCall): Promise<boolean> {
  const denials = await checkCalls([c], role, model());
  return denials.length > 0;
}

describe('apply role without a permissions boundary', () => {
  const role = deployedRole(stack(), 'apply');

  test('allows what the tool does on its own users', async () => {
    for (const c of [
      call('iam', 'CreateUser', { UserName: 'bob', Path: PATH, Tags: managedTag }),
      call('iam', 'DeleteUser', { UserName: 'alice' }),
      call('iam', 'AttachUserPolicy', {
        UserName: 'alice',
        PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      }),
      call('iam', 'AttachUserPolicy', {
        UserName: 'alice',
        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy${PATH}dev-s3`,
      }),
      call('iam', 'AddUserToGroup', { UserName: 'alice', GroupName: 'developers' }),
      call('ses', 'SendEmail', { Source: 'IAM <iam@example.com>' }),
    ]) {
      expect(await denied(role, c)).toBe(false);
    }
  });

  test.each([
    [
      'CreateUser outside the path',
      call('iam', 'CreateUser', { UserName: 'eve', Path: '/', Tags: managedTag }),
    ],
    ['CreateUser without the ownership tag', call('iam', 'CreateUser', { UserName: 'eve', Path: PATH })],
    [
      'CreateUser with another value of the ownership tag',
      call('iam', 'CreateUser', { UserName: 'eve', Path: PATH, Tags: [{ Key: 'managed-by', Value: 'me' }] }),
    ],
    ['deleting an unmanaged user under the path', call('iam', 'DeleteUser', { UserName: 'legacy' })],
    ['deleting a tagged user outside the path', call('iam', 'DeleteUser', { UserName: 'root-admin' })],
    ['a login profile for an unmanaged user', call('iam', 'CreateLoginProfile', { UserName: 'legacy' })],
    [
      'attaching AdministratorAccess',
      call('iam', 'AttachUserPolicy', {
        UserName: 'alice',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      }),
    ],
    [
      'attaching a customer policy outside the path',
      call('iam', 'AttachGroupPolicy', {
        GroupName: 'developers',
        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/admin`,
      }),
    ],
    ['removing the ownership tag', call('iam', 'UntagUser', { UserName: 'alice', TagKeys: ['managed-by'] })],
    ['CreatePolicy outside the path', call('iam', 'CreatePolicy', { PolicyName: 'x', Path: '/' })],
    ['CreateGroup outside the path', call('iam', 'CreateGroup', { GroupName: 'admins', Path: '/' })],
    [
      'PassRole of another role to CloudTrail',
      call('cloudtrail', 'UpdateTrail', {
        Name: 'iam-gitops',
        CloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT}:role/admin`,
      }),
    ],
    ['CreateRole of another role', call('iam', 'CreateRole', { RoleName: 'backdoor' })],
    ['PutRolePolicy on another role', call('iam', 'PutRolePolicy', { RoleName: 'iam-gitops-apply' })],
    ['mail from another address', call('ses', 'SendEmail', { Source: 'ceo@example.com' })],
    ['another trail', call('cloudtrail', 'StartLogging', { Name: 'org-trail' })],
    ['another bucket', call('s3', 'PutBucketPolicy', { Bucket: 'company-data' })],
    ['an alarm outside the prefix', call('cloudwatch', 'PutMetricAlarm', { AlarmName: 'billing' })],
    [
      'an SNS subscription that is not email',
      call('sns', 'Subscribe', {
        TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:iam-gitops-alarms`,
        Protocol: 'https',
        Endpoint: 'https://attacker.example',
      }),
    ],
  ])('denies %s', async (_what, c) => {
    expect(await denied(role, c)).toBe(true);
  });

  test('PassRole of the delivery role is allowed only to CloudTrail', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/iam-gitops-cloudtrail-logs`;
    const to = (service: string) =>
      evaluate(
        role,
        { action: 'iam:PassRole', resource: arn, context: { 'iam:PassedToService': service } },
        ACCOUNT,
      );
    expect((await to('cloudtrail.amazonaws.com')).allowed).toBe(true);
    expect((await to('lambda.amazonaws.com')).allowed).toBe(false);
  });

  test('has no statement that allows every action of a service on every resource', () => {
    for (const p of role.policies) {
      for (const s of p.policy.Statement) {
        const actions = ([] as unknown[]).concat(s.Action).map(String);
        const resources = ([] as unknown[]).concat(s.Resource).map(String);
        if (s.Effect !== 'Allow') continue;
        expect(actions.filter((a) => a.endsWith(':*') || a === '*')).toEqual([]);
        if (resources.includes('*')) {
          // Only actions without resource-level permissions may use "*".
          expect(
            actions.every((a) =>
              /^(iam:(GetAccount|GenerateCredential|GetCredential)|ses:GetIdentity|cloudtrail:DescribeTrails|logs:(DescribeLogGroups|TestMetricFilter))/.test(
                a,
              ),
            ),
          ).toBe(true);
        }
      }
    }
  });
});

describe('apply role with a permissions boundary', () => {
  const role = deployedRole(stack({ PermissionsBoundaryArn: BOUNDARY }), 'apply');

  test('creates users only with the configured boundary', async () => {
    const create = (boundary?: string) =>
      call('iam', 'CreateUser', {
        UserName: 'bob',
        Path: PATH,
        Tags: managedTag,
        ...(boundary ? { PermissionsBoundary: boundary } : {}),
      });
    expect(await denied(role, create(BOUNDARY))).toBe(false);
    expect(await denied(role, create())).toBe(true);
    expect(await denied(role, create(`arn:aws:iam::${ACCOUNT}:policy/other`))).toBe(true);
  });

  test('can neither remove the boundary nor set another one', async () => {
    expect(await denied(role, call('iam', 'DeleteUserPermissionsBoundary', { UserName: 'alice' }))).toBe(
      true,
    );
    expect(
      await denied(
        role,
        call('iam', 'PutUserPermissionsBoundary', {
          UserName: 'alice',
          PermissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess',
        }),
      ),
    ).toBe(true);
    expect(
      await denied(
        role,
        call('iam', 'PutUserPermissionsBoundary', { UserName: 'alice', PermissionsBoundary: BOUNDARY }),
      ),
    ).toBe(false);
  });

  test('adopting a path user tags it as managed first', async () => {
    expect(await denied(role, call('iam', 'TagUser', { UserName: 'legacy', Tags: managedTag }))).toBe(false);
    expect(
      await denied(role, call('iam', 'TagUser', { UserName: 'legacy', Tags: [{ Key: 'team', Value: 'x' }] })),
    ).toBe(true);
  });
});

describe('the CloudTrail delivery role', () => {
  const roleArn = `arn:aws:iam::${ACCOUNT}:role/iam-gitops-cloudtrail-logs`;
  const writes = [
    call('iam', 'CreateRole', { RoleName: 'iam-gitops-cloudtrail-logs', Tags: managedTag }),
    call('iam', 'PutRolePolicy', { RoleName: 'iam-gitops-cloudtrail-logs' }),
  ];

  test('the apply role creates it only when the stack does not', async () => {
    for (const c of writes) {
      expect(await denied(deployedRole(stack(), 'apply'), c)).toBe(false);
      expect(await denied(deployedRole(stack({ CreateTrailRole: 'true' }), 'apply'), c)).toBe(true);
    }
  });

  test('its trust policy is never rewritten by the apply role', async () => {
    for (const params of [{}, { CreateTrailRole: 'true' }] as Array<Record<string, string>>) {
      const role = deployedRole(stack(params), 'apply');
      const check = { action: 'iam:UpdateAssumeRolePolicy', resource: roleArn, context: {} };
      expect((await evaluate(role, check, ACCOUNT)).allowed).toBe(false);
    }
  });
});

describe('AllowedPolicyArns', () => {
  test('an AWS managed policy is attachable only when listed', async () => {
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const attach = call('iam', 'AttachUserPolicy', { UserName: 'alice', PolicyArn: admin });
    expect(await denied(deployedRole(stack(), 'apply'), attach)).toBe(true);
    const listed = deployedRole(
      stack({ AllowedPolicyArns: `arn:aws:iam::aws:policy/ReadOnlyAccess,${admin}` }),
      'apply',
    );
    expect(await denied(listed, attach)).toBe(false);
  });
});

describe('plan role', () => {
  const role = deployedRole(stack(), 'plan');

  test('denies every write operation the tool knows', async () => {
    const m = model();
    const writes = Object.keys(ACTION_TABLE).filter((k) => !isReadOperation(k.split(':')[1]!));
    expect(writes.length).toBeGreaterThan(40);
    const allowed: string[] = [];
    for (const key of writes) {
      const [service, operation] = key.split(':') as [string, string];
      const input = {
        UserName: 'alice',
        GroupName: 'developers',
        Path: PATH,
        Tags: managedTag,
        PolicyName: 'p',
        PolicyArn: `arn:aws:iam::${ACCOUNT}:policy${PATH}p`,
        RoleName: 'iam-gitops-cloudtrail-logs',
        SerialNumber: `arn:aws:iam::${ACCOUNT}:mfa/alice`,
        Source: 'iam@example.com',
        Bucket: `iam-gitops-trail-${ACCOUNT}-${REGION}`,
        logGroupName: '/iam-gitops/cloudtrail',
        resourceArn: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/iam-gitops/cloudtrail`,
        Name: 'iam-gitops-alarms',
        TrailName: 'iam-gitops',
        ResourceId: 'iam-gitops',
        TopicArn: `arn:aws:sns:${REGION}:${ACCOUNT}:iam-gitops-alarms`,
        ResourceArn: `arn:aws:sns:${REGION}:${ACCOUNT}:iam-gitops-alarms`,
        ResourceARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:iam-gitops-x`,
        AlarmName: 'iam-gitops-x',
        Protocol: 'email',
        Endpoint: 'a@example.com',
      };
      for (const check of ACTION_TABLE[key]!.checks(input, m)) {
        if ((await evaluate(role, check, ACCOUNT)).allowed)
          allowed.push(`${service}:${operation} → ${check.action}`);
      }
    }
    expect(allowed).toEqual([]);
  });
});
