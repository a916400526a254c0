/**
 * The Report as text (terminal), markdown (an issue or job summary), JSON (machines) and CSV (a
 * spreadsheet). Names come from the account, so markdown escapes them and CSV defuses formulas.
 */
import { code, esc, table } from '../plan/md.js';
import type { IdentityCenterReport } from './identity-center.js';
import type { CisCheck, Report, ReportKey, ReportUser } from './model.js';

export const REPORT_FORMATS = ['text', 'markdown', 'json', 'csv'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(r: Report, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return JSON.stringify(r, null, 2) + '\n';
    case 'csv':
      return renderCsv(r);
    case 'markdown':
      return renderMarkdownReport(r);
    default:
      return renderTextReport(r);
  }
}

const managed = (u: ReportUser) =>
  u.inFiles ? (u.tagged ? 'managed' : 'in files') : u.tagged ? 'tagged, not in files' : 'unmanaged';
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');
const keyText = (k: ReportKey) =>
  `key ${k.slot} ${k.active ? 'active' : 'inactive'}, ${k.ageDays ?? '?'} d old, last used ${day(k.lastUsed)}`;

function credentialLine(r: Report): string {
  const c = r.credentialReport;
  const age = c.generatedAt
    ? `generated ${c.generatedAt} (${c.ageHours} h before this report)`
    : 'generation time unknown';
  const direct = c.askedDirectly.length ? `; newer users read directly: ${c.askedDirectly.join(', ')}` : '';
  return `Credential report ${age}${direct}`;
}

function checkLines(c: CisCheck): string[] {
  const head = `${c.status === 'pass' ? 'PASS' : 'FAIL'}  CIS ${c.id}  ${c.title}`;
  return [head, ...c.failures.flatMap((f) => [`        ${f.message}`, `          fix: ${f.fix}`])];
}

export function renderTextReport(r: Report): string {
  const out: string[] = [`IAM report for account ${r.accountId} at ${r.generatedAt}`, credentialLine(r), ''];
  out.push(`Users (${r.users.length}):`);
  for (const u of r.users) {
    out.push(`  ${u.name} [${managed(u)}] ${u.path}: ${u.verdict.summary}`);
    if (u.groups.length) {
      out.push(
        `    groups: ${u.groups.map((g) => `${g} (${u.groupPolicies[g]?.join(', ') || 'no policies'})`).join('; ')}`,
      );
    }
    if (u.policies.length) out.push(`    policies: ${u.policies.join(', ')}`);
    out.push(
      `    console: ${u.console ? `yes, MFA ${u.mfa ? 'yes' : 'no'}, password last used ${day(u.passwordLastUsed)}` : 'no'}`,
    );
    for (const k of u.keys) out.push(`    ${keyText(k)}`);
  }
  out.push('', 'CIS AWS Foundations identity checks:');
  for (const c of r.checks) out.push(...checkLines(c).map((l) => `  ${l}`));
  if (r.errors.length) {
    out.push('', `Errors (${r.errors.length}):`);
    for (const e of r.errors) out.push(`  error: ${e.message}`, `    fix: ${e.fix}`);
  }
  if (r.identityCenter) out.push('', ...icText(r.identityCenter));
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  out.push(
    '',
    `${r.users.length} users, ${failed} failed check${failed === 1 ? '' : 's'}, ${r.errors.length} error${r.errors.length === 1 ? '' : 's'}`,
  );
  return out.join('\n') + '\n';
}

export function renderMarkdownReport(r: Report): string {
  const failed = r.checks.filter((c) => c.status === 'fail');
  const out: string[] = [
    `## IAM report for account ${esc(r.accountId)}`,
    '',
    `${esc(credentialLine(r))}. ${plural(r.users.length, 'user')}, ${plural(failed.length, 'failed check')}, ${plural(r.errors.length, 'error')}.`,
    '',
  ];
  if (r.errors.length) {
    out.push(
      '### Errors',
      '',
      ...r.errors.map((e) => `- **${esc(e.user)}**: ${esc(e.message)}. Fix: ${esc(e.fix)}`),
      '',
    );
  }
  out.push(
    '### CIS AWS Foundations identity checks',
    '',
    table(
      ['', 'check', 'failures'],
      r.checks.map((c) => [
        c.status === 'pass' ? '✅' : '❌',
        `${esc(c.id)} ${esc(c.title)}`,
        c.failures.map((f) => `${esc(f.message)} (fix: ${esc(f.fix)})`).join('<br>'),
      ]),
    ),
    '',
    '### Users',
    '',
    table(
      ['user', 'files', 'verdict', 'groups', 'policies', 'console / MFA', 'access keys'],
      r.users.map((u) => [
        code(u.name),
        managed(u),
        esc(u.verdict.summary),
        esc(u.groups.join(', ')),
        esc(u.policies.join(', ')),
        u.console ? `yes / ${u.mfa ? 'yes' : '**no**'}` : 'no',
        esc(u.keys.map(keyText).join('; ')),
      ]),
    ),
    '',
  );
  if (r.identityCenter) out.push(...icMarkdown(r.identityCenter));
  return out.join('\n');
}

const icManaged = (u: { inFiles: boolean; managed: boolean }): string =>
  u.inFiles ? (u.managed ? 'managed' : 'in files') : u.managed ? 'marked, not in files' : 'unmanaged';
const accountOf = (a: { account: string | null; accountId: string }): string =>
  a.account ? `${a.account} (${a.accountId})` : a.accountId;

/** Per person: each account and the permission sets that reach it, with the group they come through. */
function accessByUser(ic: IdentityCenterReport): Map<string, Map<string, string[]>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const a of ic.access) {
    const byAccount = out.get(a.userName) ?? new Map<string, string[]>();
    const key = accountOf(a);
    byAccount.set(key, [
      ...(byAccount.get(key) ?? []),
      `${a.permissionSet} (${a.via ? `group ${a.via}` : 'direct'})`,
    ]);
    out.set(a.userName, byAccount);
  }
  return out;
}

function icText(ic: IdentityCenterReport): string[] {
  const out = [
    `IAM Identity Center ${ic.instanceArn} (${ic.region}):`,
    `  Permission sets (${ic.permissionSets.length}):`,
  ];
  for (const p of ic.permissionSets) {
    out.push(`    ${p.name} [${p.managed ? 'managed' : 'unmanaged'}]: ${p.verdict.summary}`);
    out.push(`      accounts: ${p.accounts.join(', ') || 'none'}`);
  }
  const access = accessByUser(ic);
  out.push(`  People (${ic.users.length}):`);
  for (const u of ic.users) {
    out.push(
      `    ${u.userName} [${icManaged(u)}]${u.groups.length ? ` groups: ${u.groups.join(', ')}` : ''}`,
    );
    const reach = access.get(u.userName);
    if (!reach) out.push('      no account');
    for (const [account, sets] of reach ?? []) out.push(`      ${account}: ${sets.join(', ')}`);
  }
  if (ic.errors.length) {
    out.push(`  Errors (${ic.errors.length}):`);
    for (const e of ic.errors) out.push(`    error: ${e.message}`, `      fix: ${e.fix}`);
  }
  return out;
}

function icMarkdown(ic: IdentityCenterReport): string[] {
  const access = accessByUser(ic);
  return [
    `### IAM Identity Center`,
    '',
    `Instance ${code(ic.instanceArn)} in ${esc(ic.region)}: ${plural(ic.users.length, 'person')}, ${plural(ic.permissionSets.length, 'permission set')}, ${plural(ic.errors.length, 'error')}.`,
    '',
    ...ic.errors.map((e) => `- **${esc(e.user)}**: ${esc(e.message)}. Fix: ${esc(e.fix)}`),
    ...(ic.errors.length ? [''] : []),
    table(
      ['person', 'files', 'account', 'permission sets'],
      ic.users.flatMap((u) => {
        const reach = [...(access.get(u.userName) ?? new Map<string, string[]>())];
        if (!reach.length) return [[code(u.userName), icManaged(u), 'none', '']];
        return reach.map(([account, sets]) => [
          code(u.userName),
          icManaged(u),
          esc(account),
          esc(sets.join(', ')),
        ]);
      }),
    ),
    '',
    table(
      ['permission set', 'managed', 'verdict', 'accounts'],
      ic.permissionSets.map((p) => [
        code(p.name),
        p.managed ? 'yes' : 'no',
        esc(p.verdict.summary),
        esc(p.accounts.join(', ')),
      ]),
    ),
    '',
  ];
}

/** A spreadsheet runs a cell starting with = + - @ (or a tab/CR) as a formula: quote it as text. */
function cell(v: string | number | boolean | null): string {
  let s = v === null ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function renderCsv(r: Report): string {
  const failedBy = new Map<string, string[]>();
  for (const c of r.checks) {
    for (const f of c.failures) failedBy.set(f.subject, [...(failedBy.get(f.subject) ?? []), c.id]);
  }
  const header = [
    'user',
    'path',
    'files',
    'verdict',
    'admin',
    'escalation',
    'groups',
    'policies',
    'console',
    'mfa',
    'password_last_used',
    'active_keys',
    'oldest_active_key_days',
    'keys_last_used',
    'cis_failed',
    'error',
  ];
  const rows = r.users.map((u) => {
    const active = u.keys.filter((k) => k.active);
    const ages = active.map((k) => k.ageDays).filter((d): d is number => d !== null);
    return [
      u.name,
      u.path,
      managed(u),
      u.verdict.summary,
      u.verdict.admin,
      u.verdict.escalation.join(';'),
      u.groups.join(';'),
      u.policies.join(';'),
      u.console,
      u.mfa,
      u.passwordLastUsed ?? '',
      active.length,
      ages.length ? Math.max(...ages) : '',
      u.keys.map((k) => k.lastUsed ?? 'never').join(';'),
      [...new Set(failedBy.get(u.name) ?? [])].join(';'),
      r.errors.find((e) => e.user === u.name)?.message ?? '',
    ];
  });
  // The account-wide checks (root, password policy) have a row of their own.
  for (const subject of ['<root_account>', 'account']) {
    const ids = failedBy.get(subject);
    if (ids)
      rows.push([
        subject,
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        '',
        [...new Set(ids)].join(';'),
        '',
      ]);
  }
  return [header, ...rows].map((row) => row.map(cell).join(',')).join('\n') + '\n';
}
