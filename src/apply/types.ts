/** The executor's contract with the code that carries out each operation type. */
import type { AwsClients } from '../aws/clients.js';
import type { ActualState } from '../model/actual.js';
import type { DesiredState } from '../model/desired.js';
import type { Operation } from '../model/plan.js';

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
}

export interface OperationOutcome {
  /** `done`: a write was made; `already-done`: the state was already right (idempotent re-run). */
  status: 'done' | 'already-done';
  note?: string;
}

export type OperationHandler = (op: Operation, ctx: ApplyContext) => Promise<OperationOutcome>;
