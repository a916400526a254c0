/**
 * Wires the multi-account flows to AWS: each account's clients (its own role through GitHub OIDC,
 * or the action's role), the plan of each account section and the apply of each account, a few
 * accounts at a time.
 */
import * as core from '@actions/core';
import { multiPlanHash, sectionRepo } from '../accounts/hash.js';
import { desiredFor } from '../accounts/project.js';
import { createClients, errorMessage, type AwsClients } from '../aws/clients.js';
import type { Settings } from '../inputs.js';
import type { AccountSection, ResolvedAccount } from '../model/accounts.js';
import type { DesiredState } from '../model/desired.js';
import { runPlan } from '../pipeline.js';
import { neutralize } from '../safe-text.js';
import { oidcClients } from './aws-access.js';
import type { AccountOutcome, AccountsEngine, ApplyOutcome, MultiRun, OkRun, Purpose } from './deps.js';

/** Accounts planned or applied at once: each holds its own clients and bulk reads. */
export const ACCOUNT_CONCURRENCY = 4;

/** Runs `work` over `items`, at most `limit` at once, results in the order of `items`. */
export async function mapLimit<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** The declared accounts of the files, as the run resolves them. */
export function declaredAccounts(desired: DesiredState): ResolvedAccount[] {
  return desired.config.accounts.map((a) => ({
    name: a.name,
    id: a.id,
    planRole: a.planRole,
    applyRole: a.applyRole,
    region: a.region,
    origin: 'declared' as const,
  }));
}

export function createAccountsEngine(
  s: Settings,
  applyOne: (run: OkRun, clients: AwsClients) => Promise<ApplyOutcome>,
): AccountsEngine {
  const cache = new Map<string, Promise<AwsClients>>();
  /** The accounts of the last plan, by name: the apply assumes the same roles. */
  const known = new Map<string, ResolvedAccount>();
  let sesRegion: string | undefined;
  const clients = (account: ResolvedAccount, purpose: Purpose): Promise<AwsClients> => {
    const key = `${account.id}:${purpose}`;
    let made = cache.get(key);
    if (!made) {
      const role =
        purpose === 'apply'
          ? (account.applyRole ?? s.roleToAssume)
          : (account.planRole ?? s.planRoleToAssume ?? s.roleToAssume);
      const region = account.region ?? s.awsRegion;
      made = role
        ? oidcClients(s, role, region, sesRegion)
        : Promise.resolve(createClients({ region, sesRegion }));
      // A failed exchange is not cached: a retry in the same run may succeed.
      made.catch(() => cache.delete(key));
      cache.set(key, made);
    }
    return made;
  };

  return {
    clients,
    async resolve(desired) {
      const problems: string[] = [];
      if (desired.config.organization)
        problems.push(
          'organization: discovery is not available in this build; only the accounts declared under accounts: are planned',
        );
      return { accounts: declaredAccounts(desired), problems };
    },
    async plan(opts): Promise<MultiRun> {
      const loaded = opts.loaded;
      const errors = loaded.diagnostics.filter((x) => x.severity === 'error');
      if (!loaded.state || errors.length) return { ok: false, diagnostics: loaded.diagnostics };
      const desired = loaded.state;
      sesRegion = desired.config.email.region;
      const repo = `${s.repo.owner}/${s.repo.repo}`;
      const all = opts.accounts.map((a) => a.name);
      const chosen = opts.only ? opts.accounts.filter((a) => opts.only!.includes(a.name)) : opts.accounts;
      for (const a of chosen) known.set(a.name, a);
      const runs: Extract<MultiRun, { ok: true }>['runs'] = {};
      const sections = await mapLimit(
        chosen,
        ACCOUNT_CONCURRENCY,
        async (account): Promise<AccountSection> => {
          try {
            const run = await runPlan({
              dir: s.dir,
              configPath: s.configPath,
              repo: sectionRepo(repo, account.id),
              offline: opts.offline,
              clients: opts.offline ? undefined : await clients(account, opts.purpose),
              region: account.region ?? s.awsRegion,
              gate: opts.gate,
              loaded: { ...loaded, state: desiredFor(desired, account.name, all) },
            });
            if (!run.ok) throw new Error('the files are invalid');
            runs[account.name] = { desired: run.desired, actual: run.actual, lint: run.lint, plan: run.plan };
            return { account: account.name, accountId: account.id, plan: run.plan, error: null };
          } catch (err) {
            const error = neutralize(errorMessage(err));
            core.warning(`Account ${account.name} (${account.id}) could not be planned: ${error}`);
            return { account: account.name, accountId: account.id, plan: null, error };
          }
        },
      );
      return {
        ok: true,
        diagnostics: loaded.diagnostics,
        desired,
        multi: { hash: multiPlanHash(sections, repo), sections },
        runs,
      };
    },
    async apply(run, names): Promise<AccountOutcome[]> {
      const sections = run.multi.sections.filter((x) => names.includes(x.account) && run.runs[x.account]);
      return mapLimit(sections, ACCOUNT_CONCURRENCY, async (section) => {
        const one = run.runs[section.account]!;
        const account = known.get(section.account)!;
        let outcome: ApplyOutcome;
        try {
          const c = await clients(account, 'apply');
          outcome = await applyOne({ ok: true, diagnostics: run.diagnostics, ...one }, c);
        } catch (err) {
          outcome = {
            ok: false,
            createdUsers: [],
            deletedUsers: [],
            mail: {},
            markdown: '',
            error: neutralize(errorMessage(err)),
          };
        }
        return { account: section.account, accountId: section.accountId, outcome };
      });
    },
  };
}
