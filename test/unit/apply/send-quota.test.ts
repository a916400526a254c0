import { sendBudget, type Clock } from '../../../src/apply/send-quota.js';

/** A clock that only moves when slept on, and counts the sleeps. */
function fakeClock(): Clock & { sleeps: number[] } {
  let t = 1_000_000;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    sleep: async (ms) => {
      sleeps.push(ms);
      t += ms;
    },
  };
}

test('mails are paced to MaxSendRate: n mails at 2 a second wait n-1 half-seconds', async () => {
  const clock = fakeClock();
  const budget = sendBudget({ max24HourSend: -1, maxSendRate: 2, sentLast24Hours: 0 }, clock);
  for (let i = 0; i < 10; i++) expect(await budget.take()).toBe(true);
  expect(clock.sleeps).toEqual(Array(9).fill(500));
});

test('operations asking at once get distinct slots, one rate interval apart', async () => {
  const clock = fakeClock();
  const start = clock.now();
  const budget = sendBudget({ max24HourSend: 100, maxSendRate: 1, sentLast24Hours: 0 }, clock);
  // Four side by side, as the executor runs them.
  const taken = await Promise.all([0, 1, 2, 3].map(() => budget.take()));
  expect(taken).toEqual([true, true, true, true]);
  // Three waits, and the fourth mail goes three seconds after the first: one a second.
  expect(clock.sleeps).toHaveLength(3);
  expect(clock.now() - start).toBe(3000);
});

test('past the day’s remainder, take says no at once and never sleeps', async () => {
  const clock = fakeClock();
  const budget = sendBudget({ max24HourSend: 5, maxSendRate: 0, sentLast24Hours: 3 }, clock);
  expect([await budget.take(), await budget.take(), await budget.take(), await budget.take()]).toEqual([
    true,
    true,
    false,
    false,
  ]);
  expect(clock.sleeps).toEqual([]);
  const spent = sendBudget({ max24HourSend: 200, maxSendRate: 1, sentLast24Hours: 250 }, clock);
  expect(await spent.take()).toBe(false);
});
