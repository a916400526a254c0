/**
 * The blast radius of a pull request: the files at its base commit, read from the checkout with
 * git (fetched once, shallow, when the checkout does not hold it), linted and compared per user
 * with the head by src/lint/diff.ts, then summed up by src/plan/blast.ts. Display only: the gate
 * never reads it. When the base cannot be read, the comment says why instead.
 */
import { execFileSync } from 'node:child_process';
import { checkoutBase } from '../commands/lint.js';
import { loadDesired } from '../desired/index.js';
import { diffDesired } from '../lint/diff.js';
import { lintDesired, type LintResult } from '../lint/index.js';
import type { DesiredState } from '../model/desired.js';
import { blastRadius, type BlastRadius } from '../plan/blast.js';

export type BlastResult = { blast: BlastRadius } | { note: string };

const SHA = /^[0-9a-f]{40}$/;

/** Whether the checkout at `dir` holds commit `sha`; if not, one shallow fetch of it from origin. */
function haveCommit(dir: string, sha: string): boolean {
  const git = (args: string[]): void => {
    execFileSync('git', args, {
      cwd: dir,
      stdio: 'ignore',
      timeout: 60_000,
      // Never wait for a password prompt in CI.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
    });
  };
  try {
    git(['cat-file', '-e', `${sha}^{commit}`]);
    return true;
  } catch {
    try {
      git(['fetch', '--quiet', '--no-tags', '--depth=1', 'origin', sha]);
      return true;
    } catch {
      return false;
    }
  }
}

export async function blastFor(
  dir: string,
  configPath: string,
  baseSha: string,
  head: DesiredState,
  headLint: LintResult,
  now: Date,
): Promise<BlastResult> {
  if (!SHA.test(baseSha)) return { note: 'the base commit is unknown' };
  if (!haveCommit(dir, baseSha))
    return {
      note: `the base commit ${baseSha.slice(0, 7)} is not in the checkout and could not be fetched (give actions/checkout \`fetch-depth: 0\`)`,
    };
  let tree: { dir: string; cleanup: () => void };
  try {
    tree = checkoutBase(dir, baseSha);
  } catch {
    return { note: `the files at the base commit ${baseSha.slice(0, 7)} could not be read with git` };
  }
  try {
    const base = await loadDesired(tree.dir, { configPath });
    if (!base.state) return { note: `the files at the base commit ${baseSha.slice(0, 7)} are invalid` };
    const diff = diffDesired(base.state, head, lintDesired(base.state, { now }), headLint, { now });
    return { blast: blastRadius(base.state, head, diff, now.getTime(), headLint.findings) };
  } finally {
    tree.cleanup();
  }
}
