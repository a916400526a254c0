/**
 * What the plan's bulk read (ActualState) established about users and groups, kept up to date
 * with what this run wrote, so the apply does not ask AWS again for existence, ownership, tags,
 * memberships or a console login that the plan read seconds earlier. Handlers ask AWS instead
 * when the context has no plan read, for what the read does not cover, before a destructive
 * operation, and after a conflict (EntityAlreadyExists / NoSuchEntity): a conflict means the
 * account moved since the read, so the entity is forgotten here and read afresh from then on.
 */
import type { ActualGroup, ActualUser } from '../model/actual.js';
import type { ApplyContext } from './types.js';

export type KnownUser = Pick<
  ActualUser,
  'tags' | 'groups' | 'attachedPolicyArns' | 'hasLoginProfile' | 'permissionsBoundaryArn'
>;
export type KnownGroup = Pick<ActualGroup, 'path' | 'attachedPolicyArns'>;

interface Known {
  users: Map<string, KnownUser>;
  groups: Map<string, KnownGroup>;
  /** Entities this run saw conflict with the read: never answered from memory again. */
  stale: Set<string>;
}

const known = new WeakMap<ApplyContext, Known | null>();

/** IAM names are case-insensitive. */
const userKey = (name: string): string => `user:${name.toLowerCase()}`;
const groupKey = (name: string): string => `group:${name.toLowerCase()}`;

function state(ctx: ApplyContext): Known | null {
  let k = known.get(ctx);
  if (k === undefined) {
    const actual = ctx.actual;
    k = actual
      ? {
          users: new Map(actual.users.map((u) => [userKey(u.name), copyUser(u)])),
          groups: new Map(
            actual.groups.map((g) => [
              groupKey(g.name),
              { path: g.path, attachedPolicyArns: [...g.attachedPolicyArns] },
            ]),
          ),
          stale: new Set(),
        }
      : null;
    known.set(ctx, k);
  }
  return k;
}

function copyUser(u: KnownUser): KnownUser {
  return {
    tags: { ...u.tags },
    groups: [...u.groups],
    attachedPolicyArns: [...u.attachedPolicyArns],
    hasLoginProfile: u.hasLoginProfile,
    permissionsBoundaryArn: u.permissionsBoundaryArn,
  };
}

/** The user as read and written so far, or undefined when only AWS can say (no read, absent, or stale). */
export function knownUser(ctx: ApplyContext, name: string): KnownUser | undefined {
  const k = state(ctx);
  if (!k || k.stale.has(userKey(name))) return undefined;
  return k.users.get(userKey(name));
}

/** True only when the plan's read found no such user and nothing since says otherwise. */
export function knownAbsentUser(ctx: ApplyContext, name: string): boolean {
  const k = state(ctx);
  return Boolean(k && !k.stale.has(userKey(name)) && !k.users.has(userKey(name)));
}

/** Records a user this run created. */
export function noteUser(ctx: ApplyContext, name: string, user: KnownUser): void {
  const k = state(ctx);
  if (k && !k.stale.has(userKey(name))) k.users.set(userKey(name), user);
}

/** After a conflict: this user is read from AWS from now on. */
export function forgetUser(ctx: ApplyContext, name: string): void {
  state(ctx)?.stale.add(userKey(name));
}

export function knownGroup(ctx: ApplyContext, name: string): KnownGroup | undefined {
  const k = state(ctx);
  if (!k || k.stale.has(groupKey(name))) return undefined;
  return k.groups.get(groupKey(name));
}

export function knownAbsentGroup(ctx: ApplyContext, name: string): boolean {
  const k = state(ctx);
  return Boolean(k && !k.stale.has(groupKey(name)) && !k.groups.has(groupKey(name)));
}

export function noteGroup(ctx: ApplyContext, name: string, group: KnownGroup): void {
  const k = state(ctx);
  if (k && !k.stale.has(groupKey(name))) k.groups.set(groupKey(name), group);
}

export function forgetGroup(ctx: ApplyContext, name: string): void {
  state(ctx)?.stale.add(groupKey(name));
}
