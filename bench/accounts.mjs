// `npm run bench:accounts [-- --accounts 50 --users 200]`: one emulator holding N accounts (moto
// keeps each account's state apart; sts:AssumeRole into arn:aws:iam::<id>:role/… acts in <id>),
// each seeded with the same M managed users, then the built CLI's `plan --format json` of a
// repository declaring the N accounts (every group in every account, 1 % console toggles and 10
// new users per account) measured as a whole process under /usr/bin/time: wall, CPU, peak RSS,
// and the AWS calls of each account's section. Prints a Markdown table (docs/benchmarks.md).
// Run `npm run package` first.
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  IAMClient,
} from '@aws-sdk/client-iam';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { startEmulator } from '../scripts/emulator.mjs';
import { GROUPS, machine, measured, userName, writeRepo } from './measure.mjs';

const argv = process.argv.slice(2);
const opt = (flag, fallback) => {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : fallback;
};
const nAccounts = Number(opt('--accounts', '50'));
const nUsers = Number(opt('--users', '200'));
const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const PATH = '/iam-gitops/';

const out = path.join('.tmp', 'bench-accounts');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
const cli = path.resolve('dist', 'cli.js');
if (!existsSync(cli)) throw new Error('dist/cli.js is missing: run `npm run package` first');

const ids = Array.from({ length: nAccounts }, (_, i) => String(210000000000 + i));
const names = ids.map((_, i) => `acct-${String(i).padStart(2, '0')}`);

const emu = await startEmulator();
const base = {
  region: 'us-east-1',
  endpoint: emu.url,
  credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  maxAttempts: 5,
};
const env = {
  ...process.env,
  AWS_ENDPOINT_URL: emu.url,
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_REGION: 'us-east-1',
  AWS_EC2_METADATA_DISABLED: 'true',
  GITHUB_REPOSITORY: 'bench/iam',
};

async function pool(items, concurrency, fn) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** The clients of one emulated account, as its apply role. */
async function accountClients(id) {
  const r = await new STSClient(base).send(
    new AssumeRoleCommand({
      RoleArn: `arn:aws:iam::${id}:role/iam-gitops-apply`,
      RoleSessionName: 'bench-seed',
    }),
  );
  const c = r.Credentials;
  const credentials = {
    accessKeyId: c.AccessKeyId,
    secretAccessKey: c.SecretAccessKey,
    sessionToken: c.SessionToken,
  };
  return { iam: new IAMClient({ ...base, credentials }), ses: new SESClient({ ...base, credentials }) };
}

const host = machine();
let result;
try {
  process.stderr.write(`seeding ${nAccounts} accounts × ${nUsers} users…\n`);
  const t0 = Date.now();
  let seedCalls = 0;
  const send = (client, cmd) => {
    seedCalls++;
    return client.send(cmd);
  };
  const accounts = [];
  for (const id of ids) {
    const c = await accountClients(id);
    await send(c.ses, new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
    for (const g of GROUPS) {
      await send(c.iam, new CreateGroupCommand({ GroupName: g, Path: PATH }));
      await send(c.iam, new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: RO }));
    }
    accounts.push(c);
  }
  const work = accounts.flatMap((c) => Array.from({ length: nUsers }, (_, i) => ({ c, i })));
  await pool(work, 24, async ({ c, i }) => {
    const UserName = userName(i);
    await send(
      c.iam,
      new CreateUserCommand({
        UserName,
        Path: PATH,
        Tags: [
          { Key: 'managed-by', Value: 'iam-gitops' },
          { Key: 'role', Value: 'engineer' },
        ],
      }),
    );
    await send(c.iam, new AddUserToGroupCommand({ UserName, GroupName: GROUPS[i % GROUPS.length] }));
    await send(c.iam, new AttachUserPolicyCommand({ UserName, PolicyArn: RO }));
    if (i % 2 === 0)
      await send(c.iam, new CreateLoginProfileCommand({ UserName, Password: 'Bench-only-1!pw' }));
  });
  const seedS = ((Date.now() - t0) / 1000).toFixed(1);
  process.stderr.write(`  seeded in ${seedS} s (${seedCalls} calls); planning…\n`);

  // The files: every group in every account, 1 % of the users toggling their console, 10 new ones.
  const repo = path.join(out, 'repo');
  writeRepo(repo, nUsers + 10, (i) => (i % 100 === 1 ? i % 2 !== 0 : i % 2 === 0));
  const accountsYaml = ids
    .map(
      (id, i) =>
        `  ${names[i]}:\n    id: '${id}'\n    planRole: arn:aws:iam::${id}:role/iam-gitops-plan\n` +
        `    applyRole: arn:aws:iam::${id}:role/iam-gitops-apply`,
    )
    .join('\n');
  const groups = GROUPS.map((g) => `  ${g}:\n    policies: [ReadOnlyAccess]\n    accounts: ['*']`).join('\n');
  writeFileSync(
    path.join(repo, 'iam-gitops.yml'),
    `path: /iam-gitops/\nmaxDeletes: 0\naccounts:\n${accountsYaml}\ngroups:\n${groups}\n` +
      'email:\n  from: iam@example.com\nmonitoring:\n  enabled: false\n',
  );
  const loadBefore = machine().load;
  const w = await measured([cli, 'plan', '--dir', repo, '--format', 'json'], env);
  if (w.code !== 2) throw new Error(`plan exited ${w.code}:\n${w.stderr.slice(-3000)}`);
  const planned = JSON.parse(w.stdout);
  const perAccount = planned.sections.map((s) => {
    if (!s.plan) throw new Error(`account ${s.account} failed: ${s.error}`);
    return {
      account: s.account,
      calls: Object.values(s.plan.stats.awsCalls).reduce((a, b) => a + b, 0),
      awsCalls: s.plan.stats.awsCalls,
      operations: s.plan.changes.length,
      readMs: s.plan.stats.durationMs,
    };
  });
  const distinct = [...new Set(perAccount.map((p) => JSON.stringify(p.awsCalls)))];
  result = {
    accounts: nAccounts,
    users: nUsers,
    seedS: Number(seedS),
    seedCalls,
    wallS: w.wallS,
    cpuS: w.cpuS,
    peakRssMiB: w.peakRssMiB,
    loadBefore,
    loadAfter: machine().load,
    callsPerAccount: distinct.map((d) => JSON.parse(d)),
    totalCalls: perAccount.reduce((a, p) => a + p.calls, 0),
    operations: perAccount.reduce((a, p) => a + p.operations, 0),
    operationsPerAccount: [...new Set(perAccount.map((p) => p.operations))],
    perAccount,
  };
} finally {
  await emu.stop();
}

writeFileSync(path.join(out, 'results.json'), JSON.stringify({ host, result }, null, 2));
const r = result;
process.stdout.write(
  [
    `${host.date} · ${host.cpu} · Node ${host.node} · load average before the plan ${r.loadBefore}, after ${r.loadAfter}`,
    '',
    '| accounts × users | `plan` wall (s) | CPU (s) | peak RSS (MiB) | AWS calls (all accounts) | calls per account | operations |',
    '| --- | ---: | ---: | ---: | ---: | --- | ---: |',
    `| ${r.accounts} × ${r.users} | ${r.wallS} | ${r.cpuS} | ${r.peakRssMiB} | ${r.totalCalls} | ${r.callsPerAccount.map((c) => JSON.stringify(c)).join(' or ')} | ${r.operations} |`,
    '',
    `seeded in ${r.seedS} s (${r.seedCalls} calls); raw results: ${path.join(out, 'results.json')}`,
    '',
  ].join('\n'),
);
