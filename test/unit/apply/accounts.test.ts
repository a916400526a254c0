/**
 * applyAccounts with stub handlers and clients: the bound on accounts in flight, a failing
 * account that does not stop the others, `only`, and the refusals that happen before a write.
 */
import { applyAccounts } from '../../../src/apply/accounts.js';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { AccountSection, ResolvedAccount } from '../../../src/model/accounts.js';
import { emptyActualState } from '../../../src/model/actual.js';
import type { OperationHandler } from '../../../src/apply/types.js';
import type { ClientsFor, MultiPlanRun } from '../../../src/pipeline-accounts.js';
import { desired, op, plan } from './fixtures.js';

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const idOf = (n: string): string => String(NAMES.indexOf(n) + 1).repeat(12);

function run(sections: Array<Partial<AccountSection> & { account: string }>): MultiPlanRun & { ok: true } {
  const accounts: ResolvedAccount[] = sections.map((s) => ({
    name: s.account,
    id: idOf(s.account),
    planRole: null,
    applyRole: null,
    region: null,
    origin: 'declared',
  }));
  const full: AccountSection[] = sections.map((s) => ({
    accountId: idOf(s.account),
    error: null,
    plan: plan([op(`group:g-${s.account}`)], { accountId: idOf(s.account), hash: `hash-${s.account}` }),
    ...s,
  }));
  const runs: Extract<MultiPlanRun, { ok: true }>['runs'] = {};
  for (const s of full)
    if (s.plan)
      runs[s.account] = {
        desired: desired(),
        actual: emptyActualState(s.accountId, 'us-east-1'),
        lint: { findings: [], dataVersion: 'test' } as never,
        plan: s.plan,
      };
  return {
    ok: true,
    diagnostics: [],
    desired: desired(),
    multi: { hash: 'multi', sections: full },
    runs,
    accounts,
  };
}

/** Clients whose only call is GetCallerIdentity, answering `reach` (default: the account itself). */
function stubClientsFor(
  reach: (a: ResolvedAccount) => string = (a) => a.id,
): ClientsFor & { asked: string[] } {
  const asked: string[] = [];
  const fn = (async (a: ResolvedAccount, purpose) => {
    asked.push(`${a.name}:${purpose}`);
    return {
      sts: { send: async () => ({ Account: reach(a) }) },
      region: 'us-east-1',
    } as unknown as AwsClients;
  }) as ClientsFor & { asked: string[] };
  fn.asked = asked;
  return fn;
}

test('at most `concurrency` accounts are applied at once, and every account is applied', async () => {
  let inFlight = 0;
  let most = 0;
  const release: Array<() => void> = [];
  const group: OperationHandler = async () => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise<void>((r) => release.push(r));
    inFlight--;
    return { status: 'done' };
  };
  const pending = applyAccounts({
    run: run(NAMES.map((account) => ({ account }))),
    clientsFor: stubClientsFor(),
    concurrency: 2,
    maskSecret: () => {},
    executor: { handlers: { group } },
  });
  // Let the handlers start, then finish them one at a time until all five accounts ran.
  for (let done = 0; done < NAMES.length; done++) {
    while (release.length === 0) await new Promise((r) => setImmediate(r));
    release.shift()!();
  }
  const results = await pending;
  expect(most).toBe(2);
  expect(results.map((r) => [r.account, r.ok])).toEqual(NAMES.map((n) => [n, true]));
});

test('a failing account is reported and the others are applied; only re-runs the one named', async () => {
  const seen: string[] = [];
  const group: OperationHandler = async (o) => {
    if (o.name === 'g-b') throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
    seen.push(o.name);
    return { status: 'done' };
  };
  const r = run(['a', 'b', 'c'].map((account) => ({ account })));
  const results = await applyAccounts({
    run: r,
    clientsFor: stubClientsFor(),
    maskSecret: () => {},
    executor: { handlers: { group }, retry: { maxAttempts: 1 } },
  });
  expect(results.map((x) => [x.account, x.ok])).toEqual([
    ['a', true],
    ['b', false],
    ['c', true],
  ]);
  expect(results[1]!.error).toBe('1 operation failed or skipped');
  expect(results[1]!.report!.results[0]).toMatchObject({ id: 'group:g-b', status: 'failed' });
  expect(seen.sort()).toEqual(['g-a', 'g-c']);

  const clientsFor = stubClientsFor();
  const again = await applyAccounts({
    run: r,
    clientsFor,
    only: ['c'],
    maskSecret: () => {},
    executor: { handlers: { group } },
  });
  expect(again.map((x) => x.account)).toEqual(['c']);
  expect(clientsFor.asked).toEqual(['c:apply']);
});

test('refused before any write: a failed plan, plan errors, no or another approval, credentials of another account', async () => {
  const writes: string[] = [];
  const group: OperationHandler = async (o) => {
    writes.push(o.name);
    return { status: 'done' };
  };
  const r = run([
    { account: 'a', plan: null, error: 'AccessDenied: sts:AssumeRole' },
    {
      account: 'b',
      plan: plan([op('group:g-b')], { accountId: idOf('b'), hash: 'hash-b', errors: ['maxDeletes'] }),
    },
    { account: 'c' },
    { account: 'd' },
    { account: 'e' },
  ]);
  const clientsFor = stubClientsFor((a) => (a.name === 'e' ? idOf('a') : a.id));
  const results = await applyAccounts({
    run: r,
    clientsFor,
    approved: { a: 'x', b: 'hash-b', c: 'stale', e: 'hash-e' },
    maskSecret: () => {},
    executor: { handlers: { group } },
  });
  expect(results.map((x) => [x.account, x.ok, x.error])).toEqual([
    ['a', false, 'not planned: AccessDenied: sts:AssumeRole'],
    ['b', false, 'refused: the plan has errors: maxDeletes'],
    [
      'c',
      false,
      expect.stringMatching(
        /^refused: the plan of this account changed since it was approved \(approved stale, now hash-c\)/,
      ),
    ],
    ['d', false, 'refused: this account has no approved plan'],
    [
      'e',
      false,
      expect.stringMatching(
        /^refused: the apply credentials for 'e' reach account 111111111111, not 555555555555/,
      ),
    ],
  ]);
  expect(writes).toEqual([]);
  // Only e got as far as asking for credentials: the others were refused on the plan alone.
  expect(clientsFor.asked).toEqual(['e:apply']);
});
