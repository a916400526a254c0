/**
 * The scheduled check of a multi-account repository: every account against the files, and the
 * account report of each, in one drift issue and one report issue with a section per account. An
 * account that cannot be read fails the step and is named in the summary; it neither opens nor
 * closes the drift issue on its own (a read failure says nothing about drift).
 */
import * as core from '@actions/core';
import { errorMessage } from '../aws/clients.js';
import type { LoadResult } from '../desired/index.js';
import type { Settings } from '../inputs.js';
import { lintLive } from '../lint/live.js';
import type { Finding } from '../model/finding.js';
import { code, prose } from '../plan/md.js';
import { renderAccountsMarkdown } from '../plan/render-accounts-markdown.js';
import { neutralize } from '../safe-text.js';
import { annotate, collectProblems, problemsMarkdown } from './annotations.js';
import type { AccountsEngine, Deps } from './deps.js';
import { DRIFT_LABEL, REPORT_LABEL, keepTracked, type ReportHook } from './flow-drift.js';
import { uniqueFindings } from './flow-plan-accounts.js';
import { changeCount, setMultiPlanOutputs } from './outputs.js';
import { COMMENT_BUDGET, diagnosticsMarkdown, writeSummary } from './status.js';
import { ISSUE_BODY_LIMIT } from './tracked-issue.js';

const ISSUE_BUDGET = ISSUE_BODY_LIMIT - 5_000;

export async function driftAccountsFlow(
  s: Settings,
  d: Deps & { accounts: AccountsEngine },
  loaded: LoadResult,
  report: ReportHook | null,
): Promise<void> {
  const resolved = await d.accounts.resolve(loaded.state!, 'plan', false);
  const run = await d.accounts.plan({ loaded, accounts: resolved.accounts, offline: false, purpose: 'plan' });
  const failures: string[] = [...resolved.problems];
  const summary: string[] = [];
  const overflowNote = `The full report is in the job summary of workflow run ${s.runId}.`;
  if (!run.ok) {
    annotate(collectProblems(run.diagnostics, [], s.dirFromWorkspace));
    setMultiPlanOutputs(null);
    await writeSummary(diagnosticsMarkdown(run.diagnostics));
    core.setFailed('iam-gitops: the files on the default branch are invalid; see the annotations.');
    return;
  }
  setMultiPlanOutputs(run.multi);
  const live: Finding[] = [];
  for (const [, r] of Object.entries(run.runs))
    live.push(...lintLive(r.desired, r.actual, { now: d.now().getTime() }));
  const problems = collectProblems(run.diagnostics, [...uniqueFindings(run), ...live], s.dirFromWorkspace);
  annotate(problems);

  const sections = run.multi.sections;
  const drifted = sections.filter((x) => x.plan && changeCount(x.plan) > 0);
  const unread = sections.filter((x) => !x.plan);
  const head = drifted.length
    ? `### ⚠️ iam-gitops: drift in ${drifted.length} account${drifted.length === 1 ? '' : 's'} (${drifted.map((x) => code(x.account)).join(', ')})`
    : unread.length
      ? `### ❌ iam-gitops: ${unread.length} account${unread.length === 1 ? '' : 's'} could not be read; no drift in the others`
      : '### ✅ iam-gitops: no drift — every account matches the files';
  const rendered = { head: s.sha, base: s.sha, plannedAt: d.now().toISOString(), kind: 'drift' as const };
  summary.push(head, renderAccountsMarkdown({ multi: run.multi, ...rendered }, COMMENT_BUDGET * 10).markdown);
  summary.push(problemsMarkdown(problems));
  for (const x of unread)
    failures.push(`account ${x.account} could not be read: ${x.error ?? 'unknown error'}`);
  // A read failure alone leaves the drift issue as it is: it says nothing about drift.
  if (drifted.length || unread.length === 0) {
    const body = drifted.length
      ? [
          head,
          renderAccountsMarkdown(
            { multi: run.multi, ...rendered, fullReportHint: `the job summary of workflow run ${s.runId}` },
            ISSUE_BUDGET,
          ).markdown,
        ].join('\n\n')
      : '';
    const kept = await keepTracked(d, {
      label: DRIFT_LABEL,
      title: 'iam-gitops: accounts have drifted from the files',
      body,
      clean: drifted.length === 0,
      closingComment: `No drift in workflow run ${s.runId}: every account matches the files at ${s.sha.slice(0, 7)}. Closing.`,
      overflowNote,
    });
    summary.push(kept.note);
    if (kept.error) failures.push(kept.error);
    if (drifted.length)
      failures.push(
        `drift in ${drifted.map((x) => x.account).join(', ')}${kept.issue ? ` (issue #${kept.issue})` : ''}; see the job summary. Fix the accounts or the files.`,
      );
  }
  const liveErrors = live.filter((f) => f.severity === 'error').length;
  if (liveErrors)
    failures.push(
      `live lint: ${liveErrors} error${liveErrors === 1 ? '' : 's'} in what is live (a policy widened out of band, an unmanaged user with admin or an escalation path); see the annotations.`,
    );

  if (report) {
    const parts: string[] = [];
    let errors = 0;
    let findings = 0;
    for (const account of resolved.accounts) {
      const title = `#### ${code(account.name)} <sub>(account ${account.id})</sub>`;
      try {
        const clients = await d.accounts.clients(account, 'plan');
        const one = run.runs[account.name];
        const r = await report({ clients, desired: one ? one.desired : null, settings: s });
        errors += r.errors;
        findings += r.findings;
        // The report's own headings sit under the account's.
        parts.push(`${title}\n\n${r.markdown.replace(/^(#{1,3}) /gm, '$1## ')}`);
      } catch (err) {
        failures.push(`the account report of ${account.name} failed: ${errorMessage(err)}`);
        parts.push(`${title}\n\nThe report failed: ${prose(errorMessage(err))}`);
      }
    }
    const markdown = [`### iam-gitops: account report (${resolved.accounts.length} accounts)`, ...parts].join(
      '\n\n',
    );
    summary.push(markdown);
    const kept = await keepTracked(d, {
      label: REPORT_LABEL,
      title: 'iam-gitops: account report findings',
      body: markdown,
      clean: findings === 0,
      closingComment: `The account reports of workflow run ${s.runId} have no findings. Closing.`,
      overflowNote,
    });
    summary.push(kept.note);
    if (kept.error) failures.push(kept.error);
    if (errors > 0)
      failures.push(
        `the account reports have ${errors} error${errors === 1 ? '' : 's'}${kept.issue ? ` (issue #${kept.issue})` : ''}; see the job summary.`,
      );
  }

  await writeSummary(summary.filter(Boolean).join('\n\n'));
  for (const f of failures.slice(1)) core.error(neutralize(`iam-gitops: ${f}`));
  if (failures.length) core.setFailed(neutralize(`iam-gitops: ${failures[0]}`));
}
