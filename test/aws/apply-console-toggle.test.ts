/** Console turned on for an existing user: the same apply creates the login and mails its password. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListUserTagsCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { WELCOME_PENDING_TAG } from '../../src/model/desired.js';
import { runPlan } from '../../src/pipeline.js';
import { mailedPassword } from '../harness/capture.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

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

function users(bobConsole: boolean): string {
  const rows = [
    'username,email,groups,console,role',
    'alice,alice@example.com,developers,true,engineer',
    `bob,bob@example.com,developers,${bobConsole},analyst`,
    '',
  ];
  return rows.join('\n');
}

function writeUsers(dir: string, bobConsole: boolean): void {
  writeFileSync(path.join(dir, 'users/team.csv'), users(bobConsole));
}

function repo(): string {
  return tempRepo('iam-gitops-console-', { 'iam-gitops.yml': CONFIG, 'users/team.csv': users(false) });
}

test('console off → on: the plan has the login and the mail; the mailed password is the one IAM holds', async () => {
  const dir = repo();
  const calls = new CallLog(undefined);
  const clients = moto.clients({ calls });
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => clients,
  };
  await clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), io)).toBe(0);
  expect((await moto.sentMail()).map((m) => m.destinations.ToAddresses[0]).sort()).toEqual([
    'alice@example.com',
    'bob@example.com',
  ]);

  writeUsers(dir, true);
  const replan = await runPlan({ dir, repo: 'acme/iam', offline: false, clients });
  if (!replan.ok) throw new Error('fixture repository is invalid');
  expect(replan.plan.errors).toEqual([]);
  expect(replan.plan.changes.map((o) => [o.action, o.type, o.name, o.dependsOn])).toEqual([
    ['create', 'login-profile', 'bob', []],
    ['create', 'email', 'bob', ['login-profile:bob']],
  ]);

  out.length = 0;
  const updatesBefore = calls.calls.filter((c) => c.operation === 'UpdateLoginProfile').length;
  const code = await applyCommand(parseArgs(['apply', '--dir', dir, '--plan-hash', replan.plan.hash]), io);
  expect({ code, err: err.join('') }).toEqual({ code: 0, err: '' });
  expect(out.join('')).toContain('Welcome mail for bob: sent');

  const toBob = (await moto.sentMail()).filter((m) => m.destinations.ToAddresses[0] === 'bob@example.com');
  expect(toBob).toHaveLength(2);
  const pw = mailedPassword(toBob[1]!.body);
  expect(pw).toBeDefined();
  // Not a second, fresh password: the one CreateLoginProfile set is the one mailed.
  expect(calls.calls.filter((c) => c.operation === 'UpdateLoginProfile').length).toBe(updatesBefore);
  const dump = (await moto.data()) as Record<string, Record<string, unknown[]>>;
  const users = (dump.iam?.User ?? []) as Array<{ name: string; password: string | null }>;
  expect(users.find((u) => u.name === 'bob')!.password).toBe(pw);
  expect(out.join('')).not.toContain(pw);

  const tags = await clients.iam.send(new ListUserTagsCommand({ UserName: 'bob' }));
  expect((tags.Tags ?? []).map((t) => t.Key)).not.toContain(WELCOME_PENDING_TAG.key);
  const settled = await runPlan({ dir, repo: 'acme/iam', offline: false, clients });
  expect(settled.ok && settled.plan.changes).toEqual([]);
});
