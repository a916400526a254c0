/** Console logins, group memberships and policy attachments: what a user may do and how they sign in. */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateLoginProfileCommand,
  DeleteLoginProfileCommand,
  DetachGroupPolicyCommand,
  DetachUserPolicyCommand,
  GetLoginProfileCommand,
  paginateListAttachedGroupPolicies,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  RemoveUserFromGroupCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { MAX_USER_TAGS } from '../../../desired/tags.js';
import { CONSOLE_TAG_KEY, WELCOME_PENDING_TAG } from '../../../model/desired.js';
import type {
  AttachmentDetails,
  LoginProfileDetails,
  MembershipDetails,
  Operation,
} from '../../../model/plan.js';
import { assertGroupInScope, requireManagedGroup } from './groups.js';
import { detailsOf, managedUserTags, PAGE, requireManagedUser, tolerate } from './common.js';
import { forgetGroup, forgetUser, knownGroup, knownUser } from '../../../apply/known.js';
import { generatePassword, satisfiesPolicy } from '../password.js';
import { passwordPolicy, rememberPassword } from '../../../apply/session.js';
import type { ApplyContext, OperationOutcome } from '../../../apply/types.js';

export async function hasLoginProfile(ctx: ApplyContext, user: string): Promise<boolean> {
  const res = await tolerate(['NoSuchEntity'], () =>
    ctx.clients.iam.send(new GetLoginProfileCommand({ UserName: user })),
  );
  return res !== undefined;
}

/** A password that meets the account policy, masked before anything else can see it. */
export async function newTemporaryPassword(ctx: ApplyContext): Promise<string> {
  const policy = await passwordPolicy(ctx);
  const password = generatePassword(policy);
  ctx.maskSecret(password);
  if (!satisfiesPolicy(password, policy)) throw new Error('generated password does not meet the policy');
  return password;
}

export async function createLoginProfile(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const { user } = detailsOf<LoginProfileDetails>(op);
  const tags = await managedUserTags(ctx, user);
  const known = knownUser(ctx, user);
  if (known ? known.hasLoginProfile : await hasLoginProfile(ctx, user)) return { status: 'already-done' };
  if (tags[WELCOME_PENDING_TAG.key] !== WELCOME_PENDING_TAG.value) {
    // Console turned on for an existing user: the `email` operation planned with this one mails the
    // password below. The mark comes first, so a run that dies before the mail leaves it pending and
    // the next plan sends one (with a fresh password, as this one is lost with the run). The same
    // call records the console for plans that see an older credential report.
    const mark: Array<{ Key: string; Value: string }> = [
      { Key: WELCOME_PENDING_TAG.key, Value: WELCOME_PENDING_TAG.value },
    ];
    if (CONSOLE_TAG_KEY in tags || Object.keys(tags).length < MAX_USER_TAGS - 1)
      mark.push({ Key: CONSOLE_TAG_KEY, Value: 'true' });
    await ctx.clients.iam.send(new TagUserCommand({ UserName: user, Tags: mark }));
    if (known) for (const t of mark) known.tags[t.Key] = t.Value;
  }
  const password = await newTemporaryPassword(ctx);
  const res = await tolerate(['EntityAlreadyExists'], () =>
    ctx.clients.iam.send(
      new CreateLoginProfileCommand({ UserName: user, Password: password, PasswordResetRequired: true }),
    ),
  );
  // Either way the user has a console login now (EntityAlreadyExists says so too).
  if (known) known.hasLoginProfile = true;
  if (!res) return { status: 'already-done' };
  // Only in memory, for this run's welcome mail; a later run issues a fresh one if this is lost.
  rememberPassword(ctx, user, password);
  return { status: 'done' };
}

/** A removal whose principal no longer exists has nothing left to do. */
async function goneIsDone(fn: () => Promise<OperationOutcome>): Promise<OperationOutcome> {
  const res = await tolerate(['NoSuchEntity'], fn);
  return res ?? { status: 'already-done', note: 'already gone' };
}

export function deleteLoginProfile(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  return goneIsDone(() => deleteLoginProfileOf(op, ctx));
}

async function deleteLoginProfileOf(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const { user } = detailsOf<LoginProfileDetails>(op);
  // Destructive: ownership and state are read from AWS, never taken from the plan's read.
  forgetUser(ctx, user);
  const tags = await requireManagedUser(ctx, user);
  let wrote = false;
  if (await hasLoginProfile(ctx, user)) {
    await tolerate(['NoSuchEntity'], () =>
      ctx.clients.iam.send(new DeleteLoginProfileCommand({ UserName: user })),
    );
    wrote = true;
  }
  // After the deletion: a run that dies in between leaves `true`, which the next plan confirms.
  if (tags[CONSOLE_TAG_KEY] === 'true') {
    await ctx.clients.iam.send(
      new TagUserCommand({ UserName: user, Tags: [{ Key: CONSOLE_TAG_KEY, Value: 'false' }] }),
    );
    wrote = true;
  }
  return { status: wrote ? 'done' : 'already-done' };
}

async function userGroups(ctx: ApplyContext, user: string): Promise<string[]> {
  const names: string[] = [];
  const pages = paginateListGroupsForUser({ client: ctx.clients.iam, ...PAGE }, { UserName: user });
  for await (const page of pages) for (const g of page.Groups ?? []) names.push(g.GroupName!);
  return names;
}

export async function addMembership(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const { user, group } = detailsOf<MembershipDetails>(op);
  await managedUserTags(ctx, user);
  const known = knownUser(ctx, user);
  const groups = known ? known.groups : await userGroups(ctx, user);
  if (groups.some((g) => g.toLowerCase() === group.toLowerCase())) return { status: 'already-done' };
  // AddUserToGroup succeeds for a member too, so a membership added since the read is no conflict.
  await ctx.clients.iam.send(new AddUserToGroupCommand({ UserName: user, GroupName: group }));
  known?.groups.push(group);
  return { status: 'done' };
}

export function removeMembership(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const { user, group } = detailsOf<MembershipDetails>(op);
  forgetUser(ctx, user);
  return goneIsDone(async () => {
    await requireManagedUser(ctx, user);
    if (!(await userGroups(ctx, user)).includes(group)) return { status: 'already-done' };
    await ctx.clients.iam.send(new RemoveUserFromGroupCommand({ UserName: user, GroupName: group }));
    return { status: 'done' };
  });
}

async function attachedArns(ctx: ApplyContext, d: AttachmentDetails): Promise<string[]> {
  const client = { client: ctx.clients.iam, ...PAGE };
  const pages =
    d.principalType === 'user'
      ? paginateListAttachedUserPolicies(client, { UserName: d.principal })
      : paginateListAttachedGroupPolicies(client, { GroupName: d.principal });
  const arns: string[] = [];
  for await (const page of pages) for (const p of page.AttachedPolicies ?? []) arns.push(p.PolicyArn!);
  return arns;
}

async function requireManagedPrincipal(ctx: ApplyContext, d: AttachmentDetails): Promise<void> {
  if (d.principalType === 'user') await requireManagedUser(ctx, d.principal);
  else await requireManagedGroup(ctx, d.principal);
}

/** The principal's attached policies as the plan read them, after the ownership check; else undefined. */
async function knownAttachments(ctx: ApplyContext, d: AttachmentDetails): Promise<string[] | undefined> {
  if (d.principalType === 'user') {
    if (!knownUser(ctx, d.principal)) return undefined;
    await managedUserTags(ctx, d.principal);
    return knownUser(ctx, d.principal)!.attachedPolicyArns;
  }
  const group = knownGroup(ctx, d.principal);
  if (!group) return undefined;
  assertGroupInScope(ctx, d.principal, group.path);
  return group.attachedPolicyArns;
}

export async function attachPolicy(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = detailsOf<AttachmentDetails>(op);
  let attached = await knownAttachments(ctx, d);
  if (!attached) {
    await requireManagedPrincipal(ctx, d);
    attached = await attachedArns(ctx, d);
  }
  if (attached.includes(d.policyArn)) return { status: 'already-done' };
  const iam = ctx.clients.iam;
  // Attaching an attached policy succeeds, so one attached since the read is no conflict.
  if (d.principalType === 'user') {
    await iam.send(new AttachUserPolicyCommand({ UserName: d.principal, PolicyArn: d.policyArn }));
  } else {
    await iam.send(new AttachGroupPolicyCommand({ GroupName: d.principal, PolicyArn: d.policyArn }));
  }
  attached.push(d.policyArn);
  return { status: 'done' };
}

export function detachPolicy(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = detailsOf<AttachmentDetails>(op);
  if (d.principalType === 'user') forgetUser(ctx, d.principal);
  else forgetGroup(ctx, d.principal);
  return goneIsDone(async () => {
    await requireManagedPrincipal(ctx, d);
    if (!(await attachedArns(ctx, d)).includes(d.policyArn)) return { status: 'already-done' };
    const iam = ctx.clients.iam;
    if (d.principalType === 'user') {
      await iam.send(new DetachUserPolicyCommand({ UserName: d.principal, PolicyArn: d.policyArn }));
    } else {
      await iam.send(new DetachGroupPolicyCommand({ GroupName: d.principal, PolicyArn: d.policyArn }));
    }
    return { status: 'done' };
  });
}
