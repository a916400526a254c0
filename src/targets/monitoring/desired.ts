/** The baseline as exact settings: names, ARNs and documents derived from the config. */
import { MANAGED_TAG, type MonitoringConfig } from '../../model/desired.js';
import { selectFilters, CIS_MODE, type FilterItem } from './filters.js';
import {
  bucketPolicy,
  trailKeyPolicy,
  topicPolicy,
  trailRolePolicy,
  trailRoleTrustPolicy,
  type PolicyJson,
} from './policies.js';

export const ROLE_NAME = 'iam-gitops-cloudtrail-logs';
export const ROLE_POLICY_NAME = 'cloudtrail-to-cloudwatch-logs';
const TOPIC_NAME = 'iam-gitops-alarms';
/** How the key iam-gitops creates is found again: key ids are random, the alias is not. */
export const KEY_ALIAS = 'alias/iam-gitops-cloudtrail';
const MANAGED_TAGS: Record<string, string> = { [MANAGED_TAG.key]: MANAGED_TAG.value };

export interface BaselineContext {
  accountId: string;
  region: string;
  /**
   * The organization's id, for monitoring.organizationTrail (read with DescribeOrganization);
   * null/absent → OFFLINE_ORGANIZATION_ID, as an offline plan stands in for the account id.
   */
  organizationId?: string | null;
}

/** Stands in for the organization id where none was read (an offline plan). */
export const OFFLINE_ORGANIZATION_ID = 'o-0000000000';

export interface DesiredEventSelector {
  ReadWriteType: 'All';
  IncludeManagementEvents: true;
  DataResources: [];
  ExcludeManagementEventSources: [];
}

export interface DesiredFilter {
  item: string;
  set: 'cis' | 'custom';
  title: string;
  control: string | null;
  filterName: string;
  logGroup: string;
  pattern: string;
  metricName: string;
  namespace: string;
  metricValue: '1';
}

export interface DesiredAlarm {
  item: string;
  set: 'cis' | 'custom';
  alarmName: string;
  description: string;
  metricName: string;
  namespace: string;
  statistic: 'Sum';
  period: number;
  evaluationPeriods: 1;
  threshold: 1;
  comparisonOperator: 'GreaterThanOrEqualToThreshold';
  treatMissingData: 'notBreaching';
  alarmActions: string[];
  actionsEnabled: true;
}

export interface DesiredBaseline {
  bucket: {
    bucket: string;
    region: string;
    policy: PolicyJson;
    publicAccessBlock: {
      BlockPublicAcls: true;
      IgnorePublicAcls: true;
      BlockPublicPolicy: true;
      RestrictPublicBuckets: true;
    };
    encryption: 'AES256';
    tags: Record<string, string>;
    /** S3 server access logging into monitoring.accessLogBucket; absent → not managed. */
    accessLogging?: { targetBucket: string; targetPrefix: string };
  };
  /** The trail's key when iam-gitops creates it (monitoring.kmsKey: create); null otherwise. */
  kmsKey: {
    alias: string;
    aliasArn: string;
    description: string;
    policy: PolicyJson;
    rotation: true;
  } | null;
  logGroup: { logGroup: string; arn: string; retentionDays: number; tags: Record<string, string> };
  role: {
    roleName: string;
    arn: string;
    trustPolicy: PolicyJson;
    policyName: string;
    policy: PolicyJson;
    tags: Record<string, string>;
  };
  trail: {
    trailName: string;
    arn: string;
    homeRegion: string;
    s3BucketName: string;
    isMultiRegionTrail: true;
    includeGlobalServiceEvents: true;
    enableLogFileValidation: true;
    cloudWatchLogsLogGroupArn: string;
    cloudWatchLogsRoleArn: string;
    /** Alias ARN of the created key or the configured key ARN; absent → no KMS encryption asked for. */
    kmsKeyId?: string;
    eventSelectors: DesiredEventSelector[];
    isLogging: true;
    /** Present (true) only for monitoring.organizationTrail, so a single account's plan is as before. */
    isOrganizationTrail?: boolean;
    tags: Record<string, string>;
  };
  topic: { topicName: string; topicArn: string; policy: PolicyJson; tags: Record<string, string> };
  emails: string[];
  mode: typeof CIS_MODE;
  /** monitoring.namespace: the metrics of every filter iam-gitops writes. */
  namespace: string;
  filters: DesiredFilter[];
  alarms: DesiredAlarm[];
}

export function defaultBucketName(accountId: string, region: string): string {
  return `iam-gitops-trail-${accountId}-${region}`;
}

export function topicArnFor(accountId: string, region: string): string {
  return `arn:aws:sns:${region}:${accountId}:${TOPIC_NAME}`;
}

export function desiredBaseline(config: MonitoringConfig, ctx: BaselineContext): DesiredBaseline {
  const { accountId, region } = ctx;
  const bucket = config.bucket ?? defaultBucketName(accountId, region);
  const trailArn = `arn:aws:cloudtrail:${region}:${accountId}:trail/${config.trailName}`;
  const logGroupArn = `arn:aws:logs:${region}:${accountId}:log-group:${config.logGroup}`;
  const roleArn = `arn:aws:iam::${accountId}:role/${ROLE_NAME}`;
  const topicArn = topicArnFor(accountId, region);
  const aliasArn = `arn:aws:kms:${region}:${accountId}:${KEY_ALIAS}`;
  const filters = selectFilters(config.alarms);
  const orgId = config.organizationTrail ? (ctx.organizationId ?? OFFLINE_ORGANIZATION_ID) : null;
  return {
    bucket: {
      bucket,
      region,
      policy: bucketPolicy(bucket, accountId, trailArn, orgId),
      publicAccessBlock: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
      encryption: 'AES256',
      tags: { ...MANAGED_TAGS },
      ...(config.accessLogBucket
        ? { accessLogging: { targetBucket: config.accessLogBucket, targetPrefix: `s3-access/${bucket}/` } }
        : {}),
    },
    kmsKey:
      config.kmsKey === 'create'
        ? {
            alias: KEY_ALIAS,
            aliasArn,
            description: `Encrypts the log files of CloudTrail trail ${config.trailName} (iam-gitops)`,
            policy: trailKeyPolicy(accountId, trailArn),
            rotation: true,
          }
        : null,
    logGroup: {
      logGroup: config.logGroup,
      arn: logGroupArn,
      retentionDays: config.retentionDays,
      tags: { ...MANAGED_TAGS },
    },
    role: {
      roleName: ROLE_NAME,
      arn: roleArn,
      trustPolicy: trailRoleTrustPolicy(),
      policyName: ROLE_POLICY_NAME,
      policy: trailRolePolicy(region, accountId, config.logGroup, orgId),
      tags: { ...MANAGED_TAGS },
    },
    trail: {
      trailName: config.trailName,
      arn: trailArn,
      homeRegion: region,
      s3BucketName: bucket,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      // CloudTrail wants the log-group ARN with the `:*` suffix.
      cloudWatchLogsLogGroupArn: `${logGroupArn}:*`,
      cloudWatchLogsRoleArn: roleArn,
      ...(config.kmsKey ? { kmsKeyId: config.kmsKey === 'create' ? aliasArn : config.kmsKey } : {}),
      eventSelectors: [
        {
          ReadWriteType: 'All',
          IncludeManagementEvents: true,
          DataResources: [],
          ExcludeManagementEventSources: [],
        },
      ],
      isLogging: true,
      ...(orgId ? { isOrganizationTrail: true } : {}),
      tags: { ...MANAGED_TAGS },
    },
    topic: {
      topicName: TOPIC_NAME,
      topicArn,
      policy: topicPolicy(topicArn, region, accountId),
      tags: { ...MANAGED_TAGS },
    },
    emails: [...new Set(config.alarmEmails)],
    mode: CIS_MODE,
    namespace: config.namespace,
    filters: filters.map((f) => desiredFilter(f, config)),
    alarms: filters.map((f) => desiredAlarm(f, config, topicArn)),
  };
}

function desiredFilter(f: FilterItem, config: MonitoringConfig): DesiredFilter {
  return {
    item: f.item,
    set: f.set,
    title: f.title,
    control: f.control,
    filterName: f.name,
    logGroup: config.logGroup,
    pattern: f.pattern,
    metricName: f.name,
    namespace: config.namespace,
    metricValue: '1',
  };
}

function desiredAlarm(f: FilterItem, config: MonitoringConfig, topicArn: string): DesiredAlarm {
  const label = f.set === 'cis' ? `CIS ${f.item}` : 'iam-gitops custom alarm';
  return {
    item: f.item,
    set: f.set,
    alarmName: f.name,
    description: `${label}: ${f.title}`,
    metricName: f.name,
    namespace: config.namespace,
    statistic: 'Sum',
    period: config.period,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
    alarmActions: [topicArn],
    actionsEnabled: true,
  };
}
