/**
 * The command line on a repository whose accounts come from AWS Organizations (the emulator's):
 * the OU's accounts are listed with the credentials at hand, named by a slug of their AWS name,
 * planned after the declared ones; a name the organization does not have is an error with a
 * suggestion, before any account is read.
 */
import {
  CreateAccountCommand,
  CreateOrganizationalUnitCommand,
  CreateOrganizationCommand,
  ListRootsCommand,
  MoveAccountCommand,
} from '@aws-sdk/client-organizations';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { parseArgs } from '../../src/commands/args.js';
import { planCommand } from '../../src/commands/plan.js';
import type { AccountsPlanJson } from '../../src/plan/render-accounts.js';
import { account, motoClientsFor } from '../harness/accounts.js';
import { ACCOUNT_ID } from '../harness/moto.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();

/** root ─ Workloads (Prod, Dev Team); root ─ Sandbox (Play). */
async function organization() {
  const o = moto.clients().organizations;
  await o.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const root = (await o.send(new ListRootsCommand({}))).Roots![0]!.Id!;
  const ou = async (Name: string) =>
    (await o.send(new CreateOrganizationalUnitCommand({ ParentId: root, Name }))).OrganizationalUnit!.Id!;
  const workloads = await ou('Workloads');
  const sandbox = await ou('Sandbox');
  const create = async (name: string, parent: string) => {
    const res = await o.send(new CreateAccountCommand({ AccountName: name, Email: `${name}@example.com` }));
    const id = res.CreateAccountStatus!.AccountId!;
    await o.send(
      new MoveAccountCommand({ AccountId: id, SourceParentId: root, DestinationParentId: parent }),
    );
    return id;
  };
  return {
    workloads,
    prod: await create('Prod', workloads),
    dev: await create('Dev Team', workloads),
    play: await create('Play', sandbox),
  };
}

function repo(ou: string, reach: string, exclude: string[] = []): string {
  return tempRepo('iam-gitops-org-cli-', {
    'iam-gitops.yml': [
      'path: /iam-gitops/',
      'accounts:',
      '  mgmt:',
      `    id: '${ACCOUNT_ID}'`,
      `    planRole: arn:aws:iam::${ACCOUNT_ID}:role/iam-gitops-plan`,
      `    applyRole: arn:aws:iam::${ACCOUNT_ID}:role/iam-gitops-apply`,
      'defaultAccount: mgmt',
      'organization:',
      `  ou: [${ou}]`,
      `  exclude: [${exclude.join(', ')}]`,
      'groups:',
      '  developers:',
      '    policies: [ReadOnlyAccess]',
      `    accounts: [${reach}]`,
      'email:',
      '  from: iam@example.com',
      'monitoring:',
      '  enabled: false',
      '',
    ].join('\n'),
    'users/team.csv': 'username,email,groups\nalice,alice@example.com,developers\n',
  });
}

test('organization: the OU accounts are planned after the declared one, by their slugs; a typo is caught first', async () => {
  const org = await organization();
  const clientsFor = motoClientsFor(moto);
  for (const [name, id] of [
    ['mgmt', ACCOUNT_ID],
    ['prod', org.prod],
    ['dev-team', org.dev],
  ] as const)
    await (
      await clientsFor(account(name, id), 'apply')
    ).ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (t: string) => void out.push(t),
    err: (t: string) => void err.push(t),
    env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => moto.clients(),
    clientsFor,
  };
  const dir = repo(org.workloads, 'prod, dev-team');
  expect(await planCommand(parseArgs(['plan', '--dir', dir, '--format', 'json']), io)).toBe(2);
  const json = JSON.parse(out.join('')) as AccountsPlanJson;
  expect(json.sections.map((s) => [s.account, s.accountId, s.error])).toEqual([
    ['mgmt', ACCOUNT_ID, null],
    ['dev-team', org.dev, null],
    ['prod', org.prod, null],
  ]);
  // The Sandbox OU is not listed: Play is not an account of this run.
  expect(json.sections.map((s) => s.accountId)).not.toContain(org.play);
  expect(json.sections[0]!.plan!.changes).toEqual([]);
  expect(json.sections[2]!.plan!.changes.map((c) => c.id)).toContain('user:alice');

  const typo = { out: [] as string[], err: [] as string[] };
  const accountCalls = () => [...clientsFor.calls.values()].reduce((n, c) => n + c.total(), 0);
  const before = accountCalls();
  const bad = repo(org.workloads, 'prod, dev-tem');
  const code = await planCommand(parseArgs(['plan', '--dir', bad]), {
    ...io,
    out: (t: string) => void typo.out.push(t),
    err: (t: string) => void typo.err.push(t),
  });
  expect(code).toBe(1);
  expect(typo.err.join('')).toMatch(/account 'dev-tem' is neither declared .*; did you mean 'dev-team'\?/);
  expect(typo.out.join('')).toBe('');
  expect(accountCalls()).toBe(before);

  // An exclude entry written as the files' slug matches no AWS name: it excludes nothing, and says so.
  const loose = { out: [] as string[], err: [] as string[] };
  const excluding = repo(org.workloads, 'prod', ['dev-team', 'Prod']);
  const planned = await planCommand(
    parseArgs(['plan', '--dir', excluding, '--format', 'json', '--account', 'mgmt']),
    {
      ...io,
      out: (t: string) => void loose.out.push(t),
      err: (t: string) => void loose.err.push(t),
    },
  );
  expect(loose.err.join('')).toContain(
    "warning: iam-gitops.yml:8: organization.exclude: 'dev-team' matches no account of the organization, so it " +
      `excludes nothing; 'dev-team' is the name the files give 'Dev Team' (${org.dev}), but exclude takes the ` +
      `AWS name or the id: write 'Dev Team' or '${org.dev}'\n`,
  );
  // 'Prod' matched and excluded its account; groups then name an account that is not in the run.
  expect(loose.err.join('')).not.toContain("'Prod' matches no account");
  expect(loose.err.join('')).toMatch(/account 'prod' is neither declared/);
  expect(planned).toBe(1);
});
