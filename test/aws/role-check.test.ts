/**
 * The bootstrap roles suffice: every AWS call recorded while planning (plan role) and applying
 * (apply role) this repository's example files against the emulator is allowed by the role's
 * policy as the template deploys it for those files, evaluated with iam-simulate. The emulator
 * cannot decide this itself (aws-emulator.md §6); it only makes the calls real.
 */
import { deployStackResources, stackFor, stackForWorkspace } from '../harness/e2e-role-check.js';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateAccessKeyCommand, CreateLoginProfileCommand, CreateUserCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { applyPlan } from '../../src/apply/executor.js';
import { iamHandlers } from '../../src/targets/handlers.js';
import { CallLog, type RecordedCall } from '../../src/aws/calls.js';
import {
  createMonitoringHandlers,
  planMonitoring,
  readMonitoring,
} from '../../src/targets/monitoring/index.js';
import { runPlan } from '../../src/pipeline.js';
import { newAccountModel, type AccountModel } from '../harness/aws-actions.js';
import { iamGapsCapture } from '../harness/capture.js';
import { ACCOUNT_ID, REGION, startMoto, type Moto } from '../harness/moto.js';
import {
  checkCalls,
  deployedRole,
  describeDenials,
  readCallLog,
  type Denial,
} from '../harness/role-check.js';
import { context } from '../unit/apply/fixtures.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const BOUNDARY = `arn:aws:iam::${ACCOUNT_ID}:policy/boundaries/iam-gitops-users`;

let moto: Moto;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => moto?.stop());
beforeEach(async () => {
  await moto.reset();
  dir = mkdtempSync(path.join(tmpdir(), 'role-check-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A copy of the example repository, optionally with a permissions boundary configured. */
function exampleRepo(boundary: string | null): string {
  const repo = path.join(dir, 'repo');
  for (const part of ['users', 'policies', 'iam-gitops.yml']) {
    cpSync(path.join(REPO_ROOT, part), path.join(repo, part), { recursive: true });
  }
  const config = path.join(repo, 'iam-gitops.yml');
  const text = readFileSync(config, 'utf8').replace(/^permissionsBoundary:.*\n/m, '');
  writeFileSync(config, `${text}\npermissionsBoundary: ${boundary ?? 'null'}\n`);
  return repo;
}

/** A user the apply offboards: managed, under the path, with a console login and an access key. */
async function seedAccount(): Promise<AccountModel> {
  const seed = moto.clients();
  await seed.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  await seed.iam.send(
    new CreateUserCommand({
      UserName: 'dave',
      Path: '/iam-gitops/',
      Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
    }),
  );
  await seed.iam.send(
    new CreateLoginProfileCommand({
      UserName: 'dave',
      Password: 'Seed-only-0ne!',
      PasswordResetRequired: true,
    }),
  );
  await seed.iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }));
  const model = newAccountModel(ACCOUNT_ID, REGION);
  model.users.set('dave', { name: 'dave', path: '/iam-gitops/', tags: { 'managed-by': 'iam-gitops' } });
  return model;
}

function copyModel(m: AccountModel): AccountModel {
  const out = newAccountModel(m.accountId, m.region);
  for (const [k, u] of m.users) out.users.set(k, { ...u, tags: { ...u.tags } });
  for (const [k, g] of m.groups) out.groups.set(k, { ...g });
  return out;
}

/** The stack a user deploys for these files: their path, boundary, sender, baseline and every AWS managed policy they name. */
const GITHUB = { owner: 'acme', repo: 'aws-users' };

function assertAllowed(denials: Denial[]): void {
  if (denials.length > 0)
    throw new Error(`the role would deny ${denials.length} call(s):\n${describeDenials(denials)}`);
}

/** runPlan with the plan role's calls logged to a file, then applyPlan with the apply role's. */
async function planAndApply(repo: string) {
  const planFile = path.join(dir, 'plan-calls.jsonl');
  const applyFile = path.join(dir, 'apply-calls.jsonl');
  const run = await runPlan({
    dir: repo,
    repo: 'acme/aws-users',
    offline: false,
    clients: moto.clients({ calls: new CallLog(planFile) }),
  });
  if (!run.ok) throw new Error(`the example files do not plan: ${JSON.stringify(run.diagnostics)}`);
  expect(run.plan.errors).toEqual([]);

  const applyLog = new CallLog(applyFile);
  const clients = moto.clients({ calls: applyLog, plugins: [iamGapsCapture().plugin] });
  const report = await applyPlan(
    run.plan,
    { ...context(clients), desired: run.desired },
    {
      handlers: { ...createMonitoringHandlers({ sleep: async () => undefined }), ...iamHandlers },
      retry: { sleep: async () => {} },
    },
  );
  expect(report.results.filter((r) => r.status === 'failed' || r.status === 'skipped')).toEqual([]);
  // The JSON-lines log the client factory writes (IAM_GITOPS_CALL_LOG) is what is checked.
  const applyCalls = readCallLog(applyFile);
  expect(applyCalls).toEqual(applyLog.calls);
  return { run, planCalls: readCallLog(planFile), applyCalls };
}

const operations = (calls: RecordedCall[]) => new Set(calls.map((c) => `${c.service}:${c.operation}`));

test.each([
  ['without a permissions boundary', null],
  ['with a permissions boundary', BOUNDARY],
])(
  'every call of planning and applying the example files (%s) is allowed by the plan and apply roles',
  async (_what, boundary) => {
    const model = await seedAccount();
    const repo = exampleRepo(boundary);
    // The stack is deployed before the first plan: its delivery role is in place.
    expect(await deployStackResources(moto.clients(), await stackForWorkspace(repo, GITHUB))).not.toBeNull();
    const { run, planCalls, applyCalls } = await planAndApply(repo);

    // A realistic run: creation, offboarding and the whole baseline were exercised.
    expect(
      run.plan.changes.some((o) => o.type === 'user' && o.action === 'delete' && o.name === 'dave'),
    ).toBe(true);
    for (const op of [
      'iam:CreateUser',
      'iam:CreateGroup',
      'iam:CreatePolicy',
      'iam:AttachGroupPolicy',
      'iam:AddUserToGroup',
      'iam:CreateLoginProfile',
      'iam:DeleteAccessKey',
      'iam:DeleteUser',
      'ses:SendEmail',
      's3:PutBucketPolicy',
      'cloudtrail:CreateTrail',
      'logs:PutMetricFilter',
      'cloudwatch:PutMetricAlarm',
      'sns:Subscribe',
    ]) {
      expect(operations(applyCalls)).toContain(op);
    }
    if (boundary) {
      const creates = applyCalls.filter((c) => c.operation === 'CreateUser');
      expect(creates.every((c) => c.input.PermissionsBoundary === boundary)).toBe(true);
    }

    const stack = stackFor(run.desired, GITHUB);
    assertAllowed(await checkCalls(planCalls, deployedRole(stack, 'plan'), copyModel(model)));
    assertAllowed(await checkCalls(applyCalls, deployedRole(stack, 'apply'), copyModel(model)));

    // And the plan role is not enough to apply: the writes of the same run are denied under it.
    const underPlanRole = await checkCalls(applyCalls, deployedRole(stack, 'plan'), copyModel(model));
    const denied = new Set(underPlanRole.map((d) => d.check.action));
    for (const write of [
      'iam:CreateUser',
      'iam:CreateGroup',
      'iam:CreatePolicy',
      'iam:AddUserToGroup',
      'iam:CreateLoginProfile',
      'iam:DeleteUser',
      'ses:SendEmail',
      'cloudtrail:CreateTrail',
    ]) {
      expect(denied).toContain(write);
    }
  },
);

test('the tool’s real adoption (adopt: true) needs AllowAdoption=true; its creations never do', async () => {
  const repo = exampleRepo(null);
  const config = path.join(repo, 'iam-gitops.yml');
  writeFileSync(config, readFileSync(config, 'utf8').replace(/^adopt: false$/m, 'adopt: true'));
  // A user of the files that already exists under the path, made by hand (no managed-by tag).
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  await moto.clients().iam.send(new CreateUserCommand({ UserName: 'alice.nguyen', Path: '/iam-gitops/' }));
  const model = newAccountModel(ACCOUNT_ID, REGION);
  model.users.set('alice.nguyen', { name: 'alice.nguyen', path: '/iam-gitops/', tags: {} });
  await deployStackResources(moto.clients(), await stackForWorkspace(repo, GITHUB));

  const { run, applyCalls } = await planAndApply(repo);
  expect(run.plan.changes.some((o) => o.type === 'user' && o.details.adopt === true)).toBe(true);
  const adopting = applyCalls.filter((c) => c.operation === 'TagUser' && c.input.UserName === 'alice.nguyen');
  expect(adopting.length).toBeGreaterThan(0);

  assertAllowed(
    await checkCalls(applyCalls, deployedRole(stackFor(run.desired, GITHUB), 'apply'), copyModel(model)),
  );
  const withoutAdoption = deployedRole(stackFor(run.desired, GITHUB, { AllowAdoption: 'false' }), 'apply');
  const denials = await checkCalls(applyCalls, withoutAdoption, copyModel(model));
  // Exactly the adoption is refused: the user's TagUser, not one of the creations of the same run.
  expect(denials.map((d) => `${d.check.action} ${d.call.input.UserName as string}`)).toEqual([
    'iam:TagUser alice.nguyen',
  ]);
});

test('an operation missing from the table fails the check instead of passing silently', async () => {
  const run = await runPlan({ dir: exampleRepo(null), repo: 'acme/aws-users', offline: true });
  if (!run.ok) throw new Error('the example files do not plan');
  const unknown: RecordedCall = { service: 'iam', operation: 'CreateAccessKey', input: { UserName: 'dave' } };
  await expect(
    checkCalls(
      [unknown],
      deployedRole(stackFor(run.desired, GITHUB), 'apply'),
      newAccountModel(ACCOUNT_ID, REGION),
    ),
  ).rejects.toThrow(/unknown AWS operation iam:CreateAccessKey/);
});

test('the stack (CreateTrailRole=true, the default) creates the delivery role exactly as the tool wants it', async () => {
  const run = await runPlan({ dir: exampleRepo(null), repo: 'acme/aws-users', offline: true });
  if (!run.ok) throw new Error('the example files do not plan');
  const c = moto.clients();
  expect(await deployStackResources(c, stackFor(run.desired, GITHUB))).not.toBeNull();
  const monitoring = run.desired.config.monitoring;
  const actual = await readMonitoring(c, monitoring, ACCOUNT_ID);
  const planned = planMonitoring(monitoring, actual, { accountId: ACCOUNT_ID, region: REGION, adopt: false });
  expect(planned.errors).toEqual([]);
  expect(planned.operations.filter((o) => o.type === 'role')).toEqual([]);
  expect(planned.operations.some((o) => o.type === 'trail')).toBe(true);
});
