/** The apply under throttling, 503s and a failing mail service, against the real emulator. */
import { ListUsersCommand, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { applyPlan } from '../../src/apply/executor.js';
import { emptyActualState } from '../../src/model/actual.js';
import { iamGapsCapture, mailedPassword } from '../harness/capture.js';
import { startFaultProxy } from '../harness/fault-proxy.js';
import { type Moto } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';
import { context, plan } from '../unit/apply/fixtures.js';
import { PATH, scenarioOps, USERS } from '../unit/apply/scenario.js';

const moto = useMoto();

type SentMail = Awaited<ReturnType<Moto['sentMail']>>;

const passwordIn = (m: SentMail[number]) => mailedPassword(m.body);

// The second run makes fewer calls (no re-reads), so it gets a higher fault rate for as many faults.
test.each([
  [11, 0.25, 'reading what each step needs'],
  [11, 0.5, "taking existence and ownership from the plan's read"],
])(
  'the apply completes through throttling and 503s, before and after the request took effect (seed %i, rate %d, %s)',
  async (seed, rate, how) => {
    const proxy = await startFaultProxy({
      target: moto.url,
      seed,
      rate,
      maxFaults: 30,
      afterShare: 0.3,
    });
    try {
      const cap = iamGapsCapture();
      const clients = moto.clients({ endpoint: proxy.url, plugins: [cap.plugin] });
      await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
      const ctx = context(clients);
      // The scenario starts from an empty account, which is what the plan read.
      if (how.startsWith('taking')) ctx.actual = emptyActualState();
      const report = await applyPlan(plan(scenarioOps()), ctx, { retry: { maxAttempts: 6, baseDelayMs: 5 } });

      expect(proxy.faults.length).toBeGreaterThan(10);
      expect(new Set(proxy.faults.map((f) => f.kind))).toEqual(new Set(['throttle', '503']));
      expect(proxy.faults.some((f) => f.when === 'after')).toBe(true);
      expect(report.results.filter((r) => r.status === 'failed' || r.status === 'skipped')).toEqual([]);

      const direct = moto.clients();
      const users = await direct.iam.send(new ListUsersCommand({ PathPrefix: PATH }));
      expect(users.Users!.map((u) => u.UserName).sort()).toEqual(['alice', 'bob', 'carol']);
      const dump = await moto.data();
      const mail = (dump.ses?.Message ?? []) as SentMail;
      const iamUsers = (dump.iam?.User ?? []) as Array<{ name: string; password: string | null }>;
      for (const u of USERS) {
        const tags = await direct.iam.send(new ListUserTagsCommand({ UserName: u.name }));
        expect(tags.Tags!.find((t) => t.Key === 'iam-gitops:welcome')).toBeUndefined();
        const theirs = mail.filter((m) => m.destinations.ToAddresses[0] === `${u.name}@example.com`);
        expect(theirs.length).toBeGreaterThanOrEqual(1);
        if (u.console) {
          // However many mails went out, the last one holds the password that works.
          expect(passwordIn(theirs.at(-1)!)).toBe(iamUsers.find((x) => x.name === u.name)!.password);
          for (const m of theirs) expect(ctx.logs.join('\n')).not.toContain(passwordIn(m)!);
        } else {
          expect(theirs.every((m) => passwordIn(m) === undefined)).toBe(true);
        }
      }
    } finally {
      await proxy.stop();
    }
  },
);

test('an SES failure does not undo the user: the mail fails in the report, the pending tag stays, the next run sends it', async () => {
  const cap = iamGapsCapture();
  const clients = moto.clients({ plugins: [cap.plugin] });
  const alice = [USERS[0]!];
  // No verified sender yet: SES rejects the message.
  const first = await applyPlan(plan(scenarioOps(alice)), context(clients), {
    retry: { sleep: async () => {} },
  });
  const mailResult = first.results.find((r) => r.type === 'email')!;
  expect(mailResult.status).toBe('failed');
  expect(mailResult.error).toMatch(/MessageRejected/);
  expect(first.mail).toEqual([{ user: 'alice', status: 'failed', error: mailResult.error }]);
  expect(first.createdUsers).toEqual(['alice']);
  expect(first.results.filter((r) => r.type !== 'email').every((r) => r.status === 'done')).toBe(true);
  const tags = await clients.iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
  expect(tags.Tags).toContainEqual({ Key: 'iam-gitops:welcome', Value: 'pending' });

  await clients.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const ctx = context(clients);
  const second = await applyPlan(plan(scenarioOps(alice)), ctx, { retry: { sleep: async () => {} } });
  expect(second.mail).toEqual([{ user: 'alice', status: 'sent' }]);
  // A new run does not know the first password: it issued a fresh one, reset-required, and mailed that.
  expect(cap.inputs('iam:UpdateLoginProfile')).toEqual([
    { UserName: 'alice', Password: '***', PasswordResetRequired: true },
  ]);
  const dump = await moto.data();
  const mail = (dump.ses?.Message ?? []) as SentMail;
  expect(mail).toHaveLength(1);
  const held = (
    (dump.iam?.User ?? []) as Array<{ name: string; password: string; password_reset_required: boolean }>
  ).find((u) => u.name === 'alice')!;
  expect(passwordIn(mail[0]!)).toBe(held.password);
  expect(held.password_reset_required).toBe(true);
  expect(ctx.secrets).toContain(held.password);
  expect(ctx.logs.join('\n')).toContain('issued a fresh temporary password for alice');
  expect(ctx.logs.join('\n')).not.toContain(held.password);
  const after = await clients.iam.send(new ListUserTagsCommand({ UserName: 'alice' }));
  expect(after.Tags!.find((t) => t.Key === 'iam-gitops:welcome')).toBeUndefined();
});
