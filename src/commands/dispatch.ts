/**
 * The command line's entry (SPEC §4): parses the arguments, prints usage errors and help, and runs
 * the command. Separate from src/cli.ts so that tests can run it with their own writers.
 */
import { errorMessage } from '../aws/clients.js';
import { neutralize } from '../safe-text.js';
import { VERSION } from '../version.js';
import { COMMANDS, flagHelp, flagList, parseArgs, UsageError, type CliArgs } from './args.js';
import { commandHelp } from './help.js';
// Static imports: ncc would split dynamic imports into extra chunk files next to the bundle.
import { applyCommand } from './apply.js';
import { driftCommand } from './drift.js';
import { importCommand } from './import.js';
import { lintCommand } from './lint.js';
import { planCommand } from './plan.js';
import { reportCommand } from './report.js';
import { validateCommand } from './validate.js';

const SUMMARY: Record<string, string> = {
  validate: 'parse and check every file             exit 0 valid, 1 invalid',
  lint: 'least-privilege lint                   exit 0, or 1 when findings reach lint.failOn',
  plan: 'plan against the live account          exit 0 no changes, 2 changes, 1 error',
  apply: 'apply the plan (see below)             exit 0 applied or nothing to do, 1 error or refused',
  drift: 'the files against live AWS             exit 0 no drift, 2 drift, 1 error',
  import: "the account's users into the files     exit 0 written, 1 error or refused",
  report: 'who has what, CIS identity checks      exit 0 clean, 2 failed checks or errors, 1 error',
};

export const USAGE = [
  'usage: iam-gitops <command> [options]',
  "       iam-gitops <command> --help    (the command's options, exit codes and an example)",
  '       iam-gitops --version',
  '',
  'commands:',
  ...COMMANDS.map((c) => `  ${c.padEnd(10)} ${SUMMARY[c]}`),
  '',
  ...COMMANDS.flatMap((c) => {
    const lines = flagHelp(c);
    return lines.length ? [`${c} options:`, ...lines, ''] : [];
  }),
  'options of every command:',
  ...flagHelp(undefined),
  '',
  'apply changes IAM only with an approval. With --plan-hash or --approved-plan it applies the',
  'fresh plan only if its hash is the approved one (a refusal lists what differs from the file).',
  'With --yes it applies the fresh plan as it is. With neither, on a terminal it prints the plan',
  "and applies only when you answer 'yes'; without a terminal (CI, a pipe) it refuses. Lint",
  'findings at lint.failOn refuse it unless --allow-lint-errors. A refusal changes nothing in AWS.',
  '',
  'Options are --flag value or --flag=value. An option the command does not take, or any extra',
  'argument, is an error (exit 1).',
  '',
].join('\n');

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs one command line and returns its exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let args: CliArgs;
  try {
    args = parseArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    const usage = err.command
      ? `usage: iam-gitops ${err.command} [${flagList(err.command).split(', ').join('] [')}]`
      : 'run `iam-gitops --help` for the commands and their options';
    io.err(neutralize(`error: ${err.message}\n${usage}\n`));
    return 1;
  }
  if (args.help) {
    io.out(neutralize(args.command ? commandHelp(args.command) : USAGE));
    return 0;
  }
  if (args.version) {
    io.out(`iam-gitops ${VERSION}\n`);
    return 0;
  }
  if (!args.command) {
    io.err(USAGE);
    return 1;
  }
  switch (args.command) {
    case 'validate':
      return validateCommand(args);
    case 'lint':
      return lintCommand(args);
    case 'plan':
      return planCommand(args);
    case 'apply':
      return applyCommand(args);
    case 'drift':
      return driftCommand(args);
    case 'import':
      return importCommand(args);
    case 'report':
      return reportCommand(args);
  }
  // parseArgs accepts only the commands above.
  throw new Error(`no handler for command '${args.command}'`);
}

/** The top level: an unexpected error becomes one neutralized line (and, with --debug, its stack). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    return await runCli(argv, io);
  } catch (err) {
    io.err(neutralize(`error: ${errorMessage(err)}\n`));
    if (argv.includes('--debug') && err instanceof Error && err.stack) io.err(neutralize(err.stack + '\n'));
    return 1;
  }
}
