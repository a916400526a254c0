/** runPlanAccounts without AWS: the bound on accounts planned at once, and order kept whatever finishes first. */
import type { ResolvedAccount } from '../../../src/model/accounts.js';
import { runPlanAccounts, type ClientsFor } from '../../../src/pipeline-accounts.js';
import { desired } from '../apply/fixtures.js';

const accounts: ResolvedAccount[] = Array.from({ length: 7 }, (_, i) => ({
  name: `acct-${i}`,
  id: String(i + 1).repeat(12),
  planRole: null,
  applyRole: null,
  region: null,
  origin: 'declared',
}));

test('at most `concurrency` accounts at once; sections keep the accounts’ order; each failure is its own section', async () => {
  let inFlight = 0;
  let most = 0;
  const started: string[] = [];
  // Each account's credentials take a different number of turns, then are refused.
  const clientsFor: ClientsFor = async (a) => {
    started.push(a.name);
    inFlight++;
    most = Math.max(most, inFlight);
    const turns = 7 - Number(a.name.slice(5));
    for (let t = 0; t < turns; t++) await new Promise((r) => setImmediate(r));
    inFlight--;
    throw new Error(`AccessDenied for ${a.name}`);
  };
  const run = await runPlanAccounts({
    dir: '/nonexistent',
    repo: 'acme/iam',
    offline: false,
    loaded: { state: desired(), diagnostics: [], files: [] },
    accounts,
    clientsFor,
    concurrency: 3,
  });
  if (!run.ok) throw new Error('invalid');
  expect(most).toBe(3);
  expect(started).toHaveLength(7);
  expect(run.multi.sections.map((s) => [s.account, s.plan, s.error])).toEqual(
    accounts.map((a) => [a.name, null, `AccessDenied for ${a.name}`]),
  );
  expect(run.runs).toEqual({});
});
