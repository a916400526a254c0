/** The human report: data version on top, findings grouped by severity, then the diff. */
import type { Finding, Severity } from '../model/finding.js';
import { LEVELS, findingKey, type ByLevel, type LintDiff } from './diff.js';
import type { LintResult } from './index.js';

const TITLES: Record<Severity, string> = { error: 'Errors', warning: 'Warnings', notice: 'Notices' };

function indent(s: string, by = '      '): string {
  return s
    .split('\n')
    .map((l) => by + l)
    .join('\n');
}

function finding(f: Finding, isNew: boolean): string {
  const who = [
    f.policy ? `policy ${f.policy}` : '',
    f.user ? `${f.permissionSets ? 'person' : 'user'} ${f.user}` : '',
    f.account ? `account ${f.account}` : '',
  ]
    .filter(Boolean)
    .join(', ');
  const head = `  ${f.file}:${f.line}: ${f.rule}${who ? ` (${who})` : ''}${isNew ? ' [new]' : ''}`;
  return `${head}\n${indent(f.message, '    ')}\n    fix:\n${indent(f.fix)}`;
}

function levels(by: ByLevel): string[] {
  return LEVELS.filter((l) => by[l]?.length).map((l) => `      ${l}: ${by[l]!.join(', ')}`);
}

export function formatText(result: LintResult, diff?: LintDiff): string {
  const lines = [`iam-gitops lint — IAM data ${result.dataVersion}`, ''];
  const fresh = new Set(diff?.newFindings.map(findingKey) ?? []);
  for (const sev of ['error', 'warning', 'notice'] as Severity[]) {
    const list = result.findings.filter((f) => f.severity === sev);
    if (!list.length) continue;
    lines.push(`${TITLES[sev]} (${list.length}):`);
    for (const f of list) lines.push(finding(f, fresh.has(findingKey(f))), '');
  }
  if (!result.findings.length) lines.push('No findings.', '');
  if (result.ignored.length) {
    lines.push(`Ignored by lint.ignore (${result.ignored.length}):`);
    for (const { finding: f, reason } of result.ignored)
      lines.push(`  ${f.file}:${f.line}: ${f.rule} — ${reason}`);
    lines.push('');
  }
  if (diff) {
    lines.push('Permission changes against the base:');
    if (!diff.users.length) lines.push('  none');
    for (const u of diff.users) {
      lines.push(`  ${u.user} (${u.change}): +${u.gainedCount} / -${u.lostCount} actions`);
      if (u.gainedCount) lines.push('    gained:', ...levels(u.gained));
      if (u.lostCount) lines.push('    lost:', ...levels(u.lost));
    }
    lines.push(
      '',
      `Findings: ${diff.newFindings.length} new, ${diff.unchangedFindings} already present, ${diff.resolvedFindings.length} resolved.`,
    );
  }
  const count = (s: Severity): number => result.findings.filter((f) => f.severity === s).length;
  lines.push(`${count('error')} error(s), ${count('warning')} warning(s), ${count('notice')} notice(s).`);
  return `${lines.join('\n')}\n`;
}
