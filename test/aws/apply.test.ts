import {
  GetGroupCommand,
  ListAttachedGroupPoliciesCommand,
  ListAttachedUserPoliciesCommand,
  ListGroupsForUserCommand,
  ListUsersCommand,
  ListUserTagsCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { applyPlan } from '../../src/apply/executor.js';
import { satisfiesPolicy, AWS_DEFAULT_PASSWORD_POLICY } from '../../src/targets/iam/password.js';
import { formatApplyReport } from '../../src/apply/report.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { iamGapsCapture, mailedPassword } from '../harness/capture.js';
import { type Moto } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';
import { context, op, plan } from '../unit/apply/fixtures.js';
import { BOUNDARY, DEV_S3, PATH, READONLY, scenarioOps, USERS } from '../unit/apply/scenario.js';

const moto = useMoto();

const noWait = { sleep: async () => {} };

async function setup() {
  const cap = iamGapsCapture();
  const clients = moto.clients({ plugins: [cap.plugin] });
  await clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  return { cap, clients };
}

type Dump = Record<string, Record<string, unknown[]>>;
type SentMail = Awaited<ReturnType<Moto['sentMail']>>;

/** Passwords as mailed: the HTML body holds each in a marked <code> element. */
async function mailedPasswords(sent?: SentMail): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  for (const m of sent ?? (await moto.sentMail())) {
    const to = m.destinations.ToAddresses[0]!.split('@')[0]!;
    const pw = mailedPassword(m.body);
    out.set(to, [...(out.get(to) ?? []), ...(pw ? [pw] : [])]);
  }
  return out;
}

/** The password IAM holds for a user, from the emulator's model dump. */
async function iamPassword(user: string, dump?: Dump): Promise<{ password: string | null; reset: boolean }> {
  const users = ((dump ?? (await moto.data())).iam?.User ?? []) as Array<{
    name: string;
    password: string | null;
    password_reset_required: boolean;
  }>;
  const u = users.find((x) => x.name === user)!;
  return { password: u.password, reset: u.password_reset_required };
}

async function userTags(clients: AwsClients, user: string): Promise<Record<string, string>> {
  const res = await clients.iam.send(new ListUserTagsCommand({ UserName: user }));
  return Object.fromEntries((res.Tags ?? []).map((t) => [t.Key, t.Value]));
}

test('a full multi-user apply provisions everything, mails once, and leaks no password; the same plan again writes nothing', async () => {
  const { cap, clients } = await setup();
  const ctx = context(clients);
  const report = await applyPlan(plan(scenarioOps()), ctx, { retry: noWait });

  expect(report.results.filter((r) => r.status !== 'done')).toEqual([]);
  expect(report.createdUsers).toEqual(['alice', 'bob', 'carol']);
  expect(report.mail).toEqual([
    { user: 'alice', status: 'sent' },
    { user: 'bob', status: 'sent' },
    { user: 'carol', status: 'sent' },
  ]);

  // IAM state, read back.
  const listed = await clients.iam.send(new ListUsersCommand({ PathPrefix: PATH }));
  expect(listed.Users!.map((u) => u.UserName).sort()).toEqual(['alice', 'bob', 'carol']);
  expect(await userTags(clients, 'alice')).toEqual({
    'managed-by': 'iam-gitops',
    role: 'engineer',
    team: 'platform',
  });
  expect(await userTags(clients, 'bob')).toEqual({ 'managed-by': 'iam-gitops', team: 'platform' });
  const groups = await clients.iam.send(new GetGroupCommand({ GroupName: 'developers' }));
  expect(groups.Group!.Path).toBe(PATH);
  expect(groups.Users!.map((u) => u.UserName).sort()).toEqual(['alice', 'bob']);
  const gp = await clients.iam.send(new ListAttachedGroupPoliciesCommand({ GroupName: 'developers' }));
  expect(gp.AttachedPolicies!.map((p) => p.PolicyArn).sort()).toEqual([DEV_S3, READONLY].sort());
  const cp = await clients.iam.send(new ListAttachedUserPoliciesCommand({ UserName: 'carol' }));
  expect(cp.AttachedPolicies!.map((p) => p.PolicyArn)).toEqual([DEV_S3]);
  const ag = await clients.iam.send(new ListGroupsForUserCommand({ UserName: 'alice' }));
  expect(ag.Groups!.map((g) => g.GroupName)).toEqual(['developers']);

  // Where the emulator is lax, the requests say what AWS would have been told.
  expect(
    cap
      .inputs('iam:CreateUser')
      .map((i) => [i.UserName, i.Path, i.PermissionsBoundary])
      .sort(),
  ).toEqual([
    ['alice', PATH, BOUNDARY],
    ['bob', PATH, BOUNDARY],
    ['carol', PATH, BOUNDARY],
  ]);
  expect(cap.inputs('iam:CreateUser').find((i) => i.UserName === 'alice')!.Tags).toEqual(
    expect.arrayContaining([
      { Key: 'managed-by', Value: 'iam-gitops' },
      { Key: 'iam-gitops:welcome', Value: 'pending' },
      { Key: 'role', Value: 'engineer' },
    ]),
  );
  expect(
    cap
      .inputs('iam:CreateLoginProfile')
      .map((i) => [i.UserName, i.PasswordResetRequired])
      .sort(),
  ).toEqual([
    ['alice', true],
    ['carol', true],
  ]);
  expect(cap.inputs('iam:CreatePolicy')[0]).toMatchObject({
    PolicyName: 'dev-s3',
    Path: PATH,
    Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
  });

  // Mail: one each, from the configured sender; passwords only for console users, and they are the ones IAM holds.
  const dump = await moto.data();
  const mail = (dump.ses?.Message ?? []) as SentMail;
  expect(mail.map((m) => m.destinations.ToAddresses[0]).sort()).toEqual([
    'alice@example.com',
    'bob@example.com',
    'carol@example.com',
  ]);
  expect(new Set(mail.map((m) => m.source))).toEqual(new Set(['iam@example.com']));
  const passwords = await mailedPasswords(mail);
  expect(passwords.get('bob')).toEqual([]);
  for (const user of ['alice', 'carol']) {
    const [pw] = passwords.get(user)!;
    expect(satisfiesPolicy(pw!, AWS_DEFAULT_PASSWORD_POLICY)).toBe(true);
    expect(await iamPassword(user, dump)).toEqual({ password: pw, reset: false });
    expect(ctx.secrets).toContain(pw);
  }

  // No password anywhere but the mail.
  const all = [...passwords.values()].flat();
  expect(all).toHaveLength(2);
  const haystacks = [
    JSON.stringify(report),
    formatApplyReport(report),
    ctx.logs.join('\n'),
    JSON.stringify(clients.calls.calls),
    JSON.stringify(cap.calls),
  ];
  for (const pw of all) for (const h of haystacks) expect(h).not.toContain(pw);

  // The same plan again: every operation already done, not one write call.
  const before = clients.calls.calls.length;
  const again = await applyPlan(plan(scenarioOps()), context(clients), { retry: noWait });
  expect(again.results.filter((r) => r.status !== 'already-done')).toEqual([]);
  expect(again.mail.map((m) => m.status)).toEqual(['already-sent', 'already-sent', 'already-sent']);
  const writesAfter = clients.calls.calls.slice(before).filter((c) => clients.calls.writes().includes(c));
  expect(writesAfter).toEqual([]);
});

test('a crash after any operation is recovered by the next run: no duplicate user, every user mailed with a working password', async () => {
  const { clients, cap } = await setup();
  const base = [USERS[0]!, USERS[1]!];
  const count = scenarioOps(base).length;
  const logs: string[] = [];
  for (let k = 1; k <= count; k++) {
    // Names apart per k, so one account serves every crash point (a reset reloads all managed policies).
    const suffix = `-k${k}`;
    const ops = scenarioOps(base, suffix);
    let done = 0;
    const crash = new Error(`crash after operation ${k}`);
    await expect(
      applyPlan(plan(ops), context(clients), {
        concurrency: 1,
        retry: noWait,
        afterEach: () => {
          if (++done === k) throw crash;
        },
      }),
    ).rejects.toBe(crash);

    // A new process: nothing in memory but what AWS holds.
    const ctx = context(clients);
    const report = await applyPlan(plan(ops), ctx, { retry: noWait });
    expect({
      k,
      failed: report.results.filter((r) => r.status === 'failed' || r.status === 'skipped'),
    }).toEqual({ k, failed: [] });

    const names = base.map((u) => `${u.name}${suffix}`);
    const listed = await clients.iam.send(new ListUsersCommand({}));
    expect(
      listed
        .Users!.map((u) => u.UserName)
        .filter((n) => n!.endsWith(suffix))
        .sort(),
    ).toEqual(names);
    expect(cap.inputs('iam:CreateUser').filter((i) => String(i.UserName).endsWith(suffix)).length).toBe(2);
    for (const name of names) {
      const tags = await userTags(clients, name);
      expect({ k, name, pending: tags['iam-gitops:welcome'] }).toEqual({ k, name, pending: undefined });
    }
    logs.push(...ctx.logs);
  }

  // One model dump for all rounds: it carries every managed policy and takes seconds to fetch.
  const dump = await moto.data();
  const mail = (dump.ses?.Message ?? []) as SentMail;
  const passwords = await mailedPasswords(mail);
  for (let k = 1; k <= count; k++) {
    for (const u of base) {
      const name = `${u.name}-k${k}`;
      expect({
        k,
        name,
        mails: mail.some((m) => m.destinations.ToAddresses[0] === `${name}@example.com`),
      }).toEqual({ k, name, mails: true });
      if (!u.console) continue;
      const mailed = passwords.get(name) ?? [];
      expect(mailed.length).toBeGreaterThanOrEqual(1);
      // The last mail carries the password IAM holds now, and IAM will ask for a new one at sign-in.
      const held = await iamPassword(name, dump);
      expect({ k, works: held.password === mailed.at(-1) }).toEqual({ k, works: true });
      for (const pw of mailed) {
        expect(logs.join('\n')).not.toContain(pw);
        expect(JSON.stringify(clients.calls.calls)).not.toContain(pw);
        expect(JSON.stringify(cap.calls)).not.toContain(pw);
      }
    }
  }
  // Re-issued passwords are reset-required, as first ones are.
  expect(cap.inputs('iam:UpdateLoginProfile').length).toBeGreaterThan(0);
  for (const i of cap.inputs('iam:UpdateLoginProfile')) expect(i.PasswordResetRequired).toBe(true);
});

test('an existing user without the managed tag is refused, and adopted when the op says adopt', async () => {
  const { cap, clients } = await setup();
  await clients.iam.send(new CreateUserCommand({ UserName: 'legacy', Path: '/' }));
  const create = (adopt: boolean) => {
    const o = op('user:legacy', [], 'user', 'create', {
      path: PATH,
      tags: { team: 'ops' },
      permissionsBoundary: BOUNDARY,
      adopt,
    });
    o.name = 'legacy';
    return o;
  };
  const refused = await applyPlan(plan([create(false)]), context(clients), { retry: noWait });
  expect(refused.results[0]!.status).toBe('failed');
  expect(refused.results[0]!.error).toMatch(/legacy exists but is not managed by iam-gitops.*adopt: true/);
  expect(await userTags(clients, 'legacy')).toEqual({});

  const adopted = await applyPlan(plan([create(true)]), context(clients), { retry: noWait });
  expect(adopted.results[0]).toMatchObject({ status: 'done', note: 'adopted' });
  expect(adopted.createdUsers).toEqual([]);
  expect(await userTags(clients, 'legacy')).toEqual({ 'managed-by': 'iam-gitops', team: 'ops' });
  expect(cap.inputs('iam:PutUserPermissionsBoundary')).toEqual([
    { UserName: 'legacy', PermissionsBoundary: BOUNDARY },
  ]);
  expect(cap.inputs('iam:CreateUser').length).toBe(1); // only the seed
});

test('update sets and removes tags and the boundary, never the managed mark, and refuses unmanaged users', async () => {
  const { cap, clients } = await setup();
  await clients.iam.send(
    new CreateUserCommand({
      UserName: 'dora',
      Path: PATH,
      Tags: [
        { Key: 'managed-by', Value: 'iam-gitops' },
        { Key: 'old', Value: '1' },
        { Key: 'role', Value: 'x' },
      ],
    }),
  );
  const update = (details: Record<string, unknown>) => {
    const o = op('user:dora', [], 'user', 'update', { path: PATH, ...details });
    o.name = 'dora';
    return o;
  };
  const r1 = await applyPlan(
    plan([
      update({ tags: { role: 'lead' }, removeTags: ['old', 'managed-by'], permissionsBoundary: BOUNDARY }),
    ]),
    context(clients),
    { retry: noWait },
  );
  expect(r1.results[0]!.status).toBe('done');
  expect(await userTags(clients, 'dora')).toEqual({ 'managed-by': 'iam-gitops', role: 'lead' });
  expect(cap.inputs('iam:PutUserPermissionsBoundary')).toEqual([
    { UserName: 'dora', PermissionsBoundary: BOUNDARY },
  ]);

  const r2 = await applyPlan(plan([update({ permissionsBoundary: null })]), context(clients), {
    retry: noWait,
  });
  expect(r2.results[0]!.status).toBe('done');
  expect(cap.inputs('iam:DeleteUserPermissionsBoundary')).toEqual([{ UserName: 'dora' }]);
  const r3 = await applyPlan(
    plan([update({ permissionsBoundary: null, tags: { role: 'lead' } })]),
    context(clients),
    { retry: noWait },
  );
  expect(r3.results[0]!.status).toBe('already-done');

  await clients.iam.send(new CreateUserCommand({ UserName: 'eve' }));
  const e = op('user:eve', [], 'user', 'update', { path: '/', tags: { a: 'b' } });
  e.name = 'eve';
  const r4 = await applyPlan(plan([e]), context(clients), { retry: noWait });
  expect(r4.results[0]!.error).toMatch(/eve exists but is not managed/);
  expect(cap.inputs('iam:TagUser').filter((i) => i.UserName === 'eve')).toEqual([]);
  // The boundary call was answered by the capture (moto has no handler); nothing else reached it.
  expect(cap.inputs('iam:PutUserPermissionsBoundary')).toHaveLength(1);
});
