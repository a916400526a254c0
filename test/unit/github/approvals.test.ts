import { evaluateApprovals, latestReviews, type Review } from '../../../src/github/approvals.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const PLANNED = '2026-11-20T10:00:00Z';
let id = 1;
const review = (login: string, state: string, at: string, commit = HEAD): Review => ({
  id: id++,
  user: { login },
  state,
  commit_id: commit,
  submitted_at: at,
});
const check = (reviews: Review[], required = 1) =>
  evaluateApprovals({ reviews, author: 'alice', headSha: HEAD, plannedAt: PLANNED, required });

test('an approval of the head commit after the plan by someone other than the author counts', () => {
  const r = check([review('bob', 'APPROVED', '2026-11-20T11:00:00Z')]);
  expect(r.ok).toBe(true);
  expect(r.approvers).toEqual(['bob']);
});

test("the author's own approval never counts", () => {
  const r = check([review('Alice', 'APPROVED', '2026-11-20T11:00:00Z')]);
  expect(r.ok).toBe(false);
  expect(r.approvers).toEqual([]);
  expect(r.verdicts[0]!.reason).toMatch(/author/);
  expect(r.message).toMatch(/0 of 1 approval/);
});

test('an approval of an older commit does not count', () => {
  const r = check([review('bob', 'APPROVED', '2026-11-20T11:00:00Z', OLD)]);
  expect(r.ok).toBe(false);
  expect(r.verdicts[0]!.reason).toMatch(/bbbbbbb, not the final head aaaaaaa/);
});

test('an approval submitted before the plan comment was posted does not count', () => {
  const r = check([review('bob', 'APPROVED', '2026-11-20T09:59:59Z')]);
  expect(r.ok).toBe(false);
  expect(r.verdicts[0]!.reason).toMatch(/before the plan was posted/);
});

test("each reviewer's latest state-bearing review wins, whatever the list order", () => {
  const approvedThenChanges = [
    review('bob', 'CHANGES_REQUESTED', '2026-11-20T12:00:00Z'),
    review('bob', 'APPROVED', '2026-11-20T11:00:00Z'),
  ];
  expect(check(approvedThenChanges).ok).toBe(false);
  const changesThenApproved = [
    review('bob', 'CHANGES_REQUESTED', '2026-11-20T11:00:00Z'),
    review('bob', 'APPROVED', '2026-11-20T12:00:00Z'),
  ];
  expect(check(changesThenApproved).ok).toBe(true);
});

test('a later COMMENTED review keeps an approval; a DISMISSED review removes it', () => {
  expect(
    check([
      review('bob', 'APPROVED', '2026-11-20T11:00:00Z'),
      review('bob', 'COMMENTED', '2026-11-20T12:00:00Z'),
      review('carol', 'COMMENTED', '2026-11-20T12:00:00Z'),
    ]).approvers,
  ).toEqual(['bob']);
  const dismissed = check([
    review('bob', 'APPROVED', '2026-11-20T11:00:00Z'),
    review('bob', 'DISMISSED', '2026-11-20T12:00:00Z'),
  ]);
  expect(dismissed.ok).toBe(false);
  expect(dismissed.verdicts[0]!.reason).toMatch(/dismissed/);
});

test('COMMENTED and PENDING reviews alone give a reviewer no standing', () => {
  const latest = latestReviews([
    review('bob', 'COMMENTED', '2026-11-20T11:00:00Z'),
    review('carol', 'PENDING', '2026-11-20T11:00:00Z'),
  ]);
  expect(latest.size).toBe(0);
});

test('the required count is enforced; reviewers are counted once', () => {
  const reviews = [
    review('bob', 'APPROVED', '2026-11-20T11:00:00Z'),
    review('bob', 'APPROVED', '2026-11-20T11:30:00Z'),
    review('carol', 'APPROVED', '2026-11-20T11:00:00Z'),
  ];
  expect(check(reviews, 2)).toMatchObject({ ok: true, approvers: ['bob', 'carol'] });
  const three = check(reviews, 3);
  expect(three.ok).toBe(false);
  expect(three.message).toMatch(/2 of 3 approvals/);
  expect(check([], 0).ok).toBe(true);
});

test('a review without a user (deleted account) is ignored', () => {
  const r = check([
    { id: 99, user: null, state: 'APPROVED', commit_id: HEAD, submitted_at: '2026-11-20T11:00:00Z' },
  ]);
  expect(r).toMatchObject({ ok: false, approvers: [], verdicts: [] });
});
