/**
 * The monitoring baseline against the emulator, through a proxy that plays what moto lacks
 * (unconfirmed e-mail subscriptions) and records every request: what the config no longer asks
 * for is deleted and only what iam-gitops made; a pending subscription is reported as pending by
 * plan, apply and drift; the retention warning; the trail key and access logging planned,
 * applied and converged.
 */
import { DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeMetricFiltersCommand, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListSubscriptionsByTopicCommand } from '@aws-sdk/client-sns';
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { CreateBucketCommand, GetBucketLoggingCommand, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';
import { startMonitoringGapProxy, type MonitoringGapProxy } from '../harness/monitoring-gap-proxy.js';
import {
  createMonitoringHandlers,
  planMonitoring,
  readMonitoring,
} from '../../src/targets/monitoring/index.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { MonitoringConfig } from '../../src/model/desired.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { driftCommand } from '../../src/commands/drift.js';
import { planOrDrift } from '../../src/commands/plan.js';
import { runPlan } from '../../src/pipeline.js';
import { renderMarkdown } from '../../src/plan/render-markdown.js';
import { applyContext, monitoringConfig, runOperations } from '../unit/monitoring/support.js';
import { isReadOperation, type RecordedCall } from '../../src/aws/calls.js';
import { newAccountModel } from '../harness/aws-actions.js';
import { checkCalls, deployedRole, describeDenials } from '../harness/role-check.js';

const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:iam-gitops-alarms`;
const LOG_GROUP = '/iam-gitops/cloudtrail';
const BUCKET = `iam-gitops-trail-${ACCOUNT_ID}-${REGION}`;
const ctx = { accountId: ACCOUNT_ID, region: REGION, adopt: false };

const moto = useMoto();
let proxy: MonitoringGapProxy;
beforeAll(async () => {
  proxy = await startMonitoringGapProxy(moto.url);
});
afterAll(async () => proxy?.stop());
beforeEach(() => {
  proxy.clear();
  proxy.pending.clear();
});

const handlers = createMonitoringHandlers({ sleep: async () => undefined });
/** Clients whose every request goes through the proxy. */
const viaProxy = () => moto.clients({ endpoint: proxy.url });

async function converge(c: AwsClients, config: MonitoringConfig) {
  const plan = planMonitoring(config, await readMonitoring(c, config, ACCOUNT_ID), ctx);
  expect(plan.errors).toEqual([]);
  const outcomes = await runOperations(plan.operations, handlers, applyContext(c));
  return { plan, outcomes };
}

const inputs = (c: AwsClients, operation: string) =>
  c.calls.calls.filter((x) => x.operation === operation).map((x) => x.input);

async function subscribedAddresses(c: AwsClients): Promise<string[]> {
  const res = await c.sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: TOPIC_ARN }));
  return (res.Subscriptions ?? []).map((s) => s.Endpoint ?? '').sort();
}

test('a removed alarm set and a removed address are deleted; a same-named alarm and filter of someone else stay', async () => {
  const before = monitoringConfig({
    alarmEmails: ['secops@example.com', 'former@example.com'],
    alarms: ['cis', 'console-login-failures'],
  });
  await converge(viaProxy(), before);
  // Someone else's alarm and filter under a catalog name the config never asked for.
  const c = viaProxy();
  await c.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: 'iam-gitops-s3-bucket-changes',
      MetricName: 'bucket-changes',
      Namespace: 'SecOps',
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    }),
  );
  await c.logs.send(
    new PutMetricFilterCommand({
      logGroupName: LOG_GROUP,
      filterName: 'iam-gitops-s3-bucket-changes',
      filterPattern: '{ $.eventName = CreateBucket }',
      metricTransformations: [{ metricName: 'bucket-changes', metricNamespace: 'SecOps', metricValue: '1' }],
    }),
  );

  const after = monitoringConfig({ alarmEmails: ['secops@example.com'], alarms: ['cis'] });
  const run = viaProxy();
  const { plan, outcomes } = await converge(run, after);
  expect(plan.operations.map((o) => [o.action, o.id])).toEqual([
    ['delete', 'subscription:former@example.com'],
    ['delete', 'metric-filter:iam-gitops-console-login-failures'],
    ['delete', 'alarm:iam-gitops-console-login-failures'],
  ]);
  expect(outcomes.get('subscription:former@example.com')).toEqual({
    status: 'done',
    note: 'f***@example.com: removed',
  });
  // Exactly the tool's resources were named in the deleting requests.
  expect(inputs(run, 'DeleteAlarms')).toEqual([{ AlarmNames: ['iam-gitops-console-login-failures'] }]);
  expect(inputs(run, 'DeleteMetricFilter')).toEqual([
    { logGroupName: LOG_GROUP, filterName: 'iam-gitops-console-login-failures' },
  ]);
  const unsubscribed = proxy.find('sns', 'Unsubscribe');
  expect(unsubscribed).toHaveLength(1);
  expect(String(unsubscribed[0]!.params.SubscriptionArn)).toMatch(new RegExp(`^${TOPIC_ARN}:`));
  // Three writes; 26 calls in all: 18 baseline reads, 2 tag reads of the alarms no longer asked
  // for, and a read-then-delete per removal (the resource is checked again just before it goes).
  expect(
    run.calls
      .writes()
      .map((x) => x.operation)
      .sort(),
  ).toEqual(['DeleteAlarms', 'DeleteMetricFilter', 'Unsubscribe']);
  expect(run.calls.calls).toHaveLength(26);
  // The alarm was read back for its tag before it went, and only the removed one was.
  expect(inputs(run, 'ListTagsForResource').filter((i) => 'ResourceARN' in i)).toEqual([
    { ResourceARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:iam-gitops-console-login-failures` },
    { ResourceARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:iam-gitops-s3-bucket-changes` },
    { ResourceARN: `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:iam-gitops-console-login-failures` },
  ]);

  // The account as it is now: the removed person receives nothing, someone else's pair is intact.
  const check = moto.clients();
  expect(await subscribedAddresses(check)).toEqual(['secops@example.com']);
  const alarms = await check.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: 'iam-gitops-' }));
  const names = (alarms.MetricAlarms ?? []).map((a) => a.AlarmName);
  expect(names).toContain('iam-gitops-s3-bucket-changes');
  expect(names).not.toContain('iam-gitops-console-login-failures');
  expect(names).toHaveLength(16);
  const filters = await check.logs.send(
    new DescribeMetricFiltersCommand({ logGroupName: LOG_GROUP, filterNamePrefix: 'iam-gitops-' }),
  );
  const left = (filters.metricFilters ?? []).map((f) => f.filterName);
  expect(left).toContain('iam-gitops-s3-bucket-changes');
  expect(left).not.toContain('iam-gitops-console-login-failures');

  // Converged: a fresh plan has nothing to do and the next run writes nothing.
  const again = viaProxy();
  const second = planMonitoring(after, await readMonitoring(again, after, ACCOUNT_ID), ctx);
  expect(second.operations).toEqual([]);
  expect(second.errors).toEqual([]);
  expect(again.calls.writes()).toEqual([]);
});

test('an alarm that lost its managed-by tag after the plan is not deleted by the apply', async () => {
  const before = monitoringConfig({ alarms: ['cis', 'console-login-failures'] });
  await converge(viaProxy(), before);
  const after = monitoringConfig({ alarms: ['cis'] });
  const c = viaProxy();
  const plan = planMonitoring(after, await readMonitoring(c, after, ACCOUNT_ID), ctx);
  expect(plan.operations.map((o) => o.id)).toContain('alarm:iam-gitops-console-login-failures');
  // Between plan and apply someone takes the alarm over.
  const arn = `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:iam-gitops-console-login-failures`;
  const { UntagResourceCommand } = await import('@aws-sdk/client-cloudwatch');
  await c.cloudwatch.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: ['managed-by'] }));
  const alarmOp = plan.operations.find((o) => o.id === 'alarm:iam-gitops-console-login-failures')!;
  await expect(handlers.alarm!(alarmOp, applyContext(c))).rejects.toThrow(
    /no longer carries managed-by=iam-gitops: not deleted/,
  );
  expect(inputs(c, 'DeleteAlarms')).toEqual([]);
});

test('a pending subscription is subscribed once, then reported as pending, never as unchanged', async () => {
  proxy.pending.add('new-hire@example.com');
  const config = monitoringConfig({ alarmEmails: ['secops@example.com', 'new-hire@example.com'] });
  const first = viaProxy();
  const { outcomes } = await converge(first, config);
  expect(outcomes.get('subscription:new-hire@example.com')?.note).toBe(
    'n***@example.com: PendingConfirmation',
  );
  expect(outcomes.get('subscription:secops@example.com')?.note).toBe('s***@example.com: Confirmed');

  const again = viaProxy();
  const plan = planMonitoring(config, await readMonitoring(again, config, ACCOUNT_ID), ctx);
  expect(plan.operations).toEqual([]);
  expect(plan.pending).toEqual([{ address: 'n***@example.com' }]);
  expect(plan.unchangedByType.subscription).toBe(1);
  // No second Subscribe: that would mail the address again.
  expect(inputs(again, 'Subscribe')).toEqual([]);
  // Removed while still pending: nothing can be unsubscribed (no ARN), and it says so.
  const removed = planMonitoring(
    monitoringConfig({ alarmEmails: ['secops@example.com'] }),
    await readMonitoring(again, monitoringConfig({ alarmEmails: ['secops@example.com'] }), ACCOUNT_ID),
    ctx,
  );
  expect(removed.operations).toEqual([]);
  expect(removed.pending).toEqual([{ address: 'n***@example.com', removed: true }]);
});

function repo(monitoring: string[]): string {
  return tempRepo('iam-gitops-monitoring-', {
    'iam-gitops.yml': ['path: /iam-gitops/', 'monitoring:', ...monitoring.map((l) => `  ${l}`), ''].join(
      '\n',
    ),
    'users/team.csv': 'username,email,groups,policies,console,role\n',
  });
}

function cli() {
  const out: string[] = [];
  const err: string[] = [];
  const clients = viaProxy();
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: { AWS_REGION: REGION, GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => clients,
    terminal: false,
  };
  return { io, out, err, text: () => out.join(''), errors: () => err.join('') };
}

test('plan, apply, drift and the comment say which address is pending; retention below a year is warned about', async () => {
  proxy.pending.add('new-hire@example.com');
  const dir = repo(['alarmEmails: [secops@example.com, new-hire@example.com]', 'retentionDays: 30']);

  const plan = cli();
  expect(await planOrDrift(parseArgs(['plan', '--dir', dir]), 'plan', plan.io)).toBe(2);
  expect(plan.errors()).toContain(
    'iam-gitops.yml:4:18: warning: monitoring.retentionDays: 30 days is below the 365 days',
  );

  const apply = cli();
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), apply.io)).toBe(0);
  expect(apply.text()).toContain(
    'Alarm subscriptions pending confirmation (1): n***@example.com. Alarms reach an address only once it follows the link',
  );
  expect(apply.text()).not.toContain('new-hire@example.com');

  const drift = cli();
  expect(await driftCommand(parseArgs(['drift', '--dir', dir]), drift.io)).toBe(0);
  expect(drift.text()).toContain('No drift.');
  expect(drift.text()).toMatch(/Monitoring baseline: 40 resources unchanged \(.*, subscription, .*\)\./);
  expect(drift.text()).toContain('Alarm subscriptions pending confirmation (1): n***@example.com.');

  const again = cli();
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), again.io)).toBe(0);
  expect(again.text()).toContain('No changes: the account matches the files.');
  expect(again.text()).toContain('Alarm subscriptions pending confirmation (1): n***@example.com.');

  // The pull request comment: the masked address as a code span (its *** never pairs into emphasis).
  const run = await runPlan({ dir, repo: 'acme/iam', offline: false, clients: viaProxy(), region: REGION });
  if (!run.ok) throw new Error('plan failed');
  const comment = renderMarkdown({
    plan: run.plan,
    kind: 'plan',
    head: 'a'.repeat(40),
    base: 'b'.repeat(40),
    plannedAt: '2026-01-01T00:00:00Z',
    offlineReason: null,
  }).body;
  expect(comment).toContain('Alarm subscriptions pending confirmation (1): `n***@example.com`.');
  expect(comment).not.toContain('new-hire@example.com');
});

test('trail key and access logging: planned, applied with the right requests, then a plan with no changes', async () => {
  // The access-log bucket is the account's own, granting S3's log delivery (docs/file-formats.md).
  const setup = moto.clients();
  await setup.s3.send(new CreateBucketCommand({ Bucket: 'acme-access-logs' }));
  await setup.s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'acme-access-logs',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: ['s3:PutObject'],
            Resource: 'arn:aws:s3:::acme-access-logs/*',
          },
        ],
      }),
    }),
  );
  const config = monitoringConfig({ kmsKey: 'create', accessLogBucket: 'acme-access-logs' });
  const c = viaProxy();
  const { plan } = await converge(c, config);
  const key = plan.operations.find((o) => o.type === 'kms-key')!;
  expect(key).toMatchObject({ action: 'create', id: 'kms-key:alias/iam-gitops-cloudtrail' });
  expect(plan.operations.find((o) => o.type === 'bucket')?.details.accessLogging).toEqual({
    targetBucket: 'acme-access-logs',
    targetPrefix: `s3-access/${BUCKET}/`,
  });

  // The requests moto takes on trust: the key policy, the alias, rotation, the trail's key.
  const created = proxy.find('kms', 'CreateKey');
  expect(created).toHaveLength(1);
  expect(created[0]!.params).toMatchObject({
    KeySpec: 'SYMMETRIC_DEFAULT',
    KeyUsage: 'ENCRYPT_DECRYPT',
    BypassPolicyLockoutSafetyCheck: false,
  });
  expect(JSON.parse(String(created[0]!.params.Policy))).toEqual(key.details.policy);
  expect(proxy.find('kms', 'CreateAlias').map((r) => r.params.AliasName)).toEqual([
    'alias/iam-gitops-cloudtrail',
  ]);
  expect(proxy.find('kms', 'EnableKeyRotation')).toHaveLength(1);
  expect(proxy.find('kms', 'PutKeyPolicy')).toEqual([]);
  const aliasArn = `arn:aws:kms:${REGION}:${ACCOUNT_ID}:alias/iam-gitops-cloudtrail`;
  expect(inputs(c, 'CreateTrail')[0]).toMatchObject({ KmsKeyId: aliasArn });
  const logging = proxy.requests.filter((r) => r.service === 's3' && /^PUT \/[^?]+\?logging/.test(r.action));
  expect(logging).toHaveLength(1);
  expect(logging[0]!.params.body).toContain('<TargetBucket>acme-access-logs</TargetBucket>');
  expect(logging[0]!.params.body).toContain(`<TargetPrefix>s3-access/${BUCKET}/</TargetPrefix>`);
  // A re-run of the key's creation (say after a later step failed) finds it by its alias.
  await handlers['kms-key']!(key, applyContext(c));
  expect(proxy.find('kms', 'CreateKey')).toHaveLength(1);
  expect(proxy.find('kms', 'CreateAlias')).toHaveLength(1);
  // Trail settings and the key come before the trail that needs the key.
  const order = c.calls.calls.map((x) => x.operation);
  expect(order.indexOf('CreateAlias')).toBeLessThan(order.indexOf('CreateTrail'));

  // What the account holds now.
  const check = moto.clients();
  const described = await check.kms.send(new DescribeKeyCommand({ KeyId: 'alias/iam-gitops-cloudtrail' }));
  const keyId = described.KeyMetadata!.KeyId!;
  expect((await check.kms.send(new GetKeyRotationStatusCommand({ KeyId: keyId }))).KeyRotationEnabled).toBe(
    true,
  );
  const policy = await check.kms.send(new GetKeyPolicyCommand({ KeyId: keyId, PolicyName: 'default' }));
  expect(JSON.parse(policy.Policy!)).toEqual(key.details.policy);
  expect((await check.s3.send(new GetBucketLoggingCommand({ Bucket: BUCKET }))).LoggingEnabled).toMatchObject(
    {
      TargetBucket: 'acme-access-logs',
    },
  );
  const trails = await check.cloudtrail.send(new DescribeTrailsCommand({}));
  expect(trails.trailList?.find((t) => t.Name === 'iam-gitops')?.KmsKeyId).toBeTruthy();

  // Second plan: no changes, no writes; the key counts as unchanged.
  const fresh = viaProxy();
  const second = planMonitoring(config, await readMonitoring(fresh, config, ACCOUNT_ID), ctx);
  expect(second.operations).toEqual([]);
  expect(second.errors).toEqual([]);
  expect(second.unchangedByType['kms-key']).toBe(1);
  expect(fresh.calls.writes()).toEqual([]);
  // Still a fixed number of reads: the 18 of the plain baseline, plus 3 for the key and 1 for logging.
  const reads = fresh.calls.snapshot();
  expect(reads).toMatchObject({
    'kms:DescribeKey': 1,
    'kms:GetKeyPolicy': 1,
    'kms:GetKeyRotationStatus': 1,
    's3:GetBucketLogging': 1,
  });
  expect(Object.values(reads).reduce((n, k) => n + k, 0)).toBe(22);
});

/** The bootstrap template as deployed for this account, with the given parameters. */
function role(name: 'plan' | 'apply', parameters: Record<string, string> = {}) {
  return deployedRole(
    {
      accountId: ACCOUNT_ID,
      region: REGION,
      stackName: 'iam-gitops',
      parameters: {
        GitHubOrg: 'acme',
        GitHubRepo: 'aws-users',
        SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/iam@example.com`,
        SesFromAddress: 'iam@example.com',
        ...parameters,
      },
    },
    name,
  );
}

test('the bootstrap roles allow every call of removal, key creation and access logging the tool really made', async () => {
  const recorded: RecordedCall[] = [];
  // The stack creates the delivery role (CreateTrailRole=true), so its creation is not the apply role's.
  const stackMade = new Set(['CreateRole', 'PutRolePolicy', 'TagRole']);
  const record = (c: AwsClients) =>
    recorded.push(...c.calls.calls.filter((x) => !(x.service === 'iam' && stackMade.has(x.operation))));
  // Build with an extra set, an extra address, the key and access logging; then remove.
  const setup = moto.clients();
  await setup.s3.send(new CreateBucketCommand({ Bucket: 'acme-access-logs' }));
  await setup.s3.send(
    new PutBucketPolicyCommand({
      Bucket: 'acme-access-logs',
      Policy: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Action: ['s3:PutObject'],
            Resource: 'arn:aws:s3:::acme-access-logs/*',
          },
        ],
      }),
    }),
  );
  const extra = { kmsKey: 'create', accessLogBucket: 'acme-access-logs' };
  const first = viaProxy();
  await converge(
    first,
    monitoringConfig({ ...extra, alarmEmails: ['secops@example.com', 'former@example.com'] }),
  );
  record(first);
  const second = viaProxy();
  const { plan } = await converge(second, monitoringConfig({ ...extra, alarms: ['cis'] }));
  expect(plan.operations.filter((o) => o.action === 'delete')).toHaveLength(5);
  record(second);
  const ops = new Set(recorded.map((c) => `${c.service}:${c.operation}`));
  for (const op of [
    'logs:DeleteMetricFilter',
    'cloudwatch:DeleteAlarms',
    'sns:Unsubscribe',
    's3:PutBucketLogging',
  ])
    expect(ops).toContain(op);
  for (const op of ['kms:CreateKey', 'kms:CreateAlias', 'kms:EnableKeyRotation', 'kms:DescribeKey'])
    expect(ops).toContain(op);

  // The account model follows the calls (tags written, aliases made) and is then used for the reads.
  const account = newAccountModel(ACCOUNT_ID, REGION);
  const apply = await checkCalls(recorded, role('apply', { CreateTrailKey: 'true' }), account);
  expect(describeDenials(apply)).toEqual('');
  const reads = recorded.filter((c) => isReadOperation(c.operation));
  const planDenials = await checkCalls(reads, role('plan', { CreateTrailKey: 'true' }), account);
  expect(describeDenials(planDenials)).toEqual('');
  // Without CreateTrailKey the same run is refused at the key, and only there.
  const without = await checkCalls(recorded, role('apply'), newAccountModel(ACCOUNT_ID, REGION));
  expect([...new Set(without.map((d) => d.call.service))]).toEqual(['kms']);
});
