/**
 * Command-line arguments. Each command has its own set of flags; anything else (a typo such as
 * `--plan-hsh`, a flag of another command, a stray word) is a usage error, never ignored: an
 * ignored `--plan-hash` typo would apply an unreviewed plan.
 */
import { stat } from 'node:fs/promises';
import { closest } from '../suggest.js';

export interface CliArgs {
  command: string | undefined;
  dir: string;
  debug: boolean;
  help: boolean;
  format: string | undefined;
  base: string | undefined;
  offline: boolean;
  planHash: string | undefined;
  approvedPlan: string | undefined;
  yes: boolean;
  allowLintErrors: boolean;
  version: boolean;
  verbose: boolean;
  /** import: which users, and how. */
  path: string | undefined;
  users: string | undefined;
  all: boolean;
  keepPath: boolean;
  emailTag: string | undefined;
  emails: string | undefined;
  dryRun: boolean;
  /** plan, apply, drift, report on a multi-account repository: these accounts only (default all). */
  accounts: string[];
}

export class UsageError extends Error {
  constructor(
    message: string,
    /** The command whose flags the message lists, when one was recognised. */
    readonly command?: string,
  ) {
    super(message);
  }
}

interface FlagSpec {
  /** Placeholder for the value (`--dir <path>`); absent for a switch. */
  value?: string;
  help: string;
  /** May be given more than once (each value is collected). */
  repeat?: boolean;
}

const COMMON: Record<string, FlagSpec> = {
  '--dir': { value: 'path', help: 'repository root (default .)' },
  '--debug': { help: 'print stack traces' },
  '--help': { help: 'print this help' },
  '--version': { help: 'print the version and exit' },
};

const FORMAT = (formats: string): FlagSpec => ({ value: formats, help: 'output format (default text)' });

const ACCOUNT: FlagSpec = {
  value: 'name',
  help: 'with accounts: or organization:, this account only (repeat for more; default all)',
  repeat: true,
};

/** The flags of each command, besides the common ones. */
export const COMMAND_FLAGS: Record<string, Record<string, FlagSpec>> = {
  validate: {},
  lint: {
    '--format': FORMAT('text|json|sarif'),
    '--base': { value: 'git-ref', help: 'add the per-user permission diff against this revision' },
  },
  plan: {
    '--offline': { help: 'plan against an empty account; no AWS access' },
    '--format': FORMAT('text|markdown|json'),
    '--base': {
      value: 'git-ref',
      help: 'add the blast radius: per-user permission gains and losses since this revision',
    },
    '--account': ACCOUNT,
  },
  apply: {
    '--plan-hash': { value: 'hash', help: 'apply only if the fresh plan has this hash' },
    '--approved-plan': {
      value: 'plan.json',
      help: 'the reviewed `plan --format json` output; its hash must match',
    },
    '--yes': { help: 'apply the fresh plan without asking (no hash pinned)' },
    '--allow-lint-errors': { help: 'apply even when lint findings reach lint.failOn' },
    '--verbose': { help: 'log every operation as it runs (default: the summary and the failures)' },
    '--account': ACCOUNT,
  },
  drift: {
    '--format': FORMAT('text|markdown|json'),
    '--account': ACCOUNT,
  },
  import: {
    '--all': { help: 'import every user of the account' },
    '--path': { value: 'prefix', help: 'import the users whose IAM path starts with this' },
    '--users': { value: 'a,b', help: 'import these users (comma-separated)' },
    '--keep-path': { help: 'adopt users, groups and policies outside `path` where they are (adoptPaths)' },
    '--email-tag': { value: 'key', help: 'the user tag that holds the e-mail address (default email)' },
    '--emails': { value: 'file.csv', help: 'a username,email CSV for users without the tag' },
    '--dry-run': { help: 'print what would be written; write nothing' },
  },
  report: {
    '--format': FORMAT('text|markdown|json|csv'),
    '--account': ACCOUNT,
  },
};

export const COMMANDS = Object.keys(COMMAND_FLAGS);

function flagsOf(command: string | undefined): Record<string, FlagSpec> {
  return { ...(command ? COMMAND_FLAGS[command] : {}), ...COMMON };
}

/** `--plan-hash <hash>, --yes, …`: the flags a command takes, for usage errors and help. */
export function flagList(command: string | undefined): string {
  return Object.entries(flagsOf(command))
    .map(([f, s]) => (s.value ? `${f} <${s.value}>` : f))
    .join(', ');
}

/** One line per flag of `command` (undefined: the flags of every command), for the usage text. */
export function flagHelp(command: string | undefined): string[] {
  return Object.entries(command ? (COMMAND_FLAGS[command] ?? {}) : COMMON).map(([f, s]) => {
    const name = f === '--help' ? '-h, --help' : s.value ? `${f} <${s.value}>` : f;
    return `  ${name.padEnd(30)} ${s.help}`;
  });
}

const FIELD: Record<string, keyof CliArgs> = {
  '--dir': 'dir',
  '--debug': 'debug',
  '--help': 'help',
  '--format': 'format',
  '--base': 'base',
  '--offline': 'offline',
  '--plan-hash': 'planHash',
  '--approved-plan': 'approvedPlan',
  '--yes': 'yes',
  '--allow-lint-errors': 'allowLintErrors',
  '--version': 'version',
  '--verbose': 'verbose',
  '--all': 'all',
  '--path': 'path',
  '--users': 'users',
  '--keep-path': 'keepPath',
  '--email-tag': 'emailTag',
  '--emails': 'emails',
  '--dry-run': 'dryRun',
  '--account': 'accounts',
};

/**
 * The first word that is not a flag or a flag's value is the command; flags may come before or
 * after it, as `--flag value` or `--flag=value`. Throws UsageError for anything the command does
 * not take.
 */
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
    approvedPlan: undefined,
    yes: false,
    allowLintErrors: false,
    version: false,
    verbose: false,
    path: undefined,
    users: undefined,
    all: false,
    keepPath: false,
    emailTag: undefined,
    emails: undefined,
    dryRun: false,
    accounts: [],
  };
  // First pass: find the command, so that flag errors can name the command's own flags.
  const command = findCommand(argv);
  if (command !== undefined && !COMMAND_FLAGS[command]) {
    const hint = closest(command, COMMANDS);
    throw new UsageError(
      `unknown command '${command}'${hint ? `; did you mean '${hint}'?` : ''} (commands: ${COMMANDS.join(', ')})`,
    );
  }
  args.command = command;
  const valid = flagsOf(command);
  const seen = new Set<string>();
  const who = command ?? 'iam-gitops';
  const at = commandIndex(argv);

  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) {
      if (i === at) continue;
      throw new UsageError(`unexpected argument '${a}': ${who} takes no positional arguments`, command);
    }
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const flag = a === '-h' ? '--help' : eq > 0 ? a.slice(0, eq) : a;
    const spec = valid[flag];
    if (!spec) throw new UsageError(unknownFlag(flag, command), command);
    if (seen.has(flag) && !spec.repeat) throw new UsageError(`${flag} is given twice; give it once`, command);
    seen.add(flag);
    const field = FIELD[flag]!;
    if (!spec.value) {
      if (eq > 0) throw new UsageError(`${flag} takes no value (got '${a.slice(eq + 1)}')`, command);
      (args as unknown as Record<string, unknown>)[field] = true;
      continue;
    }
    const v = eq > 0 ? a.slice(eq + 1) : argv[i + 1];
    if (v === undefined || v === '' || (eq < 0 && v.startsWith('-'))) {
      throw new UsageError(`${flag} needs a value: ${flag} <${spec.value}>`, command);
    }
    if (eq < 0) i++;
    if (spec.repeat) {
      const list = (args as unknown as Record<string, string[]>)[field]!;
      if (list.includes(v)) throw new UsageError(`${flag} ${v} is given twice; give it once`, command);
      list.push(v);
      continue;
    }
    (args as unknown as Record<string, unknown>)[field] = v;
  }
  return args;
}

/** Index of the command word: the first argument that is neither a flag nor a value flag's value. */
function commandIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-')) return i;
    // A value flag of any command, written `--flag value`, consumes the next word.
    if (!a.includes('=') && takesValue(a)) i++;
  }
  return -1;
}

function findCommand(argv: string[]): string | undefined {
  const i = commandIndex(argv);
  return i < 0 ? undefined : argv[i];
}

function takesValue(flag: string): boolean {
  return Object.values(COMMAND_FLAGS)
    .concat(COMMON)
    .some((flags) => flags[flag]?.value !== undefined);
}

function unknownFlag(flag: string, command: string | undefined): string {
  const who = command ?? 'iam-gitops';
  const own = Object.keys(flagsOf(command));
  const elsewhere = COMMANDS.filter((c) => c !== command && COMMAND_FLAGS[c]![flag]);
  // A flag of another command is no typo: suggesting a near name of this command would mislead.
  const hint = elsewhere.length > 0 ? undefined : closest(flag, own);
  const reason =
    elsewhere.length > 0
      ? `${who} does not take ${flag} (${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'does' : 'do'})`
      : `unknown option '${flag}' for ${who}`;
  return `${reason}${hint ? `; did you mean '${hint}'?` : ''}`;
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
