/**
 * The report of a plan over many accounts (a MultiPlan) for the sticky comment, the job summary
 * and the drift issue: a summary table of the accounts first, the combined hash, then one
 * section per account with its own hash, counts, deletions and findings. An account whose plan
 * failed is a section with its error; the others stand. Trimmed to a character budget section by
 * section (the largest gives up detail first: full → compact → summary → one line), saying what
 * was cut. Pure; every email address is masked.
 */
import type { AccountSection, MultiPlan } from '../model/accounts.js';
import type { BlastRadius } from './blast.js';
import {
  blastSection,
  failingFindings,
  newPrivilegeBlock,
  nextSteps,
  type ApprovalsInput,
} from './first-screen.js';
import { maskEmails } from './mask.js';
import { code, prose, table } from './md.js';
import { renderReport, type ReportInput } from './render-markdown.js';
import type { Tier } from './sections.js';
import { buildView, countChanges, type PlanView } from './view.js';

export interface AccountsReportInput {
  multi: MultiPlan;
  kind?: 'plan' | 'drift';
  head: string;
  base: string;
  plannedAt: string;
  dataVersion?: string;
  offlineReason?: string | null;
  failOn?: 'error' | 'warning' | 'never';
  gateChanges?: string[];
  approvals?: ApprovalsInput;
  /**
   * Base → head permission changes of the people, whatever the account (plan/blast.ts); or why
   * they are not shown.
   */
  blast?: BlastRadius;
  blastNote?: string;
  /** Where the rest is when a section is cut (default: "the job summary of this run"). */
  fullReportHint?: string;
}

export interface RenderedAccounts {
  /** The report without marker or metadata. */
  markdown: string;
  truncated: boolean;
  /** Account names whose section was reduced to one line. */
  cut: string[];
}

/** A section's detail levels, most detailed first; `line` is the one-line form. */
type Level = { tier: Tier; rows: number } | { tier: 'line' };
const LEVELS: Level[] = [
  { tier: 'full', rows: Infinity },
  { tier: 'compact', rows: Infinity },
  { tier: 'compact', rows: 400 },
  { tier: 'compact', rows: 100 },
  { tier: 'summary', rows: Infinity },
  { tier: 'line' },
];

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function changesOf(s: AccountSection): number {
  if (!s.plan) return 0;
  const c = countChanges(s.plan.changes);
  return c.create + c.update + c.delete;
}

/** The `plan` column of the summary table for one account. */
function sectionState(s: AccountSection, input: AccountsReportInput): string {
  if (!s.plan) return '❌ plan failed';
  if (s.plan.errors.length) return `🛑 cannot be applied (${plural(s.plan.errors.length, 'problem')})`;
  const failing = input.kind === 'drift' ? [] : failingFindings(s.plan.findings, input.failOn ?? 'error');
  if (failing.length) return `🛑 lint fails (${plural(failing.length, 'finding')})`;
  const n = changesOf(s);
  if (n === 0) return input.kind === 'drift' ? '✅ no drift' : '✅ no changes';
  const deletes = countChanges(s.plan.changes).delete;
  return deletes ? `⚠️ ${plural(n, 'change')}, ${deletes} to delete` : `${plural(n, 'change')}`;
}

function summaryTable(input: AccountsReportInput): string {
  const rows = input.multi.sections.map((s) => {
    const c = s.plan ? countChanges(s.plan.changes) : null;
    const findings = s.plan
      ? `${s.plan.findings.filter((f) => f.severity === 'error').length} / ${s.plan.findings.filter((f) => f.severity === 'warning').length}`
      : '–';
    return [
      code(s.account),
      code(s.accountId),
      c ? String(c.create) : '–',
      c ? String(c.update) : '–',
      c ? String(c.delete) : '–',
      findings,
      sectionState(s, input),
    ];
  });
  return table(['account', 'id', 'create', 'update', 'delete', 'errors / warnings', 'plan'], rows);
}

/** The first screen: what the whole plan asks, before any account's detail. */
function head(input: AccountsReportInput): string {
  const { sections } = input.multi;
  const drift = input.kind === 'drift';
  const failed = sections.filter((s) => !s.plan);
  const blocked = sections.filter((s) => s.plan && sectionState(s, input).startsWith('🛑'));
  const changed = sections.filter((s) => changesOf(s) > 0);
  const title = `### iam-gitops ${drift ? 'drift' : 'plan'} <sub>(${plural(sections.length, 'account')})</sub>`;
  let status: string;
  if (drift)
    status = changed.length
      ? `**⚠️ Drift in ${plural(changed.length, 'account')}: ${changed.map((s) => code(s.account)).join(', ')}.**`
      : failed.length
        ? `**❌ ${plural(failed.length, 'account')} could not be read.**`
        : '**✅ No drift in any account.**';
  else if (failed.length || blocked.length)
    status =
      `**🛑 Not ready: ${[failed.length ? `${plural(failed.length, 'account')} could not be planned` : '', blocked.length ? `${plural(blocked.length, 'account')} blocked` : ''].filter(Boolean).join(' · ')}.** ` +
      'An account that fails here is refused by its apply job; the other accounts apply as approved.';
  else if (changed.length === 0) status = '**✅ Nothing to apply in any account.**';
  else
    status = `**${changed.some((s) => countChanges(s.plan!.changes).delete > 0) ? '⚠️ Ready to approve with care' : 'Ready to approve'}: changes in ${plural(changed.length, 'account')}.**`;
  const parts = [title, status];
  if (input.offlineReason)
    parts.push(
      `> [!NOTE]\n> Offline plan: every account is planned as empty because ${prose(input.offlineReason)}.`,
    );
  if (!drift && input.gateChanges?.length)
    parts.push(`This pull request changes the gate settings: ${input.gateChanges.map(prose).join('; ')}.`);
  parts.push(summaryTable(input));
  parts.push(
    `<sub>combined hash ${'`'}${input.multi.hash}${'`'} · it binds every account's section below; ` +
      'each section has its own hash, and an apply job for one account checks its section only.</sub>',
  );
  if (!drift) {
    parts.push(newPrivilegeBlock(input.blast, 20));
    parts.push(blastSection(input.blast, false, 10));
    if (!input.blast && input.blastNote)
      parts.push(`<sub>Blast radius not shown: ${prose(input.blastNote)}.</sub>`);
  }
  if (!drift && input.approvals)
    parts.push(
      // One approval covers every section; each account's apply then checks its own section.
      nextSteps(input.approvals, failed.length > 0 || blocked.length > 0).replace(
        'applies only if the plan is exactly this one (same hash)',
        "applies each account only if its plan is exactly that account's section below (same section hash); " +
          'a failed account is re-run alone',
      ),
    );
  return parts.filter(Boolean).join('\n\n');
}

/** One account's section at one level of detail; `view` is the section's plan view, built once. */
function section(s: AccountSection, level: Level, input: AccountsReportInput, view?: PlanView): string {
  const title = `#### ${code(s.account)} <sub>(account ${s.accountId})</sub>`;
  if (!s.plan) return `${title}\n\n❌ The plan of this account failed: ${prose(s.error ?? 'unknown error')}`;
  if (level.tier === 'line')
    return (
      `${title}\n\n${sectionState(s, input)} — detail cut to fit the comment; it is in ` +
      `${input.fullReportHint ?? 'the job summary of this run'}. <sub>hash ${'`'}${s.plan.hash}${'`'}</sub>`
    );
  const report: ReportInput = {
    plan: s.plan,
    kind: input.kind,
    head: input.head,
    base: input.base,
    plannedAt: input.plannedAt,
    dataVersion: input.dataVersion,
    offlineReason: input.offlineReason,
    failOn: input.failOn,
    fullReportHint: input.fullReportHint,
  };
  const body = renderReport(report, level.tier, view ?? buildView(s.plan), level.rows);
  // The report's own title names the tool; the account's heading replaces it.
  return `${title}\n\n${body.slice(body.indexOf('\n') + 1).trim()}`;
}

/** The report within `budget` characters (after masking), each section as detailed as room allows. */
export function renderAccountsMarkdown(input: AccountsReportInput, budget: number): RenderedAccounts {
  const top = maskEmails(head(input));
  const sections = input.multi.sections;
  const level = sections.map(() => 0);
  const views = sections.map((s) => (s.plan ? buildView(s.plan) : undefined));
  const text = sections.map((s, i) => maskEmails(section(s, LEVELS[0]!, input, views[i])));
  const total = (): number => top.length + text.reduce((n, t) => n + t.length + 2, 0) + 200;
  while (total() > budget) {
    // The largest section that can still give up detail does so first.
    let pick = -1;
    for (let i = 0; i < sections.length; i++)
      if (level[i]! < LEVELS.length - 1 && (pick < 0 || text[i]!.length > text[pick]!.length)) pick = i;
    if (pick < 0) break;
    level[pick]!++;
    text[pick] = maskEmails(section(sections[pick]!, LEVELS[level[pick]!]!, input, views[pick]));
  }
  const cut = sections.filter((_, i) => LEVELS[level[i]!]!.tier === 'line').map((s) => s.account);
  const parts = [top, ...text];
  if (cut.length)
    parts.push(
      `> [!NOTE]\n> ${plural(cut.length, 'account')} shown in one line to fit a comment (${cut.map(code).join(', ')}); ` +
        `the full report is in ${input.fullReportHint ?? 'the job summary of this run'}.`,
    );
  let markdown = parts.join('\n\n') + '\n';
  if (markdown.length > budget) {
    // Only with an enormous number of accounts: cut at a line and say so.
    const note = '\n\n… (cut to fit; see the job summary)\n';
    markdown = markdown.slice(0, markdown.lastIndexOf('\n', budget - note.length)) + note;
  }
  return { markdown, truncated: level.some((l) => l > 0) || markdown.length > budget, cut };
}
