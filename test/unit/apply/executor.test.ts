import { applyPlan, PlanRefusedError, validatePlanGraph } from '../../../src/apply/executor.js';
import { formatApplyReport } from '../../../src/apply/report.js';
import type { OperationHandler } from '../../../src/apply/types.js';
import type { Operation } from '../../../src/model/plan.js';
import { context, op, plan } from './fixtures.js';

const noSleep = { sleep: async () => {} };

/**
 * A group handler that records start/end order and fails the ids it is told to. Each operation
 * yields one turn of the event loop (setImmediate), not a sleep: the executor fills every free slot
 * before any handler resumes, however slow the machine, so the order is decided by steps alone.
 */
function recorder(opts: { fail?: string[]; already?: string[] } = {}) {
  const events: string[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const handler: OperationHandler = async (o: Operation) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    events.push(`start:${o.id}`);
    await new Promise((r) => setImmediate(r));
    inFlight--;
    events.push(`end:${o.id}`);
    if (opts.fail?.includes(o.id))
      throw Object.assign(new Error(`boom ${o.id}`), { name: 'ValidationError' });
    return { status: opts.already?.includes(o.id) ? 'already-done' : 'done' };
  };
  return { handler, events, maxInFlight: () => maxInFlight };
}

test('runs every operation after its dependencies', async () => {
  const r = recorder();
  const changes = [op('c', ['a', 'b']), op('a'), op('b', ['a']), op('d')];
  const report = await applyPlan(plan(changes), context(), {
    handlers: { group: r.handler },
    retry: noSleep,
  });
  const pos = (e: string) => r.events.indexOf(e);
  expect(pos('start:b')).toBeGreaterThan(pos('end:a'));
  expect(pos('start:c')).toBeGreaterThan(pos('end:b'));
  expect(report.results.map((x) => [x.id, x.status])).toEqual([
    ['c', 'done'],
    ['a', 'done'],
    ['b', 'done'],
    ['d', 'done'],
  ]);
  expect(report.ok).toBe(true);
});

test('never runs more operations at once than the concurrency bound', async () => {
  const changes = Array.from({ length: 12 }, (_, i) => op(`g${i}`));
  for (const concurrency of [1, 3]) {
    const r = recorder();
    await applyPlan(plan(changes), context(), {
      handlers: { group: r.handler },
      concurrency,
      retry: noSleep,
    });
    expect(r.maxInFlight()).toBe(concurrency);
  }
  const r = recorder();
  await applyPlan(plan(changes), context(), { handlers: { group: r.handler }, retry: noSleep });
  expect(r.maxInFlight()).toBe(4);
});

test('a failure skips its dependents (transitively) and independent operations still run', async () => {
  const r = recorder({ fail: ['a'] });
  const changes = [op('a'), op('b', ['a']), op('c', ['b']), op('d'), op('e', ['d'])];
  const report = await applyPlan(plan(changes), context(), {
    handlers: { group: r.handler },
    retry: noSleep,
  });
  const by = Object.fromEntries(report.results.map((x) => [x.id, x]));
  expect(by.a).toMatchObject({ status: 'failed', error: 'ValidationError: boom a' });
  expect(by.b).toMatchObject({ status: 'skipped', skippedBecause: 'a' });
  expect(by.c).toMatchObject({ status: 'skipped', skippedBecause: 'a' });
  expect(by.d!.status).toBe('done');
  expect(by.e!.status).toBe('done');
  expect(r.events).not.toContain('start:b');
  expect(report.ok).toBe(false);
  expect(report.counts).toEqual({ done: 2, 'already-done': 0, failed: 1, skipped: 2 });
  expect(formatApplyReport(report)).toContain('- create group c (skipped: a failed)');
});

test('throttling is retried with backoff; a plain 4xx is not', async () => {
  let calls = 0;
  const delays: number[] = [];
  const throttled: OperationHandler = async () => {
    calls++;
    if (calls < 3)
      throw Object.assign(new Error('Rate exceeded'), {
        name: 'Throttling',
        $metadata: { httpStatusCode: 400 },
      });
    return { status: 'done' };
  };
  const report = await applyPlan(plan([op('a')]), context(), {
    handlers: { group: throttled },
    retry: { sleep: async (ms) => void delays.push(ms), random: () => 0.5, baseDelayMs: 100 },
  });
  expect(report.results[0]!.status).toBe('done');
  expect(calls).toBe(3);
  expect(delays).toEqual([100, 200]);

  let denied = 0;
  const accessDenied: OperationHandler = async () => {
    denied++;
    throw Object.assign(new Error('no'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
  };
  const r2 = await applyPlan(plan([op('a')]), context(), {
    handlers: { group: accessDenied },
    retry: noSleep,
  });
  expect(r2.results[0]!.status).toBe('failed');
  expect(denied).toBe(1);
});

test('refuses a plan with errors, an offline plan, and a broken graph before running anything', async () => {
  const r = recorder();
  const handlers = { group: r.handler };
  await expect(
    applyPlan(plan([op('a')], { errors: ['too many deletes'] }), context(), { handlers }),
  ).rejects.toThrow(/cannot be applied:\n {2}- too many deletes/);
  await expect(applyPlan(plan([op('a')], { offline: true }), context(), { handlers })).rejects.toThrow(
    PlanRefusedError,
  );
  await expect(applyPlan(plan([op('a', ['zz'])]), context(), { handlers })).rejects.toThrow(/depends on zz/);
  await expect(applyPlan(plan([op('a', ['b']), op('b', ['a'])]), context(), { handlers })).rejects.toThrow(
    /cycle: a → b → a/,
  );
  expect(() => validatePlanGraph([op('a'), op('a')])).toThrow(/two operations with id a/);
  expect(r.events).toEqual([]);
});

test('afterEach throwing aborts the run: nothing new starts, the error propagates', async () => {
  const r = recorder();
  const seen: string[] = [];
  const changes = [op('a'), op('b', ['a']), op('c', ['b'])];
  await expect(
    applyPlan(plan(changes), context(), {
      handlers: { group: r.handler },
      concurrency: 1,
      afterEach: (o) => {
        seen.push(o.id);
        if (o.id === 'b') throw new Error('crash');
      },
    }),
  ).rejects.toThrow('crash');
  expect(seen).toEqual(['a', 'b']);
  expect(r.events).not.toContain('start:c');
});

test('reports created and deleted users, already-done operations and mail status per user', async () => {
  const ok: OperationHandler = async (o) => ({ status: o.id.endsWith('again') ? 'already-done' : 'done' });
  const failMail: OperationHandler = async (o) => {
    if (o.id === 'email:bob') throw new Error('MessageRejected: Email address is not verified.');
    return { status: o.id === 'email:carol' ? 'already-done' : 'done' };
  };
  const mail = (user: string) => ({
    user,
    email: `${user}@example.com`,
    console: false,
    role: null,
    groups: [],
    policies: [],
  });
  const changes = [
    op('user:alice', [], 'user', 'create', { path: '/iam-gitops/' }),
    op('user:bob', [], 'user', 'create', { path: '/iam-gitops/' }),
    op('user:carol:again', [], 'user', 'create', { path: '/iam-gitops/' }),
    op('user:dave', [], 'user', 'delete', { path: '/iam-gitops/' }),
    op('login-profile:x', ['user:dave'], 'login-profile', 'no-op', { user: 'x' }),
    op('email:alice', ['user:alice'], 'email', 'create', mail('alice')),
    op('email:bob', ['user:bob'], 'email', 'create', mail('bob')),
    op('email:carol', ['user:carol:again'], 'email', 'create', mail('carol')),
  ];
  const report = await applyPlan(plan(changes), context(), {
    handlers: { user: ok, email: failMail, 'login-profile': ok },
    retry: noSleep,
  });
  expect(report.createdUsers).toEqual(['alice', 'bob']);
  expect(report.deletedUsers).toEqual(['dave']);
  expect(report.results.find((x) => x.id === 'login-profile:x')).toMatchObject({
    status: 'already-done',
    note: 'no change',
  });
  expect(report.mail).toEqual([
    { user: 'alice', status: 'sent' },
    { user: 'bob', status: 'failed', error: 'MessageRejected: Email address is not verified.' },
    { user: 'carol', status: 'already-sent' },
  ]);
  expect(formatApplyReport(report)).toMatch(/Welcome mail for bob: failed \(.*\); the next run retries it/);
});

test('an operation type without a handler fails that operation only', async () => {
  const r = recorder();
  const report = await applyPlan(plan([op('t', [], 'trail'), op('a')]), context(), {
    handlers: { group: r.handler },
    retry: noSleep,
  });
  expect(report.results[0]).toMatchObject({ status: 'failed', error: 'no handler for operation type trail' });
  expect(report.results[1]!.status).toBe('done');
});
