/**
 * What the files say Identity Center should hold, cut from the repository's desired state. Pure.
 *
 * - A person is in Identity Center when `identityCenter.enabled` and their `identity` (the CSV
 *   column, else `identityCenter.defaultIdentity`) is identity-center; everyone else is an IAM user.
 * - A config group with at least one Identity Center member becomes an Identity Center group, and
 *   its policies one permission set (`permissionSetName`), assigned to the group in every account
 *   the group reaches (src/accounts/project.ts `groupAccounts`).
 * - AWS managed policies are attached; the group's custom policies are merged into the inline policy
 *   when the result fits IAM's limit for a role's inline policies (the permission set becomes a role
 *   in each account), else referenced as customer managed policies (name and `path`), which must
 *   exist in each account the set is provisioned to (iam-gitops's IAM part creates them there).
 */
import { createHash } from 'node:crypto';
import { groupAccounts } from '../../accounts/project.js';
import { MFA_GROUP_NAME } from '../../desired/mfa-policy.js';
import type { Config, DesiredState, DesiredUser, SourceRef } from '../../model/desired.js';
import type { PolicyDocument, Statement } from '../../model/policy.js';
import { canonicalJson } from '../../plan/canonical.js';

/** Prefix of every permission set iam-gitops makes. */
export const PERMISSION_SET_PREFIX = 'iam-gitops-';
/** CreatePermissionSet's Name: 1–32 of [\w+=,.@-]. */
export const PERMISSION_SET_NAME_MAX = 32;
/**
 * A permission set's inline policy becomes an inline policy of a role in every account, where IAM
 * allows 10,240 characters for a role's inline policies (whitespace not counted; the plan writes
 * compact JSON).
 */
export const INLINE_POLICY_MAX = 10_240;
/** AWS managed policies plus customer managed references per permission set (Identity Center quota). */
export const MANAGED_POLICIES_MAX = 20;

export interface IcAccount {
  name: string;
  id: string;
}

export interface IcDesiredUser {
  userName: string;
  displayName: string;
  givenName: string;
  familyName: string;
  email: string;
  /** Group names (as iam-gitops.yml writes them) the person belongs to in Identity Center. */
  groups: string[];
  source: SourceRef;
}

export interface IcDesiredPermissionSet {
  name: string;
  description: string;
  sessionDuration: string;
  relayState: string | null;
  /** AWS managed policy ARNs, sorted. */
  managedPolicies: string[];
  /** Custom policies referenced (when they do not fit inline), sorted by name. */
  customerManagedPolicies: Array<{ name: string; path: string }>;
  /** Canonical JSON of the merged custom policies, or null when there are none (or they are referenced). */
  inlinePolicy: string | null;
  /** The custom policies merged into the inline policy, sorted. */
  inlineFrom: string[];
  /** Why custom policies are referenced instead of merged; null when merged or none. */
  referencedBecause: string | null;
}

export interface IcDesiredGroup {
  name: string;
  /** User names of the Identity Center people in it, sorted. */
  members: string[];
  permissionSet: IcDesiredPermissionSet;
  /** Accounts the permission set is assigned to the group in, sorted by id. */
  accounts: IcAccount[];
  source: SourceRef;
}

export interface IcDesired {
  users: IcDesiredUser[];
  groups: IcDesiredGroup[];
  /** Problems in the files that refuse the plan (with file:line and the fix). */
  errors: string[];
}

/** Where a person lives. */
export function identityOf(user: DesiredUser, config: Config): 'iam' | 'identity-center' {
  if (!config.identityCenter.enabled) return 'iam';
  return user.identity ?? config.identityCenter.defaultIdentity;
}

/** Groups iam-gitops adds itself (the IAM MFA group) never become Identity Center groups. */
const isToolGroup = (group: string): boolean => group === MFA_GROUP_NAME;

/**
 * The IAM part of the desired state: without the Identity Center people, and without the groups
 * whose only members are Identity Center people (a group nobody joins stays, as before). Custom
 * policies all stay: a permission set may reference them, and then they must exist in the account.
 */
export function iamPart(desired: DesiredState): DesiredState {
  const { config } = desired;
  if (!config.identityCenter.enabled) return desired;
  const users = desired.users.filter((u) => identityOf(u, config) === 'iam');
  if (users.length === desired.users.length) return desired;
  const icOnly = new Set(icGroupNames(desired));
  for (const u of users) for (const g of u.groups) icOnly.delete(g);
  const groups = Object.fromEntries(Object.entries(config.groups).filter(([g]) => !icOnly.has(g)));
  return { ...desired, users, config: { ...config, groups } };
}

/** Config groups with at least one Identity Center member, sorted: each has a permission set. */
export function icGroupNames(desired: DesiredState): string[] {
  const out = new Set<string>();
  for (const u of desired.users)
    if (identityOf(u, desired.config) === 'identity-center')
      for (const g of u.groups) if (!isToolGroup(g) && g in desired.config.groups) out.add(g);
  return [...out].sort();
}

/** `accounts`: every account of the run, in order (single account: that one). */
export function icDesired(desired: DesiredState, accounts: readonly IcAccount[]): IcDesired {
  const { config } = desired;
  const errors: string[] = [];
  const people = desired.users.filter((u) => identityOf(u, config) === 'identity-center');
  const users: IcDesiredUser[] = [...people]
    .sort((a, b) => cmp(a.name, b.name))
    .map((u) => {
      if (u.policies.length > 0)
        errors.push(
          `${u.name} (${at(u.source)}) is an Identity Center person with policies of their own ` +
            `(${u.policies.map((p) => p.name).join(', ')}); Identity Center grants access through groups: ` +
            'move the policies to a group in iam-gitops.yml, or set identity to iam for this person',
        );
      const names = personNames(u);
      return {
        userName: u.name,
        ...names,
        email: u.email,
        groups: [...new Set(u.groups.filter((g) => !isToolGroup(g)))].sort(),
        source: u.source,
      };
    });
  const allNames = accounts.map((a) => a.name);
  const groups: IcDesiredGroup[] = [];
  const setNames = new Map<string, string>();
  for (const name of icGroupNames(desired)) {
    const g = config.groups[name]!;
    const permissionSet = permissionSetFor(desired, name, errors);
    const twin = setNames.get(permissionSet.name.toLowerCase());
    if (twin)
      errors.push(
        `groups ${twin} and ${name} (${at(g.source)}) give the same permission set name ${permissionSet.name}; ` +
          'rename one of the groups',
      );
    setNames.set(permissionSet.name.toLowerCase(), name);
    const reached = new Set(groupAccounts(desired, name, allNames));
    groups.push({
      name,
      members: users.filter((u) => u.groups.includes(name)).map((u) => u.userName),
      permissionSet,
      accounts: accounts.filter((a) => reached.has(a.name)).sort((a, b) => cmp(a.id, b.id)),
      source: g.source,
    });
  }
  return { users, groups, errors };
}

/**
 * `iam-gitops-<group>` when it fits 32 characters, else `iam-gitops-<start of group>-<6 hex of its
 * hash>`: deterministic, and two long names that start alike still differ.
 */
export function permissionSetName(group: string): string {
  const whole = `${PERMISSION_SET_PREFIX}${group}`;
  if (whole.length <= PERMISSION_SET_NAME_MAX) return whole;
  const hash = createHash('sha256').update(group).digest('hex').slice(0, 6);
  const room = PERMISSION_SET_NAME_MAX - PERMISSION_SET_PREFIX.length - hash.length - 1;
  return `${PERMISSION_SET_PREFIX}${group.slice(0, room)}-${hash}`;
}

function permissionSetFor(desired: DesiredState, group: string, errors: string[]): IcDesiredPermissionSet {
  const { config } = desired;
  const g = config.groups[group]!;
  const managedPolicies = [...new Set(g.policies.flatMap((p) => (p.kind === 'aws' ? [p.arn] : [])))].sort();
  const custom = [...new Set(g.policies.flatMap((p) => (p.kind === 'custom' ? [p.name] : [])))].sort();
  const docs = custom.map((name) => ({ name, doc: desired.policies.find((p) => p.name === name)?.document }));
  let inlinePolicy: string | null = null;
  let inlineFrom: string[] = [];
  let customerManagedPolicies: Array<{ name: string; path: string }> = [];
  let referencedBecause: string | null = null;
  if (docs.length > 0) {
    const merged = mergePolicies(docs.flatMap((d) => (d.doc ? [{ name: d.name, doc: d.doc }] : [])));
    if (merged.length <= INLINE_POLICY_MAX) {
      inlinePolicy = merged;
      inlineFrom = custom;
    } else {
      customerManagedPolicies = custom.map((name) => ({ name, path: config.path }));
      referencedBecause =
        `merged, the custom policies are ${merged.length} characters, more than the ${INLINE_POLICY_MAX} ` +
        'a role allows inline';
    }
  }
  const count = managedPolicies.length + customerManagedPolicies.length;
  if (count > MANAGED_POLICIES_MAX)
    errors.push(
      `group ${group} (${at(g.source)}) would give its permission set ${count} managed policies and references, ` +
        `more than the ${MANAGED_POLICIES_MAX} Identity Center allows; split the group or merge policies`,
    );
  return {
    name: permissionSetName(group),
    description: `iam-gitops group ${group}`.slice(0, 700),
    sessionDuration: config.identityCenter.sessionDuration,
    relayState: config.identityCenter.relayState,
    managedPolicies,
    customerManagedPolicies,
    inlinePolicy,
    inlineFrom,
    referencedBecause,
  };
}

/**
 * One document from several: their statements in policy-name order; a statement's Sid is kept
 * when it is unique in the result, else made unique with its policy's name (Sids are alphanumeric).
 */
export function mergePolicies(policies: Array<{ name: string; doc: PolicyDocument }>): string {
  const statements: Statement[] = [];
  const seen = new Set<string>();
  for (const { name, doc } of policies) {
    const prefix = name.replace(/[^A-Za-z0-9]/g, '');
    for (const s of doc.Statement) {
      let sid = s.Sid;
      if (sid !== undefined && seen.has(sid)) {
        sid = `${prefix}${sid}`;
        for (let n = 2; seen.has(sid); n++) sid = `${prefix}${s.Sid}${n}`;
      }
      if (sid !== undefined) seen.add(sid);
      statements.push(sid === undefined ? { ...s } : { ...s, Sid: sid });
    }
  }
  return canonicalJson({ Version: '2012-10-17', Statement: statements });
}

/**
 * Given and family names: the CSV's columns, else derived from the user name (`jane.doe` → Jane,
 * Doe), else from the e-mail's local part; a single word serves as both. Identity Center requires
 * all three names.
 */
export function personNames(u: DesiredUser): { displayName: string; givenName: string; familyName: string } {
  const words = (s: string) =>
    s
      .split(/[._\-+@\s]+/)
      .filter(Boolean)
      .map((w) => w.charAt(0).toUpperCase() + w.slice(1));
  let parts = words(u.name);
  if (parts.length < 2) {
    const local = words(u.email.split('@')[0] ?? '');
    if (local.length >= 2) parts = local;
  }
  const first = parts[0] ?? u.name;
  const rest = parts.length > 1 ? parts.slice(1).join(' ') : first;
  const givenName = u.givenName ?? first;
  const familyName = u.familyName ?? rest;
  const displayName = u.displayName ?? (givenName === familyName ? givenName : `${givenName} ${familyName}`);
  return { displayName, givenName, familyName };
}

function at(source: SourceRef): string {
  return `${source.file}${source.line > 0 ? `:${source.line}` : ''}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
