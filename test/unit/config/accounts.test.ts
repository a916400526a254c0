import { loadConfig } from '../../../src/config/load.js';

const load = (yaml: string) => loadConfig('iam-gitops.yml', yaml, new Set());
const problems = (yaml: string) =>
  load(yaml).diagnostics.map((d) => `${d.line}:${d.col}: ${d.severity}: ${d.message}`);

const ACCOUNTS = `accounts:
  prod:
    id: '111111111111'
    planRole: arn:aws:iam::111111111111:role/iam-gitops-plan
    applyRole: arn:aws:iam::111111111111:role/iam-gitops-apply
  staging:
    id: '222222222222'
    region: eu-west-1
`;

describe('accounts in iam-gitops.yml', () => {
  it('reads accounts in order, the first is the default, groups keep their account lists', () => {
    const r = load(`${ACCOUNTS}groups:\n  dev:\n    accounts: [prod, staging]\n  ops:\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config.accounts.map((a) => [a.name, a.id, a.region])).toEqual([
      ['prod', '111111111111', null],
      ['staging', '222222222222', 'eu-west-1'],
    ]);
    expect(r.config.accounts[0]!.applyRole).toBe('arn:aws:iam::111111111111:role/iam-gitops-apply');
    expect(r.config.defaultAccount).toBe('prod');
    expect(r.config.groups.dev!.accounts).toEqual(['prod', 'staging']);
    expect(r.config.groups.ops!.accounts).toBeNull();
  });

  it('an unknown account name in a group gets a did-you-mean at its line', () => {
    expect(problems(`${ACCOUNTS}groups:\n  dev:\n    accounts: [prod, stagin]\n`)).toEqual([
      "11:15: error: groups.dev.accounts: account 'stagin' is not declared under accounts:; did you mean 'staging'?",
    ]);
  });

  it('refuses a duplicate account id, a role in another account and an unknown default', () => {
    const p = problems(`accounts:
  prod:
    id: '111111111111'
    applyRole: arn:aws:iam::999999999999:role/iam-gitops-apply
  copy:
    id: '111111111111'
defaultAccount: prd
`);
    expect(p).toEqual([
      expect.stringMatching(
        /^4:16: error: accounts\.prod\.applyRole: the role is in account 999999999999, not 111111111111/,
      ),
      "6:9: error: accounts.copy: account 111111111111 is already declared as 'prod'; one account, one name",
      "7:17: error: defaultAccount: 'prd' is not declared under accounts:; did you mean 'prod'?",
    ]);
  });

  it('an unquoted or short account id is refused with the fix', () => {
    expect(problems(`accounts:\n  prod:\n    id: 12345\n`)).toEqual([
      "3:9: error: accounts.prod.id: must be the 12-digit account id, quoted ('012345678901') (got 12345)",
    ]);
  });

  it('an account list without any accounts declared is refused', () => {
    expect(problems(`groups:\n  dev:\n    accounts: [prod]\n`)).toEqual([
      '3:15: error: groups.dev.accounts: lists accounts, but iam-gitops.yml declares none: add an accounts: section (name → id and roles) or organization:',
    ]);
  });

  it('with organization:, names are checked at plan time, and a default account is required', () => {
    expect(
      problems(`organization:\n  ou: [ou-abcd-12345678]\ngroups:\n  dev:\n    accounts: [anything]\n`),
    ).toEqual([
      '1:1: error: organization: needs defaultAccount: (the account users and groups without an accounts field go to), or an entry under accounts: for it',
    ]);
    const ok = load(
      `organization:\n  ou: [ou-abcd-12345678]\n  exclude: ['333333333333']\ndefaultAccount: management\n`,
    );
    expect(ok.diagnostics).toEqual([]);
    expect(ok.config.organization).toMatchObject({ ou: ['ou-abcd-12345678'], exclude: ['333333333333'] });
  });

  it('a repository without accounts is single-account as before', () => {
    const r = load('groups:\n  dev:\n');
    expect(r.config.accounts).toEqual([]);
    expect(r.config.organization).toBeNull();
    expect(r.config.defaultAccount).toBeNull();
  });
});
