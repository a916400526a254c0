/**
 * Apply on a push to the default branch: the gate, a fresh plan with the apply role that must be
 * the approved one, then the apply, reported on the pull request, in the summary and in outputs.
 * Every refusal happens before the first AWS write.
 */
import * as core from '@actions/core';
import type { Settings } from '../inputs.js';
import { composeFitting, MARKER, reportOf, type CommentMeta } from './comment.js';
import type { Deps } from './deps.js';
import { checkGate, checkSamePlan, type GateContext } from './gate.js';
import { setApplyOutputs, setPlanOutputs } from './outputs.js';
import { COMMENT_BUDGET, writeSummary } from './status.js';
import { upsertComment } from './sticky.js';

export async function applyFlow(s: Settings, d: Deps): Promise<void> {
  const gate = await checkGate(s, d);
  if (!gate.ok) return refuse(d, gate, gate.reason, gate.detail);
  core.info(`Pull request #${gate.pr.number}: ${gate.approvals.message}.`);
  if (gate.meta.status === 'applied') {
    // A re-run after success: the approved plan is already in the account.
    core.notice(`The plan of pull request #${gate.pr.number} was already applied; nothing to do.`);
    return;
  }

  const clients = await d.awsClients(s.roleToAssume, s.awsRegion, gate.config.email.region);
  const run = await d.runPlan({
    dir: s.dir,
    configPath: s.configPath,
    repo: `${s.repo.owner}/${s.repo.repo}`,
    offline: false,
    clients,
  });
  if (!run.ok)
    return refuse(
      d,
      gate,
      'the files on the default branch are invalid',
      run.diagnostics
        .filter((x) => x.severity === 'error')
        .slice(0, 50)
        .map((x) => `- ${x.file}:${x.line}: ${x.message}`)
        .join('\n'),
    );
  setPlanOutputs(run.plan);
  const same = checkSamePlan(gate.meta, run.plan);
  if (!same.ok) return refuse(d, gate, same.reason, same.detail);

  await setStatus(
    d,
    gate,
    'applying',
    `### ⏳ iam-gitops: applying\n\nApproved by ${gate.approvals.approvers.join(', ') || 'nobody (none required)'}; applying now.`,
  );
  const outcome = await d.applyPlan(run, clients);
  setApplyOutputs(outcome);
  const head = outcome.ok
    ? `### ✅ iam-gitops: applied\n\nApproved by ${gate.approvals.approvers.join(', ') || 'nobody (none required)'}; applied from commit ${s.sha.slice(0, 7)}.`
    : `### ❌ iam-gitops: apply failed\n\n${outcome.error ?? 'see the report below'}`;
  const status = `${head}\n\n${outcome.markdown}`;
  await setStatus(d, gate, outcome.ok ? 'applied' : 'apply-failed', status);
  const plan = d.renderSummary(run, {
    budget: COMMENT_BUDGET * 10,
    offlineReason: null,
    head: gate.pr.head.sha,
    base: gate.pr.base.sha,
    plannedAt: gate.meta.plannedAt,
  });
  await writeSummary(`${status}\n\n${plan}`);
  if (!outcome.ok) core.setFailed(`iam-gitops: apply failed: ${outcome.error ?? 'see the job summary'}`);
}

/** Refuses: nothing happened in AWS; the comment, the summary and the step say why. */
async function refuse(d: Deps, ctx: GateContext, reason: string, detail?: string): Promise<void> {
  const text = `### 🛑 iam-gitops: apply refused\n\nNothing was changed in AWS: ${reason}.${detail ? `\n\n${detail}` : ''}`;
  await setStatus(d, ctx, 'refused', text);
  await writeSummary(text);
  core.setFailed(`iam-gitops: apply refused: ${reason}.`);
}

/** Puts a status block on the pull request's plan comment, keeping the plan below it. Best effort. */
async function setStatus(
  d: Deps,
  ctx: GateContext,
  status: CommentMeta['status'],
  text: string,
): Promise<void> {
  if (!ctx.pr) return;
  try {
    const body =
      ctx.comment && ctx.meta
        ? composeFitting({ ...ctx.meta, status }, reportOf(ctx.comment.body ?? ''), text, COMMENT_BUDGET)
        : `${MARKER}\n\n${text.slice(0, COMMENT_BUDGET - 100)}\n`;
    await upsertComment(d.api, ctx.pr.number, body, ctx.comment);
    if (ctx.comment) ctx.comment = { ...ctx.comment, body };
  } catch (err) {
    core.warning(
      `Could not update the comment on #${ctx.pr.number}: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
}
