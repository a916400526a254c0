import { AccountAccessError, accessPath, makeClientsFor } from '../../../src/accounts/credentials.js';
import type { ResolvedAccount } from '../../../src/model/accounts.js';

const A = '222222222222';
const acct = (over: Partial<ResolvedAccount> = {}): ResolvedAccount => ({
  name: 'prod',
  id: A,
  planRole: null,
  applyRole: null,
  region: null,
  origin: 'organization',
  ...over,
});
const hub = {
  memberPlanRole: 'iam-gitops-plan',
  memberApplyRole: 'ops/iam-gitops-apply',
  externalId: 'ext-1',
};
const HUB_PLAN = 'arn:aws:iam::111111111111:role/hub-plan';
const HUB_APPLY = 'arn:aws:iam::111111111111:role/hub-apply';
const token = async () => 'tok';

test("an account's own role wins: through OIDC on GitHub, by AssumeRole from the ambient credentials locally", () => {
  const own = acct({ planRole: `arn:aws:iam::${A}:role/p`, applyRole: `arn:aws:iam::${A}:role/a` });
  const opts = { region: 'eu-west-1', hub, planRole: HUB_PLAN, applyRole: HUB_APPLY };
  expect(accessPath(own, 'plan', { ...opts, oidcToken: token })).toEqual({
    kind: 'oidc',
    role: `arn:aws:iam::${A}:role/p`,
  });
  expect(accessPath(own, 'apply', opts)).toEqual({
    kind: 'assume',
    role: `arn:aws:iam::${A}:role/a`,
    externalId: null,
    via: 'ambient',
    hubRole: null,
  });
});

test('hub: the member role of the purpose in the account, with the external id, from the hub role of the purpose', () => {
  const opts = { region: 'eu-west-1', hub, planRole: HUB_PLAN, applyRole: HUB_APPLY, oidcToken: token };
  expect(accessPath(acct(), 'plan', opts)).toEqual({
    kind: 'assume',
    role: `arn:aws:iam::${A}:role/iam-gitops-plan`,
    externalId: 'ext-1',
    via: 'hub',
    hubRole: HUB_PLAN,
  });
  expect(accessPath(acct(), 'apply', opts)).toMatchObject({
    role: `arn:aws:iam::${A}:role/ops/iam-gitops-apply`,
    hubRole: HUB_APPLY,
  });
  // The partition follows the hub role (or the region when there is none).
  expect(
    accessPath(acct(), 'plan', { ...opts, planRole: 'arn:aws-cn:iam::111111111111:role/hub-plan' }),
  ).toMatchObject({ role: `arn:aws-cn:iam::${A}:role/iam-gitops-plan` });
  expect(accessPath(acct(), 'plan', { region: 'us-gov-west-1', hub })).toMatchObject({
    role: `arn:aws-us-gov:iam::${A}:role/iam-gitops-plan`,
    via: 'ambient',
  });
  // On GitHub the hub role must be given: nothing else may assume the member roles.
  expect(() => accessPath(acct(), 'apply', { ...opts, applyRole: null })).toThrow(
    `account prod (${A}): hub: needs the hub role as the action's role-to-assume input`,
  );
});

test('no own role and no hub: the action role only in its own account; elsewhere an error naming the fix', () => {
  const same = `arn:aws:iam::${A}:role/plan`;
  expect(accessPath(acct(), 'plan', { region: 'r', hub: null, planRole: same, oidcToken: token })).toEqual({
    kind: 'oidc',
    role: same,
  });
  const other = acct({ id: '333333333333', name: 'dev' });
  let err: unknown;
  try {
    accessPath(other, 'plan', { region: 'r', hub: null, planRole: same, oidcToken: token });
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(AccountAccessError);
  expect((err as AccountAccessError).account).toBe('dev');
  expect((err as Error).message).toBe(
    `account dev (333333333333) has no planRole and there is no hub: (the action's role ${same} is in account ` +
      `${A}); set accounts.dev.planRole to a role in 333333333333 that trusts GitHub OIDC, or add hub: (see docs/deploy.md)`,
  );
  // Locally: the ambient credentials, checked against the account when clients are asked for.
  expect(accessPath(other, 'apply', { region: 'r', hub: null })).toEqual({ kind: 'ambient' });
});

test('a session name STS would refuse is refused when the factory is made', () => {
  expect(() => makeClientsFor({ region: 'r', hub: null, sessionName: 'run 42' })).toThrow(
    "role session name 'run 42' is invalid",
  );
});
