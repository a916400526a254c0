/**
 * What IAM authorises for each AWS SDK call iam-gitops makes: the action, the resource ARN and
 * the request context keys, derived from the call's input. The role check evaluates these
 * against the bootstrap roles. A call whose operation is missing here fails the role check,
 * so every new SDK call needs a row (and, if the role lacks it, a template change).
 */
import type { RecordedCall } from '../../src/aws/calls.js';

/** One authorisation AWS makes for a call (some calls need several, e.g. CreateTrail + PassRole). */
export interface AuthCheck {
  action: string;
  /** `*` for actions without resource-level permissions. */
  resource: string;
  context: Record<string, string | string[]>;
  /** The resource's own policy where the service always consults it (a KMS key policy). */
  resourcePolicy?: Record<string, unknown>;
}

/** What the account holds while the calls run: paths and tags decide ARNs and conditions. */
export interface AccountModel {
  accountId: string;
  region: string;
  /** Region of the SES client (`email.region`); default `region`. */
  sesRegion?: string;
  /** The SES identity mail is authorised on when it is a domain; default the sender's address. */
  sesIdentityArn?: string;
  /** Known users by name (IAM names are case-insensitive; keys are lower-case). */
  users: Map<string, { name: string; path: string; tags: Record<string, string> }>;
  groups: Map<string, { name: string; path: string }>;
  /** Alarm tags by alarm name (DeleteAlarms is authorised on them); absent alarms have none. */
  alarmTags?: Map<string, Record<string, string>>;
  /** KMS aliases by key id (kms:ResourceAliases of the key). */
  keyAliases?: Map<string, string[]>;
}

export function newAccountModel(accountId: string, region: string): AccountModel {
  return { accountId, region, users: new Map(), groups: new Map() };
}

type Input = Record<string, unknown>;
type Row = {
  /** The input fields the mapping reads (documentation for reviewers of the table). */
  fields: string[];
  checks: (input: Input, m: AccountModel) => AuthCheck[];
};

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const tagList = (v: unknown): Array<{ Key: string; Value: string }> =>
  Array.isArray(v) ? (v as Array<{ Key: string; Value: string }>) : [];

/** IAM authorises a user that does not exist (yet) as `user/NAME`, whatever path it will get. */
function userArn(m: AccountModel, name: string): string {
  const u = m.users.get(name.toLowerCase());
  return `arn:aws:iam::${m.accountId}:user${u?.path ?? '/'}${u?.name ?? name}`;
}
function groupArn(m: AccountModel, name: string): string {
  const g = m.groups.get(name.toLowerCase());
  return `arn:aws:iam::${m.accountId}:group${g?.path ?? '/'}${g?.name ?? name}`;
}
function userTagContext(m: AccountModel, name: string): Record<string, string> {
  const tags = m.users.get(name.toLowerCase())?.tags ?? {};
  return Object.fromEntries(Object.entries(tags).map(([k, v]) => [`aws:ResourceTag/${k}`, v]));
}
function requestTagContext(tags: Array<{ Key: string; Value: string }>): Record<string, string | string[]> {
  if (tags.length === 0) return {};
  return {
    ...Object.fromEntries(tags.map((t) => [`aws:RequestTag/${t.Key}`, t.Value])),
    'aws:TagKeys': tags.map((t) => t.Key),
  };
}
/** `"Name" <a@b>` or `a@b` → `a@b` (ses:FromAddress is the bare address). */
function bareAddress(source: string): string {
  const m = /<([^>]+)>\s*$/.exec(source);
  return (m ? m[1]! : source).trim();
}

const one = (action: string, resource: string, context: AuthCheck['context'] = {}): AuthCheck[] => [
  { action, resource, context },
];

/** Calls on one existing user: the ARN from its path, the context from its tags. */
function onUser(action: string, extra: (i: Input) => AuthCheck['context'] = () => ({})): Row {
  return {
    fields: ['UserName'],
    checks: (i, m) =>
      one(action, userArn(m, str(i.UserName)), { ...userTagContext(m, str(i.UserName)), ...extra(i) }),
  };
}
function onGroup(action: string, extra: (i: Input) => AuthCheck['context'] = () => ({})): Row {
  return { fields: ['GroupName'], checks: (i, m) => one(action, groupArn(m, str(i.GroupName)), extra(i)) };
}
function onPolicy(action: string): Row {
  return { fields: ['PolicyArn'], checks: (i) => one(action, str(i.PolicyArn)) };
}
function accountWide(action: string): Row {
  return { fields: [], checks: () => one(action, '*') };
}
const policyArnContext = (i: Input) => ({ 'iam:PolicyARN': str(i.PolicyArn) });

const bucket = (action: string): Row => ({
  fields: ['Bucket'],
  checks: (i) => one(action, `arn:aws:s3:::${str(i.Bucket)}`),
});
const trailArn = (m: AccountModel, name: string) =>
  name.startsWith('arn:') ? name : `arn:aws:cloudtrail:${m.region}:${m.accountId}:trail/${name}`;
const trail = (action: string, field = 'Name'): Row => ({
  fields: [field],
  checks: (i, m) => one(action, trailArn(m, str(i[field]))),
});
const logGroupArn = (m: AccountModel, name: string) =>
  `arn:aws:logs:${m.region}:${m.accountId}:log-group:${name}`;
const logGroup = (action: string, field = 'logGroupName'): Row => ({
  fields: [field],
  checks: (i, m) => one(action, logGroupArn(m, str(i[field]))),
});
/**
 * KMS consults the key policy on every call. Every key here has the default statement that hands
 * authorisation to the account's IAM policies (the key iam-gitops creates has it too), so what
 * is decided is the role's own policy.
 */
const delegatingKeyPolicy = (accountId: string) => ({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'kms:*', Resource: '*' },
  ],
});

/** A KMS key by id, ARN or alias: an alias resolves to the key that carries it, whatever its id. */
function keyCheck(action: string, keyId: string, m: AccountModel): AuthCheck[] {
  return keyCheckWithoutPolicy(action, keyId, m).map((c) => ({
    ...c,
    resourcePolicy: delegatingKeyPolicy(m.accountId),
  }));
}
function keyCheckWithoutPolicy(action: string, keyId: string, m: AccountModel): AuthCheck[] {
  const prefix = `arn:aws:kms:${m.region}:${m.accountId}:`;
  if (keyId.startsWith('alias/') || keyId.startsWith(`${prefix}alias/`)) {
    const alias = keyId.replace(prefix, '');
    return one(action, `${prefix}key/key-behind-${alias.slice('alias/'.length)}`, {
      'kms:ResourceAliases': [alias],
    });
  }
  const id = keyId.replace(`${prefix}key/`, '');
  return one(action, `${prefix}key/${id}`, { 'kms:ResourceAliases': m.keyAliases?.get(id) ?? [] });
}
const kmsKey = (action: string): Row => ({
  fields: ['KeyId'],
  checks: (i, m) => keyCheck(action, str(i.KeyId), m),
});
const topic = (action: string, field = 'TopicArn'): Row => ({
  fields: [field],
  checks: (i) => one(action, str(i[field])),
});
/** CloudTrail hands the delivery role to itself: the caller needs iam:PassRole on it. */
function passTrailRole(i: Input): AuthCheck[] {
  const role = str(i.CloudWatchLogsRoleArn);
  return role ? one('iam:PassRole', role, { 'iam:PassedToService': 'cloudtrail.amazonaws.com' }) : [];
}

/**
 * An organization trail (IsOrganizationTrail): CloudTrail checks the organization and its trusted
 * access with the caller's permissions and creates its service-linked role on first use
 * (CloudTrail user guide, "Prepare for creating a trail for your organization").
 */
function organizationTrail(i: Input, m: AccountModel): AuthCheck[] {
  if (i.IsOrganizationTrail !== true) return [];
  const slr = `arn:aws:iam::${m.accountId}:role/aws-service-role/cloudtrail.amazonaws.com/AWSServiceRoleForCloudTrail`;
  return [
    ...one('organizations:DescribeOrganization', '*'),
    ...one('organizations:ListAWSServiceAccessForOrganization', '*'),
    ...one('iam:GetRole', slr),
    ...one('iam:CreateServiceLinkedRole', slr, { 'iam:AWSServiceName': 'cloudtrail.amazonaws.com' }),
  ];
}

export const ACTION_TABLE: Record<string, Row> = {
  // STS: GetCallerIdentity needs no permission; AssumeRoleWithWebIdentity is decided by the
  // trust policy (checked in test/unit/bootstrap), not by the role's own policy.
  'sts:GetCallerIdentity': { fields: [], checks: () => [] },
  'sts:AssumeRoleWithWebIdentity': { fields: [], checks: () => [] },

  'iam:GetAccountAuthorizationDetails': accountWide('iam:GetAccountAuthorizationDetails'),
  'iam:GenerateCredentialReport': accountWide('iam:GenerateCredentialReport'),
  'iam:GetCredentialReport': accountWide('iam:GetCredentialReport'),
  'iam:GetAccountPasswordPolicy': accountWide('iam:GetAccountPasswordPolicy'),
  'iam:GetAccountSummary': accountWide('iam:GetAccountSummary'),
  // Authorised on the key's user, which the request does not name: any user of the account.
  'iam:GetAccessKeyLastUsed': {
    fields: ['AccessKeyId'],
    checks: (_i, m) => one('iam:GetAccessKeyLastUsed', `arn:aws:iam::${m.accountId}:user/someone`),
  },

  'iam:CreateUser': {
    fields: ['UserName', 'Path', 'Tags', 'PermissionsBoundary'],
    checks: (i, m) => {
      const arn = `arn:aws:iam::${m.accountId}:user${str(i.Path) || '/'}${str(i.UserName)}`;
      const tags = tagList(i.Tags);
      const boundary = str(i.PermissionsBoundary);
      const context = {
        ...requestTagContext(tags),
        ...(boundary ? { 'iam:PermissionsBoundary': boundary } : {}),
      };
      // Tags given at creation are authorised as iam:TagUser as well.
      return [{ action: 'iam:CreateUser', resource: arn, context }].concat(
        tags.length ? [{ action: 'iam:TagUser', resource: arn, context: requestTagContext(tags) }] : [],
      );
    },
  },
  'iam:GetUser': onUser('iam:GetUser'),
  'iam:ListUserTags': onUser('iam:ListUserTags'),
  'iam:TagUser': {
    fields: ['UserName', 'Tags'],
    checks: (i, m) =>
      one('iam:TagUser', userArn(m, str(i.UserName)), {
        ...userTagContext(m, str(i.UserName)),
        ...requestTagContext(tagList(i.Tags)),
      }),
  },
  'iam:UntagUser': onUser('iam:UntagUser', (i) => ({ 'aws:TagKeys': (i.TagKeys as string[]) ?? [] })),
  'iam:DeleteUser': onUser('iam:DeleteUser'),
  'iam:PutUserPermissionsBoundary': onUser('iam:PutUserPermissionsBoundary', (i) => ({
    'iam:PermissionsBoundary': str(i.PermissionsBoundary),
  })),
  'iam:DeleteUserPermissionsBoundary': onUser('iam:DeleteUserPermissionsBoundary'),
  'iam:GetLoginProfile': onUser('iam:GetLoginProfile'),
  'iam:CreateLoginProfile': onUser('iam:CreateLoginProfile'),
  'iam:UpdateLoginProfile': onUser('iam:UpdateLoginProfile'),
  'iam:DeleteLoginProfile': onUser('iam:DeleteLoginProfile'),
  'iam:ListGroupsForUser': onUser('iam:ListGroupsForUser'),
  'iam:ListAttachedUserPolicies': onUser('iam:ListAttachedUserPolicies'),
  'iam:ListUserPolicies': onUser('iam:ListUserPolicies'),
  'iam:DeleteUserPolicy': onUser('iam:DeleteUserPolicy'),
  'iam:AttachUserPolicy': {
    ...onUser('iam:AttachUserPolicy', policyArnContext),
    fields: ['UserName', 'PolicyArn'],
  },
  'iam:DetachUserPolicy': {
    ...onUser('iam:DetachUserPolicy', policyArnContext),
    fields: ['UserName', 'PolicyArn'],
  },
  'iam:ListAccessKeys': onUser('iam:ListAccessKeys'),
  'iam:DeleteAccessKey': onUser('iam:DeleteAccessKey'),
  'iam:ListMFADevices': onUser('iam:ListMFADevices'),
  'iam:DeactivateMFADevice': onUser('iam:DeactivateMFADevice'),
  'iam:DeleteVirtualMFADevice': {
    fields: ['SerialNumber'],
    checks: (i) => one('iam:DeleteVirtualMFADevice', str(i.SerialNumber)),
  },
  'iam:ListSigningCertificates': onUser('iam:ListSigningCertificates'),
  'iam:DeleteSigningCertificate': onUser('iam:DeleteSigningCertificate'),
  'iam:ListSSHPublicKeys': onUser('iam:ListSSHPublicKeys'),
  'iam:DeleteSSHPublicKey': onUser('iam:DeleteSSHPublicKey'),
  'iam:ListServiceSpecificCredentials': onUser('iam:ListServiceSpecificCredentials'),
  'iam:DeleteServiceSpecificCredential': onUser('iam:DeleteServiceSpecificCredential'),

  'iam:CreateGroup': {
    fields: ['GroupName', 'Path'],
    checks: (i, m) =>
      one('iam:CreateGroup', `arn:aws:iam::${m.accountId}:group${str(i.Path) || '/'}${str(i.GroupName)}`),
  },
  'iam:GetGroup': onGroup('iam:GetGroup'),
  'iam:DeleteGroup': onGroup('iam:DeleteGroup'),
  'iam:ListAttachedGroupPolicies': onGroup('iam:ListAttachedGroupPolicies'),
  'iam:ListGroupPolicies': onGroup('iam:ListGroupPolicies'),
  'iam:DeleteGroupPolicy': onGroup('iam:DeleteGroupPolicy'),
  // Membership is authorised on the group, not on the user.
  'iam:AddUserToGroup': { ...onGroup('iam:AddUserToGroup'), fields: ['GroupName', 'UserName'] },
  'iam:RemoveUserFromGroup': { ...onGroup('iam:RemoveUserFromGroup'), fields: ['GroupName', 'UserName'] },
  'iam:AttachGroupPolicy': {
    ...onGroup('iam:AttachGroupPolicy', policyArnContext),
    fields: ['GroupName', 'PolicyArn'],
  },
  'iam:DetachGroupPolicy': {
    ...onGroup('iam:DetachGroupPolicy', policyArnContext),
    fields: ['GroupName', 'PolicyArn'],
  },
  'iam:DetachRolePolicy': {
    fields: ['RoleName', 'PolicyArn'],
    checks: (i, m) =>
      one('iam:DetachRolePolicy', `arn:aws:iam::${m.accountId}:role/${str(i.RoleName)}`, policyArnContext(i)),
  },

  'iam:CreatePolicy': {
    fields: ['PolicyName', 'Path', 'Tags'],
    checks: (i, m) => {
      const arn = `arn:aws:iam::${m.accountId}:policy${str(i.Path) || '/'}${str(i.PolicyName)}`;
      const tags = tagList(i.Tags);
      return [{ action: 'iam:CreatePolicy', resource: arn, context: requestTagContext(tags) }].concat(
        tags.length ? [{ action: 'iam:TagPolicy', resource: arn, context: requestTagContext(tags) }] : [],
      );
    },
  },
  'iam:GetPolicy': onPolicy('iam:GetPolicy'),
  'iam:GetPolicyVersion': onPolicy('iam:GetPolicyVersion'),
  'iam:ListPolicyVersions': onPolicy('iam:ListPolicyVersions'),
  'iam:ListEntitiesForPolicy': onPolicy('iam:ListEntitiesForPolicy'),
  'iam:CreatePolicyVersion': onPolicy('iam:CreatePolicyVersion'),
  'iam:DeletePolicyVersion': onPolicy('iam:DeletePolicyVersion'),
  'iam:DeletePolicy': onPolicy('iam:DeletePolicy'),

  // The CloudTrail delivery role (monitoring baseline).
  'iam:GetRole': {
    fields: ['RoleName'],
    checks: (i, m) => one('iam:GetRole', `arn:aws:iam::${m.accountId}:role/${str(i.RoleName)}`),
  },
  'iam:GetRolePolicy': {
    fields: ['RoleName'],
    checks: (i, m) => one('iam:GetRolePolicy', `arn:aws:iam::${m.accountId}:role/${str(i.RoleName)}`),
  },
  'iam:CreateRole': {
    fields: ['RoleName', 'Path', 'Tags'],
    checks: (i, m) => {
      const arn = `arn:aws:iam::${m.accountId}:role${str(i.Path) || '/'}${str(i.RoleName)}`;
      const tags = tagList(i.Tags);
      return [{ action: 'iam:CreateRole', resource: arn, context: requestTagContext(tags) }].concat(
        tags.length ? [{ action: 'iam:TagRole', resource: arn, context: requestTagContext(tags) }] : [],
      );
    },
  },
  'iam:PutRolePolicy': {
    fields: ['RoleName'],
    checks: (i, m) => one('iam:PutRolePolicy', `arn:aws:iam::${m.accountId}:role/${str(i.RoleName)}`),
  },
  // Mapped so a trust-policy repair is evaluated, but deliberately not granted by the template:
  // rewriting the delivery role's trust would let the apply role hand that role to anyone.
  'iam:UpdateAssumeRolePolicy': {
    fields: ['RoleName'],
    checks: (i, m) =>
      one('iam:UpdateAssumeRolePolicy', `arn:aws:iam::${m.accountId}:role/${str(i.RoleName)}`),
  },
  'iam:TagRole': {
    fields: ['RoleName', 'Tags'],
    checks: (i, m) =>
      one(
        'iam:TagRole',
        `arn:aws:iam::${m.accountId}:role/${str(i.RoleName)}`,
        requestTagContext(tagList(i.Tags)),
      ),
  },

  'ses:GetIdentityVerificationAttributes': accountWide('ses:GetIdentityVerificationAttributes'),
  'ses:GetSendQuota': accountWide('ses:GetSendQuota'),
  'ses:SendEmail': {
    fields: ['Source'],
    checks: (i, m) => {
      const from = bareAddress(str(i.Source));
      const identity =
        m.sesIdentityArn ?? `arn:aws:ses:${m.sesRegion ?? m.region}:${m.accountId}:identity/${from}`;
      return one('ses:SendEmail', identity, { 'ses:FromAddress': from });
    },
  },

  // S3 operation names differ from IAM action names for several bucket settings.
  's3:HeadBucket': bucket('s3:ListBucket'),
  's3:CreateBucket': bucket('s3:CreateBucket'),
  's3:GetBucketPolicy': bucket('s3:GetBucketPolicy'),
  's3:PutBucketPolicy': bucket('s3:PutBucketPolicy'),
  's3:GetPublicAccessBlock': bucket('s3:GetBucketPublicAccessBlock'),
  's3:PutPublicAccessBlock': bucket('s3:PutBucketPublicAccessBlock'),
  's3:GetBucketEncryption': bucket('s3:GetEncryptionConfiguration'),
  's3:PutBucketEncryption': bucket('s3:PutEncryptionConfiguration'),
  's3:GetBucketTagging': bucket('s3:GetBucketTagging'),
  's3:PutBucketTagging': bucket('s3:PutBucketTagging'),
  's3:GetBucketLogging': bucket('s3:GetBucketLogging'),
  's3:PutBucketLogging': bucket('s3:PutBucketLogging'),

  'logs:DescribeLogGroups': accountWide('logs:DescribeLogGroups'),
  'logs:TestMetricFilter': accountWide('logs:TestMetricFilter'),
  'logs:CreateLogGroup': logGroup('logs:CreateLogGroup'),
  'logs:PutRetentionPolicy': logGroup('logs:PutRetentionPolicy'),
  'logs:PutMetricFilter': logGroup('logs:PutMetricFilter'),
  'logs:DeleteMetricFilter': logGroup('logs:DeleteMetricFilter'),
  'logs:DescribeMetricFilters': logGroup('logs:DescribeMetricFilters'),
  'logs:TagLogGroup': logGroup('logs:TagLogGroup'),
  'logs:ListTagsLogGroup': logGroup('logs:ListTagsLogGroup'),
  'logs:ListTagsForResource': {
    fields: ['resourceArn'],
    checks: (i) => one('logs:ListTagsForResource', str(i.resourceArn)),
  },
  'logs:TagResource': { fields: ['resourceArn'], checks: (i) => one('logs:TagResource', str(i.resourceArn)) },

  'cloudtrail:DescribeTrails': accountWide('cloudtrail:DescribeTrails'),
  // monitoring.organizationTrail reads the organization id (no resource-level permission).
  'organizations:DescribeOrganization': accountWide('organizations:DescribeOrganization'),
  'cloudtrail:CreateTrail': {
    fields: ['Name', 'CloudWatchLogsRoleArn'],
    checks: (i, m) =>
      one('cloudtrail:CreateTrail', trailArn(m, str(i.Name)))
        .concat(passTrailRole(i))
        .concat(organizationTrail(i, m)),
  },
  'cloudtrail:UpdateTrail': {
    fields: ['Name', 'CloudWatchLogsRoleArn'],
    checks: (i, m) =>
      one('cloudtrail:UpdateTrail', trailArn(m, str(i.Name)))
        .concat(passTrailRole(i))
        .concat(organizationTrail(i, m)),
  },
  'cloudtrail:StartLogging': trail('cloudtrail:StartLogging'),
  'cloudtrail:GetTrailStatus': trail('cloudtrail:GetTrailStatus'),
  'cloudtrail:PutEventSelectors': trail('cloudtrail:PutEventSelectors', 'TrailName'),
  'cloudtrail:GetEventSelectors': trail('cloudtrail:GetEventSelectors', 'TrailName'),
  'cloudtrail:AddTags': trail('cloudtrail:AddTags', 'ResourceId'),
  'cloudtrail:ListTags': {
    fields: ['ResourceIdList'],
    checks: (i, m) =>
      ((i.ResourceIdList as string[]) ?? []).flatMap((r) => one('cloudtrail:ListTags', trailArn(m, r))),
  },

  'sns:CreateTopic': {
    fields: ['Name', 'Tags'],
    checks: (i, m) =>
      one(
        'sns:CreateTopic',
        `arn:aws:sns:${m.region}:${m.accountId}:${str(i.Name)}`,
        requestTagContext(tagList(i.Tags)),
      ),
  },
  'sns:GetTopicAttributes': topic('sns:GetTopicAttributes'),
  'sns:SetTopicAttributes': topic('sns:SetTopicAttributes'),
  'sns:ListSubscriptionsByTopic': topic('sns:ListSubscriptionsByTopic'),
  'sns:ListTagsForResource': topic('sns:ListTagsForResource', 'ResourceArn'),
  'sns:TagResource': topic('sns:TagResource', 'ResourceArn'),
  'sns:Subscribe': {
    fields: ['TopicArn', 'Protocol', 'Endpoint'],
    checks: (i) =>
      one('sns:Subscribe', str(i.TopicArn), {
        'sns:Protocol': str(i.Protocol),
        'sns:Endpoint': str(i.Endpoint),
      }),
  },

  // Authorised on the subscription's topic (the ARN is `<topic ARN>:<id>`).
  'sns:Unsubscribe': {
    fields: ['SubscriptionArn'],
    checks: (i) => one('sns:Unsubscribe', str(i.SubscriptionArn).replace(/:[^:]*$/, '')),
  },
  'cloudwatch:DeleteAlarms': {
    fields: ['AlarmNames'],
    checks: (i, m) =>
      ((i.AlarmNames as string[]) ?? []).flatMap((n) =>
        one(
          'cloudwatch:DeleteAlarms',
          `arn:aws:cloudwatch:${m.region}:${m.accountId}:alarm:${n}`,
          Object.fromEntries(
            Object.entries(m.alarmTags?.get(n) ?? {}).map(([k, v]) => [`aws:ResourceTag/${k}`, v]),
          ),
        ),
      ),
  },

  'kms:CreateKey': {
    fields: ['KeySpec', 'KeyUsage', 'Origin', 'BypassPolicyLockoutSafetyCheck', 'Tags'],
    checks: (i) =>
      one('kms:CreateKey', '*', {
        'kms:KeySpec': str(i.KeySpec) || 'SYMMETRIC_DEFAULT',
        'kms:KeyUsage': str(i.KeyUsage) || 'ENCRYPT_DECRYPT',
        'kms:KeyOrigin': str(i.Origin) || 'AWS_KMS',
        'kms:BypassPolicyLockoutSafetyCheck': String(i.BypassPolicyLockoutSafetyCheck === true),
        ...requestTagContext(tagList(i.Tags)),
      }),
  },
  'kms:CreateAlias': {
    fields: ['AliasName', 'TargetKeyId'],
    checks: (i, m) => [
      ...one('kms:CreateAlias', `arn:aws:kms:${m.region}:${m.accountId}:${str(i.AliasName)}`),
      ...keyCheck('kms:CreateAlias', str(i.TargetKeyId), m),
    ],
  },
  'kms:PutKeyPolicy': kmsKey('kms:PutKeyPolicy'),
  'kms:EnableKeyRotation': kmsKey('kms:EnableKeyRotation'),
  'kms:DescribeKey': kmsKey('kms:DescribeKey'),
  'kms:GetKeyPolicy': kmsKey('kms:GetKeyPolicy'),
  'kms:GetKeyRotationStatus': kmsKey('kms:GetKeyRotationStatus'),

  'cloudwatch:PutMetricAlarm': {
    fields: ['AlarmName'],
    checks: (i, m) =>
      one(
        'cloudwatch:PutMetricAlarm',
        `arn:aws:cloudwatch:${m.region}:${m.accountId}:alarm:${str(i.AlarmName)}`,
      ),
  },
  'cloudwatch:DescribeAlarms': {
    fields: ['AlarmNamePrefix', 'AlarmNames'],
    checks: (i, m) => {
      // Filtering by name prefix is authorised on the matching alarms; the tool always filters.
      const names = (i.AlarmNames as string[] | undefined) ?? [`${str(i.AlarmNamePrefix)}*`];
      return names.flatMap((n) =>
        one('cloudwatch:DescribeAlarms', `arn:aws:cloudwatch:${m.region}:${m.accountId}:alarm:${n}`),
      );
    },
  },
  'cloudwatch:TagResource': {
    fields: ['ResourceARN'],
    checks: (i) => one('cloudwatch:TagResource', str(i.ResourceARN)),
  },
  'cloudwatch:ListTagsForResource': {
    fields: ['ResourceARN'],
    checks: (i) => one('cloudwatch:ListTagsForResource', str(i.ResourceARN)),
  },
};

/** The checks for one recorded call; throws for an operation the table does not know. */
export function checksFor(call: RecordedCall, model: AccountModel): AuthCheck[] {
  const row = ACTION_TABLE[`${call.service}:${call.operation}`];
  if (!row) {
    throw new Error(
      `unknown AWS operation ${call.service}:${call.operation}: add it to test/harness/aws-actions.ts ` +
        `(IAM action, resource ARN, context keys) and grant it in bootstrap/iam-gitops-roles.yml if the tool needs it`,
    );
  }
  return row.checks(call.input, model);
}

/** Keeps the model in step with calls that change paths or tags, after they were checked. */
export function applyToModel(call: RecordedCall, m: AccountModel): void {
  const i = call.input;
  const key = str(i.UserName).toLowerCase();
  switch (`${call.service}:${call.operation}`) {
    case 'iam:CreateUser':
      m.users.set(key, {
        name: str(i.UserName),
        path: str(i.Path) || '/',
        tags: Object.fromEntries(tagList(i.Tags).map((t) => [t.Key, t.Value])),
      });
      break;
    case 'iam:TagUser': {
      const u = m.users.get(key);
      if (u) for (const t of tagList(i.Tags)) u.tags[t.Key] = t.Value;
      break;
    }
    case 'iam:UntagUser': {
      const u = m.users.get(key);
      if (u) for (const k of (i.TagKeys as string[]) ?? []) delete u.tags[k];
      break;
    }
    case 'iam:DeleteUser':
      m.users.delete(key);
      break;
    case 'iam:CreateGroup':
      m.groups.set(str(i.GroupName).toLowerCase(), { name: str(i.GroupName), path: str(i.Path) || '/' });
      break;
    case 'iam:DeleteGroup':
      m.groups.delete(str(i.GroupName).toLowerCase());
      break;
    case 'cloudwatch:PutMetricAlarm':
      (m.alarmTags ??= new Map()).set(
        str(i.AlarmName),
        Object.fromEntries(tagList(i.Tags).map((t) => [t.Key, t.Value])),
      );
      break;
    case 'kms:CreateAlias': {
      const id = str(i.TargetKeyId);
      (m.keyAliases ??= new Map()).set(id, [...(m.keyAliases.get(id) ?? []), str(i.AliasName)]);
      break;
    }
  }
}
