/**
 * Drift check (schedule or workflow_dispatch): the default branch's files against the live
 * account. Drift is reported as a warning; only an error fails the step.
 */
import * as core from '@actions/core';
import type { Settings } from '../inputs.js';
import { lintLive } from '../lint/live.js';
import { annotate, collectProblems, problemsMarkdown } from './annotations.js';
import type { Deps } from './deps.js';
import { changeCount, setPlanOutputs } from './outputs.js';
import { COMMENT_BUDGET, diagnosticsMarkdown, writeSummary } from './status.js';

export async function driftFlow(s: Settings, d: Deps): Promise<void> {
  const role = s.roleToAssume ?? s.planRoleToAssume;
  const clients = await d.awsClients(role, s.awsRegion);
  const run = await d.runPlan({
    dir: s.dir,
    configPath: s.configPath,
    repo: `${s.repo.owner}/${s.repo.repo}`,
    offline: false,
    clients,
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
  if (!run.ok) {
    await writeSummary([diagnosticsMarkdown(run.diagnostics), problemsMarkdown(problems)].join('\n\n'));
    core.setFailed('iam-gitops: the files on the default branch are invalid; see the annotations.');
    return;
  }
  const n = changeCount(run.plan);
  const head = n
    ? `### ⚠️ iam-gitops: drift — ${n} change${n === 1 ? '' : 's'} would bring the account back to the files`
    : '### ✅ iam-gitops: no drift — the account matches the files';
  const report = d.renderSummary(run, {
    budget: COMMENT_BUDGET * 10,
    offlineReason: null,
    head: s.sha,
    base: s.sha,
    plannedAt: d.now().toISOString(),
    kind: 'drift',
  });
  const liveErrors = live.filter((f) => f.severity === 'error').length;
  const liveHead = liveErrors
    ? `### ⚠️ iam-gitops: live lint — ${liveErrors} error${liveErrors === 1 ? '' : 's'} in what is live (widened policies, unmanaged users with admin or an escalation path); see the list below`
    : '';
  await writeSummary([head, liveHead, report, problemsMarkdown(problems)].filter(Boolean).join('\n\n'));
  if (n)
    core.warning(
      `iam-gitops: drift: ${n} change${n === 1 ? '' : 's'} between the files and the account; see the job summary.`,
    );
  else core.info('No drift.');
}
