/** Output formats: text (severity groups, data version), JSON (SPEC §4), SARIF 2.1.0. */
import { formatJson } from '../../../src/lint/format-json.js';
import { formatSarif } from '../../../src/lint/format-sarif.js';
import { formatText } from '../../../src/lint/format-text.js';
import { lintDesired, reachesFailOn } from '../../../src/lint/index.js';
import { allow, policy, state } from './helpers.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const result = lintDesired(
  state({
    policies: [
      policy('ops', [
        allow(['iam:PassRole', 'ec2:RunInstances']),
        allow('s3:GetObject'),
        allow('s3:ListBucket', 'arn:aws:s3:::b'),
        allow('s3:ListBucket', 'arn:aws:s3:::b'),
      ]),
    ],
    users: [{ name: 'ana', policies: ['ops'] }],
  }),
  { now: NOW },
);

test('JSON is the SPEC §4 object', () => {
  const o = JSON.parse(formatJson(result)) as {
    dataVersion: string;
    findings: Array<Record<string, unknown>>;
  };
  expect(Object.keys(o)).toEqual(['dataVersion', 'findings']);
  expect(o.dataVersion).toBe(result.dataVersion);
  const f = o.findings.find((x) => x.rule === 'privilege-escalation')!;
  expect(f).toMatchObject({
    severity: 'error',
    file: 'policies/ops.json',
    policy: 'ops',
    actions: ['iam:PassRole', 'ec2:RunInstances'],
  });
  expect(typeof f.line).toBe('number');
  expect(typeof f.message).toBe('string');
  expect(typeof f.fix).toBe('string');
});

test('text starts with the data version and groups by severity', () => {
  const t = formatText(result);
  expect(t.split('\n')[0]).toContain(result.dataVersion);
  const e = t.indexOf('Errors (');
  const w = t.indexOf('Warnings (');
  const n = t.indexOf('Notices (');
  expect(e).toBeGreaterThan(0);
  expect(w).toBeGreaterThan(e);
  expect(n).toBeGreaterThan(w);
  expect(t).toMatch(/policies\/ops\.json:\d+: privilege-escalation \(policy ops\)/);
  expect(t).toContain('fix:');
});

test('SARIF 2.1.0: rules with help, results with region and levels', () => {
  const s = JSON.parse(formatSarif(result));
  expect(s.version).toBe('2.1.0');
  const run = s.runs[0];
  const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
  expect(ruleIds).toEqual([...new Set(result.findings.map((f) => f.rule))].sort());
  expect(run.tool.driver.rules.every((r: { help: { text: string } }) => r.help.text.length > 10)).toBe(true);
  expect(run.results).toHaveLength(result.findings.length);
  const levels = new Set(run.results.map((r: { level: string }) => r.level));
  expect(levels).toEqual(new Set(['error', 'warning', 'note']));
  const first = run.results[0];
  expect(first.locations[0].physicalLocation.artifactLocation.uri).toBe(result.findings[0]!.file);
  expect(first.locations[0].physicalLocation.region.startLine).toBe(result.findings[0]!.line);
  expect(ruleIds[first.ruleIndex]).toBe(first.ruleId);
});

test('reachesFailOn: error, warning, never', () => {
  const warn = result.findings.filter((f) => f.severity === 'warning');
  expect(reachesFailOn(result.findings, 'error')).toBe(true);
  expect(reachesFailOn(warn, 'error')).toBe(false);
  expect(reachesFailOn(warn, 'warning')).toBe(true);
  expect(reachesFailOn(result.findings, 'never')).toBe(false);
});

test('text lists ignored findings with their reason; JSON keeps the SPEC keys only', () => {
  const r = lintDesired(
    state({
      policies: [policy('p', [allow('iam:*')])],
      ignore: [{ rule: 'service-admin', reason: 'break-glass' }],
    }),
    { now: NOW },
  );
  expect(formatText(r)).toMatch(
    /Ignored by lint\.ignore \(1\):\n {2}policies\/p\.json:\d+: service-admin — break-glass/,
  );
  expect(Object.keys(JSON.parse(formatJson(r)))).toEqual(['dataVersion', 'findings']);
});
