/**
 * What the roles allow for removing monitoring resources, the trail key and access logging,
 * evaluated with iam-simulate against the deployed template: exactly the new calls, on the named
 * resources, and the KMS ones only when the stack is told the tool creates the key.
 */
import type { RecordedCall } from '../../../src/aws/calls.js';
import { newAccountModel, type AccountModel } from '../../harness/aws-actions.js';
import { checkCalls, deployedRole, type DeployedRole } from '../../harness/role-check.js';
import type { StackContext } from '../../harness/cfn-template.js';

const ACCOUNT = '123456789012';
const REGION = 'us-east-1';
const TOPIC = `arn:aws:sns:${REGION}:${ACCOUNT}:iam-gitops-alarms`;
const BUCKET = `iam-gitops-trail-${ACCOUNT}-${REGION}`;
const OUR_KEY = '1111aaaa-1111-1111-1111-111111111111';
const OTHER_KEY = '2222bbbb-2222-2222-2222-222222222222';

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
  m.alarmTags = new Map<string, Record<string, string>>([
    ['iam-gitops-console-login-failures', { 'managed-by': 'iam-gitops' }],
    // Same catalog name, someone else's alarm.
    ['iam-gitops-s3-bucket-changes', { owner: 'secops' }],
    ['billing-alarm', { 'managed-by': 'iam-gitops' }],
  ]);
  m.keyAliases = new Map([
    [OUR_KEY, ['alias/iam-gitops-cloudtrail']],
    [OTHER_KEY, ['alias/payments']],
  ]);
  return m;
}

const call = (service: string, operation: string, input: Record<string, unknown>): RecordedCall => ({
  service,
  operation,
  input,
});
const denied = async (role: DeployedRole, c: RecordedCall) =>
  (await checkCalls([c], role, model())).length > 0;

const createKey = (over: Record<string, unknown> = {}) =>
  call('kms', 'CreateKey', {
    KeySpec: 'SYMMETRIC_DEFAULT',
    KeyUsage: 'ENCRYPT_DECRYPT',
    Origin: 'AWS_KMS',
    BypassPolicyLockoutSafetyCheck: false,
    Policy: '{}',
    ...over,
  });

const removals = [
  call('logs', 'DeleteMetricFilter', {
    logGroupName: '/iam-gitops/cloudtrail',
    filterName: 'iam-gitops-console-login-failures',
  }),
  call('cloudwatch', 'DeleteAlarms', { AlarmNames: ['iam-gitops-console-login-failures'] }),
  call('sns', 'Unsubscribe', { SubscriptionArn: `${TOPIC}:0f1e2d3c-aaaa-bbbb-cccc-000000000000` }),
  call('s3', 'PutBucketLogging', { Bucket: BUCKET }),
  call('s3', 'GetBucketLogging', { Bucket: BUCKET }),
];

const keyCalls = [
  createKey(),
  call('kms', 'CreateAlias', { AliasName: 'alias/iam-gitops-cloudtrail', TargetKeyId: OUR_KEY }),
  call('kms', 'EnableKeyRotation', { KeyId: OUR_KEY }),
  call('kms', 'DescribeKey', { KeyId: 'alias/iam-gitops-cloudtrail' }),
  call('kms', 'GetKeyPolicy', { KeyId: OUR_KEY, PolicyName: 'default' }),
  call('kms', 'GetKeyRotationStatus', { KeyId: OUR_KEY }),
];

describe('apply role: removing what the config no longer asks for, and access logging', () => {
  const role = deployedRole(stack(), 'apply');

  test('allows deleting our filter, our tagged alarm, a subscription of our topic, and logging on the trail bucket', async () => {
    for (const c of removals) expect([c.operation, await denied(role, c)]).toEqual([c.operation, false]);
  });

  test.each([
    [
      'deleting a same-named alarm without managed-by=iam-gitops',
      call('cloudwatch', 'DeleteAlarms', { AlarmNames: ['iam-gitops-s3-bucket-changes'] }),
    ],
    [
      'deleting a tagged alarm outside the prefix',
      call('cloudwatch', 'DeleteAlarms', { AlarmNames: ['billing-alarm'] }),
    ],
    [
      'deleting a filter in another log group',
      call('logs', 'DeleteMetricFilter', { logGroupName: '/aws/lambda/payments', filterName: 'errors' }),
    ],
    [
      'unsubscribing from another topic',
      call('sns', 'Unsubscribe', {
        SubscriptionArn: `arn:aws:sns:${REGION}:${ACCOUNT}:payments-alerts:1234`,
      }),
    ],
    ['access logging of another bucket', call('s3', 'PutBucketLogging', { Bucket: 'company-data' })],
  ])('denies %s', async (_what, c) => {
    expect(await denied(role, c)).toBe(true);
  });

  test('without CreateTrailKey, no KMS call at all', async () => {
    for (const c of [...keyCalls, call('kms', 'PutKeyPolicy', { KeyId: OUR_KEY, PolicyName: 'default' })]) {
      expect([c.operation, await denied(role, c)]).toEqual([c.operation, true]);
    }
  });
});

describe('apply role with CreateTrailKey=true', () => {
  const role = deployedRole(stack({ CreateTrailKey: 'true' }), 'apply');

  test('allows creating, naming and rotating the trail key and reading it back', async () => {
    for (const c of keyCalls) expect([c.operation, await denied(role, c)]).toEqual([c.operation, false]);
  });

  test.each([
    ['a key that skips the lockout safety check', createKey({ BypassPolicyLockoutSafetyCheck: true })],
    ['an asymmetric key', createKey({ KeySpec: 'RSA_4096', KeyUsage: 'SIGN_VERIFY' })],
    ['a key with imported material', createKey({ Origin: 'EXTERNAL' })],
    [
      'another alias name',
      call('kms', 'CreateAlias', { AliasName: 'alias/payments-v2', TargetKeyId: OUR_KEY }),
    ],
    ['rotating a key without our alias', call('kms', 'EnableKeyRotation', { KeyId: OTHER_KEY })],
    ['reading the policy of a key without our alias', call('kms', 'GetKeyPolicy', { KeyId: OTHER_KEY })],
    [
      'rewriting the policy of our own key',
      call('kms', 'PutKeyPolicy', { KeyId: OUR_KEY, PolicyName: 'default' }),
    ],
    [
      'rewriting the policy of any key',
      call('kms', 'PutKeyPolicy', { KeyId: OTHER_KEY, PolicyName: 'default' }),
    ],
    ['scheduling our key for deletion', call('kms', 'ScheduleKeyDeletion', { KeyId: OUR_KEY })],
  ])('denies %s', async (_what, c) => {
    if (c.operation === 'ScheduleKeyDeletion') {
      // Not a call the tool makes, so not in the table: evaluate the IAM action directly.
      const { evaluate } = await import('../../harness/role-check.js');
      const check = {
        action: 'kms:ScheduleKeyDeletion',
        resource: `arn:aws:kms:${REGION}:${ACCOUNT}:key/${OUR_KEY}`,
        context: { 'kms:ResourceAliases': ['alias/iam-gitops-cloudtrail'] },
        // The key policy hands authorisation to IAM, so the role's policy alone decides.
        resourcePolicy: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
              Action: 'kms:*',
              Resource: '*',
            },
          ],
        },
      };
      expect((await evaluate(role, check, ACCOUNT)).allowed).toBe(false);
      return;
    }
    expect(await denied(role, c)).toBe(true);
  });
});

describe('plan role', () => {
  test('reads alarm tags, bucket logging and (with CreateTrailKey) the trail key; changes none of it', async () => {
    const plain = deployedRole(stack(), 'plan');
    const withKey = deployedRole(stack({ CreateTrailKey: 'true' }), 'plan');
    const reads = [
      call('cloudwatch', 'ListTagsForResource', {
        ResourceARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:iam-gitops-s3-bucket-changes`,
      }),
      call('s3', 'GetBucketLogging', { Bucket: BUCKET }),
    ];
    for (const c of reads) expect(await denied(plain, c)).toBe(false);
    for (const c of keyCalls.slice(3)) {
      expect([c.operation, await denied(withKey, c)]).toEqual([c.operation, false]);
      expect([c.operation, await denied(plain, c)]).toEqual([c.operation, true]);
    }
    for (const c of [
      ...removals.filter((r) => r.operation !== 'GetBucketLogging'),
      ...keyCalls.slice(0, 3),
    ]) {
      expect([c.operation, await denied(withKey, c)]).toEqual([c.operation, true]);
    }
  });
});
