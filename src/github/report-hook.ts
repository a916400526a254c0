/**
 * The account report in the scheduled run: the same reader and pure core as `iam-gitops report`,
 * rendered as markdown for the job summary and the report issue. Failed CIS checks keep the
 * issue open; unmanaged users with admin or an escalation path also fail the job.
 */
import { readReportAccount } from '../aws/read-report.js';
import { maskEmails } from '../plan/mask.js';
import { buildReport } from '../report/build.js';
import { renderMarkdownReport } from '../report/render.js';
import { icClients } from '../targets/identity-center/clients.js';
import { readIdentityCenter } from '../targets/identity-center/read.js';
import type { ReportHook } from './flow-drift.js';

export const scheduledReport: ReportHook = async ({ clients, desired }) => {
  const account = await readReportAccount(clients);
  const ic = desired?.config.identityCenter;
  const identityCenter = ic?.enabled ? await readIdentityCenter(icClients(clients, ic), ic) : null;
  const report = buildReport({ account, desired, now: new Date(), identityCenter });
  const failedChecks = report.checks.filter((c) => c.status === 'fail').length;
  const errors = report.errors.length + (report.identityCenter?.errors.length ?? 0);
  return {
    markdown: maskEmails(renderMarkdownReport(report)),
    errors,
    findings: errors + failedChecks,
  };
};
