/**
 * The command line (SPEC §4): `iam-gitops <validate|lint|plan|apply|drift> [options]`.
 * Each command lives in src/commands/<name>.ts and returns its exit code.
 */
import { parseArgs } from './commands/args.js';
import { errorMessage } from './aws/clients.js';
// Static imports: ncc would split dynamic imports into extra chunk files next to the bundle.
import { validateCommand } from './commands/validate.js';
import { lintCommand } from './commands/lint.js';
import { planCommand } from './commands/plan.js';
import { applyCommand } from './commands/apply.js';
import { driftCommand } from './commands/drift.js';

const USAGE = `usage: iam-gitops <command> [options]

commands:
  validate                       parse and check every file            (exit 0 valid, 1 invalid)
  lint [--format text|json|sarif] [--base <git-ref>]
                                 least-privilege lint                  (exit 0, or 1 at lint.failOn)
  plan [--offline] [--format text|markdown|json]
                                 plan against the live account         (exit 0 none, 2 changes, 1 error)
  apply [--plan-hash <h>]        apply the plan                        (exit 0 applied, 1 error/refused)
  drift                          plan of the files against live AWS    (exit 0 none, 2 drift, 1 error)

options for every command:
  --dir <path>     repository root (default .)
  --debug          print stack traces
`;

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help || !args.command) {
    process.stdout.write(USAGE);
    return args.help ? 0 : 1;
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
    default:
      process.stderr.write(`error: unknown command '${args.command}'\n\n${USAGE}`);
      return 1;
  }
}

const debug = process.argv.includes('--debug');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`error: ${errorMessage(err)}\n`);
  if (debug && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
  process.exitCode = 1;
}
