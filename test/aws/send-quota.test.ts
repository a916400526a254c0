/**
 * The SES send quota against the emulator, through a proxy that answers GetSendQuota with a small
 * quota: the apply sends what fits, paced to the rate, leaves the rest pending and says so; the
 * next run on a new day sends them, each console user with a password that works.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListUserTagsCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import type { Clock } from '../../src/apply/send-quota.js';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand } from '../../src/commands/apply.js';
import { mailedPassword } from '../harness/capture.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { startQuotaProxy, type QuotaProxy } from '../harness/quota-proxy.js';

let moto: Moto;
let proxy: QuotaProxy;
let dir: string;
beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await moto?.stop();
});
afterEach(async () => proxy?.stop());

function repo(n: number): string {
  const d = mkdtempSync(path.join(tmpdir(), 'iam-gitops-quota-'));
  mkdirSync(path.join(d, 'users'));
  writeFileSync(
    path.join(d, 'iam-gitops.yml'),
    'path: /iam-gitops/\nemail:\n  from: iam@example.com\n  sendPassword: true\nmonitoring:\n  enabled: false\n',
  );
  const rows = Array.from({ length: n }, (_, i) => `u${i},u${i}@example.com,${i % 2 === 0}`);
  writeFileSync(path.join(d, 'users/team.csv'), ['username,email,console', ...rows, ''].join('\n'));
  return d;
}

function fakeClock(): Clock & { sleeps: number[] } {
  let t = 0;
  const sleeps: number[] = [];
  return { sleeps, now: () => t, sleep: async (ms) => void (sleeps.push(ms), (t += ms)) };
}

async function apply(clock: Clock) {
  const clients = moto.clients({ endpoint: proxy.url, calls: new CallLog(undefined) });
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: {},
    clients: () => clients,
    clock,
  };
  const code = await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), io);
  return { code, out: out.join(''), err: err.join('') };
}

async function pending(): Promise<string[]> {
  const iam = moto.clients().iam;
  const out: string[] = [];
  for (let i = 0; i < 5; i++) {
    const tags = await iam.send(new ListUserTagsCommand({ UserName: `u${i}` }));
    if (tags.Tags?.some((t) => t.Key === 'iam-gitops:welcome' && t.Value === 'pending')) out.push(`u${i}`);
  }
  return out;
}

test('mails beyond the day’s quota stay pending and are named in the report; the next day’s run sends them', async () => {
  await moto.reset();
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  proxy = await startQuotaProxy(moto.url, { max24HourSend: 2, maxSendRate: 1 });
  dir = repo(5);

  const clock = fakeClock();
  const first = await apply(clock);
  expect({ code: first.code, err: first.err }).toEqual({ code: 0, err: '' });
  expect(proxy.quotaReads).toBe(1);
  expect((await moto.sentMail()).length).toBe(2);
  // Two mails at one a second: one wait of a second between them, counted, not timed.
  expect(clock.sleeps).toEqual([1000]);
  expect(first.out).toContain('10 applied, 0 already done, 0 failed, 0 skipped, 3 deferred.');
  expect(first.out).toMatch(
    /Welcome mail for u\d: deferred \(the SES daily sending quota \(2 mails in 24 hours, 0 already sent\) is used up; the next apply sends it\)/,
  );
  expect(await pending()).toHaveLength(3);

  // The same day: nothing fits, nothing is sent, and nothing else is touched.
  const sameDay = await apply(fakeClock());
  expect(sameDay.code).toBe(0);
  expect(sameDay.out).toContain('0 applied, 0 already done, 0 failed, 0 skipped, 3 deferred.');
  expect((await moto.sentMail()).length).toBe(2);

  // A new day: the rest go out, console users with a fresh password that works.
  proxy.newDay();
  proxy.quota.max24HourSend = 3;
  const next = await apply(fakeClock());
  expect({ code: next.code, err: next.err }).toEqual({ code: 0, err: '' });
  expect(next.out).toContain('3 applied, 0 already done, 0 failed, 0 skipped.');
  expect(await pending()).toEqual([]);
  const mail = await moto.sentMail();
  expect(mail.map((m) => m.destinations.ToAddresses[0]).sort()).toEqual(
    [0, 1, 2, 3, 4].map((i) => `u${i}@example.com`),
  );
  const users = ((await moto.data()).iam?.User ?? []) as Array<{ name: string; password: string | null }>;
  for (const m of mail) {
    const user = m.destinations.ToAddresses[0]!.split('@')[0]!;
    const pw = mailedPassword(m.body);
    if (Number(user.slice(1)) % 2 === 0) expect(pw).toBe(users.find((u) => u.name === user)!.password);
    else expect(pw).toBeUndefined();
  }
  expect((await apply(fakeClock())).out).toMatch(/No changes/);
});
