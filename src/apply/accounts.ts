/**
 * Apply over many accounts: each section of a MultiPlanRun is applied by the same executor as a
 * single-account plan, with that account's apply clients, a few accounts at once. An account
 * that fails (its plan failed, its plan changed since approval, its role cannot be assumed, an
 * operation failed) is reported and does not stop the others; every handler is idempotent, so
 * running that account again alone (`only: [name]`) converges.
 */
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { errorMessage } from '../aws/clients.js';
import type { Operation } from '../model/plan.js';
import {
  DEFAULT_ACCOUNT_CONCURRENCY,
  eachBounded,
  type ClientsFor,
  type MultiPlanRun,
} from '../pipeline-accounts.js';
import { applyPlan, type ApplyOptions } from './executor.js';
import type { ApplyReport } from './report.js';
import type { Clock } from './send-quota.js';

export interface AccountApplyResult {
  account: string;
  accountId: string;
  /** True when the account was applied without a failure, or had nothing to do. */
  ok: boolean;
  /** null when nothing ran in the account (nothing to do, or refused before the first write). */
  report: ApplyReport | null;
  /** Why the account is not ok; null when it is. */
  error: string | null;
}

export interface AccountApplyOptions {
  run: MultiPlanRun & { ok: true };
  clientsFor: ClientsFor;
  /** Accounts applied at once; default 4 (each also runs its operations with bounded concurrency). */
  concurrency?: number;
  /** Apply only these accounts (a matrix job, or the retry of a failed account). */
  only?: string[];
  /**
   * The approved hash of each section: a section whose fresh hash differs, or that has none, is
   * refused (and reported); the others go on. Absent: the caller already checked the approval.
   */
  approved?: Record<string, string>;
  /** Called with every secret the moment it exists. */
  maskSecret: (value: string) => void;
  /** Progress lines for the log, per account; never secrets. */
  log?: (account: string, message: string) => void;
  clock?: Clock;
  /** Called after each operation that ran, with its account. */
  afterEach?: (account: string, op: Operation) => void;
  onAccount?: (account: string, phase: 'start' | 'done' | 'failed') => void;
  /** The executor's options (handlers, retry, operation concurrency) for every account. */
  executor?: Omit<ApplyOptions, 'afterEach'>;
}

export async function applyAccounts(opts: AccountApplyOptions): Promise<AccountApplyResult[]> {
  const { run } = opts;
  const sections = run.multi.sections.filter((s) => !opts.only || opts.only.includes(s.account));
  const results: AccountApplyResult[] = new Array(sections.length);
  await eachBounded(sections, opts.concurrency ?? DEFAULT_ACCOUNT_CONCURRENCY, async (section, i) => {
    const { account, accountId } = section;
    const done = (ok: boolean, report: ApplyReport | null, error: string | null): void => {
      results[i] = { account, accountId, ok, report, error };
      opts.onAccount?.(account, ok ? 'done' : 'failed');
    };
    opts.onAccount?.(account, 'start');
    const plan = section.plan;
    const one = run.runs[account];
    if (!plan || !one) return done(false, null, `not planned: ${section.error ?? 'unknown error'}`);
    if (opts.approved) {
      const want = opts.approved[account];
      if (want === undefined) return done(false, null, 'refused: this account has no approved plan');
      if (want !== plan.hash)
        return done(
          false,
          null,
          `refused: the plan of this account changed since it was approved (approved ${want}, now ${plan.hash}); ` +
            'plan again, review and approve the new plan',
        );
    }
    if (plan.errors.length > 0)
      return done(false, null, `refused: the plan has errors: ${plan.errors.join('; ')}`);
    if (plan.changes.length === 0) return done(true, null, null);
    try {
      const resolved = run.accounts?.find((a) => a.name === account);
      if (!resolved) return done(false, null, `account '${account}' is not among the accounts of this run`);
      const clients = await opts.clientsFor(resolved, 'apply');
      // Before the first write: the apply credentials must reach the account this section planned.
      const who = await clients.sts.send(new GetCallerIdentityCommand({}));
      if (who.Account !== accountId)
        return done(
          false,
          null,
          `refused: the apply credentials for '${account}' reach account ${who.Account ?? '?'}, not ${accountId}; ` +
            'check its applyRole (or the hub member role)',
        );
      const report = await applyPlan(
        plan,
        {
          clients,
          accountId,
          region: clients.region,
          desired: one.desired,
          // The plan's read, seconds old: handlers take existence and ownership from it.
          actual: one.actual,
          maskSecret: opts.maskSecret,
          log: (m) => opts.log?.(account, m),
          ...(opts.clock ? { clock: opts.clock } : {}),
        },
        { ...opts.executor, afterEach: (op) => opts.afterEach?.(account, op) },
      );
      const bad = report.counts.failed + report.counts.skipped;
      done(report.ok, report, report.ok ? null : `${bad} operation${bad === 1 ? '' : 's'} failed or skipped`);
    } catch (err) {
      done(false, null, errorMessage(err));
    }
  });
  return results;
}
