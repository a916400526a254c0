/**
 * `iam-gitops plan [--offline] [--format text|markdown|json]`: exit 0 no changes, 2 changes,
 * 1 error (SPEC §4). `drift` is the same plan against live AWS, worded as drift.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { ClientsFor } from '../accounts/credentials.js';
import { isMultiAccount } from '../accounts/resolve.js';
import { createClients, type AwsClients } from '../aws/clients.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import { runPlan, type PlanPhase } from '../pipeline.js';
import { loadDesired } from '../desired/index.js';
import { lintDesired, type LintResult } from '../lint/index.js';
import { diffDesired } from '../lint/diff.js';
import type { DesiredState } from '../model/desired.js';
import { blastRadius, type BlastRadius } from '../plan/blast.js';
import { renderJson } from '../plan/render-json.js';
import { renderMarkdown } from '../plan/render-markdown.js';
import { renderText } from '../plan/render-text.js';
import { neutralizeJson } from '../safe-text.js';
import { dirIsRepo, regionOf, type CliArgs } from './args.js';
import { checkoutBase } from './lint.js';
import { terminalColours, type Colours } from './colour.js';
import { noAccountsError } from './accounts.js';
import { planOrDriftAccounts } from './plan-accounts.js';
import { guarded, progress } from './output.js';

const run = promisify(execFile);

export interface PlanIo {
  out: (text: string) => void;
  err: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Tests pass clients pointed at the emulator; otherwise they come from the environment. */
  clients?: (region: string) => AwsClients;
  now?: () => Date;
  colour?: Colours;
  /** Progress lines on stderr (plan phases, apply operations); on by default when stderr is a terminal. */
  progress?: boolean;
  /** With accounts: tests pass clients per account pointed at the emulator (src/accounts/credentials.ts otherwise). */
  clientsFor?: ClientsFor;
}

export const defaultIo = (): PlanIo => ({
  out: (t) => void process.stdout.write(t),
  err: (t) => void process.stderr.write(t),
  env: process.env,
  colour: terminalColours(),
  progress: Boolean(process.stderr.isTTY),
});

const PHASE: Record<PlanPhase, string> = {
  files: 'reading the files',
  lint: 'linting',
  account: 'reading the account',
  diff: 'planning',
};

/** A runPlan phase callback that prints `[plan] linting…` lines on stderr when progress is on. */
export function phaseProgress(io: { err: (t: string) => void; progress?: boolean }, kind: string) {
  return (phase: PlanPhase): void => progress(io, `[${kind}] ${PHASE[phase]}…`);
}

const FORMATS = ['text', 'markdown', 'json'];

export function planCommand(args: CliArgs, io: PlanIo = defaultIo()): Promise<number> {
  return planOrDrift(args, 'plan', io);
}

export async function planOrDrift(args: CliArgs, kind: 'plan' | 'drift', rawIo: PlanIo): Promise<number> {
  const format = args.format ?? 'text';
  const io = guarded(rawIo, { data: format !== 'text' });
  if (!FORMATS.includes(format)) {
    io.err(`error: --format must be one of ${FORMATS.join(', ')}, not '${format}'\n`);
    return 1;
  }
  if (kind === 'drift' && args.offline) {
    io.err('error: drift compares the files with the live account; --offline does not apply to it\n');
    return 1;
  }
  if (!(await dirIsRepo(args, io))) return 1;
  const repo = await repoIdentity(args.dir, io.env);
  const phase = phaseProgress(io, kind);
  phase('files');
  const loaded = await loadDesired(args.dir);
  if (loaded.state && isMultiAccount(loaded.state.config))
    return planOrDriftAccounts(args, kind, io, { ...loaded, state: loaded.state }, repo);
  if (args.accounts.length) {
    io.err(noAccountsError(args.accounts));
    return 1;
  }
  const region = regionOf(io.env);
  const clients = args.offline
    ? undefined
    : (io.clients ?? ((r: string) => createClients({ region: r })))(region);
  const result = await runPlan({
    dir: args.dir,
    repo,
    offline: args.offline,
    clients,
    region,
    loaded,
    // The files were read above.
    onPhase: (p) => p !== 'files' && phase(p),
  });
  for (const d of result.diagnostics) io.err(formatDiagnostic(d) + '\n');
  if (!result.ok) {
    const n = result.diagnostics.filter((d) => d.severity === 'error').length;
    io.err(`${n} validation error${n === 1 ? '' : 's'}: nothing was planned\n`);
    return 1;
  }
  const { plan } = result;
  const offlineReason = args.offline ? '`--offline` was given' : null;
  let blast: BlastRadius | undefined;
  if (args.base) {
    const b = await blastAgainst(args.dir, args.base, result.desired, result.lint, io);
    if (b === null) return 1;
    blast = b;
  }
  if (format === 'json') io.out(neutralizeJson(renderJson(plan, blast)));
  else if (format === 'markdown') {
    const head = await git(args.dir, ['rev-parse', 'HEAD']);
    const plannedAt = (io.now ?? (() => new Date()))().toISOString();
    io.out(
      renderMarkdown({
        plan,
        kind,
        head,
        base: '',
        plannedAt,
        dataVersion: result.lint.dataVersion,
        offlineReason,
        blast,
      }).body,
    );
  } else io.out(renderText({ plan, kind, offlineReason }));

  if (plan.errors.length > 0) {
    for (const e of plan.errors) io.err(`error: ${e}\n`);
    return 1;
  }
  return plan.changes.length > 0 ? 2 : 0;
}

/**
 * `plan --base <git-ref>`: the per-user permission gains and losses from that revision's files to
 * these, summed up (the blast radius the pull request comment shows). null after an error was said;
 * undefined when the base files are invalid (said as a warning).
 */
export async function blastAgainst(
  dir: string,
  ref: string,
  head: DesiredState,
  headLint: LintResult,
  io: { err: (t: string) => void },
): Promise<BlastRadius | undefined | null> {
  let tree: { dir: string; cleanup: () => void };
  try {
    tree = checkoutBase(dir, ref);
  } catch (err) {
    io.err(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return null;
  }
  try {
    const base = await loadDesired(tree.dir);
    if (!base.state) {
      io.err(`warning: the files at ${ref} are invalid; no blast radius\n`);
      return undefined;
    }
    const now = new Date();
    const diff = diffDesired(base.state, head, lintDesired(base.state, { now }), headLint, { now });
    return blastRadius(base.state, head, diff, now.getTime(), headLint.findings);
  } finally {
    tree.cleanup();
  }
}

/**
 * What the plan hash is bound to, the same in the CLI and the action: GITHUB_REPOSITORY, else
 * `owner/repo` of a GitHub `origin` remote (other remotes: host/path), else the directory name.
 */
export async function repoIdentity(dir: string, env: NodeJS.ProcessEnv): Promise<string> {
  if (env.GITHUB_REPOSITORY) return env.GITHUB_REPOSITORY;
  const remote = await git(dir, ['remote', 'get-url', 'origin']);
  if (remote) return normalizeRemote(remote);
  return path.basename(path.resolve(dir));
}

export function normalizeRemote(url: string): string {
  const trimmed = url
    .trim()
    .replace(/\.git$/, '')
    .replace(/\/+$/, '');
  // git@github.com:owner/repo, ssh://git@github.com/owner/repo, https://user@github.com/owner/repo
  const m = /^(?:[a-z+]+:\/\/)?(?:[^@/]+@)?([^:/]+)[:/](.+)$/i.exec(trimmed);
  if (!m) return trimmed;
  const [, host, rest] = m;
  const repoPath = rest!.replace(/^\d+\//, '');
  return host!.toLowerCase() === 'github.com' ? repoPath : `${host!.toLowerCase()}/${repoPath}`;
}

export async function git(dir: string, argv: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', dir, ...argv], { timeout: 10_000 });
    return stdout.trim();
  } catch {
    return '';
  }
}
