/**
 * Which reviews count as approval of the plan that is about to be applied. Pure: the reviews, the
 * pull request and the plan comment's metadata come in as plain values.
 */

export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

/** The fields of a GitHub pull request review this check reads. */
export interface Review {
  id: number;
  user: { login: string } | null;
  state: string;
  commit_id: string | null;
  submitted_at?: string | null;
}

export interface ApprovalInput {
  reviews: Review[];
  /** Login of the pull request's author, who cannot approve their own change. */
  author: string;
  /** The pull request's final head commit: only approvals of exactly that commit count. */
  headSha: string;
  /** When the approved plan was posted (ISO 8601); earlier approvals predate it. */
  plannedAt: string;
  required: number;
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

export function evaluateApprovals(input: ApprovalInput): ApprovalResult {
  const plannedAt = Date.parse(input.plannedAt);
  const verdicts: ReviewerVerdict[] = [];
  for (const r of latestReviews(input.reviews).values()) {
    const login = r.user!.login;
    const state = r.state.toUpperCase();
    let reason: string | undefined;
    if (login.toLowerCase() === input.author.toLowerCase())
      reason = 'is the pull request author, who cannot approve their own change';
    else if (state !== 'APPROVED') reason = `latest review is ${state.toLowerCase().replace('_', ' ')}`;
    else if (r.commit_id !== input.headSha)
      reason = `approved commit ${short(r.commit_id)}, not the final head ${short(input.headSha)}`;
    else if (Number.isNaN(plannedAt) || !(time(r) > plannedAt))
      reason = `approved at ${r.submitted_at ?? 'an unknown time'}, before the plan was posted at ${input.plannedAt}`;
    verdicts.push(reason ? { login, counted: false, reason } : { login, counted: true });
  }
  verdicts.sort((a, b) => a.login.localeCompare(b.login));
  const approvers = verdicts.filter((v) => v.counted).map((v) => v.login);
  const ok = approvers.length >= input.required;
  const need = `${input.required} approval${input.required === 1 ? '' : 's'}`;
  const message = ok
    ? `approved by ${approvers.join(', ') || 'nobody (no approvals required)'}`
    : `${approvers.length} of ${need} of the planned head ${short(input.headSha)} ` +
      `(not by the author, submitted after the plan was posted)` +
      (verdicts.some((v) => !v.counted)
        ? `; not counted: ${verdicts
            .filter((v) => !v.counted)
            .map((v) => `${v.login} ${v.reason}`)
            .join('; ')}`
        : '');
  return { ok, approvers, verdicts, required: input.required, message };
}

function short(sha: string | null | undefined): string {
  return sha ? sha.slice(0, 7) : '(none)';
}
