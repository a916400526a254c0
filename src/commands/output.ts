/**
 * The commands' writers. Whatever a command prints may quote the repository's files, so every
 * write passes through neutralize() (src/safe-text.ts): a crafted CSV cell or policy string can
 * never become a workflow command when the CLI runs in a GitHub job, whoever supplied the writer.
 * Colours (src/commands/colour.ts) are added after that, on a terminal only.
 */
import { neutralize } from '../safe-text.js';
import { paint, type Colours } from './colour.js';

interface Writers {
  out?: (text: string) => void;
  err: (text: string) => void;
  /** Which writers go to a terminal that wants colours; none when absent. */
  colour?: Colours;
  /** Progress lines on stderr (a terminal); none when absent. */
  progress?: boolean;
}

export interface GuardOptions {
  /** stdout carries data (JSON, SARIF, markdown) that must stay exactly as rendered: never coloured. */
  data?: boolean;
}

export function guarded<T extends Writers>(io: T, opts: GuardOptions = {}): T {
  const errPaint = io.colour?.err ? paint : (t: string) => t;
  const outPaint = io.colour?.out && !opts.data ? paint : (t: string) => t;
  const safe: T = { ...io, err: (t: string) => io.err(errPaint(neutralize(t))) };
  const out = io.out;
  if (out) safe.out = (t: string) => out(outPaint(neutralize(t)));
  return safe;
}

/** A progress line on stderr when the writers ask for progress (stderr is a terminal). */
export function progress(io: Writers, line: string): void {
  if (io.progress) io.err(line + '\n');
}
