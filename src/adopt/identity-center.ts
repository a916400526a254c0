/**
 * `import`'s Identity Center part: the instance's people → rows with `identity: identity-center`
 * and their names, their groups → groups whose policies are the group's permission set (AWS managed
 * policies by name, the inline policy as a policies/*.json file, customer managed policies by the
 * file of the same name) and whose `accounts:` are the accounts the permission set is assigned to
 * the group in. What the files cannot say (a group with several permission sets, an assignment to
 * a person directly) is named. Pure: a snapshot in, files' content out.
 */
import { findManagedPolicy, isAwsManagedArn } from '../catalog/managed.js';
import { IAM_NAME_CHARS, isEmail } from '../config/rules.js';
import { resolvePolicyRef } from '../desired/policy-ref.js';
import type { IdentityCenterSnapshot, IcPermissionSet } from '../model/identity-center.js';
import type { PolicyDocument } from '../model/policy.js';
import { policyJson } from './policy-json.js';
import type { ImportRow } from './select.js';

export interface IcImportOptions {
  /** Everyone, or these user names (case-insensitive); names not in the instance come back in `missing`. */
  select: { all: true } | { all: false; users: string[] };
  /** Accounts declared in iam-gitops.yml; [] → a single-account repository. */
  accounts: ReadonlyArray<{ name: string; id: string }>;
  /** The default account's name (multi-account), written as no `accounts:` at all. */
  defaultAccount: string | null;
  /** The account the credentials reach: a single-account repository's only account. */
  accountId: string;
  /** username (lower case) → e-mail, from --emails. */
  emails: ReadonlyMap<string, string>;
  /** Users already in users/*.csv (lower case). */
  inFiles: ReadonlySet<string>;
  /** Groups already declared in iam-gitops.yml. */
  declaredGroups: ReadonlySet<string>;
  /** Custom policies the repository has (policies/<name>.json). */
  customPolicies: ReadonlySet<string>;
  /** identityCenter.sessionDuration and relayState, to name permission sets that differ. */
  sessionDuration: string;
  relayState: string | null;
}

export interface IcImportResult {
  rows: ImportRow[];
  policies: Array<{ name: string; text: string }>;
  groups: Record<string, string[]>;
  /** Group → the account names its permission set is assigned to (absent: the default account). */
  groupAccounts: Record<string, string[]>;
  kept: string[];
  decisions: string[];
  skipped: string[];
  problems: string[];
  /** --users names the instance does not hold. */
  missing: string[];
}

/** Identity store user names: e-mail-like names are common; nothing that could split a CSV cell list. */
const USER_NAME = /^[\w+=,.@-]{1,64}$/;
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export function buildIdentityCenterImport(
  snap: IdentityCenterSnapshot,
  opts: IcImportOptions,
): IcImportResult {
  const r: IcImportResult = {
    rows: [],
    policies: [],
    groups: {},
    groupAccounts: {},
    kept: [],
    decisions: [],
    skipped: [],
    problems: [],
    missing: [],
  };
  const byName = new Map(snap.users.map((u) => [u.userName.toLowerCase(), u]));
  const selected = opts.select.all
    ? snap.users
    : opts.select.users.flatMap((n) => {
        const u = byName.get(n.toLowerCase());
        if (!u) r.missing.push(n);
        return u ? [u] : [];
      });
  const groupsById = new Map(snap.groups.map((g) => [g.groupId, g]));
  const sets = new Map(snap.permissionSets.map((p) => [p.arn, p]));
  const groupIdsOf = new Map<string, string[]>();
  for (const m of snap.memberships)
    groupIdsOf.set(m.userId, [...(groupIdsOf.get(m.userId) ?? []), m.groupId]);
  const accountName = new Map(opts.accounts.map((a) => [a.id, a.name]));
  const where = (accountId: string): string => accountName.get(accountId) ?? accountId;

  const wantedGroups = new Set<string>();
  for (const u of selected) {
    if (opts.inFiles.has(u.userName.toLowerCase())) {
      r.skipped.push(`${u.userName}: already in users/*.csv`);
      continue;
    }
    if (!USER_NAME.test(u.userName)) {
      r.problems.push(
        `Identity Center user '${u.userName}' has a name the CSV cannot hold (1–64 of letters, digits and + = , . @ _ -)`,
      );
      continue;
    }
    const email = opts.emails.get(u.userName.toLowerCase()) ?? u.email ?? '';
    if (!email)
      r.problems.push(
        `Identity Center user ${u.userName} has no primary e-mail: give --emails <file> with a row ${u.userName},<address>`,
      );
    else if (!isEmail(email))
      r.problems.push(
        `Identity Center user ${u.userName}: '${email}' is not an e-mail address (name@example.com)`,
      );
    const groups = (groupIdsOf.get(u.userId) ?? [])
      .map((id) => groupsById.get(id)?.displayName)
      .filter((g): g is string => g !== undefined)
      .sort();
    for (const g of groups) wantedGroups.add(g);
    r.rows.push({
      username: u.userName,
      email,
      groups,
      policies: [],
      console: false,
      tags: {},
      role: null,
      identity: 'identity-center',
      givenName: u.givenName,
      familyName: u.familyName,
      displayName: u.displayName,
    });
    for (const a of snap.assignments.filter(
      (x) => x.principalType === 'USER' && x.principalId === u.userId,
    )) {
      r.decisions.push(
        `${u.userName} is assigned the permission set ${sets.get(a.permissionSetArn)?.name ?? a.permissionSetArn} ` +
          `in ${where(a.accountId)} directly: it stays as it is (iam-gitops assigns permission sets to groups). ` +
          'To manage it, put the person in a group with that access and remove the direct assignment after the apply',
      );
    }
  }
  if (opts.select.all) for (const g of snap.groups) wantedGroups.add(g.displayName);

  const policyFiles = new Map<string, string>();
  for (const name of [...wantedGroups].sort()) {
    if (opts.declaredGroups.has(name)) continue;
    // The name becomes a key of iam-gitops.yml, a CSV cell and a file name (policies/<group>-permission-set.json):
    // only what iam-gitops.yml accepts as a group name, never a path or a cell separator.
    if (name.length > 128 || !IAM_NAME_CHARS.test(name)) {
      r.problems.push(
        `Identity Center group ${JSON.stringify(name)} has a name iam-gitops.yml cannot hold (1–128 of A-Z a-z 0-9 ` +
          '+ = , . @ _ -): rename it in Identity Center, or leave its people out with --users, and import again',
      );
      continue;
    }
    const group = snap.groups.find((g) => g.displayName === name)!;
    const assigned = snap.assignments.filter(
      (a) => a.principalType === 'GROUP' && a.principalId === group.groupId,
    );
    const setArns = [...new Set(assigned.map((a) => a.permissionSetArn))];
    if (setArns.length > 1) {
      const each = setArns
        .map((arn) => {
          const ids = assigned.filter((a) => a.permissionSetArn === arn).map((a) => where(a.accountId));
          return `${sets.get(arn)?.name ?? arn} in ${ids.join(', ')}`;
        })
        .join('; ');
      r.problems.push(
        `group ${name} is assigned several permission sets (${each}); iam-gitops gives a group one permission set: ` +
          'split the group in Identity Center (one group per permission set) and import again',
      );
      continue;
    }
    if (setArns.length === 0) {
      r.groups[name] = [];
      r.decisions.push(
        `group ${name} has no permission set assigned: imported without policies; give it policies in ` +
          'iam-gitops.yml, or take it out, before the first plan',
      );
      continue;
    }
    const ps = sets.get(setArns[0]!);
    if (!ps) {
      r.problems.push(
        `group ${name} is assigned ${setArns[0]}, which the instance's permission sets do not hold`,
      );
      continue;
    }
    const policies = setPolicies(ps, name, opts, r, policyFiles);
    if (!policies) continue;
    r.groups[name] = policies;
    const accounts = groupAccountNames(
      name,
      assigned.map((a) => a.accountId),
      opts,
      r,
    );
    if (accounts) r.groupAccounts[name] = accounts;
    if (ps.sessionDuration && ps.sessionDuration !== opts.sessionDuration)
      r.decisions.push(
        `permission set ${ps.name} has the session duration ${ps.sessionDuration}; identityCenter.sessionDuration ` +
          `is ${opts.sessionDuration}, which the plan will set: change the config to keep ${ps.sessionDuration}`,
      );
    // Identity Center cannot remove a relay state: with none in the config the set keeps its own.
    if (ps.relayState && opts.relayState === null)
      r.decisions.push(
        `permission set ${ps.name} has the relay state ${ps.relayState}; identityCenter.relayState is none, and ` +
          'Identity Center cannot remove a relay state, so the set keeps it and the plan warns (relay-state-kept): ' +
          'set identityCenter.relayState to it to keep it, or see docs/file-formats.md to clear it',
      );
    else if ((ps.relayState ?? null) !== opts.relayState)
      r.decisions.push(
        `permission set ${ps.name} has the relay state ${ps.relayState ?? 'none'}; identityCenter.relayState is ` +
          `${opts.relayState ?? 'none'}, which the plan will set`,
      );
  }
  r.policies = [...policyFiles].sort(([a], [b]) => cmp(a, b)).map(([name, text]) => ({ name, text }));
  r.rows.sort((a, b) => cmp(a.username, b.username));
  return r;
}

/** The group's policy references from its permission set; null when one cannot be expressed. */
function setPolicies(
  ps: IcPermissionSet,
  group: string,
  opts: IcImportOptions,
  r: IcImportResult,
  files: Map<string, string>,
): string[] | null {
  const out: string[] = [];
  let ok = true;
  for (const arn of ps.managedPolicies) {
    const m = isAwsManagedArn(arn) ? findManagedPolicy(arn) : undefined;
    if (!m) {
      r.problems.push(
        `permission set ${ps.name} (group ${group}) has ${arn} attached, an AWS managed policy this version of iam-gitops does not know`,
      );
      ok = false;
      continue;
    }
    const ref = resolvePolicyRef(m.name, opts.customPolicies);
    out.push(ref.ok && ref.ref.kind === 'aws' && ref.ref.arn === arn ? m.name : arn);
  }
  for (const c of ps.customerManagedPolicies) {
    if (opts.customPolicies.has(c.name)) out.push(c.name);
    else {
      r.problems.push(
        `permission set ${ps.name} (group ${group}) references the customer managed policy ${c.path}${c.name}, ` +
          `which lives in each account: save its document as policies/${c.name}.json and import again`,
      );
      ok = false;
    }
  }
  if (ps.inlinePolicy !== null) {
    // The inline policy becomes the group's own file, named after the group.
    const name = `${group}-permission-set`;
    let doc: PolicyDocument;
    try {
      doc = JSON.parse(ps.inlinePolicy) as PolicyDocument;
    } catch {
      r.problems.push(`permission set ${ps.name} (group ${group}) has an inline policy that is not JSON`);
      return null;
    }
    if (opts.customPolicies.has(name)) {
      r.problems.push(
        `policies/${name}.json exists; the inline policy of permission set ${ps.name} would be written there: rename the file and import again`,
      );
      return null;
    }
    files.set(name, policyJson(doc));
    out.push(name);
  }
  return ok ? out : null;
}

/** The group's `accounts:`; null when it is the default account only (or a problem was reported). */
function groupAccountNames(
  group: string,
  ids: string[],
  opts: IcImportOptions,
  r: IcImportResult,
): string[] | null {
  const unique = [...new Set(ids)].sort();
  if (opts.accounts.length === 0) {
    const elsewhere = unique.filter((id) => id !== opts.accountId);
    if (elsewhere.length > 0)
      r.problems.push(
        `group ${group}'s permission set is assigned in ${elsewhere.join(', ')}, not only in ${opts.accountId} (the ` +
          'account these credentials reach): declare every account under accounts: (name → id) and import again',
      );
    return null;
  }
  const names: string[] = [];
  for (const id of unique) {
    const a = opts.accounts.find((x) => x.id === id);
    if (a) names.push(a.name);
    else
      r.problems.push(
        `group ${group}'s permission set is assigned in account ${id}, which iam-gitops.yml does not declare: ` +
          `add it under accounts: (e.g. account-${id}: { id: '${id}' }) and import again`,
      );
  }
  const ordered = opts.accounts.map((a) => a.name).filter((n) => names.includes(n));
  if (ordered.length === 1 && ordered[0] === opts.defaultAccount) return null;
  return ordered;
}
