/**
 * Offboarding through `node dist/index.js`: a pull request removes a managed user, the plan says
 * so up front, and the merge deletes the user and everything hanging off it in the order IAM
 * requires. The emulator lacks ListServiceSpecificCredentials (HTTP 500), so these runs go through
 * the gap proxy, whose wire record is also the test's own account of what the action sent.
 */
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetAccessKeyLastUsedCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  ListAccessKeysCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListServiceSpecificCredentialsCommand,
  PutUserPermissionsBoundaryCommand,
  DeleteUserPermissionsBoundaryCommand,
} from '@aws-sdk/client-iam';
import { parseMeta } from '../../src/github/comment.js';
import { isReadOperation } from '../../src/aws/calls.js';
import { startGapProxy, IAM_XMLNS, type GapProxy, type WireRequest } from '../harness/gap-proxy.js';
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { ACCOUNT_ID, startMoto, type Moto } from '../harness/moto.js';
import type { ActionRun } from '../harness/action-runner.js';
import {
  applyRun,
  approvedPr as approvePr,
  config,
  iamUserNames,
  quietStderr,
  repoFiles,
  sha,
  verifySender,
  type UserRow,
} from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
let proxy: GapProxy;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
  proxy = await startGapProxy({ target: moto.url });
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop(), proxy?.stop()]));
beforeEach(async () => {
  gh.reset();
  proxy.clear();
  await moto.reset();
  await verifySender(moto);
});

const ctx = () => ({ gh, moto });
const iam = () => moto.clients().iam;
const POLICY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/iam-gitops/dev-s3`;
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::dev-bucket/*'] }],
});
const teamFiles = (users: UserRow[], extra = '') =>
  repoFiles(
    users,
    { 'policies/dev-s3.json': POLICY + '\n' },
    config(['groups:', '  developers:', '    policies: [dev-s3]', extra].join('\n')),
  );
const carol: UserRow = { username: 'carol', console: true, groups: 'developers', policies: 'dev-s3' };
const dave: UserRow = { username: 'dave', groups: 'developers' };
const erin: UserRow = { username: 'erin' };

const botComment = (pr: number) => gh.comments(pr).find((c) => c.user.login === 'github-actions[bot]')!;
const writesNaming = (wire: WireRequest[], user: string) =>
  wire.filter((r) => r.service === 'iam' && !isReadOperation(r.action) && r.params.UserName === user);

const approvedPr = (number: number, files: Record<string, string>): Promise<ActionRun> =>
  approvePr(ctx(), number, files, { gaps: proxy });

/** The team as a first merged pull request created it. */
async function seedTeam(files: Record<string, string>, users: string[]): Promise<void> {
  expect((await approvedPr(1, files)).exitCode).toBe(0);
  const run = await applyRun(ctx(), sha('merge-1'), files, { gaps: proxy });
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(await iamUserNames(moto)).toEqual(users);
}

test('the gap proxy forwards to the emulator and answers what it lacks in the shape the SDK parses', async () => {
  const viaProxy = moto.clients({ endpoint: proxy.url }).iam;
  await viaProxy.send(new CreateUserCommand({ UserName: 'zoe' }));
  const creds = await viaProxy.send(new ListServiceSpecificCredentialsCommand({ UserName: 'zoe' }));
  expect(creds.ServiceSpecificCredentials).toEqual([]);
  expect(creds.$metadata.requestId).toMatch(/^gap-proxy-/);
  const boundary = 'arn:aws:iam::aws:policy/PowerUserAccess';
  await viaProxy.send(
    new PutUserPermissionsBoundaryCommand({ UserName: 'zoe', PermissionsBoundary: boundary }),
  );
  await viaProxy.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'zoe' }));
  await viaProxy.send(new CreateLoginProfileCommand({ UserName: 'zoe', Password: 'Secret-Pa55word!' }));

  expect((await iam().send(new GetUserCommand({ UserName: 'zoe' }))).User?.UserName).toBe('zoe');
  expect(proxy.answered().map((r) => [r.action, r.params])).toEqual([
    ['ListServiceSpecificCredentials', { UserName: 'zoe' }],
    ['PutUserPermissionsBoundary', { UserName: 'zoe', PermissionsBoundary: boundary }],
    ['DeleteUserPermissionsBoundary', { UserName: 'zoe' }],
  ]);
  expect(proxy.requests.map((r) => [r.service, r.action, r.status])).toEqual([
    ['iam', 'CreateUser', 200],
    ['iam', 'ListServiceSpecificCredentials', 200],
    ['iam', 'PutUserPermissionsBoundary', 200],
    ['iam', 'DeleteUserPermissionsBoundary', 200],
    ['iam', 'CreateLoginProfile', 200],
  ]);
  expect(JSON.stringify(proxy.requests)).not.toContain('Secret-Pa55word!');

  // The envelope the proxy writes is the one the emulator writes for IAM.
  const raw = await fetch(proxy.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, Signature=x',
    },
    body: 'Action=ListServiceSpecificCredentials&Version=2010-05-08&UserName=zoe',
  }).then((r) => r.text());
  const real = await fetch(moto.url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded; charset=utf-8',
      authorization: 'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, Signature=x',
    },
    body: 'Action=ListUsers&Version=2010-05-08',
  }).then((r) => r.text());
  expect(real).toMatch(new RegExp(`^<ListUsersResponse xmlns="${IAM_XMLNS}"><ListUsersResult>`));
  expect(raw).toMatch(
    new RegExp(
      `^<ListServiceSpecificCredentialsResponse xmlns="${IAM_XMLNS}"><ListServiceSpecificCredentialsResult>` +
        '<ServiceSpecificCredentials/></ListServiceSpecificCredentialsResult>' +
        '<ResponseMetadata><RequestId>gap-proxy-\\d+</RequestId></ResponseMetadata></ListServiceSpecificCredentialsResponse>$',
    ),
  );
  expect(real).toMatch(
    /<ResponseMetadata><RequestId>[^<]+<\/RequestId><\/ResponseMetadata><\/ListUsersResponse>$/,
  );
});

test('a pull request that removes a user: the plan warns, the merge offboards it in IAM order', async () => {
  await seedTeam(teamFiles([carol, dave]), ['carol', 'dave']);
  const key = (await iam().send(new CreateAccessKeyCommand({ UserName: 'carol' }))).AccessKey!.AccessKeyId!;
  const keyLookup = () => iam().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: key }));
  expect((await keyLookup()).UserName).toBe('carol');
  // What the first apply left on carol, so the offboarding below has something to remove.
  await expect(iam().send(new GetLoginProfileCommand({ UserName: 'carol' }))).resolves.toBeDefined();
  const groups = await iam().send(new ListGroupsForUserCommand({ UserName: 'carol' }));
  expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['developers']);
  const attached = await iam().send(new ListAttachedUserPoliciesCommand({ UserName: 'carol' }));
  expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([POLICY_ARN]);

  const files = teamFiles([dave]);
  const plan = await approvedPr(2, files);
  expect(plan.exitCode).toBe(0);
  expect(plan.writes).toEqual([]);
  const body = botComment(2).body;
  const warning = body.indexOf('> [!WARNING]\n> **This plan deletes 1 user:**\n> - user `carol`');
  expect(warning).toBeGreaterThan(-1);
  // Prominent: right under the totals, before the per-user table that details it.
  expect(body).toMatch(
    /\*\*Plan: 0 users to create, 0 to change, 1 to delete\.\*\*[^\n]* <sub>\([1-9]\d* operations\)<\/sub>\n+> \[!WARNING\]/,
  );
  // The status line counts the deletion as the warning does.
  expect(body).toContain('deletes 1 user.**');
  expect(warning).toBeLessThan(body.indexOf('#### Users'));
  expect(body).toMatch(/\| `carol` \| 🗑️ delete \| −developers \| −dev-s3 \| \*\*removed\*\* \|/);
  expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);

  proxy.clear();
  const run = await applyRun(ctx(), sha('merge-2'), files, { gaps: proxy });
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.outputs['deleted-users']).toBe('carol');
  expect(run.outputs['created-users']).toBe('');
  expect(parseMeta(botComment(2).body)?.status).toBe('applied');

  await expect(iam().send(new GetUserCommand({ UserName: 'carol' }))).rejects.toMatchObject({
    name: 'NoSuchEntityException',
  });
  expect(await iamUserNames(moto)).toEqual(['dave']);
  await expect(keyLookup()).rejects.toMatchObject({ name: 'NoSuchEntityException' });

  // The emulator deletes whatever hangs off a deleted user, so the proof that the key and login
  // profile were removed (and removed first) is on the wire: each delete accepted before DeleteUser.
  const steps = writesNaming(run.wire!, 'carol');
  expect(steps.every((s) => s.status === 200)).toBe(true);
  const order = steps.map((s) => s.action);
  expect(order.at(-1)).toBe('DeleteUser');
  expect(order.filter((a) => a === 'DeleteUser')).toHaveLength(1);
  for (const step of ['DeleteLoginProfile', 'DeleteAccessKey', 'RemoveUserFromGroup', 'DetachUserPolicy'])
    expect(order.indexOf(step)).toBeGreaterThan(-1);
  expect(steps.find((s) => s.action === 'DeleteAccessKey')?.params.AccessKeyId).toBe(key);
  expect(steps.find((s) => s.action === 'RemoveUserFromGroup')?.params.GroupName).toBe('developers');
  expect(steps.find((s) => s.action === 'DetachUserPolicy')?.params.PolicyArn).toBe(POLICY_ARN);
  // The lookup the emulator can't answer was asked about carol, and answered by the proxy.
  expect(proxy.answered().map((r) => [r.action, r.params.UserName])).toEqual([
    ['ListServiceSpecificCredentials', 'carol'],
  ]);
  // The action's own call log agrees with the wire on what it wrote about carol.
  expect(run.writes.filter((w) => w.input.UserName === 'carol').map((w) => w.operation)).toEqual(order);
  // Nothing else was deleted: dave keeps his group.
  expect(writesNaming(run.wire!, 'dave')).toEqual([]);
  const daveGroups = await iam().send(new ListGroupsForUserCommand({ UserName: 'dave' }));
  expect(daveGroups.Groups?.map((g) => g.GroupName)).toEqual(['developers']);
});

test('a user without the managed tag is never touched, even as a member of a managed group', async () => {
  await seedTeam(teamFiles([carol, dave]), ['carol', 'dave']);
  // Made in the console, not by the tool: no managed-by tag, same group and policy as the team.
  await iam().send(new CreateUserCommand({ UserName: 'legacy', Path: '/iam-gitops/' }));
  await iam().send(new CreateLoginProfileCommand({ UserName: 'legacy', Password: 'Legacy-Pa55word!' }));
  const key = (await iam().send(new CreateAccessKeyCommand({ UserName: 'legacy' }))).AccessKey!.AccessKeyId!;
  await iam().send(new AddUserToGroupCommand({ UserName: 'legacy', GroupName: 'developers' }));
  await iam().send(new AttachUserPolicyCommand({ UserName: 'legacy', PolicyArn: POLICY_ARN }));

  const files = teamFiles([dave]);
  expect((await approvedPr(2, files)).exitCode).toBe(0);
  expect(botComment(2).body).not.toContain('legacy');
  proxy.clear();
  const run = await applyRun(ctx(), sha('merge-2'), files, { gaps: proxy });
  expect(quietStderr(run.stderr)).toBe('');
  expect(run.exitCode).toBe(0);
  expect(run.outputs['deleted-users']).toBe('carol');

  expect(writesNaming(run.wire!, 'legacy')).toEqual([]);
  expect(run.writes.filter((w) => JSON.stringify(w.input).includes('legacy'))).toEqual([]);
  expect(await iamUserNames(moto)).toEqual(['dave', 'legacy']);
  await expect(iam().send(new GetLoginProfileCommand({ UserName: 'legacy' }))).resolves.toBeDefined();
  const keys = await iam().send(new ListAccessKeysCommand({ UserName: 'legacy' }));
  expect(keys.AccessKeyMetadata?.map((k) => k.AccessKeyId)).toEqual([key]);
  const groups = await iam().send(new ListGroupsForUserCommand({ UserName: 'legacy' }));
  expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['developers']);
  const attached = await iam().send(new ListAttachedUserPoliciesCommand({ UserName: 'legacy' }));
  expect(attached.AttachedPolicies?.map((p) => p.PolicyArn)).toEqual([POLICY_ARN]);
});

test('removing more users than maxDeletes fails the plan check, and the merge deletes nothing', async () => {
  const limit = 'maxDeletes: 1';
  await seedTeam(teamFiles([carol, dave, erin], limit), ['carol', 'dave', 'erin']);

  const files = teamFiles([erin], limit);
  const plan = await approvedPr(2, files);
  expect(plan.exitCode).toBe(1);
  expect(plan.writes).toEqual([]);
  expect(plan.stdout).toMatch(
    /::error::iam-gitops: .*the plan cannot be applied: this plan deletes 2 users \(carol, dave\), more than maxDeletes \(1\)/,
  );
  expect(botComment(2).body).toMatch(/this plan deletes 2 users \(carol, dave\), more than maxDeletes \(1\)/);

  // Approved and merged anyway: the apply refuses before writing anything.
  proxy.clear();
  const run = await applyRun(ctx(), sha('merge-2'), files, { gaps: proxy });
  expect(run.exitCode).toBe(1);
  expect(run.stdout).toMatch(/::error::iam-gitops: apply refused: the plan cannot be applied/);
  expect(run.summary).toMatch(/more than maxDeletes \(1\)/);
  expect(run.writes).toEqual([]);
  expect(run.wire!.filter((r) => !isReadOperation(r.action))).toEqual([]);
  expect(run.outputs['deleted-users'] ?? '').toBe('');
  expect(await iamUserNames(moto)).toEqual(['carol', 'dave', 'erin']);
  expect(parseMeta(botComment(2).body)?.status).toBe('refused');
});
