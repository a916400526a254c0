/** The bulk reader against the emulator: what is seeded through the SDK comes back as ActualState. */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { readActualState } from '../../src/targets/read-account.js';
import type { Config } from '../../src/model/desired.js';
import { ACCOUNT_ID } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';
import { config as baseConfig } from '../unit/plan/fixtures.js';

const moto = useMoto();

const PATH = '/iam-gitops/';
const V1 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] };
const V2 = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }],
};
const cfg = (over: Partial<Config> = {}): Config => baseConfig(over);

test('users, groups, policies, console logins, the account and the SES sender are read in bulk', async () => {
  const c = moto.clients();
  const iam = c.iam;
  await iam.send(new CreateGroupCommand({ GroupName: 'devs', Path: PATH }));
  const pol = await iam.send(
    new CreatePolicyCommand({ PolicyName: 'dev-s3', Path: PATH, PolicyDocument: JSON.stringify(V1) }),
  );
  const arn = pol.Policy!.Arn!;
  await iam.send(
    new CreatePolicyVersionCommand({
      PolicyArn: arn,
      PolicyDocument: JSON.stringify(V2),
      SetAsDefault: true,
    }),
  );
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'devs', PolicyArn: arn }));
  await iam.send(
    new CreateUserCommand({
      UserName: 'alice',
      Path: PATH,
      Tags: [
        { Key: 'managed-by', Value: 'iam-gitops' },
        { Key: 'role', Value: 'dev' },
      ],
    }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'bob' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Xx1!seed-only-password' }));
  await iam.send(new AddUserToGroupCommand({ UserName: 'alice', GroupName: 'devs' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: arn }));
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'bob', PolicyName: 'inline-1', PolicyDocument: JSON.stringify(V1) }),
  );
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));

  const reader = moto.clients();
  const a = await readActualState(reader, cfg(), { sleep: async () => {} });

  expect(a.accountId).toBe(ACCOUNT_ID);
  expect(a.sesSenderVerified).toBe(true);
  const alice = a.users.find((u) => u.name === 'alice')!;
  expect(alice).toMatchObject({
    path: PATH,
    tags: { 'managed-by': 'iam-gitops', role: 'dev' },
    groups: ['devs'],
    attachedPolicyArns: [arn],
    hasLoginProfile: true,
    inlinePolicyNames: [],
  });
  const bob = a.users.find((u) => u.name === 'bob')!;
  expect(bob).toMatchObject({ path: '/', tags: {}, hasLoginProfile: false, inlinePolicyNames: ['inline-1'] });
  expect(a.groups).toEqual([
    expect.objectContaining({ name: 'devs', path: PATH, attachedPolicyArns: [arn] }),
  ]);
  const p = a.policies.find((x) => x.name === 'dev-s3')!;
  expect(p.document).toEqual(V2);
  expect(p.defaultVersionId).toBe('v2');
  expect(p.versions.map((v) => [v.versionId, v.isDefault])).toEqual(
    expect.arrayContaining([
      ['v1', false],
      ['v2', true],
    ]),
  );
  expect(p.attachmentCount).toBe(2);

  const calls = reader.calls.snapshot();
  expect(calls['iam:GetAccountAuthorizationDetails']).toBe(1);
  expect(calls['iam:GetCredentialReport']).toBe(1);
  expect(calls['sts:GetCallerIdentity']).toBe(1);
  expect(calls['ses:GetIdentityVerificationAttributes']).toBe(1);
  expect(calls['iam:GetUser']).toBeUndefined();
  expect(calls['iam:GetLoginProfile']).toBeUndefined();
  const gaad = reader.calls.calls.find((x) => x.operation === 'GetAccountAuthorizationDetails')!;
  expect(gaad.input.Filter).toEqual(['User', 'Group', 'LocalManagedPolicy']);
});

test('an unverified sender, a sender checked in another region, and no sender at all', async () => {
  const c = moto.clients();
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const other = await readActualState(
    moto.clients(),
    cfg({ email: { from: 'iam@example.com', region: 'eu-west-1', signInUrl: null, sendPassword: true } }),
    {
      sleep: async () => {},
    },
  );
  // Verified in us-east-1 only: SES identities are per region.
  expect(other.sesSenderVerified).toBe(false);
  const unverified = await readActualState(
    moto.clients(),
    cfg({ email: { from: 'nobody@example.org', region: 'us-east-1', signInUrl: null, sendPassword: true } }),
    {
      sleep: async () => {},
    },
  );
  expect(unverified.sesSenderVerified).toBe(false);
  const reader = moto.clients();
  const none = await readActualState(
    reader,
    cfg({ email: { from: null, region: 'us-east-1', signInUrl: null, sendPassword: true } }),
    {
      sleep: async () => {},
    },
  );
  expect(none.sesSenderVerified).toBeNull();
  expect(reader.calls.snapshot()['ses:GetIdentityVerificationAttributes']).toBeUndefined();
});
