/**
 * The shipped roles suffice for the action as it really runs: every AWS call that
 * `node dist/index.js` records (IAM_GITOPS_CALL_LOG) during a pull-request plan, the apply of
 * the merge and an offboarding apply is allowed by the plan or apply role of
 * bootstrap/iam-gitops-roles.yml, deployed for the repository's own files and evaluated with
 * iam-simulate. The in-process check (test/aws/role-check.test.ts) cannot see calls made only
 * by the action's entry point (the role assumption, the reads behind the PR comment).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RecordedCall } from '../../src/aws/calls.js';
import type { ActionRun } from '../harness/action-runner.js';
import { newAccountModel, type AccountModel } from '../harness/aws-actions.js';
import { assertRunAllowed, deployStackResources, stackForWorkspace } from '../harness/e2e-role-check.js';
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { ACCOUNT_ID, REGION, startMoto, type Moto } from '../harness/moto.js';
import {
  APPLY_ROLE,
  applyRun,
  approvedPr as approvePr,
  iamUserNames,
  PLAN_ROLE,
  planRun,
  quietStderr,
  sha,
  verifySender,
} from './scenario.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

let gh: GitHubServer;
let moto: Moto;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop()]));

/** A clean account and repository; each describe below starts from one. */
async function fresh(): Promise<void> {
  gh.reset();
  await moto.reset();
  await verifySender(moto);
  // The stack deployed for the example files: its CloudTrail delivery role (CreateTrailRole=true,
  // the default) is in place before the first run, as the apply role cannot create it.
  await deployStackResources(moto.clients(), await stackForWorkspace(REPO_ROOT, gh));
}

const ctx = () => ({ gh, moto });

/** The repository's example files (users, policies, config with the monitoring baseline on). */
function exampleFiles(): Record<string, string> {
  const files: Record<string, string> = {
    'iam-gitops.yml': readFileSync(path.join(REPO_ROOT, 'iam-gitops.yml'), 'utf8'),
  };
  for (const folder of ['users', 'policies'])
    for (const name of readdirSync(path.join(REPO_ROOT, folder)))
      files[`${folder}/${name}`] = readFileSync(path.join(REPO_ROOT, folder, name), 'utf8');
  return files;
}

/** The example files without one user's row. */
function withoutUser(files: Record<string, string>, user: string): Record<string, string> {
  const out = { ...files };
  for (const [rel, text] of Object.entries(files)) {
    if (!rel.startsWith('users/')) continue;
    out[rel] = text
      .split('\n')
      .filter((l) => !l.startsWith(`${user},`))
      .join('\n');
  }
  expect(JSON.stringify(out)).not.toEqual(JSON.stringify(files));
  return out;
}

const operations = (calls: RecordedCall[]) => new Set(calls.map((c) => `${c.service}:${c.operation}`));

function expectSuccess(run: ActionRun): void {
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
}

/**
 * Checks a run's call log under `role` and that the run obtained exactly that role through OIDC.
 * Returns how many calls the run made and how many were evaluated.
 */
async function checkRun(
  run: ActionRun,
  role: 'plan' | 'apply',
  model: AccountModel,
): Promise<{ made: number; checked: number }> {
  const stack = await stackForWorkspace(run.workspace, gh);
  const { assumed, checked } = await assertRunAllowed(run.calls, stack, role, model);
  expect(assumed.map((c) => c.input.RoleArn)).toEqual([role === 'plan' ? PLAN_ROLE : APPLY_ROLE]);
  expect(checked.length).toBe(run.calls.length - 1);
  return { made: run.calls.length, checked: checked.length };
}

/** How many calls each run made and how many were evaluated, logged so a reader sees what was covered. */
const counts: Record<string, { made: number; checked: number }> = {};
afterAll(() => {
  if (Object.keys(counts).length > 0) console.log(`calls per run: ${JSON.stringify(counts)}`);
});

const approvedPr = (number: number, files: Record<string, string>): Promise<ActionRun> =>
  approvePr(ctx(), number, files, { gaps: true }, expectSuccess);

test('every call of a pull-request plan run is allowed by the plan role', async () => {
  await fresh();
  gh.addPull({ number: 1, author: 'alice', headSha: sha('head-1'), baseSha: sha('base-1') });
  const run = await planRun(ctx(), 1, exampleFiles());
  expectSuccess(run);
  expect(run.writes).toEqual([]);
  // The live account was read: the bulk IAM read and the monitoring baseline's reads.
  const ops = operations(run.calls);
  for (const op of [
    'iam:GetAccountAuthorizationDetails',
    'cloudtrail:DescribeTrails',
    'logs:DescribeMetricFilters',
    'cloudwatch:DescribeAlarms',
    'sns:GetTopicAttributes',
  ])
    expect(ops).toContain(op);

  counts['plan'] = await checkRun(run, 'plan', newAccountModel(ACCOUNT_ID, REGION));
});

// The merge of the example files is the slowest run here (every user, group, policy and the
// monitoring baseline), and both tests below need exactly it: it runs once, and neither test writes
// to the account it leaves, except the offboarding, which is last.
describe('after the merge of the example files', () => {
  const files = exampleFiles();
  let seed: ActionRun;
  beforeAll(async () => {
    await fresh();
    await approvedPr(1, files);
    seed = await applyRun(ctx(), sha('merge-1'), files, { gaps: true });
  });

  test('every call of the apply run after an approved merge is allowed by the apply role', async () => {
    const model = newAccountModel(ACCOUNT_ID, REGION);
    const run = seed;
    expectSuccess(run);
    expect(await iamUserNames(moto)).toContain('alice.nguyen');

    const ops = operations(run.writes);
    for (const op of [
      'iam:CreateUser',
      'iam:CreateGroup',
      'iam:CreatePolicy',
      'iam:AddUserToGroup',
      'iam:CreateLoginProfile',
      'ses:SendEmail',
      'cloudtrail:CreateTrail',
      'logs:PutMetricFilter',
    ])
      expect(ops).toContain(op);

    counts['apply'] = await checkRun(run, 'apply', model);

    // The check has teeth on this log: the plan role is not enough to apply it.
    const underPlanRole = assertRunAllowed(
      run.calls,
      await stackForWorkspace(run.workspace, gh),
      'plan',
      newAccountModel(ACCOUNT_ID, REGION),
    );
    await expect(underPlanRole).rejects.toThrow(/iam:CreateUser[\s\S]*→ iam:CreateUser on arn:aws:iam::/);
  });

  test('the offboarding apply after a pull request that removes a user is allowed by the apply role', async () => {
    // One model through both applies: the first apply's CreateUser calls give the users their path
    // and tags, which decide the ARNs and conditions of the offboarding calls.
    const model = newAccountModel(ACCOUNT_ID, REGION);
    expectSuccess(seed);
    await checkRun(seed, 'apply', model);
    expect(await iamUserNames(moto)).toContain('bob.smith');

    const removed = withoutUser(files, 'bob.smith');
    const plan = await approvedPr(2, removed);
    // With the baseline in place the plan reads all of it, under the plan role.
    for (const op of [
      'iam:GetAccountAuthorizationDetails',
      'cloudtrail:GetTrailStatus',
      'logs:DescribeMetricFilters',
      'cloudwatch:DescribeAlarms',
    ])
      expect(operations(plan.calls)).toContain(op);
    counts['offboard-plan'] = await checkRun(plan, 'plan', model);

    const run = await applyRun(ctx(), sha('merge-2'), removed, { gaps: true });
    expectSuccess(run);
    expect(run.outputs['deleted-users']).toBe('bob.smith');
    expect(await iamUserNames(moto)).not.toContain('bob.smith');
    const offboarding = run.writes.filter((w) => w.input.UserName === 'bob.smith').map((w) => w.operation);
    for (const op of ['DeleteLoginProfile', 'RemoveUserFromGroup', 'DeleteUser'])
      expect(offboarding).toContain(op);
    expect(operations(run.calls)).toContain('iam:ListServiceSpecificCredentials');

    counts['offboard-apply'] = await checkRun(run, 'apply', model);
  });
});
