/**
 * Clients per account against the emulator, which keeps one state per account and honours
 * AssumeRole into another account (the keys it hands out act in the role's account). STS checks
 * no trust policy there, so what the hub sends (RoleArn, ExternalId, RoleSessionName, and with
 * which keys it signs) is asserted on the captured requests.
 */
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  AccountAccessError,
  makeClientsFor,
  type CredentialOptions,
} from '../../src/accounts/credentials.js';
import { CallLog } from '../../src/aws/calls.js';
import type { ClientPlugin } from '../../src/aws/clients.js';
import type { ResolvedAccount } from '../../src/model/accounts.js';
import { awsError, capture, motoAccount } from '../harness/capture.js';
import { ACCOUNT_ID, REGION } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';

// No AWS managed policies in each new account: nothing here attaches one, and loading them
// costs the emulator about two seconds per account.
const moto = useMoto({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'false' } });
const saved = { ...process.env };
beforeAll(() => {
  // The factory builds its own clients: the ambient credentials and endpoint come from the environment.
  Object.assign(process.env, moto.env());
});
afterAll(() => {
  process.env = saved;
});

const A = '222222222222';
const B = '333333333333';
const HUB_PLAN = '111111111111';
const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZXBvOm8vcjpwdWxsX3JlcXVlc3QifQ.c2ln';
const SESSION = 'iam-gitops-4242-1';

const account = (name: string, id: string, over: Partial<ResolvedAccount> = {}): ResolvedAccount => ({
  name,
  id,
  planRole: null,
  applyRole: null,
  region: null,
  origin: 'organization',
  ...over,
});

/** Which access key signed each request (read from the signed Authorization header). */
function signers(): { plugin: ClientPlugin; by: Array<[string, string]> } {
  const by: Array<[string, string]> = [];
  const plugin: ClientPlugin = (client, service) => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any, context: any) => async (args: any) => {
        const auth = String(args.request?.headers?.authorization ?? '');
        const key = /Credential=([^/]+)\//.exec(auth)?.[1] ?? '';
        by.push([`${service}:${String(context.commandName).replace(/Command$/, '')}`, key]);
        return next(args);
      },
      { step: 'deserialize', name: 'testSigner' },
    );
  };
  return { plugin, by };
}

const users = async (id: string) => {
  const res = await moto.clients({ plugins: [motoAccount(id)] }).iam.send(new ListUsersCommand({}));
  return (res.Users ?? []).map((u) => u.UserName);
};

test('hub: one OIDC exchange per hub role, then AssumeRole into each member role with the external id and the run', async () => {
  const cap = capture();
  const sig = signers();
  const masked: string[] = [];
  let tokens = 0;
  const exchanges = new CallLog(undefined);
  const opts: CredentialOptions = {
    region: REGION,
    oidcToken: async () => {
      tokens++;
      return TOKEN;
    },
    planRole: `arn:aws:iam::${HUB_PLAN}:role/hub-plan`,
    applyRole: `arn:aws:iam::${HUB_PLAN}:role/hub-apply`,
    hub: { memberPlanRole: 'iam-gitops-plan', memberApplyRole: 'iam-gitops-apply', externalId: 'ext-7f3a' },
    sessionName: SESSION,
    plugins: [cap.plugin, sig.plugin],
    maskSecret: (v) => masked.push(v),
    exchangeCalls: exchanges,
  };
  const clientsFor = makeClientsFor(opts);
  const a = account('alpha', A);
  const b = account('beta', B);
  const [aApply, bApply, aPlan, bPlan] = await Promise.all([
    clientsFor(a, 'apply'),
    clientsFor(b, 'apply'),
    clientsFor(a, 'plan'),
    clientsFor(b, 'plan'),
  ]);
  // Asked again: the same clients, no new exchange.
  expect(await clientsFor(a, 'apply')).toBe(aApply);

  expect(cap.inputs('sts:AssumeRoleWithWebIdentity').map((i) => i.RoleArn)).toEqual([
    `arn:aws:iam::${HUB_PLAN}:role/hub-apply`,
    `arn:aws:iam::${HUB_PLAN}:role/hub-plan`,
  ]);
  expect(tokens).toBe(2);
  const assumed = cap.inputs('sts:AssumeRole');
  expect(assumed).toHaveLength(4);
  expect(new Set(assumed.map((i) => JSON.stringify(i)))).toEqual(
    new Set(
      [
        [A, 'iam-gitops-apply'],
        [B, 'iam-gitops-apply'],
        [A, 'iam-gitops-plan'],
        [B, 'iam-gitops-plan'],
      ].map(([id, role]) =>
        JSON.stringify({
          RoleArn: `arn:aws:iam::${id}:role/${role}`,
          RoleSessionName: SESSION,
          ExternalId: 'ext-7f3a',
        }),
      ),
    ),
  );
  // The member roles are assumed with the hub's keys (from the OIDC exchange), never the ambient ones.
  const assumeSigners = sig.by.filter(([op]) => op === 'sts:AssumeRole').map(([, key]) => key);
  expect(assumeSigners.every((k) => k !== 'testing' && masked.includes(k))).toBe(true);
  expect(new Set(assumeSigners).size).toBe(2); // the apply hub's key and the plan hub's key

  // Keys act in their account: a user created through beta's apply clients exists in beta only.
  await bApply.iam.send(new CreateUserCommand({ UserName: 'only-in-beta' }));
  expect(await users(B)).toEqual(['only-in-beta']);
  expect(await users(A)).toEqual([]);
  expect(await users(ACCOUNT_ID)).toEqual([]);
  expect((await aPlan.iam.send(new ListUsersCommand({}))).Users).toEqual([]);
  expect((await bPlan.iam.send(new ListUsersCommand({}))).Users?.map((u) => u.UserName)).toEqual([
    'only-in-beta',
  ]);
  const who = await aApply.sts.send(new GetCallerIdentityCommand({}));
  expect(who.Arn).toBe(`arn:aws:sts::${A}:assumed-role/iam-gitops-apply/${SESSION}`);

  // Every secret was masked: the token, and each exchange's three parts.
  expect(masked.filter((m) => m === TOKEN)).toHaveLength(2);
  expect(masked).toHaveLength(2 + 3 * 2 + 3 * 4);
  // The exchanges stay out of the accounts' call logs (they are not the member role's calls).
  expect(aApply.calls.counts['sts:AssumeRole']).toBeUndefined();
  expect(exchanges.snapshot()).toEqual({ 'sts:AssumeRole': 4, 'sts:AssumeRoleWithWebIdentity': 2 });
  expect(bApply.calls.counts['iam:CreateUser']).toBe(1);
});

test("per-account OIDC roles: each account's own role through AssumeRoleWithWebIdentity, no hub hop", async () => {
  const cap = capture();
  const clientsFor = makeClientsFor({
    region: REGION,
    oidcToken: async () => TOKEN,
    hub: null,
    sessionName: SESSION,
    plugins: [cap.plugin],
    maskSecret: () => {},
  });
  const a = account('alpha', A, { applyRole: `arn:aws:iam::${A}:role/own-apply`, origin: 'declared' });
  const b = account('beta', B, { applyRole: `arn:aws:iam::${B}:role/own-apply`, origin: 'declared' });
  const bc = await clientsFor(b, 'apply');
  await clientsFor(a, 'apply');
  expect(cap.inputs('sts:AssumeRoleWithWebIdentity')).toEqual([
    { RoleArn: `arn:aws:iam::${B}:role/own-apply`, RoleSessionName: SESSION, WebIdentityToken: '***' },
    { RoleArn: `arn:aws:iam::${A}:role/own-apply`, RoleSessionName: SESSION, WebIdentityToken: '***' },
  ]);
  expect(cap.sequence('sts')).not.toContain('AssumeRole');
  await bc.iam.send(new CreateUserCommand({ UserName: 'b-user' }));
  expect(await users(B)).toEqual(['b-user']);
  expect(await users(A)).toEqual([]);
});

test('command line: ambient keys assume the known role; without one, only the account the keys belong to', async () => {
  const cap = capture();
  const clientsFor = makeClientsFor({
    region: REGION,
    hub: { memberPlanRole: 'member-plan', memberApplyRole: 'member-apply', externalId: null },
    sessionName: 'iam-gitops-cli',
    plugins: [cap.plugin],
  });
  await clientsFor(account('alpha', A, { planRole: `arn:aws:iam::${A}:role/own-plan` }), 'plan');
  await clientsFor(account('beta', B), 'plan');
  expect(cap.inputs('sts:AssumeRole')).toEqual([
    { RoleArn: `arn:aws:iam::${A}:role/own-plan`, RoleSessionName: 'iam-gitops-cli' },
    { RoleArn: `arn:aws:iam::${B}:role/member-plan`, RoleSessionName: 'iam-gitops-cli' },
  ]);
  expect(cap.sequence('sts')).not.toContain('AssumeRoleWithWebIdentity');

  const cap2 = capture();
  const local = makeClientsFor({
    region: REGION,
    hub: null,
    sessionName: 'iam-gitops-cli',
    plugins: [cap2.plugin],
  });
  const home = await local(account('home', ACCOUNT_ID), 'apply');
  await home.iam.send(new CreateUserCommand({ UserName: 'local' }));
  expect(await users(ACCOUNT_ID)).toEqual(['local']);
  await expect(local(account('beta', B), 'plan')).rejects.toThrow(
    `account beta (${B}): the credentials at hand are account ${ACCOUNT_ID}'s, and no role leads to ${B}: ` +
      `set accounts.beta.planRole, add hub:, or sign in to ${B}`,
  );
  // GetCallerIdentity is asked once for the run, not per account.
  expect(cap2.sequence('sts')).toEqual(['GetCallerIdentity']);
  expect(cap2.sequence('sts').includes('AssumeRole')).toBe(false);
});

/** Refuses sts:AssumeRole into roles of `account` while `refuse()` says so; the rest reaches the emulator. */
function denyInto(account: string, refuse: () => boolean): ClientPlugin {
  return (client) => {
    client.middlewareStack.add(
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (next: any, context: any) => async (args: any) => {
        const arn = String(args.input?.RoleArn ?? '');
        if (context.commandName === 'AssumeRoleCommand' && arn.split(':')[4] === account && refuse())
          throw awsError(
            'AccessDenied',
            `User is not authorized to perform: sts:AssumeRole on resource: ${arn}`,
            403,
          );
        return next(args);
      },
      // After the capture plugin (same step, low priority, added later): the refused call is recorded too.
      { step: 'initialize', priority: 'low', name: 'testDenyInto' },
    );
  };
}

test('a member role that refuses the hub fails that account alone, named with the fix; asking again asks STS again', async () => {
  let refuse = true;
  const cap = capture();
  const clientsFor = makeClientsFor({
    region: REGION,
    oidcToken: async () => TOKEN,
    applyRole: `arn:aws:iam::${HUB_PLAN}:role/hub-apply`,
    hub: { memberPlanRole: 'p', memberApplyRole: 'iam-gitops-apply', externalId: 'ext-7f3a' },
    sessionName: SESSION,
    plugins: [cap.plugin, denyInto(B, () => refuse)],
    maskSecret: () => {},
  });
  const [a, b] = await Promise.allSettled([
    clientsFor(account('alpha', A), 'apply'),
    clientsFor(account('beta', B), 'apply'),
  ]);
  expect(a.status).toBe('fulfilled');
  expect(b.status).toBe('rejected');
  const err = (b as PromiseRejectedResult).reason;
  expect(err).toBeInstanceOf(AccountAccessError);
  expect(err.account).toBe('beta');
  expect(err.message).toBe(
    `account beta (${B}): could not assume arn:aws:iam::${B}:role/iam-gitops-apply from the hub role ` +
      `arn:aws:iam::${HUB_PLAN}:role/hub-apply: AccessDenied: User is not authorized to perform: sts:AssumeRole on ` +
      `resource: arn:aws:iam::${B}:role/iam-gitops-apply — the role must exist in ${B} and trust the hub role ` +
      `arn:aws:iam::${HUB_PLAN}:role/hub-apply with the external id of hub.externalId (deploy bootstrap/ to the ` +
      'account or OU; see docs/deploy.md)',
  );
  // The failure is not remembered: once the role is deployed, the retry of that account succeeds.
  refuse = false;
  const retried = await clientsFor(account('beta', B), 'apply');
  await retried.iam.send(new CreateUserCommand({ UserName: 'after-retry' }));
  expect(await users(B)).toEqual(['after-retry']);
  expect(cap.inputs('sts:AssumeRole').filter((i) => String(i.RoleArn).includes(B))).toHaveLength(2);
  // One OIDC exchange for the hub, shared by every account and the retry.
  expect(cap.inputs('sts:AssumeRoleWithWebIdentity')).toHaveLength(1);
});

test('keys are fetched once per account and purpose for every client and call; expired keys are fetched again', async () => {
  let expiry = new Date('2099-01-01T00:00:00Z');
  const cap = capture({
    patch: {
      'sts:AssumeRole': (_input, output) => ({
        ...output,
        Credentials: { ...(output.Credentials as object), Expiration: expiry },
      }),
    },
  });
  const clientsFor = makeClientsFor({
    region: REGION,
    hub: { memberPlanRole: 'iam-gitops-plan', memberApplyRole: 'a', externalId: null },
    sessionName: 'iam-gitops-cli',
    plugins: [cap.plugin],
  });
  const c = await clientsFor(account('alpha', A), 'plan');
  await c.iam.send(new ListUsersCommand({}));
  await c.iam.send(new ListUsersCommand({}));
  await c.sts.send(new GetCallerIdentityCommand({}));
  expect(cap.inputs('sts:AssumeRole')).toHaveLength(1);

  // Keys that have expired (as an hour-long role-chaining session does in a long apply) are not reused.
  expiry = new Date('2000-01-01T00:00:00Z');
  const d = await clientsFor(account('alpha', A), 'apply');
  const before = cap.inputs('sts:AssumeRole').length;
  await d.iam.send(new ListUsersCommand({}));
  const afterOne = cap.inputs('sts:AssumeRole').length;
  await d.iam.send(new ListUsersCommand({}));
  // Each request fetched again (the SDK may ask twice for keys it finds expired).
  expect(afterOne).toBeGreaterThan(before);
  expect(cap.inputs('sts:AssumeRole').length).toBeGreaterThan(afterOne);
});

test('fifty accounts asked for at once: one OIDC exchange for the hub, one AssumeRole per account', async () => {
  const exchanges = new CallLog(undefined);
  let tokens = 0;
  const clientsFor = makeClientsFor({
    region: REGION,
    oidcToken: async () => {
      tokens++;
      return TOKEN;
    },
    planRole: `arn:aws:iam::${HUB_PLAN}:role/hub-plan`,
    hub: { memberPlanRole: 'iam-gitops-plan', memberApplyRole: 'a', externalId: 'ext-7f3a' },
    sessionName: SESSION,
    maskSecret: () => {},
    exchangeCalls: exchanges,
  });
  const fifty = Array.from({ length: 50 }, (_, i) => account(`acct-${i}`, String(400000000000 + i)));
  const all = await Promise.all(fifty.map((a) => clientsFor(a, 'plan')));
  expect(new Set(all).size).toBe(50);
  expect(tokens).toBe(1);
  expect(exchanges.snapshot()).toEqual({ 'sts:AssumeRole': 50, 'sts:AssumeRoleWithWebIdentity': 1 });
  expect(new Set(exchanges.calls.map((c) => c.input.RoleArn)).size).toBe(51);
  // Each set of keys acts in its own account.
  const who = await all[37]!.sts.send(new GetCallerIdentityCommand({}));
  expect(who.Account).toBe('400000000037');
});
