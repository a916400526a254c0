/** What the baseline's resources look like in the account (stored opaque in ActualState.monitoring). */

export interface ActualBucket {
  name: string;
  /** HeadBucket answered 403: the name belongs to another account. */
  foreign: boolean;
  tags: Record<string, string>;
  policy: Record<string, unknown> | null;
  publicAccessBlock: Record<string, boolean> | null;
  /** Default encryption algorithm (`AES256`, `aws:kms`), or null when none is configured. */
  encryption: string | null;
  /**
   * Server access logging: null when off; undefined when not read (monitoring.accessLogBucket unset,
   * so the baseline has no word on it).
   */
  accessLogging?: { targetBucket: string; targetPrefix: string } | null;
}

export interface ActualLogGroup {
  name: string;
  arn: string;
  retentionDays: number | null;
  tags: Record<string, string>;
}

export interface ActualRole {
  name: string;
  arn: string;
  trustPolicy: Record<string, unknown> | null;
  /** The inline policy the baseline writes, or null when absent. */
  policy: Record<string, unknown> | null;
  tags: Record<string, string>;
}

export interface ActualTrail {
  name: string;
  arn: string;
  homeRegion: string;
  s3BucketName: string | null;
  isMultiRegionTrail: boolean;
  includeGlobalServiceEvents: boolean;
  logFileValidationEnabled: boolean;
  cloudWatchLogsLogGroupArn: string | null;
  cloudWatchLogsRoleArn: string | null;
  /** The key that encrypts log files (AWS answers its ARN), or null. */
  kmsKeyId?: string | null;
  /** Null for a trail homed in another region (not readable here). */
  isLogging: boolean | null;
  /** IsOrganizationTrail: the trail logs every account of the organization. */
  isOrganizationTrail?: boolean;
  eventSelectors: Array<Record<string, unknown>>;
  advancedEventSelectors: number;
  tags: Record<string, string>;
}

export interface ActualSubscription {
  endpoint: string;
  protocol: string;
  /** `PendingConfirmation` while the recipient has not clicked the link. */
  subscriptionArn: string;
}

export interface ActualTopic {
  arn: string;
  policy: Record<string, unknown> | null;
  tags: Record<string, string>;
  subscriptions: ActualSubscription[];
}

/** The key iam-gitops creates for the trail (found by its alias), when monitoring.kmsKey is `create`. */
export interface ActualKmsKey {
  arn: string;
  keyId: string;
  /** `Enabled`, `Disabled`, `PendingDeletion`, … */
  state: string;
  policy: Record<string, unknown> | null;
  rotation: boolean;
}

export interface ActualMetricFilter {
  name: string;
  logGroup: string;
  pattern: string;
  transformations: Array<{ metricName: string; metricNamespace: string; metricValue: string }>;
}

export interface ActualAlarm {
  name: string;
  description: string | null;
  metricName: string | null;
  namespace: string | null;
  statistic: string | null;
  period: number | null;
  evaluationPeriods: number | null;
  threshold: number | null;
  comparisonOperator: string | null;
  treatMissingData: string | null;
  alarmActions: string[];
  actionsEnabled: boolean | null;
  dimensions: number;
  arn?: string;
  /** Read only for alarms the config no longer asks for (deciding whether they are ours to delete). */
  tags?: Record<string, string>;
}

export interface ActualMonitoring {
  bucket: ActualBucket | null;
  logGroup: ActualLogGroup | null;
  role: ActualRole | null;
  trail: ActualTrail | null;
  topic: ActualTopic | null;
  metricFilters: ActualMetricFilter[];
  alarms: ActualAlarm[];
  /** Absent unless monitoring.kmsKey is `create`; null when no key carries the alias. */
  kmsKey?: ActualKmsKey | null;
  /**
   * The organization the account belongs to (DescribeOrganization), read only with
   * monitoring.organizationTrail; null when the account is in none; absent when not read.
   */
  organization?: ActualOrganization | null;
}

export interface ActualOrganization {
  /** o-… : the prefix CloudTrail writes the member accounts' logs under. */
  id: string;
  managementAccountId: string;
}

function emptyActualMonitoring(): ActualMonitoring {
  return {
    bucket: null,
    logGroup: null,
    role: null,
    trail: null,
    topic: null,
    metricFilters: [],
    alarms: [],
  };
}

/** The stored opaque value as ActualMonitoring; null or anything else (offline plan) is an empty account. */
export function asActualMonitoring(value: unknown): ActualMonitoring {
  if (value && typeof value === 'object' && 'metricFilters' in value && 'alarms' in value) {
    return value as ActualMonitoring;
  }
  return emptyActualMonitoring();
}
