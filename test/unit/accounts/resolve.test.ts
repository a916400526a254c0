import type { OrgAccount } from '../../../src/accounts/discover.js';
import { accountSlug, isMultiAccount, resolveAccounts } from '../../../src/accounts/resolve.js';
import type { AccountConfig, Config, DesiredState, DesiredUser } from '../../../src/model/desired.js';
import { testConfig } from '../../helpers/config.js';

const declared = (
  name: string,
  id: string,
  line: number,
  over: Partial<AccountConfig> = {},
): AccountConfig => ({
  name,
  id,
  planRole: `arn:aws:iam::${id}:role/plan`,
  applyRole: `arn:aws:iam::${id}:role/apply`,
  region: null,
  source: { file: 'iam-gitops.yml', line },
  ...over,
});

const org = (id: string, name: string, status = 'ACTIVE'): OrgAccount => ({
  id,
  name,
  email: `${id}@example.com`,
  status,
  parent: 'ou-root-a',
});

const user = (name: string, accounts: string[] | null, line: number): DesiredUser => ({
  name,
  email: `${name}@example.com`,
  groups: [],
  policies: [],
  console: false,
  tags: {},
  role: null,
  accounts,
  source: { file: 'users.csv', line },
});

function state(over: Partial<Config>, users: DesiredUser[] = []): DesiredState {
  return { config: testConfig({ source: 'iam-gitops.yml', ...over }), users, policies: [] };
}

const organization = (exclude: string[] = []): Config['organization'] => ({
  ou: ['ou-root-a'],
  exclude,
  source: { file: 'iam-gitops.yml', line: 7 },
});

test('a single-account repository is not multi-account; accounts: or organization: make it so', () => {
  expect(isMultiAccount(testConfig())).toBe(false);
  expect(isMultiAccount(testConfig({ accounts: [declared('prod', '111111111111', 2)] }))).toBe(true);
  expect(isMultiAccount(testConfig({ organization: organization() }))).toBe(true);
});

test('slugs: lower case, every run of other characters one dash, no dash at the ends', () => {
  expect(accountSlug('Prod Workloads')).toBe('prod-workloads');
  expect(accountSlug('  Data__Lake (EU)!')).toBe('data-lake-eu');
  expect(accountSlug('***')).toBe('');
});

test('declared accounts keep names and roles and come first; discovered ones follow by name; a declared id wins', () => {
  const desired = state({
    accounts: [declared('prod', '111111111111', 2)],
    defaultAccount: 'prod',
    organization: organization(),
  });
  const r = resolveAccounts(desired, [
    org('333333333333', 'Sandbox Zeta'),
    org('111111111111', 'Production (AWS name)'),
    org('222222222222', 'Analytics'),
  ]);
  expect(r.problems).toEqual([]);
  expect(r.accounts).toEqual([
    {
      name: 'prod',
      id: '111111111111',
      planRole: 'arn:aws:iam::111111111111:role/plan',
      applyRole: 'arn:aws:iam::111111111111:role/apply',
      region: null,
      origin: 'declared',
    },
    {
      name: 'analytics',
      id: '222222222222',
      planRole: null,
      applyRole: null,
      region: null,
      origin: 'organization',
    },
    {
      name: 'sandbox-zeta',
      id: '333333333333',
      planRole: null,
      applyRole: null,
      region: null,
      origin: 'organization',
    },
  ]);
});

test('two discovered accounts with one slug are left out and the problem asks to declare them', () => {
  const desired = state({ defaultAccount: 'analytics', organization: organization() }, [
    user('ana', ['dev-team'], 4),
  ]);
  const r = resolveAccounts(desired, [
    org('222222222222', 'Analytics'),
    org('444444444444', 'Dev Team'),
    org('555555555555', 'dev_team'),
  ]);
  expect(r.accounts.map((a) => a.name)).toEqual(['analytics']);
  // One problem, for the shared name; the user listing it is not reported a second time as unknown.
  expect(r.problems).toEqual([
    "iam-gitops.yml:7: organization: accounts 'Dev Team' (444444444444) and 'dev_team' (555555555555) would all be " +
      "named 'dev-team'; declare them under accounts: (name → id) to tell them apart",
  ]);
});

test('a discovered account whose slug is a declared name of another id is a problem, not a silent merge', () => {
  const desired = state({
    accounts: [declared('analytics', '111111111111', 3)],
    organization: organization(),
  });
  const r = resolveAccounts(desired, [org('222222222222', 'Analytics')]);
  expect(r.accounts.map((a) => a.id)).toEqual(['111111111111']);
  expect(r.problems).toEqual([
    "iam-gitops.yml:7: organization: account 'Analytics' (222222222222) would be named 'analytics', which " +
      'accounts: already gives 111111111111 (iam-gitops.yml:3); declare it under accounts: with another name',
  ]);
});

test('unknown names in groups and the CSV are reported with file:line and did-you-mean, once per name', () => {
  const desired = state(
    {
      defaultAccount: 'analytics',
      organization: organization(),
      groups: {
        devs: { policies: [], accounts: ['analytcs', '*'], source: { file: 'iam-gitops.yml', line: 12 } },
      },
    },
    [user('a', ['sandbox-zeta', 'nowhere'], 2), user('b', ['nowhere'], 3), user('c', null, 4)],
  );
  const r = resolveAccounts(desired, [org('222222222222', 'Analytics'), org('333333333333', 'Sandbox Zeta')]);
  expect(r.problems).toEqual([
    "iam-gitops.yml:12: account 'analytcs' is neither declared under accounts: nor an ACTIVE, not excluded " +
      "account of the organization; did you mean 'analytics'? — used at iam-gitops.yml:12 (groups.devs.accounts)",
    "users.csv:2: account 'nowhere' is neither declared under accounts: nor an ACTIVE, not excluded account of " +
      'the organization (accounts: analytics, sandbox-zeta) — used at users.csv:2 (user a), users.csv:3 (user b)',
  ]);
});

test('many rows with one unknown name: three places and a count, not one line per row', () => {
  const users = Array.from({ length: 40 }, (_, i) => user(`u${i}`, ['prdo'], i + 2));
  const desired = state({ defaultAccount: 'prod', organization: organization() }, users);
  const r = resolveAccounts(desired, [org('111111111111', 'Prod')]);
  expect(r.problems).toEqual([
    "users.csv:2: account 'prdo' is neither declared under accounts: nor an ACTIVE, not excluded account of the " +
      "organization; did you mean 'prod'? — used at users.csv:2 (user u0), users.csv:3 (user u1), " +
      'users.csv:4 (user u2) and 37 more',
  ]);
});

test('the default account excluded, or absent from the organization, is a problem; offline nothing is checked', () => {
  const excluded = state({ defaultAccount: 'prod', organization: organization(['Prod']) });
  expect(resolveAccounts(excluded, [org('222222222222', 'Analytics')]).problems).toEqual([
    "iam-gitops.yml: defaultAccount: 'prod' is excluded by organization.exclude; users and groups without an " +
      'accounts field would have nowhere to go: choose another defaultAccount or remove it from exclude',
  ]);
  const absent = state({ defaultAccount: 'analytic', organization: organization() }, [user('a', ['x'], 2)]);
  expect(resolveAccounts(absent, [org('222222222222', 'Analytics')]).problems).toEqual([
    "users.csv:2: account 'x' is neither declared under accounts: nor an ACTIVE, not excluded account of the " +
      'organization (accounts: analytics) — used at users.csv:2 (user a)',
    "iam-gitops.yml: defaultAccount: 'analytic' is not among the accounts (declared, or ACTIVE in the " +
      "organization and not excluded); did you mean 'analytics'?",
  ]);
  // Offline: nothing discovered, so undeclared names cannot be judged.
  expect(resolveAccounts(absent, null)).toEqual({ accounts: [], problems: [] });
});

test('a declared account that organization.exclude also lists is a contradiction to resolve', () => {
  const desired = state({
    accounts: [declared('prod', '111111111111', 2)],
    defaultAccount: 'prod',
    organization: organization(['111111111111']),
  });
  expect(resolveAccounts(desired, []).problems).toEqual([
    'iam-gitops.yml:2: accounts.prod (111111111111) is declared, but organization.exclude lists it; remove one',
  ]);
});

test('without organization: only the declared accounts, and the names were checked by the config load', () => {
  const desired = state({ accounts: [declared('prod', '111111111111', 2)] }, [user('a', ['typo'], 2)]);
  const r = resolveAccounts(desired, null);
  expect(r.accounts.map((a) => [a.name, a.origin])).toEqual([['prod', 'declared']]);
  expect(r.problems).toEqual([]);
});

describe('monitoring.account of an organization trail, checked once the organization answered', () => {
  const trail = (account: string | null, exclude: string[] = []) =>
    state({
      defaultAccount: 'analytics',
      organization: organization(exclude),
      monitoring: { ...testConfig().monitoring, organizationTrail: true, account },
    });
  const found = [org('222222222222', 'Analytics'), org('666666666666', 'Log Archive')];

  test('a name that is no account of the run is a problem with did-you-mean: no account would hold the trail', () => {
    expect(resolveAccounts(trail('log-archiv'), found).problems).toEqual([
      "iam-gitops.yml: monitoring.account: 'log-archiv' is not among the accounts (declared, or ACTIVE in the " +
        "organization and not excluded), so no account would hold the organization trail; did you mean 'log-archive'?",
    ]);
    expect(resolveAccounts(trail('security'), found).problems).toEqual([
      "iam-gitops.yml: monitoring.account: 'security' is not among the accounts (declared, or ACTIVE in the " +
        'organization and not excluded), so no account would hold the organization trail (accounts: analytics, log-archive)',
    ]);
  });

  test('an excluded account named as the trail account says so', () => {
    // Excluded by its AWS name, named in the files by its slug.
    expect(resolveAccounts(trail('log-archive', ['Log Archive']), found).problems).toEqual([
      "iam-gitops.yml: monitoring.account: 'log-archive' is excluded by organization.exclude, so no account " +
        'would hold the organization trail: choose another monitoring.account or remove it from exclude',
    ]);
  });

  test('an account of the run, the default account, or offline: no problem', () => {
    expect(resolveAccounts(trail('log-archive'), found).problems).toEqual([]);
    expect(resolveAccounts(trail(null), found).problems).toEqual([]);
    expect(resolveAccounts(trail('log-archiv'), null).problems).toEqual([]);
  });
});

describe('organization.exclude entries that match no account of the organization', () => {
  const found = [
    org('222222222222', 'Analytics'),
    org('333333333333', 'Sandbox Zeta'),
    org('444444444444', 'Legacy', 'SUSPENDED'),
  ];
  const withExclude = (exclude: string[]) =>
    state({ defaultAccount: 'analytics', organization: organization(exclude) });

  test('the accounts listed are cut here: not ACTIVE, or excluded by AWS name (any case) or id', () => {
    const r = resolveAccounts(withExclude(['sandbox zeta']), found);
    expect(r.accounts.map((a) => a.name)).toEqual(['analytics']);
    expect(resolveAccounts(withExclude(['333333333333']), found).accounts.map((a) => a.name)).toEqual([
      'analytics',
    ]);
  });

  test('an entry that matches an account, even one not ACTIVE, is no warning', () => {
    const r = resolveAccounts(withExclude(['Sandbox Zeta', '222222222222', 'legacy']), found);
    expect(r.warnings).toBeUndefined();
  });

  test('a typo is a warning with did-you-mean, and the account it meant is still managed', () => {
    const r = resolveAccounts(withExclude(['Sandbox Ztea']), found);
    expect(r.problems).toEqual([]);
    expect(r.accounts.map((a) => a.name)).toEqual(['analytics', 'sandbox-zeta']);
    expect(r.warnings).toEqual([
      "iam-gitops.yml:7: organization.exclude: 'Sandbox Ztea' matches no account of the organization, so it " +
        "excludes nothing; did you mean 'Sandbox Zeta' (333333333333)?",
    ]);
  });

  test("the files' slug of an account is not its AWS name: the warning says what to write", () => {
    expect(resolveAccounts(withExclude(['sandbox-zeta']), found).warnings).toEqual([
      "iam-gitops.yml:7: organization.exclude: 'sandbox-zeta' matches no account of the organization, so it " +
        "excludes nothing; 'sandbox-zeta' is the name the files give 'Sandbox Zeta' (333333333333), but exclude " +
        "takes the AWS name or the id: write 'Sandbox Zeta' or '333333333333'",
    ]);
  });

  test('nothing near: the warning says what an entry is; offline nothing is judged', () => {
    expect(resolveAccounts(withExclude(['999999999999']), found).warnings).toEqual([
      "iam-gitops.yml:7: organization.exclude: '999999999999' matches no account of the organization, so it " +
        'excludes nothing; an entry is an account id or its AWS name (any case)',
    ]);
    expect(resolveAccounts(withExclude(['999999999999']), null).warnings).toBeUndefined();
  });
});
