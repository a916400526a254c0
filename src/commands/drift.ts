import type { CliArgs } from './args.js';

export async function driftCommand(_args: CliArgs): Promise<number> {
  process.stderr.write('error: drift is not implemented yet\n');
  return 1;
}
