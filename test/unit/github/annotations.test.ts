import { collectProblems, problemsMarkdown, selectAnnotations } from '../../../src/github/annotations.js';
import { failsLint, offlineReason } from '../../../src/github/flow-plan.js';
import type { Settings } from '../../../src/inputs.js';
import type { Diagnostic } from '../../../src/model/diagnostic.js';
import type { Finding } from '../../../src/model/finding.js';
import type { Plan } from '../../../src/model/plan.js';

const diag = (line: number, severity: Diagnostic['severity'] = 'error'): Diagnostic => ({
  file: 'users/team.csv',
  line,
  col: 3,
  severity,
  message: `bad row ${line}`,
});
const finding = (line: number, severity: Finding['severity']): Finding => ({
  rule: 'wildcard-action',
  severity,
  file: 'policies/p.json',
  line,
  actions: ['s3:*'],
  message: 'wide',
  fix: 'narrow it',
});

test('problems are ordered by severity and carry the working-directory prefix', () => {
  const p = collectProblems(
    [diag(4, 'warning'), diag(2)],
    [finding(7, 'notice'), finding(5, 'error')],
    'infra/iam',
  );
  expect(p.map((x) => [x.severity, x.file, x.line])).toEqual([
    ['error', 'infra/iam/policies/p.json', 5],
    ['error', 'infra/iam/users/team.csv', 2],
    ['warning', 'infra/iam/users/team.csv', 4],
    ['notice', 'infra/iam/policies/p.json', 7],
  ]);
  expect(p[0]!.message).toBe('wide Fix: narrow it');
  expect(collectProblems([diag(1)], [])[0]!.file).toBe('users/team.csv');
});

test('at most ten annotations per severity; the summary lists every problem', () => {
  const problems = collectProblems(
    Array.from({ length: 14 }, (_, i) => diag(i + 1)),
    Array.from({ length: 12 }, (_, i) => finding(i + 1, 'warning')),
  );
  const chosen = selectAnnotations(problems);
  expect(chosen.filter((p) => p.severity === 'error')).toHaveLength(10);
  expect(chosen.filter((p) => p.severity === 'warning')).toHaveLength(10);
  const md = problemsMarkdown(problems);
  expect(md).toContain('### Problems (26)');
  expect(md).toContain('6 more are listed only here');
  expect(md).toContain('`users/team.csv:14`');
  expect(md).toContain('`policies/p.json:12`');
});

const settings = (over: Partial<Settings>): Settings =>
  ({
    planRoleToAssume: 'arn:aws:iam::123456789012:role/plan',
    oidcAvailable: true,
    repo: { owner: 'acme', repo: 'iam' },
    ...over,
  }) as Settings;
const pr = (full: string) => ({
  number: 1,
  head: { sha: 'a', repo: { full_name: full } },
  base: { sha: 'b' },
});

test('the plan is offline without a plan role, from a fork, or without an OIDC token', () => {
  expect(offlineReason(settings({}), pr('acme/iam'))).toBeNull();
  expect(offlineReason(settings({ planRoleToAssume: null }), pr('acme/iam'))).toMatch(
    /no `plan-role-to-assume`/,
  );
  expect(offlineReason(settings({}), pr('mallory/iam'))).toMatch(/fork mallory\/iam/);
  expect(offlineReason(settings({ oidcAvailable: false }), pr('acme/iam'))).toMatch(/id-token: write/);
});

test('lint.failOn decides which findings fail the check', () => {
  const plan = (sev: Finding['severity'][]) => ({ findings: sev.map((s) => finding(1, s)) }) as Plan;
  expect(failsLint(plan(['error']), 'error')).toBe(true);
  expect(failsLint(plan(['warning', 'notice']), 'error')).toBe(false);
  expect(failsLint(plan(['warning']), 'warning')).toBe(true);
  expect(failsLint(plan(['notice']), 'warning')).toBe(false);
  expect(failsLint(plan(['error']), 'never')).toBe(false);
});
