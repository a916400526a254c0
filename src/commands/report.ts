/**
 * `iam-gitops report [--format text|markdown|json|csv]`: every IAM user of the account, managed
 * or not, with what it can do, and the CIS identity checks. Exit 0 clean, 2 a failed check or an
 * error (an unmanaged user with admin or an escalation path), 1 the report could not be made.
 */
import { isMultiAccount } from '../accounts/resolve.js';
import { createClients } from '../aws/clients.js';
import { readReportAccount } from '../aws/read-report.js';
import { loadDesired } from '../desired/index.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { buildReport, reportFails } from '../report/build.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../report/render.js';
import { neutralizeJson } from '../safe-text.js';
import { dirIsRepo, regionOf, type CliArgs } from './args.js';
import { guarded } from './output.js';
import { noAccountsError } from './accounts.js';
import { reportAccountsCommand } from './report-accounts.js';
import { defaultIo, type PlanIo } from './plan.js';

export async function reportCommand(args: CliArgs, rawIo: PlanIo = defaultIo()): Promise<number> {
  const io = guarded(rawIo);
  const format = (args.format ?? 'text') as ReportFormat;
  if (!REPORT_FORMATS.includes(format)) {
    io.err(`error: --format must be one of ${REPORT_FORMATS.join(', ')}, not '${format}'\n`);
    return 1;
  }
  if (!(await dirIsRepo(args, io))) return 1;
  // The files only say which users are managed; a broken file must not hide the account's state.
  const loaded = await loadDesired(args.dir);
  if (!loaded.state) {
    for (const d of loaded.diagnostics.filter((x) => x.severity === 'error'))
      io.err(formatDiagnostic(d) + '\n');
    io.err('warning: the files are invalid; every user is reported as not in the files\n');
  }
  if (loaded.state && isMultiAccount(loaded.state.config))
    return reportAccountsCommand(args, io, loaded.state, format);
  if (args.accounts.length) {
    io.err(noAccountsError(args.accounts));
    return 1;
  }
  const region = regionOf(io.env);
  const clients = (io.clients ?? ((r: string) => createClients({ region: r })))(region);
  const account = await readReportAccount(clients);
  const report = buildReport({ account, desired: loaded.state, now: (io.now ?? (() => new Date()))() });
  const text = renderReport(report, format);
  io.out(format === 'json' ? neutralizeJson(text) : text);
  const calls = clients.calls.total();
  io.err(`${calls} AWS call${calls === 1 ? '' : 's'}\n`);
  return reportFails(report) ? 2 : 0;
}
