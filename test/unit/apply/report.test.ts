import { applyMarkdown } from '../../../src/github/apply-report.js';
import { buildReport, formatApplyReport, formatOperations } from '../../../src/apply/report.js';
import type { Operation } from '../../../src/model/plan.js';
import type { OperationResult } from '../../../src/apply/report.js';

const op = (id: string, type: Operation['type'], name: string, details: object = {}): Operation => ({
  id,
  action: 'create',
  type,
  name,
  details: details as Record<string, unknown>,
  dependsOn: [],
});

const changes: Operation[] = [
  op('group:devs', 'group', 'devs'),
  op('group:ops', 'group', 'ops'),
  op('user:alice', 'user', 'alice'),
  op('user:bob', 'user', 'bob'),
  op('membership:bob:ops', 'membership', 'bob → ops'),
  op('email:alice', 'email', 'alice', { user: 'alice' }),
  op('email:bob', 'email', 'bob', { user: 'bob' }),
  ...Array.from({ length: 17 }, (_, i) => op(`alarm:a${i}`, 'alarm', `alarm-${i}`)),
];
const result = (o: Operation, status: OperationResult['status'], extra: Partial<OperationResult> = {}) => ({
  id: o.id,
  type: o.type,
  action: o.action,
  name: o.name,
  status,
  ...extra,
});
const results: OperationResult[] = changes.map((o) =>
  o.id === 'group:ops'
    ? result(o, 'failed', { error: 'LimitExceeded: too many groups' })
    : o.id === 'membership:bob:ops' || o.id === 'email:bob'
      ? result(o, 'skipped', { skippedBecause: 'group:ops' })
      : o.id === 'alarm:a3'
        ? result(o, 'already-done')
        : result(o, 'done'),
);
const report = buildReport(changes, results);

test('the closing report sums up: counts, users, mail, and only what failed or was skipped', () => {
  const text = formatApplyReport(report);
  expect(text).toBe(
    [
      '20 applied, 1 already done, 1 failed, 2 skipped.',
      'Created users: alice, bob',
      'Welcome mail for alice: sent',
      'Welcome mail for bob: not-sent',
      '',
      'Failed (1):',
      '  ✗ create group ops: LimitExceeded: too many groups',
      '',
      'Skipped (2):',
      '  - create membership bob → ops (skipped: group:ops failed)',
      '  - create email bob (skipped: group:ops failed)',
      '',
    ].join('\n'),
  );
  // The progress lines already named every operation that went through.
  expect(text).not.toContain('alarm-');
  expect(text).not.toContain('create group devs');
});

test('a clean apply reports no failed or skipped section', () => {
  const ok = buildReport(
    changes,
    changes.map((o) => result(o, 'done')),
  );
  const text = formatApplyReport(ok);
  expect(text.split('\n')).toHaveLength(5);
  expect(text).not.toMatch(/Failed|Skipped/);
});

test('the GitHub report keeps the full operation list, folded', () => {
  expect(formatOperations(report).trimEnd().split('\n')).toHaveLength(changes.length);
  const md = applyMarkdown(report);
  expect(md).toContain('<details><summary>Operations</summary>');
  expect(md).toContain('✓ create alarm alarm-16');
  expect(md).toContain('= create alarm alarm-3 (already done)');
  expect(md).toContain('✗ create group ops: LimitExceeded: too many groups');
});
