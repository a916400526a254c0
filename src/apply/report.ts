/** The outcome of an apply: per operation, per user created or deleted, per welcome mail. */
import type { ChangeAction, ChangeType, EmailDetails, Operation } from '../model/plan.js';

export interface OperationResult {
  id: string;
  type: ChangeType;
  action: ChangeAction;
  name: string;
  /** `deferred`: left for the next run on purpose (see OperationOutcome). */
  status: 'done' | 'already-done' | 'deferred' | 'failed' | 'skipped';
  note?: string;
  /** failed: what went wrong. */
  error?: string;
  /** skipped: the id of the failed operation it depends on. */
  skippedBecause?: string;
}

export type MailStatus = 'sent' | 'already-sent' | 'deferred' | 'failed' | 'not-sent';

export interface MailResult {
  user: string;
  status: MailStatus;
  error?: string;
  /** deferred: why, and when it goes. */
  note?: string;
}

/** The AWS calls the apply made (reads and writes; the plan's own read is in plan.stats). */
export interface ApplyCalls {
  total: number;
  /** Per AWS operation, e.g. `{"iam:CreateUser": 10}`. */
  byApi: Record<string, number>;
  /** Per plan operation type, e.g. `{user: 10, email: 20}`. */
  byType: Record<string, number>;
}

export interface ApplyReport {
  /** True when no operation failed or was skipped. */
  ok: boolean;
  results: OperationResult[];
  createdUsers: string[];
  deletedUsers: string[];
  mail: MailResult[];
  /** `deferred` only when some operation was. */
  counts: Record<Exclude<OperationResult['status'], 'deferred'>, number> & { deferred?: number };
  /** Absent when the clients keep no call log (unit tests with stub handlers). */
  calls?: ApplyCalls;
}

const MAIL_STATUS: Record<OperationResult['status'], MailStatus> = {
  done: 'sent',
  'already-done': 'already-sent',
  deferred: 'deferred',
  failed: 'failed',
  skipped: 'not-sent',
};

export function buildReport(changes: Operation[], results: OperationResult[]): ApplyReport {
  const byId = new Map(changes.map((op) => [op.id, op]));
  const counts: ApplyReport['counts'] = { done: 0, 'already-done': 0, failed: 0, skipped: 0 };
  for (const r of results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  const users = (action: ChangeAction): string[] =>
    results
      // IAM users and Identity Center people alike (the same name twice when a person moved).
      .filter(
        (r) =>
          (r.type === 'user' || r.type === 'ic-user') &&
          r.action === action &&
          r.status === 'done' &&
          r.note !== 'adopted',
      )
      .map((r) => r.name);
  const mail = results
    .filter((r) => r.type === 'email' || r.type === 'ic-email')
    .map((r): MailResult => {
      const user = (byId.get(r.id)!.details as unknown as EmailDetails).user ?? r.name;
      return {
        user,
        status: MAIL_STATUS[r.status],
        ...(r.error ? { error: r.error } : {}),
        ...(r.status === 'deferred' && r.note ? { note: r.note } : {}),
      };
    });
  return {
    ok: counts.failed === 0 && counts.skipped === 0,
    results,
    createdUsers: users('create'),
    deletedUsers: users('delete'),
    mail,
    counts,
  };
}

const MARK: Record<OperationResult['status'], string> = {
  done: '✓',
  'already-done': '=',
  deferred: '…',
  failed: '✗',
  skipped: '-',
};

function operationLine(r: OperationResult): string {
  const tail =
    r.status === 'failed'
      ? `: ${r.error}`
      : r.status === 'skipped'
        ? ` (skipped: ${r.skippedBecause} failed)`
        : r.status === 'already-done'
          ? ' (already done)'
          : r.status === 'deferred'
            ? ` (${r.note ?? 'deferred'})`
            : '';
  return `${MARK[r.status]} ${r.action} ${r.type} ${r.name}${tail}`;
}

/** Every operation, one line each (the GitHub report folds this list away). Never a secret. */
export function formatOperations(report: ApplyReport): string {
  return report.results.map(operationLine).join('\n') + '\n';
}

/**
 * The closing summary for the CLI and the log: counts, users created and deleted, the mail per
 * user, and only the operations that failed or were skipped (the progress lines already named
 * the rest). Holds names and errors, never a secret.
 */
export function formatApplyReport(report: ApplyReport): string {
  const c = report.counts;
  const lines: string[] = [countsLine(c)];
  if (report.createdUsers.length > 0) lines.push(`Created users: ${report.createdUsers.join(', ')}`);
  if (report.deletedUsers.length > 0) lines.push(`Deleted users: ${report.deletedUsers.join(', ')}`);
  for (const m of report.mail) {
    const why = m.error ? ` (${m.error}); the next run retries it` : m.note ? ` (${m.note})` : '';
    lines.push(`Welcome mail for ${m.user}: ${m.status}${why}`);
  }
  if (report.calls) lines.push(...formatCalls(report.calls, report.createdUsers.length));
  for (const status of ['failed', 'skipped'] as const) {
    const rs = report.results.filter((r) => r.status === status);
    if (rs.length === 0) continue;
    lines.push('', `${status === 'failed' ? 'Failed' : 'Skipped'} (${rs.length}):`);
    for (const r of rs) lines.push(`  ${operationLine(r)}`);
  }
  return lines.join('\n') + '\n';
}

/** `3 applied, 0 already done, 0 failed, 0 skipped[, 2 deferred].` */
export function countsLine(c: ApplyReport['counts']): string {
  const deferred = c.deferred ? `, ${c.deferred} deferred` : '';
  return `${c.done} applied, ${c['already-done']} already done, ${c.failed} failed, ${c.skipped} skipped${deferred}.`;
}

const list = (counts: Record<string, number>): string =>
  Object.entries(counts)
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');

/** `AWS calls: 50 (5.0 per created user); by operation type: …; by AWS operation: …`. */
export function formatCalls(calls: ApplyCalls, createdUsers: number): string[] {
  const perUser = createdUsers > 0 ? ` (${(calls.total / createdUsers).toFixed(1)} per created user)` : '';
  const lines = [`AWS calls: ${calls.total}${perUser}`];
  if (calls.total > 0) {
    lines.push(`  by operation type: ${list(calls.byType)}`, `  by AWS operation: ${list(calls.byApi)}`);
  }
  return lines;
}
