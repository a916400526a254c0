/**
 * The apply takes existence and ownership from the plan's bulk read: new users cost about the
 * writes they need, a second apply writes nothing, and the report counts the calls.
 */
import { CreateUserCommand, GetGroupCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { tempRepo, useMoto, writeFiles } from '../harness/use-moto.js';

const moto = useMoto();

const CONFIG = [
  'path: /iam-gitops/',
  'groups:',
  '  developers:',
  '    policies: [ReadOnlyAccess]',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  '',
].join('\n');

function repo(dir: string | null, rows: string[]): string {
  const files = {
    'iam-gitops.yml': CONFIG,
    'users/team.csv': ['username,email,groups,policies,console,role', ...rows, ''].join('\n'),
  };
  if (!dir) return tempRepo('iam-gitops-calls-', files);
  writeFiles(dir, files);
  return dir;
}

const row = (i: number): string => `u${i},u${i}@example.com,developers,,${i % 2 === 0},engineer`;

function harness() {
  const calls = new CallLog(undefined);
  const clients = moto.clients({ calls });
  // The emulator's SES allows one mail a second: the waits are counted here, not slept.
  let t = 0;
  const sleeps: number[] = [];
  const clock = { now: () => t, sleep: async (ms: number) => void (sleeps.push(ms), (t += ms)) };
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => clients,
    clock,
  };
  return { calls, clients, io, out, err, sleeps };
}

const apply = (dir: string, io: ReturnType<typeof harness>['io']) =>
  applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), io);

test('new users cost at most 1.5× their minimum writes, the report counts the calls, and a second apply writes nothing', async () => {
  const h = harness();
  await h.clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  // The group exists first, so what follows costs only what the new users need.
  const dir = repo(null, [row(0)]);
  expect(await apply(dir, h.io)).toBe(0);

  const n = 40;
  repo(
    dir,
    Array.from({ length: n + 1 }, (_, i) => row(i)),
  );
  const before = { ...h.calls.byScope };
  h.out.length = 0;
  h.sleeps.length = 0;
  expect({ code: await apply(dir, h.io), err: h.err.join('') }).toEqual({ code: 0, err: '' });
  const byType = CallLog.since(before, h.calls.byScope);
  const total = Object.values(byType).reduce((a, b) => a + b, 0);
  // CreateUser (with tags), AddUserToGroup, SendEmail per user, CreateLoginProfile per console user.
  const consoleUsers = n / 2;
  const minimum = 3 * n + consoleUsers;
  expect(total).toBeLessThanOrEqual(1.5 * minimum);
  // Before the plan's read was reused, each step re-read existence and ownership: 12 calls per console user.
  const text = h.out.join('');
  expect(text).toContain(`AWS calls: ${total} (${(total / n).toFixed(1)} per created user)`);
  expect(text).toMatch(/by operation type: email \d+, login-profile \d+, membership \d+, user \d+/);
  expect(text).toContain(`iam:CreateUser ${n}`);
  expect(text).toContain(`iam:CreateLoginProfile ${consoleUsers}`);
  expect(text).toContain(`ses:SendEmail ${n}`);
  expect(text).toContain('ses:GetSendQuota 1');
  // n mails at the emulator's one a second: n - 1 waits of a second.
  expect(h.sleeps).toEqual(Array(n - 1).fill(1000));
  expect((await moto.sentMail()).length).toBe(n + 1);
  const group = await h.clients.iam.send(new GetGroupCommand({ GroupName: 'developers' }));
  expect(group.Users).toHaveLength(n + 1);

  const writes = h.calls.writes().length;
  h.out.length = 0;
  expect(await apply(dir, h.io)).toBe(0);
  expect(h.out.join('')).toMatch(/No changes/);
  expect(h.calls.writes().length).toBe(writes);
});

test('a user created outside the run after the plan read it is a conflict: re-read, and refused when not managed', async () => {
  const h = harness();
  await h.clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const dir = repo(null, [row(0), row(1)]);
  // Someone creates u1 by hand between the plan's read and the apply's CreateUser.
  let once = true;
  h.clients.iam.middlewareStack.add(
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    (next: any, context: any) => async (args: any) => {
      if (once && context.commandName === 'CreateUserCommand' && args.input.UserName === 'u1') {
        once = false;
        await moto.clients().iam.send(new CreateUserCommand({ UserName: 'u1', Path: '/' }));
      }
      return next(args);
    },
    { step: 'initialize', name: 'raceCreateUser' },
  );
  const code = await apply(dir, h.io);
  expect(code).toBe(1);
  const text = h.out.join('');
  expect(text).toMatch(/✗ create user u1: .*u1 exists but is not managed by iam-gitops/);
  // Nothing that depends on u1 ran on the unmanaged user.
  expect(text).toMatch(/- create membership u1 → developers \(skipped: user:u1 failed\)/);
  const tags = await moto.clients().iam.send(new ListUserTagsCommand({ UserName: 'u1' }));
  expect(tags.Tags ?? []).toEqual([]);
  // u0 was created and mailed all the same.
  expect(text).toContain('Welcome mail for u0: sent');
});
