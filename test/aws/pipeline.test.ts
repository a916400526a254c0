/** runPlan and the plan/drift commands on a fixture repository against the emulator. */
import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
} from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { runPlan } from '../../src/pipeline.js';
import { parseArgs } from '../../src/commands/args.js';
import { planCommand } from '../../src/commands/plan.js';
import { driftCommand } from '../../src/commands/drift.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();

const CONFIG = [
  'path: /iam-gitops/',
  'maxDeletes: 2',
  'groups:',
  '  developers:',
  '    policies: [ReadOnlyAccess]',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  '',
].join('\n');

function repo(csv: string, extra: Record<string, string> = {}): string {
  return tempRepo('iam-gitops-pipeline-', { 'iam-gitops.yml': CONFIG, 'users/team.csv': csv, ...extra });
}

const HEADER = 'username,email,groups,policies,console,role\n';
const row = (n: string, console = false): string =>
  `${n},${n}@example.com,developers,ReadOnlyAccess,${console},dev\n`;
const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';

/** Exactly what the plan for `row(name)` asks for, as if an earlier apply had run. */
async function seedUsers(c: AwsClients, names: string[], console = false): Promise<void> {
  await c.iam
    .send(new CreateGroupCommand({ GroupName: 'developers', Path: '/iam-gitops/' }))
    .catch(() => undefined);
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  for (let i = 0; i < names.length; i += 10) {
    await Promise.all(
      names.slice(i, i + 10).map(async (UserName) => {
        await c.iam.send(
          new CreateUserCommand({
            UserName,
            Path: '/iam-gitops/',
            Tags: [
              { Key: 'managed-by', Value: 'iam-gitops' },
              { Key: 'role', Value: 'dev' },
            ],
          }),
        );
        await c.iam.send(new AddUserToGroupCommand({ UserName, GroupName: 'developers' }));
        await c.iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: RO }));
        if (console)
          await c.iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Seed-only-1!pass' }));
      }),
    );
  }
}

const verifySender = async (): Promise<void> => {
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
};

const noWait = { sleep: async () => {} };

test('an empty account: everything is created; after seeding the same state, nothing is planned', async () => {
  const dir = repo(HEADER + row('alice', true) + row('bob'));
  await verifySender();
  const first = await runPlan({
    dir,
    repo: 'acme/iam',
    offline: false,
    clients: moto.clients(),
    read: noWait,
  });
  if (!first.ok) throw new Error(JSON.stringify(first.diagnostics));
  expect(first.plan.errors).toEqual([]);
  expect(first.plan.accountId).toBe('123456789012');
  expect(first.plan.changes.map((o) => o.id)).toEqual(
    expect.arrayContaining([
      'group:developers',
      'user:alice',
      'login-profile:alice',
      'membership:alice:developers',
      'email:bob',
    ]),
  );
  expect(first.plan.stats.awsCalls['iam:GetAccountAuthorizationDetails']).toBe(1);

  await seedUsers(moto.clients(), ['alice'], true);
  await seedUsers(moto.clients(), ['bob']);
  const c = moto.clients();
  await c.iam.send(new AttachUserPolicyCommand({ UserName: 'alice', PolicyArn: RO }));
  const { AttachGroupPolicyCommand } = await import('@aws-sdk/client-iam');
  await c.iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: RO }));
  const second = await runPlan({
    dir,
    repo: 'acme/iam',
    offline: false,
    clients: moto.clients(),
    read: noWait,
  });
  if (!second.ok) throw new Error('invalid');
  expect(second.plan.changes).toEqual([]);
  expect(second.plan.unchanged).toEqual({
    users: 2,
    groups: 1,
    policies: 0,
    monitoring: { enabled: false, count: 0, byType: {} },
  });
  expect(second.plan.hash).not.toBe(first.plan.hash);
});

test('the number of AWS calls for 50 users equals the number for 5: pages plus a constant', async () => {
  const names = (n: number): string[] =>
    Array.from({ length: n }, (_, i) => `user-${String(i).padStart(3, '0')}`);
  await seedUsers(moto.clients(), names(5));
  const five = await runPlan({
    dir: repo(
      HEADER +
        names(5)
          .map((n) => row(n))
          .join(''),
    ),
    repo: 'r',
    offline: false,
    clients: moto.clients(),
    read: noWait,
  });
  await moto.reset();
  await seedUsers(moto.clients(), names(50));
  const fifty = await runPlan({
    dir: repo(
      HEADER +
        names(50)
          .map((n) => row(n))
          .join(''),
    ),
    repo: 'r',
    offline: false,
    clients: moto.clients(),
    read: noWait,
  });
  if (!five.ok || !fifty.ok) throw new Error('invalid');
  expect(fifty.plan.changes.map((o) => o.id)).toEqual(['attachment:group:developers:' + RO]);
  expect(fifty.plan.stats.awsCalls).toEqual(five.plan.stats.awsCalls);
  const total = Object.values(fifty.plan.stats.awsCalls).reduce((a, b) => a + b, 0);
  expect(total).toBeLessThanOrEqual(6);
  expect(fifty.plan.stats.awsCalls['iam:GetUser']).toBeUndefined();
});

test('ownership conflicts and too many deletions refuse the plan', async () => {
  const c = moto.clients();
  await c.iam.send(new CreateUserCommand({ UserName: 'alice' }));
  await seedUsers(c, ['old1', 'old2', 'old3']);
  const r = await runPlan({
    dir: repo(HEADER + row('alice')),
    repo: 'r',
    offline: false,
    clients: moto.clients(),
    read: noWait,
  });
  if (!r.ok) throw new Error('invalid');
  expect(r.plan.errors).toEqual([
    expect.stringMatching(/user alice \(users\/team\.csv:2\) already exists in AWS but is not managed/),
    expect.stringMatching(/deletes 3 users \(old1, old2, old3\), more than maxDeletes \(2\)/),
  ]);
});

test('a console login created after an old credential report is confirmed with GetLoginProfile', async () => {
  await seedUsers(moto.clients(), ['carol'], true);
  // The report says "no password" (as an hours-old AWS report would); the plan must not trust it blindly.
  const c = moto.clients({
    plugins: [
      (client, service) => {
        if (service !== 'iam') return;
        client.middlewareStack.add(
          // eslint-disable-next-line @typescript-eslint/no-explicit-any
          (next: any, context: any) => async (args: any) => {
            const out = await next(args);
            // AWS hands back its existing report: COMPLETE at once, not a new one.
            if (context.commandName === 'GenerateCredentialReportCommand') out.output.State = 'COMPLETE';
            if (context.commandName === 'GetCredentialReportCommand') {
              const csv = 'user,arn,user_creation_time,password_enabled\ncarol,arn,t,false\n';
              out.output.Content = new TextEncoder().encode(csv);
            }
            return out;
          },
          { step: 'initialize', name: 'staleReport' },
        );
      },
    ],
  });
  const r = await runPlan({
    dir: repo(HEADER + row('carol', true)),
    repo: 'r',
    offline: false,
    clients: c,
    read: noWait,
  });
  if (!r.ok) throw new Error('invalid');
  expect(r.plan.changes.filter((o) => o.type === 'login-profile')).toEqual([]);
  expect(r.plan.stats.awsCalls['iam:GetLoginProfile']).toBe(1);
});

test('a credential report generated by this read is trusted: a console change planned from it costs no GetLoginProfile', async () => {
  await seedUsers(moto.clients(), ['dave', 'erin'], false);
  const c = moto.clients();
  const r = await runPlan({
    dir: repo(HEADER + row('dave', true) + row('erin')),
    repo: 'r',
    offline: false,
    clients: c,
    read: noWait,
  });
  if (!r.ok) throw new Error('invalid');
  // The first GenerateCredentialReport started a new report: it is seconds old, not four hours.
  expect(r.actual.loginsFresh).toBe(true);
  expect(r.plan.changes.filter((o) => o.type === 'login-profile').map((o) => o.id)).toEqual([
    'login-profile:dave',
  ]);
  expect(r.plan.stats.awsCalls['iam:GetLoginProfile']).toBeUndefined();
});

test('validation errors come back as diagnostics and nothing is read from AWS', async () => {
  const c = moto.clients();
  const r = await runPlan({
    dir: repo('username,email,colour\nalice,a@example.com,red\n'),
    repo: 'r',
    offline: false,
    clients: c,
  });
  expect(r.ok).toBe(false);
  if (r.ok) return;
  expect(r.diagnostics[0]).toMatchObject({ file: 'users/team.csv', severity: 'error' });
  expect(c.calls.total()).toBe(0);
});

describe('commands', () => {
  const io = (clients: () => AwsClients) => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: {
        out: (t: string) => void out.push(t),
        err: (t: string) => void err.push(t),
        env: { GITHUB_REPOSITORY: 'acme/iam' },
        clients,
      },
    };
  };

  test('plan: exit 2 with changes (json), 0 without, 1 on a refused plan; drift talks of drift', async () => {
    const dir = repo(HEADER + row('dana'));
    await verifySender();
    const a = io(() => moto.clients());
    expect(await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), a.io)).toBe(2);
    const json = JSON.parse(a.out.join(''));
    expect(json.offline).toBe(false);
    expect(json.changes.map((c: { type: string }) => c.type)).toContain('user');
    expect(json.stats.awsCalls['iam:GetAccountAuthorizationDetails']).toBe(1);
    expect(json.hash).toMatch(/^[0-9a-f]{64}$/);

    const d = io(() => moto.clients());
    expect(await driftCommand(parseArgs(['drift', '--dir', dir]), d.io)).toBe(2);
    expect(d.out.join('')).toMatch(/iam-gitops drift/);
    expect(d.out.join('')).toMatch(/Drift: \d+ to create/);

    const e = io(() => moto.clients());
    await moto.clients().iam.send(new CreateUserCommand({ UserName: 'dana' }));
    expect(await planCommand(parseArgs(['plan', '--dir', dir]), e.io)).toBe(1);
    expect(e.err.join('')).toMatch(/error: user dana .* not managed/);

    await moto.reset();
    const none = repo(HEADER + row('erin'));
    await seedUsers(moto.clients(), ['erin']);
    const { AttachGroupPolicyCommand } = await import('@aws-sdk/client-iam');
    await moto.clients().iam.send(new AttachGroupPolicyCommand({ GroupName: 'developers', PolicyArn: RO }));
    const f = io(() => moto.clients());
    expect(await driftCommand(parseArgs(['drift', '--dir', none]), f.io)).toBe(0);
    expect(f.out.join('')).toContain('No drift.');
  });

  test('plan --offline needs no AWS; markdown carries the marker; invalid files exit 1 with file:line:col', async () => {
    const never = (): AwsClients => {
      throw new Error('offline must not create clients');
    };
    const a = io(never);
    expect(
      await planCommand(
        parseArgs(['plan', '--offline', '--format', 'markdown', '--dir', repo(HEADER + row('fred'))]),
        a.io,
      ),
    ).toBe(2);
    const md = a.out.join('');
    expect(md.startsWith('<!-- iam-gitops:plan -->\n<!-- iam-gitops:meta ')).toBe(true);
    expect(md).toContain('Offline plan');
    expect(md).not.toContain('fred@example.com');

    const b = io(never);
    expect(
      await planCommand(
        parseArgs(['plan', '--offline', '--dir', repo('username,email,colour\nx,x@example.com,red\n')]),
        b.io,
      ),
    ).toBe(1);
    expect(b.err.join('')).toMatch(/^users\/team\.csv:1:\d+: error: /m);

    const c = io(never);
    expect(await planCommand(parseArgs(['plan', '--offline', '--format', 'yaml']), c.io)).toBe(1);
    expect(c.err.join('')).toContain("--format must be one of text, markdown, json, not 'yaml'");
  });
});
