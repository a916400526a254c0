/**
 * The emulator never truncates GetAccountAuthorizationDetails, so pagination is proven with
 * aws-sdk-client-mock: two pages joined by IsTruncated + Marker.
 */
import {
  GenerateCredentialReportCommand,
  GetAccountAuthorizationDetailsCommand,
  GetCredentialReportCommand,
  GetLoginProfileCommand,
  IAMClient,
  type UserDetail,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { readIam } from '../../src/targets/iam/read.js';
import { confirmLoginProfiles, readCredentialReport } from '../../src/targets/iam/read-logins.js';

const iamMock = mockClient(IAMClient);
beforeEach(() => iamMock.reset());

const user = (name: string): UserDetail => ({
  UserName: name,
  Path: '/iam-gitops/',
  Arn: `arn:aws:iam::123456789012:user/iam-gitops/${name}`,
  Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
  GroupList: ['devs'],
  AttachedManagedPolicies: [
    { PolicyName: 'ReadOnlyAccess', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
  ],
  UserPolicyList: [],
  PermissionsBoundary: {
    PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
    PermissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/b',
  },
});

test('every page of GetAccountAuthorizationDetails is read, following the Marker', async () => {
  const doc = encodeURIComponent(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }],
    }),
  );
  iamMock
    .on(GetAccountAuthorizationDetailsCommand)
    .rejects(new Error('unexpected request'))
    .on(GetAccountAuthorizationDetailsCommand, { Marker: undefined })
    .resolves({ UserDetailList: [user('a'), user('b')], IsTruncated: true, Marker: 'page-2' })
    .on(GetAccountAuthorizationDetailsCommand, { Marker: 'page-2' })
    .resolves({
      UserDetailList: [user('c')],
      GroupDetailList: [{ GroupName: 'devs', Path: '/iam-gitops/', Arn: 'g', AttachedManagedPolicies: [] }],
      Policies: [
        {
          PolicyName: 'p',
          Arn: 'arn:aws:iam::123456789012:policy/iam-gitops/p',
          Path: '/iam-gitops/',
          DefaultVersionId: 'v2',
          AttachmentCount: 1,
          PolicyVersionList: [
            { VersionId: 'v2', IsDefaultVersion: true, Document: doc, CreateDate: new Date('2026-01-02') },
            {
              VersionId: 'v1',
              IsDefaultVersion: false,
              Document: '%7B%7D',
              CreateDate: new Date('2026-01-01'),
            },
          ],
        },
      ],
      IsTruncated: false,
    });
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const snap = await readIam({ iam });

  const calls = iamMock.commandCalls(GetAccountAuthorizationDetailsCommand);
  expect(calls).toHaveLength(2);
  expect(calls[0]!.args[0].input).toMatchObject({
    Filter: ['User', 'Group', 'LocalManagedPolicy'],
    MaxItems: 1000,
  });
  expect(calls[1]!.args[0].input.Marker).toBe('page-2');
  expect(snap.users.map((u) => u.name)).toEqual(['a', 'b', 'c']);
  expect(snap.users[0]).toMatchObject({
    groups: ['devs'],
    attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
    tags: { 'managed-by': 'iam-gitops' },
    permissionsBoundaryArn: 'arn:aws:iam::123456789012:policy/b',
  });
  expect(snap.groups.map((g) => g.name)).toEqual(['devs']);
  expect(snap.policies[0]).toMatchObject({
    name: 'p',
    defaultVersionId: 'v2',
    attachmentCount: 1,
    document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
  });
  expect(snap.policies[0]!.versions.map((v) => v.versionId)).toEqual(['v2', 'v1']);
});

test('the credential report is generated until COMPLETE, then read; waits use the injected sleep', async () => {
  iamMock
    .on(GenerateCredentialReportCommand)
    .resolvesOnce({ State: 'STARTED' })
    .resolvesOnce({ State: 'INPROGRESS' })
    .resolves({ State: 'COMPLETE' });
  const csv = 'user,arn,user_creation_time,password_enabled\nalice,arn,t,true\nbob,arn,t,false\n';
  iamMock
    .on(GetCredentialReportCommand)
    .resolves({ Content: new TextEncoder().encode(csv), ReportFormat: 'text/csv' });
  const waits: number[] = [];
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  const report = await readCredentialReport({ iam }, { sleep: async (ms) => void waits.push(ms) });
  expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(3);
  expect(waits).toEqual([250, 500]);
  expect([...report.passwordEnabled]).toEqual([
    ['alice', true],
    ['bob', false],
  ]);
});

test('a report that never completes fails with a clear message', async () => {
  iamMock.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  // Waits of 250, 500 and 1000 ms reach the 1 s limit; the fourth answer is still not complete.
  await expect(readCredentialReport({ iam }, { sleep: async () => {}, timeoutMs: 1000 })).rejects.toThrow(
    /credential report was not ready after 2 s \(state INPROGRESS\)/,
  );
  expect(iamMock.commandCalls(GenerateCredentialReportCommand)).toHaveLength(4);
});

test('GetLoginProfile confirms a few users: NoSuchEntity means no console login, other errors propagate', async () => {
  const noSuch = Object.assign(new Error('Login Profile for User bob cannot be found.'), {
    name: 'NoSuchEntity',
  });
  iamMock
    .on(GetLoginProfileCommand, { UserName: 'alice' })
    .resolves({ LoginProfile: { UserName: 'alice', CreateDate: new Date() } })
    .on(GetLoginProfileCommand, { UserName: 'bob' })
    .rejects(noSuch)
    .on(GetLoginProfileCommand, { UserName: 'eve' })
    .rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
  const iam = new IAMClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
  expect([...(await confirmLoginProfiles({ iam }, ['alice', 'bob']))].sort()).toEqual([
    ['alice', true],
    ['bob', false],
  ]);
  await expect(confirmLoginProfiles({ iam }, ['eve'])).rejects.toThrow(/denied/);
});
