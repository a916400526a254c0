import type { CliArgs } from './args.js';

export async function planCommand(_args: CliArgs): Promise<number> {
  process.stderr.write('error: plan is not implemented yet\n');
  return 1;
}
