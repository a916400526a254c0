import {
  evaluateApprovals,
  latestReviews,
  reviewersToLookUp,
  verdictTable,
  type Review,
} from '../../../src/github/approvals.js';

const HEAD = 'a'.repeat(40);
const OLD = 'b'.repeat(40);
const PLANNED = '2026-11-20T10:00:00Z';
let id = 1;
const review = (login: string, state: string, at: string, commit = HEAD, type = 'User'): Review => ({
  id: id++,
  user: { login, type },
  state,
  commit_id: commit,
  submitted_at: at,
});
/** Everybody but these has write access; alice wrote the pull request's one commit. */
const WRITERS = ['alice', 'bob', 'carol', 'dave'];
const check = (
  reviews: Review[],
  required = 1,
  roles: Record<string, string> = Object.fromEntries(WRITERS.map((w) => [w, 'write'])),
  contributors: Record<string, string> = { alice: HEAD },
) =>
  evaluateApprovals({
    reviews,
    author: 'alice',
    headSha: HEAD,
    planPostedAt: PLANNED,
    required,
    roles: new Map(Object.entries(roles)),
    contributors: new Map(Object.entries(contributors)),
  });

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
  expect(r.verdicts[0]!.reason).toMatch(/before the plan comment was posted/);
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

describe('who may approve', () => {
  const at = '2026-11-20T11:00:00Z';

  test('a reviewer with no access to the repository (author_association NONE) does not count', () => {
    const r = check([review('mallory', 'APPROVED', at)], 1, { mallory: 'none' });
    expect(r.ok).toBe(false);
    expect(r.verdicts).toEqual([
      {
        login: 'mallory',
        counted: false,
        reason: expect.stringMatching(/no access .* write, maintain or admin/),
      },
    ]);
  });

  test('read and triage access do not count; write, maintain and admin do', () => {
    const reviews = ['r', 't', 'w', 'm', 'a'].map((l) => review(l, 'APPROVED', at));
    const roles = { r: 'read', t: 'triage', w: 'write', m: 'maintain', a: 'admin' };
    const r = check(reviews, 3, roles);
    expect(r.approvers).toEqual(['a', 'm', 'w']);
    expect(r.verdicts.find((v) => v.login === 't')!.reason).toMatch(/only triage access/);
    expect(check(reviews, 4, roles).ok).toBe(false);
  });

  test('a role that was not looked up never counts', () => {
    expect(check([review('bob', 'APPROVED', at)], 1, {}).verdicts[0]!.reason).toMatch(/could not be read/);
  });

  test('a bot account does not count, whether GitHub types it Bot or by its [bot] login, even with write', () => {
    const typed = check([review('release-robot', 'APPROVED', at, HEAD, 'Bot')], 1, {
      'release-robot': 'admin',
    });
    expect(typed.ok).toBe(false);
    expect(typed.verdicts[0]!.reason).toMatch(/bot account/);
    const named = check([review('renovate[bot]', 'APPROVED', at)], 1, { 'renovate[bot]': 'write' });
    expect(named.verdicts[0]!.reason).toMatch(/bot account/);
  });

  test('someone who authored or committed any commit of the pull request cannot approve it', () => {
    const contributors = { alice: 'a'.repeat(40), carol: 'c'.repeat(40), dave: 'd'.repeat(40) };
    const r = check(
      [review('carol', 'APPROVED', at), review('Dave', 'APPROVED', at), review('bob', 'APPROVED', at)],
      2,
      undefined,
      contributors,
    );
    expect(r.ok).toBe(false);
    expect(r.approvers).toEqual(['bob']);
    expect(r.verdicts.find((v) => v.login === 'carol')!.reason).toMatch(/authored or committed ccccccc/);
    expect(r.verdicts.find((v) => v.login === 'Dave')!.reason).toMatch(/authored or committed ddddddd/);
  });

  test('only reviewers whose verdict hangs on their role are looked up', () => {
    const input = {
      reviews: [
        review('bob', 'APPROVED', at),
        review('carol', 'CHANGES_REQUESTED', at),
        review('dave', 'APPROVED', '2026-11-20T09:00:00Z'),
        review('alice', 'APPROVED', at),
        review('ci[bot]', 'APPROVED', at),
      ],
      author: 'alice',
      headSha: HEAD,
      planPostedAt: PLANNED,
      contributors: new Map([['alice', HEAD]]),
    };
    expect(reviewersToLookUp(input)).toEqual(['bob']);
  });

  test('the verdict table names every reviewer and the reason, without pinging them', () => {
    const table = verdictTable(
      check([review('bob', 'APPROVED', at), review('eve', 'APPROVED', at)], 2, { bob: 'write', eve: 'read' }),
    );
    expect(table).toMatch(/\| @\u200bbob \| ✅ \|/);
    expect(table).toMatch(/\| @\u200beve \| ❌ \| has only read access/);
    expect(table).not.toMatch(/(^|[^\u200b])@bob/);
  });
});
