/**
 * iam-gitops.yml's `accounts:`, `defaultAccount:`, `organization:` and `hub:` → the account part
 * of Config, and the check of every account list the files write (groups' `accounts:`, the CSV's
 * `accounts` column) against the names declared. With `organization:` the names found in the
 * organization are only known at plan time: undeclared names are checked there (src/accounts/).
 */
import type { Document, LineCounter } from 'yaml';
import type { AccountConfig, Config, HubConfig, OrganizationConfig } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { closest } from '../suggest.js';
import { yamlPosition } from './positions.js';
import type { RawConfig } from './schema.js';

type Push = (severity: Diagnostic['severity'], pos: { line: number; col: number }, message: string) => void;

export interface AccountPart {
  accounts: AccountConfig[];
  defaultAccount: string | null;
  organization: OrganizationConfig | null;
  hub: HubConfig | null;
}

export function buildAccounts(
  file: string,
  raw: RawConfig,
  doc: Document,
  lc: LineCounter,
  push: Push,
): AccountPart {
  const accounts: AccountConfig[] = [];
  const byId = new Map<string, string>();
  const byLower = new Map<string, string>();
  for (const [name, a] of Object.entries(raw.accounts ?? {})) {
    const keyPos = yamlPosition(doc, lc, ['accounts', name], 'key');
    const twinName = byLower.get(name.toLowerCase());
    if (twinName)
      push(
        'error',
        keyPos,
        `account '${name}' is declared twice ('${twinName}'); account names are case-insensitive`,
      );
    byLower.set(name.toLowerCase(), name);
    const twin = byId.get(a.id);
    if (twin)
      push(
        'error',
        yamlPosition(doc, lc, ['accounts', name, 'id']),
        `accounts.${name}: account ${a.id} is already declared as '${twin}'; one account, one name`,
      );
    byId.set(a.id, name);
    for (const key of ['planRole', 'applyRole'] as const) {
      const arn = a[key];
      const inArn = arn?.split(':')[4];
      if (arn && inArn !== a.id)
        push(
          'error',
          yamlPosition(doc, lc, ['accounts', name, key]),
          `accounts.${name}.${key}: the role is in account ${inArn}, not ${a.id}; ` +
            `use the role in ${a.id} (with hub:, leave ${key} out and name the member role there)`,
        );
    }
    accounts.push({
      name,
      id: a.id,
      planRole: a.planRole ?? null,
      applyRole: a.applyRole ?? null,
      region: a.region ?? null,
      source: { file, line: keyPos.line, col: keyPos.col },
    });
  }
  const organization: OrganizationConfig | null = raw.organization
    ? {
        ou: [...new Set(raw.organization.ou)],
        exclude: [...new Set(raw.organization.exclude)],
        source: { file, ...yamlPosition(doc, lc, ['organization'], 'key') },
      }
    : null;
  const names = accounts.map((a) => a.name);
  let defaultAccount = raw.defaultAccount;
  if (defaultAccount !== null && !organization && !names.includes(defaultAccount)) {
    const near = closest(defaultAccount, names);
    push(
      'error',
      yamlPosition(doc, lc, ['defaultAccount']),
      `defaultAccount: '${defaultAccount}' is not declared under accounts:` +
        (near ? `; did you mean '${near}'?` : names.length ? ` (declared: ${names.join(', ')})` : ''),
    );
    defaultAccount = null;
  }
  if (defaultAccount === null && accounts.length > 0) defaultAccount = accounts[0]!.name;
  if (organization && defaultAccount === null)
    push(
      'error',
      yamlPosition(doc, lc, ['organization'], 'key'),
      'organization: needs defaultAccount: (the account users and groups without an accounts field go to), ' +
        'or an entry under accounts: for it',
    );
  const hub: HubConfig | null = raw.hub
    ? {
        memberPlanRole: raw.hub.memberPlanRole,
        memberApplyRole: raw.hub.memberApplyRole,
        externalId: raw.hub.externalId,
      }
    : null;
  return { accounts, defaultAccount, organization, hub };
}

/**
 * Checks one account list written in the files. Returns the problems as messages (the caller
 * places them). Unknown names are errors when every account is declared; with `organization:`
 * the plan decides, since discovered accounts are known only then.
 */
export function accountListProblems(
  list: readonly string[],
  config: Pick<Config, 'accounts' | 'organization'>,
): string[] {
  const problems: string[] = [];
  const names = config.accounts.map((a) => a.name);
  const multi = names.length > 0 || config.organization !== null;
  if (!multi) {
    return list.length > 0
      ? [
          'lists accounts, but iam-gitops.yml declares none: add an accounts: section (name → id and roles) or organization:',
        ]
      : [];
  }
  const seen = new Set<string>();
  for (const n of list) {
    if (seen.has(n.toLowerCase())) problems.push(`account '${n}' is listed twice; remove one`);
    seen.add(n.toLowerCase());
    if (n === '*' || config.organization) continue;
    if (!names.includes(n)) {
      const near = closest(n, names);
      problems.push(
        `account '${n}' is not declared under accounts:` +
          (near ? `; did you mean '${near}'?` : ` (declared: ${names.join(', ')})`),
      );
    }
  }
  if (list.includes('*') && list.length > 1) problems.push("'*' already means every account; list it alone");
  return problems;
}
