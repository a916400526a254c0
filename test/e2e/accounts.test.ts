/**
 * Many accounts through `node dist/index.js`, against the local GitHub API and the emulator with
 * three accounts (moto keeps each account's state apart; the OIDC exchange into a role of another
 * account yields that account's credentials). One pull request, one comment with a section per
 * account, one approval; then the shipped workflow's jobs: `mode: accounts` computes the matrix and
 * one run per account applies it with the `account` input, each passing the gate for its own
 * section only.
 */
import { CreateUserCommand, GetGroupCommand, GetUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import {
  CreateAccountCommand,
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import type { AwsClients, ClientPlugin } from '../../src/aws/clients.js';
import { parseMeta } from '../../src/github/comment.js';
import { runAction, type ActionRun } from '../harness/action-runner.js';
import { startGapProxy, type GapProxy } from '../harness/gap-proxy.js';
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { startScriptProxy } from '../harness/script-proxy.js';
import { after, postedAt, prPayload, pushPayload, quietStderr, SENDER, sha } from './scenario.js';

const IDS = { main: '123456789012', b: '111111111111', c: '222222222222' } as const;
type Name = keyof typeof IDS;
const role = (name: Name, kind: string) => `arn:aws:iam::${IDS[name]}:role/iam-gitops-${kind}`;

let gh: GitHubServer;
let moto: Moto;
let gaps: GapProxy;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
  gaps = await startGapProxy({ target: moto.url });
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop(), gaps?.stop()]));
beforeEach(async () => {
  gh.reset();
  gaps.clear();
  await moto.reset();
  for (const name of Object.keys(IDS) as Name[])
    await clientsOf(name).ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
});

/** The emulator's clients acting in one account (moto's per-request account header). */
function clientsOf(name: Name): AwsClients {
  const inAccount: ClientPlugin = (client) => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any) => async (args: any) => {
        args.request.headers['x-moto-account-id'] = IDS[name];
        return next(args);
      },
      { step: 'build', name: 'motoAccount' },
    );
  };
  return moto.clients({ plugins: [inAccount] });
}

async function users(name: Name): Promise<string[]> {
  const out = await clientsOf(name).iam.send(new ListUsersCommand({}));
  return (out.Users ?? []).map((u) => u.UserName!).sort();
}

async function hasGroup(name: Name, group: string): Promise<boolean> {
  try {
    await clientsOf(name).iam.send(new GetGroupCommand({ GroupName: group }));
    return true;
  } catch {
    return false;
  }
}

async function hasUser(name: Name, user: string): Promise<boolean> {
  try {
    await clientsOf(name).iam.send(new GetUserCommand({ UserName: user }));
    return true;
  } catch {
    return false;
  }
}

const CONFIG = [
  'requiredApprovals: 1',
  'email:',
  `  from: ${SENDER}`,
  '  region: us-east-1',
  'monitoring:',
  '  enabled: false',
  'accounts:',
  ...(Object.keys(IDS) as Name[]).flatMap((n) => [
    `  ${n}:`,
    `    id: '${IDS[n]}'`,
    `    planRole: ${role(n, 'plan')}`,
    `    applyRole: ${role(n, 'apply')}`,
  ]),
  'defaultAccount: main',
].join('\n');

/** The repository: `devs` reaches `devAccounts`; each user row is `name,groups,accounts`. */
function files(devAccounts: string[], rows: string[]): Record<string, string> {
  return {
    'iam-gitops.yml': `${CONFIG}\ngroups:\n  devs:\n    policies: []\n    accounts: [${devAccounts.join(', ')}]\n`,
    'users/team.csv':
      [
        'username,email,groups,console,accounts',
        ...rows.map((r) => {
          const [name, groups, accounts] = r.split(',');
          return `${name},${name}@example.com,${groups},false,${accounts}`;
        }),
      ].join('\n') + '\n',
  };
}

const botComment = (pr: number) => gh.comments(pr).find((c) => c.user.login === 'github-actions[bot]')!;

function plan(pr: number, f: Record<string, string>): Promise<ActionRun> {
  gh.addPull({ number: pr, author: 'alice', headSha: sha(`head-${pr}`), baseSha: sha(`base-${pr}`) });
  return runAction({
    github: gh,
    moto,
    gaps,
    files: f,
    eventName: 'pull_request',
    payload: prPayload(gh, pr),
    sha: sha(`merge-preview-${pr}`),
    ref: `refs/pull/${pr}/merge`,
  });
}

function approve(pr: number, at = after(postedAt(gh, pr))): void {
  gh.addReview(pr, { login: 'bob', state: 'APPROVED', commitId: sha(`head-${pr}`), submittedAt: at });
}

function push(
  pr: number,
  f: Record<string, string>,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {},
): Promise<ActionRun> {
  const merge = sha(`merge-${pr}`);
  return runAction({
    github: gh,
    moto,
    gaps,
    files: f,
    eventName: 'push',
    payload: pushPayload(gh, merge),
    sha: merge,
    ref: `refs/heads/${gh.defaultBranch}`,
    inputs: { mode: 'apply', ...inputs },
    env,
  });
}

/** The shipped workflow: the matrix job, then one apply job per account it lists. */
async function matrix(pr: number, f: Record<string, string>): Promise<string[]> {
  const run = await push(pr, f, { mode: 'accounts' });
  expect(run.exitCode).toBe(0);
  return JSON.parse(run.outputs.accounts!) as string[];
}

// carol is in devs (main and b); dave lives in c only; erin has no groups (the default account).
const START = files(['main', 'b'], ['carol,devs,', 'dave,,c', 'erin,,']);

describe('many accounts through dist/index.js', () => {
  test('one comment with three sections → approval → the matrix applies each account; b fails, is retried alone and converges', async () => {
    const planned = await plan(1, START);
    expect(planned.exitCode).toBe(0);
    const comments = gh.comments(1).filter((c) => c.user.login === 'github-actions[bot]');
    expect(comments).toHaveLength(1);
    const meta = parseMeta(comments[0]!.body)!;
    expect(meta.accounts!.map((a) => [a.account, a.id, a.counts.create > 0])).toEqual([
      ['main', IDS.main, true],
      ['b', IDS.b, true],
      ['c', IDS.c, true],
    ]);
    // Each section has its own hash, bound to its account; the combined hash is another.
    const hashes = new Set([meta.hash, ...meta.accounts!.map((a) => a.hash)]);
    expect(hashes.size).toBe(4);
    for (const n of Object.keys(IDS))
      expect(comments[0]!.body).toContain(`#### \`${n}\` <sub>(account ${IDS[n as Name]})</sub>`);
    expect(planned.outputs['plan-hash']).toBe(meta.hash);
    // Planning never writes; each account costs the same bulk read as one account does.
    expect(planned.writes).toEqual([]);
    const count = (op: string) => planned.calls.filter((c) => c.operation === op).length;
    expect(count('GetAccountAuthorizationDetails')).toBe(3);
    expect(count('AssumeRoleWithWebIdentity')).toBe(3);
    // One OIDC exchange, one identity check and the bulk read per account: at most 8 calls each.
    expect(planned.calls.length).toBeLessThanOrEqual(3 * 8);

    approve(1);
    gh.merge(1, sha('merge-1'));
    const accounts = await matrix(1, START);
    expect(accounts).toEqual(['main', 'b', 'c']);

    // b's job meets a denied CreateGroup once: its apply fails, the others apply.
    const script = await startScriptProxy(gaps.url, [
      {
        action: 'CreateGroup',
        times: 1,
        error: { status: 403, code: 'AccessDenied', message: 'denied for the test' },
      },
    ]);
    try {
      const runs: Record<string, ActionRun> = {};
      for (const name of accounts)
        runs[name] = await push(
          1,
          START,
          { account: name },
          name === 'b' ? { AWS_ENDPOINT_URL: script.url } : {},
        );
      expect(script.played).toEqual(['CreateGroup:error']);
      expect(runs.main!.exitCode).toBe(0);
      expect(runs.c!.exitCode).toBe(0);
      expect(runs.b!.exitCode).toBe(1);
      expect(quietStderr(runs.b!.stderr)).toBe('');
    } finally {
      await script.stop();
    }
    expect(await users('main')).toEqual(['carol', 'erin']);
    expect(await hasGroup('main', 'devs')).toBe(true);
    expect(await users('c')).toEqual(['dave']);
    expect(await hasGroup('c', 'devs')).toBe(false);
    expect(await hasGroup('b', 'devs')).toBe(false);
    // b's failure keeps b's issue open; no other account has one.
    expect(gh.issues('iam-gitops:apply:b').filter((i) => i.state === 'open')).toHaveLength(1);
    expect(gh.issues('iam-gitops:apply:main')).toHaveLength(0);

    // The re-run of b's job alone finishes b's approved section and closes its issue.
    const retried = await push(1, START, { account: 'b' });
    expect(retried.exitCode).toBe(0);
    expect(await hasGroup('b', 'devs')).toBe(true);
    expect(await users('b')).toEqual(['carol']);
    expect(gh.issues('iam-gitops:apply:b').filter((i) => i.state === 'open')).toHaveLength(0);
    // It touched b only: main and c are as the first jobs left them.
    expect(await users('main')).toEqual(['carol', 'erin']);
    expect(await users('c')).toEqual(['dave']);

    // A user removed from one account only (pull request numbers follow GitHub's shared issue numbering) is offboarded there only (all accounts in one job).
    const next = files(['main', 'b'], ['carol,devs,main', 'dave,,c', 'erin,,']);
    const second = await plan(12, next);
    expect(second.exitCode).toBe(0);
    const meta2 = parseMeta(botComment(12).body)!;
    // Deletions in b only (the user and its membership).
    expect(meta2.accounts!.map((a) => [a.account, a.counts.delete > 0])).toEqual([
      ['main', false],
      ['b', true],
      ['c', false],
    ]);
    approve(12);
    gh.merge(12, sha('merge-12'));
    const applied = await push(12, next);
    expect(applied.exitCode).toBe(0);
    expect(await hasUser('b', 'carol')).toBe(false);
    expect(await hasUser('main', 'carol')).toBe(true);
    expect(applied.outputs['deleted-users']).toBe('b/carol');
  }, 300_000);

  test('an edited section, or an approval older than the plan, refuses the job before any AWS write', async () => {
    await plan(3, START);
    approve(3);
    gh.merge(3, sha('merge-3'));
    // Someone with write access rewrites b's section hash in the plan comment.
    const bot = botComment(3);
    const meta = parseMeta(bot.body)!;
    const forged = meta.accounts!.find((a) => a.account === 'b')!.hash!;
    bot.body = bot.body.replace(forged, '0'.repeat(64));
    const edited = await push(3, START, { account: 'b' });
    expect(edited.exitCode).toBe(1);
    expect(edited.stdout).toMatch(/not the ones its combined hash binds/);
    expect(edited.writes.filter((c) => c.service === 'iam')).toEqual([]);
    expect(await users('b')).toEqual([]);

    // An approval given before the plan comment was posted does not count, whatever the account.
    await plan(4, START);
    approve(4, new Date(Date.parse(postedAt(gh, 4)) - 60_000).toISOString());
    gh.merge(4, sha('merge-4'));
    const stale = await push(4, START, { account: 'main' });
    expect(stale.exitCode).toBe(1);
    expect(stale.stdout).toMatch(/not approved/);
    expect(stale.writes.filter((c) => c.service === 'iam')).toEqual([]);
    expect(await users('main')).toEqual([]);
  }, 300_000);

  test('drift in one account: one drift issue with a section per account, the account named; the step fails', async () => {
    // Every account as the files want it (the first merge applied in one job), then a user made behind the tool's back in c.
    await plan(21, START);
    approve(21);
    gh.merge(21, sha('merge-21'));
    expect((await push(21, START)).exitCode).toBe(0);
    await clientsOf('c').iam.send(
      new CreateUserCommand({
        UserName: 'mallory',
        Path: '/iam-gitops/',
        Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
      }),
    );
    const drift = await runAction({
      github: gh,
      moto,
      gaps,
      files: START,
      eventName: 'schedule',
      payload: {},
      sha: sha('main-head'),
      ref: `refs/heads/${gh.defaultBranch}`,
    });
    expect(drift.exitCode).toBe(1);
    expect(drift.stdout).toMatch(/::error::iam-gitops: drift in c \(issue #\d+\)/);
    const issues = gh.issues('iam-gitops:drift');
    expect(issues).toHaveLength(1);
    const body = issues[0]!.body;
    for (const n of Object.keys(IDS) as Name[])
      expect(body).toContain(`#### \`${n}\` <sub>(account ${IDS[n]})</sub>`);
    expect(body).toMatch(/\| `c` \| `222222222222` \|[^\n]*⚠️ \d+ changes?, \d+ to delete \|/);
    expect(body).toMatch(/\| `main` \| `123456789012` \|[^\n]*✅ no drift \|/);
    expect(body).toContain('mallory');
    // The drift check never writes to AWS.
    expect(drift.writes).toEqual([]);
    // One report issue (the emulator's accounts fail CIS checks: no root MFA, no password policy),
    // each account's report under its heading, read with that account's own credentials.
    const report = gh.issues('iam-gitops:report');
    expect(report).toHaveLength(1);
    for (const n of Object.keys(IDS) as Name[])
      expect(report[0]!.body).toContain(
        `#### \`${n}\` <sub>(account ${IDS[n]})</sub>\n\n#### IAM report for account ${IDS[n]}`,
      );
    expect(await hasUser('c', 'mallory')).toBe(true);
  }, 300_000);

  test('mode accounts: declared accounts from the files; with organization: the OU’s accounts found through the action’s role', async () => {
    // Declared only: no AWS call at all.
    gh.addPull({ number: 31, author: 'alice', headSha: sha('head-31'), baseSha: sha('base-31') });
    const declared = await push(31, START, { mode: 'accounts' });
    expect(declared.exitCode).toBe(0);
    expect(JSON.parse(declared.outputs.accounts!)).toEqual(['main', 'b', 'c']);
    expect(declared.calls).toEqual([]);

    // An organization in the management account (main): a Workloads OU with two accounts, one outside it.
    const o = clientsOf('main').organizations;
    await o.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
    const root = (await o.send(new ListRootsCommand({}))).Roots![0]!.Id!;
    const ou = (await o.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name: 'Workloads' })))
      .OrganizationalUnit!.Id!;
    const made: string[] = [];
    for (const name of ['Prod EU', 'Staging', 'Outside']) {
      const id = (
        await o.send(
          new CreateAccountCommand({ AccountName: name, Email: `${name.replace(' ', '')}@example.com` }),
        )
      ).CreateAccountStatus!.AccountId!;
      made.push(id);
      if (name !== 'Outside')
        await o.send(
          new MoveAccountCommand({ AccountId: id, SourceParentId: root, DestinationParentId: ou }),
        );
    }
    const withOrg = {
      ...START,
      'iam-gitops.yml': START['iam-gitops.yml']!.replace(
        'defaultAccount: main',
        `defaultAccount: main\norganization:\n  ou: [${ou}]`,
      ),
    };
    const found = await push(31, withOrg, { mode: 'accounts', 'role-to-assume': role('main', 'apply') });
    expect(found.exitCode).toBe(0);
    // Declared first, then the discovered ones by the slug of their name; the account outside the OU is not listed.
    expect(JSON.parse(found.outputs.accounts!)).toEqual(['main', 'b', 'c', 'prod-eu', 'staging']);
    expect(found.summary).toContain(made[0]);
    expect(found.summary).not.toContain(made[2]);
    expect(found.calls.filter((c) => c.service === 'organizations').map((c) => c.operation)).toContain(
      'ListAccountsForParent',
    );
  }, 300_000);

  test('a single-account repository: the matrix has one empty entry, and an account input is refused before AWS', async () => {
    const single = {
      'iam-gitops.yml': CONFIG.split('\naccounts:')[0] + '\n',
      'users/team.csv': 'username,email,groups,console\nerin,erin@example.com,,false\n',
    };
    gh.addPull({ number: 41, author: 'alice', headSha: sha('head-41'), baseSha: sha('base-41') });
    const list = await push(41, single, { mode: 'accounts' });
    expect(list.exitCode).toBe(0);
    expect(JSON.parse(list.outputs.accounts!)).toEqual(['']);

    await plan(42, single);
    approve(42);
    gh.merge(42, sha('merge-42'));
    const named = await push(42, single, { account: 'main', 'role-to-assume': role('main', 'apply') });
    expect(named.exitCode).toBe(1);
    expect(named.stdout).toMatch(/the input account is 'main', but iam-gitops.yml declares no accounts/);
    expect(named.writes).toEqual([]);
    // The same job without the input applies as before.
    const applied = await push(42, single, { 'role-to-assume': role('main', 'apply') });
    expect(applied.exitCode).toBe(0);
    expect(await users('main')).toEqual(['erin']);
  }, 300_000);

  test('all accounts in one job: an account that drifted since approval is refused alone; the others apply', async () => {
    await plan(51, START);
    approve(51);
    gh.merge(51, sha('merge-51'));
    // Behind the plan's back, after the approval: a managed user appears in b.
    await clientsOf('b').iam.send(
      new CreateUserCommand({
        UserName: 'mallory',
        Path: '/iam-gitops/',
        Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
      }),
    );
    const run = await push(51, START);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/::error::iam-gitops: account b refused\./);
    // b is untouched (mallory stays, no group); main and c got their approved sections.
    expect(await users('b')).toEqual(['mallory']);
    expect(await hasGroup('b', 'devs')).toBe(false);
    expect(await users('main')).toEqual(['carol', 'erin']);
    expect(await users('c')).toEqual(['dave']);
    // One result comment with a row per account; b's own issue says why.
    const result = gh.comments(51).filter((c) => c.body.startsWith('<!-- iam-gitops:result -->'));
    expect(result).toHaveLength(1);
    expect(result[0]!.body).toMatch(/\| `main` \| `123456789012` \| ✅ applied \|/);
    expect(result[0]!.body).toMatch(/\| `b` \| `111111111111` \| 🛑 refused \|/);
    expect(result[0]!.body).toMatch(/\| `c` \| `222222222222` \| ✅ applied \|/);
    const issue = gh.issues('iam-gitops:apply:b');
    expect(issue).toHaveLength(1);
    expect(issue[0]!.body).toMatch(/never approved[\s\S]*mallory/);
    expect(gh.issues('iam-gitops:apply:main')).toHaveLength(0);
  }, 300_000);

  test('one hub role: the plan job assumes each member role with the external id and a session naming the run', async () => {
    const hubRepo = {
      ...START,
      'iam-gitops.yml': START['iam-gitops.yml']!.split('\n')
        .filter((l) => !/^\s+(planRole|applyRole):/.test(l))
        .join('\n')
        .replace(
          'defaultAccount: main',
          'defaultAccount: main\nhub:\n  memberPlanRole: iam-gitops-member-plan\n  memberApplyRole: iam-gitops-member-apply\n  externalId: acme-iam',
        ),
    };
    gh.addPull({ number: 61, author: 'alice', headSha: sha('head-61'), baseSha: sha('base-61') });
    const run = await runAction({
      github: gh,
      moto,
      gaps,
      files: hubRepo,
      eventName: 'pull_request',
      payload: prPayload(gh, 61),
      sha: sha('merge-preview-61'),
      ref: 'refs/pull/61/merge',
      inputs: { 'plan-role-to-assume': role('main', 'hub') },
    });
    expect(run.exitCode).toBe(0);
    // One OIDC exchange into the hub, then one AssumeRole per member account.
    expect(
      run.calls.filter((c) => c.operation === 'AssumeRoleWithWebIdentity').map((c) => c.input.RoleArn),
    ).toEqual([role('main', 'hub')]);
    const assumed = run.calls.filter((c) => c.operation === 'AssumeRole').map((c) => c.input);
    expect(assumed.map((i) => i.RoleArn).sort()).toEqual(
      (Object.keys(IDS) as Name[]).map((n) => `arn:aws:iam::${IDS[n]}:role/iam-gitops-member-plan`).sort(),
    );
    for (const i of assumed)
      expect(i).toMatchObject({ ExternalId: 'acme-iam', RoleSessionName: 'iam-gitops-4242-1' });
    const meta = parseMeta(botComment(61).body)!;
    expect(meta.accounts!.map((a) => [a.account, a.hash !== null])).toEqual([
      ['main', true],
      ['b', true],
      ['c', true],
    ]);
  }, 300_000);
});
