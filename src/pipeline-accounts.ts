/**
 * The plan over many accounts: the files are read and validated once, then each account is one
 * section planned by the same per-account function as a single-account plan (planAccount): its
 * cut of the desired state (desiredFor) → lint → read with that account's clients → diff → a
 * plan whose hash is bound to the repository and that account. An account that cannot be
 * planned (a role that cannot be assumed, a read that fails) becomes a section with its error;
 * the others stand. The combined hash binds every section planned.
 */
import { desiredFor } from './accounts/project.js';
import { multiPlanHash, sectionRepo } from './accounts/hash.js';
import type { ClientsFor, Purpose } from './accounts/credentials.js';
import { errorMessage } from './aws/clients.js';
import type { LintResult } from './lint/index.js';
import type { AccountSection, MultiPlan, ResolvedAccount } from './model/accounts.js';
import type { ActualState } from './model/actual.js';
import type { DesiredState } from './model/desired.js';
import type { Diagnostic } from './model/diagnostic.js';
import type { Plan } from './model/plan.js';
import { closest } from './suggest.js';
import { loadForPlan, planAccount, type PlanRunOptions } from './pipeline.js';

export type { ClientsFor, Purpose };

export interface MultiPlanOptions extends Omit<PlanRunOptions, 'clients'> {
  accounts: ResolvedAccount[];
  /** Required unless offline. */
  clientsFor?: ClientsFor;
  /** Plan only these account names (a matrix job); the hash still covers only the sections planned. */
  only?: string[];
  /** Accounts planned at once; default 4. */
  concurrency?: number;
  onAccount?: (account: string, phase: 'start' | 'done' | 'failed') => void;
}

export interface AccountRun {
  desired: DesiredState;
  actual: ActualState;
  lint: LintResult;
  plan: Plan;
}

export type MultiPlanRun =
  | { ok: false; diagnostics: Diagnostic[] }
  | {
      ok: true;
      diagnostics: Diagnostic[];
      desired: DesiredState;
      multi: MultiPlan;
      /** Per account name: what runPlan returns for that account (absent when the account failed). */
      runs: Record<string, AccountRun>;
      /** The accounts planned, in section order (applyAccounts takes their roles from here). */
      accounts?: ResolvedAccount[];
    };

export const DEFAULT_ACCOUNT_CONCURRENCY = 4;

export async function runPlanAccounts(opts: MultiPlanOptions): Promise<MultiPlanRun> {
  const loaded = await loadForPlan(opts);
  if (!loaded.ok) return loaded;
  const { desired } = loaded;
  const allNames = opts.accounts.map((a) => a.name);
  const unknown = unknownAccounts(opts.only ?? [], allNames, opts.configPath ?? 'iam-gitops.yml');
  if (unknown.length) return { ok: false, diagnostics: [...loaded.diagnostics, ...unknown] };
  if (!opts.offline && !opts.clientsFor)
    throw new Error('runPlanAccounts: clientsFor is required unless offline');
  const chosen = opts.only ? opts.accounts.filter((a) => opts.only!.includes(a.name)) : opts.accounts;

  const sections: AccountSection[] = new Array(chosen.length);
  const runs: Record<string, AccountRun> = {};
  await eachBounded(chosen, opts.concurrency ?? DEFAULT_ACCOUNT_CONCURRENCY, async (account, i) => {
    opts.onAccount?.(account.name, 'start');
    try {
      const clients = opts.offline ? undefined : await opts.clientsFor!(account, 'plan');
      const run = await planAccount(desiredFor(desired, account.name, allNames), {
        repo: sectionRepo(opts.repo, account.id),
        offline: opts.offline,
        clients,
        region: account.region ?? opts.region,
        offlineAccountId: account.id,
        read: opts.read,
      });
      // Credentials that reach another account than the one named would plan the wrong account.
      if (!opts.offline && run.actual.accountId !== account.id)
        throw new Error(
          `the credentials for account '${account.name}' reach account ${run.actual.accountId}, not ${account.id}; ` +
            'check its planRole (or the hub member role) and the account id',
        );
      runs[account.name] = run;
      sections[i] = { account: account.name, accountId: account.id, plan: run.plan, error: null };
      opts.onAccount?.(account.name, 'done');
    } catch (err) {
      sections[i] = { account: account.name, accountId: account.id, plan: null, error: errorMessage(err) };
      opts.onAccount?.(account.name, 'failed');
    }
  });
  const multi: MultiPlan = { hash: multiPlanHash(sections, opts.repo), sections };
  return { ok: true, diagnostics: loaded.diagnostics, desired, multi, runs, accounts: chosen };
}

/** `only` names that are not accounts of this run, as errors with a did-you-mean. */
function unknownAccounts(only: readonly string[], names: readonly string[], file: string): Diagnostic[] {
  return only
    .filter((n) => !names.includes(n))
    .map((n) => {
      const near = closest(n, [...names]);
      return {
        file,
        line: 0,
        col: 0,
        severity: 'error' as const,
        message:
          `account '${n}' is not an account of this repository` +
          (near ? `; did you mean '${near}'?` : ` (accounts: ${names.join(', ') || 'none'})`),
      };
    });
}

/** Runs `fn` over `items`, at most `limit` at once, in order of start; resolves when all settle. */
export async function eachBounded<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
}
