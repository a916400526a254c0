/** Changes and removals against the emulator: offboarding, policy versions, groups, memberships. */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetUserCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListPolicyVersionsCommand,
  ListVirtualMFADevicesCommand,
  AddUserToGroupCommand,
  PutUserPolicyCommand,
  UploadSSHPublicKeyCommand,
  GetLoginProfileCommand,
  AttachGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { applyPlan } from '../../src/apply/executor.js';
import { iamGapsCapture } from '../harness/capture.js';
import { useMoto } from '../harness/use-moto.js';
import { context, op, plan } from '../unit/apply/fixtures.js';
import { DEV_S3, DEV_S3_DOC, PATH, READONLY } from '../unit/apply/scenario.js';

const moto = useMoto();

const retry = { sleep: async () => {} };
const MANAGED = [{ Key: 'managed-by', Value: 'iam-gitops' }];
const SSH_KEY =
  'ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDEdu9UQm2D8uSxAvKo6UUeg8Dm1MuwR7GD8Eca5QCRmkdj8TXh6qkqBUojUe9KiikF0ftJzfKCzQzbVgtpxHbd2kB3KrUbm8j2nDmAqUvsRWBVtL4mEjRcRD9dZqsUmEFW34U9dLf7+G+i9XiXZRwcz53fn0xZgnqU6JK4u6BHHXS2OfxlVbe2PfCJ5EY4o7qOuIxqiGFhp3j7eNEcsRqmjHdgbYmKuXWqyiCU+RGVeG5rbe8Qxum3Bcfk3b5nzxXtzBOpegGeYtfAbawlmF6Dv/5/w9ejN6ZHrO6SYhFv7sGl4b0lDApuCkwOnUwvWMcmDBKsfHj4gkFb8h3iFs9D foo@bar';

test('offboarding a managed user removes every credential, membership and policy, then the user', async () => {
  const cap = iamGapsCapture({ serviceCredentials: { frank: ['ACCAEXAMPLE1'] } });
  const c = moto.clients({ plugins: [cap.plugin] });
  const iam = c.iam;
  await iam.send(new CreateUserCommand({ UserName: 'frank', Path: PATH, Tags: MANAGED }));
  await iam.send(new CreateGroupCommand({ GroupName: 'developers', Path: PATH }));
  await iam.send(new AddUserToGroupCommand({ UserName: 'frank', GroupName: 'developers' }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'frank', Password: 'Aa1!aaaaaaaaaaaa' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'frank' }));
  const mfa = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'frank-phone' }));
  const serial = mfa.VirtualMFADevice!.SerialNumber!;
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: 'frank',
      SerialNumber: serial,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );
  await iam.send(new UploadSSHPublicKeyCommand({ UserName: 'frank', SSHPublicKeyBody: SSH_KEY }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'frank', PolicyArn: READONLY }));
  await iam.send(
    new PutUserPolicyCommand({ UserName: 'frank', PolicyName: 'legacy', PolicyDocument: DEV_S3_DOC }),
  );

  const before = c.calls.calls.length;
  const report = await applyPlan(plan([op('user:frank', [], 'user', 'delete', { path: PATH })]), context(c), {
    retry,
  });
  expect(report.results[0]).toMatchObject({ status: 'done' });
  expect(report.deletedUsers).toEqual(['frank']);
  await expect(iam.send(new GetUserCommand({ UserName: 'frank' }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
  const virtual = await iam.send(new ListVirtualMFADevicesCommand({}));
  expect(virtual.VirtualMFADevices ?? []).toEqual([]);

  const writes = c.calls.calls
    .slice(before)
    .map((x) => x.operation)
    .filter((o) => !/^(Get|List)/.test(o));
  expect(writes).toEqual([
    'DeleteLoginProfile',
    'DeleteAccessKey',
    'DeactivateMFADevice',
    'DeleteVirtualMFADevice',
    'DeleteSSHPublicKey',
    'DeleteServiceSpecificCredential',
    'RemoveUserFromGroup',
    'DetachUserPolicy',
    'DeleteUserPolicy',
    'DeleteUser',
  ]);
  expect(cap.inputs('iam:DeleteServiceSpecificCredential')).toEqual([
    { UserName: 'frank', ServiceSpecificCredentialId: 'ACCAEXAMPLE1' },
  ]);

  // Again: the user is gone, nothing to do, nothing written.
  const again = c.calls.calls.length;
  const r2 = await applyPlan(plan([op('user:frank', [], 'user', 'delete', { path: PATH })]), context(c), {
    retry,
  });
  expect(r2.results[0]!.status).toBe('already-done');
  expect(c.calls.calls.slice(again).map((x) => x.operation)).toEqual(['GetUser']);
});

test('a policy update makes a new default version, dropping the oldest non-default one at five', async () => {
  const c = moto.clients();
  const iam = c.iam;
  await iam.send(
    new CreatePolicyCommand({ PolicyName: 'dev-s3', Path: PATH, PolicyDocument: DEV_S3_DOC, Tags: MANAGED }),
  );
  const doc = (n: number) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::b${n}/*` }],
    });
  for (let n = 2; n <= 5; n++)
    await iam.send(new CreatePolicyVersionCommand({ PolicyArn: DEV_S3, PolicyDocument: doc(n) }));
  const update = (document: string) =>
    op('policy:dev-s3', [], 'policy', 'update', { path: PATH, document, arn: DEV_S3 });

  const r = await applyPlan(plan([update(doc(6))]), context(c), { retry });
  expect(r.results[0]!.status).toBe('done');
  const versions = await iam.send(new ListPolicyVersionsCommand({ PolicyArn: DEV_S3 }));
  expect(versions.Versions!.map((v) => v.VersionId).sort()).toEqual(['v1', 'v3', 'v4', 'v5', 'v6']); // v1 is the default: v2 is the oldest other
  const policy = await iam.send(new GetPolicyCommand({ PolicyArn: DEV_S3 }));
  expect(policy.Policy!.DefaultVersionId).toBe('v6');
  const v6 = await iam.send(new GetPolicyVersionCommand({ PolicyArn: DEV_S3, VersionId: 'v6' }));
  expect(JSON.parse(decodeURIComponent(v6.PolicyVersion!.Document!))).toEqual(JSON.parse(doc(6)));

  // The same document, formatted differently, is no change.
  const before = c.calls.writes().length;
  const same = JSON.stringify(JSON.parse(doc(6)), null, 2);
  const r2 = await applyPlan(plan([update(same)]), context(c), { retry });
  expect(r2.results[0]!.status).toBe('already-done');
  expect(c.calls.writes().length).toBe(before);
});

test('deleting a policy detaches it everywhere and deletes its versions first; an unmanaged one is refused', async () => {
  const c = moto.clients();
  const iam = c.iam;
  await iam.send(
    new CreatePolicyCommand({ PolicyName: 'dev-s3', Path: PATH, PolicyDocument: DEV_S3_DOC, Tags: MANAGED }),
  );
  await iam.send(
    new CreatePolicyVersionCommand({ PolicyArn: DEV_S3, PolicyDocument: DEV_S3_DOC, SetAsDefault: true }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'gina', Path: PATH, Tags: MANAGED }));
  await iam.send(new CreateGroupCommand({ GroupName: 'developers', Path: PATH }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'gina', PolicyArn: DEV_S3 }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: DEV_S3 }));
  await iam.send(new CreatePolicyCommand({ PolicyName: 'theirs', Path: '/', PolicyDocument: DEV_S3_DOC }));

  const before = c.calls.calls.length;
  const report = await applyPlan(
    plan([
      op('policy:dev-s3', [], 'policy', 'delete', { path: PATH, arn: DEV_S3 }),
      op('policy:theirs', [], 'policy', 'delete', {
        path: PATH,
        arn: 'arn:aws:iam::123456789012:policy/theirs',
      }),
    ]),
    context(c),
    { retry },
  );
  expect(report.results[0]!.status).toBe('done');
  expect(report.results[1]!.error).toMatch(
    /policy theirs exists but is not managed by iam-gitops \(its path is \/, not \/iam-gitops\/\)/,
  );
  const writes = c.calls.calls
    .slice(before)
    .map((x) => x.operation)
    .filter((o) => !/^(Get|List)/.test(o));
  expect(writes).toEqual(['DetachUserPolicy', 'DetachGroupPolicy', 'DeletePolicyVersion', 'DeletePolicy']);
  const attached = await iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'gina' }));
  expect(attached.AttachedPolicies).toEqual([]);
  await expect(iam.send(new GetPolicyCommand({ PolicyArn: DEV_S3 }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
});

test('memberships, attachments, console logins and groups are removed per user; removals of what is gone are no-ops', async () => {
  const c = moto.clients();
  const iam = c.iam;
  await iam.send(new CreateUserCommand({ UserName: 'hana', Path: PATH, Tags: MANAGED }));
  await iam.send(new CreateGroupCommand({ GroupName: 'developers', Path: PATH }));
  await iam.send(new CreateGroupCommand({ GroupName: 'admins', Path: '/' }));
  await iam.send(new AddUserToGroupCommand({ UserName: 'hana', GroupName: 'developers' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'hana', PolicyArn: READONLY }));
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: READONLY }));
  await iam.send(new CreateLoginProfileCommand({ UserName: 'hana', Password: 'Aa1!aaaaaaaaaaaa' }));

  const ops = [
    op('membership:hana:developers', [], 'membership', 'delete', { user: 'hana', group: 'developers' }),
    op('attachment:user:hana:ReadOnlyAccess', [], 'attachment', 'delete', {
      principalType: 'user',
      principal: 'hana',
      policyArn: READONLY,
    }),
    op('login-profile:hana', [], 'login-profile', 'delete', { user: 'hana' }),
    op('group:developers', ['membership:hana:developers'], 'group', 'delete', { path: PATH }),
    op('group:admins', [], 'group', 'delete', { path: PATH }),
    op('membership:ghost:developers', [], 'membership', 'delete', { user: 'ghost', group: 'developers' }),
  ];
  const r = await applyPlan(plan(ops), context(c), { retry });
  expect(r.results.map((x) => [x.id, x.status])).toEqual([
    ['membership:hana:developers', 'done'],
    ['attachment:user:hana:ReadOnlyAccess', 'done'],
    ['login-profile:hana', 'done'],
    ['group:developers', 'done'],
    ['group:admins', 'failed'],
    ['membership:ghost:developers', 'already-done'],
  ]);
  expect(r.results[4]!.error).toMatch(/group admins exists but is not managed/);
  expect((await iam.send(new ListGroupsForUserCommand({ UserName: 'hana' }))).Groups).toEqual([]);
  await expect(iam.send(new GetLoginProfileCommand({ UserName: 'hana' }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
  await expect(iam.send(new GetGroupCommand({ GroupName: 'developers' }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
  expect((await iam.send(new GetGroupCommand({ GroupName: 'admins' }))).Group!.GroupName).toBe('admins');

  const before = c.calls.writes().length;
  const r2 = await applyPlan(plan(ops.filter((o) => o.id !== 'group:admins')), context(c), { retry });
  expect(r2.results.every((x) => x.status === 'already-done')).toBe(true);
  expect(c.calls.writes().length).toBe(before);
});

test('turning the console on for an existing user makes a welcome mail pending, which a later run sends with a working password', async () => {
  const { VerifyEmailIdentityCommand } = await import('@aws-sdk/client-ses');
  const { ListUserTagsCommand } = await import('@aws-sdk/client-iam');
  const cap = iamGapsCapture();
  const c = moto.clients({ plugins: [cap.plugin] });
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  await c.iam.send(new CreateUserCommand({ UserName: 'ivan', Path: PATH, Tags: MANAGED }));

  const r1 = await applyPlan(
    plan([op('login-profile:ivan', [], 'login-profile', 'create', { user: 'ivan' })]),
    context(c),
    { retry },
  );
  expect(r1.results[0]!.status).toBe('done');
  const tags = await c.iam.send(new ListUserTagsCommand({ UserName: 'ivan' }));
  expect(tags.Tags).toContainEqual({ Key: 'iam-gitops:welcome', Value: 'pending' });
  expect(cap.inputs('iam:CreateLoginProfile')).toEqual([
    { UserName: 'ivan', Password: '***', PasswordResetRequired: true },
  ]);

  const mail = op('email:ivan', [], 'email', 'create', {
    user: 'ivan',
    email: 'ivan@example.com',
    console: true,
    role: null,
    groups: [],
    policies: [],
  });
  const ctx = context(c);
  const r2 = await applyPlan(plan([mail]), ctx, { retry });
  expect(r2.mail).toEqual([{ user: 'ivan', status: 'sent' }]);
  const dump = await moto.data();
  const sent = (dump.ses?.Message ?? []) as Array<{ body: string }>;
  const held = ((dump.iam?.User ?? []) as Array<{ name: string; password: string }>).find(
    (u) => u.name === 'ivan',
  )!;
  expect(sent).toHaveLength(1);
  expect(sent[0]!.body).toContain(`<code data-temporary-password>${held.password}</code>`);
  expect(ctx.secrets).toContain(held.password);
});
