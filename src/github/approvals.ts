/**
 * Which reviews count as approval of the plan that is about to be applied. Pure: the reviews and
 * the facts GitHub gives about the people behind them (their role on the repository, the commits
 * they authored or committed, when the plan comment was posted) come in as plain values. Nothing
 * here is read from text a workflow can write.
 */

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

/** The fields of a GitHub pull request review this check reads. */
export interface Review {
  id: number;
  user: { login: string; type?: string } | null;
  state: string;
  commit_id: string | null;
  submitted_at?: string | null;
}

/** Roles on the repository whose approval counts (GitHub's own rule for required reviews). */
export const APPROVING_ROLES = new Set(['admin', 'maintain', 'write']);

export interface ApprovalInput {
  reviews: Review[];
  /** Login of the pull request's author, who cannot approve their own change. */
  author: string;
  /** The pull request's final head commit: only approvals of exactly that commit count. */
  headSha: string;
  /** When GitHub says the plan comment was posted (ISO 8601); approvals must come after it. */
  planPostedAt: string;
  required: number;
  /**
   * Lower-cased logins that authored or committed a commit of the pull request, with that
   * commit's sha: whoever changed the code cannot approve it.
   */
  contributors: ReadonlyMap<string, string>;
  /** Role per lower-cased login (admin, maintain, write, triage, read, none); absent: not looked up. */
  roles: ReadonlyMap<string, string>;
}

export interface ReviewerVerdict {
  login: string;
  counted: boolean;
  /** Why the reviewer's approval does not count; absent when it counts. */
  reason?: string;
}

export interface ApprovalResult {
  ok: boolean;
  approvers: string[];
  verdicts: ReviewerVerdict[];
  required: number;
  /** One sentence for the refusal comment, or the approvers on success. */
  message: string;
}

/** COMMENTED and PENDING reviews leave a reviewer's standing as it was (GitHub's own rule). */
const STATE_BEARING = new Set(['APPROVED', 'CHANGES_REQUESTED', 'DISMISSED']);

function time(r: Review): number {
  const t = r.submitted_at ? Date.parse(r.submitted_at) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

/** Each reviewer's latest state-bearing review (by submission time, then review id). */
export function latestReviews(reviews: Review[]): Map<string, Review> {
  const latest = new Map<string, Review>();
  for (const r of reviews) {
    if (!r.user || !STATE_BEARING.has(r.state.toUpperCase())) continue;
    const key = r.user.login.toLowerCase();
    const prev = latest.get(key);
    if (!prev || time(r) > time(prev) || (time(r) === time(prev) && r.id > prev.id)) latest.set(key, r);
  }
  return latest;
}

export function isBot(user: { login: string; type?: string }): boolean {
  return user.type === 'Bot' || /\[bot\]$/i.test(user.login);
}

/** Why an approval does not count before its author's role is known; undefined when only the role is left. */
function reasonBeforeRole(r: Review, input: Omit<ApprovalInput, 'roles' | 'required'>): string | undefined {
  const login = r.user!.login;
  const key = login.toLowerCase();
  const state = r.state.toUpperCase();
  const posted = Date.parse(input.planPostedAt);
  if (state !== 'APPROVED') return `latest review is ${state.toLowerCase().replace('_', ' ')}`;
  if (isBot(r.user!)) return 'is a bot account; only people with write access can approve';
  if (key === input.author.toLowerCase())
    return 'is the pull request author, who cannot approve their own change';
  const commit = input.contributors.get(key);
  if (commit)
    return `authored or committed ${short(commit)} of this pull request; whoever changed it cannot approve it`;
  if (r.commit_id !== input.headSha)
    return `approved commit ${short(r.commit_id)}, not the final head ${short(input.headSha)}`;
  if (Number.isNaN(posted) || !(time(r) > posted))
    return `approved at ${r.submitted_at ?? 'an unknown time'}, before the plan comment was posted at ${input.planPostedAt}`;
  return undefined;
}

/** The reviewers whose approval now depends only on their role: the only ones worth a permission look-up. */
export function reviewersToLookUp(input: Omit<ApprovalInput, 'roles' | 'required'>): string[] {
  return [...latestReviews(input.reviews).values()]
    .filter((r) => reasonBeforeRole(r, input) === undefined)
    .map((r) => r.user!.login);
}

export function evaluateApprovals(input: ApprovalInput): ApprovalResult {
  const verdicts: ReviewerVerdict[] = [];
  for (const r of latestReviews(input.reviews).values()) {
    const login = r.user!.login;
    let reason = reasonBeforeRole(r, input);
    if (!reason) {
      const role = input.roles.get(login.toLowerCase());
      if (role === undefined) reason = 'has a repository role that could not be read';
      else if (!APPROVING_ROLES.has(role))
        reason = `has ${role === 'none' ? 'no' : `only ${role}`} access to the repository; approvals count from write, maintain or admin`;
    }
    verdicts.push(reason ? { login, counted: false, reason } : { login, counted: true });
  }
  verdicts.sort((a, b) => a.login.localeCompare(b.login));
  const approvers = verdicts.filter((v) => v.counted).map((v) => v.login);
  const ok = approvers.length >= input.required;
  const need = `${input.required} approval${input.required === 1 ? '' : 's'}`;
  const message = ok
    ? `approved by ${approvers.join(', ') || 'nobody (no approvals required)'}`
    : `${approvers.length} of ${need} of the planned head ${short(input.headSha)} ` +
      `(by people with write access who did not author or commit any of it, submitted after the plan was posted)` +
      (verdicts.some((v) => !v.counted)
        ? `; not counted: ${verdicts
            .filter((v) => !v.counted)
            .map((v) => `${v.login} ${v.reason}`)
            .join('; ')}`
        : '');
  return { ok, approvers, verdicts, required: input.required, message };
}

/** The verdicts as a markdown table for a refusal (logins are GitHub's, never repository text). */
export function verdictTable(result: ApprovalResult): string {
  if (result.verdicts.length === 0) return 'No reviews yet.';
  return [
    '| reviewer | counts | why not |',
    '| --- | --- | --- |',
    ...result.verdicts.map((v) => `| @\u200b${v.login} | ${v.counted ? '✅' : '❌'} | ${v.reason ?? ''} |`),
  ].join('\n');
}

export function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '(none)';
}
