/**
 * Offboarding against an IAM stand-in that enforces what the emulator does not: DeleteUser fails
 * with DeleteConflict while anything still hangs off the user, a virtual MFA device cannot be
 * deleted while assigned, and every list comes back in pages of one.
 */
import {
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteLoginProfileCommand,
  DeleteServiceSpecificCredentialCommand,
  DeleteSigningCertificateCommand,
  DeleteSSHPublicKeyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListMFADevicesCommand,
  ListServiceSpecificCredentialsCommand,
  ListSigningCertificatesCommand,
  ListSSHPublicKeysCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { applyPlan } from '../../../src/apply/executor.js';
import { awsError } from '../../harness/capture.js';
import { context, op, plan } from './fixtures.js';

interface FakeUser {
  tags: Record<string, string>;
  loginProfile: boolean;
  keys: string[];
  mfa: string[];
  certs: string[];
  ssh: string[];
  svc: string[];
  groups: string[];
  attached: string[];
  inline: string[];
}

const VIRTUAL = 'arn:aws:iam::123456789012:mfa/frank-phone';
const HARDWARE = 'GAHT12345678';

function fakeIam(users: Record<string, FakeUser>) {
  const iam = new IAMClient({ region: 'us-east-1' });
  const mock = mockClient(iam);
  const order: string[] = [];
  const virtualAssigned = new Set<string>();
  const get = (name: unknown): FakeUser => {
    const u = users[String(name)];
    if (!u) throw awsError('NoSuchEntity', `The user with name ${String(name)} cannot be found.`, 404);
    return u;
  };
  /** Pages of one item, with a Marker, so paginators must follow IsTruncated. */
  const page = <T>(items: T[], marker: unknown) => {
    const i = marker === undefined ? 0 : Number(marker);
    return {
      items: items.slice(i, i + 1),
      IsTruncated: i + 1 < items.length,
      Marker: i + 1 < items.length ? String(i + 1) : undefined,
    };
  };
  const remove = (list: string[], v: unknown) => {
    const i = list.indexOf(String(v));
    if (i < 0) throw awsError('NoSuchEntity', `${String(v)} not found`, 404);
    list.splice(i, 1);
  };
  const track =
    <I>(name: string, fn: (input: I) => unknown) =>
    (input: I) => {
      order.push(name);
      return fn(input);
    };
  for (const u of Object.values(users))
    for (const m of u.mfa) if (m.includes(':mfa/')) virtualAssigned.add(m);

  mock
    .on(GetUserCommand)
    .callsFake(({ UserName }) => (get(UserName), { User: { UserName, Path: '/iam-gitops/' } }));
  mock.on(ListUserTagsCommand).callsFake(({ UserName, Marker }) => {
    const p = page(Object.entries(get(UserName).tags), Marker);
    return {
      Tags: p.items.map(([Key, Value]) => ({ Key, Value })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock.on(GetLoginProfileCommand).callsFake(({ UserName }) => {
    if (!get(UserName).loginProfile) throw awsError('NoSuchEntity', 'no login profile', 404);
    return { LoginProfile: { UserName } };
  });
  mock
    .on(DeleteLoginProfileCommand)
    .callsFake(track('DeleteLoginProfile', ({ UserName }) => ((get(UserName).loginProfile = false), {})));
  mock.on(ListAccessKeysCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).keys, Marker);
    return {
      AccessKeyMetadata: p.items.map((AccessKeyId) => ({ AccessKeyId })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock
    .on(DeleteAccessKeyCommand)
    .callsFake(
      track('DeleteAccessKey', ({ UserName, AccessKeyId }) => (remove(get(UserName).keys, AccessKeyId), {})),
    );
  mock.on(ListMFADevicesCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).mfa, Marker);
    return {
      MFADevices: p.items.map((SerialNumber) => ({ SerialNumber, UserName })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock.on(DeactivateMFADeviceCommand).callsFake(
    track('DeactivateMFADevice', ({ UserName, SerialNumber }) => {
      remove(get(UserName).mfa, SerialNumber);
      virtualAssigned.delete(String(SerialNumber));
      return {};
    }),
  );
  mock.on(DeleteVirtualMFADeviceCommand).callsFake(
    track('DeleteVirtualMFADevice', ({ SerialNumber }) => {
      if (virtualAssigned.has(String(SerialNumber)))
        throw awsError('DeleteConflict', 'MFA device is still in use', 409);
      return {};
    }),
  );
  mock.on(ListSigningCertificatesCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).certs, Marker);
    return {
      Certificates: p.items.map((CertificateId) => ({
        CertificateId,
        UserName,
        CertificateBody: 'x',
        Status: 'Active',
      })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock
    .on(DeleteSigningCertificateCommand)
    .callsFake(
      track(
        'DeleteSigningCertificate',
        ({ UserName, CertificateId }) => (remove(get(UserName).certs, CertificateId), {}),
      ),
    );
  mock.on(ListSSHPublicKeysCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).ssh, Marker);
    return {
      SSHPublicKeys: p.items.map((SSHPublicKeyId) => ({
        SSHPublicKeyId,
        UserName,
        Status: 'Active',
        UploadDate: new Date(),
      })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock
    .on(DeleteSSHPublicKeyCommand)
    .callsFake(
      track(
        'DeleteSSHPublicKey',
        ({ UserName, SSHPublicKeyId }) => (remove(get(UserName).ssh, SSHPublicKeyId), {}),
      ),
    );
  mock.on(ListServiceSpecificCredentialsCommand).callsFake(({ UserName }) => ({
    ServiceSpecificCredentials: get(UserName).svc.map((ServiceSpecificCredentialId) => ({
      ServiceSpecificCredentialId,
      UserName,
    })),
  }));
  mock
    .on(DeleteServiceSpecificCredentialCommand)
    .callsFake(
      track(
        'DeleteServiceSpecificCredential',
        ({ UserName, ServiceSpecificCredentialId }) => (
          remove(get(UserName).svc, ServiceSpecificCredentialId),
          {}
        ),
      ),
    );
  mock.on(ListGroupsForUserCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).groups, Marker);
    return {
      Groups: p.items.map((GroupName) => ({ GroupName })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock
    .on(RemoveUserFromGroupCommand)
    .callsFake(
      track(
        'RemoveUserFromGroup',
        ({ UserName, GroupName }) => (remove(get(UserName).groups, GroupName), {}),
      ),
    );
  mock.on(ListAttachedUserPoliciesCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).attached, Marker);
    return {
      AttachedPolicies: p.items.map((PolicyArn) => ({ PolicyArn })),
      IsTruncated: p.IsTruncated,
      Marker: p.Marker,
    };
  });
  mock
    .on(DetachUserPolicyCommand)
    .callsFake(
      track('DetachUserPolicy', ({ UserName, PolicyArn }) => (remove(get(UserName).attached, PolicyArn), {})),
    );
  mock.on(ListUserPoliciesCommand).callsFake(({ UserName, Marker }) => {
    const p = page(get(UserName).inline, Marker);
    return { PolicyNames: p.items, IsTruncated: p.IsTruncated, Marker: p.Marker };
  });
  mock
    .on(DeleteUserPolicyCommand)
    .callsFake(
      track('DeleteUserPolicy', ({ UserName, PolicyName }) => (remove(get(UserName).inline, PolicyName), {})),
    );
  mock.on(DeleteUserCommand).callsFake(
    track('DeleteUser', ({ UserName }) => {
      const u = get(UserName);
      const left = Object.entries(u).filter(
        ([k, v]) => k !== 'tags' && (Array.isArray(v) ? v.length > 0 : v === true),
      );
      if (left.length > 0)
        throw awsError(
          'DeleteConflict',
          `Cannot delete entity, must remove ${left.map(([k]) => k).join(', ')} first.`,
          409,
        );
      delete users[String(UserName)];
      return {};
    }),
  );
  return { iam, mock, order };
}

const managed = { 'managed-by': 'iam-gitops', role: 'engineer' };

function frank(): FakeUser {
  return {
    tags: { ...managed },
    loginProfile: true,
    keys: ['AKIA1', 'AKIA2'],
    mfa: [VIRTUAL, HARDWARE],
    certs: ['CERT1', 'CERT2'],
    ssh: ['APKA1', 'APKA2'],
    svc: ['ACCA1'],
    groups: ['developers', 'readers'],
    attached: [
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::123456789012:policy/iam-gitops/dev-s3',
    ],
    inline: ['legacy-1', 'legacy-2'],
  };
}

const offboard = (name: string) => {
  const o = op(`user:${name}`, [], 'user', 'delete', { path: '/iam-gitops/' });
  return o;
};

test('offboarding removes everything in the order IAM requires, across every page, then the user', async () => {
  const users = { frank: frank() };
  const { iam, order } = fakeIam(users);
  const report = await applyPlan(plan([offboard('frank')]), context({ iam } as never), {
    retry: { sleep: async () => {} },
  });
  expect(report.results[0]).toMatchObject({ status: 'done' });
  expect(report.deletedUsers).toEqual(['frank']);
  expect(users).toEqual({});
  expect(order).toEqual([
    'DeleteLoginProfile',
    'DeleteAccessKey',
    'DeleteAccessKey',
    'DeactivateMFADevice',
    'DeleteVirtualMFADevice',
    'DeactivateMFADevice',
    'DeleteSigningCertificate',
    'DeleteSigningCertificate',
    'DeleteSSHPublicKey',
    'DeleteSSHPublicKey',
    'DeleteServiceSpecificCredential',
    'RemoveUserFromGroup',
    'RemoveUserFromGroup',
    'DetachUserPolicy',
    'DetachUserPolicy',
    'DeleteUserPolicy',
    'DeleteUserPolicy',
    'DeleteUser',
  ]);
});

test('the stand-in does catch a wrong order: DeleteUser first is a DeleteConflict', async () => {
  const { iam } = fakeIam({ frank: frank() });
  await expect(iam.send(new DeleteUserCommand({ UserName: 'frank' }))).rejects.toMatchObject({
    name: 'DeleteConflict',
  });
  await expect(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: VIRTUAL }))).rejects.toMatchObject({
    name: 'DeleteConflict',
  });
});

test('an unmanaged user is never offboarded; a user already gone is already done', async () => {
  const users = { mallory: { ...frank(), tags: { team: 'x' } } };
  const { iam, order } = fakeIam(users);
  const report = await applyPlan(plan([offboard('mallory'), offboard('ghost')]), context({ iam } as never), {
    retry: { sleep: async () => {} },
  });
  expect(report.results[0]!.status).toBe('failed');
  expect(report.results[0]!.error).toMatch(/mallory exists but is not managed by iam-gitops/);
  expect(report.results[1]).toMatchObject({ status: 'already-done', note: 'user does not exist' });
  expect(order).toEqual([]);
  expect(users.mallory.keys).toHaveLength(2);
});

test('a half-finished offboarding (crash in the middle) completes on the next run', async () => {
  const half = frank();
  Object.assign(half, { loginProfile: false, keys: [], mfa: [], certs: ['CERT2'] });
  const users = { frank: half };
  const { iam, order } = fakeIam(users);
  const report = await applyPlan(plan([offboard('frank')]), context({ iam } as never));
  expect(report.results[0]!.status).toBe('done');
  expect(order[0]).toBe('DeleteSigningCertificate');
  expect(order.at(-1)).toBe('DeleteUser');
  expect(users).toEqual({});
});
