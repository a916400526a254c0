/** Command-line arguments shared by every command. */
import { stat } from 'node:fs/promises';

export interface CliArgs {
  command: string | undefined;
  dir: string;
  debug: boolean;
  help: boolean;
  format: string | undefined;
  base: string | undefined;
  offline: boolean;
  planHash: string | undefined;
  /** Anything else, for commands that take more. */
  rest: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[]): CliArgs {
  const args: CliArgs = {
    command: undefined,
    dir: '.',
    debug: false,
    help: false,
    format: undefined,
    base: undefined,
    offline: false,
    planHash: undefined,
    rest: [],
  };
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] =
      a.startsWith('--') && a.includes('=')
        ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)]
        : [a, undefined];
    const take = (): string => (inline !== undefined ? inline : value(i++, flag));
    switch (flag) {
      case '--dir':
        args.dir = take();
        break;
      case '--format':
        args.format = take();
        break;
      case '--base':
        args.base = take();
        break;
      case '--plan-hash':
        args.planHash = take();
        break;
      case '--offline':
        args.offline = true;
        break;
      case '--debug':
        args.debug = true;
        break;
      case '-h':
      case '--help':
        args.help = true;
        break;
      default:
        if (!a.startsWith('-') && args.command === undefined) args.command = a;
        else args.rest.push(a);
    }
  }
  return args;
}

/** The AWS region from the environment, as the SDK reads it; us-east-1 when unset. */
export function regionOf(env: NodeJS.ProcessEnv): string {
  return env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
}

/** Every command reads the repository at `--dir`; false, after saying so on `io.err`, when it is not a directory. */
export async function dirIsRepo(args: CliArgs, io: { err(text: string): void }): Promise<boolean> {
  const isDir = await stat(args.dir).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDir) io.err(`error: --dir '${args.dir}' is not a directory; point --dir at the repository root\n`);
  return isDir;
}
