/**
 * `iam-gitops import`: the live account's users (chosen by --all, --path or --users) written into
 * the repository so that the next `plan` only takes them over (the ownership tags). Nothing is
 * written while any user cannot be expressed; `--dry-run` prints the files instead.
 * Exit 0 written (or printed), 1 error or refused.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createClients } from '../aws/clients.js';
import { readReportAccount } from '../aws/read-report.js';
import { IMPORT_CSV, configYaml, usersCsv } from '../adopt/write.js';
import { buildImport, type ImportResult, type ImportSelection } from '../adopt/select.js';
import { buildIdentityCenterImport } from '../adopt/identity-center.js';
import { readIdentityCenter } from '../targets/identity-center/read.js';
import type { DesiredState } from '../model/desired.js';
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js';
import { parseCsv } from '../desired/csv.js';
import { loadDesired } from '../desired/index.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { dirIsRepo, regionOf, type CliArgs } from './args.js';
import { guarded } from './output.js';
import { defaultIo, type PlanIo } from './plan.js';

export async function importCommand(args: CliArgs, rawIo: PlanIo = defaultIo()): Promise<number> {
  const io = guarded(rawIo);
  const chosen = [args.all, args.path !== undefined, args.users !== undefined].filter(Boolean).length;
  if (chosen !== 1) {
    io.err('error: choose the users to import with exactly one of --all, --path <prefix>, --users <a,b>\n');
    return 1;
  }
  if (!(await dirIsRepo(args, io))) return 1;
  const select: ImportSelection = {
    all: args.all,
    pathPrefix: args.path,
    users: args.users
      ?.split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  };
  const emails = args.emails ? await readEmails(path.resolve(args.dir, args.emails), io) : new Map();
  if (!emails) return 1;

  // What the repository already says: its path, its users and groups are not imported twice.
  const hasFiles =
    existsSync(path.join(args.dir, DEFAULT_CONFIG_FILE)) || existsSync(path.join(args.dir, 'users'));
  const loaded = hasFiles ? await loadDesired(args.dir) : null;
  if (loaded && !loaded.state) {
    for (const d of loaded.diagnostics) io.err(formatDiagnostic(d) + '\n');
    io.err('error: fix the files above first: import adds to a valid repository\n');
    return 1;
  }
  const config = loaded?.state?.config;
  const ic = config?.identityCenter;
  const clients = (
    io.clients ?? ((r: string) => createClients({ region: r, identityCenterRegion: ic?.region ?? undefined }))
  )(regionOf(io.env));
  const account = await readReportAccount(clients);
  // Identity Center people too, with identityCenter.enabled (reads only); --path is IAM's.
  const snap = ic?.enabled && select.pathPrefix === undefined ? await readIdentityCenter(clients, ic) : null;
  const icNames = new Set((snap?.users ?? []).map((u) => u.userName.toLowerCase()));
  const result = buildImport(account.iam, account.credentials, {
    select:
      snap && select.users
        ? { ...select, users: select.users.filter((u) => !icNames.has(u.toLowerCase())) }
        : select,
    path: config?.path ?? '/iam-gitops/',
    keepPath: args.keepPath,
    emailTag: args.emailTag ?? 'email',
    emails,
    inFiles: new Set((loaded?.state?.users ?? []).map((u) => u.name.toLowerCase())),
    declaredGroups: new Set(Object.keys(config?.groups ?? {})),
  });
  if (snap && loaded?.state) addIdentityCenter(result, snap, loaded.state, account.accountId, select, emails);
  const csvPath = path.join(args.dir, IMPORT_CSV);
  if (existsSync(csvPath) && result.rows.length > 0) {
    result.problems.push(`${IMPORT_CSV} exists; rename it (any users/*.csv name works) and import again`);
  }
  const configPath = path.join(args.dir, DEFAULT_CONFIG_FILE);
  const existingConfig = existsSync(configPath) ? await readFile(configPath, 'utf8') : null;
  const files: Array<[string, string]> = [];
  if (result.rows.length > 0) files.push([IMPORT_CSV, usersCsv(result.rows)]);
  for (const p of result.policies) {
    const rel = `policies/${p.name}.json`;
    if (existsSync(path.join(args.dir, rel))) result.skipped.push(`${rel}: exists, kept as it is`);
    else files.push([rel, p.text]);
  }
  if (result.rows.length > 0 || Object.keys(result.groups).length > 0) {
    files.push([DEFAULT_CONFIG_FILE, configYaml(existingConfig, result)]);
  }

  for (const s of result.skipped) io.err(`skipped: ${s}\n`);
  for (const k of result.kept) io.err(`kept untouched: ${k}\n`);
  for (const d of result.decisions) io.err(`needs a decision: ${d}\n`);
  io.err(
    'kept untouched: SSH public keys, service-specific credentials and MFA devices are never changed by iam-gitops\n',
  );
  if (result.problems.length > 0) {
    for (const p of result.problems) io.err(`error: ${p}\n`);
    io.err(
      `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}: nothing was written\n`,
    );
    return 1;
  }
  if (args.dryRun) {
    for (const [rel, text] of files) io.out(`--- ${rel}\n${text}`);
    io.err(`dry run: ${files.length} file${files.length === 1 ? '' : 's'} would be written\n`);
    return 0;
  }
  for (const [rel, text] of files) {
    await mkdir(path.dirname(path.join(args.dir, rel)), { recursive: true });
    await writeFile(path.join(args.dir, rel), text);
    io.err(`wrote ${rel}\n`);
  }
  io.err(
    `imported ${result.rows.length} user${result.rows.length === 1 ? '' : 's'}; next: iam-gitops validate, ` +
      'then iam-gitops plan (it should only add the managed-by tag to each user), then a pull request\n',
  );
  return 0;
}

/** The Identity Center part merged into the import: its people, groups and policy files. */
function addIdentityCenter(
  result: ImportResult,
  snap: Parameters<typeof buildIdentityCenterImport>[0],
  state: DesiredState,
  accountId: string,
  select: ImportSelection,
  emails: ReadonlyMap<string, string>,
): void {
  const c = state.config;
  const ic = buildIdentityCenterImport(snap, {
    select: select.users ? { all: false, users: select.users } : { all: true },
    accounts: c.accounts,
    defaultAccount: c.defaultAccount,
    accountId,
    emails,
    inFiles: new Set(state.users.map((u) => u.name.toLowerCase())),
    declaredGroups: new Set(Object.keys(c.groups)),
    customPolicies: new Set(state.policies.map((p) => p.name)),
    sessionDuration: c.identityCenter.sessionDuration,
    relayState: c.identityCenter.relayState,
  });
  const iamNames = new Set(result.rows.map((r) => r.username.toLowerCase()));
  for (const row of ic.rows)
    if (iamNames.has(row.username.toLowerCase()))
      result.problems.push(
        `${row.username} is both an IAM user and an Identity Center user: import one of them (--users names either)`,
      );
  for (const g of Object.keys(ic.groups))
    if (g in result.groups)
      result.problems.push(
        `group ${g} exists in IAM and in Identity Center: the files have one group per name; rename one and import again`,
      );
  result.rows.push(...ic.rows);
  result.rows.sort((a, b) => (a.username < b.username ? -1 : 1));
  const names = new Set(result.policies.map((p) => p.name));
  result.policies.push(...ic.policies.filter((p) => !names.has(p.name)));
  Object.assign(result.groups, ic.groups);
  result.groupAccounts = ic.groupAccounts;
  result.identityCenter = ic.rows.length > 0 || Object.keys(ic.groups).length > 0;
  result.kept.push(...ic.kept);
  result.decisions.push(...ic.decisions);
  result.skipped.push(...ic.skipped);
  result.problems.push(...ic.problems);
}

/** --emails: a CSV with `username,email` columns. */
async function readEmails(file: string, io: { err(t: string): void }): Promise<Map<string, string> | null> {
  let text: string;
  try {
    text = (await readFile(file, 'utf8')).replace(/\r\n/g, '\n');
  } catch (err) {
    io.err(`error: --emails: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
    return null;
  }
  const { records, errors } = parseCsv(text);
  const header = records.shift()?.fields.map((f) => f.value.toLowerCase());
  const u = header?.indexOf('username') ?? -1;
  const e = header?.indexOf('email') ?? -1;
  if (errors.length > 0 || u < 0 || e < 0) {
    io.err(`error: --emails: ${file} must be a CSV with the columns username,email\n`);
    return null;
  }
  return new Map(records.map((r) => [r.fields[u]?.value.toLowerCase() ?? '', r.fields[e]?.value ?? '']));
}
