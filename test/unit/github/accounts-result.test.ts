/**
 * The apply result of many accounts: a headline, a row per account, then each account's report
 * under its own heading; the retry advice matches the job (one account, or all).
 */
import {
  accountLabel,
  accountsResultText,
  type AccountResult,
} from '../../../src/github/flow-apply-accounts.js';
import { refusalText } from '../../../src/github/flow-apply.js';

const results: AccountResult[] = [
  {
    account: 'prod',
    accountId: '111111111111',
    result: 'applied',
    text: '### ✅ iam-gitops: applied\n\nApproved by bob.',
  },
  {
    account: 'staging',
    accountId: '222222222222',
    result: 'refused',
    text: refusalText('the plan now holds 1 operation the reviewers never approved'),
  },
];

test('all accounts in one job: a row per account, each report under its account, the retry advice for the apply', () => {
  const md = accountsResultText(results, null);
  expect(md.split('\n')[0]).toBe('### ❌ iam-gitops: 2 accounts — 1 did not apply');
  expect(md).toContain('| `prod` | `111111111111` | ✅ applied |');
  expect(md).toContain('| `staging` | `222222222222` | 🛑 refused |');
  expect(md).toContain(
    '#### `staging` <sub>(account 222222222222)</sub>\n\n**🛑 iam-gitops: apply refused**',
  );
  // Only the job's headline is a level-3 heading: each account's own heading became bold text.
  expect(md.match(/^### /gm)).toHaveLength(1);
  expect(md).toMatch(/Re-run the apply once the cause is fixed: each account continues its approved section/);
});

test('a matrix job of one account: its headline and the advice to re-run this job', () => {
  const md = accountsResultText([results[0]!], 'prod');
  expect(md.split('\n')[0]).toBe('### ✅ iam-gitops: account `prod` applied');
  expect(md).not.toMatch(/Re-run/);
  const failed = accountsResultText([results[1]!], 'staging');
  expect(failed).toMatch(/Re-run this job once the cause is fixed: it plans and applies this account only/);
});

test('each account has its own issue label', () => {
  expect(accountLabel('prod')).toBe('iam-gitops:apply:prod');
});

test('a long account name still gets a label GitHub accepts (50 characters at most), one per account', () => {
  const a = `${'a'.repeat(40)}-prod`;
  const b = `${'a'.repeat(40)}-test`;
  expect(accountLabel('x'.repeat(33))).toBe(`iam-gitops:apply:${'x'.repeat(33)}`);
  for (const name of [a, b, 'z'.repeat(64)]) {
    expect(accountLabel(name).length).toBeLessThanOrEqual(50);
    expect(accountLabel(name).startsWith('iam-gitops:apply:')).toBe(true);
  }
  expect(accountLabel(a)).not.toBe(accountLabel(b));
  // A shortened label is never the label of another (valid) account name.
  expect(accountLabel(a).slice('iam-gitops:apply:'.length)).not.toMatch(/^[A-Za-z0-9][A-Za-z0-9._-]*$/);
});
