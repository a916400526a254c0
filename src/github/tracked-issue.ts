/**
 * One labelled GitHub issue per scheduled check (drift, report): opened when there is something to
 * report, updated in place on the next run, closed with a comment once the check is clean.
 *
 * Only an issue written by the action's own identity whose body starts with the check's marker
 * counts, like the plan comment: a person's issue with the same label, or a copied marker in
 * someone else's issue, is never edited or closed.
 */
import type { GitHubApi, Issue } from './api.js';

/** GitHub refuses issue bodies over 65,536 characters. */
export const ISSUE_BODY_LIMIT = 65_536;

export interface TrackedIssue {
  /** The label that finds the issue (`iam-gitops:drift`); also names the marker. */
  label: string;
  title: string;
  /** The report as markdown, already safe to render (escaped by its renderer). */
  body: string;
  /** Nothing to report: an open issue is closed, none is opened. */
  clean: boolean;
  /** The comment left on the issue when it is closed. */
  closingComment: string;
  /** Said when the body had to be shortened (e.g. "The full report is in the job summary of run …"). */
  overflowNote: string;
}

export type TrackedOutcome =
  | { action: 'created' | 'updated' | 'unchanged' | 'closed'; number: number; url?: string }
  | { action: 'none' };

/** The hidden first line that marks the issue as this check's. */
export function issueMarker(label: string): string {
  return `<!-- iam-gitops:issue ${label.replace(/[^A-Za-z0-9:._-]/g, '_')} -->`;
}

/** The marker, then the body, shortened to GitHub's limit with `overflowNote` when needed. */
export function composeIssueBody(t: Pick<TrackedIssue, 'label' | 'body' | 'overflowNote'>): string {
  const head = issueMarker(t.label) + '\n';
  const full = head + t.body.trim() + '\n';
  if (full.length <= ISSUE_BODY_LIMIT) return full;
  const tail = `\n\n…\n\n${t.overflowNote.trim()}\n`;
  let cut = t.body.slice(0, ISSUE_BODY_LIMIT - head.length - tail.length);
  // Cut at a line end so no markdown construct (a table row, a code fence line) is left half open.
  const nl = cut.lastIndexOf('\n');
  if (nl > 0) cut = cut.slice(0, nl);
  // An odd number of fences means a code block is open: close it before the note.
  if ((cut.match(/^```/gm) ?? []).length % 2 === 1) cut += '\n```';
  return head + cut + tail;
}

/** Our open issues for the label, newest first. */
export function ownIssues(issues: Issue[], identity: string, label: string): Issue[] {
  const marker = issueMarker(label);
  return issues
    .filter(
      (i) =>
        i.state === 'open' &&
        !i.pull_request &&
        i.user?.login.toLowerCase() === identity.toLowerCase() &&
        (i.body ?? '').trimStart().startsWith(marker),
    )
    .sort((a, b) => b.number - a.number);
}

/** Brings the label's issue in line with the check's result; one call per change, none when unchanged. */
export async function keepIssue(api: GitHubApi, t: TrackedIssue): Promise<TrackedOutcome> {
  const [identity, listed] = await Promise.all([api.identity(), api.listIssues(t.label, 'open')]);
  const [current, ...duplicates] = ownIssues(listed, identity, t.label);
  // Only one is ever opened; should a duplicate exist (two runs at once), the newest is kept.
  for (const d of duplicates) {
    await api.createComment(d.number, `Superseded by #${current!.number}.`);
    await api.updateIssue(d.number, { state: 'closed', state_reason: 'not_planned' });
  }
  if (t.clean) {
    if (!current) return { action: 'none' };
    await api.createComment(current.number, t.closingComment);
    await api.updateIssue(current.number, { state: 'closed', state_reason: 'completed' });
    return { action: 'closed', number: current.number, url: current.html_url };
  }
  const body = composeIssueBody(t);
  if (!current) {
    const made = await api.createIssue(t.title, body, [t.label]);
    return { action: 'created', number: made.number, url: made.html_url };
  }
  if (current.body === body && current.title === t.title)
    return { action: 'unchanged', number: current.number, url: current.html_url };
  await api.updateIssue(current.number, { title: t.title, body });
  return { action: 'updated', number: current.number, url: current.html_url };
}
