/**
 * Plan on a pull request of a multi-account repository: every account planned with its own
 * clients, one sticky comment with a section per account (the combined hash at the top, each
 * section's hash, counts and pin in the metadata so an apply job can check its own section), the
 * job summary, annotations and outputs. An account that cannot be planned is a section with its
 * error; the others stand, and the check fails so nobody merges a plan with a hole in it unseen.
 */
import * as core from '@actions/core';
import type { EffectiveGate } from '../config/gate.js';
import { describeGateChange } from '../config/gate.js';
import type { LoadResult } from '../desired/index.js';
import type { Settings } from '../inputs.js';
import type { Finding } from '../model/finding.js';
import { failingFindings } from '../plan/first-screen.js';
import { prose } from '../plan/md.js';
import { renderAccountsMarkdown, type AccountsReportInput } from '../plan/render-accounts-markdown.js';
import { countChanges } from '../plan/view.js';
import { neutralize } from '../safe-text.js';
import { lintDesired } from '../lint/index.js';
import { annotate, collectProblems, problemsMarkdown } from './annotations.js';
import { blastFor } from './base-state.js';
import type { CommentMeta } from './comment.js';
import type { AccountsEngine, Deps, OkMultiRun } from './deps.js';
import { setMultiPlanOutputs } from './outputs.js';
import { sectionsMeta } from './sections.js';
import { COMMENT_BUDGET, diagnosticsMarkdown, writeSummary } from './status.js';

export interface PlanAccountsInput {
  pr?: { number: number; head: { sha: string }; base: { sha: string } };
  loaded: LoadResult;
  gate: EffectiveGate | undefined;
  gateBlock: string;
  offline: string | null;
  /** Posts the sticky comment, `block` (gate and account notes) above the report. */
  post: (meta: CommentMeta | null, report: string, block: string) => Promise<void>;
}

/** The same finding reached through several accounts is one annotation. */
export function uniqueFindings(run: OkMultiRun): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const r of Object.values(run.runs))
    for (const f of r.plan.findings) {
      const key = `${f.file}\0${f.line}\0${f.rule}\0${f.message}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push(f);
      }
    }
  return out;
}

/** Resolution problems (an unknown account name, discovery not possible) as a block for the report. */
export function problemsBlock(problems: string[]): string {
  if (problems.length === 0) return '';
  return ['### ⚠️ Accounts', '', ...problems.map((p) => `- ${prose(p)}`)].join('\n');
}

export async function planAccountsFlow(
  s: Settings,
  d: Deps & { accounts: AccountsEngine },
  i: PlanAccountsInput,
): Promise<void> {
  const desired = i.loaded.state!;
  // The comment is one for all accounts: a plan job of one account would replace the others' sections.
  if (s.account)
    core.warning(
      neutralize(
        `iam-gitops: the account input (${s.account}) is for apply jobs; the plan plans every account into one comment.`,
      ),
    );
  const resolved = await d.accounts.resolve(desired, 'plan', Boolean(i.offline));
  for (const p of [...resolved.problems, ...(resolved.warnings ?? [])])
    core.warning(neutralize(`iam-gitops: ${p}`));
  for (const n of resolved.notes ?? []) core.info(neutralize(`iam-gitops: ${n}.`));
  const run = await d.accounts.plan({
    loaded: i.loaded,
    gate: i.gate?.settings,
    accounts: resolved.accounts,
    offline: Boolean(i.offline),
    purpose: 'plan',
  });
  const findings = run.ok ? uniqueFindings(run) : [];
  const problems = collectProblems(run.diagnostics, findings, s.dirFromWorkspace);
  annotate(problems);
  setMultiPlanOutputs(run.ok ? run.multi : null);

  const head = i.pr?.head.sha ?? s.sha;
  const base = i.pr?.base.sha ?? '';
  const plannedAt = d.now().toISOString();
  const accountsBlock = problemsBlock([
    ...resolved.problems,
    ...(resolved.warnings ?? []),
    ...(resolved.notes ?? []),
  ]);
  const top = [i.gateBlock, accountsBlock].filter(Boolean).join('\n\n');
  if (!run.ok) {
    const report = diagnosticsMarkdown(run.diagnostics);
    if (i.pr) await i.post(null, report, top);
    await writeSummary([report, problemsMarkdown(problems)].join('\n\n'));
    const n = run.diagnostics.filter((x) => x.severity === 'error').length;
    core.setFailed(
      `iam-gitops: ${n} validation error${n === 1 ? '' : 's'}; see the annotations and the job summary.`,
    );
    return;
  }

  const failOn = run.desired.config.lint.failOn;
  const sections = sectionsMeta(run.multi);
  // The people's permission changes, base → head, once for the repository: display only.
  const blast = i.pr
    ? await blastFor(
        s.dir,
        s.configPath,
        base,
        run.desired,
        lintDesired(run.desired, { now: d.now() }),
        d.now(),
      )
    : { note: 'there is no pull request to compare with' };
  const input: AccountsReportInput = {
    multi: run.multi,
    head,
    base,
    plannedAt,
    dataVersion: Object.values(run.runs)[0]?.lint.dataVersion,
    offlineReason: i.offline,
    failOn,
    gateChanges: (i.gate?.changes ?? []).map(describeGateChange),
    approvals: { required: run.desired.config.requiredApprovals },
    ...('blast' in blast ? { blast: blast.blast } : { blastNote: blast.note }),
  };
  const reserve = 2000 + top.length + JSON.stringify(sections).length;
  const rendered = renderAccountsMarkdown(input, COMMENT_BUDGET - reserve);
  const totals = { create: 0, update: 0, delete: 0 };
  for (const x of run.multi.sections)
    if (x.plan) {
      const c = countChanges(x.plan.changes);
      totals.create += c.create;
      totals.update += c.update;
      totals.delete += c.delete;
    }
  const meta: CommentMeta = {
    hash: run.multi.hash,
    head,
    base,
    plannedAt,
    offline: Boolean(i.offline),
    truncated: rendered.truncated,
    counts: totals,
    accounts: sections,
    status: 'planned',
  };
  if (i.pr) await i.post(meta, rendered.markdown, top);
  else core.info(`No pull request in the '${s.eventName}' event: the plan goes to the job summary only.`);
  const full = renderAccountsMarkdown(input, COMMENT_BUDGET * 10);
  await writeSummary([top, full.markdown, problemsMarkdown(problems)].filter(Boolean).join('\n\n'));

  const reasons: string[] = [];
  const failed = run.multi.sections.filter((x) => !x.plan);
  if (failed.length)
    reasons.push(
      `${failed.length} account${failed.length === 1 ? '' : 's'} could not be planned (${failed.map((x) => x.account).join(', ')})`,
    );
  const failing = failingFindings(findings, failOn).length;
  if (failing)
    reasons.push(`${failing} lint finding${failing === 1 ? '' : 's'} at or above lint.failOn (${failOn})`);
  for (const x of run.multi.sections)
    if (x.plan?.errors.length)
      reasons.push(`account ${x.account}: the plan cannot be applied: ${x.plan.errors.join('; ')}`);
  if (resolved.problems.length) reasons.push(resolved.problems.join('; '));
  if (reasons.length) core.setFailed(neutralize(`iam-gitops: ${reasons.join('; ')}.`));
}
