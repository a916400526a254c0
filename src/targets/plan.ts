/**
 * The planner: desired state + actual state → ordered operations and the errors that refuse the
 * plan. Pure: no AWS, no clock.
 */
import type { ActualState } from '../model/actual.js';
import type { DesiredState } from '../model/desired.js';
import type { Finding } from '../model/finding.js';
import type { IdentityCenterUnchanged, MonitoringUnchanged, Operation } from '../model/plan.js';
import { planMonitoring } from './monitoring/index.js';
import { newContext, type Unchanged } from '../plan/context.js';
import { maskEmail } from '../plan/mask.js';
import { planGroupDeletions, planGroups } from './iam/diff-groups.js';
import { planPolicies, planPolicyDeletions } from './iam/diff-policies.js';
import { planUsers } from './iam/diff-users.js';
import { orderOperations } from '../plan/order.js';
import { iamPart } from './identity-center/desired.js';
import { planIdentityCenter } from './identity-center/diff.js';
import type { IcAccount } from './identity-center/desired.js';

export interface DiffOptions {
  /** Plan the monitoring baseline too (default true). */
  monitoring?: boolean;
  /**
   * Plan IAM Identity Center in this section (`identityCenter.enabled`): once per run, over the
   * repository's FULL desired state (not an account's cut) and every account of the run. The
   * snapshot is `actual.identityCenter`. Absent → Identity Center is not planned here (its people
   * are still left out of IAM).
   */
  identityCenter?: { full: DesiredState; accounts: IcAccount[] };
}

export interface DiffResult {
  /** Ordered: every operation after the ones it depends on. */
  operations: Operation[];
  /** Problems that refuse the plan. */
  errors: string[];
  /** Warnings about what is live that the plan cannot change (Identity Center's relay state). */
  findings: Finding[];
  /**
   * IAM resources found exactly as desired (reported as one count, never as operations); with the
   * monitoring baseline's when it was planned.
   */
  unchanged: Unchanged & { monitoring?: MonitoringUnchanged; identityCenter?: IdentityCenterUnchanged };
}

export function diff(full: DesiredState, actual: ActualState, opts: DiffOptions = {}): DiffResult {
  // Identity Center people are not IAM users (a person who moves is offboarded from IAM here).
  const desired = iamPart(full);
  const ctx = newContext(desired, actual);
  planPolicies(ctx);
  planGroups(ctx);
  planUsers(ctx);
  planGroupDeletions(ctx);
  planPolicyDeletions(ctx);
  checkSender(ctx.ops.all(), desired, actual, ctx.errors);
  ctx.errors.push(...icDisabledErrors(full));

  let ic: Operation[] = [];
  const findings: Finding[] = [];
  let icUnchanged: IdentityCenterUnchanged | undefined;
  if (opts.identityCenter && full.config.identityCenter.enabled) {
    if (!actual.identityCenter) {
      ctx.errors.push(
        'identityCenter is enabled but Identity Center was not read for this plan; plan against the live account',
      );
    } else {
      const p = planIdentityCenter(
        opts.identityCenter.full,
        actual.identityCenter,
        opts.identityCenter.accounts,
      );
      ic = p.operations;
      ctx.errors.push(...p.errors);
      findings.push(...p.findings);
      icUnchanged = p.unchanged;
      checkIcSender(ic, full, actual, ctx.errors);
    }
  }

  let monitoring: Operation[] = [];
  let monitoringUnchanged: MonitoringUnchanged | undefined;
  if (opts.monitoring !== false) {
    const m = planMonitoring(desired.config.monitoring, actual.monitoring, {
      accountId: actual.accountId,
      region: actual.region,
      adopt: desired.config.adopt,
    });
    monitoring = m.operations;
    ctx.errors.push(...m.errors);
    monitoringUnchanged = {
      enabled: desired.config.monitoring.enabled,
      count: m.unchanged,
      byType: m.unchangedByType,
      ...(m.pending.length ? { pending: m.pending } : {}),
    };
  }
  return {
    operations: orderOperations(ctx.ops.all(), [...ic, ...monitoring]),
    errors: ctx.errors,
    findings,
    unchanged: {
      ...ctx.unchanged,
      ...(monitoringUnchanged ? { monitoring: monitoringUnchanged } : {}),
      ...(icUnchanged ? { identityCenter: icUnchanged } : {}),
    },
  };
}

/** A person the CSV puts in Identity Center while it is off would silently become an IAM user: refuse. */
function icDisabledErrors(desired: DesiredState): string[] {
  if (desired.config.identityCenter.enabled) return [];
  return desired.users
    .filter((u) => u.identity === 'identity-center')
    .map(
      (u) =>
        `${u.name} (${u.source.file}${u.source.line > 0 ? `:${u.source.line}` : ''}) has identity identity-center, but ` +
        'identityCenter.enabled is not true in iam-gitops.yml; enable Identity Center there, or set identity to iam',
    );
}

/** Identity Center's welcome mails need the same sender as IAM's. */
function checkIcSender(ops: Operation[], desired: DesiredState, actual: ActualState, errors: string[]): void {
  const mails = ops.filter((o) => o.type === 'ic-email').length;
  if (mails === 0) return;
  const { from, region } = desired.config.email;
  if (!from) {
    errors.push(
      `${mails} Identity Center welcome ${mails === 1 ? 'mail is' : 'mails are'} planned but email.from is not set in ` +
        `iam-gitops.yml; set it to an SES-verified address`,
    );
  } else if (actual.sesSenderVerified === false && !errors.some((e) => e.startsWith(`email.from `))) {
    errors.push(
      `email.from ${maskEmail(from)} is not a verified SES identity in ${region}; verify the address or its domain in ` +
        `SES (${region}) before new people can be mailed`,
    );
  }
}

/** A welcome mail that cannot be sent is better refused now than discovered half-way through apply. */
function checkSender(ops: Operation[], desired: DesiredState, actual: ActualState, errors: string[]): void {
  const mails = ops.filter((o) => o.type === 'email').length;
  if (mails === 0) return;
  const { from, region } = desired.config.email;
  if (!from) {
    errors.push(
      `${mails} welcome ${mails === 1 ? 'mail is' : 'mails are'} planned but email.from is not set in ` +
        `iam-gitops.yml; set it to an SES-verified address`,
    );
  } else if (actual.sesSenderVerified === false) {
    errors.push(
      // Masked here: this text reaches the comment and refusal details, which quote it as it is.
      `email.from ${maskEmail(from)} is not a verified SES identity in ${region}; verify the address or its domain in ` +
        `SES (${region}) before new users can be mailed`,
    );
  }
}
