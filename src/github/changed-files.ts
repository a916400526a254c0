/**
 * Whether a pull request touches anything the plan reads: users/*.csv, policies/*.json, the
 * configuration file, or the plan workflow itself (a new action version may plan differently).
 * The plan workflow runs on every pull request so that its result can be a required check; this
 * lets it skip the plan, and its AWS token, when nothing relevant changed.
 *
 * It compares the checked-out commit with the event's base commit in the local clone (no API call,
 * no token scope). Whenever it cannot tell, the answer is "changed": a needless plan costs a
 * minute, a skipped one would report success for a change nobody planned.
 */
import { execFile } from 'node:child_process';
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface ChangeCheck {
  changed: boolean;
  /** The relevant files that changed (repository-relative), when the diff could be read. */
  files: string[];
  /** Why the answer is what it is, for the log and the job summary. */
  reason: string;
}

export interface ChangeInputs {
  /** Absolute directory holding users/, policies/ and the configuration (working-directory). */
  dir: string;
  configPath: string;
  eventName: string;
  payload: Record<string, unknown>;
  /** GITHUB_WORKFLOW_REF: `owner/repo/.github/workflows/iam-plan.yml@refs/…`. */
  workflowRef: string | undefined;
  repository: string;
}

const SHA = /^[0-9a-f]{40}$/;

/** The commit the change is measured from: the pull request's or the merge group's base. */
export function baseOf(eventName: string, payload: Record<string, unknown>): string | undefined {
  const pr = payload.pull_request as { base?: { sha?: unknown } } | undefined;
  const group = payload.merge_group as { base_sha?: unknown } | undefined;
  const sha = eventName === 'merge_group' ? group?.base_sha : pr?.base?.sha;
  return typeof sha === 'string' && SHA.test(sha) ? sha : undefined;
}

/** The workflow file of GITHUB_WORKFLOW_REF, repository-relative; undefined when it is not set. */
export function workflowFile(ref: string | undefined, repository: string): string | undefined {
  if (!ref || !ref.startsWith(`${repository}/`)) return undefined;
  const rest = ref.slice(repository.length + 1);
  const at = rest.lastIndexOf('@');
  return at > 0 ? rest.slice(0, at) : rest;
}

/** What the plan reads, as repository-relative matchers: literal files and `<dir>/*<ext>` folders. */
export interface Watched {
  files: Set<string>;
  folders: Array<{ dir: string; ext: string }>;
}

/** Whether a changed repository-relative path is something the plan reads. */
export function isWatched(file: string, w: Watched): boolean {
  if (w.files.has(file)) return true;
  return w.folders.some(
    (f) =>
      file.endsWith(f.ext) &&
      path.posix.dirname(file) === f.dir &&
      path.posix.basename(file).length > f.ext.length,
  );
}

const rel = (root: string, p: string): string => path.relative(root, p).split(path.sep).join('/');

/** Where a link leads, even when its target is gone (a deleted target is a change too). */
async function target(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    try {
      return path.resolve(path.dirname(p), await readlink(p));
    } catch {
      return undefined;
    }
  }
}

const isLink = (p: string): Promise<boolean> =>
  lstat(p).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );

/**
 * The paths the plan reads, as written and, for symbolic links inside the repository, where they
 * lead: `users/team.csv -> ../people/team.csv` is watched through `people/team.csv` too.
 */
export async function watched(
  root: string,
  inputs: Pick<ChangeInputs, 'dir' | 'configPath' | 'workflowRef' | 'repository'>,
  opts: { workflow?: boolean } = {},
): Promise<Watched> {
  const realRoot = await realpath(root);
  const base = rel(realRoot, await realpath(inputs.dir));
  const join = (...parts: string[]) => path.posix.join(base || '.', ...parts);
  const w: Watched = {
    files: new Set([join(inputs.configPath.split(path.sep).join('/'))]),
    folders: [
      { dir: join('users'), ext: '.csv' },
      { dir: join('policies'), ext: '.json' },
    ],
  };
  if (opts.workflow !== false) {
    const wf = workflowFile(inputs.workflowRef, inputs.repository);
    w.files.add(wf ?? '.github/workflows/iam-plan.yml');
  }

  const linked = async (p: string): Promise<string | undefined> => {
    if (!(await isLink(p))) return undefined;
    const t = await target(p);
    return t && rel(realRoot, t).startsWith('..') ? undefined : t && rel(realRoot, t);
  };
  const cfg = await linked(path.join(inputs.dir, inputs.configPath));
  if (cfg) w.files.add(cfg);
  for (const [sub, ext] of [
    ['users', '.csv'],
    ['policies', '.json'],
  ] as const) {
    const folder = path.join(inputs.dir, sub);
    const dirLink = await linked(folder);
    if (dirLink) w.folders.push({ dir: dirLink, ext });
    const entries = await readdir(folder).catch(() => [] as string[]);
    for (const name of entries.filter((n) => n.endsWith(ext))) {
      const t = await linked(path.join(folder, name));
      if (t) w.files.add(t);
    }
  }
  return w;
}

async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 256 * 1024 * 1024, timeout: 60_000 });
  return stdout;
}

/**
 * Of `files` (repository-relative), those that decide the desired state of the files under `dir`
 * (the workflow aside); every one when `dir` is not a git checkout, as nothing can be ruled out.
 */
export async function desiredFilesAmong(
  files: readonly string[],
  inputs: Pick<ChangeInputs, 'dir' | 'configPath' | 'repository'>,
): Promise<string[]> {
  let root: string;
  try {
    root = (await git(inputs.dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return [...files];
  }
  const w = await watched(root, { ...inputs, workflowRef: undefined }, { workflow: false });
  return files.filter((f) => isWatched(f, w));
}

export async function checkChanges(inputs: ChangeInputs): Promise<ChangeCheck> {
  const base = baseOf(inputs.eventName, inputs.payload);
  if (!base)
    return {
      changed: true,
      files: [],
      reason: `the '${inputs.eventName}' event names no base commit to compare with, so the plan runs`,
    };
  let root: string;
  try {
    root = (await git(inputs.dir, ['rev-parse', '--show-toplevel'])).trim();
  } catch {
    return {
      changed: true,
      files: [],
      reason: 'the working directory is not a git checkout (run actions/checkout first), so the plan runs',
    };
  }
  try {
    await git(root, ['cat-file', '-e', `${base}^{commit}`]);
  } catch {
    return {
      changed: true,
      files: [],
      reason:
        `the base commit ${base} is not in the checkout (give actions/checkout \`fetch-depth: 2\`), ` +
        'so the plan runs',
    };
  }
  // Two trees, no history needed: what the checked-out commit changes relative to the base.
  // --no-renames lists both sides of a move, so moving a file out of users/ counts.
  const out = await git(root, ['diff', '--name-only', '--no-renames', '-z', base, 'HEAD', '--']);
  const changedPaths = out.split('\0').filter(Boolean);
  const w = await watched(root, inputs);
  const files = changedPaths.filter((f) => isWatched(f, w));
  return files.length > 0
    ? {
        changed: true,
        files,
        reason: `${files.length} of the ${changedPaths.length} changed files are read by the plan`,
      }
    : {
        changed: false,
        files: [],
        reason:
          `none of the ${changedPaths.length} changed files is read by the plan ` +
          '(users/*.csv, policies/*.json, the configuration, the plan workflow)',
      };
}
