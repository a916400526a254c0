/**
 * The workflow hardening rules, asserted on the shipped files themselves (zizmor and actionlint
 * run in CI too; these pin the project's own rules, which go beyond their defaults).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const DIR = fileURLToPath(new URL('../../../.github/workflows/', import.meta.url));

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = {
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  steps: Step[];
};
type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean; queue?: string };
  jobs: Record<string, Job>;
};

const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
const text = (f: string) => readFileSync(DIR + f, 'utf8');
const load = (f: string) => parse(text(f)) as Workflow;

test('the project ships its CI and the three workflows users copy', () => {
  expect(files.sort()).toEqual(['ci.yml', 'iam-apply.yml', 'iam-drift.yml', 'iam-plan.yml']);
});

describe.each(files)('%s', (file) => {
  const wf = load(file);

  test('grants nothing at the top and only read/comment/OIDC scopes per job (issues only for drift)', () => {
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toBeDefined();
      for (const [scope, level] of Object.entries(job.permissions!)) {
        expect([
          ['contents', 'read'],
          ['pull-requests', 'write'],
          ['id-token', 'write'],
          // The scheduled check keeps its drift and report issues; no other workflow writes issues.
          ...(file === 'iam-drift.yml' ? [['issues', 'write']] : []),
        ]).toContainEqual([scope, level]);
      }
    }
  });

  test('never runs on pull_request_target', () => {
    expect(Object.keys(wf.on)).not.toContain('pull_request_target');
  });

  test('pins every action by a 40-hex commit with a version comment, and checks out without credentials', () => {
    const uses = text(file)
      .split('\n')
      .filter((l) => /^\s*-?\s*uses:/.test(l));
    expect(uses.length).toBeGreaterThan(0);
    for (const line of uses) expect(line).toMatch(/uses: [\w.-]+\/[\w.-]+@[0-9a-f]{40} # v\d+(\.\d+\.\d+)?$/);
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps.filter((s) => s.uses?.startsWith('actions/checkout@'))) {
        expect(step.with?.['persist-credentials']).toBe(false);
      }
    }
  });

  test('puts no event data into a shell script', () => {
    for (const job of Object.values(wf.jobs)) {
      for (const step of job.steps) expect(step.run ?? '').not.toMatch(/\$\{\{\s*github\.event/);
    }
  });
});

test('only same-repository pull requests get an OIDC token for the plan; forks plan offline', () => {
  const wf = load('iam-plan.yml');
  expect(Object.keys(wf.on)).toEqual(['pull_request']);
  expect((wf.on.pull_request as { paths: string[] }).paths).toEqual([
    'users/**',
    'policies/**',
    'iam-gitops.yml',
  ]);
  expect(wf.jobs.plan!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  expect(wf.jobs.plan!.permissions!['id-token']).toBe('write');
  expect(wf.jobs['plan-offline']!.if).toContain(
    'github.event.pull_request.head.repo.full_name != github.repository',
  );
  expect(wf.jobs['plan-offline']!.permissions).toEqual({ contents: 'read' });
  const action = wf.jobs['plan-offline']!.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(action.with).not.toHaveProperty('plan-role-to-assume');
});

test('apply runs on the default branch in the protected environment, one at a time, never cancelled', () => {
  const wf = load('iam-apply.yml');
  expect(Object.keys(wf.on)).toEqual(['push']);
  expect(wf.concurrency).toEqual({ group: 'iam-apply', 'cancel-in-progress': false, queue: 'max' });
  expect(wf.jobs.apply!.environment).toBe('iam-apply');
  expect(wf.jobs.apply!.permissions).toEqual({
    contents: 'read',
    'pull-requests': 'write',
    'id-token': 'write',
  });
  const action = wf.jobs.apply!.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(action.with).toMatchObject({
    mode: 'apply',
    'role-to-assume': '${{ vars.IAM_GITOPS_APPLY_ROLE_ARN }}',
  });
});

test('drift runs on a schedule and on demand with the read-only role only', () => {
  const wf = load('iam-drift.yml');
  expect(Object.keys(wf.on).sort()).toEqual(['schedule', 'workflow_dispatch']);
  const action = wf.jobs.drift!.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(action.with).toMatchObject({ mode: 'drift' });
  expect(action.with).not.toHaveProperty('role-to-assume');
  // issues: write keeps the drift and report issues; nothing else beyond reading the repository.
  expect(wf.jobs.drift!.permissions).toEqual({ contents: 'read', 'id-token': 'write', issues: 'write' });
  expect(wf.permissions).toEqual({});
});

test('CI runs every step of .ci/run and the workflow linters', () => {
  const runs = load('ci.yml')
    .jobs.ci!.steps.map((s) => s.run ?? '')
    .join('\n');
  for (const cmd of [
    'npm ci',
    'setup:emulator',
    'format:check',
    'npm run --silent lint',
    'typecheck',
    'npm test',
    'check-dist',
    'lint:workflows',
  ]) {
    expect(runs).toContain(cmd);
  }
});
