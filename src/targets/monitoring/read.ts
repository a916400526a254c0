/**
 * Reads the baseline's resources with a fixed number of calls, whatever the account holds.
 * Reads only; a resource that does not exist reads as null.
 */
import {
  GetBucketEncryptionCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
} from '@aws-sdk/client-s3';
import {
  DescribeLogGroupsCommand,
  DescribeMetricFiltersCommand,
  ListTagsForResourceCommand as ListLogTagsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { GetRoleCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  ListTagsCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  GetTopicAttributesCommand,
  ListSubscriptionsByTopicCommand,
  ListTagsForResourceCommand as ListTopicTagsCommand,
} from '@aws-sdk/client-sns';
import {
  DescribeAlarmsCommand,
  ListTagsForResourceCommand as ListAlarmTagsCommand,
} from '@aws-sdk/client-cloudwatch';
import { DescribeKeyCommand, GetKeyPolicyCommand, GetKeyRotationStatusCommand } from '@aws-sdk/client-kms';
import { DescribeOrganizationCommand } from '@aws-sdk/client-organizations';
import type { AwsClients } from '../../aws/clients.js';
import type { MonitoringConfig } from '../../model/desired.js';
import type {
  ActualAlarm,
  ActualBucket,
  ActualKmsKey,
  ActualLogGroup,
  ActualMetricFilter,
  ActualMonitoring,
  ActualOrganization,
  ActualRole,
  ActualTopic,
  ActualTrail,
} from './actual.js';
import { hasCode, httpStatus, orMissing, tagMap, withContext } from './aws-errors.js';
import { defaultBucketName, KEY_ALIAS, ROLE_NAME, ROLE_POLICY_NAME, topicArnFor } from './desired.js';
import { NAME_PREFIX, selectFilters } from './filters.js';
import { parsePolicy } from './policies.js';

export async function readMonitoring(
  clients: AwsClients,
  config: MonitoringConfig,
  accountId: string,
): Promise<ActualMonitoring | null> {
  if (!config.enabled) return null;
  const region = clients.region;
  const wanted = new Set(selectFilters(config.alarms).map((f) => f.name));
  const [bucket, logGroup, role, trail, topic, metricFilters, alarms, kmsKey, organization] =
    await Promise.all([
      withContext('reading the trail bucket', () =>
        readBucket(
          clients,
          config.bucket ?? defaultBucketName(accountId, region),
          config.accessLogBucket !== null,
        ),
      ),
      withContext('reading the trail log group', () => readLogGroup(clients, config.logGroup)),
      withContext('reading the CloudTrail delivery role', () => readRole(clients)),
      withContext('reading the trail', () => readTrail(clients, config.trailName, region)),
      withContext('reading the alarm topic', () => readTopic(clients, topicArnFor(accountId, region))),
      withContext('reading the metric filters', () => readMetricFilters(clients, config.logGroup)),
      withContext('reading the alarms', () => readAlarms(clients, wanted)),
      config.kmsKey === 'create'
        ? withContext('reading the trail key', () => readKey(clients))
        : Promise.resolve(undefined),
      config.organizationTrail
        ? withContext('reading the organization (organizations:DescribeOrganization)', () =>
            readOrganization(clients),
          )
        : Promise.resolve(undefined),
    ]);
  return {
    bucket,
    logGroup,
    role,
    trail,
    topic,
    metricFilters,
    alarms,
    ...(kmsKey === undefined ? {} : { kmsKey }),
    ...(organization === undefined ? {} : { organization }),
  };
}

const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** The organization id an organization trail writes under; null when the account is in none. */
async function readOrganization(clients: AwsClients): Promise<ActualOrganization | null> {
  const res = await orMissing(() => clients.organizations.send(new DescribeOrganizationCommand({})), null, [
    'AWSOrganizationsNotInUseException',
  ]);
  const org = res?.Organization;
  if (!org?.Id) return null;
  // The id goes into the bucket and delivery-role policies: only the documented shape passes.
  if (!ORGANIZATION_ID.test(org.Id))
    throw new Error(`DescribeOrganization answered an organization id of unexpected form`);
  return { id: org.Id, managementAccountId: org.MasterAccountId ?? '' };
}

async function readBucket(
  clients: AwsClients,
  name: string,
  withLogging: boolean,
): Promise<ActualBucket | null> {
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch (err) {
    if (httpStatus(err) === 404 || hasCode(err, 'NotFound', 'NoSuchBucket')) return null;
    if (httpStatus(err) === 403 || hasCode(err, 'Forbidden')) {
      return { name, foreign: true, tags: {}, policy: null, publicAccessBlock: null, encryption: null };
    }
    throw err;
  }
  const [policy, pab, enc, tags, logging] = await Promise.all([
    orMissing(() => clients.s3.send(new GetBucketPolicyCommand({ Bucket: name })), null, [
      'NoSuchBucketPolicy',
    ]),
    orMissing(() => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: name })), null, [
      'NoSuchPublicAccessBlockConfiguration',
    ]),
    orMissing(() => clients.s3.send(new GetBucketEncryptionCommand({ Bucket: name })), null, [
      'ServerSideEncryptionConfigurationNotFoundError',
    ]),
    orMissing(() => clients.s3.send(new GetBucketTaggingCommand({ Bucket: name })), null, ['NoSuchTagSet']),
    withLogging ? clients.s3.send(new GetBucketLoggingCommand({ Bucket: name })) : Promise.resolve(undefined),
  ]);
  const target = logging?.LoggingEnabled;
  const pabConfig = pab?.PublicAccessBlockConfiguration;
  const rule = enc?.ServerSideEncryptionConfiguration?.Rules?.[0];
  return {
    name,
    foreign: false,
    tags: tagMap(tags?.TagSet),
    policy: parsePolicy(policy?.Policy),
    publicAccessBlock: pabConfig
      ? {
          BlockPublicAcls: pabConfig.BlockPublicAcls === true,
          IgnorePublicAcls: pabConfig.IgnorePublicAcls === true,
          BlockPublicPolicy: pabConfig.BlockPublicPolicy === true,
          RestrictPublicBuckets: pabConfig.RestrictPublicBuckets === true,
        }
      : null,
    encryption: rule?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? null,
    ...(logging === undefined
      ? {}
      : {
          accessLogging: target?.TargetBucket
            ? { targetBucket: target.TargetBucket, targetPrefix: target.TargetPrefix ?? '' }
            : null,
        }),
  };
}

async function readLogGroup(clients: AwsClients, name: string): Promise<ActualLogGroup | null> {
  const res = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  const group = res.logGroups?.find((g) => g.logGroupName === name);
  if (!group) return null;
  const arn = (group.arn ?? '').replace(/:\*$/, '');
  const tags = await orMissing(
    () => clients.logs.send(new ListLogTagsCommand({ resourceArn: arn })),
    { tags: {} },
    ['ResourceNotFoundException'],
  );
  return { name, arn, retentionDays: group.retentionInDays ?? null, tags: tagMap(tags.tags) };
}

async function readRole(clients: AwsClients): Promise<ActualRole | null> {
  const got = await orMissing(() => clients.iam.send(new GetRoleCommand({ RoleName: ROLE_NAME })), null, [
    'NoSuchEntity',
  ]);
  if (!got?.Role) return null;
  const inline = await orMissing(
    () => clients.iam.send(new GetRolePolicyCommand({ RoleName: ROLE_NAME, PolicyName: ROLE_POLICY_NAME })),
    null,
    ['NoSuchEntity'],
  );
  return {
    name: ROLE_NAME,
    arn: got.Role.Arn ?? '',
    trustPolicy: parsePolicy(got.Role.AssumeRolePolicyDocument),
    policy: parsePolicy(inline?.PolicyDocument),
    tags: tagMap(got.Role.Tags),
  };
}

async function readTrail(clients: AwsClients, name: string, region: string): Promise<ActualTrail | null> {
  // The emulator ignores trailNameList, and AWS adds shadow copies of other regions' trails: match by name.
  const res = await orMissing(
    () => clients.cloudtrail.send(new DescribeTrailsCommand({ trailNameList: [name] })),
    { trailList: [] },
    ['TrailNotFoundException'],
  );
  const same = (res.trailList ?? []).filter((t) => t.Name === name);
  const trail = same.find((t) => t.HomeRegion === region) ?? same[0];
  if (!trail?.TrailARN) return null;
  const base: ActualTrail = {
    name,
    arn: trail.TrailARN,
    homeRegion: trail.HomeRegion ?? region,
    s3BucketName: trail.S3BucketName ?? null,
    isMultiRegionTrail: trail.IsMultiRegionTrail === true,
    includeGlobalServiceEvents: trail.IncludeGlobalServiceEvents === true,
    logFileValidationEnabled: trail.LogFileValidationEnabled === true,
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn ?? null,
    cloudWatchLogsRoleArn: trail.CloudWatchLogsRoleArn ?? null,
    kmsKeyId: trail.KmsKeyId ?? null,
    isLogging: null,
    isOrganizationTrail: trail.IsOrganizationTrail === true,
    eventSelectors: [],
    advancedEventSelectors: 0,
    tags: {},
  };
  if (base.homeRegion !== region) return base;
  const [status, selectors, tags] = await Promise.all([
    clients.cloudtrail.send(new GetTrailStatusCommand({ Name: trail.TrailARN })),
    clients.cloudtrail.send(new GetEventSelectorsCommand({ TrailName: trail.TrailARN })),
    clients.cloudtrail.send(new ListTagsCommand({ ResourceIdList: [trail.TrailARN] })),
  ]);
  return {
    ...base,
    isLogging: status.IsLogging === true,
    eventSelectors: (selectors.EventSelectors ?? []).map((s) => ({
      ReadWriteType: s.ReadWriteType ?? null,
      IncludeManagementEvents: s.IncludeManagementEvents ?? null,
      DataResources: s.DataResources ?? [],
      ExcludeManagementEventSources: s.ExcludeManagementEventSources ?? [],
    })),
    advancedEventSelectors: selectors.AdvancedEventSelectors?.length ?? 0,
    tags: tagMap(tags.ResourceTagList?.find((r) => r.ResourceId === trail.TrailARN)?.TagsList),
  };
}

async function readTopic(clients: AwsClients, arn: string): Promise<ActualTopic | null> {
  const attrs = await orMissing(
    () => clients.sns.send(new GetTopicAttributesCommand({ TopicArn: arn })),
    null,
    ['NotFound', 'NotFoundException'],
  );
  if (!attrs) return null;
  const subscriptions: ActualTopic['subscriptions'] = [];
  let token: string | undefined;
  do {
    const page = await clients.sns.send(
      new ListSubscriptionsByTopicCommand({ TopicArn: arn, NextToken: token }),
    );
    for (const s of page.Subscriptions ?? []) {
      subscriptions.push({
        endpoint: s.Endpoint ?? '',
        protocol: s.Protocol ?? '',
        subscriptionArn: s.SubscriptionArn ?? '',
      });
    }
    token = page.NextToken;
  } while (token);
  const tags = await clients.sns.send(new ListTopicTagsCommand({ ResourceArn: arn }));
  return {
    arn,
    policy: parsePolicy(attrs.Attributes?.Policy),
    tags: tagMap(tags.Tags),
    subscriptions,
  };
}

async function readMetricFilters(clients: AwsClients, logGroup: string): Promise<ActualMetricFilter[]> {
  const byName = new Map<string, ActualMetricFilter>();
  let token: string | undefined;
  do {
    const page = await orMissing(
      () =>
        clients.logs.send(
          new DescribeMetricFiltersCommand({
            logGroupName: logGroup,
            filterNamePrefix: NAME_PREFIX,
            nextToken: token,
          }),
        ),
      { metricFilters: [], nextToken: undefined },
      ['ResourceNotFoundException'],
    );
    for (const f of page.metricFilters ?? []) {
      if (!f.filterName || (f.logGroupName && f.logGroupName !== logGroup)) continue;
      // The emulator appends a duplicate on every put of the same name; the last one is current.
      byName.set(f.filterName, {
        name: f.filterName,
        logGroup,
        pattern: f.filterPattern ?? '',
        transformations: (f.metricTransformations ?? []).map((t) => ({
          metricName: t.metricName ?? '',
          metricNamespace: t.metricNamespace ?? '',
          metricValue: t.metricValue ?? '',
        })),
      });
    }
    token = page.nextToken;
  } while (token);
  return [...byName.values()];
}

/**
 * The alarms under the prefix; tags are read only for those the config no longer asks for, so a
 * converged account costs one call and a removal one more per removed alarm.
 */
async function readAlarms(clients: AwsClients, wanted: ReadonlySet<string>): Promise<ActualAlarm[]> {
  const out: ActualAlarm[] = [];
  let token: string | undefined;
  do {
    const page = await clients.cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNamePrefix: NAME_PREFIX, NextToken: token }),
    );
    for (const a of page.MetricAlarms ?? []) {
      // The emulator applies only one filter, so the prefix is checked here too.
      if (!a.AlarmName?.startsWith(NAME_PREFIX)) continue;
      out.push({
        name: a.AlarmName,
        description: a.AlarmDescription ?? null,
        metricName: a.MetricName ?? null,
        namespace: a.Namespace ?? null,
        statistic: a.Statistic ?? null,
        period: a.Period ?? null,
        evaluationPeriods: a.EvaluationPeriods ?? null,
        threshold: a.Threshold ?? null,
        comparisonOperator: a.ComparisonOperator ?? null,
        treatMissingData: a.TreatMissingData ?? null,
        alarmActions: a.AlarmActions ?? [],
        actionsEnabled: a.ActionsEnabled ?? null,
        dimensions: a.Dimensions?.length ?? 0,
        ...(a.AlarmArn ? { arn: a.AlarmArn } : {}),
      });
    }
    token = page.NextToken;
  } while (token);
  await Promise.all(
    out
      .filter((a) => !wanted.has(a.name) && a.arn)
      .map(async (a) => {
        const res = await orMissing(
          () => clients.cloudwatch.send(new ListAlarmTagsCommand({ ResourceARN: a.arn })),
          { Tags: [] },
          ['ResourceNotFound', 'ResourceNotFoundException'],
        );
        a.tags = tagMap(res.Tags);
      }),
  );
  return out;
}

/** The key behind the alias iam-gitops gives the key it creates; null when the alias does not exist. */
async function readKey(clients: AwsClients): Promise<ActualKmsKey | null> {
  const described = await orMissing(
    () => clients.kms.send(new DescribeKeyCommand({ KeyId: KEY_ALIAS })),
    null,
    ['NotFoundException'],
  );
  const meta = described?.KeyMetadata;
  if (!meta?.Arn || !meta.KeyId) return null;
  const [policy, rotation] = await Promise.all([
    clients.kms.send(new GetKeyPolicyCommand({ KeyId: meta.KeyId, PolicyName: 'default' })),
    clients.kms.send(new GetKeyRotationStatusCommand({ KeyId: meta.KeyId })),
  ]);
  return {
    arn: meta.Arn,
    keyId: meta.KeyId,
    state: meta.KeyState ?? 'Unknown',
    policy: parsePolicy(policy.Policy),
    rotation: rotation.KeyRotationEnabled === true,
  };
}
