/**
 * The gate of one account section: the metadata's sections must be the ones the combined hash
 * binds, and an account's fresh plan must be its approved section, what is left of it, or nothing.
 */
import { multiPlanHash, sectionRepo } from '../../../src/accounts/hash.js';
import type { CommentMeta } from '../../../src/github/comment.js';
import { checkSameSection, sectionsBound, sectionsMeta } from '../../../src/github/sections.js';
import type { AccountSection } from '../../../src/model/accounts.js';
import type { Operation, Plan } from '../../../src/model/plan.js';
import { planHash } from '../../../src/plan/hash.js';

const REPO = 'acme/iam';

const op = (name: string, action: Operation['action'] = 'create'): Operation => ({
  id: `user:${name}`,
  action,
  type: 'user',
  name,
  details: { path: '/iam-gitops/' },
  dependsOn: [],
});

function plan(accountId: string, ops: Operation[]): Plan {
  return {
    hash: planHash(ops, sectionRepo(REPO, accountId)),
    changes: ops,
    findings: [],
    stats: { awsCalls: {}, durationMs: 0 },
    errors: [],
    offline: false,
    accountId,
    unchanged: { users: 0, groups: 0, policies: 0 },
  };
}

const sec = (account: string, id: string, p: Plan | null, error: string | null = null): AccountSection => ({
  account,
  accountId: id,
  plan: p,
  error,
});

function approved(sections: AccountSection[]): CommentMeta {
  return {
    hash: multiPlanHash(sections, REPO),
    head: 'h'.repeat(40),
    base: 'b'.repeat(40),
    plannedAt: '2026-11-29T20:00:00.000Z',
    offline: false,
    truncated: false,
    counts: { create: 0, update: 0, delete: 0 },
    accounts: sectionsMeta({ hash: multiPlanHash(sections, REPO), sections }),
  };
}

const A = '111111111111';
const B = '222222222222';
const sections = () => [
  sec('a', A, plan(A, [op('carol'), op('dave')])),
  sec('b', B, null, 'AccessDenied: not authorized to perform sts:AssumeRole'),
];

describe('sectionsBound', () => {
  test('the plan job’s metadata is bound; an edited section hash, account id or error is not', () => {
    const meta = approved(sections());
    expect(sectionsBound(meta, REPO)).toBe(true);
    const edit = (f: (m: CommentMeta) => void): boolean => {
      const copy = JSON.parse(JSON.stringify(meta)) as CommentMeta;
      f(copy);
      return sectionsBound(copy, REPO);
    };
    expect(edit((m) => (m.accounts![0]!.hash = '0'.repeat(64)))).toBe(false);
    expect(edit((m) => (m.accounts![0]!.id = '333333333333'))).toBe(false);
    expect(edit((m) => (m.accounts![1]!.error = 'something else'))).toBe(false);
    expect(edit((m) => m.accounts!.pop())).toBe(false);
    expect(edit((m) => delete m.accounts)).toBe(false);
    // The same sections under another repository's name are not this repository's plan.
    expect(sectionsBound(meta, 'acme/other')).toBe(false);
  });
});

describe('checkSameSection', () => {
  const meta = approved(sections());
  const a = meta.accounts![0]!;

  test('the same plan of the account passes; a plan with an operation nobody approved does not', () => {
    expect(checkSameSection(meta, a, sec('a', A, plan(A, [op('carol'), op('dave')])))).toMatchObject({
      ok: true,
      mode: 'exact',
    });
    const more = checkSameSection(meta, a, sec('a', A, plan(A, [op('carol'), op('dave'), op('mallory')])));
    expect(more).toMatchObject({ ok: false });
    expect(!more.ok && more.detail).toMatch(/mallory/);
  });

  test('what is left after a partial apply continues; nothing left is done', () => {
    expect(checkSameSection(meta, a, sec('a', A, plan(A, [op('dave')])))).toMatchObject({
      ok: true,
      mode: 'continue',
      remaining: 1,
    });
    expect(checkSameSection(meta, a, sec('a', A, plan(A, [])))).toMatchObject({
      ok: true,
      mode: 'nothing-left',
    });
  });

  test('a section approved for one account is never applied in another of the same name', () => {
    // Same operations, other account: the section hash is bound to the account id.
    const moved = checkSameSection(meta, a, sec('a', B, plan(B, [op('carol'), op('dave')])));
    expect(moved).toMatchObject({ ok: false });
    expect(!moved.ok && moved.reason).toMatch(
      /is for account 111111111111, but the name now means account 222222222222/,
    );
  });

  test('an account that failed at plan time, or has no section, may only find nothing to do', () => {
    const b = meta.accounts![1]!;
    expect(checkSameSection(meta, b, sec('b', B, plan(B, [])))).toMatchObject({
      ok: true,
      mode: 'nothing-left',
    });
    const failed = checkSameSection(meta, b, sec('b', B, plan(B, [op('eve')])));
    expect(!failed.ok && failed.reason).toMatch(/failed when the pull request was planned \(AccessDenied/);
    const unknown = checkSameSection(
      meta,
      undefined,
      sec('c', '333333333333', plan('333333333333', [op('eve')])),
    );
    expect(!unknown.ok && unknown.reason).toMatch(/has no section in the approved plan/);
  });

  test('an account that cannot be planned now is refused with its error', () => {
    const now = checkSameSection(meta, a, sec('a', A, null, 'ExpiredToken'));
    expect(now).toMatchObject({ ok: false });
    expect(!now.ok && now.reason).toMatch(/could not be planned now: ExpiredToken/);
  });
});

describe('sectionsMeta', () => {
  test('pins ride along while they fit the budget, in section order', () => {
    const many = [sec('a', A, plan(A, [op('x'), op('y')])), sec('b', B, plan(B, [op('z')]))];
    const m = sectionsMeta({ hash: multiPlanHash(many, REPO), sections: many }, 16);
    expect(m[0]!.pin).toHaveLength(16);
    expect(m[1]!.pin).toBeUndefined();
    expect(m.map((x) => x.counts.create)).toEqual([2, 1]);
  });
});
