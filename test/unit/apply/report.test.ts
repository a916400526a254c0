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

test('a deferred mail is neither a failure nor sent: counted, named with its reason, and the apply is ok', () => {
  const two = [op('user:carol', 'user', 'carol'), op('email:carol', 'email', 'carol', { user: 'carol' })];
  const note =
    'the SES daily sending quota (200 mails in 24 hours, 200 already sent) is used up; the next apply sends it';
  const report = buildReport(two, [result(two[0]!, 'done'), result(two[1]!, 'deferred', { note })]);
  report.calls = {
    total: 5,
    byApi: { 'iam:CreateUser': 1, 'ses:GetSendQuota': 1 },
    byType: { user: 1, email: 4 },
  };
  expect(report.ok).toBe(true);
  expect(report.mail).toEqual([{ user: 'carol', status: 'deferred', note }]);
  const text = formatApplyReport(report);
  expect(text).toContain('1 applied, 0 already done, 0 failed, 0 skipped, 1 deferred.');
  expect(text).toContain(`Welcome mail for carol: deferred (${note})`);
  expect(text).toContain('AWS calls: 5 (5.0 per created user)');
  expect(text).toContain('by operation type: user 1, email 4');
  expect(formatOperations(report)).toContain(`… create email carol (${note})`);
  const md = applyMarkdown(report);
  expect(md).toContain(`| \`carol\` | deferred (${note}) |`);
  expect(md).toContain('AWS calls: 5 (5.0 per created user)');
});
