/**
 * Plan on a pull request: validate, lint, plan (live with the read-only role, or offline), then
 * annotations, outputs, the one sticky comment and the job summary.
 */
import * as core from '@actions/core';
import type { LoadResult } from '../desired/index.js';
import type { Settings } from '../inputs.js';
import type { Plan } from '../model/plan.js';
import type { AwsClients } from '../aws/clients.js';
import { annotate, collectProblems, problemsMarkdown } from './annotations.js';
import { composeComment, MARKER, type CommentMeta } from './comment.js';
import type { Deps, RenderOptions } from './deps.js';
import { blastFor } from './base-state.js';
import { httpStatus } from './api.js';
import { setPlanOutputs } from './outputs.js';
import { countChanges } from '../plan/view.js';
import { COMMENT_BUDGET, diagnosticsMarkdown, fingerprints, writeSummary } from './status.js';
import { readOwnComment, upsertComment } from './sticky.js';
import { describeGateChange, gateSettingsOf, type EffectiveGate } from '../config/gate.js';
import { pinOf } from '../plan/pin.js';
import { failingFindings as failing } from '../plan/first-screen.js';
import { code, prose } from '../plan/md.js';
import { neutralize } from '../safe-text.js';
import { gateInForce } from './gate.js';
import { isMultiAccount } from '../accounts/resolve.js';
import { planAccountsFlow } from './flow-plan-accounts.js';

interface PullPayload {
  number: number;
  head: { sha: string; repo?: { full_name: string } | null };
  base: { sha: string };
}

/**
 * The gate settings in force for this pull request (the stricter of its base and its head), so the
 * plan shown is the plan the apply will run. Unreadable base: the head's, with a note; the apply
 * reads the base again and refuses if it cannot.
 */
async function gateFor(
  s: Settings,
  d: Deps,
  pr: PullPayload | undefined,
  loaded: LoadResult,
): Promise<EffectiveGate | undefined> {
  if (!pr || !loaded.state) return undefined;
  try {
    return await gateInForce(d.api, s, pr.base.sha, loaded.state);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    core.warning(`Could not read the base's gate settings (${why}); planning with this pull request's own.`);
    const own = gateSettingsOf(loaded.state.config);
    return { settings: own, changes: [], notes: [`the base's settings could not be read (${why})`] };
  }
}

/** The gate block above the plan: what this pull request changes about its own gate, and what it needs. */
export function gateMarkdown(g: EffectiveGate | undefined): string {
  if (!g || (g.changes.length === 0 && g.notes.length === 0)) return '';
  const lines = ['### ⚠️ This pull request changes the settings that guard the gate', ''];
  for (const c of g.changes) lines.push(`- ${prose(describeGateChange(c))}`);
  for (const n of g.notes) lines.push(`- ${prose(n)}`);
  lines.push(
    '',
    `It needs ${g.settings.requiredApprovals} approval${g.settings.requiredApprovals === 1 ? '' : 's'} ` +
      'under the rules in force on the base branch, whatever it sets for later changes.',
  );
  return lines.join('\n');
}

/** Why the plan must be offline, or null when it can read the live account. */
export function offlineReason(s: Settings, pr: PullPayload | undefined, ownRoles = false): string | null {
  // The merge queue's check proves the merged files valid and within lint.failOn; the live
  // account is read by each pull request's plan and again by the apply, which refuses any plan
  // nobody approved. The plan role trusts pull request jobs only, so no role is asked for here.
  if (s.eventName === 'merge_group')
    return 'a merge queue check is planned offline (the apply re-plans against the account before any change)';
  if (!s.planRoleToAssume && !ownRoles) return 'no `plan-role-to-assume` is set';
  const own = `${s.repo.owner}/${s.repo.repo}`;
  if (pr && pr.head.repo && pr.head.repo.full_name !== own)
    return `the pull request comes from the fork ${pr.head.repo.full_name}, which gets no OIDC token`;
  if (!s.oidcAvailable) return 'no GitHub OIDC token is available (did you grant `id-token: write`?)';
  return null;
}

/** The findings at or above `lint.failOn` (the comment's status line counts the same ones). */
export function failingFindings(plan: Plan, failOn: 'error' | 'warning' | 'never'): Plan['findings'] {
  return failing(plan.findings, failOn);
}

/** The refusal's list of findings at `lint.failOn`: the first 20, each inert text on one line. */
export function failingFindingLines(findings: Plan['findings']): string {
  return findings
    .slice(0, 20)
    .map((f) => `- ${code(`${f.file}:${f.line}`)} ${f.rule}: ${prose(f.message)}`)
    .join('\n');
}

export function failsLint(plan: Plan, failOn: 'error' | 'warning' | 'never'): boolean {
  return failingFindings(plan, failOn).length > 0;
}

export async function planFlow(s: Settings, d: Deps): Promise<void> {
  const pr = s.payload.pull_request as PullPayload | undefined;
  // The files are read once: for the gate settings they carry, then for the plan.
  const loaded = await d.loadDesired(s.dir, s.configPath);
  // Every declared account with its own plan role needs no plan-role-to-assume.
  const accounts = loaded.state?.config.accounts ?? [];
  const ownRoles =
    accounts.length > 0 && accounts.every((a) => a.planRole) && !loaded.state?.config.organization;
  const offline = offlineReason(s, pr, ownRoles);
  if (offline) core.info(neutralize(`Planning offline: ${offline}.`));
  const gate = await gateFor(s, d, pr, loaded);
  if (loaded.state && isMultiAccount(loaded.state.config) && d.accounts)
    return planAccountsFlow(
      s,
      { ...d, accounts: d.accounts },
      {
        pr,
        loaded,
        gate,
        gateBlock: gateMarkdown(gate),
        offline,
        post: (meta, report, block) =>
          pr ? postComment(s, d, pr.number, meta, report, block) : Promise.resolve(),
      },
    );
  let clients: AwsClients | undefined;
  if (!offline) clients = await d.awsClients(s.planRoleToAssume, s.awsRegion);
  const run = await d.runPlan({
    dir: s.dir,
    configPath: s.configPath,
    repo: `${s.repo.owner}/${s.repo.repo}`,
    offline: Boolean(offline),
    clients,
    gate: gate?.settings,
    loaded,
  });
  const gateBlock = gateMarkdown(gate);

  const problems = collectProblems(run.diagnostics, run.ok ? run.plan.findings : [], s.dirFromWorkspace);
  annotate(problems);
  setPlanOutputs(run.ok ? run.plan : null);

  const head = pr?.head.sha ?? s.sha;
  const base = pr?.base.sha ?? '';
  const plannedAt = d.now().toISOString();
  let report: string;
  let meta: CommentMeta | null = null;
  let summary: string;
  if (run.ok) {
    const ops = fingerprints(run.plan);
    const pin = pinOf(run.plan.changes);
    const reserve = 2000 + gateBlock.length + (ops ? JSON.stringify(ops).length : 0) + (pin?.length ?? 0);
    const blast = pr
      ? await blastFor(s.dir, s.configPath, base, run.desired, run.lint, d.now())
      : { note: 'there is no pull request to compare with' };
    const opts: RenderOptions = {
      budget: COMMENT_BUDGET - reserve,
      offlineReason: offline,
      head,
      base,
      plannedAt,
      failOn: run.desired.config.lint.failOn,
      gateChanges: (gate?.changes ?? []).map(describeGateChange),
      ...('blast' in blast ? { blast: blast.blast } : { blastNote: blast.note }),
      approvals: { required: run.desired.config.requiredApprovals },
    };
    const rendered = d.renderComment(run, opts);
    // The renderers say once, in their banner, that the plan is offline and why.
    report = rendered.markdown;
    summary = [gateBlock, d.renderSummary(run, opts), problemsMarkdown(problems)]
      .filter(Boolean)
      .join('\n\n');
    meta = {
      hash: run.plan.hash,
      head,
      base,
      plannedAt,
      offline: Boolean(offline),
      truncated: rendered.truncated,
      counts: countChanges(run.plan.changes),
      ops,
      pin,
      status: 'planned',
    };
  } else {
    report = diagnosticsMarkdown(run.diagnostics);
    summary = [report, problemsMarkdown(problems)].join('\n\n');
  }

  if (pr) await postComment(s, d, pr.number, meta, report, gateBlock);
  else core.info(`No pull request in the '${s.eventName}' event: the plan goes to the job summary only.`);
  await writeSummary(summary);

  if (!run.ok) {
    const n = run.diagnostics.filter((x) => x.severity === 'error').length;
    core.setFailed(
      `iam-gitops: ${n} validation error${n === 1 ? '' : 's'}; see the annotations and the job summary.`,
    );
    return;
  }
  // run.desired carries the settings in force (gate), so a pull request cannot relax its own check.
  const failOn = run.desired.config.lint.failOn;
  const reasons: string[] = [];
  const failing = failingFindings(run.plan, failOn).length;
  if (failing)
    reasons.push(`${failing} lint finding${failing === 1 ? '' : 's'} at or above lint.failOn (${failOn})`);
  if (run.plan.errors.length) reasons.push(`the plan cannot be applied: ${run.plan.errors.join('; ')}`);
  if (reasons.length) core.setFailed(`iam-gitops: ${reasons.join('; ')}.`);
}

/**
 * The plan comment: updated in place while the plan stays the same, posted anew (the old one
 * deleted) when the planned head or hash changes, so that GitHub's own creation time of the comment
 * is when reviewers could first see this plan. A token that may not write (fork, read-only) only
 * costs a warning.
 */
export async function postComment(
  s: Settings,
  d: Deps,
  issue: number,
  meta: CommentMeta | null,
  report: string,
  gateBlock: string,
): Promise<void> {
  try {
    const existing = await readOwnComment(d.api, issue);
    let body: string;
    if (meta) {
      const prev = existing.meta;
      // Same plan for the same commits: keep the first posting time, so a re-run changes nothing.
      if (
        prev &&
        prev.hash === meta.hash &&
        prev.head === meta.head &&
        prev.base === meta.base &&
        prev.status === 'planned'
      )
        meta.plannedAt = prev.plannedAt;
      body = composeComment(meta, report, gateBlock || undefined);
      if (body.length > COMMENT_BUDGET) {
        // Last resort when a report overshoots its budget: the digest, the rest in the summary.
        const c = meta.counts;
        meta.truncated = true;
        body = composeComment(
          meta,
          `### iam-gitops plan\n\n${c.create} to create, ${c.update} to update, ${c.delete} to delete. ` +
            'The full plan is too long for a comment; it is in the job summary of this run.',
          gateBlock || undefined,
        );
      }
    } else {
      body = `${MARKER}\n\n${report}\n`;
    }
    let target = existing.comment;
    if (target && meta && (existing.meta?.head !== meta.head || existing.meta?.hash !== meta.hash)) {
      await d.api.deleteComment(target.id);
      target = undefined;
    }
    const result = await upsertComment(d.api, issue, body, target);
    core.info(`Plan comment ${result} on #${issue} (author ${existing.identity}).`);
  } catch (err) {
    const status = httpStatus(err);
    const why =
      status === 403 || status === 404
        ? 'the token may not write comments here (a fork, or `pull-requests: write` is missing)'
        : err instanceof Error
          ? err.message
          : String(err);
    core.warning(`Could not post the plan comment on #${issue}: ${why}. The plan is in the job summary.`);
  }
}
