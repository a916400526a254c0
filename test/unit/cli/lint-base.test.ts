/** `lint --base`: the revision is handed to `git archive`, so it must never be read as a git option. */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from '../../../src/commands/args.js';
import { lintCommand } from '../../../src/commands/lint.js';

let repo: string;
beforeAll(() => {
  repo = mkdtempSync(path.join(tmpdir(), 'lint-base-'));
  mkdirSync(path.join(repo, 'users'));
  writeFileSync(path.join(repo, 'users/team.csv'), 'username,email\nalice,alice@example.com\n');
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], {
      cwd: repo,
      stdio: 'pipe',
    });
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'base');
});
afterAll(() => rmSync(repo, { recursive: true, force: true }));

test('a --base that starts with - is refused before git runs: `--output=<file>` would write that file', async () => {
  const target = path.join(repo, 'written-by-git');
  let err = '';
  const run = lintCommand(parseArgs(['lint', '--dir', repo, `--base=--output=${target}`]), {
    out: () => {},
    err: (t) => void (err += t),
  });
  const outcome = await run.then(
    () => new Error('lint ran'),
    (e: Error) => e,
  );
  expect(existsSync(target)).toBe(false);
  expect(outcome.message).toBe(
    `--base '--output=${target}' starts with '-', which git reads as an option; name a branch, tag or commit`,
  );
  expect(err).toBe('');
});
