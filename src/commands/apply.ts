import type { CliArgs } from './args.js';

export async function applyCommand(_args: CliArgs): Promise<number> {
  process.stderr.write('error: apply is not implemented yet\n');
  return 1;
}
