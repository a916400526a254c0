/**
 * `iam-gitops validate`: parse and check every file; exit 0 valid, 1 invalid (SPEC §4). The
 * diagnostics go to stderr and the summary line to stdout, so `validate > result` keeps the verdict.
 */
import { loadDesired } from '../desired/index.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { dirIsRepo, type CliArgs } from './args.js';
import { terminalColours, type Colours } from './colour.js';
import { guarded } from './output.js';

export interface ValidateIo {
  /** The summary line; stdout by default. */
  out: (text: string) => void;
  /** The diagnostics; stderr by default. */
  err: (text: string) => void;
  colour?: Colours;
}

export async function validateCommand(
  args: CliArgs,
  rawIo: ValidateIo = {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    colour: terminalColours(),
  },
): Promise<number> {
  const io = guarded(rawIo);
  if (!(await dirIsRepo(args, io))) return 1;
  const result = await loadDesired(args.dir);
  let errors = 0;
  let warnings = 0;
  for (const d of result.diagnostics) {
    if (d.severity === 'error') errors++;
    else warnings++;
    io.err(formatDiagnostic(d) + '\n');
  }
  const n = result.files.length;
  io.out(
    `${n} file${n === 1 ? '' : 's'} checked: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}\n`,
  );
  return errors > 0 ? 1 : 0;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
