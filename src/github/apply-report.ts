/**
 * The apply report for the pull request comment and the job summary. Pure; never holds secrets.
 * User names and AWS error messages (which may quote an address or a policy) are untrusted: they
 * enter the Markdown only through md.ts, and every address is masked.
 */
import { countsLine, formatCalls, formatOperations, type ApplyReport } from '../apply/report.js';
import { code, fence, prose, table } from '../plan/md.js';
import { maskEmails } from '../plan/mask.js';
import { neutralize } from '../safe-text.js';
import type { ApplyOutcome } from './deps.js';

const names = (users: string[]): string => users.map(code).join(', ');

export function applyMarkdown(report: ApplyReport): string {
  const c = report.counts;
  const lines = [countsLine(c), ''];
  if (report.createdUsers.length) lines.push(`**Created users:** ${names(report.createdUsers)}`, '');
  if (report.deletedUsers.length) lines.push(`**Deleted users:** ${names(report.deletedUsers)}`, '');
  if (report.mail.length) {
    const rows = report.mail.map((m) => [
      code(m.user),
      m.status +
        (m.error ? ` (${prose(m.error)}; the next run retries it)` : m.note ? ` (${prose(m.note)})` : ''),
    ]);
    lines.push(table(['user', 'welcome mail'], rows), '');
  }
  if (report.calls) lines.push(formatCalls(report.calls, report.createdUsers.length).join('  \n'), '');
  const text = formatOperations(report).trimEnd();
  const open = text.split('\n').length <= 12 ? ' open' : '';
  lines.push(`<details${open}><summary>Operations</summary>`, '', fence('', text), '', '</details>');
  return maskEmails(lines.join('\n'));
}

/**
 * Why an apply failed, in one line for the step's error and the status heading: addresses masked
 * (an SES rejection names the recipient), controls removed, no workflow command.
 */
export function failureText(text: string): string {
  return neutralize(maskEmails(text)).replace(/\s*\n\s*/g, ' ');
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
          error: failureText(
            `${failed.length} operation${failed.length === 1 ? '' : 's'} failed` +
              (failed.length
                ? `: ${failed
                    .slice(0, 3)
                    .map((r) => `${r.action} ${r.type} ${r.name}: ${r.error}`)
                    .join('; ')}`
                : '') +
              (report.counts.skipped ? `; ${report.counts.skipped} skipped` : ''),
          ),
        }),
  };
}
