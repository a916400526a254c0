/** A plan over many accounts as text and JSON: every section, its headline, its failure, the combined hash. */
import type { MultiPlan } from '../../../src/model/accounts.js';
import type { Operation, Plan } from '../../../src/model/plan.js';
import { headline, renderAccountsJson, renderAccountsText } from '../../../src/plan/render-accounts.js';

const op = (action: Operation['action'], type: Operation['type'], name: string): Operation => ({
  id: `${type}:${name}`,
  action,
  type,
  name,
  details: {},
  dependsOn: [],
});

const plan = (accountId: string, changes: Operation[], errors: string[] = []): Plan => ({
  hash: accountId.repeat(6).slice(0, 64).padEnd(64, '0'),
  changes,
  findings: [],
  stats: { awsCalls: {} },
  errors,
  offline: false,
  accountId,
});

const multi: MultiPlan = {
  hash: 'f'.repeat(64),
  sections: [
    { account: 'prod', accountId: '111111111111', plan: plan('111111111111', []), error: null },
    {
      account: 'dev',
      accountId: '222222222222',
      plan: plan('222222222222', [op('create', 'user', 'bob'), op('delete', 'user', 'carol')]),
      error: null,
    },
    {
      account: 'sandbox',
      accountId: '333333333333',
      plan: null,
      error: 'account sandbox (333333333333): could not assume arn:aws:iam::333333333333:role/x\nmore',
    },
  ],
};

test('text: a section per account, a summary line each (deletions named, failures first line), the combined hash', () => {
  const text = renderAccountsText({ multi });
  expect(text).toMatch(/^iam-gitops plan — 3 accounts\n/);
  expect(text).toContain('=== account prod (111111111111) ===\niam-gitops plan — account 111111111111');
  expect(text).toContain('=== account sandbox (333333333333) ===\n✗ could not be planned: account sandbox');
  expect(text).toContain(
    [
      'Summary (3 accounts):',
      '  prod     no changes',
      '  dev      1 to create, 0 to change, 1 to delete (deletes user carol)',
      '  sandbox  ERROR: account sandbox (333333333333): could not assume arn:aws:iam::333333333333:role/x',
      '1 account could not be planned.',
      `Combined plan hash (every account above): ${'f'.repeat(64)}`,
    ].join('\n'),
  );
});

test('drift words and a refused plan in the headline', () => {
  const s = { account: 'x', accountId: '1', plan: plan('1', [], ['maxDeletes']), error: null };
  expect(headline(s, 'drift')).toBe('no drift; REFUSED: 1 error');
});

test('JSON: the combined hash and each section with its plan or its error', () => {
  const json = JSON.parse(renderAccountsJson(multi)) as {
    hash: string;
    sections: Array<{
      account: string;
      error: string | null;
      plan: { hash: string; changes: unknown[] } | null;
    }>;
  };
  expect(json.hash).toBe('f'.repeat(64));
  expect(json.sections.map((s) => [s.account, s.plan?.changes.length ?? null, s.error !== null])).toEqual([
    ['prod', 0, false],
    ['dev', 2, false],
    ['sandbox', null, true],
  ]);
  expect(json.sections[1]!.plan!.hash).toBe(multi.sections[1]!.plan!.hash);
});
