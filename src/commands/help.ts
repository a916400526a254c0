/**
 * `iam-gitops <command> --help`: what the command does, its options (from the flag table in
 * args.ts, so help and parsing never disagree), its exit codes and an example. A command without
 * an entry here still gets its options and a pointer to the general help.
 */
import { flagHelp } from './args.js';

interface CommandHelp {
  /** One paragraph, already wrapped. */
  about: string[];
  exits: Array<[code: number, meaning: string]>;
  examples: string[];
}

export const COMMAND_HELP: Record<string, CommandHelp> = {
  validate: {
    about: [
      'Parses and checks every file (iam-gitops.yml, users/*.csv, policies/*.json) against every',
      'rule of the format. Problems go to stderr as `file:line:col: error: message` with the fix;',
      'the summary line goes to stdout. No AWS access.',
    ],
    exits: [
      [0, 'valid (warnings allowed)'],
      [1, 'invalid, or a usage error'],
    ],
    examples: ['iam-gitops validate --dir ./aws-users'],
  },
  lint: {
    about: [
      'Least-privilege lint of every policy and of every user’s combined permissions. With',
      '--base, adds per user the actions gained and lost since that revision. No AWS access.',
    ],
    exits: [
      [0, 'no finding reaches lint.failOn'],
      [1, 'findings reach lint.failOn, invalid files, or a usage error'],
    ],
    examples: ['iam-gitops lint --base origin/main', 'iam-gitops lint --format sarif > lint.sarif'],
  },
  plan: {
    about: [
      'Plans the files against the live account (read-only calls; AWS credentials from the',
      'standard chain), or against an empty account with --offline. Progress goes to stderr on a',
      'terminal; the plan goes to stdout. With accounts: or organization: in iam-gitops.yml, one',
      'section per account (--account for some) and the combined hash that apply takes;',
      '--format markdown is then the pull request comment (--base only with it).',
    ],
    exits: [
      [0, 'no changes'],
      [1, 'error (invalid files, AWS error, a plan that cannot be applied)'],
      [2, 'changes'],
    ],
    examples: ['iam-gitops plan', 'iam-gitops plan --format json > plan.json'],
  },
  apply: {
    about: [
      'Plans afresh and changes IAM only with an approval: --plan-hash or --approved-plan (the',
      'fresh plan must have that hash), --yes, or a `yes` typed at a terminal. Lint findings at',
      'lint.failOn refuse it unless --allow-lint-errors. Every refusal happens before the first',
      'AWS write. Prints the summary and the failures; --verbose logs every operation. On a',
      'terminal, stderr shows progress as [n/N] per operation. With many accounts: the combined',
      "hash, or with one --account that section's hash; a failed account is reported, the others",
      'are applied, and `--account <name>` retries it.',
    ],
    exits: [
      [0, 'applied, or nothing to do'],
      [1, 'error, refused, or an operation failed (re-run to finish)'],
    ],
    examples: [
      'iam-gitops plan --format json > plan.json   # review it, then:',
      'iam-gitops apply --approved-plan plan.json',
      'iam-gitops apply --account dev --approved-plan plan.json   # one account of a reviewed plan',
    ],
  },
  drift: {
    about: [
      'The files against the live account, worded as drift: what changed in AWS outside the',
      'reviewed flow. Read-only.',
    ],
    exits: [
      [0, 'no drift'],
      [1, 'error'],
      [2, 'drift'],
    ],
    examples: ['iam-gitops drift --format markdown'],
  },
};

/** The help text of one command. */
export function commandHelp(command: string): string {
  const h = COMMAND_HELP[command];
  const own = flagHelp(command);
  const lines = [`usage: iam-gitops ${command} [options]`, ''];
  if (h) lines.push(...h.about, '');
  if (own.length) lines.push('options:', ...own, '');
  lines.push('options of every command:', ...flagHelp(undefined), '');
  if (h) {
    lines.push('exit codes:', ...h.exits.map(([c, m]) => `  ${c}  ${m}`), '');
    lines.push(h.examples.length === 1 ? 'example:' : 'examples:', ...h.examples.map((e) => `  ${e}`), '');
  } else lines.push('exit codes and more: iam-gitops --help', '');
  return lines.join('\n');
}
