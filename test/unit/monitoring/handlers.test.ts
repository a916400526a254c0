/**
 * Handler paths the emulator cannot show: pending e-mail subscriptions, other regions, a bucket
 * name taken elsewhere, a role CloudTrail keeps refusing, a pattern that fails its self-test.
 */
import { mockClient } from 'aws-sdk-client-mock';
import { ListSubscriptionsByTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  PutBucketEncryptionCommand,
  PutBucketPolicyCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  CloudTrailClient,
  CreateTrailCommand,
  DescribeTrailsCommand,
  GetTrailStatusCommand,
  PutEventSelectorsCommand,
  StartLoggingCommand,
  UpdateTrailCommand,
} from '@aws-sdk/client-cloudtrail';
import { CloudWatchLogsClient, PutMetricFilterCommand } from '@aws-sdk/client-cloudwatch-logs';
import { createClients } from '../../../src/aws/clients.js';
import { createMonitoringHandlers } from '../../../src/targets/monitoring/index.js';
import { planMonitoring } from '../../../src/targets/monitoring/plan.js';
import type { Operation } from '../../../src/model/plan.js';
import { applyContext, monitoringConfig } from './support.js';

const sns = mockClient(SNSClient);
const s3 = mockClient(S3Client);
const ct = mockClient(CloudTrailClient);
const logs = mockClient(CloudWatchLogsClient);
beforeEach(() => {
  sns.reset();
  s3.reset();
  ct.reset();
  logs.reset();
});

const REGION = 'eu-west-1';
const clients = () =>
  createClients({ region: REGION, credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
const plan = planMonitoring(monitoringConfig(), null, {
  accountId: '111122223333',
  region: REGION,
  adopt: false,
});
const op = (id: string): Operation => structuredClone(plan.operations.find((o) => o.id === id)!);
const handlers = createMonitoringHandlers({ sleep: async () => undefined, roleRetryDelaysMs: [1, 2] });
const TOPIC = 'arn:aws:sns:eu-west-1:111122223333:iam-gitops-alarms';

describe('subscription', () => {
  test('a new address is subscribed once and reported as pending confirmation', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: 'pending confirmation' });
    const out = await handlers.subscription!(op('subscription:secops@example.com'), applyContext(clients()));
    expect(out).toEqual({ status: 'done', note: 's***@example.com: PendingConfirmation' });
    expect(sns.commandCalls(SubscribeCommand).map((c) => c.args[0].input)).toEqual([
      { TopicArn: TOPIC, Protocol: 'email', Endpoint: 'secops@example.com' },
    ]);
  });

  test('an address already pending (on a later page) is not mailed again', async () => {
    sns
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: undefined })
      .resolves({
        Subscriptions: [{ Protocol: 'email', Endpoint: 'other@example.com', SubscriptionArn: `${TOPIC}:1` }],
        NextToken: 'page2',
      })
      .on(ListSubscriptionsByTopicCommand, { TopicArn: TOPIC, NextToken: 'page2' })
      .resolves({
        Subscriptions: [
          { Protocol: 'email', Endpoint: 'SECOPS@example.com', SubscriptionArn: 'PendingConfirmation' },
        ],
      });
    const out = await handlers.subscription!(op('subscription:secops@example.com'), applyContext(clients()));
    expect(out).toEqual({ status: 'already-done', note: 's***@example.com: PendingConfirmation' });
    expect(sns.commandCalls(SubscribeCommand)).toHaveLength(0);
    expect(sns.commandCalls(ListSubscriptionsByTopicCommand)).toHaveLength(2);
  });

  test('a confirmed subscription is reported as confirmed', async () => {
    sns.on(ListSubscriptionsByTopicCommand).resolves({ Subscriptions: [] });
    sns.on(SubscribeCommand).resolves({ SubscriptionArn: `${TOPIC}:abcd` });
    const out = await handlers.subscription!(op('subscription:secops@example.com'), applyContext(clients()));
    expect(out.note).toBe('s***@example.com: Confirmed');
  });
});

describe('bucket', () => {
  test('outside us-east-1 the bucket is created with a location constraint and fully configured', async () => {
    s3.on(CreateBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).rejects(Object.assign(new Error('no tags'), { name: 'NoSuchTagSet' }));
    const out = await handlers.bucket!(
      op('bucket:iam-gitops-trail-111122223333-eu-west-1'),
      applyContext(clients()),
    );
    expect(out.status).toBe('done');
    expect(s3.commandCalls(CreateBucketCommand)[0]!.args[0].input).toEqual({
      Bucket: 'iam-gitops-trail-111122223333-eu-west-1',
      CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' },
    });
    expect(s3.commandCalls(PutPublicAccessBlockCommand)).toHaveLength(1);
    expect(
      s3.commandCalls(PutBucketEncryptionCommand)[0]!.args[0].input.ServerSideEncryptionConfiguration,
    ).toEqual({
      Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    const policy = JSON.parse(s3.commandCalls(PutBucketPolicyCommand)[0]!.args[0].input.Policy!);
    expect(policy.Statement[0].Condition).toEqual({
      StringEquals: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:111122223333:trail/iam-gitops' },
    });
    expect(s3.commandCalls(PutBucketTaggingCommand)[0]!.args[0].input.Tagging).toEqual({
      TagSet: [{ Key: 'managed-by', Value: 'iam-gitops' }],
    });
  });

  test('a re-run on a bucket we own goes on; tags others set are kept', async () => {
    s3.on(CreateBucketCommand).rejects(
      Object.assign(new Error('owned'), { name: 'BucketAlreadyOwnedByYou' }),
    );
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'team', Value: 'secops' }] });
    await handlers.bucket!(op('bucket:iam-gitops-trail-111122223333-eu-west-1'), applyContext(clients()));
    expect(s3.commandCalls(PutBucketTaggingCommand)[0]!.args[0].input.Tagging!.TagSet).toEqual([
      { Key: 'team', Value: 'secops' },
      { Key: 'managed-by', Value: 'iam-gitops' },
    ]);
  });

  test('a name taken by another account stops with the fix, before any other write', async () => {
    s3.on(CreateBucketCommand).rejects(Object.assign(new Error('taken'), { name: 'BucketAlreadyExists' }));
    await expect(
      handlers.bucket!(op('bucket:iam-gitops-trail-111122223333-eu-west-1'), applyContext(clients())),
    ).rejects.toThrow(/taken by another AWS account: set monitoring.bucket/);
    expect(s3.commandCalls(PutBucketPolicyCommand)).toHaveLength(0);
  });

  test('an update writes only what drifted', async () => {
    const update: Operation = {
      ...op('bucket:iam-gitops-trail-111122223333-eu-west-1'),
      action: 'update',
    };
    update.details.drift = [{ field: 'policy', actual: null, desired: update.details.policy }];
    await handlers.bucket!(update, applyContext(clients()));
    expect(s3.calls().map((c) => c.args[0].constructor.name)).toEqual(['PutBucketPolicyCommand']);
  });
});

describe('trail', () => {
  test('an existing trail is updated, not created; logging is not restarted when on', async () => {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [
        {
          Name: 'iam-gitops',
          HomeRegion: 'us-east-1',
          TrailARN: 'arn:aws:cloudtrail:us-east-1:1:trail/iam-gitops',
        },
        {
          Name: 'iam-gitops',
          HomeRegion: REGION,
          TrailARN: 'arn:aws:cloudtrail:eu-west-1:1:trail/iam-gitops',
        },
      ],
    });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: true });
    const update: Operation = { ...op('trail:iam-gitops'), action: 'update' };
    update.details.drift = [{ field: 'isMultiRegionTrail', actual: false, desired: true }];
    await handlers.trail!(update, applyContext(clients()));
    expect(ct.commandCalls(CreateTrailCommand)).toHaveLength(0);
    expect(ct.commandCalls(UpdateTrailCommand)[0]!.args[0].input).toMatchObject({
      Name: 'iam-gitops',
      IsMultiRegionTrail: true,
      CloudWatchLogsLogGroupArn: 'arn:aws:logs:eu-west-1:111122223333:log-group:/iam-gitops/cloudtrail:*',
    });
    expect(ct.commandCalls(PutEventSelectorsCommand)).toHaveLength(0);
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(0);
  });

  test('a shadow copy from another region does not count as existing', async () => {
    ct.on(DescribeTrailsCommand).resolves({
      trailList: [
        { Name: 'iam-gitops', HomeRegion: 'us-east-1', TrailARN: 'arn:aws:cloudtrail:us-east-1:1:trail/x' },
      ],
    });
    ct.on(GetTrailStatusCommand).resolves({ IsLogging: false });
    await handlers.trail!(op('trail:iam-gitops'), applyContext(clients()));
    expect(ct.commandCalls(CreateTrailCommand)).toHaveLength(1);
    expect(ct.commandCalls(StartLoggingCommand)).toHaveLength(1);
  });

  test('a role refused after every retry fails the operation with the cause', async () => {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
    ct.on(CreateTrailCommand).rejects(
      Object.assign(new Error('Access denied. Verify in IAM that the role has adequate permissions.'), {
        name: 'InvalidCloudWatchLogsRoleArnException',
      }),
    );
    const log: string[] = [];
    await expect(handlers.trail!(op('trail:iam-gitops'), applyContext(clients(), log))).rejects.toThrow(
      /Verify in IAM/,
    );
    expect(ct.commandCalls(CreateTrailCommand)).toHaveLength(3);
    expect(log).toEqual([
      'CreateTrail: CloudTrail does not accept the delivery role yet; retrying in 1 ms',
      'CreateTrail: CloudTrail does not accept the delivery role yet; retrying in 2 ms',
    ]);
  });

  test('other errors are not retried', async () => {
    ct.on(DescribeTrailsCommand).resolves({ trailList: [] });
    ct.on(CreateTrailCommand).rejects(
      Object.assign(new Error('policy'), { name: 'InsufficientS3BucketPolicyException' }),
    );
    await expect(handlers.trail!(op('trail:iam-gitops'), applyContext(clients()))).rejects.toThrow('policy');
    expect(ct.commandCalls(CreateTrailCommand)).toHaveLength(1);
  });
});

describe('metric filter', () => {
  test('a pattern that fails its self-test is never written', async () => {
    const bad = op('metric-filter:iam-gitops-cis-4.3-root-usage');
    bad.details.pattern = '{$.userIdentity.type="Root"}';
    await expect(handlers['metric-filter']!(bad, applyContext(clients()))).rejects.toThrow(
      /refusing to write metric filter iam-gitops-cis-4.3-root-usage: metric filter 4.3: pattern self-test failed: fires on root-call-invoked-by-service/,
    );
    expect(logs.commandCalls(PutMetricFilterCommand)).toHaveLength(0);
  });

  test('a shipped pattern is written exactly as planned', async () => {
    logs.on(PutMetricFilterCommand).resolves({});
    const good = op('metric-filter:iam-gitops-cis-4.3-root-usage');
    const out = await handlers['metric-filter']!(good, applyContext(clients()));
    expect(out.status).toBe('done');
    expect(logs.commandCalls(PutMetricFilterCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/iam-gitops/cloudtrail',
      filterName: 'iam-gitops-cis-4.3-root-usage',
      filterPattern:
        '{$.userIdentity.type="Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType !="AwsServiceEvent"}',
      metricTransformations: [
        { metricName: 'iam-gitops-cis-4.3-root-usage', metricNamespace: 'IAMGitOps', metricValue: '1' },
      ],
    });
  });
});
