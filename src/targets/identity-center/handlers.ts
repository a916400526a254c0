/**
 * Carries out the Identity Center operations. Every handler is idempotent: it looks at what exists
 * (the run's knowledge, else AWS) before writing, treats "already there" / "already gone" as done,
 * and never writes to an entity iam-gitops does not manage unless the plan adopts it. Asynchronous
 * calls (ProvisionPermissionSet, Create/DeleteAccountAssignment) are tracked with their status
 * calls to the end, within a bounded number of checks.
 */
import { icOf } from './clients.js';
import {
  CreateGroupCommand,
  CreateGroupMembershipCommand,
  CreateUserCommand,
  DeleteGroupCommand,
  DeleteGroupMembershipCommand,
  DeleteUserCommand,
  GetGroupMembershipIdCommand,
  UpdateGroupCommand,
  UpdateUserCommand,
  type AttributeOperation,
} from '@aws-sdk/client-identitystore';
import {
  AttachCustomerManagedPolicyReferenceToPermissionSetCommand,
  AttachManagedPolicyToPermissionSetCommand,
  CreateAccountAssignmentCommand,
  CreatePermissionSetCommand,
  DeleteAccountAssignmentCommand,
  DeleteInlinePolicyFromPermissionSetCommand,
  DeletePermissionSetCommand,
  DescribeAccountAssignmentCreationStatusCommand,
  DescribeAccountAssignmentDeletionStatusCommand,
  DescribePermissionSetProvisioningStatusCommand,
  DetachCustomerManagedPolicyReferenceFromPermissionSetCommand,
  DetachManagedPolicyFromPermissionSetCommand,
  ProvisionPermissionSetCommand,
  PutInlinePolicyToPermissionSetCommand,
  TagResourceCommand,
  UpdatePermissionSetCommand,
} from '@aws-sdk/client-sso-admin';
import { errorCode } from '../../aws/clients.js';
import { MANAGED_TAG } from '../../model/desired.js';
import { IC_USER_TYPE_PENDING } from '../../model/identity-center.js';
import type { ChangeType, Operation } from '../../model/plan.js';
import { realClock } from '../../apply/send-quota.js';
import type { ApplyContext, OperationHandler, OperationOutcome } from '../../apply/types.js';
import { groupDescription } from './diff.js';
import type {
  AssignmentDetails,
  IcGroupDetails,
  IcMembershipDetails,
  IcUserDetails,
  PermissionSetDetails,
  PermissionSetPolicyDetails,
  ProvisioningDetails,
} from './ops.js';
import { findGroup, findSet, findUser, icRuntime, nameKey, type IcRuntime } from './runtime.js';
import { sendIcWelcome } from './email.js';

const done: OperationOutcome = { status: 'done' };
const already = (note?: string): OperationOutcome => ({ status: 'already-done', ...(note ? { note } : {}) });
const details = <T>(op: Operation): T => op.details as unknown as T;

/** Runs `fn`; undefined when it fails with one of `codes` (the state is already right). */
async function tolerate<T>(codes: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    if (codes.includes(errorCode(err) ?? '')) return undefined;
    throw err;
  }
}

/** Attempts of a write AWS refuses with ConflictException while an earlier one propagates. */
export const CONFLICT_ATTEMPTS = 5;

/**
 * `fn`, again after a pause when Identity Center answers ConflictException: "a previous write did
 * not have time to propagate" (or a provisioning of the same set still runs). Only for writes where
 * a conflict cannot mean "already done".
 */
async function afterConflicts<T>(ctx: ApplyContext, fn: () => Promise<T>): Promise<T> {
  const sleep = ctx.clock?.sleep ?? realClock.sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (errorCode(err) !== 'ConflictException' || attempt >= CONFLICT_ATTEMPTS) throw err;
      await sleep(delay(attempt));
    }
  }
}

function notOurs(kind: string, name: string): Error {
  return new Error(
    `${kind} ${name} exists in Identity Center but is not managed by iam-gitops (it changed since the plan); ` +
      'plan again',
  );
}

// ── users ─────────────────────────────────────────────────────────────────────────────────────

function userAttributes(d: IcUserDetails, fields?: string[]): AttributeOperation[] {
  const all: Array<[string, string, unknown]> = [
    ['displayName', 'displayName', d.displayName],
    ['givenName', 'name.givenName', d.givenName],
    ['familyName', 'name.familyName', d.familyName],
    ['email', 'emails', [{ value: d.email, type: 'work', primary: true }]],
  ];
  return all
    .filter(([k]) => !fields || fields.includes(k))
    .map(([, AttributePath, AttributeValue]) => ({ AttributePath, AttributeValue }) as AttributeOperation);
}

async function createUser(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcUserDetails>(op);
  const rt = await icRuntime(ctx);
  const existing = await findUser(ctx, rt, d.userName);
  if (existing) {
    if (existing.managed) return already();
    if (!d.adopt) throw notOurs('user', d.userName);
    // Adopted: marked as ours with the mail still to send, and its names and address set.
    await icOf(ctx).identitystore.send(
      new UpdateUserCommand({
        IdentityStoreId: rt.identityStoreId,
        UserId: existing.userId,
        Operations: [
          ...userAttributes(d),
          { AttributePath: 'userType', AttributeValue: IC_USER_TYPE_PENDING },
        ],
      }),
    );
    Object.assign(existing, { managed: true, welcomePending: true });
    return { status: 'done', note: 'adopted' };
  }
  try {
    const res = await icOf(ctx).identitystore.send(
      new CreateUserCommand({
        IdentityStoreId: rt.identityStoreId,
        UserName: d.userName,
        DisplayName: d.displayName,
        Name: { GivenName: d.givenName, FamilyName: d.familyName },
        Emails: [{ Value: d.email, Type: 'work', Primary: true }],
        // Pending until SES accepted the welcome mail: a crash in between re-sends it next run.
        UserType: IC_USER_TYPE_PENDING,
      }),
    );
    rt.users.set(nameKey(d.userName), {
      userId: res.UserId!,
      userName: d.userName,
      displayName: d.displayName ?? null,
      givenName: d.givenName ?? null,
      familyName: d.familyName ?? null,
      email: d.email ?? null,
      managed: true,
      welcomePending: true,
    });
    return done;
  } catch (err) {
    if (errorCode(err) !== 'ConflictException') throw err;
    // Made since the plan's read (a run that stopped after creating it): look, then judge.
    rt.users.delete(nameKey(d.userName));
    const now = await findUser(ctx, rt, d.userName, true);
    if (now?.managed) return already();
    throw notOurs('user', d.userName);
  }
}

async function updateUser(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcUserDetails>(op);
  const rt = await icRuntime(ctx);
  const u = await findUser(ctx, rt, d.userName);
  if (!u) throw new Error(`user ${d.userName} no longer exists in Identity Center; plan again`);
  if (!u.managed) throw notOurs('user', d.userName);
  await icOf(ctx).identitystore.send(
    new UpdateUserCommand({
      IdentityStoreId: rt.identityStoreId,
      UserId: u.userId,
      Operations: userAttributes(d, Object.keys(d.previous ?? {})),
    }),
  );
  return done;
}

async function deleteUser(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcUserDetails>(op);
  const rt = await icRuntime(ctx);
  const u = await findUser(ctx, rt, d.userName);
  if (!u) return already('already deleted');
  if (!u.managed) throw notOurs('user', d.userName);
  await tolerate(['ResourceNotFoundException'], () =>
    icOf(ctx).identitystore.send(
      new DeleteUserCommand({ IdentityStoreId: rt.identityStoreId, UserId: u.userId }),
    ),
  );
  rt.users.delete(nameKey(d.userName));
  return done;
}

// ── groups and memberships ────────────────────────────────────────────────────────────────────

async function createGroup(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcGroupDetails>(op);
  const rt = await icRuntime(ctx);
  const description = d.description ?? groupDescription(d.group);
  const existing = await findGroup(ctx, rt, d.group);
  if (existing) {
    if (existing.managed) return already();
    if (!d.adopt) throw notOurs('group', d.group);
    await icOf(ctx).identitystore.send(
      new UpdateGroupCommand({
        IdentityStoreId: rt.identityStoreId,
        GroupId: existing.groupId,
        Operations: [{ AttributePath: 'description', AttributeValue: description }],
      }),
    );
    Object.assign(existing, { managed: true, description });
    return { status: 'done', note: 'adopted' };
  }
  const res = await icOf(ctx).identitystore.send(
    new CreateGroupCommand({
      IdentityStoreId: rt.identityStoreId,
      DisplayName: d.group,
      Description: description,
    }),
  );
  rt.groups.set(nameKey(d.group), {
    groupId: res.GroupId!,
    displayName: d.group,
    description,
    managed: true,
  });
  return done;
}

async function deleteGroup(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcGroupDetails>(op);
  const rt = await icRuntime(ctx);
  const g = await findGroup(ctx, rt, d.group);
  if (!g) return already('already deleted');
  if (!g.managed) throw notOurs('group', d.group);
  await tolerate(['ResourceNotFoundException'], () =>
    icOf(ctx).identitystore.send(
      new DeleteGroupCommand({ IdentityStoreId: rt.identityStoreId, GroupId: g.groupId }),
    ),
  );
  rt.groups.delete(nameKey(d.group));
  return done;
}

async function ids(ctx: ApplyContext, rt: IcRuntime, d: IcMembershipDetails) {
  const [u, g] = await Promise.all([findUser(ctx, rt, d.user), findGroup(ctx, rt, d.group)]);
  return { u, g };
}

async function addMember(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcMembershipDetails>(op);
  const rt = await icRuntime(ctx);
  const { u, g } = await ids(ctx, rt, d);
  if (!u || !g)
    throw new Error(`${!u ? `user ${d.user}` : `group ${d.group}`} does not exist in Identity Center`);
  const k = `${g.groupId}|${u.userId}`;
  if (rt.memberships.has(k)) return already();
  const res = await tolerate(['ConflictException'], () =>
    icOf(ctx).identitystore.send(
      new CreateGroupMembershipCommand({
        IdentityStoreId: rt.identityStoreId,
        GroupId: g.groupId,
        MemberId: { UserId: u.userId },
      }),
    ),
  );
  if (!res) return already();
  rt.memberships.set(k, res.MembershipId!);
  return done;
}

async function removeMember(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<IcMembershipDetails>(op);
  const rt = await icRuntime(ctx);
  const { u, g } = await ids(ctx, rt, d);
  if (!u || !g) return already('already gone');
  const k = `${g.groupId}|${u.userId}`;
  let id = rt.memberships.get(k);
  if (!id) {
    const res = await tolerate(['ResourceNotFoundException'], () =>
      icOf(ctx).identitystore.send(
        new GetGroupMembershipIdCommand({
          IdentityStoreId: rt.identityStoreId,
          GroupId: g.groupId,
          MemberId: { UserId: u.userId },
        }),
      ),
    );
    id = res?.MembershipId;
  }
  if (!id) return already('already gone');
  const membershipId = id;
  await tolerate(['ResourceNotFoundException'], () =>
    icOf(ctx).identitystore.send(
      new DeleteGroupMembershipCommand({ IdentityStoreId: rt.identityStoreId, MembershipId: membershipId }),
    ),
  );
  rt.memberships.delete(k);
  return done;
}

// ── permission sets and their policies ────────────────────────────────────────────────────────

async function ownSet(ctx: ApplyContext, rt: IcRuntime, name: string) {
  const s = await findSet(ctx, rt, name);
  if (!s) throw new Error(`permission set ${name} does not exist in Identity Center`);
  if (!s.managed) throw notOurs('permission set', name);
  return s;
}

async function createSet(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<PermissionSetDetails>(op);
  const rt = await icRuntime(ctx);
  const existing = await findSet(ctx, rt, d.name);
  const c = icOf(ctx).ssoadmin;
  if (existing) {
    if (existing.managed) return already();
    if (!d.adopt) throw notOurs('permission set', d.name);
    await c.send(
      new TagResourceCommand({
        InstanceArn: rt.instanceArn,
        ResourceArn: existing.arn,
        Tags: [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }],
      }),
    );
    await updateSetAttributes(ctx, rt, existing.arn, d);
    existing.managed = true;
    return { status: 'done', note: 'adopted' };
  }
  const res = await tolerate(['ConflictException'], () =>
    c.send(
      new CreatePermissionSetCommand({
        InstanceArn: rt.instanceArn,
        Name: d.name,
        Description: d.description,
        SessionDuration: d.sessionDuration,
        ...(d.relayState ? { RelayState: d.relayState } : {}),
        // Tagged in the same call: there is never an untagged set of ours.
        Tags: [{ Key: MANAGED_TAG.key, Value: MANAGED_TAG.value }],
      }),
    ),
  );
  if (!res) {
    const now = await findSet(ctx, rt, d.name, true);
    if (now?.managed) return already();
    throw notOurs('permission set', d.name);
  }
  rt.sets.set(nameKey(d.name), { arn: res.PermissionSet!.PermissionSetArn!, name: d.name, managed: true });
  return done;
}

function updateSetAttributes(ctx: ApplyContext, rt: IcRuntime, arn: string, d: PermissionSetDetails) {
  return afterConflicts(ctx, () =>
    icOf(ctx).ssoadmin.send(
      new UpdatePermissionSetCommand({
        InstanceArn: rt.instanceArn,
        PermissionSetArn: arn,
        Description: d.description,
        SessionDuration: d.sessionDuration,
        ...(d.relayState ? { RelayState: d.relayState } : {}),
      }),
    ),
  );
}

async function updateSet(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<PermissionSetDetails>(op);
  const rt = await icRuntime(ctx);
  const s = await ownSet(ctx, rt, d.name);
  await updateSetAttributes(ctx, rt, s.arn, d);
  return done;
}

async function deleteSet(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<PermissionSetDetails>(op);
  const rt = await icRuntime(ctx);
  const s = await findSet(ctx, rt, d.name);
  if (!s) return already('already deleted');
  if (!s.managed) throw notOurs('permission set', d.name);
  await tolerate(['ResourceNotFoundException'], () =>
    afterConflicts(ctx, () =>
      icOf(ctx).ssoadmin.send(
        new DeletePermissionSetCommand({ InstanceArn: rt.instanceArn, PermissionSetArn: s.arn }),
      ),
    ),
  );
  rt.sets.delete(nameKey(d.name));
  return done;
}

async function setPolicy(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<PermissionSetPolicyDetails>(op);
  const rt = await icRuntime(ctx);
  const s = await ownSet(ctx, rt, d.permissionSet);
  const base = { InstanceArn: rt.instanceArn, PermissionSetArn: s.arn };
  const c = icOf(ctx).ssoadmin;
  const remove = op.action === 'delete';
  let res: unknown;
  if (d.kind === 'aws') {
    res = remove
      ? await tolerate(['ResourceNotFoundException'], () =>
          c.send(new DetachManagedPolicyFromPermissionSetCommand({ ...base, ManagedPolicyArn: d.arn })),
        )
      : await tolerate(['ConflictException'], () =>
          c.send(new AttachManagedPolicyToPermissionSetCommand({ ...base, ManagedPolicyArn: d.arn })),
        );
  } else if (d.kind === 'customer') {
    const ref = { Name: d.name, Path: d.path };
    res = remove
      ? await tolerate(['ResourceNotFoundException'], () =>
          c.send(
            new DetachCustomerManagedPolicyReferenceFromPermissionSetCommand({
              ...base,
              CustomerManagedPolicyReference: ref,
            }),
          ),
        )
      : await tolerate(['ConflictException'], () =>
          c.send(
            new AttachCustomerManagedPolicyReferenceToPermissionSetCommand({
              ...base,
              CustomerManagedPolicyReference: ref,
            }),
          ),
        );
  } else {
    res = remove
      ? await tolerate(['ResourceNotFoundException'], () =>
          c.send(new DeleteInlinePolicyFromPermissionSetCommand(base)),
        )
      : await afterConflicts(ctx, () =>
          c.send(new PutInlinePolicyToPermissionSetCommand({ ...base, InlinePolicy: d.document! })),
        );
  }
  return res === undefined ? already() : done;
}

// ── provisioning and assignments: asynchronous, tracked to the end ────────────────────────────

/** Status checks before giving up: 1 s, 2 s, 4 s … then every 10 s, about five minutes in all. */
export const STATUS_CHECKS = 34;
const delay = (check: number): number => Math.min(10_000, 1000 * 2 ** Math.min(check, 4));

type Status = { Status?: string; FailureReason?: string; RequestId?: string } | undefined;

async function track(
  ctx: ApplyContext,
  what: string,
  first: Status,
  check: (requestId: string) => Promise<Status>,
): Promise<void> {
  let s = first;
  const sleep = ctx.clock?.sleep ?? realClock.sleep;
  for (let n = 0; ; n++) {
    if (s?.Status === 'SUCCEEDED') return;
    if (s?.Status === 'FAILED') throw new Error(`${what} failed: ${s.FailureReason ?? 'no reason given'}`);
    if (!s?.RequestId) throw new Error(`${what}: AWS returned no request id to follow`);
    if (n >= STATUS_CHECKS)
      throw new Error(
        `${what} was still ${s.Status ?? 'pending'} after ${STATUS_CHECKS} status checks (request ${s.RequestId}); ` +
          'the next run checks again and converges',
      );
    await sleep(delay(n));
    s = await check(s.RequestId);
  }
}

async function provision(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<ProvisioningDetails>(op);
  const rt = await icRuntime(ctx);
  const s = await ownSet(ctx, rt, d.permissionSet);
  const c = icOf(ctx).ssoadmin;
  // One account at a time: AWS refuses a second provisioning of the same set while one runs.
  for (const accountId of d.accounts) {
    const res = await afterConflicts(ctx, () =>
      c.send(
        new ProvisionPermissionSetCommand({
          InstanceArn: rt.instanceArn,
          PermissionSetArn: s.arn,
          TargetType: 'AWS_ACCOUNT',
          TargetId: accountId,
        }),
      ),
    );
    await track(
      ctx,
      `provisioning ${d.permissionSet} to ${accountId}`,
      res.PermissionSetProvisioningStatus,
      async (id) =>
        (
          await c.send(
            new DescribePermissionSetProvisioningStatusCommand({
              InstanceArn: rt.instanceArn,
              ProvisionPermissionSetRequestId: id,
            }),
          )
        ).PermissionSetProvisioningStatus,
    );
  }
  return { status: 'done', note: `${d.accounts.length} account${d.accounts.length === 1 ? '' : 's'}` };
}

async function assignment(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = details<AssignmentDetails>(op);
  const rt = await icRuntime(ctx);
  const c = icOf(ctx).ssoadmin;
  const [g, s] = await Promise.all([findGroup(ctx, rt, d.group), findSet(ctx, rt, d.permissionSet)]);
  const what = `assignment of ${d.permissionSet} to group ${d.group} in ${d.account}`;
  if (op.action === 'delete') {
    if (!g || !s) return already('already gone');
    if (!g.managed || !s.managed)
      throw notOurs(!g.managed ? 'group' : 'permission set', !g.managed ? d.group : d.permissionSet);
    const input = {
      InstanceArn: rt.instanceArn,
      TargetId: d.accountId,
      TargetType: 'AWS_ACCOUNT' as const,
      PermissionSetArn: s.arn,
      PrincipalType: 'GROUP' as const,
      PrincipalId: g.groupId,
    };
    const res = await tolerate(['ResourceNotFoundException'], () =>
      c.send(new DeleteAccountAssignmentCommand(input)),
    );
    if (!res) return already('already gone');
    await track(
      ctx,
      `removing the ${what}`,
      res.AccountAssignmentDeletionStatus,
      async (id) =>
        (
          await c.send(
            new DescribeAccountAssignmentDeletionStatusCommand({
              InstanceArn: rt.instanceArn,
              AccountAssignmentDeletionRequestId: id,
            }),
          )
        ).AccountAssignmentDeletionStatus,
    );
    rt.assignments.delete(`${d.accountId}|${s.arn}|${g.groupId}`);
    return done;
  }
  if (!g) throw new Error(`group ${d.group} does not exist in Identity Center`);
  if (!s) throw new Error(`permission set ${d.permissionSet} does not exist in Identity Center`);
  if (!g.managed || !s.managed)
    throw notOurs(!g.managed ? 'group' : 'permission set', !g.managed ? d.group : d.permissionSet);
  const k = `${d.accountId}|${s.arn}|${g.groupId}`;
  if (rt.assignments.has(k)) return already();
  // Creating the assignment also provisions the set to the account when it is not there yet.
  const res = await afterConflicts(ctx, () =>
    c.send(
      new CreateAccountAssignmentCommand({
        InstanceArn: rt.instanceArn,
        TargetId: d.accountId,
        TargetType: 'AWS_ACCOUNT',
        PermissionSetArn: s.arn,
        PrincipalType: 'GROUP',
        PrincipalId: g.groupId,
      }),
    ),
  );
  await track(
    ctx,
    `the ${what}`,
    res.AccountAssignmentCreationStatus,
    async (id) =>
      (
        await c.send(
          new DescribeAccountAssignmentCreationStatusCommand({
            InstanceArn: rt.instanceArn,
            AccountAssignmentCreationRequestId: id,
          }),
        )
      ).AccountAssignmentCreationStatus,
  );
  rt.assignments.add(k);
  return done;
}

// ── dispatch ──────────────────────────────────────────────────────────────────────────────────

type ByAction = Partial<Record<Operation['action'], OperationHandler>>;

const IC: Partial<Record<ChangeType, ByAction>> = {
  'ic-user': { create: createUser, update: updateUser, delete: deleteUser },
  'ic-group': { create: createGroup, delete: deleteGroup },
  'ic-membership': { create: addMember, delete: removeMember },
  'permission-set': { create: createSet, update: updateSet, delete: deleteSet },
  'permission-set-policy': { create: setPolicy, update: setPolicy, delete: setPolicy },
  provisioning: { create: provision },
  assignment: { create: assignment, delete: assignment },
  'ic-email': { create: sendIcWelcome },
};

export const identityCenterHandlers: Partial<Record<ChangeType, OperationHandler>> = Object.fromEntries(
  Object.entries(IC).map(([type, byAction]) => [
    type,
    (op: Operation, ctx: ApplyContext) => {
      const handler = byAction[op.action];
      if (!handler) throw new Error(`no handler for ${op.action} ${op.type} (${op.id})`);
      return handler(op, ctx);
    },
  ]),
) as Partial<Record<ChangeType, OperationHandler>>;
