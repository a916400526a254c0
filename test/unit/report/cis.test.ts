/** The CIS identity checks at their thresholds, and their fallbacks when the report lacks a row. */
import type { CredentialRow } from '../../../src/aws/credential-report.js';
import { cisChecks } from '../../../src/report/cis.js';

const NOW = new Date('2026-06-01T00:00:00Z');
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);
const row = (user: string, over: Partial<CredentialRow> = {}): CredentialRow => ({
  user,
  arn: '',
  created: daysAgo(400),
  passwordEnabled: false,
  passwordLastUsed: null,
  passwordLastChanged: null,
  mfaActive: false,
  keys: [],
  certsActive: 0,
  ...over,
});
const key = (slot: number, rotated: number, used: number | null) => ({
  slot,
  active: true,
  lastRotated: daysAgo(rotated),
  lastUsed: used === null ? null : daysAgo(used),
  lastUsedService: null,
});
const failing = (credentials: CredentialRow[], summary: Record<string, number> = {}) =>
  Object.fromEntries(
    cisChecks({
      now: NOW,
      credentials,
      summary,
      passwordPolicy: { MinimumPasswordLength: 14, PasswordReusePrevention: 24 },
    }).map((c) => [c.id, c.failures.map((f) => f.subject)]),
  );

test('without a <root_account> row the account summary decides root MFA and root keys', () => {
  expect(failing([], { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0 })).toMatchObject({
    '1.4': [],
    '1.5': [],
  });
  expect(failing([], { AccountMFAEnabled: 0, AccountAccessKeysPresent: 1 })).toMatchObject({
    '1.4': ['<root_account>'],
    '1.5': ['<root_account>'],
  });
});

test('rotation fails after 90 days, unused credentials at 45; a never-used key counts from its creation', () => {
  const f = failing([
    row('<root_account>', { mfaActive: true }),
    row('fresh', { keys: [key(1, 90, 1)] }),
    row('old', { keys: [key(1, 91, 1)] }),
    row('idle', { keys: [key(1, 44, 45)] }),
    row('never', { keys: [key(1, 45, null)] }),
    row('new', { keys: [key(1, 44, null)] }),
  ]);
  expect(f['1.14']).toEqual(['old']);
  expect(f['1.12']).toEqual(['idle', 'never']);
  expect(f['1.13']).toEqual([]);
});

test('an inactive second key is no second active key; no password policy fails 1.8 and 1.9', () => {
  const two = row('two', { keys: [key(1, 1, 1), { ...key(2, 1, 1), active: false }] });
  const checks = cisChecks({ now: NOW, credentials: [two], summary: {}, passwordPolicy: null });
  const byId = Object.fromEntries(checks.map((c) => [c.id, c]));
  expect(byId['1.13']!.status).toBe('pass');
  expect(byId['1.8']!.failures[0]!.message).toBe('the account has no password policy');
  expect(byId['1.9']!.status).toBe('fail');
});
