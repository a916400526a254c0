import type { CliArgs } from './args.js';

export async function validateCommand(_args: CliArgs): Promise<number> {
  process.stderr.write('error: validate is not implemented yet\n');
  return 1;
}
