/** `iam-gitops lint [--format text|json|sarif] [--base <git-ref>]` (SPEC §4). */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDesired } from '../desired/index.js';
import { formatDiagnostic } from '../model/diagnostic.js';
import type { DesiredState } from '../model/desired.js';
import { diffDesired, type LintDiff } from '../lint/diff.js';
import { formatJson } from '../lint/format-json.js';
import { formatSarif } from '../lint/format-sarif.js';
import { formatText } from '../lint/format-text.js';
import { lintDesired, reachesFailOn } from '../lint/index.js';
import { neutralizeJson } from '../safe-text.js';
import type { CliArgs } from './args.js';
import { terminalColours, type Colours } from './colour.js';
import { guarded } from './output.js';

export interface LintIo {
  out: (text: string) => void;
  err: (text: string) => void;
  colour?: Colours;
}

const FORMATS = ['text', 'json', 'sarif'] as const;

/** Extracts the repository tree of `ref` (the part under `dir`) into a temporary directory. */
export function checkoutBase(dir: string, ref: string): { dir: string; cleanup: () => void } {
  // git would read `--output=<file>` or `--remote=<url>` as an option of `git archive`, not a revision.
  if (ref.startsWith('-'))
    throw new Error(
      `--base '${ref}' starts with '-', which git reads as an option; name a branch, tag or commit`,
    );
  const git = (args: string[], input?: Buffer): Buffer =>
    execFileSync('git', args, {
      cwd: dir,
      input,
      maxBuffer: 512 * 1024 * 1024,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
  const prefix = git(['rev-parse', '--show-prefix']).toString('utf8').trim();
  const tmp = mkdtempSync(path.join(tmpdir(), 'iam-gitops-base-'));
  const cleanup = (): void => rmSync(tmp, { recursive: true, force: true });
  try {
    const tar = git(['archive', '--format=tar', prefix ? `${ref}:${prefix.replace(/\/$/, '')}` : ref]);
    execFileSync('tar', ['-x', '-C', tmp], { input: tar });
  } catch (e) {
    cleanup();
    const msg =
      e instanceof Error && 'stderr' in e ? String((e as { stderr: unknown }).stderr).trim() : String(e);
    throw new Error(
      `--base ${ref}: cannot read that revision with git archive (${msg || 'git failed'}); use a branch, tag or commit that exists locally (fetch it first in CI, e.g. fetch-depth: 0)`,
    );
  }
  return { dir: tmp, cleanup };
}

async function load(dir: string, io: LintIo, label: string): Promise<DesiredState | null> {
  const r = await loadDesired(dir);
  for (const d of r.diagnostics)
    if (d.severity === 'error' || label === 'head')
      io.err(`${label === 'base' ? '[base] ' : ''}${formatDiagnostic(d)}\n`);
  return r.state;
}

export async function lintCommand(
  args: CliArgs,
  rawIo: LintIo = {
    out: (t) => void process.stdout.write(t),
    err: (t) => void process.stderr.write(t),
    colour: terminalColours(),
  },
  now: Date = new Date(),
): Promise<number> {
  const format = (args.format ?? 'text') as (typeof FORMATS)[number];
  const io = guarded(rawIo, { data: format !== 'text' });
  if (!FORMATS.includes(format)) {
    io.err(`error: --format must be one of ${FORMATS.join(', ')} (got '${args.format}')\n`);
    return 1;
  }
  const head = await load(args.dir, io, 'head');
  if (!head) {
    io.err('error: fix the errors above before linting (see `iam-gitops validate`)\n');
    return 1;
  }
  const result = lintDesired(head, { now });
  let diff: LintDiff | undefined;
  if (args.base) {
    const base = checkoutBase(args.dir, args.base);
    try {
      const baseState = await load(base.dir, io, 'base');
      if (baseState) diff = diffDesired(baseState, head, lintDesired(baseState, { now }), result, { now });
      else io.err(`warning: the files at ${args.base} are invalid; no permission diff\n`);
    } finally {
      base.cleanup();
    }
  }
  io.out(
    format === 'json'
      ? neutralizeJson(formatJson(result, diff))
      : format === 'sarif'
        ? neutralizeJson(formatSarif(result))
        : formatText(result, diff),
  );
  return reachesFailOn(result.findings, head.config.lint.failOn) ? 1 : 0;
}
