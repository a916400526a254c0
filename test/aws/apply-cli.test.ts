/**
 * `apply` applies only what someone agreed to: a pinned hash (--plan-hash or --approved-plan), a
 * `yes` at a terminal, or --yes; lint at lint.failOn refuses unless --allow-lint-errors. Every
 * refusal is checked against the emulator: zero AWS writes.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ListUsersCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CallLog } from '../../src/aws/calls.js';
import { parseArgs } from '../../src/commands/args.js';
import { applyCommand, type ApplyIo } from '../../src/commands/apply.js';
import { runPlan } from '../../src/pipeline.js';
import { toPlanJson } from '../../src/plan/render-json.js';
import { iamGapsCapture } from '../harness/capture.js';
import { tempRepo, useMoto } from '../harness/use-moto.js';

const moto = useMoto();
// A verified sender: without it every plan is refused for the mail, which would hide the gate under test.
beforeEach(async () => {
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
});

const CONFIG = [
  'path: /iam-gitops/',
  'groups:',
  '  developers:',
  '    policies: [ReadOnlyAccess, dev-s3]',
  'email:',
  '  from: iam@example.com',
  'monitoring:',
  '  enabled: false',
  '',
].join('\n');
const policy = (actions: string[], resource: string): string =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: [resource] }],
  });
const CLEAN = policy(['s3:GetObject'], 'arn:aws:s3:::dev-bucket/*');
// iam:PassRole on every role is an error finding (passrole-star); lint.failOn defaults to error.
const PASSROLE_STAR = policy(['s3:GetObject', 'iam:PassRole'], '*');

function repo(rows: string[], policyText = CLEAN): string {
  return tempRepo('iam-gitops-apply-cli-', {
    'iam-gitops.yml': CONFIG,
    'policies/dev-s3.json': policyText,
    'users/team.csv': ['username,email,groups,console', ...rows, ''].join('\n'),
  });
}

const ALICE = 'alice,alice@example.com,developers,true';
const BOB = 'bob,bob@example.com,developers,false';

function harness(extra: Partial<ApplyIo> = {}) {
  const calls = new CallLog(undefined);
  const clients = moto.clients({ plugins: [iamGapsCapture().plugin], calls });
  const out: string[] = [];
  const err: string[] = [];
  const io: ApplyIo = {
    out: (t) => void out.push(t),
    err: (t) => void err.push(t),
    env: { AWS_REGION: 'us-east-1', GITHUB_REPOSITORY: 'acme/iam' },
    clients: () => clients,
    ...extra,
  };
  return { calls, clients, io, out: () => out.join(''), err: () => err.join('') };
}

/** A terminal whose user answers `answer` to every question; the questions are kept. */
function terminal(answer: string): Partial<ApplyIo> & { questions: string[] } {
  const questions: string[] = [];
  return {
    questions,
    terminal: true,
    ask: async (q) => {
      questions.push(q);
      return answer;
    },
  };
}

async function planFile(dir: string, approvedDir = dir): Promise<{ file: string; hash: string }> {
  const p = await runPlan({ dir: approvedDir, repo: 'acme/iam', offline: false, clients: moto.clients() });
  if (!p.ok) throw new Error('fixture repository is invalid');
  const file = path.join(dir, 'approved.json');
  writeFileSync(file, JSON.stringify(toPlanJson(p.plan)));
  return { file, hash: p.plan.hash };
}

const users = async (): Promise<string[]> =>
  ((await moto.clients().iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName!).sort();

test('--approved-plan alone enforces its hash: a changed plan is refused, listing what differs, zero writes', async () => {
  const dir = repo([ALICE, BOB]);
  const approved = await planFile(dir, repo([ALICE]));
  const h = harness();
  // Before: the file only explained a --plan-hash refusal, and apply ran the changed plan.
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--approved-plan', approved.file]), h.io)).toBe(
    1,
  );
  expect(h.err()).toMatch(
    new RegExp(
      `refused: the plan changed since it was approved \\(approved ${approved.hash}, now [0-9a-f]{64}\\)`,
    ),
  );
  expect(h.err()).toContain('+ new:     create user bob');
  expect(h.err()).not.toContain('create user alice');
  expect(h.calls.writes()).toEqual([]);
  expect(await users()).toEqual([]);
});

test('an --approved-plan without a hash, unreadable, or disagreeing with --plan-hash is refused before any AWS call', async () => {
  const dir = repo([ALICE]);
  const approved = await planFile(dir);
  const noHash = path.join(dir, 'no-hash.json');
  const { hash: _drop, ...rest } = JSON.parse(readFileSync(approved.file, 'utf8'));
  writeFileSync(noHash, JSON.stringify(rest));
  const cases: Array<[string[], string]> = [
    [['--approved-plan', noHash], `${noHash}: error: it has no plan hash`],
    [['--approved-plan', path.join(dir, 'missing.json')], 'error: not a plan from `plan --format json`'],
    [
      ['--approved-plan', approved.file, '--plan-hash', 'f'.repeat(64)],
      `error: --plan-hash ${'f'.repeat(64)} is not the hash of ${approved.file} (${approved.hash})`,
    ],
  ];
  for (const [flags, message] of cases) {
    const h = harness();
    expect(await applyCommand(parseArgs(['apply', '--dir', dir, ...flags]), h.io)).toBe(1);
    expect(h.err()).toContain(message);
    expect(h.err()).toContain('nothing was applied');
    expect(h.calls.total()).toBe(0);
  }
  expect(await users()).toEqual([]);
});

test('--approved-plan whose hash is the fresh plan applies it; with --plan-hash too, both must agree', async () => {
  const dir = repo([ALICE]);
  const approved = await planFile(dir);
  const h = harness();
  const argv = ['apply', '--dir', dir, '--approved-plan', approved.file, '--plan-hash', approved.hash];
  expect(await applyCommand(parseArgs(argv), h.io)).toBe(0);
  expect(h.err()).toBe('');
  expect(h.out()).toContain('Created users: alice');
  expect(await users()).toEqual(['alice']);
});

test('lint findings at lint.failOn refuse apply, naming them, with zero writes; --allow-lint-errors applies and says so', async () => {
  const dir = repo([ALICE], PASSROLE_STAR);
  const refused = harness();
  // Before: apply applied a repository whose lint fails.
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), refused.io)).toBe(1);
  expect(refused.err()).toMatch(
    /^error: refused: 1 lint finding at lint.failOn: error; nothing was applied/m,
  );
  expect(refused.err()).toMatch(/^ {2}error passrole-star policies\/dev-s3\.json:\d+: /m);
  expect(refused.err()).toContain('--allow-lint-errors');
  expect(refused.calls.writes()).toEqual([]);
  expect(await users()).toEqual([]);

  const allowed = harness();
  expect(
    await applyCommand(parseArgs(['apply', '--dir', dir, '--yes', '--allow-lint-errors']), allowed.io),
  ).toBe(0);
  expect(allowed.err()).toMatch(
    /^warning: applying despite 1 lint finding at lint.failOn: error, because --allow-lint-errors was given:\n {2}error passrole-star /m,
  );
  expect(await users()).toEqual(['alice']);
});

test('on a terminal apply shows the plan and asks once; any answer but yes writes nothing, yes applies', async () => {
  const dir = repo([ALICE, BOB]);
  for (const answer of ['no', 'y', 'YES', '', 'yes please']) {
    const t = terminal(answer);
    const h = harness(t);
    expect(await applyCommand(parseArgs(['apply', '--dir', dir]), h.io)).toBe(1);
    expect(t.questions).toHaveLength(1);
    expect(t.questions[0]).toMatch(
      /^\nApply these \d+ changes to account 123456789012\? Only 'yes' applies: $/,
    );
    expect(h.out()).toMatch(/^iam-gitops plan — account 123456789012\n/);
    expect(h.out()).toContain('+ user alice');
    expect(h.err()).toBe('Not applied: the answer was not `yes`; nothing was changed.\n');
    expect(h.calls.writes()).toEqual([]);
  }
  expect(await users()).toEqual([]);

  const t = terminal(' yes\n');
  const h = harness(t);
  expect(await applyCommand(parseArgs(['apply', '--dir', dir]), h.io)).toBe(0);
  expect(t.questions).toHaveLength(1);
  expect(h.out()).toContain('Created users: alice, bob');
  expect(await users()).toEqual(['alice', 'bob']);
});

test('on a terminal, --yes or a pinned hash applies without asking', async () => {
  const dir = repo([ALICE]);
  const { hash } = await planFile(dir);
  const t = terminal('no');
  const h = harness(t);
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--plan-hash', hash]), h.io)).toBe(0);
  expect(t.questions).toEqual([]);
  expect(await users()).toEqual(['alice']);

  const again = repo([ALICE, BOB]);
  const t2 = terminal('no');
  expect(await applyCommand(parseArgs(['apply', '--dir', again, '--yes']), harness(t2).io)).toBe(0);
  expect(t2.questions).toEqual([]);
  expect(await users()).toEqual(['alice', 'bob']);
});

test('without a terminal and without --yes or a hash, apply refuses before any AWS call, naming the flags', async () => {
  const dir = repo([ALICE]);
  // No terminal flag at all, an explicit false, and an `ask` that would say yes: all refused unasked.
  const cases: Array<Partial<ApplyIo>> = [
    {},
    { terminal: false },
    { terminal: false, ask: async () => 'yes' },
  ];
  for (const extra of cases) {
    const h = harness(extra);
    expect(await applyCommand(parseArgs(['apply', '--dir', dir]), h.io)).toBe(1);
    expect(h.err()).toMatch(/^error: refused: .*there is no terminal to ask on; pass --plan-hash <hash>/);
    expect(h.err()).toContain('--approved-plan <plan.json>');
    expect(h.err()).toContain('--yes');
    expect(h.calls.total()).toBe(0);
  }
  expect(await users()).toEqual([]);
});

describe('dist/cli.js', () => {
  const cli = path.resolve('dist/cli.js');
  const run = (args: string[]) => {
    const log = path.join(tempRepo('iam-gitops-calls-'), 'calls.jsonl');
    const r = spawnSync(process.execPath, [cli, ...args], {
      env: { ...process.env, ...moto.env(), GITHUB_REPOSITORY: 'acme/iam', IAM_GITOPS_CALL_LOG: log },
      encoding: 'utf8',
      stdio: ['pipe', 'pipe', 'pipe'], // stdin is a pipe: not a terminal
      input: 'yes\n',
    });
    const calls = existsSync(log)
      ? readFileSync(log, 'utf8')
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l) as { operation: string })
      : [];
    return { code: r.status, stderr: r.stderr, stdout: r.stdout, calls };
  };

  test('the bundle knows its version; no colour or progress through a pipe unless FORCE_COLOR asks for colour', async () => {
    const { version } = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(run(['--version'])).toMatchObject({ code: 0, stdout: `iam-gitops ${version}\n`, stderr: '' });
    const dir = repo([ALICE]);
    const r = spawnSync(process.execPath, [cli, 'apply', '--yes', '--dir', dir], {
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...moto.env(), GITHUB_REPOSITORY: 'acme/iam' },
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Created users: alice/);
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    expect(r.stderr).not.toMatch(/^\[\d+\/\d+\]/m);
    // FORCE_COLOR turns colours on through a pipe too; the summary line stays on stdout.
    const bad = repo(['bad name,b@example.com,developers,false']);
    const forced = spawnSync(process.execPath, [cli, 'validate', '--dir', bad], {
      env: { PATH: process.env.PATH, FORCE_COLOR: '1' },
      encoding: 'utf8',
    });
    expect(forced.status).toBe(1);
    expect(forced.stderr).toContain('users/team.csv:2:1: \u001b[31merror\u001b[0m: username');
    expect(forced.stdout).toMatch(/^\d+ files checked: 1 error, 0 warnings\n$/);
  });

  test('without a terminal, apply refuses and says which flag to pass; a flag typo is refused; zero AWS calls', async () => {
    expect(existsSync(cli)).toBe(true);
    const dir = repo([ALICE, BOB]);
    const bare = run(['apply', '--dir', dir]);
    expect(bare.code).toBe(1);
    expect(bare.stderr).toMatch(/no terminal to ask on; pass --plan-hash <hash>.*or --yes/);
    expect(bare.calls).toEqual([]);

    // The observed typo: `--plan-hsh deadbeef` used to apply every operation and exit 0.
    const typo = run(['apply', '--plan-hsh', 'deadbeef', '--dir', dir]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain(
      "error: unknown option '--plan-hsh' for apply; did you mean '--plan-hash'?",
    );
    expect(typo.calls).toEqual([]);
    expect(await users()).toEqual([]);
  });
});

test('the apply log is quiet by default (summary and failures), --verbose logs every operation, progress counts [n/N]', async () => {
  const dir = repo([ALICE, BOB]);
  const quiet = harness({ progress: true });
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes']), quiet.io)).toBe(0);
  // stdout: the report only, no per-operation line.
  expect(quiet.out()).toMatch(
    /^\n\d+ applied, 0 already done, 0 failed, 0 skipped\.\nCreated users: alice, bob\n/,
  );
  expect(quiet.out()).not.toMatch(/^✓ /m);
  // stderr: the plan phases, then one [n/N] line per operation, counted up to N.
  const progress = quiet
    .err()
    .split('\n')
    .filter((l) => /^\[\d+\/\d+\]/.test(l));
  const n = progress.length;
  expect(n).toBeGreaterThan(4);
  expect(progress.map((l) => l.slice(0, l.indexOf(']') + 1))).toEqual(
    Array.from({ length: n }, (_, i) => `[${i + 1}/${n}]`),
  );
  expect(progress).toContain(
    `[${progress.findIndex((l) => l.endsWith('create user alice')) + 1}/${n}] create user alice`,
  );
  expect(quiet.err()).toMatch(
    /^\[apply\] reading the files…\n\[apply\] linting…\n\[apply\] reading the account…\n\[apply\] planning…\n/,
  );

  // A second run does nothing; on a fresh account --verbose prints each operation and no progress without a terminal.
  await moto.reset();
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'iam@example.com' }));
  const verbose = harness();
  expect(await applyCommand(parseArgs(['apply', '--dir', dir, '--yes', '--verbose']), verbose.io)).toBe(0);
  expect(verbose.out()).toMatch(/^✓ create user alice$/m);
  expect(verbose.out().match(/^[✓=] /gm)).toHaveLength(n);
  expect(verbose.err()).toBe('');
});
