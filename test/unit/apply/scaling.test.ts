/**
 * The executor's ready queue and the secret scrubber do work linear in the size of the apply
 * (the queue: n log n comparisons). Steps are counted through injected counters, never timed.
 */
import { applyPlan } from '../../../src/apply/executor.js';
import { createScrubber } from '../../../src/apply/scrubber.js';
import type { OperationHandler } from '../../../src/apply/types.js';
import type { Operation } from '../../../src/model/plan.js';
import { context, op, plan } from './fixtures.js';

/** The shape the planner gives n new console users: user → login profile, membership → mail. */
function onboarding(n: number): Operation[] {
  const changes: Operation[] = [];
  for (let i = 0; i < n; i++) {
    const u = `user:u${i}`;
    changes.push(
      op(u, [], 'user'),
      op(`login-profile:u${i}`, [u], 'login-profile'),
      op(`membership:u${i}:dev`, [u], 'membership'),
      op(`email:u${i}`, [u, `login-profile:u${i}`, `membership:u${i}:dev`], 'email'),
    );
  }
  return changes;
}

async function queueSteps(n: number): Promise<{ steps: number; order: string[] }> {
  let steps = 0;
  const order: string[] = [];
  const handler: OperationHandler = async (o) => {
    order.push(o.id);
    return { status: 'done' };
  };
  const handlers = { user: handler, 'login-profile': handler, membership: handler, email: handler };
  const report = await applyPlan(plan(onboarding(n)), context(), {
    handlers,
    concurrency: 4,
    onQueueStep: () => steps++,
  });
  expect(report.ok).toBe(true);
  return { steps, order };
}

test('the ready queue does linear work: 10× the operations cost 10× the comparisons, not 100×', async () => {
  const small = await queueSteps(300);
  const large = await queueSteps(3000);
  // A sort of the whole ready queue after each finished operation made this ratio > 100.
  expect(large.steps / small.steps).toBeGreaterThan(9);
  expect(large.steps / small.steps).toBeLessThan(11);
  // A few comparisons per operation, whatever the plan's size.
  expect(large.steps).toBeLessThan(4 * 3000 * 8);
  // Still plan order among the ready ones: the first users start first, each user's steps in order.
  expect(large.order.slice(0, 4)).toEqual(['user:u0', 'user:u1', 'user:u2', 'user:u3']);
  const pos = new Map(large.order.map((id, i) => [id, i]));
  for (let i = 0; i < 3000; i += 97) {
    expect(pos.get(`email:u${i}`)!).toBeGreaterThan(pos.get(`membership:u${i}:dev`)!);
    expect(pos.get(`login-profile:u${i}`)!).toBeGreaterThan(pos.get(`user:u${i}`)!);
  }
});

/** An apply's log as the scrubber sees it: one new password per user, four lines per user. */
function scrubSteps(n: number): number {
  let steps = 0;
  const s = createScrubber(() => steps++);
  for (let i = 0; i < n; i++) {
    s.mask(`Pw${String(i).padStart(6, '0')}!x-abcdefghij`);
    for (const what of ['user', 'login-profile', 'membership', 'email'])
      s.clean(`✓ create ${what} user-number-${i}`);
  }
  return steps;
}

test('the scrubber does work linear in the log: 10× the users cost 10× the lookups, not 100×', () => {
  const small = scrubSteps(200);
  const large = scrubSteps(2000);
  expect(large / small).toBeGreaterThan(9);
  expect(large / small).toBeLessThan(11);
});

test('the scrubber replaces every remembered secret, overlapping and repeated ones included', () => {
  const s = createScrubber();
  expect(s.clean('nothing yet')).toBe('nothing yet');
  s.mask('');
  s.mask('s3cr3t-A');
  s.mask('s3cr3t-A-longer');
  s.mask('xy');
  expect(s.clean('a s3cr3t-A b s3cr3t-A-longer c xyxy s3cr3t-')).toBe('a *** b *** c ****** s3cr3t-');
  expect(s.clean('s3cr3t-A')).toBe('***');
  expect(s.clean('plain text')).toBe('plain text');
});
