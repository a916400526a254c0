/**
 * Account discovery against the emulator's Organizations API: an organization with OUs, sub-OUs,
 * a closed account and enough accounts to need more pages. Discovery only reads, so the tests
 * share one organization, built once (each account the emulator creates costs seconds).
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
  type OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { CreateUserCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { makeClientsFor } from '../../src/accounts/credentials.js';
import { discoverAccounts, DiscoveryError } from '../../src/accounts/discover.js';
import { resolveAccounts } from '../../src/accounts/resolve.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { OrganizationConfig } from '../../src/model/desired.js';
import { testConfig } from '../helpers/config.js';
import { awsError, capture, motoAccount } from '../harness/capture.js';
import { REGION } from '../harness/moto.js';
import { useMoto } from '../harness/use-moto.js';

// No AWS managed policies in each new account: nothing here attaches one, and loading them
// costs the emulator about two seconds per account. No reset: the tests share one organization.
const moto = useMoto({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'false' }, reset: false });

const cfg = (ou: string[], exclude: string[] = []): OrganizationConfig => ({
  ou,
  exclude,
  source: { file: 'iam-gitops.yml', line: 9 },
});

async function account(o: OrganizationsClient, name: string, parent: string, root: string): Promise<string> {
  const res = await o.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
  const id = res.CreateAccountStatus!.AccountId!;
  if (parent !== root)
    await o.send(
      new MoveAccountCommand({ AccountId: id, SourceParentId: root, DestinationParentId: parent }),
    );
  return id;
}

type Org = Awaited<ReturnType<typeof organization>>;
let org: Org;
beforeAll(async () => {
  org = await organization(moto.clients());
});

/**
 * root ─ Workloads (Prod, Staging, Legacy [closed]) ─ Teams (Team A, Team B)
 * root ─ Sandbox (play)
 * root ─ Big (acct-0 … acct-6) ─ Sub 0 … Sub 4; Sub 4 (deep)
 */
async function organization(clients: AwsClients) {
  const o = clients.organizations;
  await o.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const root = (await o.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  const ou = async (name: string, parent: string) =>
    (await o.send(new CreateOrganizationalUnitCommand({ ParentId: parent, Name: name }))).OrganizationalUnit!
      .Id!;
  const workloads = await ou('Workloads', root);
  const teams = await ou('Teams', workloads);
  const sandbox = await ou('Sandbox', root);
  const big = await ou('Big', root);
  const subs: string[] = [];
  for (let i = 0; i < 5; i++) subs.push(await ou(`Sub ${i}`, big));
  const ids = {
    prod: await account(o, 'Prod', workloads, root),
    staging: await account(o, 'Staging', workloads, root),
    legacy: await account(o, 'Legacy', workloads, root),
    teamA: await account(o, 'Team A', teams, root),
    teamB: await account(o, 'Team B', teams, root),
    play: await account(o, 'play', sandbox, root),
  };
  const bigIds: string[] = [];
  for (let i = 0; i < 7; i++) bigIds.push(await account(o, `acct-${i}`, big, root));
  bigIds.push(await account(o, 'deep', subs[4]!, root));
  await o.send(new CloseAccountCommand({ AccountId: ids.legacy }));
  return { root, workloads, teams, sandbox, big, subs, ids, bigIds };
}

test('an OU filter finds the ACTIVE accounts of the OU and of every OU below it, minus exclude by id or name', async () => {
  const cap = capture();
  const clients = moto.clients({ plugins: [cap.plugin] });

  const found = await discoverAccounts(clients, cfg([org.workloads], ['team b', org.ids.staging]));
  expect(found.map((a) => [a.name, a.status, a.parent])).toEqual([
    ['Prod', 'ACTIVE', org.workloads],
    ['Team A', 'ACTIVE', org.teams],
  ]);
  expect(found[0]).toEqual({
    id: org.ids.prod,
    name: 'Prod',
    email: 'Prod@example.com',
    status: 'ACTIVE',
    parent: org.workloads,
  });
  // The closed account is listed by Organizations but not managed; the Sandbox OU is never read.
  expect(cap.inputs('organizations:ListAccountsForParent').map((i) => i.ParentId)).toEqual([
    org.workloads,
    org.teams,
  ]);
  expect(cap.inputs('organizations:ListOrganizationalUnitsForParent').map((i) => i.ParentId)).toEqual([
    org.workloads,
    org.teams,
  ]);
  expect(cap.sequence('organizations')).not.toContain('ListAccounts');
});

test('an OU and its own sub-OU both listed: each account once, each OU walked once', async () => {
  const cap = capture();
  const clients = moto.clients({ plugins: [cap.plugin] });
  const found = await discoverAccounts(clients, cfg([org.teams, org.workloads]));
  expect(found.map((a) => a.name).sort()).toEqual(['Prod', 'Staging', 'Team A', 'Team B']);
  expect(cap.inputs('organizations:ListAccountsForParent')).toHaveLength(2);
});

test('no OU: the whole organization with ListAccounts, ACTIVE only, minus the management account excluded by name', async () => {
  const cap = capture();
  const clients = moto.clients({ plugins: [cap.plugin] });
  const found = await discoverAccounts(clients, cfg([], ['master']));
  expect(found.map((a) => a.name).sort()).toEqual(
    [
      'Prod',
      'Staging',
      'Team A',
      'Team B',
      'play',
      'deep',
      ...Array.from({ length: 7 }, (_, i) => `acct-${i}`),
    ].sort(),
  );
  expect(found.every((a) => a.parent === '')).toBe(true);
  expect(found.map((a) => a.id)).not.toContain(org.ids.legacy);
  expect(cap.sequence('organizations')).toEqual(['ListAccounts']);
});

test('every page is read: NextToken is followed for accounts and for OUs', async () => {
  const cap = capture();
  const clients = moto.clients({ plugins: [cap.plugin] });
  const found = await discoverAccounts(clients, cfg([org.big]), { pageSize: 3 });
  expect(found.map((a) => a.id).sort()).toEqual([...org.bigIds].sort());
  const forBig = cap.inputs('organizations:ListAccountsForParent').filter((i) => i.ParentId === org.big);
  expect(forBig.map((i) => [i.MaxResults, i.NextToken !== undefined])).toEqual([
    [3, false],
    [3, true],
    [3, true],
  ]);
  const ous = cap
    .inputs('organizations:ListOrganizationalUnitsForParent')
    .filter((i) => i.ParentId === org.big);
  expect(ous.map((i) => i.NextToken !== undefined)).toEqual([false, true]);
  // Sub-OUs from the second page are walked too: the deep account is found.
  expect(found.find((a) => a.name === 'deep')?.parent).toBe(org.subs[4]);

  cap.calls.length = 0;
  const whole = await discoverAccounts(clients, cfg([]), { pageSize: 4 });
  expect(whole).toHaveLength(14); // 15 accounts with the management account, one closed
  expect(cap.inputs('organizations:ListAccounts').map((i) => i.NextToken !== undefined)).toEqual([
    false,
    true,
    true,
    true,
  ]);
});

test('an OU that does not exist names the file:line and how to find the ids', async () => {
  await expect(discoverAccounts(moto.clients(), cfg(['ou-abcd-nothere1']))).rejects.toThrow(
    /^iam-gitops\.yml:9: organization\.ou: 'ou-abcd-nothere1' is not an OU or root of this organization .*aws organizations list-roots/,
  );
});

test('from an account outside any organization, or a member without delegation, the error says where to run from', async () => {
  const notInUse = capture({
    answer: {
      'organizations:ListAccounts': () => {
        throw awsError(
          'AWSOrganizationsNotInUseException',
          'Your account is not a member of an organization.',
        );
      },
    },
  });
  const err = await discoverAccounts(moto.clients({ plugins: [notInUse.plugin] }), cfg([])).catch((e) => e);
  expect(err).toBeInstanceOf(DiscoveryError);
  expect(err.message).toBe(
    "iam-gitops.yml:9: organization: could not list the organization's accounts " +
      '(AWSOrganizationsNotInUseException: Your account is not a member of an organization.): the account these ' +
      'credentials reach is in no organization. Run the plan with credentials of the management account (or of a ' +
      'delegated administrator), or declare the accounts under accounts:',
  );

  const denied = capture({
    answer: {
      'organizations:ListAccountsForParent': () => {
        throw awsError('AccessDeniedException', 'You don’t have permissions to access this resource.', 403);
      },
    },
  });
  const clients = moto.clients({ plugins: [denied.plugin] });
  await expect(discoverAccounts(clients, cfg(['ou-abcd-12345678']))).rejects.toThrow(
    /only the management account or a delegated administrator may list accounts\. Run the plan with a role in the management account, or register this account as a delegated administrator/,
  );
});

test('discovered, resolved and reached: each account of an OU gets clients that act in that account', async () => {
  const discovered = await discoverAccounts(moto.clients(), cfg([org.teams]));
  const desired = {
    config: testConfig({ defaultAccount: 'team-a', organization: cfg([org.teams]) }),
    users: [],
    policies: [],
  };
  const { accounts, problems } = resolveAccounts(desired, discovered);
  expect(problems).toEqual([]);
  expect(accounts.map((a) => [a.name, a.id])).toEqual([
    ['team-a', org.ids.teamA],
    ['team-b', org.ids.teamB],
  ]);
  const cap = capture();
  const clientsFor = makeClientsFor({
    region: REGION,
    hub: { memberPlanRole: 'iam-gitops-plan', memberApplyRole: 'iam-gitops-apply', externalId: 'x-1' },
    sessionName: 'iam-gitops-cli',
    plugins: [cap.plugin],
  });
  // The factory's clients take the ambient keys and the endpoint from the environment.
  const saved = { ...process.env };
  Object.assign(process.env, moto.env());
  try {
    const b = await clientsFor(accounts[1]!, 'apply');
    await b.iam.send(new CreateUserCommand({ UserName: 'in-team-b' }));
  } finally {
    process.env = saved;
  }
  expect(cap.inputs('sts:AssumeRole')).toEqual([
    {
      RoleArn: `arn:aws:iam::${org.ids.teamB}:role/iam-gitops-apply`,
      RoleSessionName: 'iam-gitops-cli',
      ExternalId: 'x-1',
    },
  ]);
  const list = async (id: string) =>
    ((await moto.clients({ plugins: [motoAccount(id)] }).iam.send(new ListUsersCommand({}))).Users ?? []).map(
      (u) => u.UserName,
    );
  expect(await list(org.ids.teamB)).toEqual(['in-team-b']);
  expect(await list(org.ids.teamA)).toEqual([]);
});
