/** monitoring.organizationTrail and monitoring.account in iam-gitops.yml: validated against the accounts. */
import { readFileSync } from 'node:fs';
import { loadConfig } from '../../../src/config/load.js';

const load = (yaml: string) => loadConfig('iam-gitops.yml', yaml, new Set());
const problems = (yaml: string) =>
  load(yaml).diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`);

const ACCOUNTS = `accounts:
  prod: { id: '111111111111' }
  audit: { id: '222222222222' }
`;

test('an organization trail over declared accounts loads, in the named account', () => {
  const r = load(`${ACCOUNTS}monitoring:\n  organizationTrail: true\n  account: audit\n`);
  expect(r.diagnostics).toEqual([]);
  expect(r.config.monitoring).toMatchObject({ organizationTrail: true, account: 'audit', enabled: true });
});

test('the keys default to a trail per account', () => {
  expect(load(ACCOUNTS).config.monitoring).toMatchObject({ organizationTrail: false, account: null });
});

test('organizationTrail in a single-account repository is an error that says what to add', () => {
  expect(problems('monitoring:\n  organizationTrail: true\n')).toEqual([
    'iam-gitops.yml:2:22: error: monitoring.organizationTrail: an organization trail spans many accounts, but ' +
      'iam-gitops.yml declares none: add accounts: (name → id) or organization:, or remove organizationTrail ' +
      'to keep the trail of this account',
  ]);
});

test('an undeclared monitoring.account is an error with did-you-mean', () => {
  expect(problems(`${ACCOUNTS}monitoring:\n  organizationTrail: true\n  account: audti\n`)).toEqual([
    "iam-gitops.yml:6:12: error: monitoring.account: 'audti' is not declared under accounts:; did you mean 'audit'?",
  ]);
});

test('with organization: the account name is left to the plan (discovered names are known then)', () => {
  const r = load(
    'defaultAccount: prod\norganization: { ou: [] }\nmonitoring:\n  organizationTrail: true\n  account: log-archive\n',
  );
  expect(r.diagnostics).toEqual([]);
});

test('monitoring.account without organizationTrail is a warning: it would change nothing', () => {
  expect(problems(`${ACCOUNTS}monitoring:\n  account: audit\n`)).toEqual([
    'iam-gitops.yml:5:12: warning: monitoring.account: only an organization trail lives in one account; without ' +
      'organizationTrail: true every account gets its own trail, so remove monitoring.account or set ' +
      'organizationTrail: true',
  ]);
});

describe("docs/deploy.md's many-accounts snippets load as they are written", () => {
  const text = readFileSync(new URL('../../../docs/deploy.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('## 7. Many accounts'));
  const blocks = [...section.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);

  test('a role per account, the hub with organization:, the organization trail (with the accounts above)', () => {
    expect(blocks).toHaveLength(3);
    const [perAccount, hub, trail] = blocks as [string, string, string];
    for (const yaml of [perAccount, hub, `${perAccount}${trail}`]) expect(problems(yaml)).toEqual([]);
    expect(load(hub).config.hub).toEqual({
      memberPlanRole: 'iam-gitops-member-plan',
      memberApplyRole: 'iam-gitops-member-apply',
      externalId: '3f9c0d6e8b1a4c27a5e0f19d2b7c6e41',
    });
    expect(load(`${perAccount}${trail}`).config.monitoring).toMatchObject({
      organizationTrail: true,
      account: 'prod',
    });
  });
});
