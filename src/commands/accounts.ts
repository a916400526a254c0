/**
 * What the commands share on a repository with `accounts:` or `organization:`: the accounts of
 * the run (declared, then discovered with the credentials at hand), each account's clients, and
 * `--account` checked against them. A repository with neither never comes here.
 */
import { listOrganization } from '../accounts/discover.js';
import { makeClientsFor, type ClientsFor } from '../accounts/credentials.js';
import { resolveAccounts } from '../accounts/resolve.js';
import { createClients, errorMessage, type AwsClients } from '../aws/clients.js';
import type { ResolvedAccount } from '../model/accounts.js';
import type { DesiredState } from '../model/desired.js';
import { closest } from '../suggest.js';
import { progress } from './output.js';

export interface AccountsIo {
  err: (text: string) => void;
  progress?: boolean;
  /** The credentials at hand (the organization is listed with them); from the environment when absent. */
  clients?: (region: string) => AwsClients;
  /** Tests pass clients per account pointed at the emulator; otherwise src/accounts/credentials.ts. */
  clientsFor?: ClientsFor;
}

export interface RunAccounts {
  /** Every account of the repository, in order (declared, then discovered). */
  all: ResolvedAccount[];
  /** `--account` names, or undefined for all. */
  only: string[] | undefined;
  clientsFor: ClientsFor;
}

/** The session name of the command line's role sessions, as CloudTrail shows them. */
export const CLI_SESSION = 'iam-gitops-cli';

/**
 * The accounts of this run, or null after the problems were said on stderr. `offline`: no
 * discovery (only the declared accounts are planned, against empty accounts).
 */
export async function runAccounts(
  desired: DesiredState,
  names: readonly string[],
  region: string,
  io: AccountsIo,
  opts: { offline?: boolean } = {},
): Promise<RunAccounts | null> {
  const config = desired.config;
  let discovered = null;
  if (config.organization && !opts.offline) {
    progress(io, '[accounts] listing the organization…');
    try {
      const clients = (io.clients ?? ((r: string) => createClients({ region: r })))(region);
      discovered = await listOrganization(clients, config.organization);
    } catch (err) {
      io.err(
        `error: the organization's accounts could not be listed: ${errorMessage(err)}; ` +
          'run with credentials of the management or a delegated administrator account, or declare the accounts under accounts:\n',
      );
      return null;
    }
  }
  const resolution = resolveAccounts(desired, discovered);
  for (const w of resolution.warnings ?? []) io.err(`warning: ${w}\n`);
  for (const p of resolution.problems) io.err(`error: ${p}\n`);
  if (resolution.problems.length) return null;
  if (config.organization && opts.offline)
    io.err('warning: --offline plans the declared accounts only; the organization is not listed\n');
  const all = resolution.accounts;
  const unknown = names.filter((n) => !all.some((a) => a.name === n));
  for (const n of unknown) {
    const near = closest(
      n,
      all.map((a) => a.name),
    );
    io.err(
      `error: --account ${n}: no such account` +
        (near ? `; did you mean '${near}'?` : ` (accounts: ${all.map((a) => a.name).join(', ') || 'none'})`) +
        '\n',
    );
  }
  if (unknown.length) return null;
  const clientsFor =
    io.clientsFor ??
    makeClientsFor({
      region,
      hub: config.hub,
      sessionName: CLI_SESSION,
      sesRegion: config.email.region,
      log: (m) => progress(io, `[accounts] ${m}`),
    });
  return { all, only: names.length ? [...names] : undefined, clientsFor };
}

/** `--account` on a repository without accounts: a mistake to say, not to ignore. */
export function noAccountsError(names: readonly string[]): string {
  return (
    `error: --account ${names.join(', ')}: iam-gitops.yml declares no accounts (no accounts: or organization:); ` +
    'this repository manages the one account the credentials reach. Leave out --account, or declare the accounts\n'
  );
}

/** Progress per account on stderr: `[plan] account b: done`. */
export function accountProgress(io: { err: (t: string) => void; progress?: boolean }, kind: string) {
  const word = { start: 'reading…', done: 'done', failed: 'FAILED' } as const;
  return (account: string, phase: 'start' | 'done' | 'failed'): void =>
    progress(io, `[${kind}] account ${account}: ${word[phase]}`);
}
