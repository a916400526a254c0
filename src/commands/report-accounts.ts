/**
 * `report` on a repository with `accounts:` or `organization:`: one report per account (read
 * with its plan role), a section each; JSON is one document with a section per account, CSV one
 * table with an `account` column. An account that cannot be read is said and the others stand
 * (exit 1 then, as the report is incomplete).
 */
import { desiredFor } from '../accounts/project.js';
import { readReportAccount } from '../aws/read-report.js';
import { errorMessage } from '../aws/clients.js';
import type { DesiredState } from '../model/desired.js';
import { eachBounded, DEFAULT_ACCOUNT_CONCURRENCY } from '../pipeline-accounts.js';
import { buildReport, reportFails } from '../report/build.js';
import { icClients } from '../targets/identity-center/clients.js';
import { readIdentityCenter } from '../targets/identity-center/read.js';
import type { Report } from '../report/model.js';
import { renderReport, type ReportFormat } from '../report/render.js';
import { esc } from '../plan/md.js';
import { neutralizeJson } from '../safe-text.js';
import { regionOf, type CliArgs } from './args.js';
import { accountProgress, runAccounts } from './accounts.js';
import type { PlanIo } from './plan.js';

interface Section {
  account: string;
  accountId: string;
  report: Report | null;
  error: string | null;
  calls: number;
}

export async function reportAccountsCommand(
  args: CliArgs,
  io: PlanIo,
  desired: DesiredState,
  format: ReportFormat,
): Promise<number> {
  const region = regionOf(io.env);
  const accounts = await runAccounts(desired, args.accounts, region, io);
  if (!accounts) return 1;
  const chosen = accounts.all.filter((a) => !accounts.only || accounts.only.includes(a.name));
  const names = accounts.all.map((a) => a.name);
  const now = (io.now ?? (() => new Date()))();
  const tell = accountProgress(io, 'report');
  // Identity Center spans the organization: it is read once, in the default account's section
  // (the account that holds the instance), as the plan does.
  const ic = desired.config.identityCenter;
  const icAccount = ic.enabled ? (desired.config.defaultAccount ?? names[0]) : undefined;
  const sections: Section[] = new Array(chosen.length);
  await eachBounded(chosen, DEFAULT_ACCOUNT_CONCURRENCY, async (a, i) => {
    tell(a.name, 'start');
    try {
      const clients = await accounts.clientsFor(a, 'plan');
      const account = await readReportAccount(clients);
      if (account.accountId !== a.id)
        throw new Error(`the credentials for '${a.name}' reach account ${account.accountId}, not ${a.id}`);
      const identityCenter =
        a.name === icAccount ? await readIdentityCenter(icClients(clients, ic), ic) : null;
      const report = buildReport({
        account,
        desired: desiredFor(desired, a.name, names),
        now,
        identityCenter,
      });
      sections[i] = { account: a.name, accountId: a.id, report, error: null, calls: clients.calls.total() };
      tell(a.name, 'done');
    } catch (err) {
      sections[i] = { account: a.name, accountId: a.id, report: null, error: errorMessage(err), calls: 0 };
      tell(a.name, 'failed');
    }
  });

  io.out(render(sections, format));
  for (const s of sections) if (s.error) io.err(`error: account ${s.account} (${s.accountId}): ${s.error}\n`);
  const calls = sections.reduce((n, s) => n + s.calls, 0);
  io.err(
    `${calls} AWS call${calls === 1 ? '' : 's'} in ${sections.length} account${sections.length === 1 ? '' : 's'}\n`,
  );
  if (sections.some((s) => s.error)) return 1;
  return sections.some((s) => s.report && reportFails(s.report)) ? 2 : 0;
}

function render(sections: Section[], format: ReportFormat): string {
  if (format === 'json')
    return neutralizeJson(
      JSON.stringify(
        {
          accounts: sections.map((s) => ({
            account: s.account,
            accountId: s.accountId,
            error: s.error,
            report: s.report,
          })),
        },
        null,
        2,
      ) + '\n',
    );
  if (format === 'csv') {
    // One table: the account in front of each row (names are [A-Za-z0-9._-], safe in a cell).
    let header = '';
    const rows: string[] = [];
    for (const s of sections) {
      if (!s.report) continue;
      const [head, ...body] = csvRecords(renderReport(s.report, 'csv'));
      header ||= `account,${head}`;
      for (const line of body) rows.push(`${s.account},${line}`);
    }
    return [header, ...rows].filter(Boolean).join('\n') + '\n';
  }
  const out: string[] = [];
  for (const s of sections) {
    const title = `account ${s.account} (${s.accountId})`;
    out.push(format === 'markdown' ? `## ${title}\n` : `=== ${title} ===`);
    // An AWS error message is text from outside: inert in the markdown report, as the report's own cells are.
    const error = format === 'markdown' ? esc(s.error ?? '') : s.error;
    out.push(s.report ? renderReport(s.report, format).trimEnd() : `error: could not be read: ${error}`);
    out.push('');
  }
  return out.join('\n');
}

/** CSV text → its records: a line break inside a quoted cell (an error message) stays in its record. */
function csvRecords(text: string): string[] {
  const out: string[] = [];
  let quoted = false;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') quoted = !quoted;
    else if (c === '\n' && !quoted) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (start < text.length) out.push(text.slice(start));
  return out;
}
