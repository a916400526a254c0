/**
 * Groups. IAM groups cannot carry tags, so the IAM path (`path` in iam-gitops.yml) is the mark
 * of a group the tool manages.
 */
import {
  CreateGroupCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DetachGroupPolicyCommand,
  GetGroupCommand,
  type Group,
  paginateGetGroup,
  paginateListAttachedGroupPolicies,
  paginateListGroupPolicies,
  RemoveUserFromGroupCommand,
} from '@aws-sdk/client-iam';
import type { GroupDetails, Operation } from '../../../model/plan.js';
import { errorCode } from '../../../aws/clients.js';
import { detailsOf, nameOf, NotManagedError, PAGE, tolerate } from './common.js';
import { forgetGroup, knownAbsentGroup, knownGroup, noteGroup } from '../../../apply/known.js';
import type { ApplyContext, OperationOutcome } from '../../../apply/types.js';

async function findGroup(ctx: ApplyContext, name: string): Promise<Group | null> {
  const res = await tolerate(['NoSuchEntity'], () =>
    ctx.clients.iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 })),
  );
  return res?.Group ?? null;
}

function assertManaged(group: Group, path: string): void {
  assertGroupManaged(group.GroupName!, group.Path, path);
}

export function assertGroupManaged(name: string, actualPath: string | undefined, path: string): void {
  if (actualPath !== path) {
    throw new NotManagedError('group', name, `its path is ${actualPath}, not ${path}`);
  }
}

/**
 * Refuses a group at `actualPath` unless it is under the managed path, or under adoptPaths when
 * the config adopts: one rule whether the path came from the plan's read or from a fresh one.
 */
export function assertGroupInScope(ctx: ApplyContext, name: string, actualPath: string | undefined): void {
  const { path, adopt, adoptPaths } = ctx.desired.config;
  if (adopt && actualPath !== undefined && adoptPaths.includes(actualPath)) return;
  assertGroupManaged(name, actualPath, path);
}

/** Refuses to touch a group out of scope (NoSuchEntity when it does not exist). */
export async function requireManagedGroup(ctx: ApplyContext, name: string): Promise<void> {
  const res = await ctx.clients.iam.send(new GetGroupCommand({ GroupName: name, MaxItems: 1 }));
  assertGroupInScope(ctx, name, res.Group!.Path);
}

export async function createGroup(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const name = nameOf(op);
  const { path } = detailsOf<GroupDetails>(op);
  const known = knownGroup(ctx, name);
  if (known) {
    assertGroupManaged(name, known.path, path);
    return { status: 'already-done' };
  }
  if (!knownAbsentGroup(ctx, name)) {
    const existing = await findGroup(ctx, name);
    if (existing) {
      assertManaged(existing, path);
      return { status: 'already-done' };
    }
  }
  try {
    await ctx.clients.iam.send(new CreateGroupCommand({ GroupName: name, Path: path }));
    noteGroup(ctx, name, { path, attachedPolicyArns: [] });
    return { status: 'done' };
  } catch (err) {
    if (errorCode(err) !== 'EntityAlreadyExists') throw err;
  }
  // Created since the read (or by this request before a retry): decide on the group as it is now.
  forgetGroup(ctx, name);
  const existing = await findGroup(ctx, name);
  if (existing) assertManaged(existing, path);
  return { status: 'already-done' };
}

export async function deleteGroup(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const name = nameOf(op);
  const { path } = detailsOf<GroupDetails>(op);
  forgetGroup(ctx, name);
  const existing = await findGroup(ctx, name);
  if (!existing) return { status: 'already-done', note: 'group does not exist' };
  assertManaged(existing, path ?? ctx.desired.config.path);
  const iam = ctx.clients.iam;
  const client = { client: iam, ...PAGE };
  const gone = ['NoSuchEntity'];
  // DeleteGroup needs the group empty: members removed one by one, policies detached and deleted.
  for await (const page of paginateGetGroup(client, { GroupName: name })) {
    for (const u of page.Users ?? []) {
      await tolerate(gone, () =>
        iam.send(new RemoveUserFromGroupCommand({ GroupName: name, UserName: u.UserName })),
      );
    }
  }
  for await (const page of paginateListAttachedGroupPolicies(client, { GroupName: name })) {
    for (const p of page.AttachedPolicies ?? []) {
      await tolerate(gone, () =>
        iam.send(new DetachGroupPolicyCommand({ GroupName: name, PolicyArn: p.PolicyArn })),
      );
    }
  }
  for await (const page of paginateListGroupPolicies(client, { GroupName: name })) {
    for (const PolicyName of page.PolicyNames ?? []) {
      await tolerate(gone, () => iam.send(new DeleteGroupPolicyCommand({ GroupName: name, PolicyName })));
    }
  }
  await tolerate(gone, () => iam.send(new DeleteGroupCommand({ GroupName: name })));
  return { status: 'done' };
}
