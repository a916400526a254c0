/** One users/*.csv file → DesiredUser rows, checked against IAM's rules and the config. */
import type { Config, DesiredUser, PolicyRef, SourceRef } from '../model/desired.js';
import { accountListProblems } from '../config/accounts.js';
import type { Diagnostic } from '../model/diagnostic.js';
import { isEmail } from '../config/rules.js';
import { closest } from '../suggest.js';
import { parseCsv, type CsvField } from './csv.js';
import { resolvePolicyRef } from './policy-ref.js';
import { checkTagValue, MAX_USER_TAGS, parseTags } from './tags.js';

export const COLUMNS = [
  'username',
  'email',
  'groups',
  'policies',
  'console',
  'tags',
  'role',
  'policy',
  'accounts',
  'identity',
  'given_name',
  'family_name',
  'display_name',
] as const;
type Column = (typeof COLUMNS)[number];
/** Headers people write for a known column, which edit distance would not find. */
const SYNONYMS: Record<string, Column> = {
  name: 'username',
  user: 'username',
  login: 'username',
  'user name': 'username',
  user_name: 'username',
  mail: 'email',
  'e-mail': 'email',
  'email address': 'email',
  'job title': 'role',
  account: 'accounts',
  'first name': 'given_name',
  first_name: 'given_name',
  givenname: 'given_name',
  'last name': 'family_name',
  last_name: 'family_name',
  surname: 'family_name',
  familyname: 'family_name',
  displayname: 'display_name',
  title: 'role',
};
const USERNAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/;
/** IAM default quotas: managed policies attached to a user, groups a user belongs to. */
export const MAX_USER_POLICIES = 10;
export const MAX_USER_GROUPS = 10;
const TRUE = new Set(['true', 'yes', '1']);
const FALSE = new Set(['false', 'no', '0', '']);

export interface UsersContext {
  customNames: ReadonlySet<string>;
  /** Declared groups; null skips the check (the config itself is broken). */
  groups: ReadonlySet<string> | null;
  configFile: string;
  /** Lower-cased user name → where it was first defined, shared across files. */
  seen: Map<string, SourceRef>;
  /** Filled with the custom policies rows reference. */
  referencedPolicies: Set<string>;
  /** The account names the `accounts` column may use (absent: no accounts declared). */
  config?: Pick<Config, 'accounts' | 'organization'>;
}

export function readUsersFile(
  file: string,
  text: string,
  ctx: UsersContext,
): { users: DesiredUser[]; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const users: DesiredUser[] = [];
  const report = (
    at: { line: number; col: number },
    message: string,
    severity: Diagnostic['severity'] = 'error',
  ) => diagnostics.push({ file, line: at.line, col: at.col, severity, message });
  const { records, errors } = parseCsv(text);
  for (const e of errors) report(e, e.message);
  const header = records.shift();
  if (!header) {
    if (errors.length === 0)
      report({ line: 1, col: 1 }, 'no header row; the first line must name the columns (username,email,…)');
    return { users, diagnostics };
  }
  const separator = [';', '\t'].find(
    (c) => header.fields.length === 1 && header.fields[0]!.value.includes(c),
  );
  if (separator) {
    const shown = separator === '\t' ? 'tabs' : `'${separator}'`;
    report(
      { line: header.line, col: 1 },
      `columns are separated by ${shown}; save the file with commas (username,email,…) as CSV requires`,
    );
    return { users, diagnostics };
  }
  const columns = new Map<Column, number>();
  header.fields.forEach((f, i) => {
    const name = f.value.trim().toLowerCase() as Column;
    if (!(COLUMNS as readonly string[]).includes(name)) {
      const near = SYNONYMS[name] ?? closest(name, COLUMNS);
      return report(
        f,
        `unknown column '${f.value}'` +
          (near ? `; did you mean '${near}'?` : `; known columns: ${COLUMNS.join(', ')}`),
      );
    }
    if (columns.has(name)) return report(f, `column '${name}' appears twice in the header; keep one`);
    columns.set(name, i);
  });
  for (const required of ['username', 'email'] as const) {
    if (!columns.has(required))
      report({ line: header.line, col: 1 }, `the header has no '${required}' column; it is required`);
  }
  if (!columns.has('username')) return { users, diagnostics };

  for (const rec of records) {
    if (rec.fields.length > header.fields.length) {
      report(
        { line: rec.line, col: 1 },
        `this row has ${rec.fields.length} fields but the header has ${header.fields.length}; ` +
          'quote a value that contains a comma ("a,b")',
      );
      continue;
    }
    // Fewer fields cannot shift values between columns: the missing trailing ones are empty.
    const last = rec.fields[rec.fields.length - 1]!;
    while (rec.fields.length < header.fields.length) rec.fields.push({ ...last, value: '' });
    const cell = (c: Column): CsvField | undefined => {
      const i = columns.get(c);
      return i === undefined ? undefined : rec.fields[i];
    };
    const user = readRow(file, rec.line, cell, ctx, report);
    if (user) users.push(user);
  }
  return { users, diagnostics };
}

type Report = (at: { line: number; col: number }, message: string, severity?: Diagnostic['severity']) => void;

function readRow(
  file: string,
  line: number,
  cell: (c: Column) => CsvField | undefined,
  ctx: UsersContext,
  report: Report,
): DesiredUser | undefined {
  let errors = 0;
  const error: Report = (at, m, s = 'error') => {
    if (s === 'error') errors++;
    report(at, m, s);
  };
  const nameCell = cell('username')!;
  const name = nameCell.value;
  if (name === '')
    error(nameCell, 'username is empty; every row needs one (delete the row to remove a user)');
  else if (!USERNAME.test(name)) {
    error(nameCell, `username '${name}' must be 1–64 of A-Z a-z 0-9 + = , . @ _ - (no spaces)`);
  } else {
    const first = ctx.seen.get(name.toLowerCase());
    if (first) {
      error(
        nameCell,
        `user '${name}' is already defined at ${first.file}:${first.line} (IAM user names are case-insensitive); remove one row`,
      );
    } else ctx.seen.set(name.toLowerCase(), { file, line, col: nameCell.col });
  }
  const emailCell = cell('email');
  const email = emailCell?.value ?? '';
  if (emailCell && email === '')
    error(emailCell, `email is empty; the welcome mail for '${name}' goes there`);
  else if (emailCell && !isEmail(email))
    error(emailCell, `'${email}' is not an email address (name@example.com)`);

  const groups = readGroups(cell('groups'), ctx, error);
  const policies = readPolicies([cell('policies'), cell('policy')], ctx, error);

  const consoleCell = cell('console');
  const consoleValue = (consoleCell?.value ?? '').toLowerCase();
  if (consoleCell && !TRUE.has(consoleValue) && !FALSE.has(consoleValue)) {
    error(consoleCell, `console must be true/false/yes/no/1/0 (got '${consoleCell.value}')`);
  }

  const roleCell = cell('role');
  const role = roleCell?.value ? roleCell.value : null;
  const roleProblem = role !== null ? checkTagValue('role', role) : undefined;
  if (roleCell && roleProblem) error(roleCell, `role is stored as a tag: ${roleProblem}`);

  const tagsCell = cell('tags');
  const { tags, problems } = parseTags(tagsCell?.value ?? '');
  for (const p of problems) error(tagsCell!, p);
  const total = Object.keys(tags).length + 2 + (role !== null ? 1 : 0);
  if (tagsCell && total > MAX_USER_TAGS) {
    error(
      tagsCell,
      `${Object.keys(tags).length} tags: with the tags iam-gitops adds (managed-by, ` +
        `${role !== null ? 'role, ' : ''}iam-gitops:welcome) the user would have ${total}; IAM allows ${MAX_USER_TAGS}`,
    );
  }
  const accountsCell = cell('accounts');
  let accounts: string[] | null = null;
  if (accountsCell && accountsCell.value.trim() !== '') {
    accounts = splitList(accountsCell.value);
    const cfg = ctx.config ?? { accounts: [], organization: null };
    for (const p of accountListProblems(accounts, cfg)) error(accountsCell, `accounts: ${p}`);
  }
  const identityCell = cell('identity');
  const identityValue = (identityCell?.value ?? '').trim().toLowerCase();
  let identity: DesiredUser['identity'] = null;
  if (identityValue === 'iam') identity = 'iam';
  else if (['identity-center', 'identitycenter', 'sso'].includes(identityValue)) identity = 'identity-center';
  else if (identityValue !== '' && identityCell)
    error(identityCell, `identity must be iam or identity-center (got '${identityCell.value}')`);
  const text = (c: Column, max: number): string | null => {
    const f = cell(c);
    const v = f?.value.trim() ?? '';
    if (v === '') return null;
    if (v.length > max) error(f!, `${c} is ${v.length} characters; Identity Center allows ${max}`);
    return v;
  };
  const givenName = text('given_name', 1024);
  const familyName = text('family_name', 1024);
  const displayName = text('display_name', 1024);
  if (errors > 0) return undefined;
  return {
    // Written only when the row gives them, so rows of single-account IAM repositories stay as they were.
    ...(accounts ? { accounts } : {}),
    ...(identity ? { identity } : {}),
    ...(givenName ? { givenName } : {}),
    ...(familyName ? { familyName } : {}),
    ...(displayName ? { displayName } : {}),
    name,
    email,
    groups,
    policies,
    console: TRUE.has(consoleValue),
    tags,
    role,
    source: { file, line, col: nameCell.col },
  };
}

function splitList(value: string): string[] {
  return value
    .split(';')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function readGroups(c: CsvField | undefined, ctx: UsersContext, report: Report): string[] {
  if (!c) return [];
  const out: string[] = [];
  for (const g of splitList(c.value)) {
    if (out.includes(g)) {
      report(c, `group '${g}' is listed twice; remove one`, 'warning');
      continue;
    }
    if (ctx.groups && !ctx.groups.has(g)) {
      const near = closest(g, ctx.groups);
      report(
        c,
        `group '${g}' is not declared in ${ctx.configFile}` +
          (near ? `; did you mean '${near}'?` : ';') +
          ` to create it, declare it under 'groups:' in ${ctx.configFile} (${g}: {policies: [...]})`,
      );
      continue;
    }
    out.push(g);
  }
  if (out.length > MAX_USER_GROUPS) {
    report(c, `${out.length} groups; IAM allows a user in at most ${MAX_USER_GROUPS} groups`);
  }
  return out;
}

function readPolicies(cells: Array<CsvField | undefined>, ctx: UsersContext, report: Report): PolicyRef[] {
  const out: PolicyRef[] = [];
  for (const c of cells) {
    if (!c) continue;
    for (const p of splitList(c.value)) {
      const r = resolvePolicyRef(p, ctx.customNames);
      if (!r.ok) {
        report(c, r.message);
        continue;
      }
      if (out.some((q) => q.kind === r.ref.kind && q.name === r.ref.name)) {
        report(c, `policy '${p}' is listed twice; remove one`, 'warning');
        continue;
      }
      if (r.ref.kind === 'custom') ctx.referencedPolicies.add(r.ref.name);
      out.push(r.ref);
    }
  }
  const last = cells.filter((c) => c !== undefined).pop();
  if (last && out.length > MAX_USER_POLICIES) {
    report(
      last,
      `${out.length} policies attached directly; IAM allows ${MAX_USER_POLICIES} managed policies per user: ` +
        'put some in a group in iam-gitops.yml or merge them into one custom policy',
    );
  }
  return out;
}
