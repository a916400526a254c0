/** Command-line parsing: every command takes only its own flags; a typo is an error, never ignored. */
import { parseArgs, UsageError } from '../../../src/commands/args.js';
import { runCli, USAGE } from '../../../src/commands/dispatch.js';
import { commandHelp } from '../../../src/commands/help.js';

function usageError(argv: string[]): UsageError {
  try {
    parseArgs(argv);
  } catch (err) {
    if (err instanceof UsageError) return err;
    throw err;
  }
  throw new Error(`parseArgs accepted ${JSON.stringify(argv)}`);
}

async function cli(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => void (out += t), err: (t) => void (err += t) });
  return { code, out, err };
}

test('a mistyped flag is refused with a did-you-mean and the valid flags, before any command runs', async () => {
  // `apply --plan-hsh deadbeef` once applied the fresh plan: the typo was ignored.
  expect(usageError(['apply', '--plan-hsh', 'deadbeef']).message).toBe(
    "unknown option '--plan-hsh' for apply; did you mean '--plan-hash'?",
  );
  const r = await cli(['apply', '--plan-hsh', 'deadbeef', '--dir', '/nonexistent']);
  expect(r.code).toBe(1);
  expect(r.out).toBe('');
  const lines = r.err.trimEnd().split('\n');
  expect(lines).toEqual([
    "error: unknown option '--plan-hsh' for apply; did you mean '--plan-hash'?",
    'usage: iam-gitops apply [--plan-hash <hash>] [--approved-plan <plan.json>] [--yes] [--allow-lint-errors] [--verbose] [--account <name>] [--dir <path>] [--debug] [--help] [--version]',
  ]);
});

test.each([
  [['validate', '--offline'], 'validate does not take --offline (plan does)'],
  [['validate', '--format', 'json'], 'validate does not take --format (lint, plan, drift, report do)'],
  [['lint', '--offline'], 'lint does not take --offline (plan does)'],
  [['drift', '--base', 'main'], 'drift does not take --base (lint, plan do)'],
  [['plan', '--yes'], 'plan does not take --yes (apply does)'],
  [['drift', '--offline'], 'drift does not take --offline (plan does)'],
  [['apply', '--offline'], 'apply does not take --offline (plan does)'],
  [['apply', '--format=json'], 'apply does not take --format (lint, plan, drift, report do)'],
  [['plan', '--ofline'], "unknown option '--ofline' for plan; did you mean '--offline'?"],
  [['plan', '--keep-path'], 'plan does not take --keep-path (import does)'],
  [['import', '--format', 'json'], 'import does not take --format (lint, plan, drift, report do)'],
  [['import', '--dryrun'], "unknown option '--dryrun' for import; did you mean '--dry-run'?"],
  [['report', '--offline'], 'report does not take --offline (plan does)'],
  [['lint', '--fromat', 'json'], "unknown option '--fromat' for lint; did you mean '--format'?"],
  [['apply', '-y'], "unknown option '-y' for apply"],
  [
    ['apply', '--allow-lint-error'],
    "unknown option '--allow-lint-error' for apply; did you mean '--allow-lint-errors'?",
  ],
])('per-command flags: %j is refused', (argv, message) => {
  const e = usageError(argv);
  expect(e.message).toBe(message);
  expect(e.command).toBe(argv[0]);
});

test('extra positional arguments are refused, wherever they are', () => {
  expect(usageError(['plan', 'extra']).message).toBe(
    "unexpected argument 'extra': plan takes no positional arguments",
  );
  expect(usageError(['apply', '--yes', 'now']).message).toBe(
    "unexpected argument 'now': apply takes no positional arguments",
  );
  // `--offline` takes no value, so the word after it is an extra argument, not its value.
  expect(usageError(['plan', '--offline', 'true']).message).toBe(
    "unexpected argument 'true': plan takes no positional arguments",
  );
});

test('--flag=value and --flag value both work, before or after the command', () => {
  const a = parseArgs(['apply', '--plan-hash=abc', '--dir', 'repo', '--approved-plan', 'p.json', '--yes']);
  expect(a).toMatchObject({
    command: 'apply',
    planHash: 'abc',
    dir: 'repo',
    approvedPlan: 'p.json',
    yes: true,
  });
  expect(parseArgs(['--dir=x', 'plan', '--format=json', '--offline'])).toMatchObject({
    command: 'plan',
    dir: 'x',
    format: 'json',
    offline: true,
  });
  expect(parseArgs(['--dir', 'x', 'lint', '--base', 'main'])).toMatchObject({
    command: 'lint',
    dir: 'x',
    base: 'main',
  });
  expect(parseArgs(['apply', '--allow-lint-errors'])).toMatchObject({ allowLintErrors: true, yes: false });
  // A value may contain '=' when given inline.
  expect(parseArgs(['lint', '--base=refs/x=y']).base).toBe('refs/x=y');
});

test('import and report take their own flags', () => {
  expect(
    parseArgs([
      'import',
      '--users',
      'alice,bob',
      '--keep-path',
      '--email-tag=mail',
      '--emails',
      'e.csv',
      '--dry-run',
    ]),
  ).toMatchObject({
    command: 'import',
    users: 'alice,bob',
    keepPath: true,
    emailTag: 'mail',
    emails: 'e.csv',
    dryRun: true,
    all: false,
  });
  expect(parseArgs(['report', '--format', 'csv'])).toMatchObject({ command: 'report', format: 'csv' });
});

test('a flag that needs a value and gets none is an error; a switch given a value is one too', () => {
  expect(usageError(['apply', '--plan-hash']).message).toBe('--plan-hash needs a value: --plan-hash <hash>');
  expect(usageError(['apply', '--plan-hash=']).message).toBe('--plan-hash needs a value: --plan-hash <hash>');
  expect(usageError(['apply', '--plan-hash', '--yes']).message).toBe(
    '--plan-hash needs a value: --plan-hash <hash>',
  );
  expect(usageError(['plan', '--dir']).message).toBe('--dir needs a value: --dir <path>');
  expect(usageError(['apply', '--yes=no']).message).toBe("--yes takes no value (got 'no')");
  expect(usageError(['plan', '--offline=false']).message).toBe("--offline takes no value (got 'false')");
});

test('a value flag given twice is an error: which hash was meant is not guessed', () => {
  expect(usageError(['apply', '--plan-hash', 'a', '--plan-hash=b']).message).toBe(
    '--plan-hash is given twice; give it once',
  );
});

test('an unknown command gets a did-you-mean and exit 1; --help prints the usage and exits 0', async () => {
  expect(usageError(['aply']).message).toBe(
    "unknown command 'aply'; did you mean 'apply'? (commands: validate, lint, plan, apply, drift, import, report)",
  );
  const r = await cli(['plna', '--offline']);
  expect(r).toEqual({
    code: 1,
    out: '',
    err:
      "error: unknown command 'plna'; did you mean 'plan'? (commands: validate, lint, plan, apply, drift, import, report)\n" +
      'run `iam-gitops --help` for the commands and their options\n',
  });
  expect(await cli(['--help'])).toEqual({ code: 0, out: USAGE, err: '' });
  // A command's --help is its own (test/unit/cli/manners.test.ts).
  expect(await cli(['apply', '-h'])).toMatchObject({ code: 0, out: commandHelp('apply'), err: '' });
  expect(await cli([])).toEqual({ code: 1, out: '', err: USAGE });
});

test('the usage text names every flag of every command, the confirmation rule and the exit codes', () => {
  for (const flag of ['--plan-hash <hash>', '--approved-plan <plan.json>', '--yes', '--allow-lint-errors']) {
    expect(USAGE).toContain(flag);
  }
  expect(USAGE).toMatch(/lint options:\n {2}--format <text\|json\|sarif>.*\n {2}--base <git-ref>/);
  expect(USAGE).toMatch(/plan options:\n {2}--offline.*\n {2}--format <text\|markdown\|json>/);
  expect(USAGE).not.toMatch(/validate options:/);
  expect(USAGE).toContain("applies only when you answer 'yes'");
  expect(USAGE).toMatch(/plan +plan against the live account +exit 0 no changes, 2 changes, 1 error/);
});

test('hostile text in the arguments is neutralized in the usage error', async () => {
  const r = await cli(['plan', '--x\n::add-mask::y']);
  expect(r.code).toBe(1);
  expect(r.err.split('\n').some((l) => /^\s*::/.test(l))).toBe(false);
});
