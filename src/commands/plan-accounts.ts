/**
 * `plan` and `drift` on a repository with `accounts:` or `organization:`: one section per account
 * (`--account` for some), the combined hash, exit 0 no changes anywhere, 2 changes, 1 an error in
 * any account (the other sections are still printed). Drift adds each account's live lint.
 * `--format markdown` is the pull request comment's report (with `--base`, its blast radius).
 */
import type { LoadResult } from '../desired/index.js';
import { desiredFor } from '../accounts/project.js';
import { lintLive } from '../lint/live.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { Finding } from '../model/finding.js';
import { runPlanAccounts } from '../pipeline-accounts.js';
import type { BlastRadius } from '../plan/blast.js';
import { renderAccountsJson, renderAccountsText, sectionPlans } from '../plan/render-accounts.js';
import { renderAccountsMarkdown } from '../plan/render-accounts-markdown.js';
import { COMMENT_LIMIT } from '../plan/render-markdown.js';
import { lintDesired } from '../lint/index.js';
import { neutralizeJson } from '../safe-text.js';
import { regionOf, type CliArgs } from './args.js';
import { accountProgress, runAccounts } from './accounts.js';
import { formatLive } from './drift.js';
import { blastAgainst, git, type PlanIo } from './plan.js';

export async function planOrDriftAccounts(
  args: CliArgs,
  kind: 'plan' | 'drift',
  io: PlanIo,
  loaded: LoadResult & { state: NonNullable<LoadResult['state']> },
  repo: string,
): Promise<number> {
  const format = args.format ?? 'text';
  // The blast radius is about the people, once for the repository: the comment shows it above the
  // accounts, and only the markdown report has a place for it (the JSON's sections are per account).
  if (args.base && (format !== 'markdown' || kind !== 'plan')) {
    io.err(
      `error: --base: on a repository with many accounts the blast radius is shown once, above the accounts, ` +
        `in the pull request comment's report only: use \`plan --format markdown --base ${args.base}\` to see it, ` +
        'or leave out --base\n',
    );
    return 1;
  }
  const region = regionOf(io.env);
  const accounts = await runAccounts(loaded.state, args.accounts, region, io, { offline: args.offline });
  if (!accounts) return 1;
  const result = await runPlanAccounts({
    dir: args.dir,
    repo,
    offline: args.offline,
    region,
    loaded,
    accounts: accounts.all,
    clientsFor: accounts.clientsFor,
    ...(accounts.only ? { only: accounts.only } : {}),
    onAccount: accountProgress(io, kind),
  });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (!result.ok) {
    const n = result.diagnostics.filter((d) => d.severity === 'error').length;
    io.err(`${n} validation error${n === 1 ? '' : 's'}: nothing was planned\n`);
    return 1;
  }
  const { multi } = result;
  const offlineReason = args.offline ? '`--offline` was given' : null;
  if (format === 'json') io.out(neutralizeJson(renderAccountsJson(multi)));
  else if (format === 'markdown') {
    // The pull request comment's report, to preview it locally: the same renderer and budget.
    let blast: BlastRadius | undefined;
    if (args.base) {
      const b = await blastAgainst(
        args.dir,
        args.base,
        result.desired,
        lintDesired(result.desired, { now: new Date() }),
        io,
      );
      if (b === null) return 1;
      blast = b;
    }
    const rendered = renderAccountsMarkdown(
      {
        multi,
        kind,
        head: await git(args.dir, ['rev-parse', 'HEAD']),
        base: '',
        plannedAt: (io.now ?? (() => new Date()))().toISOString(),
        dataVersion: Object.values(result.runs)[0]?.lint.dataVersion,
        offlineReason,
        failOn: result.desired.config.lint.failOn,
        approvals: { required: result.desired.config.requiredApprovals },
        ...(blast ? { blast } : {}),
        fullReportHint: '`--format text` (every account in full)',
      },
      COMMENT_LIMIT,
    );
    io.out(rendered.markdown);
  } else io.out(renderAccountsText({ multi, kind, offlineReason }));

  let code = sectionPlans(multi).some((p) => p.changes.length > 0) ? 2 : 0;
  for (const s of multi.sections) {
    if (!s.plan) io.err(`error: account ${s.account} (${s.accountId}): ${s.error ?? 'unknown error'}\n`);
    else for (const e of s.plan.errors) io.err(`error: account ${s.account}: ${e}\n`);
  }
  if (kind === 'drift') {
    // The live lint of each account, from the state its plan just read (no second read).
    // Only the text report has room for it; JSON and markdown keep stdout one document.
    const write = format === 'text' ? io.out : io.err;
    for (const [name, run] of Object.entries(result.runs)) {
      const all = accounts.all.map((a) => a.name);
      const findings: Finding[] = lintLive(desiredFor(result.desired, name, all), run.actual);
      if (!findings.length) continue;
      write(`\nAccount ${name} (${run.plan.accountId}):` + formatLive(findings));
      if (findings.some((f) => f.severity === 'error')) code = 2;
    }
  }
  const failed = multi.sections.some((s) => !s.plan || s.plan.errors.length > 0);
  return failed ? 1 : code;
}
