/**
 * The workflow hardening rules, asserted on the shipped files themselves (zizmor and actionlint
 * run in CI too; these pin the project's own rules, which go beyond their defaults).
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const DIR = fileURLToPath(new URL('../../../.github/workflows/', import.meta.url));

type Step = { uses?: string; run?: string; with?: Record<string, unknown> };
type Job = {
  if?: string;
  permissions?: Record<string, string>;
  environment?: string;
  needs?: string;
  outputs?: Record<string, string>;
  strategy?: { 'fail-fast'?: boolean; 'max-parallel'?: number; matrix?: Record<string, unknown> };
  steps: Step[];
};
type Workflow = {
  on: Record<string, unknown>;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean | string; queue?: string };
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

  test('grants nothing at the top and only read/comment/OIDC scopes per job (issues only for drift and apply)', () => {
    expect(wf.permissions).toEqual({});
    for (const job of Object.values(wf.jobs)) {
      expect(job.permissions).toBeDefined();
      for (const [scope, level] of Object.entries(job.permissions!)) {
        expect([
          ['contents', 'read'],
          ['pull-requests', 'write'],
          ['id-token', 'write'],
          // The scheduled check keeps its drift and report issues, the apply its failure issue; no
          // other workflow writes issues.
          ...(file === 'iam-drift.yml' || file === 'iam-apply.yml' ? [['issues', 'write']] : []),
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
  expect(wf.jobs.plan!.if).toContain('github.event.pull_request.head.repo.full_name == github.repository');
  expect(wf.jobs.plan!.permissions!['id-token']).toBe('write');
  expect(wf.jobs['plan-offline']!.if).toContain(
    'github.event.pull_request.head.repo.full_name != github.repository',
  );
  expect(wf.jobs['plan-offline']!.permissions).toEqual({ contents: 'read' });
  const action = wf.jobs['plan-offline']!.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(action.with).not.toHaveProperty('plan-role-to-assume');
});

describe('iam-plan reports on every pull request and merge group, so it can be a required check', () => {
  const wf = load('iam-plan.yml');
  type Needy = Job & { needs?: string | string[]; name?: string; outputs?: Record<string, string> };
  const jobs = wf.jobs as Record<string, Needy>;
  const needs = (j: Needy) => (typeof j.needs === 'string' ? [j.needs] : (j.needs ?? []));

  test('no paths filter: a pull request touching no IAM file still triggers it, and so does the merge queue', () => {
    expect(Object.keys(wf.on).sort()).toEqual(['merge_group', 'pull_request']);
    expect(wf.on.pull_request).toBeNull();
  });

  test('the changed-files job reads the clone only: contents read, two commits, the action in check-changes mode', () => {
    const changes = jobs.changes!;
    expect(changes.permissions).toEqual({ contents: 'read' });
    expect(changes.if).toContain("github.event_name == 'pull_request'");
    const checkout = changes.steps.find((s) => s.uses?.startsWith('actions/checkout@'))!;
    expect(checkout.with).toMatchObject({ 'persist-credentials': false, 'fetch-depth': 2 });
    const action = changes.steps.find((s) => s.uses?.includes('/iam-gitops@'))! as Step & { id?: string };
    expect(action.with).toEqual({ mode: 'check-changes' });
    expect(changes.outputs!.iam).toBe(`\${{ steps.${action.id}.outputs.iam-changed }}`);
  });

  test('the plan jobs, and their AWS token, run only when the check says IAM files changed', () => {
    for (const name of ['plan', 'plan-offline']) {
      expect(needs(jobs[name]!)).toEqual(['changes']);
      expect(jobs[name]!.if).toMatch(/^needs\.changes\.outputs\.iam == 'true' && /);
    }
  });

  test('the merge queue plans the group offline: no role, no token, no comment scope', () => {
    const mq = jobs['plan-merge-queue']!;
    expect(mq.if).toContain("github.event_name == 'merge_group'");
    expect(mq.permissions).toEqual({ contents: 'read' });
    const action = mq.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
    expect(action.with).toEqual({ mode: 'plan' });
  });

  test('one always-reporting job, iam-plan, waits for every other job and holds no permission', () => {
    const result = Object.entries(jobs).filter(([, j]) => j.name === 'iam-plan');
    expect(result).toHaveLength(1);
    const [id, job] = result[0]!;
    expect(job.if).toMatch(/^always\(\) && /);
    expect(job.permissions).toEqual({});
    // A plan job added later but not awaited here could fail without failing the check.
    expect(needs(job).sort()).toEqual(
      Object.keys(jobs)
        .filter((j) => j !== id)
        .sort(),
    );
    expect(job.steps.every((s) => !s.uses)).toBe(true);
  });

  test.each([
    ['success skipped skipped skipped', 0], // no IAM change: the fast success
    ['skipped skipped skipped success', 0], // a merge group that planned cleanly
    ['success success skipped skipped', 0],
    ['success failure skipped skipped', 1], // the plan failed (lint, validation)
    ['failure skipped skipped skipped', 1], // the change check itself failed: the plans never ran
    ['success cancelled skipped skipped', 1],
    ['skipped skipped skipped failure', 1],
  ])('the iam-plan step with needs results "%s" exits %i', (results, code) => {
    const job = Object.values(jobs).find((j) => j.name === 'iam-plan')!;
    const r = spawnSync('bash', ['-e', '-c', job.steps[0]!.run!], {
      env: { PATH: process.env.PATH, RESULTS: results },
      encoding: 'utf8',
    });
    expect(r.status).toBe(code);
  });

  test('pull requests cancel their older run; merge groups, each on its own ref, are never cancelled', () => {
    expect(wf.concurrency!.group).toBe('iam-plan-${{ github.event.pull_request.number || github.ref }}');
    expect(wf.concurrency!['cancel-in-progress']).toBe("${{ github.event_name == 'pull_request' }}");
  });
});

test('apply runs on the default branch in the protected environment, one at a time, never cancelled', () => {
  const wf = load('iam-apply.yml');
  expect(Object.keys(wf.on)).toEqual(['push']);
  expect(wf.concurrency).toEqual({ group: 'iam-apply', 'cancel-in-progress': false, queue: 'max' });
  expect(wf.jobs.apply!.environment).toBe('iam-apply');
  expect(wf.jobs.apply!.permissions).toEqual({
    contents: 'read',
    'pull-requests': 'write',
    issues: 'write',
    'id-token': 'write',
  });
  const action = wf.jobs.apply!.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(action.with).toMatchObject({
    mode: 'apply',
    'role-to-assume': '${{ vars.IAM_GITOPS_APPLY_ROLE_ARN }}',
  });
});

test('apply: a first job lists the accounts, a matrix job per account applies it with the account input', () => {
  const wf = load('iam-apply.yml');
  const list = wf.jobs.accounts!;
  // Listing declared accounts reads the checkout only: no OIDC token, no environment.
  expect(list.permissions).toEqual({ contents: 'read' });
  expect(list.environment).toBeUndefined();
  const step = list.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(step.with).toEqual({ mode: 'accounts' });
  expect(list.outputs).toEqual({
    accounts: `\${{ steps.${(step as { id?: string }).id}.outputs.accounts }}`,
  });
  const apply = wf.jobs.apply!;
  expect(apply.needs).toBe('accounts');
  // One account's failure cancels no other account's apply; bounded parallelism.
  expect(apply.strategy!['fail-fast']).toBe(false);
  expect(apply.strategy!['max-parallel']).toBeGreaterThan(0);
  expect(apply.strategy!.matrix).toEqual({ account: '${{ fromJSON(needs.accounts.outputs.accounts) }}' });
  const action = apply.steps.find((s) => s.uses?.includes('/iam-gitops@'))!;
  expect(action.with).toMatchObject({ mode: 'apply', account: '${{ matrix.account }}' });
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
