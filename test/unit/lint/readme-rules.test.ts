/**
 * README's lint rule table against the rule registry (src/lint/rule-help.ts) and against what the
 * lint really emits, so the three cannot drift apart.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { lintDesired } from '../../../src/lint/index.js';
import { RISKY_MANAGED } from '../../../src/lint/rules/principal.js';
import { RULES } from '../../../src/lint/rule-help.js';
import type { Finding, Severity } from '../../../src/model/finding.js';
import { allow, deny, policy, state } from './helpers.js';

const SEVERITIES: Severity[] = ['error', 'warning', 'notice'];

/** rule id → the severities its README row names. */
function readmeTable(): Map<string, Set<Severity>> {
  const text = readFileSync(path.resolve('README.md'), 'utf8');
  const section = text.slice(text.indexOf('## Lint rules'), text.indexOf('## Development'));
  const out = new Map<string, Set<Severity>>();
  for (const line of section.split('\n')) {
    const cells = line.split(' | ');
    if (!line.startsWith('| `') || cells.length < 3) continue;
    const ids = [...cells[0]!.matchAll(/`([a-z-]+)`/g)].map((m) => m[1]!);
    const sevs = new Set(SEVERITIES.filter((s) => new RegExp(`\\b${s}\\b`).test(cells[1]!)));
    for (const id of ids) out.set(id, sevs);
  }
  return out;
}

test('the README table lists exactly the registry’s rules, each with the registry’s severities', () => {
  const table = readmeTable();
  expect([...table.keys()].sort()).toEqual(Object.keys(RULES).sort());
  for (const [id, info] of Object.entries(RULES)) {
    expect([id, [...table.get(id)!].sort()]).toEqual([id, [...info.severities].sort()]);
  }
});

test('the README names every risky AWS managed policy under the severity the rule gives it', () => {
  const text = readFileSync(path.resolve('README.md'), 'utf8');
  const row = text.split('\n').find((l) => l.startsWith('| `risky-managed-policy`'))!;
  const cell = row.split(' | ')[1]!;
  for (const [name, r] of Object.entries(RISKY_MANAGED)) {
    // "error (A, B), warning (C, D)": the name sits in the parenthesis after its severity.
    const group = new RegExp(`${r.severity} \\(([^)]*)\\)`).exec(cell)?.[1] ?? '';
    expect([name, group.split(', ').includes(name)]).toEqual([name, true]);
  }
});

/** A repository that makes most rules fire, plus the labelled corpus. */
function emitted(): Finding[] {
  const NOW = new Date('2026-11-23T12:00:00Z');
  const risky = Object.keys(RISKY_MANAGED);
  const rich = state({
    policies: [
      policy('admin', [allow('*')]),
      policy('wide', [
        allow('*'),
        allow('iam:*'),
        allow('s3:*', 'arn:aws:s3:::b'),
        allow(['iam:PassRole', 'ec2:RunInstances', 'ssm:SendCommand', 'kms:CreateGrant']),
        allow(['secretsmanager:GetSecretValue', 's3:GetObject', 'sqs:DeleteQueue', 's3:PutBucketPolicy']),
        allow(['s3:ListBucket'], 'arn:aws:s3:::b/key'),
        allow('s3:GetObjekt'),
        allow('nosuch:Get'),
        allow('s3:GetObject', 'arn:aws:s3:::b/*', {
          Condition: { StringEquals: { 'ec2:InstanceType': 't3' } },
        }),
        { Effect: 'Allow', NotAction: 'iam:*', Resource: '*' },
        { Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::x/*' },
        deny('iam:DeleteUser'),
      ]),
    ],
    users: risky.map((n, i) => ({ name: `u${i}`, policies: [n] })),
    groups: { ops: ['AmazonSSMFullAccess'] },
  });
  const out = lintDesired(rich, { now: NOW }).findings;
  const dir = path.resolve('test/fixtures/lint/labelled');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const c = JSON.parse(readFileSync(path.join(dir, f), 'utf8')) as {
      policies: Record<string, unknown>;
      users?: Record<string, string[]>;
    };
    const users = c.users ?? { user: Object.keys(c.policies) };
    const s = state({
      policies: Object.entries(c.policies).map(([n, d]) => policy(n, d)),
      users: Object.entries(users).map(([name, policies]) => ({ name, policies })),
    });
    out.push(...lintDesired(s, { now: NOW }).findings);
  }
  return out;
}

test('every finding the lint emits has a registered rule and one of its registered severities', () => {
  const fs = emitted();
  const bad = fs
    .filter((f) => !RULES[f.rule]?.severities.includes(f.severity))
    .map((f) => [f.rule, f.severity]);
  expect(bad).toEqual([]);
  // The sample exercises most of the files' rules, so the check above is not vacuous.
  const seen = new Set(fs.map((f) => f.rule));
  const lintRules = Object.entries(RULES)
    .filter(([, r]) => r.source === 'lint')
    .map(([id]) => id);
  expect(lintRules.filter((id) => !seen.has(id))).toEqual([]);
});

test('risky-managed-policy severity per policy is what README says: PowerUserAccess is a warning', () => {
  const fs = lintDesired(state({ users: [{ name: 'p', policies: ['PowerUserAccess'] }] })).findings;
  expect(fs.filter((f) => f.rule === 'risky-managed-policy').map((f) => f.severity)).toEqual(['warning']);
});
