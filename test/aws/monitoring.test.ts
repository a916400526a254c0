/**
 * The monitoring baseline against the emulator: built from nothing, converged (no second plan),
 * drift repaired, ownership enforced, and the requests checked where moto is lax.
 */
import { readFileSync } from 'node:fs';
import { PutMetricFilterCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetTrailStatusCommand, StopLoggingCommand, UpdateTrailCommand } from '@aws-sdk/client-cloudtrail';
import { GetTopicAttributesCommand } from '@aws-sdk/client-sns';
import { DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';
import {
  createMonitoringHandlers,
  planMonitoring,
  readMonitoring,
} from '../../src/targets/monitoring/index.js';
import type { ActualMonitoring } from '../../src/targets/monitoring/actual.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { MonitoringConfig } from '../../src/model/desired.js';
import { applyContext, monitoringConfig, runOperations } from '../unit/monitoring/support.js';

const expected = JSON.parse(
  readFileSync(new URL('../fixtures/cloudtrail/expected-patterns.json', import.meta.url), 'utf8'),
) as { patterns: Record<string, string> };

const BUCKET = `iam-gitops-trail-${ACCOUNT_ID}-${REGION}`;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/iam-gitops`;
const TOPIC_ARN = `arn:aws:sns:${REGION}:${ACCOUNT_ID}:iam-gitops-alarms`;
const ctxFor = (adopt = false) => ({ accountId: ACCOUNT_ID, region: REGION, adopt });

const moto = useMoto();

const handlers = createMonitoringHandlers({ sleep: async () => undefined });

async function converge(c: AwsClients, config: MonitoringConfig = monitoringConfig(), adopt = false) {
  const actual = await readMonitoring(c, config, ACCOUNT_ID);
  const plan = planMonitoring(config, actual, ctxFor(adopt));
  expect(plan.errors).toEqual([]);
  const outcomes = await runOperations(plan.operations, handlers, applyContext(c));
  return { plan, outcomes };
}

const requests = (c: AwsClients, operation: string) =>
  c.calls.calls.filter((x) => x.operation === operation).map((x) => x.input);

test('the full baseline is created from nothing, then a fresh read plans nothing and writes nothing', async () => {
  const c = moto.clients();
  const { plan, outcomes } = await converge(c);
  const count = (type: string) => plan.operations.filter((o) => o.type === type).length;
  expect(plan.operations.every((o) => o.action === 'create')).toBe(true);
  expect([
    count('bucket'),
    count('log-group'),
    count('role'),
    count('trail'),
    count('topic'),
    count('subscription'),
  ]).toEqual([1, 1, 1, 1, 1, 1]);
  expect(count('metric-filter')).toBe(17);
  expect(count('alarm')).toBe(17);
  expect(outcomes.get('subscription:secops@example.com')?.note).toBe('s***@example.com: Confirmed');

  // The trail really is multi-region, validated, wired to Logs and logging.
  const actual = (await readMonitoring(c, monitoringConfig(), ACCOUNT_ID)) as ActualMonitoring;
  expect(actual.trail).toMatchObject({
    isMultiRegionTrail: true,
    includeGlobalServiceEvents: true,
    logFileValidationEnabled: true,
    isLogging: true,
    s3BucketName: BUCKET,
    cloudWatchLogsLogGroupArn: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/iam-gitops/cloudtrail:*`,
    cloudWatchLogsRoleArn: `arn:aws:iam::${ACCOUNT_ID}:role/iam-gitops-cloudtrail-logs`,
    tags: { 'managed-by': 'iam-gitops' },
  });
  expect(actual.logGroup?.retentionDays).toBe(365);
  expect(actual.bucket?.encryption).toBe('AES256');
  expect(actual.metricFilters).toHaveLength(17);
  expect(actual.alarms).toHaveLength(17);

  // Second run: read + plan only, nothing to do, no write call.
  const fresh = moto.clients();
  const again = await readMonitoring(fresh, monitoringConfig(), ACCOUNT_ID);
  const second = planMonitoring(monitoringConfig(), again, ctxFor());
  expect(second).toEqual({
    operations: [],
    errors: [],
    unchanged: plan.operations.length,
    unchangedByType: {
      bucket: 1,
      'log-group': 1,
      role: 1,
      trail: 1,
      topic: 1,
      subscription: 1,
      'metric-filter': 17,
      alarm: 17,
    },
    pending: [],
  });
  expect(fresh.calls.writes()).toEqual([]);
  // A constant number of reads, whatever the account holds (17 filters and alarms read in one call each).
  expect(fresh.calls.snapshot()).toEqual({
    'cloudtrail:DescribeTrails': 1,
    'cloudtrail:GetEventSelectors': 1,
    'cloudtrail:GetTrailStatus': 1,
    'cloudtrail:ListTags': 1,
    'cloudwatch:DescribeAlarms': 1,
    'iam:GetRole': 1,
    'iam:GetRolePolicy': 1,
    'logs:DescribeLogGroups': 1,
    'logs:DescribeMetricFilters': 1,
    'logs:ListTagsForResource': 1,
    's3:GetBucketEncryption': 1,
    's3:GetBucketPolicy': 1,
    's3:GetBucketTagging': 1,
    's3:GetPublicAccessBlock': 1,
    's3:HeadBucket': 1,
    'sns:GetTopicAttributes': 1,
    'sns:ListSubscriptionsByTopic': 1,
    'sns:ListTagsForResource': 1,
  });
});

test('the requests themselves: exact patterns, bucket and topic policies, alarm settings, call order', async () => {
  const c = moto.clients();
  await converge(c);

  const filters = requests(c, 'PutMetricFilter') as Array<{
    filterName: string;
    filterPattern: string;
    metricTransformations: unknown[];
  }>;
  const sent = Object.fromEntries(
    filters.map((f) => [
      /^iam-gitops-(?:cis-(4\.\d+)-.*|(.*))$/.exec(f.filterName)!.slice(1).find(Boolean),
      f,
    ]),
  );
  expect(Object.keys(sent).sort()).toEqual(Object.keys(expected.patterns).sort());
  for (const [item, pattern] of Object.entries(expected.patterns)) {
    expect(sent[item]!.filterPattern).toBe(pattern);
    expect(sent[item]!.metricTransformations).toEqual([
      { metricName: sent[item]!.filterName, metricNamespace: 'IAMGitOps', metricValue: '1' },
    ]);
  }

  const [bucketPolicy] = requests(c, 'PutBucketPolicy') as Array<{ Policy: string }>;
  const doc = JSON.parse(bucketPolicy!.Policy);
  expect(doc.Statement).toEqual([
    expect.objectContaining({
      Effect: 'Allow',
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 's3:GetBucketAcl',
      Resource: `arn:aws:s3:::${BUCKET}`,
      Condition: { StringEquals: { 'aws:SourceArn': TRAIL_ARN } },
    }),
    expect.objectContaining({
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: `arn:aws:s3:::${BUCKET}/AWSLogs/${ACCOUNT_ID}/*`,
      Condition: {
        StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': TRAIL_ARN },
      },
    }),
    expect.objectContaining({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
  ]);
  expect(requests(c, 'CreateBucket')).toEqual([{ Bucket: BUCKET }]);
  expect(requests(c, 'PutPublicAccessBlock')[0]).toMatchObject({
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  });

  const [topicAttr] = requests(c, 'SetTopicAttributes') as Array<{
    AttributeName: string;
    AttributeValue: string;
  }>;
  expect(topicAttr!.AttributeName).toBe('Policy');
  const topicDoc = JSON.parse(topicAttr!.AttributeValue);
  expect(topicDoc.Statement[0]).toMatchObject({
    Effect: 'Allow',
    Principal: { Service: 'cloudwatch.amazonaws.com' },
    Action: 'sns:Publish',
    Resource: TOPIC_ARN,
    Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${REGION}:${ACCOUNT_ID}:alarm:*` } },
  });
  expect(topicDoc.Statement[1]).toMatchObject({
    Effect: 'Deny',
    Condition: { Bool: { 'aws:SecureTransport': 'false' } },
  });
  // Only CloudWatch may publish: no other Allow.
  expect(topicDoc.Statement.filter((s: { Effect: string }) => s.Effect === 'Allow')).toHaveLength(1);
  const stored = await c.sns.send(new GetTopicAttributesCommand({ TopicArn: TOPIC_ARN }));
  expect(JSON.parse(stored.Attributes!.Policy!)).toEqual(topicDoc);

  const [rolePolicy] = requests(c, 'PutRolePolicy') as Array<{ PolicyDocument: string }>;
  expect(JSON.parse(rolePolicy!.PolicyDocument).Statement[0]).toMatchObject({
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: `arn:aws:logs:${REGION}:${ACCOUNT_ID}:log-group:/iam-gitops/cloudtrail:log-stream:${ACCOUNT_ID}_CloudTrail_${REGION}*`,
  });
  const [createRole] = requests(c, 'CreateRole') as Array<{ AssumeRolePolicyDocument: string }>;
  expect(JSON.parse(createRole!.AssumeRolePolicyDocument).Statement[0]).toMatchObject({
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 'sts:AssumeRole',
  });

  expect(requests(c, 'CreateTrail')).toEqual([
    expect.objectContaining({
      Name: 'iam-gitops',
      S3BucketName: BUCKET,
      IsMultiRegionTrail: true,
      IncludeGlobalServiceEvents: true,
      EnableLogFileValidation: true,
    }),
  ]);
  expect(requests(c, 'PutEventSelectors')[0]).toMatchObject({
    EventSelectors: [
      { ReadWriteType: 'All', IncludeManagementEvents: true, ExcludeManagementEventSources: [] },
    ],
  });
  expect(requests(c, 'StartLogging')).toEqual([{ Name: 'iam-gitops' }]);

  const alarms = requests(c, 'PutMetricAlarm');
  expect(alarms).toHaveLength(17);
  for (const a of alarms) {
    expect(a).toMatchObject({
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [TOPIC_ARN],
      ActionsEnabled: true,
      Namespace: 'IAMGitOps',
    });
    expect(a.MetricName).toBe(a.AlarmName);
  }

  // Order of cis-monitoring §1: bucket policy before the trail, trail before filters, topic before alarms.
  const order = c.calls.calls.map((x) => x.operation);
  const first = (op: string) => order.indexOf(op);
  expect(first('PutBucketPolicy')).toBeLessThan(first('CreateTrail'));
  expect(first('CreateLogGroup')).toBeLessThan(first('CreateTrail'));
  expect(first('PutRolePolicy')).toBeLessThan(first('CreateTrail'));
  expect(first('CreateTrail')).toBeLessThan(first('StartLogging'));
  expect(first('SetTopicAttributes')).toBeLessThan(first('PutMetricAlarm'));
  expect(first('PutMetricFilter')).toBeLessThan(first('PutMetricAlarm'));
});

test('drift is shown as updates with the drifted fields and repaired through UpdateTrail', async () => {
  const setup = moto.clients();
  await converge(setup);
  const cis41 = 'iam-gitops-cis-4.1-unauthorized-api-calls';
  await setup.logs.send(
    new PutMetricFilterCommand({
      logGroupName: '/iam-gitops/cloudtrail',
      filterName: cis41,
      filterPattern: '{ $.errorCode = "AccessDenied" }',
      metricTransformations: [{ metricName: cis41, metricNamespace: 'IAMGitOps', metricValue: '1' }],
    }),
  );
  await setup.cloudtrail.send(new UpdateTrailCommand({ Name: 'iam-gitops', IsMultiRegionTrail: false }));
  await setup.cloudtrail.send(new StopLoggingCommand({ Name: 'iam-gitops' }));
  await setup.logs.send(
    new PutRetentionPolicyCommand({ logGroupName: '/iam-gitops/cloudtrail', retentionInDays: 30 }),
  );

  const c = moto.clients();
  const actual = await readMonitoring(c, monitoringConfig(), ACCOUNT_ID);
  const plan = planMonitoring(monitoringConfig(), actual, ctxFor());
  expect(plan.errors).toEqual([]);
  const summary = plan.operations.map((o) => [
    o.id,
    o.action,
    (o.details.drift as Array<{ field: string }>).map((d) => d.field),
  ]);
  expect(summary).toEqual([
    ['log-group:/iam-gitops/cloudtrail', 'update', ['retentionDays']],
    ['trail:iam-gitops', 'update', ['isMultiRegionTrail', 'isLogging']],
    [`metric-filter:${cis41}`, 'update', ['pattern']],
  ]);
  const filterOp = plan.operations[2]!;
  expect(filterOp.details.drift).toEqual([
    { field: 'pattern', actual: '{ $.errorCode = "AccessDenied" }', desired: expected.patterns['4.1'] },
  ]);
  expect(plan.operations[0]!.details.drift).toEqual([{ field: 'retentionDays', actual: 30, desired: 365 }]);

  await runOperations(plan.operations, handlers, applyContext(c));
  // The existing trail is updated, never created a second time (moto would silently replace it).
  expect(requests(c, 'CreateTrail')).toEqual([]);
  expect(requests(c, 'UpdateTrail')).toEqual([
    expect.objectContaining({ Name: 'iam-gitops', IsMultiRegionTrail: true }),
  ]);
  expect(requests(c, 'StartLogging')).toHaveLength(1);
  expect(requests(c, 'PutRetentionPolicy')).toEqual([
    { logGroupName: '/iam-gitops/cloudtrail', retentionInDays: 365 },
  ]);
  expect(requests(c, 'PutMetricFilter')).toEqual([
    expect.objectContaining({ filterPattern: expected.patterns['4.1'] }),
  ]);
  const status = await c.cloudtrail.send(new GetTrailStatusCommand({ Name: 'iam-gitops' }));
  expect(status.IsLogging).toBe(true);

  const after = planMonitoring(
    monitoringConfig(),
    await readMonitoring(c, monitoringConfig(), ACCOUNT_ID),
    ctxFor(),
  );
  expect(after).toMatchObject({ operations: [], errors: [] });
});

test('an alarm that lost its action and a topic that lost its policy are repaired', async () => {
  const setup = moto.clients();
  await converge(setup);
  const name = 'iam-gitops-console-login-failures';
  const current = await setup.cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  const a = current.MetricAlarms![0]!;
  const { PutMetricAlarmCommand } = await import('@aws-sdk/client-cloudwatch');
  await setup.cloudwatch.send(
    new PutMetricAlarmCommand({
      AlarmName: name,
      AlarmDescription: a.AlarmDescription,
      MetricName: a.MetricName,
      Namespace: a.Namespace,
      Statistic: 'Average',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [],
      ActionsEnabled: true,
    }),
  );
  const { SetTopicAttributesCommand } = await import('@aws-sdk/client-sns');
  await setup.sns.send(
    new SetTopicAttributesCommand({
      TopicArn: TOPIC_ARN,
      AttributeName: 'Policy',
      AttributeValue: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sns:Publish', Resource: TOPIC_ARN }],
      }),
    }),
  );
  const c = moto.clients();
  const plan = planMonitoring(
    monitoringConfig(),
    await readMonitoring(c, monitoringConfig(), ACCOUNT_ID),
    ctxFor(),
  );
  expect(
    plan.operations.map((o) => [o.id, (o.details.drift as Array<{ field: string }>).map((d) => d.field)]),
  ).toEqual([
    ['topic:iam-gitops-alarms', ['policy']],
    [`alarm:${name}`, ['statistic', 'alarmActions']],
  ]);
  expect(plan.operations[1]!.dependsOn).toEqual(['topic:iam-gitops-alarms']);
  await runOperations(plan.operations, handlers, applyContext(c));
  const after = planMonitoring(
    monitoringConfig(),
    await readMonitoring(c, monitoringConfig(), ACCOUNT_ID),
    ctxFor(),
  );
  expect(after.operations).toEqual([]);
});

test('a same-named trail and topic the tool does not manage are errors unless adopt is set', async () => {
  const setup = moto.clients();
  await converge(setup);
  const { RemoveTagsCommand } = await import('@aws-sdk/client-cloudtrail');
  const { UntagResourceCommand } = await import('@aws-sdk/client-sns');
  await setup.cloudtrail.send(
    new RemoveTagsCommand({ ResourceId: TRAIL_ARN, TagsList: [{ Key: 'managed-by', Value: 'iam-gitops' }] }),
  );
  await setup.sns.send(new UntagResourceCommand({ ResourceArn: TOPIC_ARN, TagKeys: ['managed-by'] }));

  const c = moto.clients();
  const actual = await readMonitoring(c, monitoringConfig(), ACCOUNT_ID);
  const refused = planMonitoring(monitoringConfig(), actual, ctxFor(false));
  expect(refused.errors).toHaveLength(2);
  expect(refused.errors[0]).toMatch(
    /^trail "iam-gitops" exists but is not managed by iam-gitops .*adopt: true/,
  );
  expect(refused.errors[1]).toMatch(/^SNS topic "iam-gitops-alarms" exists but is not managed/);
  expect(refused.operations).toEqual([]);

  const adopted = planMonitoring(monitoringConfig(), actual, ctxFor(true));
  expect(adopted.errors).toEqual([]);
  expect(adopted.operations.map((o) => [o.id, o.action, o.details.adopt])).toEqual([
    ['trail:iam-gitops', 'update', true],
    ['topic:iam-gitops-alarms', 'update', true],
  ]);
  await runOperations(adopted.operations, handlers, applyContext(c));
  expect(requests(c, 'CreateTrail')).toEqual([]);
  expect(requests(c, 'AddTags')).toEqual([
    { ResourceId: TRAIL_ARN, TagsList: [{ Key: 'managed-by', Value: 'iam-gitops' }] },
  ]);
  const after = planMonitoring(
    monitoringConfig(),
    await readMonitoring(c, monitoringConfig(), ACCOUNT_ID),
    ctxFor(),
  );
  expect(after).toMatchObject({ operations: [], errors: [] });
});

test('a delivery role CloudTrail does not accept yet is retried with backoff', async () => {
  let refusals = 2;
  const refuse = (client: { middlewareStack: { add: (...a: unknown[]) => void } }, service: string) => {
    if (service !== 'cloudtrail') return;
    client.middlewareStack.add(
      (next: (a: unknown) => Promise<unknown>, context: { commandName?: string }) =>
        async (args: unknown) => {
          if (context.commandName === 'CreateTrailCommand' && refusals-- > 0) {
            throw Object.assign(
              new Error('Access denied. Verify in IAM that the role has adequate permissions.'),
              {
                name: 'InvalidCloudWatchLogsRoleArnException',
              },
            );
          }
          return next(args);
        },
      { step: 'initialize', name: 'refuseRole' },
    );
  };
  const c = moto.clients({ plugins: [refuse] });
  const slept: number[] = [];
  const patient = createMonitoringHandlers({
    sleep: async (ms) => void slept.push(ms),
    roleRetryDelaysMs: [10, 20, 40],
  });
  const config = monitoringConfig();
  const plan = planMonitoring(config, await readMonitoring(c, config, ACCOUNT_ID), ctxFor());
  await runOperations(plan.operations, patient, applyContext(c));
  expect(slept).toEqual([10, 20]);
  expect(requests(c, 'CreateTrail')).toHaveLength(3);
  const after = planMonitoring(config, await readMonitoring(c, config, ACCOUNT_ID), ctxFor());
  expect(after.operations).toEqual([]);
});

test('re-running a create plan after a crash is safe: no second trail, no second subscription mail', async () => {
  const c = moto.clients();
  const config = monitoringConfig();
  const plan = planMonitoring(config, await readMonitoring(c, config, ACCOUNT_ID), ctxFor());
  await runOperations(plan.operations, handlers, applyContext(c));
  const rerun = moto.clients();
  const outcomes = await runOperations(plan.operations, handlers, applyContext(rerun));
  expect(requests(rerun, 'CreateTrail')).toEqual([]);
  expect(requests(rerun, 'UpdateTrail')).toHaveLength(1);
  expect(requests(rerun, 'StartLogging')).toEqual([]);
  expect(requests(rerun, 'Subscribe')).toEqual([]);
  expect(outcomes.get('subscription:secops@example.com')).toEqual({
    status: 'already-done',
    note: 's***@example.com: Confirmed',
  });
  // moto appended a second copy of every filter; the read still sees one per name.
  const actual = (await readMonitoring(rerun, config, ACCOUNT_ID)) as ActualMonitoring;
  expect(actual.metricFilters).toHaveLength(17);
  expect(planMonitoring(config, actual, ctxFor())).toMatchObject({
    operations: [],
    errors: [],
    unchanged: plan.operations.length,
  });
});

test('disabled monitoring reads nothing and plans nothing', async () => {
  const c = moto.clients();
  const config = monitoringConfig({ enabled: false });
  const actual = await readMonitoring(c, config, ACCOUNT_ID);
  expect(planMonitoring(config, actual, ctxFor())).toEqual({
    operations: [],
    errors: [],
    pending: [],
    unchanged: 0,
    unchangedByType: {},
  });
  expect(c.calls.total()).toBe(0);
});
