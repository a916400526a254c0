/**
 * Runs a plan's operations in dependency order with bounded concurrency. Every handler is
 * idempotent, so a run after a crash, or the same plan applied twice, converges. A failed
 * operation does not stop independent ones; everything that depends on it is skipped.
 */
import { CallLog, inCallScope } from '../aws/calls.js';
import { errorMessage } from '../aws/clients.js';
import { describeRetry, withRetry, type RetryOptions } from '../aws/retry.js';
import type { ChangeType, Operation, Plan } from '../model/plan.js';
import { defaultHandlers } from '../targets/handlers.js';
import type { ApplyContext, OperationHandler } from './types.js';
import { ReadyQueue } from './ready-queue.js';
import { buildReport, type ApplyReport, type OperationResult } from './report.js';

export interface ApplyOptions {
  /** Operations in flight at once; default 4. */
  concurrency?: number;
  /** Called after each operation that ran (done, already done or failed); a throw aborts the run. */
  afterEach?: (op: Operation) => void;
  /** Defaults to the IAM handlers plus monitoringHandlers. */
  handlers?: Partial<Record<ChangeType, OperationHandler>>;
  retry?: RetryOptions;
  /** Called on every comparison of the ready queue (tests count the executor's work with it). */
  onQueueStep?: () => void;
}

export class PlanRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PlanRefusedError';
  }
}

/** Checks ids, dependencies and cycles before anything is written. */
export function validatePlanGraph(changes: Operation[]): void {
  const ids = new Set<string>();
  for (const op of changes) {
    if (ids.has(op.id)) throw new PlanRefusedError(`the plan has two operations with id ${op.id}`);
    ids.add(op.id);
  }
  for (const op of changes) {
    for (const dep of op.dependsOn) {
      if (!ids.has(dep))
        throw new PlanRefusedError(`operation ${op.id} depends on ${dep}, which is not in the plan`);
    }
  }
  const state = new Map<string, 'visiting' | 'done'>();
  const byId = new Map(changes.map((op) => [op.id, op]));
  const visit = (id: string, trail: string[]): void => {
    const s = state.get(id);
    if (s === 'done') return;
    if (s === 'visiting')
      throw new PlanRefusedError(`the plan has a dependency cycle: ${[...trail, id].join(' → ')}`);
    state.set(id, 'visiting');
    for (const dep of byId.get(id)!.dependsOn) visit(dep, [...trail, id]);
    state.set(id, 'done');
  };
  for (const op of changes) visit(op.id, []);
}

export async function applyPlan(
  plan: Plan,
  ctx: ApplyContext,
  opts: ApplyOptions = {},
): Promise<ApplyReport> {
  if (plan.errors.length > 0) {
    throw new PlanRefusedError(
      `the plan cannot be applied:\n${plan.errors.map((e) => `  - ${e}`).join('\n')}`,
    );
  }
  if (plan.offline)
    throw new PlanRefusedError('an offline plan cannot be applied; plan against the live account');
  validatePlanGraph(plan.changes);
  const handlers = opts.handlers ?? defaultHandlers();
  const callLog = ctx.clients?.calls as CallLog | undefined;
  const callsBefore = callLog && { api: { ...callLog.counts }, type: { ...callLog.byScope } };
  const concurrency = Math.max(1, opts.concurrency ?? 4);

  const index = new Map(plan.changes.map((op, i) => [op.id, i]));
  const results = new Map<string, OperationResult>();
  const waiting = new Map(plan.changes.map((op) => [op.id, new Set(op.dependsOn)]));
  const dependents = new Map<string, Operation[]>(plan.changes.map((op) => [op.id, []]));
  for (const op of plan.changes) for (const dep of op.dependsOn) dependents.get(dep)!.push(op);

  // Plan order among the ready ones keeps runs predictable.
  const ready = new ReadyQueue<Operation>(
    (op) => index.get(op.id)!,
    plan.changes.filter((op) => op.dependsOn.length === 0),
    opts.onQueueStep,
  );
  const running = new Set<Promise<void>>();
  const abort: { error?: unknown; set: boolean } = { set: false };

  const skipDependents = (failed: Operation, cause: string): void => {
    for (const dep of dependents.get(failed.id)!) {
      if (results.has(dep.id)) continue;
      results.set(dep.id, { ...summary(dep), status: 'skipped', skippedBecause: cause });
      ctx.log(`- skipped ${label(dep)}: depends on ${cause}, which failed`);
      skipDependents(dep, cause);
    }
  };

  const finish = (op: Operation, result: OperationResult): void => {
    results.set(op.id, result);
    if (result.status === 'failed') {
      skipDependents(op, op.id);
    } else {
      for (const dep of dependents.get(op.id)!) {
        const w = waiting.get(dep.id)!;
        w.delete(op.id);
        if (w.size === 0 && !results.has(dep.id)) ready.push(dep);
      }
    }
    if (opts.afterEach) {
      try {
        opts.afterEach(op);
      } catch (err) {
        if (!abort.set) Object.assign(abort, { set: true, error: err });
      }
    }
  };

  const run = async (op: Operation): Promise<void> => {
    if (op.action === 'no-op') {
      finish(op, { ...summary(op), status: 'already-done', note: 'no change' });
      return;
    }
    const handler = handlers[op.type];
    try {
      if (!handler) throw new Error(`no handler for operation type ${op.type}`);
      // Calls are counted per operation type for the report (CallLog.byScope).
      const outcome = await withRetry(() => inCallScope(op.type, () => handler(op, ctx)), {
        ...opts.retry,
        onRetry: (err, attempt, delay) => {
          ctx.log(`  ${label(op)}: ${describeRetry(err, attempt, delay)}`);
          opts.retry?.onRetry?.(err, attempt, delay);
        },
      });
      ctx.log(
        outcome.status === 'done'
          ? `✓ ${label(op)}`
          : outcome.status === 'deferred'
            ? `… ${label(op)} (${outcome.note ?? 'deferred'})`
            : `= ${label(op)} (already done)`,
      );
      finish(op, { ...summary(op), status: outcome.status, ...(outcome.note ? { note: outcome.note } : {}) });
    } catch (err) {
      const error = errorMessage(err);
      ctx.log(`✗ ${label(op)}: ${error}`);
      finish(op, { ...summary(op), status: 'failed', error });
    }
  };

  while (!abort.set && (ready.size > 0 || running.size > 0)) {
    while (!abort.set && ready.size > 0 && running.size < concurrency) {
      const op = ready.pop()!;
      const p: Promise<void> = run(op).finally(() => running.delete(p));
      running.add(p);
    }
    if (running.size > 0) await Promise.race(running);
  }
  await Promise.all(running);
  if (abort.set) throw abort.error;

  const ordered = plan.changes.map((op) => results.get(op.id)!);
  const report = buildReport(plan.changes, ordered);
  if (callLog && callsBefore) {
    const byApi = CallLog.since(callsBefore.api, callLog.counts);
    report.calls = {
      total: Object.values(byApi).reduce((a, b) => a + b, 0),
      byApi,
      byType: CallLog.since(callsBefore.type, callLog.byScope),
    };
  }
  return report;
}

function summary(op: Operation): Pick<OperationResult, 'id' | 'type' | 'action' | 'name'> {
  return { id: op.id, type: op.type, action: op.action, name: op.name };
}

function label(op: Operation): string {
  return `${op.action} ${op.type} ${op.name}`;
}

export type { ApplyReport, OperationResult } from './report.js';
