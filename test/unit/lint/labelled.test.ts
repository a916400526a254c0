/** The labelled cases (test/fixtures/lint/labelled): every positive is an error, no negative is. */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lintDesired } from '../../../src/lint/index.js';
import { policy, state } from './helpers.js';

interface LabelledCase {
  id: string;
  escalates: boolean;
  policies: Record<string, unknown>;
  users?: Record<string, string[]>;
}

const dir = path.resolve('test/fixtures/lint/labelled');
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as LabelledCase);
const BLOCKING = new Set(['privilege-escalation', 'admin-access', 'service-admin', 'risky-managed-policy']);

test('the corpus has positives and negatives', () => {
  expect(cases.filter((c) => c.escalates).length).toBeGreaterThan(40);
  expect(cases.filter((c) => !c.escalates).length).toBeGreaterThan(10);
});

test.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
  const users = c.users ?? { user: Object.keys(c.policies) };
  const s = state({
    policies: Object.entries(c.policies).map(([n, d]) => policy(n, d)),
    users: Object.entries(users).map(([name, policies]) => ({ name, policies })),
  });
  const errors = lintDesired(s, { now: new Date('2026-11-23T00:00:00Z') }).findings.filter(
    (f) => f.severity === 'error' && BLOCKING.has(f.rule),
  );
  expect(errors.length > 0).toBe(c.escalates);
});
