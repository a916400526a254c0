/** The report's renderers: names come from the account, so CSV and markdown must not obey them. */
import type { Report, ReportUser } from '../../../src/report/model.js';
import { renderCsv, renderMarkdownReport } from '../../../src/report/render.js';

function userNamed(name: string, over: Partial<ReportUser> = {}): ReportUser {
  return {
    name,
    path: '/',
    inFiles: false,
    tagged: false,
    groups: [],
    policies: [],
    groupPolicies: {},
    verdict: {
      admin: false,
      escalation: [],
      writeServices: [],
      unknownPolicies: [],
      summary: 'no permissions',
    },
    console: false,
    mfa: false,
    passwordLastUsed: null,
    keys: [],
    ...over,
  };
}

const report = (users: ReportUser[]): Report => ({
  accountId: '123456789012',
  generatedAt: '2026-06-01T00:00:00.000Z',
  credentialReport: { generatedAt: null, ageHours: null, askedDirectly: [] },
  users,
  checks: [],
  errors: [],
});

test('CSV: a user or group name that a spreadsheet would run as a formula is written as text', () => {
  // IAM names may start with = + - @; `=HYPERLINK(...)`-style cells run when the CSV is opened.
  const csv = renderCsv(
    report([userNamed('=1+2', { groups: ['@SUM(A1)'], policies: ['-x', '+y'] }), userNamed('plain')]),
  );
  const [, evil, plain] = csv.trim().split('\n');
  expect(evil!.startsWith("'=1+2,")).toBe(true);
  expect(evil).toContain(",'@SUM(A1),'-x;+y,");
  expect(plain!.startsWith('plain,')).toBe(true);
});

test('CSV: a verdict with a comma stays one cell', () => {
  const u = userNamed('a', {
    verdict: {
      admin: false,
      escalation: [],
      writeServices: ['ec2', 's3'],
      unknownPolicies: [],
      summary: 'write: ec2, s3',
    },
  });
  expect(renderCsv(report([u])).split('\n')[1]).toContain(',"write: ec2, s3",');
});

test('markdown: a table cell cannot be split or turned into HTML by a name', () => {
  const md = renderMarkdownReport(report([userNamed('a', { groups: ['x|<img src=y>'] })]));
  expect(md).toContain('x\\|&lt;img src=y&gt;');
  expect(md).not.toContain('<img');
});
