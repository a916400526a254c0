/**
 * What one apply run knows about Identity Center: the instance and the ids behind the names the
 * plan speaks in. It starts from the plan's read (ctx.actual.identityCenter, seconds old) or, without
 * one, from a fresh read; what the run creates is added as it goes. A name it does not know is
 * looked up in AWS before anything is created (a crashed run may have made it already).
 */
import { icOf } from './clients.js';
import {
  DescribeGroupCommand,
  DescribeUserCommand,
  GetGroupIdCommand,
  GetUserIdCommand,
} from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  paginateListPermissionSets,
  paginateListTagsForResource,
} from '@aws-sdk/client-sso-admin';
import { errorCode } from '../../aws/clients.js';
import { MANAGED_TAG } from '../../model/desired.js';
import type {
  IcGroup,
  IcPermissionSet,
  IcUser,
  IdentityCenterSnapshot,
} from '../../model/identity-center.js';
import type { ApplyContext } from '../../apply/types.js';
import { readIdentityCenter, toGroup, toUser } from './read.js';

export interface IcRuntime {
  instanceArn: string;
  identityStoreId: string;
  users: Map<string, IcUser>;
  groups: Map<string, IcGroup>;
  sets: Map<string, Pick<IcPermissionSet, 'arn' | 'name' | 'managed'>>;
  /** `groupId|userId` → membership id. */
  memberships: Map<string, string>;
  /** `accountId|setArn|groupId` of the group assignments that exist. */
  assignments: Set<string>;
  /**
   * True when this started from the plan's read of the same run: a name it does not hold did not
   * exist seconds ago, so creating it needs no lookup first (a conflict still triggers one).
   */
  fromPlanRead: boolean;
}

const runtimes = new WeakMap<ApplyContext, Promise<IcRuntime>>();

/** Identity Store and permission set names are unique regardless of case. */
export const nameKey = (s: string): string => s.toLowerCase();

export function icRuntime(ctx: ApplyContext): Promise<IcRuntime> {
  let r = runtimes.get(ctx);
  if (!r) {
    const snapshot = ctx.actual?.identityCenter;
    r = snapshot
      ? Promise.resolve(fromSnapshot(snapshot, true))
      : readIdentityCenter(icOf(ctx), ctx.desired.config.identityCenter).then((s) => fromSnapshot(s, false));
    runtimes.set(ctx, r);
    // A failed read is not cached: the retry wrapper may try the step again.
    r.catch(() => runtimes.delete(ctx));
  }
  return r;
}

function fromSnapshot(s: IdentityCenterSnapshot, fromPlanRead: boolean): IcRuntime {
  return {
    fromPlanRead,
    instanceArn: s.instanceArn,
    identityStoreId: s.identityStoreId,
    users: new Map(s.users.map((u) => [nameKey(u.userName), { ...u }])),
    groups: new Map(s.groups.map((g) => [nameKey(g.displayName), { ...g }])),
    sets: new Map(
      s.permissionSets.map((p) => [nameKey(p.name), { arn: p.arn, name: p.name, managed: p.managed }]),
    ),
    memberships: new Map(s.memberships.map((m) => [`${m.groupId}|${m.userId}`, m.membershipId])),
    assignments: new Set(
      s.assignments
        .filter((a) => a.principalType === 'GROUP')
        .map((a) => `${a.accountId}|${a.permissionSetArn}|${a.principalId}`),
    ),
  };
}

/** The user by name: known, else asked (GetUserId + DescribeUser); null when it does not exist. */
export async function findUser(
  ctx: ApplyContext,
  rt: IcRuntime,
  userName: string,
  ask = false,
): Promise<IcUser | null> {
  const known = rt.users.get(nameKey(userName));
  if (known) return known;
  if (rt.fromPlanRead && !ask) return null;
  try {
    const id = await icOf(ctx).identitystore.send(
      new GetUserIdCommand({
        IdentityStoreId: rt.identityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'userName', AttributeValue: userName } },
      }),
    );
    const u = await icOf(ctx).identitystore.send(
      new DescribeUserCommand({ IdentityStoreId: rt.identityStoreId, UserId: id.UserId! }),
    );
    const user = toUser(u);
    rt.users.set(nameKey(userName), user);
    return user;
  } catch (err) {
    if (errorCode(err) === 'ResourceNotFoundException') return null;
    throw err;
  }
}

export async function findGroup(
  ctx: ApplyContext,
  rt: IcRuntime,
  name: string,
  ask = false,
): Promise<IcGroup | null> {
  const known = rt.groups.get(nameKey(name));
  if (known) return known;
  if (rt.fromPlanRead && !ask) return null;
  try {
    const id = await icOf(ctx).identitystore.send(
      new GetGroupIdCommand({
        IdentityStoreId: rt.identityStoreId,
        AlternateIdentifier: { UniqueAttribute: { AttributePath: 'displayName', AttributeValue: name } },
      }),
    );
    const g = await icOf(ctx).identitystore.send(
      new DescribeGroupCommand({ IdentityStoreId: rt.identityStoreId, GroupId: id.GroupId! }),
    );
    const group = toGroup(g);
    rt.groups.set(nameKey(name), group);
    return group;
  } catch (err) {
    if (errorCode(err) === 'ResourceNotFoundException') return null;
    throw err;
  }
}

/** The permission set by name: known, else found by listing the instance's sets (there is no lookup by name). */
export async function findSet(
  ctx: ApplyContext,
  rt: IcRuntime,
  name: string,
  ask = false,
): Promise<Pick<IcPermissionSet, 'arn' | 'name' | 'managed'> | null> {
  const known = rt.sets.get(nameKey(name));
  if (known) return known;
  if (rt.fromPlanRead && !ask) return null;
  const c = icOf(ctx).ssoadmin;
  for await (const page of paginateListPermissionSets(
    { client: c, pageSize: 100 },
    { InstanceArn: rt.instanceArn },
  )) {
    for (const arn of page.PermissionSets ?? []) {
      if ([...rt.sets.values()].some((s) => s.arn === arn)) continue;
      const d = await c.send(
        new DescribePermissionSetCommand({ InstanceArn: rt.instanceArn, PermissionSetArn: arn }),
      );
      if (nameKey(d.PermissionSet?.Name ?? '') !== nameKey(name)) continue;
      const tags: Record<string, string> = {};
      for await (const t of paginateListTagsForResource(
        { client: c },
        { InstanceArn: rt.instanceArn, ResourceArn: arn },
      ))
        for (const tag of t.Tags ?? []) if (tag.Key) tags[tag.Key] = tag.Value ?? '';
      const set = { arn, name: d.PermissionSet!.Name!, managed: tags[MANAGED_TAG.key] === MANAGED_TAG.value };
      rt.sets.set(nameKey(name), set);
      return set;
    }
  }
  return null;
}
