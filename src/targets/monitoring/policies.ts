/** The resource and trust policies of the baseline (cis-monitoring §6, §7.2, §7.3). */

export type PolicyJson = Record<string, unknown>;

/**
 * CloudTrail may read the ACL and write its logs, only for our trail; TLS only for everyone. An
 * organization trail (`organizationId`) also writes the member accounts' logs under
 * AWSLogs/<organization id>/, still only for our trail (CloudTrail user guide, "Create or update an
 * Amazon S3 bucket to use to store the log files for an organization trail").
 */
export function bucketPolicy(
  bucket: string,
  accountId: string,
  trailArn: string,
  organizationId: string | null = null,
): PolicyJson {
  const sourceArn = { StringEquals: { 'aws:SourceArn': trailArn } };
  const write = (sid: string, prefix: string) => ({
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: 'cloudtrail.amazonaws.com' },
    Action: 's3:PutObject',
    Resource: `arn:aws:s3:::${bucket}/AWSLogs/${prefix}/*`,
    Condition: {
      StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': trailArn },
    },
  });
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AWSCloudTrailAclCheck',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 's3:GetBucketAcl',
        Resource: `arn:aws:s3:::${bucket}`,
        Condition: sourceArn,
      },
      write('AWSCloudTrailWrite', accountId),
      ...(organizationId ? [write('AWSCloudTrailOrganizationWrite', organizationId)] : []),
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

/**
 * The key policy of the key iam-gitops creates for the trail (CloudTrail user guide, "Configure
 * AWS KMS key policies for CloudTrail"): the account administers it through IAM (without this
 * statement nobody could ever change the key again); CloudTrail may encrypt only for this trail;
 * principals of this account may decrypt only CloudTrail log files of this account.
 */
export function trailKeyPolicy(accountId: string, trailArn: string): PolicyJson {
  const trails = `arn:aws:cloudtrail:*:${accountId}:trail/*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministersKeyThroughIam',
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudTrailEncryptsThisTrail',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:GenerateDataKey*',
        Resource: '*',
        Condition: {
          StringEquals: { 'aws:SourceArn': trailArn },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails },
        },
      },
      {
        Sid: 'CloudTrailDescribesKey',
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'kms:DescribeKey',
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceArn': trailArn } },
      },
      {
        Sid: 'AccountDecryptsTrailLogs',
        Effect: 'Allow',
        Principal: { AWS: '*' },
        Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Resource: '*',
        Condition: {
          StringEquals: { 'kms:CallerAccount': accountId },
          StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails },
        },
      },
    ],
  };
}

export function trailRoleTrustPolicy(): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'cloudtrail.amazonaws.com' },
        Action: 'sts:AssumeRole',
      },
    ],
  };
}

/**
 * Only the log streams CloudTrail creates in our log group; for an organization trail also the
 * member accounts' streams, which CloudTrail names `<organization id>_<account id>_CloudTrail_…`.
 * bootstrap/iam-gitops-roles.yml's TrailDeliveryRole deploys the same document.
 */
export function trailRolePolicy(
  region: string,
  accountId: string,
  logGroup: string,
  organizationId: string | null = null,
): PolicyJson {
  const streams = `arn:aws:logs:${region}:${accountId}:log-group:${logGroup}:log-stream:`;
  const own = `${streams}${accountId}_CloudTrail_${region}*`;
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'CloudTrailToCloudWatchLogs',
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: organizationId ? [own, `${streams}${organizationId}_*`] : own,
      },
    ],
  };
}

/** Only this account's CloudWatch alarms may publish; TLS only. */
export function topicPolicy(topicArn: string, region: string, accountId: string): PolicyJson {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AllowCloudWatchAlarms',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:${region}:${accountId}:alarm:*` } },
      },
      {
        Sid: 'DenyInsecureTransport',
        Effect: 'Deny',
        Principal: '*',
        Action: 'sns:Publish',
        Resource: topicArn,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  };
}

/**
 * A comparable form of a policy: keys sorted, one-element lists as their element (AWS returns
 * either), `Sid`s kept. Statement order is kept: ours is fixed.
 */
function normalizePolicy(value: unknown): unknown {
  if (Array.isArray(value)) {
    const items = value.map(normalizePolicy);
    return items.length === 1 ? items[0] : items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, normalizePolicy(v)]),
    );
  }
  return value;
}

export function samePolicy(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalizePolicy(a)) === JSON.stringify(normalizePolicy(b));
}

/** Parses a policy as AWS returns it (IAM URL-encodes documents; S3 and SNS don't). */
export function parsePolicy(text: string | undefined | null): PolicyJson | null {
  if (!text) return null;
  for (const candidate of [text, safeDecode(text)]) {
    try {
      const v = JSON.parse(candidate);
      if (v && typeof v === 'object') return v as PolicyJson;
    } catch {
      // try the next form
    }
  }
  return null;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
