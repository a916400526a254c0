/**
 * Offboarding a user removed from the CSVs, in the order IAM requires (SPEC §3): DeleteUser fails
 * with DeleteConflict while anything hangs off the user. Each step lists what exists and deletes
 * it, so a run interrupted half-way finishes the job the next time.
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
  ListServiceSpecificCredentialsCommand,
  paginateListAccessKeys,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListMFADevices,
  paginateListSigningCertificates,
  paginateListSSHPublicKeys,
  paginateListUserPolicies,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import type { Operation } from '../../../model/plan.js';
import { findUser, PAGE, requireManagedUser, tolerate } from './common.js';
import { forgetUser } from '../../../apply/known.js';
import { userName } from './users.js';
import type { ApplyContext, OperationOutcome } from '../../../apply/types.js';

async function collect<P, T>(pages: AsyncIterable<P>, pick: (page: P) => T[] | undefined): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** Virtual MFA devices are IAM resources of their own; hardware and FIDO devices are only detached. */
const isVirtualMfa = (serial: string): boolean => /^arn:aws[\w-]*:iam::\d{12}:mfa\//.test(serial);

export async function offboardUser(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const UserName = userName(op);
  // Destructive: everything below is read from AWS, never taken from the plan's read.
  forgetUser(ctx, UserName);
  if (!(await findUser(ctx, UserName))) return { status: 'already-done', note: 'user does not exist' };
  await requireManagedUser(ctx, UserName);
  const iam = ctx.clients.iam;
  const client = { client: iam, ...PAGE };
  const gone = ['NoSuchEntity'];

  if (await tolerate(gone, () => iam.send(new GetLoginProfileCommand({ UserName })))) {
    await tolerate(gone, () => iam.send(new DeleteLoginProfileCommand({ UserName })));
  }

  const keys = await collect(paginateListAccessKeys(client, { UserName }), (p) => p.AccessKeyMetadata);
  for (const k of keys) {
    await tolerate(gone, () =>
      iam.send(new DeleteAccessKeyCommand({ UserName, AccessKeyId: k.AccessKeyId })),
    );
  }

  const mfas = await collect(paginateListMFADevices(client, { UserName }), (p) => p.MFADevices);
  for (const m of mfas) {
    const SerialNumber = m.SerialNumber!;
    await tolerate(gone, () => iam.send(new DeactivateMFADeviceCommand({ UserName, SerialNumber })));
    if (isVirtualMfa(SerialNumber)) {
      await tolerate(gone, () => iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber })));
    }
  }

  const certs = await collect(paginateListSigningCertificates(client, { UserName }), (p) => p.Certificates);
  for (const c of certs) {
    await tolerate(gone, () =>
      iam.send(new DeleteSigningCertificateCommand({ UserName, CertificateId: c.CertificateId })),
    );
  }

  const sshKeys = await collect(paginateListSSHPublicKeys(client, { UserName }), (p) => p.SSHPublicKeys);
  for (const k of sshKeys) {
    await tolerate(gone, () =>
      iam.send(new DeleteSSHPublicKeyCommand({ UserName, SSHPublicKeyId: k.SSHPublicKeyId })),
    );
  }

  // Not paginated by the API: one call returns every credential.
  const svc = await iam.send(new ListServiceSpecificCredentialsCommand({ UserName }));
  for (const c of svc.ServiceSpecificCredentials ?? []) {
    await tolerate(gone, () =>
      iam.send(
        new DeleteServiceSpecificCredentialCommand({
          UserName,
          ServiceSpecificCredentialId: c.ServiceSpecificCredentialId,
        }),
      ),
    );
  }

  // Per user, never by rewriting a group's member list (SPEC §3).
  const groups = await collect(paginateListGroupsForUser(client, { UserName }), (p) => p.Groups);
  for (const g of groups) {
    await tolerate(gone, () =>
      iam.send(new RemoveUserFromGroupCommand({ UserName, GroupName: g.GroupName })),
    );
  }

  const attached = await collect(
    paginateListAttachedUserPolicies(client, { UserName }),
    (p) => p.AttachedPolicies,
  );
  for (const a of attached) {
    await tolerate(gone, () => iam.send(new DetachUserPolicyCommand({ UserName, PolicyArn: a.PolicyArn })));
  }
  const inline = await collect(paginateListUserPolicies(client, { UserName }), (p) => p.PolicyNames);
  for (const PolicyName of inline) {
    await tolerate(gone, () => iam.send(new DeleteUserPolicyCommand({ UserName, PolicyName })));
  }

  await tolerate(gone, () => iam.send(new DeleteUserCommand({ UserName })));
  return { status: 'done' };
}
