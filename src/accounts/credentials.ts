/**
 * AWS clients per account and purpose (plan or apply). Which credentials an account gets:
 *
 * - its own role (`accounts.<name>.planRole` / `applyRole`): through GitHub OIDC on GitHub; from
 *   the ambient credentials with sts:AssumeRole on the command line;
 * - else, with `hub:`: the hub role (the action's role input, assumed through OIDC once and
 *   reused), or the ambient credentials on the command line, assume
 *   arn:aws:iam::<id>:role/<memberPlanRole|memberApplyRole> with the external id and a session
 *   name naming the run, so the member account's CloudTrail ties each call to the run;
 * - else the action's role input when it lives in that account, or on the command line the
 *   ambient credentials when GetCallerIdentity says they are that account's.
 *
 * Credentials are fetched once per account and purpose, and fetched again shortly before they
 * expire (the SDK asks the provider again when the expiry is near), so a long apply never runs
 * on expired keys. Every secret is masked the moment it exists.
 */
import * as core from '@actions/core';
import { AssumeRoleCommand, GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { CallLog } from '../aws/calls.js';
import {
  createClients,
  errorCode,
  errorMessage,
  type AwsClients,
  type ClientPlugin,
} from '../aws/clients.js';
import { assumeRoleWithOidc } from '../aws/oidc.js';
import type { ResolvedAccount } from '../model/accounts.js';
import type { HubConfig } from '../model/desired.js';

export type Purpose = 'plan' | 'apply';
export type ClientsFor = (account: ResolvedAccount, purpose: Purpose) => Promise<AwsClients>;

export interface CredentialOptions {
  region: string;
  /** GitHub: an OIDC token getter (audience sts.amazonaws.com); CLI: undefined (ambient credentials). */
  oidcToken?: () => Promise<string>;
  /** The action inputs role-to-assume / plan-role-to-assume: the hub role (with `hub:`) or the fallback role. */
  planRole?: string | null;
  applyRole?: string | null;
  hub: HubConfig | null;
  /** Names the run in every session: `iam-gitops-<run id>-<attempt>` on GitHub, `iam-gitops-cli` locally. */
  sessionName: string;
  plugins?: ClientPlugin[];
  /** Default: core.setSecret on GitHub (oidcToken set), nothing on the command line. */
  maskSecret?: (value: string) => void;
  log?: (message: string) => void;
  /** SES and Identity Center regions, as createClients takes them. */
  sesRegion?: string;
  identityCenterRegion?: string;
  /** Clock for the refresh decision; tests pass their own. */
  now?: () => number;
  /**
   * Where the exchanges (OIDC, AssumeRole, GetCallerIdentity) are counted; default: a log of their
   * own. Never an account's log: they are the hub's or the caller's calls, not the member role's.
   */
  exchangeCalls?: CallLog;
}

/** An account the credentials cannot reach: names the account and the fix. */
export class AccountAccessError extends Error {
  constructor(
    readonly account: string,
    message: string,
  ) {
    super(message);
    this.name = 'AccountAccessError';
  }
}

/** How one account is reached for one purpose: decided from the config alone (pure). */
export type AccessPath =
  | { kind: 'oidc'; role: string }
  | {
      kind: 'assume';
      role: string;
      externalId: string | null;
      via: 'hub' | 'ambient';
      hubRole: string | null;
    }
  | { kind: 'ambient' };

/** Fetched again when less than this is left (the SDK's own margin is 5 minutes). */
const REFRESH_MARGIN_MS = 10 * 60_000;

export function accessPath(
  account: ResolvedAccount,
  purpose: Purpose,
  opts: Pick<CredentialOptions, 'oidcToken' | 'planRole' | 'applyRole' | 'hub' | 'region'>,
): AccessPath {
  const own = purpose === 'plan' ? account.planRole : account.applyRole;
  const input = (purpose === 'plan' ? opts.planRole : opts.applyRole) ?? null;
  const github = opts.oidcToken !== undefined;
  const key = purpose === 'plan' ? 'planRole' : 'applyRole';
  if (own)
    return github
      ? { kind: 'oidc', role: own }
      : { kind: 'assume', role: own, externalId: null, via: 'ambient', hubRole: null };
  if (opts.hub) {
    const member = purpose === 'plan' ? opts.hub.memberPlanRole : opts.hub.memberApplyRole;
    const role = `arn:${partitionOf(input, opts.region)}:iam::${account.id}:role/${member.replace(/^\/+/, '')}`;
    if (github && !input)
      throw new AccountAccessError(
        account.name,
        `account ${account.name} (${account.id}): hub: needs the hub role as the action's ` +
          `${purpose === 'plan' ? 'plan-role-to-assume' : 'role-to-assume'} input (the OIDC role that assumes ${role})`,
      );
    return {
      kind: 'assume',
      role,
      externalId: opts.hub.externalId,
      via: github ? 'hub' : 'ambient',
      hubRole: github ? input : null,
    };
  }
  if (github) {
    if (input && input.split(':')[4] === account.id) return { kind: 'oidc', role: input };
    throw new AccountAccessError(
      account.name,
      `account ${account.name} (${account.id}) has no ${key} and there is no hub:` +
        (input ? ` (the action's role ${input} is in account ${input.split(':')[4]})` : '') +
        `; set accounts.${account.name}.${key} to a role in ${account.id} that trusts GitHub OIDC, or add hub: ` +
        `(see docs/deploy.md)`,
    );
  }
  return { kind: 'ambient' };
}

function partitionOf(role: string | null, region: string): string {
  const fromArn = role?.split(':')[1];
  if (fromArn?.startsWith('aws')) return fromArn;
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

interface Refreshing {
  provider: AwsCredentialIdentityProvider;
  /** How many times credentials were fetched (tests count, never time). */
  fetches(): number;
}

/** Caches one identity, fetches again when it nears expiry; concurrent callers share one fetch. */
function refreshing(fetch: () => Promise<AwsCredentialIdentity>, now: () => number): Refreshing {
  let current: Promise<AwsCredentialIdentity> | null = null;
  let count = 0;
  const stale = (c: AwsCredentialIdentity) =>
    c.expiration !== undefined && c.expiration.getTime() - now() < REFRESH_MARGIN_MS;
  const provider: AwsCredentialIdentityProvider = async () => {
    if (current) {
      const c = await current.catch(() => null);
      if (c && !stale(c)) return c;
    }
    count++;
    const next = fetch();
    current = next;
    return next;
  };
  return { provider, fetches: () => count };
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

export function makeClientsFor(opts: CredentialOptions): ClientsFor {
  // Refused before any call: STS would refuse it once per account.
  if (!SESSION_NAME.test(opts.sessionName))
    throw new Error(
      `role session name '${opts.sessionName}' is invalid: use 2–64 characters of letters, digits and _+=,.@-`,
    );
  const now = opts.now ?? Date.now;
  const github = opts.oidcToken !== undefined;
  const mask = opts.maskSecret ?? (github ? (v: string) => core.setSecret(v) : () => {});
  // The exchanges (OIDC, AssumeRole, GetCallerIdentity) have their own log: they are not calls
  // the member role makes, so they stay out of an account's call log and its role-policy check.
  const exchangeCalls = opts.exchangeCalls ?? new CallLog();
  const sts = (region: string, credentials?: AwsCredentialIdentityProvider): STSClient =>
    createClients({ region, credentials, calls: exchangeCalls, plugins: opts.plugins }).sts;
  const ambient = sts(opts.region);

  const viaOidc = new Map<string, Refreshing>();
  const oidc = (role: string): Refreshing => {
    let r = viaOidc.get(role);
    if (!r) {
      r = refreshing(async () => {
        const c = await assumeRoleWithOidc({
          roleArn: role,
          region: opts.region,
          sessionName: opts.sessionName,
          getIdToken: () => opts.oidcToken!(),
          maskSecret: mask,
          sts: ambient,
          log: opts.log,
        });
        return { ...c };
      }, now);
      viaOidc.set(role, r);
    }
    return r;
  };

  // One STS client per hub role, signing with the hub's (refreshing) credentials.
  const hubClients = new Map<string, STSClient>();
  const hubSts = (role: string): STSClient => {
    let c = hubClients.get(role);
    if (!c) hubClients.set(role, (c = sts(opts.region, oidc(role).provider)));
    return c;
  };

  let caller: Promise<string> | null = null;
  const callerAccount = () =>
    (caller ??= ambient
      .send(new GetCallerIdentityCommand({}))
      .then((r) => String(r.Account))
      .catch((err: unknown) => {
        caller = null; // not remembered: signing in and asking again must work
        throw err;
      }));

  const assume = (
    account: ResolvedAccount,
    path: Extract<AccessPath, { kind: 'assume' }>,
  ): AwsCredentialIdentityProvider => {
    const source = path.via === 'hub' ? hubSts(path.hubRole!) : ambient;
    return refreshing(async () => {
      try {
        const res = await source.send(
          new AssumeRoleCommand({
            RoleArn: path.role,
            RoleSessionName: opts.sessionName,
            ...(path.externalId !== null ? { ExternalId: path.externalId } : {}),
          }),
        );
        const c = res.Credentials;
        if (!c?.AccessKeyId || !c.SecretAccessKey || !c.SessionToken)
          throw new Error('STS returned no credentials');
        mask(c.AccessKeyId);
        mask(c.SecretAccessKey);
        mask(c.SessionToken);
        return {
          accessKeyId: c.AccessKeyId,
          secretAccessKey: c.SecretAccessKey,
          sessionToken: c.SessionToken,
          expiration: c.Expiration,
        };
      } catch (err) {
        if (err instanceof AccountAccessError) throw err;
        const denied = ['AccessDenied', 'AccessDeniedException'].includes(errorCode(err) ?? '');
        const from = path.via === 'hub' ? `the hub role ${path.hubRole}` : 'these credentials';
        throw new AccountAccessError(
          account.name,
          `account ${account.name} (${account.id}): could not assume ${path.role} from ${from}: ${errorMessage(err)}` +
            (denied
              ? ` — the role must exist in ${account.id} and trust ${from}` +
                (path.externalId !== null ? ' with the external id of hub.externalId' : '') +
                ' (deploy bootstrap/ to the account or OU; see docs/deploy.md)'
              : ''),
        );
      }
    }, now).provider;
  };

  const cache = new Map<string, Promise<AwsClients>>();
  const build = async (account: ResolvedAccount, purpose: Purpose): Promise<AwsClients> => {
    const path = accessPath(account, purpose, opts);
    let credentials: AwsCredentialIdentityProvider | undefined;
    if (path.kind === 'oidc') credentials = oidc(path.role).provider;
    else if (path.kind === 'assume') credentials = assume(account, path);
    else {
      const id = await callerAccount().catch((err: unknown) => {
        throw new AccountAccessError(
          account.name,
          `account ${account.name} (${account.id}): no AWS credentials answer (${errorMessage(err)}); ` +
            'sign in (AWS_PROFILE, aws sso login) first',
        );
      });
      if (id !== account.id)
        throw new AccountAccessError(
          account.name,
          `account ${account.name} (${account.id}): the credentials at hand are account ${id}'s, and no role leads to ` +
            `${account.id}: set accounts.${account.name}.${purpose === 'plan' ? 'planRole' : 'applyRole'}, add hub:, ` +
            `or sign in to ${account.id}`,
        );
    }
    // Fetch now, so an account that cannot be reached fails here, named, not at its first call.
    if (credentials) await credentials();
    return createClients({
      region: account.region ?? opts.region,
      credentials,
      calls: new CallLog(),
      plugins: opts.plugins,
      sesRegion: opts.sesRegion,
      identityCenterRegion: opts.identityCenterRegion,
    });
  };

  return (account, purpose) => {
    const key = `${account.id}/${purpose}`;
    let p = cache.get(key);
    if (!p) {
      p = build(account, purpose);
      // A failure is not cached: a retry of that account asks again.
      p.catch(() => cache.delete(key));
      cache.set(key, p);
    }
    return p;
  };
}
