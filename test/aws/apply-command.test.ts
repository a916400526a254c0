/** `apply` end to end on a fixture repository: fresh plans from runPlan, hash checks, crash recovery. */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { GetGroupCommand, ListUsersCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { applyPlan } from '../../src/apply/executor.js';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { runPlan } from '../../src/pipeline.js';
import { toPlanJson } from '../../src/plan/render-json.js';
import { iamGapsCapture, mailedPassword, motoAccount, wireSecrets } from '../harness/capture.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();

const CONFIG = [
  'path: /iam-gitops/',
  'groups:',
  '  developers:',
  '    policies: [ReadOnlyAccess, dev-s3]',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  '',
].join('\n');
const POLICY = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['s3:GetObject'], Resource: ['arn:aws:s3:::dev-bucket/*'] }],
});

function repo(rows: string[]): string {
  return tempRepo('iam-gitops-apply-', {
    'iam-gitops.yml': CONFIG,
    'policies/dev-s3.json': POLICY,
    'users/team.csv': ['username,email,groups,policies,console,role', ...rows, ''].join('\n'),
  });
}

const ROWS = [
  'alice,alice@example.com,developers,,true,engineer',
  'bob,bob@example.com,developers,dev-s3,false,analyst',
];

function harness() {
  const cap = iamGapsCapture();
  const calls = new CallLog(undefined);
  const clients = moto.clients({ plugins: [cap.plugin], calls });
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => clients,
  };
  return { cap, calls, clients, io, out, err };
}

test('apply runs the fresh plan, prints the report without secrets, and a second apply has nothing to do', async () => {
  const dir = repo(ROWS);
  const h = harness();
  await h.clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const fresh = await runPlan({ dir, repo: 'acme/iam', offline: false, clients: h.clients });
  if (!fresh.ok) throw new Error('fixture repository is invalid');

  const code = await applyCommand(parseArgs(['apply', '--dir', dir, '--plan-hash', fresh.plan.hash]), h.io);
  expect({ code, err: h.err.join('') }).toEqual({ code: 0, err: '' });
  const text = h.out.join('');
  expect(text).toContain('Created users: alice, bob');
  expect(text).toContain('Welcome mail for alice: sent');
  const group = await h.clients.iam.send(new GetGroupCommand({ GroupName: 'developers' }));
  expect(group.Users!.map((u) => u.UserName).sort()).toEqual(['alice', 'bob']);

  const mail = await moto.sentMail();
  expect(mail).toHaveLength(2);
  const pw = mailedPassword(mail.find((m) => m.destinations.ToAddresses[0] === 'alice@example.com')!.body)!;
  expect(pw).toBeDefined();
  expect(text).not.toContain(pw);
  expect(JSON.stringify(h.calls.calls)).not.toContain(pw);

  const writes = h.calls.writes().length;
  h.out.length = 0;
  const again = await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), h.io);
  expect(again).toBe(0);
  expect(h.out.join('')).toMatch(/No changes/);
  expect(h.calls.writes().length).toBe(writes);
});

test('a plan hash that is not the fresh plan is refused, naming what differs, and nothing is written', async () => {
  const approvedDir = repo([ROWS[0]!]);
  const dir = repo([...ROWS, 'carol,carol@example.com,,,false,']);
  const h = harness();
  const approved = await runPlan({ dir: approvedDir, repo: 'acme/iam', offline: false, clients: h.clients });
  if (!approved.ok) throw new Error('fixture repository is invalid');
  const file = path.join(approvedDir, 'approved.json');
  writeFileSync(file, JSON.stringify(toPlanJson(approved.plan)));

  const before = h.calls.writes().length;
  const code = await applyCommand(
    parseArgs(['apply', '--dir', dir, '--plan-hash', approved.plan.hash, '--approved-plan', file]),
    h.io,
  );
  expect(code).toBe(1);
  const err = h.err.join('');
  expect(err).toMatch(
    new RegExp(
      `refused: the plan changed since it was approved \\(approved ${approved.plan.hash}, now [0-9a-f]+\\)`,
    ),
  );
  expect(err).toContain('+ new:     create user bob');
  expect(err).toContain('+ new:     create user carol');
  expect(err).not.toContain('create user alice');
  expect(h.calls.writes().length).toBe(before);
  expect((await h.clients.iam.send(new ListUsersCommand({}))).Users).toEqual([]);

  // Without the approved plan file, the operations it would run are listed.
  h.err.length = 0;
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--plan-hash', 'deadbeef']), h.io)).toBe(1);
  expect(h.err.join('')).toMatch(/approved deadbeef[\s\S]*create user carol/);
});

test('after a crash at any point, a fresh plan from runPlan converges: no duplicate user, each mailed with a working password', async () => {
  const dir = repo(ROWS);
  const count = await (async () => {
    const h = harness();
    const p = await runPlan({ dir, repo: 'acme/iam', offline: false, clients: h.clients });
    if (!p.ok) throw new Error('fixture repository is invalid');
    return p.plan.changes.length;
  })();
  expect(count).toBeGreaterThanOrEqual(10);
  const fast = { sleep: async () => {} };
  for (let k = 1; k <= count; k++) {
    // A moto account per crash point: one server, and a clean account each time, without a slow reset.
    const account = `2000000000${String(k).padStart(2, '0')}`;
    const cap = iamGapsCapture();
    const wire = wireSecrets();
    const clients = moto.clients({ plugins: [cap.plugin, wire.plugin, motoAccount(account)] });
    await clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
    const fresh = async () => {
      const r = await runPlan({ dir, repo: 'acme/iam', offline: false, clients });
      if (!r.ok) throw new Error('fixture repository is invalid');
      expect(r.plan.accountId).toBe(account);
      return r;
    };
    const logs: string[] = [];
    const ctx = (r: Awaited<ReturnType<typeof fresh>>) => ({
      clients,
      accountId: r.plan.accountId,
      region: 'us-east-1',
      desired: r.desired,
      maskSecret: () => {},
      log: (m: string) => void logs.push(m),
    });

    const run1 = await fresh();
    let n = 0;
    const crash = new Error(`crash after ${k}`);
    const afterEach = () => {
      if (++n === k) throw crash;
    };
    await expect(applyPlan(run1.plan, ctx(run1), { concurrency: 1, retry: fast, afterEach })).rejects.toBe(
      crash,
    );

    const run2 = await fresh();
    expect(run2.plan.errors).toEqual([]);
    const report = await applyPlan(run2.plan, ctx(run2), { retry: fast });
    expect({ k, bad: report.results.filter((r) => r.status === 'failed' || r.status === 'skipped') }).toEqual(
      { k, bad: [] },
    );

    // Converged: a third plan has nothing left to do.
    const run3 = await fresh();
    expect({ k, left: run3.plan.changes.map((o) => o.id) }).toEqual({ k, left: [] });
    const users = (await clients.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName);
    expect(users.sort()).toEqual(['alice', 'bob']);
    expect(
      cap
        .inputs('iam:CreateUser')
        .map((i) => i.UserName)
        .sort(),
    ).toEqual(['alice', 'bob']);
    for (const u of ['alice', 'bob']) {
      const tags = await clients.iam.send(new ListUserTagsCommand({ UserName: u }));
      expect({ k, u, pending: tags.Tags!.some((t) => t.Key === 'iam-gitops:welcome') }).toEqual({
        k,
        u,
        pending: false,
      });
      expect({ k, u, mailed: wire.mails.some((m) => m.to === `${u}@example.com`) }).toEqual({
        k,
        u,
        mailed: true,
      });
    }
    // Alice has a console login: the last mail she got holds the password IAM has now.
    const last = wire.mails.filter((m) => m.to === 'alice@example.com').at(-1)!;
    const pw = mailedPassword(last.html);
    expect({ k, works: pw !== undefined && pw === wire.passwords.get('alice') }).toEqual({ k, works: true });
    expect(logs.join('\n')).not.toContain(pw);
    expect(JSON.stringify(clients.calls.calls)).not.toContain(pw);
  }
});
