/**
 * Scheduled check (schedule or workflow_dispatch): the default branch's files against the live
 * account, and the account report. Each keeps one labelled issue (src/github/tracked-issue.ts):
 * opened on drift or on report findings, updated in place, closed when clean. Drift or a report
 * error fails the step, so a green job always means an account that matches the files and a
 * report without errors: an out-of-band admin grant can never hide behind a warning.
 */
import * as core from '@actions/core';
import type { AwsClients } from '../aws/clients.js';
import { errorMessage } from '../aws/clients.js';
import type { DesiredState } from '../model/desired.js';
import type { Settings } from '../inputs.js';
import { lintLive } from '../lint/live.js';
import { annotate, collectProblems, problemsMarkdown } from './annotations.js';
import { stripHeader } from './comment.js';
import type { Deps } from './deps.js';
import { changeCount, setPlanOutputs } from './outputs.js';
import { COMMENT_BUDGET, diagnosticsMarkdown, writeSummary } from './status.js';
import { scheduledReport } from './report-hook.js';
import { isMultiAccount } from '../accounts/resolve.js';
import { driftAccountsFlow } from './flow-drift-accounts.js';
import { ISSUE_BODY_LIMIT, keepIssue, type TrackedIssue, type TrackedOutcome } from './tracked-issue.js';

export const DRIFT_LABEL = 'iam-gitops:drift';
export const REPORT_LABEL = 'iam-gitops:report';

/** What the account report gives the scheduled run. */
export interface ScheduledReport {
  /**
   * The report as markdown, safe to render (its renderer escapes every account string) and with
   * e-mail addresses masked: the issue is read by everyone who can read the repository.
   */
  markdown: string;
  /** Findings that fail the job: e.g. an unmanaged user with admin access or an escalation path. */
  errors: number;
  /** Everything worth an issue (errors included); 0 closes the report issue. */
  findings: number;
}

/**
 * Where `iam-gitops report` plugs into the scheduled run: given the account's clients and the
 * files' desired state (null when the files are invalid), the report's markdown and counts.
 * null skips the report and its issue.
 */
export type ReportHook = (input: {
  clients: AwsClients;
  desired: DesiredState | null;
  settings: Settings;
}) => Promise<ScheduledReport>;

/** The report hook the action uses: `iam-gitops report`'s core (src/github/report-hook.ts). */
export const accountReportHook: ReportHook | null = scheduledReport;

/** Room left in an issue body for our marker and the overflow note. */
const ISSUE_BUDGET = ISSUE_BODY_LIMIT - 5_000;

export async function driftFlow(
  s: Settings,
  d: Deps,
  report: ReportHook | null = accountReportHook,
): Promise<void> {
  const loaded = await d.loadDesired(s.dir, s.configPath);
  if (loaded.state && isMultiAccount(loaded.state.config) && d.accounts)
    return driftAccountsFlow(s, { ...d, accounts: d.accounts }, loaded, report);
  const role = s.roleToAssume ?? s.planRoleToAssume;
  const clients = await d.awsClients(role, s.awsRegion);
  const run = await d.runPlan({
    dir: s.dir,
    configPath: s.configPath,
    repo: `${s.repo.owner}/${s.repo.repo}`,
    offline: false,
    clients,
    loaded,
  });
  // What is live is linted too: policies widened out of band, unmanaged users with admin or a path.
  const live = run.ok ? lintLive(run.desired, run.actual, { now: d.now().getTime() }) : [];
  const problems = collectProblems(
    run.diagnostics,
    run.ok ? [...run.plan.findings, ...live] : [],
    s.dirFromWorkspace,
  );
  annotate(problems);
  setPlanOutputs(run.ok ? run.plan : null);
  const failures: string[] = [];
  const summary: string[] = [];
  const overflowNote = `The full report is in the job summary of workflow run ${s.runId}.`;

  if (!run.ok) {
    summary.push(diagnosticsMarkdown(run.diagnostics), problemsMarkdown(problems));
    failures.push('the files on the default branch are invalid; see the annotations.');
    // The drift issue stays as it is: invalid files say nothing about the account.
  } else {
    const n = changeCount(run.plan);
    const changes = `${n} change${n === 1 ? '' : 's'}`;
    const head = n
      ? `### ⚠️ iam-gitops: drift — ${changes} would bring the account back to the files`
      : '### ✅ iam-gitops: no drift — the account matches the files';
    const rendered = {
      head: s.sha,
      base: s.sha,
      plannedAt: d.now().toISOString(),
      kind: 'drift' as const,
      offlineReason: null,
    };
    summary.push(
      head,
      d.renderSummary(run, { ...rendered, budget: COMMENT_BUDGET * 10 }),
      problemsMarkdown(problems),
    );
    // The issue gets the comment renderer's output: shrunk by tiers to fit, e-mail addresses masked.
    const body = n
      ? [head, stripHeader(d.renderComment(run, { ...rendered, budget: ISSUE_BUDGET }).markdown)].join('\n\n')
      : '';
    const kept = await keepTracked(d, {
      label: DRIFT_LABEL,
      title: 'iam-gitops: the account has drifted from the files',
      body,
      clean: n === 0,
      closingComment: `No drift in workflow run ${s.runId}: the account matches the files at ${s.sha.slice(0, 7)}. Closing.`,
      overflowNote,
    });
    summary.push(kept.note);
    if (kept.error) failures.push(kept.error);
    if (n)
      failures.push(
        `drift: ${changes} between the files and the account` +
          `${kept.issue ? ` (issue #${kept.issue})` : ''}; see the job summary. Fix the account or the files.`,
      );
    else core.info('No drift.');
    const liveErrors = live.filter((f) => f.severity === 'error').length;
    if (liveErrors) {
      summary.splice(
        1,
        0,
        `### ⚠️ iam-gitops: live lint — ${liveErrors} error${liveErrors === 1 ? '' : 's'} in what is live (widened policies, unmanaged users with admin or an escalation path); see the list below`,
      );
      failures.push(
        `live lint: ${liveErrors} error${liveErrors === 1 ? '' : 's'} in what is live (a policy widened out of band, an unmanaged user with admin or an escalation path); see the annotations.`,
      );
    }
  }

  if (report) {
    let r: ScheduledReport | null = null;
    try {
      r = await report({ clients, desired: run.ok ? run.desired : null, settings: s });
    } catch (err) {
      failures.push(`the account report failed: ${errorMessage(err)}`);
    }
    if (r) {
      summary.push(r.markdown);
      const kept = await keepTracked(d, {
        label: REPORT_LABEL,
        title: 'iam-gitops: account report findings',
        body: r.markdown,
        clean: r.findings === 0,
        closingComment: `The account report of workflow run ${s.runId} has no findings. Closing.`,
        overflowNote,
      });
      summary.push(kept.note);
      if (kept.error) failures.push(kept.error);
      if (r.errors > 0)
        failures.push(
          `the account report has ${r.errors} error${r.errors === 1 ? '' : 's'}` +
            `${kept.issue ? ` (issue #${kept.issue})` : ''}; see the job summary.`,
        );
    }
  }

  await writeSummary(summary.filter(Boolean).join('\n\n'));
  // One error annotation per failure; the first also fails the step.
  for (const f of failures.slice(1)) core.error(`iam-gitops: ${f}`);
  if (failures.length) core.setFailed(`iam-gitops: ${failures[0]}`);
}

/** keepIssue, turned into a summary line and, when GitHub refused, a failure that names the fix. */
export async function keepTracked(
  d: Deps,
  t: TrackedIssue,
): Promise<{ note: string; issue?: number; error?: string }> {
  let out: TrackedOutcome;
  try {
    out = await keepIssue(d.api, t);
  } catch (err) {
    return {
      note: '',
      error:
        `could not keep the '${t.label}' issue: ${errorMessage(err)}; the job needs ` +
        '`permissions: issues: write` (see .github/workflows/iam-drift.yml)',
    };
  }
  if (out.action === 'none') return { note: '' };
  const link = out.url ? `[#${out.number}](${out.url})` : `#${out.number}`;
  return { note: `Issue ${link} (\`${t.label}\`): ${out.action}.`, issue: out.number };
}
