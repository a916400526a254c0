/**
 * Users: create (or adopt), update tags and boundary, console login, group memberships and
 * policy attachments per user; offboarding of managed users removed from the CSVs.
 */
import type { ActualUser } from '../../model/actual.js';
import { MANAGED_TAG, WELCOME_PENDING_TAG, type DesiredUser } from '../../model/desired.js';
import type { AttachmentDetails, EmailDetails, MembershipDetails, UserDetails } from '../../model/plan.js';
import {
  adoptablePath,
  byName,
  isManagedUser,
  nameKey,
  refArn,
  where,
  type PlanContext,
} from '../../plan/context.js';
import { ids, policyNameOf } from '../../plan/ops.js';

/** The tool's own bookkeeping tags, which an update never removes. */
const OWN_TAG_PREFIX = 'iam-gitops:';

export function desiredTags(u: DesiredUser): Record<string, string> {
  const tags: Record<string, string> = { ...u.tags };
  if (u.role) tags.role = u.role;
  tags[MANAGED_TAG.key] = MANAGED_TAG.value;
  return tags;
}

export function planUsers(ctx: PlanContext): void {
  const { desired, actual } = ctx;
  const actualByKey = new Map(actual.users.map((u) => [nameKey(u.name), u]));
  const wanted = new Set<string>();
  for (const d of [...desired.users].sort(byName)) {
    wanted.add(nameKey(d.name));
    const a = actualByKey.get(nameKey(d.name));
    if (!a) planNewUser(ctx, d);
    else if (isManagedUser(a.tags)) planExistingUser(ctx, d, a);
    else if (desired.config.adopt && !adoptablePath(ctx, a.path)) {
      // The apply role may only write under `path` (and the stack's AdoptPaths): refuse now, not half-way.
      ctx.errors.push(
        `user ${d.name}${where(d.source)} exists in AWS at path ${a.path}, outside iam-gitops's path ` +
          `${ctx.path}; to adopt it where it is, add '${a.path}' to adoptPaths in iam-gitops.yml (and ` +
          `AdoptPaths of the bootstrap stack), or rename the entry`,
      );
    } else if (desired.config.adopt) planExistingUser(ctx, d, a);
    else {
      ctx.errors.push(
        `user ${d.name}${where(d.source)} already exists in AWS but is not managed by iam-gitops ` +
          `(no tag ${MANAGED_TAG.key}=${MANAGED_TAG.value}); rename the entry, remove the existing user, ` +
          `or set adopt: true in iam-gitops.yml to take it over`,
      );
    }
  }
  const removed = actual.users
    .filter((a) => !wanted.has(nameKey(a.name)) && isManagedUser(a.tags))
    .sort(byName);
  for (const a of removed) planOffboarding(ctx, a);
  const max = desired.config.maxDeletes;
  if (removed.length > max) {
    ctx.errors.push(
      `this plan deletes ${removed.length} users (${removed.map((u) => u.name).join(', ')}), more than ` +
        `maxDeletes (${max}) in iam-gitops.yml allows; if that is intended, raise maxDeletes in the same pull request`,
    );
  }
}

function planNewUser(ctx: PlanContext, d: DesiredUser): void {
  const boundary = ctx.desired.config.permissionsBoundary;
  const details: UserDetails = { path: ctx.path, tags: desiredTags(d), email: d.email };
  if (boundary) details.permissionsBoundary = boundary;
  const userOp = ctx.ops.add('create', 'user', ids.user(d.name), d.name, details).id;
  const created = planAccess(ctx, d, d.name, userOp, {
    hasLoginProfile: false,
    groups: [],
    attachedPolicyArns: [],
  });
  planEmail(ctx, d, d.name, [userOp, ...created]);
}

function planExistingUser(ctx: PlanContext, d: DesiredUser, a: ActualUser): void {
  const name = a.name;
  const tags = desiredTags(d);
  const boundary = ctx.desired.config.permissionsBoundary;
  let userOp: string | undefined;
  if (!isManagedUser(a.tags)) {
    const details: UserDetails = { path: a.path, tags, adopt: true, email: d.email };
    if (boundary) details.permissionsBoundary = boundary;
    userOp = ctx.ops.add('create', 'user', ids.user(name), name, details).id;
  } else {
    const details: UserDetails = { path: a.path };
    const set = Object.entries(tags).filter(([k, v]) => a.tags[k] !== v);
    if (set.length > 0) details.tags = Object.fromEntries(set);
    const remove = Object.keys(a.tags)
      .filter((k) => !(k in tags) && !k.startsWith(OWN_TAG_PREFIX))
      .sort();
    if (remove.length > 0) details.removeTags = remove;
    if ((a.permissionsBoundaryArn ?? null) !== boundary) details.permissionsBoundary = boundary;
    if (Object.keys(details).length > 1)
      userOp = ctx.ops.add('update', 'user', ids.user(name), name, details).id;
  }
  const before = ctx.ops.size;
  const created = planAccess(ctx, d, name, userOp, a);
  const pending = a.tags[WELCOME_PENDING_TAG.key] === WELCOME_PENDING_TAG.value;
  // Console turned on: the password the login-profile step creates reaches the user only by mail,
  // in the same run (the step marks the mail pending first, so a crash is retried by the next plan).
  const consoleTurnedOn = created.includes(ids.loginProfile(name));
  if (pending || consoleTurnedOn) planEmail(ctx, d, name, [userOp, ...created]);
  if (ctx.ops.size === before && !userOp) ctx.unchanged.users++;
}

type AccessState = Pick<ActualUser, 'hasLoginProfile' | 'groups' | 'attachedPolicyArns'>;

/**
 * Console login, memberships and attachments of one user, each its own operation. Returns the ids
 * of the creations, which the welcome mail waits for.
 */
function planAccess(
  ctx: PlanContext,
  d: DesiredUser,
  name: string,
  userOp: string | undefined,
  a: AccessState,
): string[] {
  const { ops } = ctx;
  const created: string[] = [];
  if (d.console && !a.hasLoginProfile) {
    created.push(
      ops.add('create', 'login-profile', ids.loginProfile(name), name, { user: name }, [userOp]).id,
    );
  } else if (!d.console && a.hasLoginProfile) {
    ops.add('delete', 'login-profile', ids.loginProfile(name), name, { user: name });
  }

  const haveGroups = new Map(a.groups.map((g) => [nameKey(g), g]));
  const wantGroups = new Map(d.groups.map((g) => [nameKey(g), g]));
  for (const [key, group] of [...wantGroups].sort()) {
    if (haveGroups.has(key)) continue;
    const details: MembershipDetails = { user: name, group };
    const id = ids.membership(name, group);
    created.push(
      ops.add('create', 'membership', id, `${name} → ${group}`, details, [
        userOp,
        ops.ifPlanned(ids.group(group)),
      ]).id,
    );
  }
  for (const [key, group] of [...haveGroups].sort()) {
    if (wantGroups.has(key)) continue;
    removeMembership(ctx, name, group);
  }

  const have = new Set(a.attachedPolicyArns);
  const want = new Map(d.policies.map((p) => [refArn(ctx, p), p]));
  for (const [arn, ref] of [...want].sort(([x], [y]) => (x < y ? -1 : 1))) {
    if (have.has(arn)) continue;
    const details: AttachmentDetails = { principalType: 'user', principal: name, policyArn: arn };
    const policyOp = ref.kind === 'custom' ? ops.ifPlanned(ids.policy(ref.name)) : undefined;
    const id = ids.attachment('user', name, arn);
    created.push(
      ops.add('create', 'attachment', id, `${name} ← ${policyNameOf(arn)}`, details, [userOp, policyOp]).id,
    );
  }
  for (const arn of [...have].sort()) if (!want.has(arn)) detach(ctx, 'user', name, arn);
  return created;
}

export function removeMembership(ctx: PlanContext, user: string, group: string): string {
  const details: MembershipDetails = { user, group };
  return ctx.ops.add('delete', 'membership', ids.membership(user, group), `${user} → ${group}`, details).id;
}

export function detach(ctx: PlanContext, kind: 'user' | 'group', principal: string, arn: string): string {
  const details: AttachmentDetails = { principalType: kind, principal, policyArn: arn };
  const id = ids.attachment(kind, principal, arn);
  return ctx.ops.add('delete', 'attachment', id, `${principal} ← ${policyNameOf(arn)}`, details).id;
}

/** The welcome mail waits for everything the mail describes. */
function planEmail(ctx: PlanContext, d: DesiredUser, name: string, after: Array<string | undefined>): void {
  const groups = [...new Set(d.groups)].sort();
  const details: EmailDetails = {
    user: name,
    email: d.email,
    console: d.console,
    role: d.role,
    groups,
    policies: [...new Set(d.policies.map((p) => p.name))].sort(),
    groupPolicies: groupPolicies(ctx, groups),
  };
  ctx.ops.add('create', 'email', ids.email(name), name, details, after);
}

/** What each group grants, as iam-gitops.yml declares it (a group it does not declare grants nothing here). */
function groupPolicies(ctx: PlanContext, groups: string[]): Record<string, string[]> {
  const declared = new Map(Object.entries(ctx.desired.config.groups).map(([g, v]) => [nameKey(g), v]));
  const out: Record<string, string[]> = {};
  for (const g of groups) {
    out[g] = [...new Set((declared.get(nameKey(g))?.policies ?? []).map((p) => p.name))].sort();
  }
  return out;
}

/** One `user` delete (the executor offboards in IAM's order) after the user's other removals. */
function planOffboarding(ctx: PlanContext, a: ActualUser): void {
  const deps: string[] = [];
  if (a.hasLoginProfile) {
    deps.push(ctx.ops.add('delete', 'login-profile', ids.loginProfile(a.name), a.name, { user: a.name }).id);
  }
  for (const g of [...a.groups].sort()) deps.push(removeMembership(ctx, a.name, g));
  for (const arn of [...a.attachedPolicyArns].sort()) deps.push(detach(ctx, 'user', a.name, arn));
  const details: UserDetails & { inlinePolicies?: string[] } = { path: a.path };
  if (a.inlinePolicyNames.length > 0) details.inlinePolicies = [...a.inlinePolicyNames].sort();
  ctx.ops.add('delete', 'user', ids.user(a.name), a.name, details, deps);
}
