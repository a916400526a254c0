/**
 * Customer managed policies from policies/*.json: create, a new version when the document means
 * something else, delete when removed (after every detach the plan makes).
 */
import type { ActualPolicy } from '../../model/actual.js';
import type { PolicyDetails } from '../../model/plan.js';
import { canonicalJson, samePolicy } from '../../plan/canonical.js';
import { adoptablePath, byName, nameKey, type PlanContext } from '../../plan/context.js';
import { customPolicyArn, ids } from '../../plan/ops.js';

/** Creations and updates; deletions come later, once the detaches are planned. */
export function planPolicies(ctx: PlanContext): void {
  const actualByKey = new Map(ctx.actual.policies.map((p) => [nameKey(p.name), p]));
  for (const p of [...ctx.desired.policies].sort(byName)) {
    const a = actualByKey.get(nameKey(p.name));
    const document = canonicalJson(p.document);
    if (!a) {
      const details: PolicyDetails = {
        path: ctx.path,
        document,
        arn: customPolicyArn(ctx.accountId, ctx.path, p.name),
      };
      ctx.ops.add('create', 'policy', ids.policy(p.name), p.name, details);
    } else if (!adoptablePath(ctx, a.path)) {
      ctx.errors.push(
        `policy ${p.name} (${p.file ?? 'policies/'}) already exists in AWS with path ${a.path}, outside ` +
          `iam-gitops's path ${ctx.path}, so iam-gitops does not manage it; rename policies/${p.name}.json, ` +
          `remove the existing policy, or adopt it where it is (adopt: true and '${a.path}' in adoptPaths)`,
      );
    } else if (!samePolicy(a.document, p.document)) {
      const details: PolicyDetails = {
        path: a.path,
        document,
        arn: a.arn,
        previousDocument: canonicalJson(a.document),
      };
      ctx.ops.add('update', 'policy', ids.policy(a.name), a.name, details);
    } else {
      ctx.unchanged.policies++;
    }
  }
}

export function managedPolicies(ctx: PlanContext): ActualPolicy[] {
  return ctx.actual.policies.filter((p) => p.path === ctx.path);
}

/** Managed policies no longer in policies/, deleted after the plan's detaches. */
export function planPolicyDeletions(ctx: PlanContext): void {
  const wanted = new Set(ctx.desired.policies.map((p) => nameKey(p.name)));
  for (const a of managedPolicies(ctx).sort(byName)) {
    if (wanted.has(nameKey(a.name))) continue;
    const detaches = ctx.ops.where(
      (o) => o.type === 'attachment' && o.action === 'delete' && o.details.policyArn === a.arn,
    );
    const others = a.attachmentCount - detaches.length;
    if (others > 0) {
      ctx.errors.push(
        `policy ${a.name} was removed from policies/ but is still attached to ${others} ` +
          `${others === 1 ? 'identity' : 'identities'} that iam-gitops does not manage (roles or unmanaged ` +
          `users/groups); detach it there first, or keep policies/${a.name}.json`,
      );
      continue;
    }
    const details: PolicyDetails = { path: a.path, arn: a.arn };
    ctx.ops.add(
      'delete',
      'policy',
      ids.policy(a.name),
      a.name,
      details,
      detaches.map((o) => o.id),
    );
  }
}
