/**
 * Every shipped pattern against every CloudTrail record in test/fixtures/cloudtrail: it fires on
 * exactly the records the table names, and on no other.
 */
import { readFileSync, readdirSync } from 'node:fs';
import {
  ALL_FILTERS,
  CIS_FILTERS,
  CUSTOM_FILTERS,
  selectFilters,
} from '../../../src/targets/monitoring/filters.js';
import { compileFilterPattern } from '../../../src/targets/monitoring/filter-pattern.js';
import { selfTestPattern, selfTestPatterns } from '../../../src/targets/monitoring/self-test.js';
import { SAMPLE_EVENTS } from '../../../src/targets/monitoring/sample-events.js';

const dir = new URL('../../fixtures/cloudtrail/', import.meta.url);
const expected = JSON.parse(readFileSync(new URL('expected-patterns.json', dir), 'utf8')) as {
  patterns: Record<string, string>;
};

/** Which items each recorded event must fire. Everything not listed must stay silent. */
const FIRES: Record<string, string[]> = {
  'console-login-success-no-mfa.json': ['4.2'],
  'console-login-success-mfa.json': [],
  'console-login-failure-wrong-password.json': ['4.6', 'console-login-failures'],
  'console-login-failure-no-such-user.json': ['console-login-failures'],
  'console-login-federated-sso.json': [],
  'console-login-root.json': ['4.3'],
  'root-call-invoked-by-service.json': [],
  'root-call-direct.json': ['4.3'],
  'sts-service-event-root.json': [],
  's3-create-bucket.json': ['s3-bucket-changes'],
  's3-delete-bucket.json': ['s3-bucket-changes'],
  's3-put-bucket-tagging.json': [],
  's3-put-bucket-policy.json': ['4.8'],
  's3-access-denied.json': ['4.1'],
  'iam-access-denied-exception.json': ['4.1'],
  'ec2-unauthorized-operation.json': ['4.1'],
  'kms-disable-key.json': ['4.7'],
  'kms-schedule-key-deletion.json': ['4.7'],
  'payment-cryptography-disable-key.json': [],
  'iam-put-user-policy.json': ['4.4'],
  'iam-attach-user-policy.json': ['4.4'],
  'iam-create-user.json': [],
  'cloudtrail-stop-logging.json': ['4.5'],
  'config-stop-configuration-recorder.json': ['4.9'],
  'ec2-authorize-security-group-ingress.json': ['4.10'],
  'ec2-describe-security-groups.json': [],
  'ec2-create-network-acl-entry.json': ['4.11'],
  'ec2-create-internet-gateway.json': ['4.12'],
  'ec2-replace-route.json': ['4.13'],
  'ec2-create-vpc-peering-connection.json': ['4.14'],
  'organizations-leave-organization.json': ['4.15'],
  // 4.4 keys on event names only, so Organizations' DeletePolicy fires it too (cis-monitoring §2).
  'organizations-delete-policy.json': ['4.4', '4.15'],
  'organizations-list-accounts.json': [],
  // The custom filter does not pin eventSource (cis-monitoring §4): Lightsail's CreateBucket fires it.
  'lightsail-create-bucket.json': ['s3-bucket-changes'],
};

const fixtures = readdirSync(dir)
  .filter((f) => f.endsWith('.json') && f !== 'expected-patterns.json')
  .sort();

test('every fixture has a row in the table and every row a fixture', () => {
  expect(fixtures).toEqual(Object.keys(FIRES).sort());
});

test('every shipped item is exercised by at least one fixture', () => {
  const fired = new Set(Object.values(FIRES).flat());
  for (const f of ALL_FILTERS) expect([f.item, fired.has(f.item)]).toEqual([f.item, true]);
});

describe.each(ALL_FILTERS.map((f) => [f.name, f] as const))('%s', (_name, filter) => {
  const matches = compileFilterPattern(filter.pattern);
  test.each(fixtures)('on %s', (file) => {
    const raw = readFileSync(new URL(file, dir), 'utf8');
    expect(matches(raw)).toBe(FIRES[file]!.includes(filter.item));
  });
});

test('the shipped strings are the specification strings, byte for byte', () => {
  const shipped = Object.fromEntries(ALL_FILTERS.map((f) => [f.item, f.pattern]));
  expect(shipped).toEqual(expected.patterns);
  expect(CIS_FILTERS.map((f) => f.item)).toEqual(Array.from({ length: 15 }, (_, i) => `4.${i + 1}`));
  expect(CUSTOM_FILTERS.map((f) => f.set)).toEqual(['custom', 'custom']);
  expect(Math.max(...ALL_FILTERS.map((f) => f.pattern.length))).toBeLessThanOrEqual(1024);
});

test('names are unique and carry the CIS number', () => {
  const names = ALL_FILTERS.map((f) => f.name);
  expect(new Set(names).size).toBe(17);
  expect(CIS_FILTERS[0]!.name).toBe('iam-gitops-cis-4.1-unauthorized-api-calls');
  for (const f of CIS_FILTERS) expect(f.name.startsWith(`iam-gitops-cis-${f.item}-`)).toBe(true);
});

test('selectFilters picks the configured sets', () => {
  expect(selectFilters(['cis']).map((f) => f.set)).toEqual(Array(15).fill('cis'));
  expect(selectFilters(['s3-bucket-changes']).map((f) => f.item)).toEqual(['s3-bucket-changes']);
  expect(selectFilters(['cis', 'console-login-failures'])).toHaveLength(16);
  expect(selectFilters([])).toEqual([]);
});

describe('the built-in self-test', () => {
  test('passes for every shipped pattern', () => {
    const run = selfTestPatterns(ALL_FILTERS);
    expect(run.results.filter((r) => !r.ok)).toEqual([]);
    expect(run.ok).toBe(true);
  });

  test('its samples agree with the fixture table for the same situations', () => {
    // Both sets describe the same behaviour: each built-in sample fires exactly its listed items.
    for (const s of SAMPLE_EVENTS) {
      const fired = ALL_FILTERS.filter((f) => compileFilterPattern(f.pattern)(s.record)).map((f) => f.item);
      expect([s.id, fired.sort()]).toEqual([s.id, [...s.fires].sort()]);
    }
  });

  test('catches a pattern that lost a term (root usage without the invokedBy exclusion)', () => {
    const r = selfTestPattern('4.3', '{$.userIdentity.type="Root" && $.eventType !="AwsServiceEvent"}');
    expect(r.ok).toBe(false);
    expect(r.problems).toEqual(['fires on root-call-invoked-by-service, which it must not']);
  });

  test('catches the 4.1 variant joined with OR that fires on almost everything', () => {
    const r = selfTestPattern(
      '4.1',
      '{($.errorCode="*UnauthorizedOperation") || ($.errorCode="AccessDenied*") || ($.sourceIPAddress!="delivery.logs.amazonaws.com") || ($.eventName!="HeadBucket")}',
    );
    expect(r.ok).toBe(false);
    expect(r.problems.length).toBeGreaterThan(10);
  });

  test('catches a pattern that does not fire and one that does not parse', () => {
    const silent = selfTestPattern('4.7', '{($.eventSource=kms.amazonaws.com) && ($.eventName=DeleteAlias)}');
    expect(silent.problems).toEqual([
      'does not fire on kms-disable-key',
      'does not fire on kms-schedule-deletion',
    ]);
    const broken = selfTestPattern('4.5', '{($.eventName=CreateTrail) || }');
    expect(broken.ok).toBe(false);
    expect(broken.problems[0]).toMatch(/^does not parse: expected a selector/);
  });

  test('refuses an item no sample exercises', () => {
    expect(selfTestPattern('9.9', '{ $.eventName = Nothing }').problems).toContain(
      'no sample record exercises it',
    );
  });
});
