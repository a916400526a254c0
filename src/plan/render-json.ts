/** `plan --format json` (SPEC §4): the plan as one object for machines. Emails are not masked here. */
import type { Plan } from '../model/plan.js';

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
}

export function toPlanJson(plan: Plan): PlanJson {
  return {
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
}

export function renderJson(plan: Plan): string {
  return JSON.stringify(toPlanJson(plan), null, 2) + '\n';
}
