/**
 * Apply on a push to the default branch: the gate, a fresh plan with the apply role that must be
 * the approved one (or what an earlier run of it left to do), then the apply, reported on the pull
 * request, in the summary and in outputs. Every refusal happens before the first AWS write. A
 * status written in the comment is display only: this flow always plans afresh, and a run that
 * finds changes it does not apply is never green.
 */
import * as core from '@actions/core';
import { describeGateChange } from '../config/gate.js';
import { prose } from '../plan/md.js';
import { FINISH_FAILED_APPLY } from '../plan/first-screen.js';
import { neutralize } from '../safe-text.js';
import { runUrl, type Settings } from '../inputs.js';
import { annotate, collectProblems } from './annotations.js';
import { verdictTable } from './approvals.js';
import { composeFitting, MARKER, RESULT_MARKER, reportOf, type CommentMeta } from './comment.js';
import type { ApplyOutcome, Deps } from './deps.js';
import { failingFindingLines, failingFindings } from './flow-plan.js';
import { checkGate, checkSamePlan, type GateContext } from './gate.js';
import { setApplyOutputs, setPlanOutputs } from './outputs.js';
import { COMMENT_BUDGET, diagnosticsMarkdown, writeSummary } from './status.js';
import { upsertComment } from './sticky.js';
import { keepIssue } from './tracked-issue.js';
import { isMultiAccount } from '../accounts/resolve.js';
import { applyAccountsFlow } from './flow-apply-accounts.js';

const RECOVER = `${FINISH_FAILED_APPLY} For anything else, open a new pull request with the fix.`;

export async function applyFlow(s: Settings, d: Deps): Promise<void> {
  const gate = await checkGate(s, d);
  if (!gate.ok) {
    if (gate.diagnostics) {
      annotate(collectProblems(gate.diagnostics, [], s.dirFromWorkspace));
      return refuse(s, d, gate, gate.reason, diagnosticsMarkdown(gate.diagnostics));
    }
    return refuse(s, d, gate, gate.reason, gate.approvals ? verdictTable(gate.approvals) : gate.detail);
  }
  core.info(neutralize(`Pull request #${gate.pr.number}: ${gate.approvals.message}.`));
  for (const c of gate.gate.changes)
    core.info(neutralize(`Gate setting changed by this pull request: ${describeGateChange(c)}.`));
  if (isMultiAccount(gate.desired.config) && d.accounts)
    return applyAccountsFlow(s, { ...d, accounts: d.accounts }, gate);
  if (s.account)
    return refuse(
      s,
      d,
      gate,
      `the input account is '${s.account}', but iam-gitops.yml declares no accounts; leave account empty for a single-account repository`,
    );

  const clients = await d.awsClients(s.roleToAssume, s.awsRegion, gate.desired.config.email.region);
  const run = await d.runPlan({
    dir: s.dir,
    configPath: s.configPath,
    repo: `${s.repo.owner}/${s.repo.repo}`,
    offline: false,
    clients,
    gate: gate.gate.settings,
    loaded: gate.loaded,
  });
  if (!run.ok)
    return refuse(s, d, gate, 'the merged files are invalid', diagnosticsMarkdown(run.diagnostics));
  setPlanOutputs(run.plan);
  const same = checkSamePlan(gate.meta, run.plan);
  if (!same.ok) return refuse(s, d, gate, same.reason, same.detail);
  const failOn = gate.gate.settings.failOn;
  const failing = failingFindings(run.plan, failOn);
  if (failing.length)
    return refuse(
      s,
      d,
      gate,
      `${failing.length} lint finding${failing.length === 1 ? '' : 's'} reach lint.failOn (${failOn})`,
      failingFindingLines(failing),
    );
  const by = gate.approvals.approvers.join(', ') || 'nobody (none required)';
  if (same.mode === 'nothing-left') {
    const text = `### ✅ iam-gitops: nothing left to apply\n\nApproved by ${by}; the account already matches the approved plan.`;
    core.notice(
      `The approved plan of pull request #${gate.pr.number} is fully applied; the account matches it.`,
    );
    await setStatus(d, gate, 'applied', text);
    await postResult(s, d, gate, text);
    await writeSummary(text);
    await trackFailure(d, s, gate, null);
    return;
  }
  if (same.mode === 'continue')
    core.info(
      `Continuing the approved plan of #${gate.pr.number}: ${same.remaining} approved operation${same.remaining === 1 ? '' : 's'} left to do.`,
    );

  await setStatus(d, gate, 'applying', `### ⏳ iam-gitops: applying\n\nApproved by ${by}; applying now.`);
  const outcome = await d.applyPlan(run, clients);
  setApplyOutputs(outcome);
  const status = outcomeText(outcome, by, s.sha, same.mode === 'continue');
  await setStatus(d, gate, outcome.ok ? 'applied' : 'apply-failed', status);
  await postResult(s, d, gate, status);
  const plan = d.renderSummary(run, {
    budget: COMMENT_BUDGET * 10,
    offlineReason: null,
    head: gate.pr.head.sha,
    base: gate.pr.base.sha,
    plannedAt: gate.meta.plannedAt,
  });
  await writeSummary(`${status}\n\n${plan}`);
  await trackFailure(d, s, gate, outcome.ok ? null : status);
  if (!outcome.ok) core.setFailed(`iam-gitops: apply failed: ${outcome.error ?? 'see the job summary'}`);
}

export const APPLY_LABEL = 'iam-gitops:apply';

/**
 * One labelled issue while the default branch's last apply failed or was refused: why, and how to
 * finish it. The next successful apply closes it. Best effort: the step's own result already says
 * what happened, so a token without `issues: write` costs a warning only.
 */
export async function trackFailure(
  d: Deps,
  s: Settings,
  ctx: GateContext,
  text: string | null,
): Promise<void> {
  const pr = ctx.pr ? `#${ctx.pr.number}` : `commit ${s.sha.slice(0, 7)}`;
  const run = `${s.serverUrl}/${s.repo.owner}/${s.repo.repo}/actions/runs/${s.runId}`;
  try {
    await keepIssue(d.api, {
      label: APPLY_LABEL,
      title: 'iam-gitops: the last apply did not finish',
      body:
        `The apply of ${pr} from ${s.sha.slice(0, 7)} did not finish ([workflow run](${run})).\n\n` +
        `${text ?? ''}\n\nTo finish it: re-run the failed job of that run once the cause is fixed; it continues ` +
        'the approved plan. A refusal for drift or for a changed plan needs a new pull request.',
      clean: text === null,
      closingComment: `The apply of ${pr} from ${s.sha.slice(0, 7)} succeeded ([workflow run](${run})). Closing.`,
      overflowNote: `The full report is in the job summary of [the workflow run](${run}).`,
    });
  } catch (err) {
    core.warning(
      `Could not keep the '${APPLY_LABEL}' issue (${err instanceof Error ? err.message : String(err)}); grant the apply job \`issues: write\` to get one.`,
    );
  }
}

/** Refuses: nothing happened in AWS; the comments, the summary and the step say why. */
async function refuse(
  s: Settings,
  d: Deps,
  ctx: GateContext,
  reason: string,
  detail?: string,
): Promise<void> {
  const text = refusalText(reason, detail);
  await setStatus(d, ctx, 'refused', text);
  await postResult(s, d, ctx, text);
  await writeSummary(text);
  await trackFailure(d, s, ctx, text);
  core.setFailed(`iam-gitops: apply refused: ${neutralize(reason)}.`);
}

/** Puts a status block on the pull request's plan comment, keeping the plan below it. Best effort. */
export async function setStatus(
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

/**
 * The result as a new comment on the merged pull request, so that its people are notified (an
 * edit of the plan comment notifies nobody), with a link to this run. It carries RESULT_MARKER,
 * never the plan's MARKER: the gate reads only the plan comment, and a re-run must find that one
 * again, not this. Too long for a comment: the folded detail is left to the run's summary. Best
 * effort: the plan comment's status and the job summary say the same.
 */
export async function postResult(s: Settings, d: Deps, ctx: GateContext, text: string): Promise<void> {
  if (!ctx.pr) return;
  try {
    await d.api.createComment(ctx.pr.number, resultComment(text, s.runId, runUrl(s)));
  } catch (err) {
    core.warning(
      `Could not post the apply result on #${ctx.pr.number}: ${err instanceof Error ? err.message : String(err)}.`,
    );
  }
}

/** The result comment's body: RESULT_MARKER, the text (its folded detail dropped when too long), the link. */
export function resultComment(text: string, runId: number, url: string, limit = COMMENT_BUDGET): string {
  const link = `[Workflow run ${runId}](${url}) · the full report is in its job summary.`;
  const room = limit - link.length - RESULT_MARKER.length - 10;
  let body = text.trim();
  if (body.length > room) {
    const fold = body.indexOf('<details');
    body = (
      fold > 0 && fold < room ? body.slice(0, fold) : body.slice(0, body.lastIndexOf('\n', room))
    ).trimEnd();
  }
  return `${RESULT_MARKER}\n${body}\n\n${link}\n`;
}

/** A refusal: nothing changed in AWS, why, the detail (verdicts, differences) and how to go on. */
export function refusalText(reason: string, detail?: string): string {
  return (
    `### 🛑 iam-gitops: apply refused\n\nNothing was changed in AWS: ${prose(reason)}.` +
    `${detail ? `\n\n${detail}` : ''}\n\n${RECOVER}`
  );
}

/** An apply's outcome: who approved, from which commit, then the apply report (or why it failed). */
export function outcomeText(outcome: ApplyOutcome, by: string, sha: string, continued: boolean): string {
  const head = outcome.ok
    ? `### ✅ iam-gitops: applied\n\nApproved by ${by}; applied from commit ${sha.slice(0, 7)}` +
      (continued ? ', finishing an earlier run of this apply.' : '.')
    : `### ❌ iam-gitops: apply failed\n\n${outcome.error ? prose(outcome.error) : 'see the report below'}\n\n${RECOVER}`;
  return `${head}\n\n${outcome.markdown}`;
}
