/**
 * The plan pipeline shared by the CLI and the action: files → desired state → lint →
 * actual state (live or empty) → plan.
 */
import type { AwsClients } from './aws/clients.js';
import { readActualState, refreshLoginProfiles, type ReadOptions } from './targets/read-account.js';
import { withGate, type GateSettings } from './config/gate.js';
import { loadDesired, type LoadResult } from './desired/index.js';
import { applyIgnores } from './lint/ignore.js';
import { lintDesired, sortFindings, type LintResult } from './lint/index.js';
import { emptyActualState, type ActualState } from './model/actual.js';
import type { DesiredState } from './model/desired.js';
import type { Diagnostic } from './model/diagnostic.js';
import type { Plan } from './model/plan.js';
import { emptyIdentityCenterSnapshot } from './model/identity-center.js';
import { diff } from './targets/plan.js';
import type { IcAccount } from './targets/identity-center/desired.js';
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
  /** The account name when this is one section of a plan over many accounts. */
  account?: string;
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
  /**
   * IAM Identity Center, when `identityCenter.enabled`: planned in this account over the whole
   * files and every account of the run (the default account's section), or `false`: neither read
   * nor planned here (the other sections). Absent: a single-account repository, which plans it
   * with its one account.
   */
  identityCenter?: { full: DesiredState; accounts: IcAccount[] } | false;
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
  // A section lints its account's cut: Identity Center people with the permission sets assigned there.
  const lint = lintDesired(desired, { now: new Date(), ...(opts.account ? { account: opts.account } : {}) });

  const clients = opts.clients;
  if (!opts.offline && !clients) throw new Error('runPlan: AWS clients are required unless offline');
  const before = clients?.calls.snapshot() ?? {};
  const started = Date.now();
  const planIc = desired.config.identityCenter.enabled && opts.identityCenter !== false;
  let actual: ActualState;
  if (opts.offline || !clients) {
    actual = emptyActualState(
      opts.offlineAccountId ?? OFFLINE_ACCOUNT_ID,
      clients?.region ?? opts.region ?? 'us-east-1',
    );
    if (planIc) actual.identityCenter = emptyIdentityCenterSnapshot(actual.region);
  } else {
    opts.onPhase?.('account');
    actual = await readActualState(clients, desired.config, { ...opts.read, identityCenter: planIc });
  }

  opts.onPhase?.('diff');
  // Identity Center: a single-account repository's assignments go to its one account.
  const diffOpts = planIc
    ? { identityCenter: opts.identityCenter || { full: desired, accounts: [soleAccount(desired, actual)] } }
    : {};
  let result = diff(desired, actual, diffOpts);
  if (!opts.offline && clients) {
    // The credential report may be hours old: confirm the console changes it suggests, then plan again.
    const existing = new Set(actual.users.map((u) => u.name));
    const toConfirm = result.operations
      .filter((o) => o.type === 'login-profile' && existing.has(String(o.details.user)))
      .map((o) => String(o.details.user));
    if (await refreshLoginProfiles(clients, actual, toConfirm)) result = diff(desired, actual, diffOpts);
  }

  // What the diff found live and cannot change joins the lint findings (and obeys lint.ignore).
  const live = applyIgnores(result.findings, desired.config.lint.ignore);
  const checked: LintResult =
    result.findings.length > 0
      ? {
          ...lint,
          findings: sortFindings([...lint.findings, ...live.kept]),
          ignored: [...lint.ignored, ...live.ignored],
        }
      : lint;
  const plan: Plan = {
    hash: planHash(result.operations, opts.repo),
    changes: result.operations,
    findings: checked.findings,
    stats: {
      awsCalls: callsSince(before, clients?.calls.snapshot() ?? {}),
      durationMs: Date.now() - started,
    },
    errors: result.errors,
    offline: opts.offline,
    accountId: actual.accountId,
    unchanged: result.unchanged,
  };
  return { desired, actual, lint: checked, plan };
}

/**
 * The one account of a single-account plan, as the plan lines, the comment and the welcome mail
 * name it: its name under `accounts:` when declared there, else its id (a reader knows the id;
 * a name the files never wrote would say nothing).
 */
function soleAccount(desired: DesiredState, actual: ActualState): IcAccount {
  const declared = desired.config.accounts.find((a) => a.id === actual.accountId);
  return { name: declared?.name ?? actual.accountId, id: actual.accountId };
}

/** The calls this run made, when the CallLog was already in use. */
function callsSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, n] of Object.entries(after)) {
    const d = n - (before[k] ?? 0);
    if (d > 0) out[k] = d;
  }
  return out;
}
