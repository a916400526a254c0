/**
 * The desired state of one account, cut from the repository's desired state: accounts are a
 * dimension of the same files, not a copy of them. Pure.
 *
 * - A group reaches the accounts its `accounts:` lists (`*` → all), or the default account.
 * - A user lives in the accounts its `accounts` column lists (`*` → all); without the column,
 *   in every account one of its groups reaches, or the default account when it has no groups.
 * - In an account, a user joins only the groups that reach that account.
 * - A custom policy goes where a kept user or group uses it; an unused one to the default account.
 * - With monitoring.organizationTrail, only the trail's account plans the monitoring baseline.
 */
import { MFA_GROUP_NAME } from '../desired/mfa-policy.js';
import type { DesiredState, DesiredUser } from '../model/desired.js';

/** The account names a list reaches: `*` → all; null/undefined → `fallback`. */
export function reach(
  list: readonly string[] | null | undefined,
  fallback: readonly string[],
  all: readonly string[],
): string[] {
  if (!list) return [...fallback];
  if (list.includes('*')) return [...all];
  return all.filter((a) => list.includes(a));
}

export function groupAccounts(desired: DesiredState, group: string, all: readonly string[]): string[] {
  const g = desired.config.groups[group];
  return reach(g?.accounts, defaultOf(desired, all), all);
}

export function userAccounts(desired: DesiredState, user: DesiredUser, all: readonly string[]): string[] {
  if (user.accounts) return reach(user.accounts, [], all);
  const own = user.groups.filter((g) => !isToolGroup(g));
  if (own.length === 0) return defaultOf(desired, all);
  const out = new Set<string>();
  for (const g of own) for (const a of groupAccounts(desired, g, all)) out.add(a);
  return all.filter((a) => out.has(a));
}

/** `all` in order: the account names of this run (declared and discovered). */
export function desiredFor(desired: DesiredState, account: string, all: readonly string[]): DesiredState {
  const groups: DesiredState['config']['groups'] = {};
  for (const [name, g] of Object.entries(desired.config.groups))
    if (groupAccounts(desired, name, all).includes(account)) groups[name] = g;
  const users = desired.users
    .filter((u) => userAccounts(desired, u, all).includes(account))
    .map((u) => ({ ...u, groups: u.groups.filter((g) => g in groups) }));
  const used = customPolicies(Object.values(groups), users);
  const everywhere = customPolicies(Object.values(desired.config.groups), desired.users);
  const isDefault = defaultOf(desired, all).includes(account);
  const policies = desired.policies.filter((p) => used.has(p.name) || (isDefault && !everywhere.has(p.name)));
  // An organization trail lives in one account (monitoring.account, else the default account),
  // with its filters and alarms; every other account plans no baseline of its own.
  const m = desired.config.monitoring;
  const holdsTrail = !m.organizationTrail || account === organizationTrailAccount(desired, all);
  const monitoring = holdsTrail ? m : { ...m, enabled: false };
  return { ...desired, config: { ...desired.config, groups, monitoring }, users, policies };
}

/**
 * The account that holds monitoring.organizationTrail among this run's accounts; null when the
 * option is off, or the named account is not among them (then no account plans the baseline:
 * the caller reports it).
 */
export function organizationTrailAccount(desired: DesiredState, all: readonly string[]): string | null {
  const m = desired.config.monitoring;
  if (!m.organizationTrail) return null;
  const name = m.account ?? defaultOf(desired, all)[0];
  return name !== undefined && all.includes(name) ? name : null;
}

/** The custom policies these groups and users attach. */
function customPolicies(
  groups: ReadonlyArray<DesiredState['config']['groups'][string]>,
  users: readonly DesiredUser[],
): Set<string> {
  const out = new Set<string>();
  for (const { policies } of [...groups, ...users])
    for (const p of policies) if (p.kind === 'custom') out.add(p.name);
  return out;
}

function defaultOf(desired: DesiredState, all: readonly string[]): string[] {
  const d = desired.config.defaultAccount ?? all[0];
  return d !== undefined && all.includes(d) ? [d] : [];
}

/** Groups the tool adds itself (the MFA group): they follow the users, never decide where users go. */
function isToolGroup(group: string): boolean {
  return group === MFA_GROUP_NAME;
}
