/** The step outputs of SPEC §5, set in one place. */
import * as core from '@actions/core';
import type { Plan } from '../model/plan.js';
import type { MultiPlan } from '../model/accounts.js';
import type { ApplyOutcome } from './deps.js';

export function changeCount(plan: Plan): number {
  return plan.changes.filter((c) => c.action !== 'no-op').length;
}

export function setPlanOutputs(plan: Plan | null): void {
  const findings = plan?.findings ?? [];
  core.setOutput('plan-hash', plan?.hash ?? '');
  core.setOutput('has-changes', String(plan ? changeCount(plan) > 0 : false));
  core.setOutput('findings-errors', String(findings.filter((f) => f.severity === 'error').length));
  core.setOutput('findings-warnings', String(findings.filter((f) => f.severity === 'warning').length));
}

export function setApplyOutputs(outcome: ApplyOutcome): void {
  core.setOutput('created-users', outcome.createdUsers.join(','));
  core.setOutput('deleted-users', outcome.deletedUsers.join(','));
  core.setOutput('mail-status', JSON.stringify(outcome.mail));
}

/** The plan outputs of a multi-account plan: the combined hash, changes in any account, findings summed. */
export function setMultiPlanOutputs(multi: MultiPlan | null): void {
  const plans = (multi?.sections ?? []).flatMap((s) => (s.plan ? [s.plan] : []));
  const findings = plans.flatMap((p) => p.findings);
  core.setOutput('plan-hash', multi?.hash ?? '');
  core.setOutput('has-changes', String(plans.some((p) => changeCount(p) > 0)));
  core.setOutput('findings-errors', String(findings.filter((f) => f.severity === 'error').length));
  core.setOutput('findings-warnings', String(findings.filter((f) => f.severity === 'warning').length));
}
