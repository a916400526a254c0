/**
 * The plan pipeline shared by the CLI and the action: files → desired state → lint →
 * actual state (live or empty) → plan.
 */
import type { AwsClients } from './aws/clients.js';
import { readActualState, refreshLoginProfiles, type ReadOptions } from './targets/read-account.js';
import { withGate, type GateSettings } from './config/gate.js';
import { loadDesired, type LoadResult } from './desired/index.js';
import { lintDesired, type LintResult } from './lint/index.js';
import { emptyActualState, type ActualState } from './model/actual.js';
import type { DesiredState } from './model/desired.js';
import type { Diagnostic } from './model/diagnostic.js';
import type { Plan } from './model/plan.js';
import { diff } from './targets/plan.js';
import { planHash } from './plan/hash.js';

export interface PlanRunOptions {
  dir: string;
  configPath?: string;
  /** Repository identity the hash is bound to, e.g. `owner/repo` (CLI: the git remote or dir name). */
  repo: string;
  /** Plan against an empty account instead of reading AWS. */
  offline: boolean;
  /** Required unless offline. */
  clients?: AwsClients;
  /** Region for offline plans (live plans use the clients' region). */
  region?: string;
  /** Reader options (an injectable sleep while the credential report is generated). */
  read?: ReadOptions;
  /** The gate settings in force (on GitHub: the stricter of base and head), replacing the files' own. */
  gate?: GateSettings;
  /** The files as already read and validated (the flows read them before AWS); read here when absent. */
  loaded?: LoadResult;
  /** Told when each phase starts, for progress on a terminal. */
  onPhase?: (phase: PlanPhase) => void;
}

/** The phases of a plan run, in order; `account` only when the plan reads AWS. */
export type PlanPhase = 'files' | 'lint' | 'account' | 'diff';

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

/** Offline plans name no real account. */
export const OFFLINE_ACCOUNT_ID = '000000000000';

export async function runPlan(opts: PlanRunOptions): Promise<PlanRun> {
  const loaded = await loadForPlan(opts);
  if (!loaded.ok) return loaded;
  const one = await planAccount(loaded.desired, {
    repo: opts.repo,
    offline: opts.offline,
    clients: opts.clients,
    region: opts.region,
    read: opts.read,
    onPhase: opts.onPhase,
  });
  return { ok: true, diagnostics: loaded.diagnostics, ...one };
}

/** The files, read (or taken as already read) and validated, with the gate in force applied. */
export async function loadForPlan(
  opts: Pick<PlanRunOptions, 'dir' | 'configPath' | 'gate' | 'loaded' | 'onPhase'>,
): Promise<
  { ok: false; diagnostics: Diagnostic[] } | { ok: true; diagnostics: Diagnostic[]; desired: DesiredState }
> {
  opts.onPhase?.('files');
  const loaded = opts.loaded ?? (await loadDesired(opts.dir, { configPath: opts.configPath }));
  const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
  if (!loaded.state || errors.length > 0) return { ok: false, diagnostics: loaded.diagnostics };
  const desired = opts.gate
    ? { ...loaded.state, config: withGate(loaded.state.config, opts.gate) }
    : loaded.state;
  return { ok: true, diagnostics: loaded.diagnostics, desired };
}

export interface AccountPlanOptions {
  /** What the hash is bound to: the repository, or for one section of many, sectionRepo(repo, id). */
  repo: string;
  offline: boolean;
  /** Required unless offline. */
  clients?: AwsClients;
  region?: string;
  /** The account an offline plan names (default OFFLINE_ACCOUNT_ID). */
  offlineAccountId?: string;
  read?: ReadOptions;
  onPhase?: (phase: PlanPhase) => void;
}

export interface AccountPlan {
  desired: DesiredState;
  actual: ActualState;
  lint: LintResult;
  plan: Plan;
}

/**
 * One account: lint → read (live or empty) → diff → plan. The single-account plan and each
 * section of a plan over many accounts are this same function, so they cannot drift apart.
 */
export async function planAccount(desired: DesiredState, opts: AccountPlanOptions): Promise<AccountPlan> {
  // Date conditions (aws:CurrentTime, aws:TokenIssueTime) are decided against the time of the plan.
  opts.onPhase?.('lint');
  const lint = lintDesired(desired, { now: new Date() });

  const clients = opts.clients;
  if (!opts.offline && !clients) throw new Error('runPlan: AWS clients are required unless offline');
  const before = clients?.calls.snapshot() ?? {};
  const started = Date.now();
  let actual: ActualState;
  if (opts.offline || !clients) {
    actual = emptyActualState(
      opts.offlineAccountId ?? OFFLINE_ACCOUNT_ID,
      clients?.region ?? opts.region ?? 'us-east-1',
    );
  } else {
    opts.onPhase?.('account');
    actual = await readActualState(clients, desired.config, opts.read);
  }

  opts.onPhase?.('diff');
  let result = diff(desired, actual);
  if (!opts.offline && clients) {
    // The credential report may be hours old: confirm the console changes it suggests, then plan again.
    const existing = new Set(actual.users.map((u) => u.name));
    const toConfirm = result.operations
      .filter((o) => o.type === 'login-profile' && existing.has(String(o.details.user)))
      .map((o) => String(o.details.user));
    if (await refreshLoginProfiles(clients, actual, toConfirm)) result = diff(desired, actual);
  }

  const plan: Plan = {
    hash: planHash(result.operations, opts.repo),
    changes: result.operations,
    findings: lint.findings,
    stats: {
      awsCalls: callsSince(before, clients?.calls.snapshot() ?? {}),
      durationMs: Date.now() - started,
    },
    errors: result.errors,
    offline: opts.offline,
    accountId: actual.accountId,
    unchanged: result.unchanged,
  };
  return { desired, actual, lint, plan };
}

/** The calls this run made, when the CallLog was already in use. */
export function callsSince(
  before: Record<string, number>,
  after: Record<string, number>,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(after)) {
    const d = n - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}
