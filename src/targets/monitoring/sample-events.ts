/**
 * CloudTrail records the shipped filter patterns are proven against before they are written,
 * modelled on the records CloudTrail documents (console sign-in events, management events).
 * Each sample names every shipped filter it must fire; it must fire no other. Only the fields a
 * pattern could look at are kept, with the shapes and values CloudTrail uses.
 */

export interface SampleEvent {
  id: string;
  /** Items (`4.1` … `4.15`, `console-login-failures`, `s3-bucket-changes`) this record must fire. */
  fires: string[];
  record: Record<string, unknown>;
}

const iamUser = {
  type: 'IAMUser',
  principalId: 'AIDACKCEVSQ6C2EXAMPLE',
  arn: 'arn:aws:iam::111122223333:user/JohnDoe',
  accountId: '111122223333',
  userName: 'JohnDoe',
};

function mgmt(
  eventSource: string,
  eventName: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: { ...iamUser, accessKeyId: 'AKIAIOSFODNN7EXAMPLE' },
    eventTime: '2024-05-01T12:00:00Z',
    eventSource,
    eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: '192.0.2.10',
    userAgent: 'aws-cli/2.15.0',
    requestParameters: null,
    responseElements: null,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
    ...extra,
  };
}

function signIn(
  identity: Record<string, unknown>,
  outcome: 'Success' | 'Failure',
  mfa: 'Yes' | 'No',
  errorMessage?: string,
): Record<string, unknown> {
  return {
    eventVersion: '1.08',
    userIdentity: identity,
    eventTime: '2024-05-01T12:00:00Z',
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: 'us-east-2',
    sourceIPAddress: '192.0.2.110',
    userAgent: 'Mozilla/5.0',
    ...(errorMessage ? { errorMessage } : {}),
    requestParameters: null,
    responseElements: { ConsoleLogin: outcome },
    additionalEventData: {
      LoginTo: 'https://console.aws.amazon.com/console/home',
      MobileVersion: 'No',
      MFAUsed: mfa,
    },
    eventType: 'AwsConsoleSignIn',
    managementEvent: true,
    recipientAccountId: '111122223333',
    eventCategory: 'Management',
  };
}

const root = { type: 'Root', principalId: '111122223333', arn: 'arn:aws:iam::111122223333:root' };

export const SAMPLE_EVENTS: SampleEvent[] = [
  { id: 'console-login-iam-user-mfa', fires: [], record: signIn(iamUser, 'Success', 'Yes') },
  { id: 'console-login-iam-user-no-mfa', fires: ['4.2'], record: signIn(iamUser, 'Success', 'No') },
  {
    id: 'console-login-wrong-password',
    fires: ['4.6', 'console-login-failures'],
    record: signIn(iamUser, 'Failure', 'No', 'Failed authentication'),
  },
  {
    id: 'console-login-unknown-user',
    fires: ['console-login-failures'],
    record: signIn(
      { type: 'IAMUser', principalId: '111122223333', accountId: '111122223333', accessKeyId: '' },
      'Failure',
      'No',
      'No username found in supplied account',
    ),
  },
  {
    id: 'console-login-federated',
    fires: [],
    record: signIn(
      {
        type: 'AssumedRole',
        principalId: 'AROAEXAMPLE:jdoe',
        arn: 'arn:aws:sts::111122223333:assumed-role/Admin/jdoe',
        sessionContext: { sessionIssuer: { type: 'Role', userName: 'Admin' } },
      },
      'Success',
      'No',
    ),
  },
  { id: 'console-login-root', fires: ['4.3'], record: signIn(root, 'Success', 'Yes') },
  {
    id: 'root-call-invoked-by-service',
    fires: [],
    record: mgmt('s3.amazonaws.com', 'GetBucketAcl', {
      userIdentity: { ...root, invokedBy: 'support.amazonaws.com' },
      readOnly: true,
    }),
  },
  {
    id: 'root-aws-service-event',
    fires: [],
    record: mgmt('sso.amazonaws.com', 'Federate', { userIdentity: root, eventType: 'AwsServiceEvent' }),
  },
  {
    id: 's3-access-denied',
    fires: ['4.1'],
    record: mgmt('s3.amazonaws.com', 'GetBucketPolicy', {
      errorCode: 'AccessDenied',
      errorMessage: 'Access Denied',
      readOnly: true,
    }),
  },
  {
    id: 'ec2-unauthorized-operation',
    fires: ['4.1'],
    record: mgmt('ec2.amazonaws.com', 'RunInstances', {
      errorCode: 'Client.UnauthorizedOperation',
      errorMessage: 'You are not authorized to perform this operation.',
    }),
  },
  {
    id: 'ec2-throttled',
    fires: [],
    record: mgmt('ec2.amazonaws.com', 'DescribeInstances', { errorCode: 'Client.RequestLimitExceeded' }),
  },
  { id: 's3-create-bucket', fires: ['s3-bucket-changes'], record: mgmt('s3.amazonaws.com', 'CreateBucket') },
  { id: 's3-delete-bucket', fires: ['s3-bucket-changes'], record: mgmt('s3.amazonaws.com', 'DeleteBucket') },
  { id: 's3-put-bucket-tagging', fires: [], record: mgmt('s3.amazonaws.com', 'PutBucketTagging') },
  { id: 's3-put-bucket-policy', fires: ['4.8'], record: mgmt('s3.amazonaws.com', 'PutBucketPolicy') },
  { id: 'kms-disable-key', fires: ['4.7'], record: mgmt('kms.amazonaws.com', 'DisableKey') },
  { id: 'kms-schedule-deletion', fires: ['4.7'], record: mgmt('kms.amazonaws.com', 'ScheduleKeyDeletion') },
  {
    id: 'other-source-disable-key',
    fires: [],
    record: mgmt('payment-cryptography.amazonaws.com', 'DisableKey'),
  },
  { id: 'iam-put-user-policy', fires: ['4.4'], record: mgmt('iam.amazonaws.com', 'PutUserPolicy') },
  { id: 'iam-attach-role-policy', fires: ['4.4'], record: mgmt('iam.amazonaws.com', 'AttachRolePolicy') },
  { id: 'iam-create-user', fires: [], record: mgmt('iam.amazonaws.com', 'CreateUser') },
  { id: 'cloudtrail-stop-logging', fires: ['4.5'], record: mgmt('cloudtrail.amazonaws.com', 'StopLogging') },
  { id: 'cloudtrail-lookup', fires: [], record: mgmt('cloudtrail.amazonaws.com', 'LookupEvents') },
  {
    id: 'config-stop-recorder',
    fires: ['4.9'],
    record: mgmt('config.amazonaws.com', 'StopConfigurationRecorder'),
  },
  {
    id: 'ec2-authorize-sg-ingress',
    fires: ['4.10'],
    record: mgmt('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress'),
  },
  {
    id: 'ec2-replace-nacl-entry',
    fires: ['4.11'],
    record: mgmt('ec2.amazonaws.com', 'ReplaceNetworkAclEntry'),
  },
  { id: 'ec2-attach-igw', fires: ['4.12'], record: mgmt('ec2.amazonaws.com', 'AttachInternetGateway') },
  { id: 'ec2-create-route', fires: ['4.13'], record: mgmt('ec2.amazonaws.com', 'CreateRoute') },
  {
    id: 'ec2-modify-vpc-attribute',
    fires: ['4.14'],
    record: mgmt('ec2.amazonaws.com', 'ModifyVpcAttribute'),
  },
  {
    id: 'ec2-describe-vpcs',
    fires: [],
    record: mgmt('ec2.amazonaws.com', 'DescribeVpcs', { readOnly: true }),
  },
  {
    id: 'organizations-create-account',
    fires: ['4.15'],
    record: mgmt('organizations.amazonaws.com', 'CreateAccount'),
  },
  {
    // 4.4 matches event names only, so Organizations' CreatePolicy fires it as well (cis-monitoring §2).
    id: 'organizations-create-policy',
    fires: ['4.4', '4.15'],
    record: mgmt('organizations.amazonaws.com', 'CreatePolicy'),
  },
  {
    id: 'organizations-describe',
    fires: [],
    record: mgmt('organizations.amazonaws.com', 'DescribeOrganization', { readOnly: true }),
  },
];
