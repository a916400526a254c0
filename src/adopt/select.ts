/**
 * `import`'s core: the live account → the rows, policy files and groups that describe it, with
 * what cannot be expressed listed and what needs a person's decision named. Pure: no AWS, no files.
 */
import type { CredentialRow } from '../aws/credential-report.js';
import type { IamSnapshot } from '../targets/iam/read.js';
import { isEmail } from '../config/rules.js';
import { findManagedPolicy, isAwsManagedArn } from '../catalog/managed.js';
import { resolvePolicyRef } from '../desired/policy-ref.js';
import { checkTagKey, checkTagValue } from '../desired/tags.js';
import type { ActualUser } from '../model/actual.js';
import { policyJson } from './policy-json.js';

export interface ImportSelection {
  all: boolean;
  pathPrefix?: string;
  users?: string[];
}

export interface ImportOptions {
  select: ImportSelection;
  /** `path` of iam-gitops.yml (the default when there is none). */
  path: string;
  /** Adopt what lies outside `path` where it is (adoptPaths) instead of refusing it. */
  keepPath: boolean;
  emailTag: string;
  /** username (lower case) → e-mail, from --emails. */
  emails: ReadonlyMap<string, string>;
  /** Users already in users/*.csv (lower case): not imported again. */
  inFiles: ReadonlySet<string>;
  /** Groups already declared in iam-gitops.yml. */
  declaredGroups: ReadonlySet<string>;
}

export interface ImportRow {
  username: string;
  email: string;
  groups: string[];
  policies: string[];
  console: boolean;
  tags: Record<string, string>;
  role: string | null;
  /** Identity Center people: the `identity` column and their names (absent for IAM users). */
  identity?: 'identity-center';
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
}

export interface ImportResult {
  rows: ImportRow[];
  /** policies/<name>.json to write. */
  policies: Array<{ name: string; text: string }>;
  /** Groups to declare in iam-gitops.yml, with their policy references. */
  groups: Record<string, string[]>;
  /** Identity Center groups: the account names their permission set reaches (absent: the default account). */
  groupAccounts?: Record<string, string[]>;
  /** Identity Center people were imported: iam-gitops.yml gets `identityCenter: { enabled: true }`. */
  identityCenter?: boolean;
  /** Paths outside `path` that were adopted in place (--keep-path). */
  adoptPaths: string[];
  /** Credentials iam-gitops cannot express, left as they are. */
  kept: string[];
  /** Inline policies: kept as they are until someone decides. */
  decisions: string[];
  /** Users skipped, with why (already in the files). */
  skipped: string[];
  /** What stops the import; nothing is written while there is any. */
  problems: string[];
}

const RESERVED_PREFIXES = ['aws:', 'iam-gitops:'];
const POLICY_NAME = /^(?!\.{1,2}$)[A-Za-z0-9+=,.@_-]{1,128}$/;

export function buildImport(
  iam: IamSnapshot,
  credentials: CredentialRow[],
  opts: ImportOptions,
): ImportResult {
  const r: ImportResult = {
    rows: [],
    policies: [],
    groups: {},
    adoptPaths: [],
    kept: [],
    decisions: [],
    skipped: [],
    problems: [],
  };
  const adoptPaths = new Set<string>();
  const where = (kind: string, name: string, path: string): boolean => {
    if (path === opts.path) return true;
    if (opts.keepPath) {
      adoptPaths.add(path);
      return true;
    }
    r.problems.push(
      `${kind} ${name} is at path ${path}, outside path ${opts.path}; pass --keep-path to adopt it where it ` +
        `is (written as adoptPaths; the apply role then needs AdoptPaths=${path} in the bootstrap stack)`,
    );
    return false;
  };

  const selected = select(iam.users, opts.select, r.problems);
  const customByArn = new Map(iam.policies.map((p) => [p.arn, p]));
  const customNames = new Set(iam.policies.map((p) => p.name));
  const wantedPolicies = new Map<string, string>();
  const refOf = (arn: string, owner: string): string | undefined => {
    if (isAwsManagedArn(arn)) {
      const m = findManagedPolicy(arn);
      if (m) {
        const byName = resolvePolicyRef(m.name, customNames);
        return byName.ok && byName.ref.kind === 'aws' && byName.ref.arn === arn ? m.name : arn;
      }
      r.problems.push(
        `${owner} has ${arn} attached, an AWS managed policy this version of iam-gitops does not know`,
      );
      return undefined;
    }
    const p = customByArn.get(arn);
    if (p && !POLICY_NAME.test(p.name)) {
      // The name becomes a file name: only IAM's own characters, never a path.
      r.problems.push(`${owner} has the policy '${p.name}', whose name is not a valid IAM policy name`);
      return undefined;
    }
    if (!p) {
      r.problems.push(`${owner} has ${arn} attached, which the account's policy list does not hold`);
      return undefined;
    }
    if (!where('policy', p.name, p.path)) return undefined;
    wantedPolicies.set(p.name, policyJson(p.document));
    return p.name;
  };

  const groups = new Map(iam.groups.map((g) => [g.name, g]));
  const groupNames = new Set<string>();
  const creds = new Map(credentials.map((c) => [c.user, c]));
  for (const u of selected) {
    if (opts.inFiles.has(u.name.toLowerCase())) {
      r.skipped.push(`${u.name}: already in users/*.csv`);
      continue;
    }
    if (!where('user', u.name, u.path)) continue;
    const row = rowOf(u, opts, r.problems);
    row.policies = u.attachedPolicyArns
      .map((a) => refOf(a, `user ${u.name}`))
      .filter((x): x is string => !!x);
    for (const g of u.groups) groupNames.add(g);
    r.rows.push(row);
    const c = creds.get(u.name);
    for (const k of c?.keys ?? []) {
      r.kept.push(
        `${u.name}: access key ${k.slot} (${k.active ? 'active' : 'inactive'}` +
          `${k.lastRotated ? `, created ${k.lastRotated.toISOString().slice(0, 10)}` : ''}) stays as it is`,
      );
    }
    if (c && c.certsActive > 0)
      r.kept.push(`${u.name}: ${c.certsActive} signing certificate(s) stay as they are`);
    for (const p of iam.inline.filter((i) => i.principalType === 'user' && i.principal === u.name)) {
      r.decisions.push(
        `user ${u.name} has the inline policy ${p.name}: it stays as it is (iam-gitops manages managed ` +
          `policies only). To manage it, save it as policies/${u.name}-${p.name}.json, add ` +
          `${u.name}-${p.name} to ${u.name}'s policies, and delete the inline policy after the apply`,
      );
    }
  }
  if (opts.select.all) for (const g of iam.groups) groupNames.add(g.name);
  for (const name of [...groupNames].sort()) {
    if (opts.declaredGroups.has(name)) continue;
    const g = groups.get(name);
    if (!g) continue;
    if (!where('group', name, g.path)) continue;
    r.groups[name] = g.attachedPolicyArns
      .map((a) => refOf(a, `group ${name}`))
      .filter((x): x is string => !!x);
    for (const p of iam.inline.filter((i) => i.principalType === 'group' && i.principal === name)) {
      r.decisions.push(
        `group ${name} has the inline policy ${p.name}: it stays as it is. To manage it, save it as ` +
          `policies/${name}-${p.name}.json, add it to the group's policies, and delete the inline policy after the apply`,
      );
    }
  }
  r.policies = [...wantedPolicies]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, text]) => ({ name, text }));
  r.adoptPaths = [...adoptPaths].sort();
  r.rows.sort((a, b) => (a.username < b.username ? -1 : 1));
  return r;
}

function select(users: ActualUser[], s: ImportSelection, problems: string[]): ActualUser[] {
  if (s.all) return users;
  if (s.users) {
    const byKey = new Map(users.map((u) => [u.name.toLowerCase(), u]));
    const out: ActualUser[] = [];
    for (const name of s.users) {
      const u = byKey.get(name.toLowerCase());
      if (u) out.push(u);
      else problems.push(`--users names ${name}, which is not a user of the account`);
    }
    return out;
  }
  const prefix = s.pathPrefix ?? '/';
  return users.filter((u) => u.path.startsWith(prefix));
}

function rowOf(u: ActualUser, opts: ImportOptions, problems: string[]): ImportRow {
  const email = opts.emails.get(u.name.toLowerCase()) ?? u.tags[opts.emailTag] ?? '';
  if (!email) {
    problems.push(
      `user ${u.name} has no e-mail: tag it ${opts.emailTag}=<address>, or give --emails <file> with a row ${u.name},<address>`,
    );
  } else if (!isEmail(email)) {
    problems.push(`user ${u.name}: '${email}' is not an e-mail address (name@example.com)`);
  }
  const tags: Record<string, string> = {};
  let role: string | null = null;
  for (const [k, v] of Object.entries(u.tags).sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (RESERVED_PREFIXES.some((p) => k.startsWith(p))) continue;
    if (k === 'managed-by') {
      if (v !== 'iam-gitops')
        problems.push(`user ${u.name} has the tag managed-by=${v}; another tool manages it`);
      continue;
    }
    if (k === 'role') {
      role = v || null;
      continue;
    }
    const problem = checkTagKey(k) ?? checkTagValue(k, v) ?? (/[;]/.test(k + v) ? 'contains ;' : undefined);
    if (problem) problems.push(`user ${u.name}: tag ${k} cannot be written to the CSV (${problem})`);
    else tags[k] = v;
  }
  return {
    username: u.name,
    email,
    groups: [...u.groups].sort(),
    policies: [],
    console: u.hasLoginProfile,
    tags,
    role,
  };
}
