/**
 * Hostile repository text through the real pipeline (files → validation/lint → plan) into the PR
 * comment, the job summary and the problems list: no construct of it may survive as Markdown/HTML.
 */
import * as core from '@actions/core';
import { jest } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { annotate, collectProblems, problemsMarkdown } from '../../../src/github/annotations.js';
import { diagnosticsMarkdown } from '../../../src/github/status.js';
import { runPlan } from '../../../src/pipeline.js';
import { renderMarkdown } from '../../../src/plan/render-markdown.js';
import { renderSummary } from '../../../src/plan/render-summary.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-hostile-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  }
}

/** Tags our renderers write themselves; any other `<tag` is injected HTML. */
const FOREIGN_TAG = /<(?!\/?(details|summary|b|sub|br|code)[ >]|!--)/i;

/** What must not appear in a rendered report built from the hostile files below. */
function expectInert(md: string): void {
  // Inside a code span or a fence, `<img>` and the rest are shown as they are: nothing to check there.
  const outsideCode = md
    .replace(/^ *(`{3,})[^\n]*\n[\s\S]*?^ *\1$/gm, '')
    .replace(/(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)/g, '');
  expect(outsideCode).not.toMatch(FOREIGN_TAG);
  expect(outsideCode).not.toMatch(/\]\(https?:/); // a link or an image
  expect(outsideCode).not.toMatch(/\[[^\]]*\]\[/); // a reference link
  expect(outsideCode).not.toMatch(/(^|\W)@(octocat|acme\/admins)\b/); // a ping
  expect(outsideCode).not.toMatch(/^\s*(> )?(- )?#+ pwned/m); // a heading
  expect(md).not.toMatch(/^::/m);
  expect(md).not.toMatch(/[A-Za-z0-9._%+'-]{2,}@example\.com/); // an unmasked address
}

const CONFIG = 'groups:\n  devs:\n    policies: [ReadOnlyAccess]\n';

test('hostile CSV cells and a hostile file name: the validation report and the problems list stay inert', async () => {
  write({
    'iam-gitops.yml': CONFIG,
    'users/team.csv': [
      'username,email,<img src=x onerror=alert(1)>,[x](https://evil.example)',
      '"bob\n# pwned",bob@example.com,,',
      'carol,"carol@example.com\n::add-mask::sekrit @octocat",,',
      'dave,dave@example.com,,',
    ].join('\n'),
    'policies/p.json':
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get<img src=x>","Resource":"*"}]}',
    'users/`x`<img src=y>|@acme\\admins.csv':
      'username,email\n"@acme/admins ![i](http://evil.example/i.png)",e@example.com\n',
  });
  const run = await runPlan({ dir, repo: 'acme/iam', offline: true });
  expect(run.ok).toBe(false);
  const problems = collectProblems(run.diagnostics, []);
  const comment = diagnosticsMarkdown(run.diagnostics);
  const summary = problemsMarkdown(problems);
  // The hostile parts are there, as text.
  expect(comment).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(comment).toContain("'s3:Get&lt;img src=x&gt;' is not an action");
  expect(summary).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(comment).toContain('`users/`x`<img src=y>|@acme\\admins.csv');
  for (const md of [comment, summary]) expectInert(md);
  // Each problem is one table row: three unescaped pipes, no row broken by a cell.
  for (const row of summary.split('\n').filter((l) => l.startsWith('| error')))
    expect(row.match(/(?<!\\)(?:\\\\)*\|/g)).toHaveLength(4);
});

test('hostile policy strings, tags and roles: the plan comment and the job summary stay inert', async () => {
  const policy = {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'X',
        Effect: 'Allow',
        Action: ['iam:PassRole', 's3:GetObject', 'ec2:RunInstances'],
        Resource: ['arn:aws:s3:::b/````/<img src=x>/@octocat [l](https://evil.example)', '*'],
        Condition: { StringEquals: { 'aws:PrincipalTag/team': '</details><img src=x> @acme/admins' } },
      },
    ],
  };
  write({
    'iam-gitops.yml': CONFIG,
    'policies/p.json': JSON.stringify(policy, null, 2),
    'users/team.csv': [
      'username,email,groups,policies,console,tags,role',
      'carol,carol@example.com,devs,p,true,team=@octocat,@acme/admins lead',
    ].join('\n'),
  });
  const run = await runPlan({ dir, repo: 'acme/iam', offline: true });
  expect(run.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(run.ok).toBe(true);
  if (!run.ok) return;
  const input = { plan: run.plan, head: 'h', base: 'b', plannedAt: '2026-11-29T00:00:00Z' };
  const comment = renderMarkdown(input).body;
  const summary = renderSummary(input).markdown;
  const problems = problemsMarkdown(collectProblems([], run.plan.findings));
  // The finding quotes the condition value: as text, the ping broken.
  expect(comment).toContain('"&lt;/details&gt;&lt;img src=x&gt; @\u200bacme/admins"');
  for (const md of [comment, summary, problems]) expectInert(md);
  // The policy diff holds a run of four backticks: its fence is longer, so the run cannot close it.
  for (const md of [comment, summary]) {
    expect(md).toMatch(/^`````diff$/m);
    expect(md).toContain('/````/<img src=x>/@octocat');
  }
});

test('core.warning, core.notice and core.setFailed write hostile text as one command line each', () => {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  const exitCode = process.exitCode;
  try {
    const hostile = 'x\n::add-mask::sekrit\r\n::error::forged';
    core.warning(hostile);
    core.notice(hostile);
    core.setFailed(hostile);
  } finally {
    spy.mockRestore();
    process.exitCode = exitCode;
  }
  const lines = writes.join('').split('\n').filter(Boolean);
  expect(lines).toEqual([
    '::warning::x%0A::add-mask::sekrit%0D%0A::error::forged',
    '::notice::x%0A::add-mask::sekrit%0D%0A::error::forged',
    '::error::x%0A::add-mask::sekrit%0D%0A::error::forged',
  ]);
});

test('annotations carry hostile text only as escaped command data (no second command line)', () => {
  const writes: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    writes.push(String(chunk));
    return true;
  });
  try {
    annotate([
      {
        severity: 'error',
        file: 'users/a\n::add-mask::x.csv',
        line: 1,
        col: 1,
        title: 't\r\n::error::forged',
        message: "unknown column 'x'\n::add-mask::sekrit\n::error file=a::forged",
      },
    ]);
  } finally {
    spy.mockRestore();
  }
  const out = writes.join('');
  expect(out.split('\n').filter((l) => l.startsWith('::'))).toHaveLength(1);
  expect(out).toContain('file=users/a%0A%3A%3Aadd-mask%3A%3Ax.csv');
  expect(out).toContain('%0A::add-mask::sekrit%0A::error file=a::forged');
});
