/**
 * The bootstrap roles suffice: every AWS call recorded while planning (plan role) and applying
 * (apply role) a realistic change set against the emulator is allowed by the role's policy as
 * the template deploys it, evaluated with iam-simulate. The emulator itself cannot decide this
 * (aws-emulator.md §6); it only makes the calls real.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CreateAccessKeyCommand, CreateLoginProfileCommand, CreateUserCommand, GetAccountAuthorizationDetailsCommand, GenerateCredentialReportCommand, GetCredentialReportCommand } from '@aws-sdk/client-iam';
import { GetIdentityVerificationAttributesCommand, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { applyPlan } from '../../src/apply/executor.js';
import { iamHandlers } from '../../src/apply/handlers.js';
import { CallLog, type RecordedCall } from '../../src/aws/calls.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { Config } from '../../src/model/desired.js';
import type { Operation } from '../../src/model/plan.js';
import { createMonitoringHandlers, planMonitoring, readMonitoring } from '../../src/monitoring/index.js';
import { newAccountModel, type AccountModel } from '../harness/aws-actions.js';
import { iamGapsCapture } from '../harness/capture.js';
import type { StackContext } from '../harness/cfn-template.js';
import { ACCOUNT_ID, REGION, startMoto, type Moto } from '../harness/moto.js';
import { checkCalls, deployedRole, describeDenials, readCallLog } from '../harness/role-check.js';
import { config as baseConfig, context, op, plan } from '../unit/apply/fixtures.js';
import { BOUNDARY, PATH, scenarioOps } from '../unit/apply/scenario.js';

const STACK: StackContext = {
  accountId: ACCOUNT_ID,
  region: REGION,
  stackName: 'iam-gitops',
  parameters: {
    GitHubOrg: 'acme',
    GitHubRepo: 'aws-users',
    PermissionsBoundaryArn: BOUNDARY,
    AllowedPolicyArns: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/iam@example.com`,
    SesFromAddress: 'iam@example.com',
  },
};

const CONFIG: Config = baseConfig({
  path: PATH,
  permissionsBoundary: BOUNDARY,
  monitoring: {
    enabled: true,
    trailName: 'iam-gitops',
    bucket: null,
    logGroup: '/iam-gitops/cloudtrail',
    retentionDays: 365,
    namespace: 'IAMGitOps',
    alarmEmails: ['secops@example.com'],
    alarms: ['console-login-failures', 's3-bucket-changes', 'cis'],
    period: 300,
  },
});

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

/** A user offboarded by the apply: managed, under the path, with a console login and a key. */
async function seedAccount(): Promise<AccountModel> {
  const seed = moto.clients();
  await seed.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  await seed.iam.send(
    new CreateUserCommand({ UserName: 'dave', Path: PATH, Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }] }),
  );
  await seed.iam.send(new CreateLoginProfileCommand({ UserName: 'dave', Password: 'Seed-only-0ne!', PasswordResetRequired: true }));
  await seed.iam.send(new CreateAccessKeyCommand({ UserName: 'dave' }));
  const model = newAccountModel(ACCOUNT_ID, REGION);
  model.users.set('dave', { name: 'dave', path: PATH, tags: { 'managed-by': 'iam-gitops' } });
  return model;
}

/** The reads a plan makes: the account in bulk, the SES sender and the monitoring baseline. */
async function planReads(c: AwsClients): Promise<unknown> {
  await c.sts.send(new GetCallerIdentityCommand({}));
  await c.iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User', 'Group', 'LocalManagedPolicy'] }));
  await c.iam.send(new GenerateCredentialReportCommand({}));
  await c.iam.send(new GetCredentialReportCommand({}));
  await c.ses.send(new GetIdentityVerificationAttributesCommand({ Identities: ['iam@example.com'] }));
  return readMonitoring(c, CONFIG.monitoring, ACCOUNT_ID);
}

function assertAllowed(denials: Awaited<ReturnType<typeof checkCalls>>): void {
  if (denials.length > 0) throw new Error(`the role would deny ${denials.length} call(s):\n${describeDenials(denials)}`);
}

test('every call of a plan and of the apply that follows is allowed by the plan and apply roles', async () => {
  const model = await seedAccount();

  const planLog = new CallLog(path.join(dir, 'plan-calls.jsonl'));
  const planClients = moto.clients({ calls: planLog });
  const actual = await planReads(planClients);
  const monitoring = planMonitoring(CONFIG.monitoring, actual, { accountId: ACCOUNT_ID, region: REGION, adopt: false });
  expect(monitoring.errors).toEqual([]);

  const offboard: Operation = op('user:dave', [], 'user', 'delete', { path: PATH });
  offboard.name = 'dave';
  const changes = [...scenarioOps(), offboard, ...monitoring.operations];

  const applyLog = new CallLog(path.join(dir, 'apply-calls.jsonl'));
  const applyClients = moto.clients({ calls: applyLog, plugins: [iamGapsCapture().plugin] });
  const ctx = { ...context(applyClients, CONFIG) };
  const report = await applyPlan(plan(changes), ctx, {
    handlers: { ...createMonitoringHandlers({ sleep: async () => undefined }), ...iamHandlers },
    retry: { sleep: async () => {} },
  });
  expect(report.results.filter((r) => r.status === 'failed' || r.status === 'skipped')).toEqual([]);

  // The JSON-lines log the client factory writes is what a run of dist/ leaves behind too.
  const planCalls = readCallLog(path.join(dir, 'plan-calls.jsonl'));
  const applyCalls = readCallLog(path.join(dir, 'apply-calls.jsonl'));
  expect(planCalls).toEqual(planLog.calls);
  expect(applyCalls).toEqual(applyLog.calls);

  // A realistic run: creation, offboarding and the whole baseline were exercised.
  const ops = (calls: RecordedCall[]) => new Set(calls.map((c) => `${c.service}:${c.operation}`));
  for (const expected of ['iam:CreateUser', 'iam:DeleteUser', 'iam:DeleteAccessKey', 'iam:AttachGroupPolicy', 'ses:SendEmail', 'cloudtrail:CreateTrail', 'logs:PutMetricFilter', 'cloudwatch:PutMetricAlarm', 'sns:Subscribe']) {
    expect(ops(applyCalls)).toContain(expected);
  }

  assertAllowed(await checkCalls(planCalls, deployedRole(STACK, 'plan'), newAccountModel(ACCOUNT_ID, REGION)));
  assertAllowed(await checkCalls(applyCalls, deployedRole(STACK, 'apply'), model));
});

test('the plan role is not enough to apply: the same apply log is denied under it', async () => {
  const model = await seedAccount();
  const log = new CallLog(undefined);
  const c = moto.clients({ calls: log, plugins: [iamGapsCapture().plugin] });
  const report = await applyPlan(plan(scenarioOps()), context(c, CONFIG), { handlers: iamHandlers, retry: { sleep: async () => {} } });
  expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
  const denials = await checkCalls(log.calls, deployedRole(STACK, 'plan'), model);
  const denied = new Set(denials.map((d) => d.check.action));
  for (const write of ['iam:CreateUser', 'iam:CreateGroup', 'iam:CreatePolicy', 'iam:AddUserToGroup', 'iam:CreateLoginProfile', 'ses:SendEmail']) {
    expect(denied).toContain(write);
  }
});

test('an operation missing from the table fails the check instead of passing silently', async () => {
  const unknown: RecordedCall = { service: 'iam', operation: 'CreateAccessKey', input: { UserName: 'dave' } };
  await expect(checkCalls([unknown], deployedRole(STACK, 'apply'), newAccountModel(ACCOUNT_ID, REGION))).rejects.toThrow(
    /unknown AWS operation iam:CreateAccessKey/,
  );
});
