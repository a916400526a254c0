/** The apply report for the pull request comment and the job summary. Pure; never holds secrets. */
import { countsLine, formatCalls, formatOperations, type ApplyReport } from '../apply/report.js';
import { maskEmails } from '../plan/mask.js';
import type { ApplyOutcome } from './deps.js';

export function applyMarkdown(report: ApplyReport): string {
  const c = report.counts;
  const lines = [countsLine(c), ''];
  if (report.createdUsers.length) lines.push(`**Created users:** ${report.createdUsers.join(', ')}`, '');
  if (report.deletedUsers.length) lines.push(`**Deleted users:** ${report.deletedUsers.join(', ')}`, '');
  if (report.mail.length) {
    lines.push('| user | welcome mail |', '| --- | --- |');
    for (const m of report.mail)
      lines.push(
        `| ${m.user} | ${m.status}${m.error ? ` (${m.error.replace(/\|/g, '\\|')}; the next run retries it)` : m.note ? ` (${m.note})` : ''} |`,
      );
    lines.push('');
  }
  if (report.calls) lines.push(formatCalls(report.calls, report.createdUsers.length).join('  \n'), '');
  const text = formatOperations(report);
  const open = text.split('\n').length <= 12 ? ' open' : '';
  lines.push(
    `<details${open}><summary>Operations</summary>`,
    '',
    '```',
    text.trimEnd(),
    '```',
    '',
    '</details>',
  );
  return maskEmails(lines.join('\n'));
}

export function toOutcome(report: ApplyReport): ApplyOutcome {
  const failed = report.results.filter((r) => r.status === 'failed');
  return {
    ok: report.ok,
    createdUsers: report.createdUsers,
    deletedUsers: report.deletedUsers,
    mail: Object.fromEntries(report.mail.map((m) => [m.user, m.status])),
    markdown: applyMarkdown(report),
    ...(report.ok
      ? {}
      : {
          error:
            `${failed.length} operation${failed.length === 1 ? '' : 's'} failed` +
            (failed.length
              ? `: ${failed
                  .slice(0, 3)
                  .map((r) => `${r.action} ${r.type} ${r.name}: ${r.error}`)
                  .join('; ')}`
              : '') +
            (report.counts.skipped ? `; ${report.counts.skipped} skipped` : ''),
        }),
  };
}
