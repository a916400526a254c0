/**
 * The plan pipeline shared by the CLI and the action: files → desired state → lint →
 * actual state (live or empty) → plan.
 */
import type { AwsClients } from './aws/clients.js';
import type { ActualState } from './model/actual.js';
import type { DesiredState } from './model/desired.js';
import type { Diagnostic } from './model/diagnostic.js';
import type { Plan } from './model/plan.js';
import type { LintResult } from './lint/index.js';

export interface PlanRunOptions {
  dir: string;
  configPath?: string;
  /** Repository identity the hash is bound to, e.g. `owner/repo` (CLI: the git remote or dir name). */
  repo: string;
  /** Plan against an empty account instead of reading AWS. */
  offline: boolean;
  /** Required unless offline. */
  clients?: AwsClients;
}

export type PlanRun =
  | { ok: false; diagnostics: Diagnostic[] }
  | {
      ok: true;
      diagnostics: Diagnostic[];
      desired: DesiredState;
      actual: ActualState;
      lint: LintResult;
      plan: Plan;
    };

export async function runPlan(_opts: PlanRunOptions): Promise<PlanRun> {
  throw new Error('runPlan: not implemented yet');
}
