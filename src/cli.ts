/**
 * The command line (SPEC §4): `iam-gitops <validate|lint|plan|apply|drift|import|report> [options]`.
 * Each command lives in src/commands/<name>.ts and returns its exit code; src/commands/dispatch.ts
 * parses the arguments and picks it.
 */
import { main } from './commands/dispatch.js';

process.exitCode = await main(process.argv.slice(2), {
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
});
