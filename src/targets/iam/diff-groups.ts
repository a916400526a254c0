/**
 * Groups declared in iam-gitops.yml: created under the tool's path, policy attachments ± per
 * group; a managed group removed from the config is emptied (per member) and then deleted.
 */
import type { GroupDetails } from '../../model/plan.js';
import type { AttachmentDetails } from '../../model/plan.js';
import { adoptablePath, isManagedUser, nameKey, refArn, type PlanContext } from '../../plan/context.js';
import { detach } from './diff-users.js';
import { ids, policyNameOf } from '../../plan/ops.js';

export function planGroups(ctx: PlanContext): void {
  const { config } = ctx.desired;
  const actualByKey = new Map(ctx.actual.groups.map((g) => [nameKey(g.name), g]));
  for (const name of Object.keys(config.groups).sort()) {
    const want = config.groups[name]!;
    const a = actualByKey.get(nameKey(name));
    if (a && !adoptablePath(ctx, a.path)) {
      ctx.errors.push(
        `group ${name} (${want.source.file}:${want.source.line}) already exists in AWS with path ${a.path}, ` +
          `outside iam-gitops's path ${ctx.path}, so iam-gitops does not manage it; rename the group in ` +
          `iam-gitops.yml, remove the existing group, or adopt it where it is (adopt: true and ` +
          `'${a.path}' in adoptPaths)`,
      );
      continue;
    }
    const groupName = a?.name ?? name;
    let groupOp: string | undefined;
    if (!a) {
      const details: GroupDetails = { path: ctx.path };
      groupOp = ctx.ops.add('create', 'group', ids.group(name), name, details).id;
    }
    const have = new Set(a?.attachedPolicyArns ?? []);
    const wantArns = new Map(want.policies.map((p) => [refArn(ctx, p), p]));
    const before = ctx.ops.size;
    for (const [arn, ref] of [...wantArns].sort(([x], [y]) => (x < y ? -1 : 1))) {
      if (have.has(arn)) continue;
      const details: AttachmentDetails = { principalType: 'group', principal: groupName, policyArn: arn };
      const policyOp = ref.kind === 'custom' ? ctx.ops.ifPlanned(ids.policy(ref.name)) : undefined;
      const id = ids.attachment('group', groupName, arn);
      ctx.ops.add('create', 'attachment', id, `${groupName} ← ${policyNameOf(arn)}`, details, [
        groupOp,
        policyOp,
      ]);
    }
    for (const arn of [...have].sort()) if (!wantArns.has(arn)) detach(ctx, 'group', groupName, arn);
    if (a && ctx.ops.size === before) ctx.unchanged.groups++;
  }
}

/** Runs after the users were planned, so that their membership removals are known. */
export function planGroupDeletions(ctx: PlanContext): void {
  const declared = new Set(Object.keys(ctx.desired.config.groups).map(nameKey));
  const removed = ctx.actual.groups.filter((g) => g.path === ctx.path && !declared.has(nameKey(g.name)));
  for (const g of removed.sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const members = ctx.actual.users.filter((u) => u.groups.some((x) => nameKey(x) === nameKey(g.name)));
    const foreign = members.filter((u) => !isManagedUser(u.tags)).map((u) => u.name);
    if (foreign.length > 0) {
      ctx.errors.push(
        `group ${g.name} was removed from iam-gitops.yml but still has members that iam-gitops does not ` +
          `manage (${foreign.join(', ')}); remove them from the group first, or keep the group`,
      );
      continue;
    }
    const deps = ctx.ops
      .where(
        (o) =>
          o.action === 'delete' &&
          o.type === 'membership' &&
          nameKey(String(o.details.group)) === nameKey(g.name),
      )
      .map((o) => o.id);
    for (const arn of [...g.attachedPolicyArns].sort()) deps.push(detach(ctx, 'group', g.name, arn));
    const details: GroupDetails = { path: g.path };
    ctx.ops.add('delete', 'group', ids.group(g.name), g.name, details, deps);
  }
}
