/**
 * The commands' writers. Whatever a command prints may quote the repository's files, so every
 * write passes through neutralize() (src/safe-text.ts): a crafted CSV cell or policy string can
 * never become a workflow command when the CLI runs in a GitHub job, whoever supplied the writer.
 */
import { neutralize } from '../safe-text.js';

interface Writers {
  out?: (text: string) => void;
  err: (text: string) => void;
}

export function guarded<T extends Writers>(io: T): T {
  const safe: T = { ...io, err: (t: string) => io.err(neutralize(t)) };
  const out = io.out;
  if (out) safe.out = (t: string) => out(neutralize(t));
  return safe;
}
