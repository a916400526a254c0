/** What differs between the plan a reviewer approved and the plan apply would run now. */
import type { Operation } from '../model/plan.js';
import { canonicalJson } from '../plan/canonical.js';

type OpLike = Pick<Operation, 'id' | 'action' | 'type' | 'name' | 'details'>;

export interface PlanDifference {
  added: OpLike[];
  removed: OpLike[];
  changed: Array<{ id: string; approved: OpLike; fresh: OpLike }>;
}

export function comparePlans(approved: OpLike[], fresh: OpLike[]): PlanDifference {
  const before = new Map(approved.map((o) => [o.id, o]));
  const after = new Map(fresh.map((o) => [o.id, o]));
  const sig = (o: OpLike) => canonicalJson({ action: o.action, type: o.type, details: o.details });
  return {
    added: fresh.filter((o) => !before.has(o.id)),
    removed: approved.filter((o) => !after.has(o.id)),
    changed: fresh
      .filter((o) => before.has(o.id) && sig(before.get(o.id)!) !== sig(o))
      .map((o) => ({ id: o.id, approved: before.get(o.id)!, fresh: o })),
  };
}

const line = (o: OpLike) => `${o.action} ${o.type} ${o.name}`;

export function formatPlanDifference(d: PlanDifference): string {
  const out: string[] = [];
  for (const o of d.added) out.push(`  + new:     ${line(o)}`);
  for (const o of d.removed) out.push(`  - removed: ${line(o)}`);
  for (const c of d.changed)
    out.push(`  ~ changed: ${line(c.fresh)} (was ${line(c.approved)} with other details)`);
  return out.length > 0
    ? out.join('\n') + '\n'
    : '  (the same operations; they differ in details the hash covers)\n';
}
