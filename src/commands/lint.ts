import type { CliArgs } from './args.js';

export async function lintCommand(_args: CliArgs): Promise<number> {
  process.stderr.write('error: lint is not implemented yet\n');
  return 1;
}
