/**
 * Adoption end to end against the emulator: an account built the way the console walkthrough
 * builds it (users at `/`, a group, a custom and an AWS managed policy, an inline policy, login
 * profiles, access keys) → `import` → `validate` clean → `plan` with only the takeovers (ownership
 * tags) → `apply` → `plan` with no changes; the credentials untouched.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  ListAccessKeysCommand,
  ListUserPoliciesCommand,
  ListUserTagsCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { importCommand } from '../../src/commands/import.js';
import { planCommand, type PlanIo } from '../../src/commands/plan.js';
import { validateCommand } from '../../src/commands/validate.js';
import { loadDesired } from '../../src/desired/index.js';
import { newAccountModel } from '../harness/aws-actions.js';
import { iamGapsCapture } from '../harness/capture.js';
import { stackFor } from '../harness/e2e-role-check.js';
import { checkCalls, deployedRole } from '../harness/role-check.js';
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();
beforeEach(async () => {});

const DEV_S3 = {
  Version: '2012-10-17',
  Statement: [
    { Resource: 'arn:aws:s3:::dev-bucket/*', Action: ['s3:GetObject'], Effect: 'Allow', Sid: 'Read' },
  ],
};

/** The walkthrough's account, made with raw SDK calls as the console makes it. */
async function consoleAccount(): Promise<void> {
  const iam = moto.clients().iam;
  await iam.send(new CreateGroupCommand({ GroupName: 'developers' }));
  await iam.send(
    new AttachGroupPolicyCommand({
      GroupName: 'developers',
      PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess',
    }),
  );
  await iam.send(new CreatePolicyCommand({ PolicyName: 'dev-s3', PolicyDocument: JSON.stringify(DEV_S3) }));
  const devS3 = `arn:aws:iam::${ACCOUNT_ID}:policy/dev-s3`;
  await iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: devS3 }));
  await iam.send(
    new CreateUserCommand({
      UserName: 'alice',
      Tags: [
        { Key: 'email', Value: 'alice@example.com' },
        { Key: 'team', Value: 'web' },
      ],
    }),
  );
  await iam.send(new CreateLoginProfileCommand({ UserName: 'alice', Password: 'Initial-Passw0rd!' }));
  await iam.send(new AddUserToGroupCommand({ UserName: 'alice', GroupName: 'developers' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'alice' }));
  await iam.send(
    new PutUserPolicyCommand({
      UserName: 'alice',
      PolicyName: 'scratch',
      PolicyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::scratch' }],
      }),
    }),
  );
  await iam.send(new CreateUserCommand({ UserName: 'ci-bot' }));
  await iam.send(new AttachUserPolicyCommand({ UserName: 'ci-bot', PolicyArn: devS3 }));
  await iam.send(new CreateAccessKeyCommand({ UserName: 'ci-bot' }));
}

function harness() {
  const calls = new CallLog(undefined);
  const clients = moto.clients({ plugins: [iamGapsCapture().plugin], calls });
  const out: string[] = [];
  const err: string[] = [];
  const io: PlanIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => clients,
  };
  return { calls, io, out: () => out.join(''), err: () => err.join('') };
}

function emptyRepo(): string {
  return tempRepo('iam-gitops-import-', {
    'emails.csv': 'username,email\nci-bot,platform@example.com\n',
  });
}

async function credentials(user: string) {
  const iam = moto.clients().iam;
  const keys = (await iam.send(new ListAccessKeysCommand({ UserName: user }))).AccessKeyMetadata ?? [];
  return keys.map((k) => `${k.AccessKeyId}:${k.Status}`).sort();
}

test('users at / without --keep-path are refused by name with the flag to pass, and nothing is written', async () => {
  await consoleAccount();
  const dir = emptyRepo();
  const h = harness();
  const code = await importCommand(
    parseArgs(['import', '--all', '--dir', dir, '--emails', 'emails.csv']),
    h.io,
  );
  expect(code).toBe(1);
  expect(h.err()).toMatch(/user alice is at path \/, outside path \/iam-gitops\/; pass --keep-path/);
  expect(h.err()).toContain('nothing was written');
  expect(existsSync(path.join(dir, 'users'))).toBe(false);
  expect(existsSync(path.join(dir, 'iam-gitops.yml'))).toBe(false);
  expect(h.calls.writes()).toEqual([]);
});

test('a user without an e-mail (no tag, no --emails row) stops the import and names both fixes', async () => {
  await consoleAccount();
  const dir = emptyRepo();
  const h = harness();
  expect(await importCommand(parseArgs(['import', '--all', '--keep-path', '--dir', dir]), h.io)).toBe(1);
  expect(h.err()).toMatch(/user ci-bot has no e-mail: tag it email=<address>, or give --emails <file>/);
  expect(existsSync(path.join(dir, 'users'))).toBe(false);
});

test('console account → import → validate clean → plan only takes over → apply → plan no changes; credentials untouched', async () => {
  await consoleAccount();
  const keysBefore = { alice: await credentials('alice'), bot: await credentials('ci-bot') };
  const dir = emptyRepo();

  const imp = harness();
  const code = await importCommand(
    parseArgs(['import', '--all', '--keep-path', '--dir', dir, '--emails', 'emails.csv']),
    imp.io,
  );
  expect(imp.err()).not.toMatch(/^error/m);
  expect(code).toBe(0);
  expect(imp.calls.writes()).toEqual([]);
  expect(readFileSync(path.join(dir, 'users/imported.csv'), 'utf8')).toBe(
    [
      'username,email,groups,policies,console,tags,role',
      'alice,alice@example.com,developers,,true,email=alice@example.com;team=web,',
      'ci-bot,platform@example.com,,dev-s3,false,,',
      '',
    ].join('\n'),
  );
  // Pretty, in IAM's key order, the default version's document.
  expect(readFileSync(path.join(dir, 'policies/dev-s3.json'), 'utf8')).toBe(
    JSON.stringify(
      {
        Version: '2012-10-17',
        Statement: [
          { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::dev-bucket/*' },
        ],
      },
      null,
      2,
    ) + '\n',
  );
  const yml = readFileSync(path.join(dir, 'iam-gitops.yml'), 'utf8');
  expect(yml).toContain('adopt: true');
  expect(yml).toContain('adoptPaths: [ / ]');
  expect(yml).toMatch(/developers:\n\s+policies: \[ ReadOnlyAccess, dev-s3 \]/);
  // What iam-gitops cannot express is listed and left alone.
  expect(imp.err()).toMatch(
    /kept untouched: alice: access key 1 \(active, created \d{4}-\d\d-\d\d\) stays as it is/,
  );
  expect(imp.err()).toMatch(/needs a decision: user alice has the inline policy scratch: it stays as it is/);

  const val: string[] = [];
  const sink = (t: string) => void val.push(t);
  expect(await validateCommand(parseArgs(['validate', '--dir', dir]), { out: sink, err: sink })).toBe(0);
  expect(val.join('')).toMatch(/0 errors, 0 warnings/);

  const plan = harness();
  expect(await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), plan.io)).toBe(2);
  const changes = (
    JSON.parse(plan.out()) as { changes: Array<{ id: string; details: Record<string, unknown> }> }
  ).changes;
  expect(changes.map((c) => c.id).sort()).toEqual(['user:alice', 'user:ci-bot']);
  for (const c of changes) expect(c.details).toMatchObject({ adopt: true, path: '/' });

  const apply = harness();
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), { ...apply.io })).toBe(0);
  // The only writes are the takeovers: the ownership tag on each user.
  expect(
    apply.calls
      .writes()
      .map((c) => `${c.operation} ${String(c.input.UserName)}`)
      .sort(),
  ).toEqual(['TagUser alice', 'TagUser ci-bot']);

  // The stack deployed for these files (AdoptPath from adoptPaths) allows every call of the apply;
  // without AdoptPath exactly the takeovers at / are refused.
  const files = (await loadDesired(dir)).state!;
  const model = () => {
    const m = newAccountModel(ACCOUNT_ID, REGION);
    for (const name of ['alice', 'ci-bot']) m.users.set(name, { name, path: '/', tags: {} });
    m.groups.set('developers', { name: 'developers', path: '/' });
    return m;
  };
  const sender = {
    SesIdentityArn: `arn:aws:ses:${REGION}:${ACCOUNT_ID}:identity/iam@example.com`,
    SesFromAddress: 'iam@example.com',
  };
  const github = { owner: 'acme', repo: 'iam' };
  expect(stackFor(files, github, sender).parameters).toMatchObject({ AdoptPath: '/', AllowAdoption: 'true' });
  expect(
    await checkCalls(apply.calls.calls, deployedRole(stackFor(files, github, sender), 'apply'), model()),
  ).toEqual([]);
  const withoutAdoptPath = deployedRole(stackFor(files, github, { ...sender, AdoptPath: '' }), 'apply');
  const denials = await checkCalls(apply.calls.calls, withoutAdoptPath, model());
  expect(denials.map((d) => `${d.check.action} ${String(d.call.input.UserName)}`).sort()).toEqual([
    'iam:TagUser alice',
    'iam:TagUser ci-bot',
  ]);

  const again = harness();
  expect(await planCommand(parseArgs(['plan', '--dir', dir]), again.io)).toBe(0);

  const iam = moto.clients().iam;
  expect({ alice: await credentials('alice'), bot: await credentials('ci-bot') }).toEqual(keysBefore);
  expect(keysBefore.alice).toHaveLength(1);
  await expect(iam.send(new GetLoginProfileCommand({ UserName: 'alice' }))).resolves.toBeDefined();
  expect((await iam.send(new ListUserPoliciesCommand({ UserName: 'alice' }))).PolicyNames).toEqual([
    'scratch',
  ]);
  const tags = (await iam.send(new ListUserTagsCommand({ UserName: 'alice' }))).Tags ?? [];
  expect(Object.fromEntries(tags.map((t) => [t.Key, t.Value]))).toEqual({
    email: 'alice@example.com',
    team: 'web',
    'managed-by': 'iam-gitops',
  });
});

test('after the takeover, the files keep the adopted group and policy at / where they are', async () => {
  await consoleAccount();
  const dir = emptyRepo();
  const args = ['import', '--all', '--keep-path', '--dir', dir, '--emails', 'emails.csv'];
  expect(await importCommand(parseArgs(args), harness().io)).toBe(0);
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), harness().io)).toBe(0);

  // ci-bot joins developers (a group at /), which gets one more policy, and dev-s3 (a policy at
  // /) gets a second action.
  const yml = path.join(dir, 'iam-gitops.yml');
  writeFileSync(yml, readFileSync(yml, 'utf8').replace('dev-s3 ]', 'dev-s3, AmazonS3ReadOnlyAccess ]'));
  const csv = path.join(dir, 'users/imported.csv');
  writeFileSync(
    csv,
    readFileSync(csv, 'utf8').replace(
      'ci-bot,platform@example.com,,',
      'ci-bot,platform@example.com,developers,',
    ),
  );
  const doc = JSON.parse(readFileSync(path.join(dir, 'policies/dev-s3.json'), 'utf8')) as typeof DEV_S3;
  doc.Statement[0]!.Action.push('s3:PutObject');
  writeFileSync(path.join(dir, 'policies/dev-s3.json'), JSON.stringify(doc, null, 2));

  const plan = harness();
  expect(await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), plan.io)).toBe(2);
  const changes = (
    JSON.parse(plan.out()) as { changes: Array<{ id: string; details: Record<string, unknown> }> }
  ).changes;
  expect(changes.map((c) => c.id).sort()).toEqual([
    'attachment:group:developers:arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess',
    'membership:ci-bot:developers',
    'policy:dev-s3',
  ]);
  expect(changes.find((c) => c.id === 'policy:dev-s3')!.details).toMatchObject({
    path: '/',
    arn: `arn:aws:iam::${ACCOUNT_ID}:policy/dev-s3`,
  });

  const apply = harness();
  const code = await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), apply.io);
  expect(apply.err()).not.toMatch(/not managed/);
  expect(apply.out()).not.toMatch(/not managed/);
  expect(code).toBe(0);
  expect(
    apply.calls
      .writes()
      .map((c) => c.operation)
      .sort(),
  ).toEqual(['AddUserToGroup', 'AttachGroupPolicy', 'CreatePolicyVersion']);
  expect(await planCommand(parseArgs(['plan', '--dir', dir]), harness().io)).toBe(0);
});
