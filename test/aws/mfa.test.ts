/**
 * `mfa: required` against the emulator: plan → apply → plan with no changes; the group holds every
 * console user and the shipped policy; the welcome mail explains enrolment; turning it off plans the
 * group and policy away. And the credential-report helper that names console users without MFA.
 */
import {
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  GetGroupCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  ListAttachedGroupPoliciesCommand,
} from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { applyPlan } from '../../src/apply/executor.js';
import { consoleUsersWithoutMfa, confirmWithoutMfa } from '../../src/aws/mfa-status.js';
import { CallLog } from '../../src/aws/calls.js';
import { MFA_GROUP_NAME, MFA_POLICY_NAME, mfaPolicyDocument } from '../../src/desired/mfa-policy.js';
import { runPlan } from '../../src/pipeline.js';
import { iamGapsCapture } from '../harness/capture.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();
beforeEach(async () => {
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
});

const PATH = '/iam-gitops/';
const config = (mfa: string) =>
  [
    `path: ${PATH}`,
    'groups:',
    '  developers:',
    '    policies: [ReadOnlyAccess]',
    'email:',
    '  from: iam@example.com',
    'monitoring:',
    '  enabled: false',
    mfa,
    '',
  ].join('\n');

function repo(cfg: string): string {
  return tempRepo('iam-gitops-mfa-aws-', {
    'iam-gitops.yml': cfg,
    'users/team.csv': [
      'username,email,groups,console',
      'alice,alice@example.com,developers,true',
      'bob,bob@example.com,developers,false',
      '',
    ].join('\n'),
  });
}

const noWait = { sleep: async () => {} };

async function plan(dir: string) {
  const r = await runPlan({ dir, repo: 'acme/iam', offline: false, clients: moto.clients(), read: noWait });
  if (!r.ok) throw new Error(JSON.stringify(r.diagnostics));
  expect(r.plan.errors).toEqual([]);
  return r;
}

test('mfa: required: plan → apply → plan with no changes; only console users are in the group', async () => {
  const dir = repo(config('mfa: required'));
  const first = await plan(dir);
  expect(first.plan.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
  expect(first.plan.changes.map((o) => o.id)).toEqual(
    expect.arrayContaining([
      `policy:${MFA_POLICY_NAME}`,
      `group:${MFA_GROUP_NAME}`,
      `membership:alice:${MFA_GROUP_NAME}`,
    ]),
  );
  expect(first.plan.changes.map((o) => o.id)).not.toContain(`membership:bob:${MFA_GROUP_NAME}`);

  const clients = moto.clients({ plugins: [iamGapsCapture().plugin], calls: new CallLog(undefined) });
  const report = await applyPlan(
    first.plan,
    {
      clients,
      accountId: first.plan.accountId,
      region: 'us-east-1',
      desired: first.desired,
      maskSecret: () => {},
      log: () => {},
    },
    { retry: noWait },
  );
  expect(report.results.filter((r) => r.status !== 'done' && r.status !== 'already-done')).toEqual([]);

  const iam = moto.clients().iam;
  const group = await iam.send(new GetGroupCommand({ GroupName: MFA_GROUP_NAME }));
  expect(group.Group!.Path).toBe(PATH);
  expect((group.Users ?? []).map((u) => u.UserName)).toEqual(['alice']);
  const attached = await iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: MFA_GROUP_NAME }));
  const arn = `arn:aws:iam::123456789012:policy${PATH}${MFA_POLICY_NAME}`;
  expect((attached.AttachedPolicies ?? []).map((p) => p.PolicyArn)).toEqual([arn]);
  const pol = await iam.send(new GetPolicyCommand({ PolicyArn: arn }));
  const version = await iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: pol.Policy!.DefaultVersionId! }),
  );
  expect(JSON.parse(decodeURIComponent(version.PolicyVersion!.Document!))).toEqual(mfaPolicyDocument());

  const mail = (await moto.sentMail()).find((m) => m.destinations.ToAddresses.includes('alice@example.com'))!;
  expect(mail.body).toMatch(/MFA\) is required in this account/);
  const bobMail = (await moto.sentMail()).find((m) =>
    m.destinations.ToAddresses.includes('bob@example.com'),
  )!;
  expect(bobMail.body).not.toMatch(/is required in this account/);

  const second = await plan(dir);
  expect(second.plan.changes).toEqual([]);

  // Turning it off removes what it made: membership, attachment, group and policy.
  const off = await plan(repo(config('mfa: optional')));
  expect(off.plan.changes.filter((o) => o.action === 'delete').map((o) => o.id)).toEqual(
    expect.arrayContaining([
      `membership:alice:${MFA_GROUP_NAME}`,
      `group:${MFA_GROUP_NAME}`,
      `policy:${MFA_POLICY_NAME}`,
    ]),
  );
});

test('the credential report names console users without an MFA device, not API-only or enrolled ones', async () => {
  const iam = moto.clients().iam;
  for (const u of ['alice', 'bob', 'carol'])
    await iam.send(new CreateUserCommand({ UserName: u, Path: PATH }));
  for (const u of ['alice', 'carol'])
    await iam.send(new CreateLoginProfileCommand({ UserName: u, Password: 'Seed-only-1!pass' }));
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'carol-phone' }));
  await iam.send(
    new EnableMFADeviceCommand({
      UserName: 'carol',
      SerialNumber: device.VirtualMFADevice!.SerialNumber!,
      AuthenticationCode1: '123456',
      AuthenticationCode2: '654321',
    }),
  );
  await iam.send(new GenerateCredentialReportCommand({}));
  const content = (await iam.send(new GetCredentialReportCommand({}))).Content!;
  const csv = new TextDecoder().decode(content);
  expect(consoleUsersWithoutMfa(csv).map((g) => g.user)).toEqual(['alice']);
  expect(consoleUsersWithoutMfa(csv, new Set(['carol']))).toEqual([]);

  // A stale report that still lists carol: confirming asks IAM about just those users.
  const calls = new CallLog(undefined);
  const confirmed = await confirmWithoutMfa(moto.clients({ calls }), ['alice', 'carol']);
  expect(confirmed).toEqual(['alice']);
  expect(calls.snapshot()).toEqual({ 'iam:ListMFADevices': 2 });
});
