/**
 * The sticky plan comment's shape: the marker first, then one hidden JSON metadata line, then a
 * status block (apply results, refusals) and the plan report. Pure.
 */

import { META_PREFIX, PLAN_MARKER, renderMeta, type CommentMetaOut } from '../plan/render-markdown.js';
import type { SectionMeta } from './sections.js';

/** The renderer's marker: a rendered report and our comment are found by the same line. */
export const MARKER = PLAN_MARKER;
/**
 * Marks the apply's result comments (one per run, posted anew so people are notified). Distinct
 * from MARKER: only the plan comment carries that, so the gate never mistakes a result for a plan.
 */
export const RESULT_MARKER = '<!-- iam-gitops:result -->';
const STATUS_OPEN = '<!-- iam-gitops:status -->';
const STATUS_CLOSE = '<!-- /iam-gitops:status -->';

/** The identity GitHub uses for comments written with the workflow's default token. */
export const DEFAULT_BOT = 'github-actions[bot]';

export interface CommentMeta extends CommentMetaOut {
  /**
   * Compact fingerprints of the operations (`action type name #digest`), when they fit; a refused
   * apply lists the differences operation by operation from these.
   */
  ops?: string[];
  /** The approved operations' digests (src/plan/pin.ts), when they fit: a re-run finishes only these. */
  pin?: string;
  /**
   * A plan over many accounts: one entry per account section (src/github/sections.ts); `hash` is
   * then the combined hash over them. Absent for a single-account repository.
   */
  accounts?: SectionMeta[];
  /** The last apply's outcome on this comment, if any. */
  status?: 'planned' | 'applying' | 'applied' | 'apply-failed' | 'refused' | 'invalid';
}

export interface IssueComment {
  id: number;
  body?: string | null;
  user: { login: string } | null;
  created_at?: string;
  updated_at?: string;
}

/** The action's own plan comment: our author and the marker first. Other authors never count. */
export function findOwnComment(comments: IssueComment[], identity: string): IssueComment | undefined {
  const ours = comments.filter(
    (c) =>
      c.user?.login.toLowerCase() === identity.toLowerCase() && (c.body ?? '').trimStart().startsWith(MARKER),
  );
  // Only one is ever written; should an older duplicate exist, the newest reflects the latest plan.
  return ours.sort((a, b) => b.id - a.id)[0];
}

export function parseMeta(body: string | null | undefined): CommentMeta | null {
  if (!body) return null;
  const start = body.indexOf(META_PREFIX);
  if (start < 0) return null;
  const end = body.indexOf(' -->', start + META_PREFIX.length);
  if (end < 0) return null;
  try {
    const meta = JSON.parse(body.slice(start + META_PREFIX.length, end)) as CommentMeta;
    if (typeof meta.hash !== 'string' || typeof meta.head !== 'string' || typeof meta.plannedAt !== 'string')
      return null;
    return meta;
  } catch {
    return null;
  }
}

/** Removes a renderer's own header lines (marker, hidden comments) so ours comes first, once. */
export function stripHeader(markdown: string): string {
  const lines = markdown.split('\n');
  let i = 0;
  while (i < lines.length && /^\s*(<!--.*-->)?\s*$/.test(lines[i]!)) i++;
  return lines.slice(i).join('\n');
}

/** The report part of an existing comment (everything after the header and the status block). */
export function reportOf(body: string): string {
  const close = body.indexOf(STATUS_CLOSE);
  const rest = close >= 0 ? body.slice(close + STATUS_CLOSE.length) : body;
  return stripHeader(rest.replace(/^\n+/, ''));
}

export function composeComment(meta: CommentMeta, report: string, status?: string): string {
  const parts = [MARKER, renderMeta(meta)];
  if (status) parts.push(STATUS_OPEN, status.trim(), STATUS_CLOSE);
  parts.push('', stripHeader(report).trim(), '');
  return parts.join('\n');
}

/**
 * The comment within `limit` characters: as is; else the status without its folded detail; else
 * also without the plan report. Both dropped parts are in the job summary.
 */
export function composeFitting(meta: CommentMeta, report: string, status: string, limit: number): string {
  const full = composeComment(meta, report, status);
  if (full.length <= limit) return full;
  const fold = status.indexOf('<details');
  const short =
    (fold >= 0 ? status.slice(0, fold).trimEnd() : status.slice(0, Math.floor(limit / 2))) +
    '\n\nThe full report is in the job summary of this run.';
  const withReport = composeComment({ ...meta, truncated: true }, report, short);
  if (withReport.length <= limit) return withReport;
  return composeComment(
    { ...meta, truncated: true },
    'The plan is in the job summary of the plan run.',
    short,
  );
}
