/** The executor's contract with the code that carries out each operation type. */
import type { AwsClients } from '../aws/clients.js';
import type { ActualState } from '../model/actual.js';
import type { DesiredState } from '../model/desired.js';
import type { Operation } from '../model/plan.js';
import type { Clock } from './send-quota.js';

export interface ApplyContext {
  clients: AwsClients;
  accountId: string;
  region: string;
  desired: DesiredState;
  /**
   * The account as the plan read it (the same run, seconds earlier). Handlers take existence and
   * ownership from it instead of asking again; without it, every handler reads what it needs.
   */
  actual?: ActualState;
  /** Called with every secret the moment it exists (core.setSecret in the action). */
  maskSecret(value: string): void;
  /** Progress lines for the log; never secrets. */
  log(message: string): void;
  /** Time for pacing the welcome mails to the SES send rate; the real clock when absent. */
  clock?: Clock;
}

export interface OperationOutcome {
  /**
   * `done`: a write was made; `already-done`: the state was already right (idempotent re-run);
   * `deferred`: left for the next run on purpose (a welcome mail beyond the SES daily quota).
   */
  status: 'done' | 'already-done' | 'deferred';
  note?: string;
}

export type OperationHandler = (op: Operation, ctx: ApplyContext) => Promise<OperationOutcome>;
