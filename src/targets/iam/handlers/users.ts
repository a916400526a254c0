/** `user` create (or adopt) and update. Delete is the offboarding in iam-offboard.ts. */
import {
  CreateUserCommand,
  DeleteUserPermissionsBoundaryCommand,
  PutUserPermissionsBoundaryCommand,
  TagUserCommand,
  UntagUserCommand,
} from '@aws-sdk/client-iam';
import { errorCode } from '../../../aws/clients.js';
import { MAX_USER_TAGS } from '../../../desired/tags.js';
import {
  CONSOLE_TAG_KEY,
  MANAGED_TAG,
  WELCOME_PENDING_TAG,
  type DesiredState,
  type DesiredUser,
} from '../../../model/desired.js';
import type { Operation, UserDetails } from '../../../model/plan.js';
import {
  detailsOf,
  findUser,
  isManaged,
  NotManagedError,
  managedUserTags,
  tolerate,
  toTagList,
  userTags,
} from './common.js';
import { forgetUser, knownAbsentUser, knownUser, noteUser } from '../../../apply/known.js';
import type { ApplyContext, OperationOutcome } from '../../../apply/types.js';

export function userName(op: Operation): string {
  const d = op.details as { name?: unknown; user?: unknown };
  return typeof d.name === 'string' ? d.name : typeof d.user === 'string' ? d.user : op.name;
}

export async function createUser(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const name = userName(op);
  const d = detailsOf<UserDetails>(op);
  // The plan's read says whether the user exists; without one, ask.
  const absent = knownAbsentUser(ctx, name) || (!knownUser(ctx, name) && !(await findUser(ctx, name)));
  if (absent) {
    const tags: Record<string, string> = {
      ...(d.tags ?? {}),
      [MANAGED_TAG.key]: MANAGED_TAG.value,
      // Cleared only once SES accepted the welcome mail, so a crash in between is recovered.
      [WELCOME_PENDING_TAG.key]: WELCOME_PENDING_TAG.value,
    };
    const console = desiredConsole(ctx, name);
    if (console !== undefined && Object.keys(tags).length < MAX_USER_TAGS)
      tags[CONSOLE_TAG_KEY] = String(console);
    try {
      await ctx.clients.iam.send(
        new CreateUserCommand({
          UserName: name,
          Path: d.path,
          Tags: toTagList(tags),
          PermissionsBoundary: d.permissionsBoundary ?? undefined,
        }),
      );
      noteUser(ctx, name, {
        tags,
        groups: [],
        attachedPolicyArns: [],
        hasLoginProfile: false,
        permissionsBoundaryArn: d.permissionsBoundary ?? null,
      });
      return { status: 'done' };
    } catch (err) {
      // Created by a concurrent run (or by this request before a retry) after the read: from now
      // on this user is read from AWS, starting with the checks below.
      if (errorCode(err) !== 'EntityAlreadyExists') throw err;
      forgetUser(ctx, name);
    }
  }
  // Adoption and conflicts decide on the user's tags as AWS has them now.
  const tags = await userTags(ctx, name);
  if (isManaged(tags)) return { status: 'already-done', note: 'user exists and is managed' };
  if (!d.adopt) {
    throw new NotManagedError('user', name, `no ${MANAGED_TAG.key}=${MANAGED_TAG.value} tag`);
  }
  // Adoption: the user keeps its credentials; it gets the mark, the planned tags and the boundary.
  await ctx.clients.iam.send(
    new TagUserCommand({
      UserName: name,
      Tags: toTagList({ ...(d.tags ?? {}), [MANAGED_TAG.key]: MANAGED_TAG.value }),
    }),
  );
  if (d.permissionsBoundary) {
    await ctx.clients.iam.send(
      new PutUserPermissionsBoundaryCommand({ UserName: name, PermissionsBoundary: d.permissionsBoundary }),
    );
  }
  forgetUser(ctx, name);
  return { status: 'done', note: 'adopted' };
}

const desiredByName = new WeakMap<DesiredState, Map<string, DesiredUser>>();

/** The `console` column of the user in the files this plan was made from, when it is there. */
function desiredConsole(ctx: ApplyContext, name: string): boolean | undefined {
  let byName = desiredByName.get(ctx.desired);
  if (!byName) {
    byName = new Map(ctx.desired.users.map((u) => [u.name.toLowerCase(), u]));
    desiredByName.set(ctx.desired, byName);
  }
  return byName.get(name.toLowerCase())?.console;
}

export async function updateUser(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const name = userName(op);
  const d = detailsOf<UserDetails>(op);
  const known = knownUser(ctx, name);
  const current = await managedUserTags(ctx, name);
  let wrote = false;

  const toSet = Object.entries(d.tags ?? {}).filter(([k, v]) => current[k] !== v);
  if (toSet.length > 0) {
    await ctx.clients.iam.send(
      new TagUserCommand({ UserName: name, Tags: toSet.map(([Key, Value]) => ({ Key, Value })) }),
    );
    wrote = true;
  }
  // The managed mark is what makes the user ours; an update never takes it away.
  const toRemove = (d.removeTags ?? []).filter((k) => k !== MANAGED_TAG.key && k in current);
  if (toRemove.length > 0) {
    await ctx.clients.iam.send(new UntagUserCommand({ UserName: name, TagKeys: toRemove }));
    wrote = true;
  }

  if (d.permissionsBoundary !== undefined) {
    const currentBoundary = known
      ? known.permissionsBoundaryArn
      : ((await findUser(ctx, name))?.PermissionsBoundary?.PermissionsBoundaryArn ?? null);
    if (d.permissionsBoundary !== currentBoundary) {
      if (d.permissionsBoundary === null) {
        await tolerate(['NoSuchEntity'], () =>
          ctx.clients.iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: name })),
        );
      } else {
        await ctx.clients.iam.send(
          new PutUserPermissionsBoundaryCommand({
            UserName: name,
            PermissionsBoundary: d.permissionsBoundary,
          }),
        );
      }
      wrote = true;
    }
  }
  // Tags and boundary as written now; simpler to read them again if a later step needs them.
  if (wrote) forgetUser(ctx, name);
  return { status: wrote ? 'done' : 'already-done' };
}
