/** `plan --format json` (SPEC §4): the plan as one object for machines. Emails are not masked here. */
import type { Plan } from '../model/plan.js';
import type { BlastRadius } from './blast.js';

export interface PlanJson {
  hash: string;
  changes: Array<{
    id: string;
    action: string;
    type: string;
    name: string;
    details: Record<string, unknown>;
    dependsOn: string[];
  }>;
  findings: Plan['findings'];
  stats: Plan['stats'];
  errors: string[];
  offline: boolean;
  accountId: string;
  unchanged?: Plan['unchanged'];
  /** Per-user permission gains and losses, by action and by cause (plan/blast.ts), with a base. */
  blastRadius?: BlastRadius;
}

export function toPlanJson(plan: Plan, blast?: BlastRadius): PlanJson {
  const out: PlanJson = {
    hash: plan.hash,
    changes: plan.changes.map((op) => ({
      id: op.id,
      action: op.action,
      type: op.type,
      name: op.name,
      details: op.details,
      dependsOn: op.dependsOn,
    })),
    findings: plan.findings,
    stats: plan.stats,
    errors: plan.errors,
    offline: plan.offline,
    accountId: plan.accountId,
    unchanged: plan.unchanged,
  };
  // Built key by key in a fixed order (blast.ts), so the text is stable for the same change.
  if (blast) out.blastRadius = blast;
  return out;
}

export function renderJson(plan: Plan, blast?: BlastRadius): string {
  return JSON.stringify(toPlanJson(plan, blast), null, 2) + '\n';
}
