/**
 * Benchmark driver, bundled by bench/plan.mjs and bench/apply.mjs with ncc. Against the emulator
 * at AWS_ENDPOINT_URL: `seed <n>` creates n managed users (in parallel batches); `plan <n>` times
 * the bulk read and the plan of a desired state matching them (1% changed, 10 new); `naive <n>`
 * times a reader that asks IAM per user; `apply-rereading <dir>` applies the files of <dir> with
 * every step re-reading what it needs. Prints one JSON object on stdout.
 */
import {
  AddUserToGroupCommand,
  AttachGroupPolicyCommand,
  AttachUserPolicyCommand,
  CreateGroupCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  GetLoginProfileCommand,
  GetUserCommand,
  paginateListAttachedUserPolicies,
  paginateListGroupsForUser,
  paginateListUsers,
} from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { createClients, errorCode, type AwsClients } from '../../src/aws/clients.js';
import { applyPlan } from '../../src/apply/executor.js';
import { readActualState } from '../../src/targets/read-account.js';
import { runPlan } from '../../src/pipeline.js';
import type { Config, DesiredState, DesiredUser } from '../../src/model/desired.js';
import { diff } from '../../src/targets/plan.js';
import { planHash } from '../../src/plan/hash.js';
import { renderMarkdown } from '../../src/plan/render-markdown.js';
import { testConfig } from '../../test/helpers/config.js';

const PATH = '/iam-gitops/';
const RO = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
const GROUPS = ['developers', 'ops', 'readers'];
const name = (i: number): string => `user-${String(i).padStart(5, '0')}`;

function clients(): AwsClients {
  return createClients({
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 5,
  });
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

async function seed(n: number): Promise<object> {
  const c = clients();
  const t0 = Date.now();
  await c.ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  for (const g of GROUPS) {
    await c.iam.send(new CreateGroupCommand({ GroupName: g, Path: PATH }));
    await c.iam.send(new AttachGroupPolicyCommand({ GroupName: g, PolicyArn: RO }));
  }
  const users = Array.from({ length: n }, (_, i) => i);
  await pool(users, 24, async (i) => {
    const UserName = name(i);
    await c.iam.send(
      new CreateUserCommand({
        UserName,
        Path: PATH,
        Tags: [
          { Key: 'managed-by', Value: 'iam-gitops' },
          { Key: 'role', Value: 'engineer' },
        ],
      }),
    );
    await c.iam.send(new AddUserToGroupCommand({ UserName, GroupName: GROUPS[i % GROUPS.length] }));
    await c.iam.send(new AttachUserPolicyCommand({ UserName, PolicyArn: RO }));
    if (i % 2 === 0)
      await c.iam.send(new CreateLoginProfileCommand({ UserName, Password: 'Bench-only-1!pw' }));
  });
  return { seeded: n, seedMs: Date.now() - t0, seedCalls: c.calls.total() };
}

function config(): Config {
  const ro = { kind: 'aws' as const, name: 'ReadOnlyAccess', arn: RO };
  return testConfig({
    path: PATH,
    groups: Object.fromEntries(
      GROUPS.map((g) => [g, { policies: [ro], source: { file: 'iam-gitops.yml', line: 1 } }]),
    ),
    source: 'iam-gitops.yml',
  });
}

function desired(n: number): DesiredState {
  const users: DesiredUser[] = [];
  for (let i = 0; i < n + 10; i++) {
    const changed = i % 100 === 1;
    users.push({
      name: name(i),
      email: `${name(i)}@example.com`,
      groups: [GROUPS[i % GROUPS.length]!],
      policies: [{ kind: 'aws', name: 'ReadOnlyAccess', arn: RO }],
      // 1% of the users toggle their console login; the last 10 are new.
      console: changed ? i % 2 !== 0 : i % 2 === 0,
      tags: {},
      role: 'engineer',
      source: { file: 'users/team.csv', line: i + 2 },
    });
  }
  return { config: config(), users, policies: [] };
}

const ms = (t0: bigint): number => Number(process.hrtime.bigint() - t0) / 1e6;

async function plan(n: number): Promise<object> {
  const c = clients();
  const want = desired(n);
  const t0 = process.hrtime.bigint();
  const actual = await readActualState(c, want.config);
  const readMs = ms(t0);
  const t1 = process.hrtime.bigint();
  const result = diff(want, actual);
  const diffMs = ms(t1);
  const t2 = process.hrtime.bigint();
  const hash = planHash(result.operations, 'bench/iam');
  const hashMs = ms(t2);
  const t3 = process.hrtime.bigint();
  const comment = renderMarkdown({
    plan: {
      hash,
      changes: result.operations,
      findings: [],
      stats: { awsCalls: c.calls.snapshot() },
      errors: result.errors,
      offline: false,
      accountId: actual.accountId,
      unchanged: result.unchanged,
    },
    head: 'bench',
    base: 'bench',
    plannedAt: new Date(0).toISOString(),
  });
  const renderMs = ms(t3);
  return {
    users: actual.users.length,
    operations: result.operations.length,
    errors: result.errors.length,
    readMs: Math.round(readMs),
    diffMs: Math.round(diffMs),
    hashMs: Math.round(hashMs),
    renderMs: Math.round(renderMs),
    totalMs: Math.round(ms(t0)),
    commentChars: comment.body.length,
    commentTier: comment.tier,
    calls: c.calls.total(),
    callsByOperation: c.calls.snapshot(),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
}

/** What a reader without the bulk calls does: four calls per user after listing them. */
async function naive(n: number): Promise<object> {
  const c = clients();
  const t0 = process.hrtime.bigint();
  const names: string[] = [];
  for await (const page of paginateListUsers({ client: c.iam }, { PathPrefix: PATH })) {
    for (const u of page.Users ?? []) names.push(u.UserName!);
  }
  let consoles = 0;
  await pool(names, 16, async (UserName) => {
    await c.iam.send(new GetUserCommand({ UserName }));
    for await (const _ of paginateListAttachedUserPolicies({ client: c.iam }, { UserName })) void _;
    for await (const _ of paginateListGroupsForUser({ client: c.iam }, { UserName })) void _;
    try {
      await c.iam.send(new GetLoginProfileCommand({ UserName }));
      consoles++;
    } catch (err) {
      if (errorCode(err) !== 'NoSuchEntity') throw err;
    }
  });
  return {
    users: names.length,
    consoles,
    naiveMs: Math.round(ms(t0)),
    naiveCalls: c.calls.total(),
    naiveCallsByOperation: c.calls.snapshot(),
    expected: n,
  };
}

/**
 * The apply as it was before it reused the plan's read: every step re-reads existence, ownership
 * and state from AWS (the handlers' path when the context carries no ActualState).
 */
async function applyRereading(dir: string): Promise<object> {
  const c = clients();
  const r = await runPlan({ dir, repo: 'bench/iam', offline: false, clients: c });
  if (!r.ok) throw new Error(`invalid bench repository ${dir}`);
  const before = c.calls.total();
  const report = await applyPlan(r.plan, {
    clients: c,
    accountId: r.plan.accountId,
    region: c.region,
    desired: r.desired,
    maskSecret: () => {},
    log: () => {},
  });
  const calls = c.calls.total() - before;
  return {
    ok: report.ok,
    created: report.createdUsers.length,
    rereadCalls: calls,
    rereadPerUser: Math.round((calls / Math.max(1, report.createdUsers.length)) * 100) / 100,
    rereadByType: report.calls?.byType,
  };
}

const [cmd, arg] = process.argv.slice(2);
const n = Number(arg);
const run =
  cmd === 'seed'
    ? seed
    : cmd === 'plan'
      ? plan
      : cmd === 'naive'
        ? naive
        : cmd === 'apply-rereading'
          ? () => applyRereading(arg!)
          : null;
if (!run || (cmd !== 'apply-rereading' && !Number.isInteger(n))) {
  process.stderr.write('usage: driver <seed|plan|naive> <users> | apply-rereading <dir>\n');
  process.exit(2);
}
run(n).then(
  (out) => process.stdout.write(JSON.stringify(out) + '\n'),
  (err: unknown) => {
    process.stderr.write(
      `bench driver failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
