/**
 * The lint gate of `apply`, one account or many: findings at `lint.failOn` refuse the apply
 * before the first AWS write, unless `--allow-lint-errors`, which only turns the refusal into a warning.
 */
import type { Finding } from '../model/finding.js';
import { plural } from '../plan/view.js';

const finding = (f: Finding): string =>
  `  ${f.severity} ${f.rule} ${f.file}:${f.line}${f.user ? ` (user ${f.user})` : ''}: ${f.message.split('\n')[0]}\n`;

/** Reports the failing findings on `err`; true when the apply must stop. */
export function lintRefuses(
  failing: Finding[],
  failOn: string,
  allowLintErrors: boolean,
  err: (text: string) => void,
): boolean {
  if (failing.length === 0) return false;
  const what = `${plural(failing.length, 'lint finding')} at lint.failOn: ${failOn}`;
  if (!allowLintErrors) {
    err(
      `error: refused: ${what}; nothing was applied. Fix them (see \`iam-gitops lint\`), or pass --allow-lint-errors to apply anyway:\n`,
    );
    for (const f of failing) err(finding(f));
    return true;
  }
  err(`warning: applying despite ${what}, because --allow-lint-errors was given:\n`);
  for (const f of failing) err(finding(f));
  return false;
}
