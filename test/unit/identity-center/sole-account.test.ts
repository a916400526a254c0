/**
 * A single-account repository's Identity Center plan names its one account the way a reviewer
 * knows it: by its id, or by its name under `accounts:` when the files declare it; never by a name
 * the files never wrote.
 */
import type { AccountConfig, DesiredState } from '../../../src/model/desired.js';
import type { Operation } from '../../../src/model/plan.js';
import { planAccount } from '../../../src/pipeline.js';
import { renderMarkdown } from '../../../src/plan/render-markdown.js';
import { renderText } from '../../../src/plan/render-text.js';
import type { IcEmailDetails } from '../../../src/targets/identity-center/ops.js';
import { renderIcWelcomeMail } from '../../../src/targets/identity-center/welcome-mail.js';
import { aws, config, user } from '../plan/fixtures.js';

const ID = '210987654321';

function repo(accounts: AccountConfig[] = []): DesiredState {
  const base = config();
  return {
    config: config({
      accounts,
      defaultAccount: accounts[0]?.name ?? null,
      identityCenter: { ...base.identityCenter, enabled: true, defaultIdentity: 'identity-center' },
      email: { ...base.email, from: 'iam@example.com' },
      monitoring: { ...base.monitoring, enabled: false, alarms: [] },
      groups: {
        developers: { policies: [aws('ReadOnlyAccess')], source: { file: 'iam-gitops.yml', line: 3 } },
      },
    }),
    users: [user('jane.doe', { groups: ['developers'] })],
    policies: [],
  };
}

async function planned(d: DesiredState) {
  const { plan } = await planAccount(d, { repo: 'o/r', offline: true, offlineAccountId: ID });
  const of = (type: string): Operation[] => plan.changes.filter((o) => o.type === type);
  const mail = of('ic-email')[0]!.details as unknown as IcEmailDetails;
  return { plan, of, mail };
}

test('single account: the assignment, the comment and the welcome mail name the account by its id', async () => {
  const { plan, of, mail } = await planned(repo());
  expect(of('assignment').map((o) => o.name)).toEqual([`developers → iam-gitops-developers in ${ID}`]);
  expect(of('assignment')[0]!.details).toMatchObject({ accountId: ID, account: ID });
  expect(mail.groups).toEqual([
    { group: 'developers', permissionSet: 'iam-gitops-developers', accounts: [ID] },
  ]);
  const text = renderIcWelcomeMail({
    user: 'jane.doe',
    displayName: 'Jane Doe',
    portalUrl: null,
    groups: mail.groups,
  }).text;
  expect(text).toContain(`permission set iam-gitops-developers in ${ID}`);
  const md = renderMarkdown({ plan, repo: 'o/r' } as never).body;
  expect(md).toContain(`in ${ID}`);
  for (const out of [md, renderText({ plan }), text]) expect(out).not.toMatch(/\bin default\b/);
});

test('single account declared under accounts: the plan uses the name the files give it', async () => {
  const prod: AccountConfig = {
    name: 'prod',
    id: ID,
    planRole: null,
    applyRole: null,
    region: null,
    source: { file: 'iam-gitops.yml', line: 2 },
  };
  const { of, mail } = await planned(repo([prod]));
  expect(of('assignment').map((o) => o.name)).toEqual(['developers → iam-gitops-developers in prod']);
  expect(mail.groups[0]!.accounts).toEqual(['prod']);
});
