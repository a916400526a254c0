/** Helpers shared by the IAM handlers: ownership checks and tolerant calls. */
import { GetUserCommand, paginateListUserTags, type User } from '@aws-sdk/client-iam';
import { errorCode } from '../../../aws/clients.js';
import { MANAGED_TAG } from '../../../model/desired.js';
import type { Operation } from '../../../model/plan.js';
import { knownUser } from '../../../apply/known.js';
import type { ApplyContext } from '../../../apply/types.js';

export const PAGE = { pageSize: 100 } as const;

/** Runs `fn`; when it fails with one of `codes`, returns undefined instead (the state is already right). */
export async function tolerate<T>(codes: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    const code = errorCode(err);
    if (code !== undefined && codes.includes(code)) return undefined;
    throw err;
  }
}

/** The user, or null when it does not exist. */
export async function findUser(ctx: ApplyContext, name: string): Promise<User | null> {
  const res = await tolerate(['NoSuchEntity'], () =>
    ctx.clients.iam.send(new GetUserCommand({ UserName: name })),
  );
  return res?.User ?? null;
}

export async function userTags(ctx: ApplyContext, name: string): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  for await (const page of paginateListUserTags({ client: ctx.clients.iam, ...PAGE }, { UserName: name })) {
    for (const t of page.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  }
  return tags;
}

export function isManaged(tags: Record<string, string>): boolean {
  return tags[MANAGED_TAG.key] === MANAGED_TAG.value;
}

export class NotManagedError extends Error {
  constructor(kind: string, name: string, how: string) {
    super(
      `${kind} ${name} exists but is not managed by iam-gitops (${how}); ` +
        `the tool never changes it. Rename the entry, remove the existing ${kind}, or set adopt: true in iam-gitops.yml to take it over.`,
    );
    this.name = 'NotManagedError';
  }
}

/** Refuses to touch a user that lacks the managed tag. Returns the user's tags. */
export async function requireManagedUser(ctx: ApplyContext, name: string): Promise<Record<string, string>> {
  const tags = await userTags(ctx, name);
  if (!isManaged(tags)) {
    throw new NotManagedError('user', name, `no ${MANAGED_TAG.key}=${MANAGED_TAG.value} tag`);
  }
  return tags;
}

/**
 * requireManagedUser, answered from the plan's read when it has the user (the read is seconds
 * old and the same run's writes are recorded in it); otherwise from AWS.
 */
export async function managedUserTags(ctx: ApplyContext, name: string): Promise<Record<string, string>> {
  const known = knownUser(ctx, name);
  if (!known) return requireManagedUser(ctx, name);
  if (!isManaged(known.tags)) {
    throw new NotManagedError('user', name, `no ${MANAGED_TAG.key}=${MANAGED_TAG.value} tag`);
  }
  return known.tags;
}

export function toTagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** The entity an operation names: `details.name` when the planner set one, else the operation's name. */
export function nameOf(op: Operation): string {
  const d = op.details as { name?: unknown };
  return typeof d.name === 'string' ? d.name : op.name;
}

/** `details` as the planner wrote it, typed. */
export function detailsOf<T>(op: { details: Record<string, unknown> }): T {
  return op.details as unknown as T;
}
