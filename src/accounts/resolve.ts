/**
 * The accounts of a run: the ones iam-gitops.yml declares, then the ones the organization holds
 * (named by a slug of their AWS name). With `organization:` the names the files use (groups'
 * `accounts:`, the CSV's `accounts` column) can only be checked here, once discovery answered.
 * Pure: problems are returned as `file:line: message`, the caller places them.
 */
import type { ResolvedAccount } from '../model/accounts.js';
import type { Config, DesiredState, SourceRef } from '../model/desired.js';
import { closest } from '../suggest.js';
import { keptAccounts, type OrgAccount } from './discover.js';

export interface AccountResolution {
  accounts: ResolvedAccount[];
  /** Unknown names in the files (with did-you-mean), names two accounts share, a missing default account … */
  problems: string[];
  /** What plans anyway but is likely a mistake (an `organization.exclude` entry that matches no account); absent when none. */
  warnings?: string[];
}

export function isMultiAccount(config: Config): boolean {
  return config.accounts.length > 0 || config.organization !== null;
}

/** An AWS account name as the files write it: lower case, every run of other characters one '-'. */
export function accountSlug(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

const at = (s: SourceRef) => `${s.file}:${s.line}`;

/**
 * `found`: every account the organization listed (listOrganization: any state, before `exclude`),
 * or null when it was not listed (no organization:, or offline).
 */
export function resolveAccounts(desired: DesiredState, found: OrgAccount[] | null): AccountResolution {
  const config = desired.config;
  const problems: string[] = [];
  const warnings: string[] = [];
  const discovered = found && config.organization ? keptAccounts(found, config.organization) : found;
  const accounts: ResolvedAccount[] = config.accounts.map((a) => ({
    name: a.name,
    id: a.id,
    planRole: a.planRole,
    applyRole: a.applyRole,
    region: a.region,
    origin: 'declared',
  }));
  const declaredIds = new Set(accounts.map((a) => a.id));
  const declaredByName = new Map(config.accounts.map((a) => [a.name.toLowerCase(), a]));
  const org = config.organization;

  if (org) {
    const excluded = new Set(org.exclude.map((e) => e.toLowerCase()));
    for (const a of config.accounts)
      if (excluded.has(a.id) || excluded.has(a.name.toLowerCase()))
        problems.push(
          `${at(a.source)}: accounts.${a.name} (${a.id}) is declared, but organization.exclude lists it; remove one`,
        );
  }

  // Discovered accounts, by slug; a declared entry with the same id wins (its name and roles stand).
  const bySlug = new Map<string, OrgAccount[]>();
  for (const a of discovered ?? []) {
    if (declaredIds.has(a.id)) continue;
    const slug = accountSlug(a.name) || a.id;
    bySlug.set(slug, [...(bySlug.get(slug) ?? []), a]);
  }
  const orgAt = org ? `${at(org.source)}: ` : '';
  for (const slug of [...bySlug.keys()].sort()) {
    const same = bySlug.get(slug)!;
    const twin = declaredByName.get(slug);
    if (twin) {
      problems.push(
        `${orgAt}organization: account ${same.map((a) => `'${a.name}' (${a.id})`).join(', ')} would be named ` +
          `'${slug}', which accounts: already gives ${twin.id} (${at(twin.source)}); declare it under accounts: with another name`,
      );
      continue;
    }
    if (same.length > 1) {
      problems.push(
        `${orgAt}organization: accounts ${same.map((a) => `'${a.name}' (${a.id})`).join(' and ')} would all be ` +
          `named '${slug}'; declare them under accounts: (name → id) to tell them apart`,
      );
      continue;
    }
    const a = same[0]!;
    accounts.push({
      name: slug,
      id: a.id,
      planRole: null,
      applyRole: null,
      region: null,
      origin: 'organization',
    });
  }

  // With organization: the names in the files are checked only now; without, the config load did it.
  // Offline (nothing discovered) there is nothing to check against.
  if (org && discovered !== null) {
    const names = accounts.map((a) => a.name);
    const known = new Set(names);
    const ambiguous = new Set([...bySlug].filter(([, v]) => v.length > 1).map(([k]) => k));
    // Per unknown name, the places that use it: one problem per name, however many rows repeat it.
    const where = new Map<string, Array<{ at: string; what: string }>>();
    const note = (name: string, source: SourceRef, what: string) => {
      if (name === '*' || known.has(name) || ambiguous.has(name)) return;
      where.set(name, [...(where.get(name) ?? []), { at: at(source), what }]);
    };
    for (const [g, def] of Object.entries(config.groups))
      for (const n of def.accounts ?? []) note(n, def.source, `groups.${g}.accounts`);
    for (const u of desired.users) for (const n of u.accounts ?? []) note(n, u.source, `user ${u.name}`);
    for (const [name, places] of where) {
      const near = closest(name, names);
      const more = places.length > 3 ? ` and ${places.length - 3} more` : '';
      problems.push(
        `${places[0]!.at}: account '${name}' is neither declared under accounts: nor an ACTIVE, ` +
          `not excluded account of the organization` +
          (near ? `; did you mean '${near}'?` : ` (accounts: ${names.join(', ') || 'none'})`) +
          ` — used at ${places
            .slice(0, 3)
            .map((p) => `${p.at} (${p.what})`)
            .join(', ')}${more}`,
      );
    }
    warnings.push(...unmatchedExcludes(desired, found ?? []));
    // A name the files would use for an excluded account: the entry itself, or the slug of the account it excludes.
    const excludedNames = new Set(org.exclude.map((e) => e.toLowerCase()));
    const kept = new Set(discovered.map((a) => a.id));
    for (const a of found ?? [])
      if (!kept.has(a.id) && a.status === 'ACTIVE') excludedNames.add(accountSlug(a.name));
    const isExcluded = (name: string) => excludedNames.has(name.toLowerCase());
    const def = config.defaultAccount;
    if (def !== null && !known.has(def)) {
      const near = closest(def, names);
      problems.push(
        `${config.source ?? 'iam-gitops.yml'}: defaultAccount: '${def}' ` +
          (isExcluded(def)
            ? 'is excluded by organization.exclude; users and groups without an accounts field would have nowhere to go: ' +
              'choose another defaultAccount or remove it from exclude'
            : 'is not among the accounts (declared, or ACTIVE in the organization and not excluded)' +
              (near ? `; did you mean '${near}'?` : '')),
      );
    }
    // With organization: monitoring.account is checked only here; an account outside the run
    // would leave every account without the trail, and no plan would say so.
    const m = config.monitoring;
    if (m.organizationTrail && m.account !== null && !known.has(m.account) && !ambiguous.has(m.account)) {
      const trail = m.account;
      const near = closest(trail, names);
      problems.push(
        `${config.source ?? 'iam-gitops.yml'}: monitoring.account: '${trail}' ` +
          (isExcluded(trail)
            ? 'is excluded by organization.exclude, so no account would hold the organization trail: ' +
              'choose another monitoring.account or remove it from exclude'
            : 'is not among the accounts (declared, or ACTIVE in the organization and not excluded), so no ' +
              'account would hold the organization trail' +
              (near ? `; did you mean '${near}'?` : ` (accounts: ${names.join(', ') || 'none'})`)),
      );
    }
  }
  return warnings.length ? { accounts, problems, warnings } : { accounts, problems };
}

/**
 * `organization.exclude` entries that name no account the organization listed: nothing is
 * excluded by them, so the account the user meant is managed. An entry naming a declared account
 * is a problem of its own (above), not a typo.
 */
function unmatchedExcludes(desired: DesiredState, found: readonly OrgAccount[]): string[] {
  const org = desired.config.organization;
  if (!org) return [];
  const known = new Set<string>();
  for (const a of found) known.add(a.id).add(a.name.toLowerCase());
  for (const a of desired.config.accounts) known.add(a.id).add(a.name.toLowerCase());
  const awsNames = found.map((a) => a.name);
  const out: string[] = [];
  for (const entry of org.exclude) {
    if (known.has(entry.toLowerCase())) continue;
    const bySlug = found.find((a) => accountSlug(a.name) === entry.toLowerCase());
    const near = bySlug ? undefined : closest(entry, awsNames);
    const nearAccount = near === undefined ? undefined : found.find((a) => a.name === near);
    out.push(
      `${at(org.source)}: organization.exclude: '${entry}' matches no account of the organization, so it ` +
        'excludes nothing' +
        (bySlug
          ? `; '${entry}' is the name the files give '${bySlug.name}' (${bySlug.id}), but exclude takes the ` +
            `AWS name or the id: write '${bySlug.name}' or '${bySlug.id}'`
          : nearAccount
            ? `; did you mean '${nearAccount.name}' (${nearAccount.id})?`
            : '; an entry is an account id or its AWS name (any case)'),
    );
  }
  return out;
}
