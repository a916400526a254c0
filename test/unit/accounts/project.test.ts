import { desiredFor, groupAccounts, userAccounts } from '../../../src/accounts/project.js';
import { multiPlanHash, sectionRepo } from '../../../src/accounts/hash.js';
import type { AccountSection } from '../../../src/model/accounts.js';
import type { DesiredState } from '../../../src/model/desired.js';
import type { Plan } from '../../../src/model/plan.js';
import { policy, state } from '../lint/helpers.js';

const ALL = ['prod', 'staging', 'sandbox'];

function repo(): DesiredState {
  const s = state({
    policies: [
      policy('deploy', [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }]),
      policy('spare', []),
    ],
    groups: { developers: ['deploy'], auditors: ['ReadOnlyAccess'], everyone: [] },
    users: [
      { name: 'alice', groups: ['developers'] },
      { name: 'bob', groups: ['auditors', 'developers'] },
      { name: 'carol' },
      { name: 'dave', groups: ['developers'] },
      { name: 'erin', groups: ['everyone'] },
    ],
  });
  s.config.accounts = ALL.map((name, i) => ({
    name,
    id: String(111111111111 * (i + 1)),
    planRole: null,
    applyRole: null,
    region: null,
    source: { file: 'iam-gitops.yml', line: 2 + i },
  }));
  s.config.defaultAccount = 'prod';
  s.config.groups.developers!.accounts = ['prod', 'staging'];
  s.config.groups.everyone!.accounts = ['*'];
  s.users.find((u) => u.name === 'dave')!.accounts = ['staging'];
  return s;
}

describe('which account holds what', () => {
  it('a group reaches its listed accounts, * reaches all, no list reaches the default account', () => {
    const s = repo();
    expect(groupAccounts(s, 'developers', ALL)).toEqual(['prod', 'staging']);
    expect(groupAccounts(s, 'everyone', ALL)).toEqual(ALL);
    expect(groupAccounts(s, 'auditors', ALL)).toEqual(['prod']);
  });

  it('a user without the column follows its groups; one without groups stays in the default account; the column decides when given', () => {
    const s = repo();
    const acc = (n: string) =>
      userAccounts(
        s,
        s.users.find((u) => u.name === n)!,
        ALL,
      );
    expect(acc('alice')).toEqual(['prod', 'staging']);
    expect(acc('bob')).toEqual(['prod', 'staging']);
    expect(acc('carol')).toEqual(['prod']);
    expect(acc('dave')).toEqual(['staging']);
    expect(acc('erin')).toEqual(ALL);
  });

  it("an account's cut keeps its users, only the groups that reach it, and the policies they use", () => {
    const s = repo();
    const staging = desiredFor(s, 'staging', ALL);
    expect(staging.users.map((u) => u.name).sort()).toEqual(['alice', 'bob', 'dave', 'erin']);
    // bob is an auditor in prod only: in staging he keeps just the group that reaches it.
    expect(staging.users.find((u) => u.name === 'bob')!.groups).toEqual(['developers']);
    expect(Object.keys(staging.config.groups).sort()).toEqual(['developers', 'everyone']);
    expect(staging.policies.map((p) => p.name)).toEqual(['deploy']);

    const sandbox = desiredFor(s, 'sandbox', ALL);
    expect(sandbox.users.map((u) => u.name)).toEqual(['erin']);
    expect(sandbox.policies).toEqual([]);

    // A policy nobody uses goes to the default account only, as in a single-account repository.
    const prod = desiredFor(s, 'prod', ALL);
    expect(prod.policies.map((p) => p.name).sort()).toEqual(['deploy', 'spare']);
    expect(prod.users.map((u) => u.name).sort()).toEqual(['alice', 'bob', 'carol', 'erin']);
  });

  it('never changes the repository-wide state it cuts from', () => {
    const s = repo();
    const before = JSON.stringify(s);
    desiredFor(s, 'staging', ALL);
    expect(JSON.stringify(s)).toBe(before);
  });
});

describe('multi-account hash', () => {
  const section = (account: string, id: string, hash: string | null): AccountSection => ({
    account,
    accountId: id,
    plan: hash ? ({ hash } as Plan) : null,
    error: hash ? null : 'AccessDenied',
  });

  it('binds every section, its account and a failure; ignores their order', () => {
    const a = [section('prod', '1', 'h1'), section('staging', '2', 'h2')];
    const h = multiPlanHash(a, 'o/r');
    expect(multiPlanHash([...a].reverse(), 'o/r')).toBe(h);
    expect(multiPlanHash([a[0]!, section('staging', '2', 'h3')], 'o/r')).not.toBe(h);
    expect(multiPlanHash([a[0]!, section('staging', '3', 'h2')], 'o/r')).not.toBe(h);
    expect(multiPlanHash([a[0]!, section('staging', '2', null)], 'o/r')).not.toBe(h);
    expect(multiPlanHash([a[0]!], 'o/r')).not.toBe(h);
    expect(multiPlanHash(a, 'o/other')).not.toBe(h);
  });

  it('a section is bound to its account id', () => {
    expect(sectionRepo('o/r', '111111111111')).not.toBe(sectionRepo('o/r', '222222222222'));
  });
});
