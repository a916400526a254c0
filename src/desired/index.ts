/** Reads users/*.csv, policies/*.json and iam-gitops.yml into a DesiredState (SPEC §2). */
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../model/diagnostic.js';
import type { DesiredState, DesiredUser, SourceRef } from '../model/desired.js';
import type { LocatedPolicy } from '../model/policy.js';
import { findManagedPolicy } from '../catalog/managed.js';
import { DEFAULT_CONFIG_FILE } from '../config/defaults.js';
import { loadConfig } from '../config/load.js';
import { decodeFile } from './encoding.js';
import { requireMfa } from './mfa.js';
import { policyNameFromFile, readPolicyFile } from './policy-file.js';
import { readUsersFile } from './users.js';

export interface LoadResult {
  /** null when any error-severity diagnostic was found. */
  state: DesiredState | null;
  /** Every problem found, errors and warnings, in file then line order. */
  diagnostics: Diagnostic[];
  /** Repository-relative paths of the files that were read. */
  files: string[];
}

export interface LoadOptions {
  /** Config file path relative to dir (action input `config`); default `iam-gitops.yml`. */
  configPath?: string;
}

/** Reads and validates every file under `dir`. Never throws for bad input: problems are diagnostics. */
export async function loadDesired(dir: string, opts: LoadOptions = {}): Promise<LoadResult> {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const fail = (file: string, message: string): LoadResult => ({
    state: null,
    diagnostics: [{ file, line: 0, col: 0, severity: 'error', message }],
    files,
  });
  if (!(await isDirectory(dir)))
    return fail(dir, `directory '${dir}' does not exist (--dir / working-directory)`);
  // Files are read only from inside the repository: a symbolic link (a file, users/, policies/ or
  // the config) that leads out of it would echo a file of the runner into the log and the report.
  const root = await realpath(dir);
  const outside = (rel: string) => leavesRoot(root, path.join(dir, rel));
  const escapes = (rel: string, what: string): void =>
    void diagnostics.push({
      file: rel,
      line: 0,
      col: 0,
      severity: 'error',
      message:
        `${rel} is a symbolic link ${what} outside the repository (or into .git); iam-gitops reads only ` +
        "the repository's own files: replace the link with the file (or directory) itself",
    });

  const read = async (rel: string): Promise<string | null> => {
    files.push(rel);
    if (await outside(rel)) {
      escapes(rel, 'to a file');
      return null;
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path.join(dir, rel));
    } catch (err) {
      const message = `cannot read ${rel}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`;
      diagnostics.push({ file: rel, line: 0, col: 0, severity: 'error', message });
      return null;
    }
    const decoded = decodeFile(rel, bytes);
    if (decoded.ok) return decoded.text;
    diagnostics.push(decoded.diagnostic);
    return null;
  };

  const listed = async (sub: string, ext: string): Promise<string[]> => {
    if (await outside(sub)) {
      escapes(sub, 'to a directory');
      return [];
    }
    return listFiles(dir, sub, ext);
  };
  const policyFiles = await listed('policies', '.json');
  const customNames = new Set(policyFiles.map(policyNameFromFile));
  const policies: LocatedPolicy[] = [];
  for (const rel of policyFiles) {
    const text = await read(rel);
    if (text === null) continue;
    const r = readPolicyFile(rel, text);
    diagnostics.push(...r.diagnostics);
    if (r.policy) policies.push(r.policy);
  }

  const configRel = toPosix(path.relative(dir, path.resolve(dir, opts.configPath ?? DEFAULT_CONFIG_FILE)));
  const configExists = await isFile(path.join(dir, configRel));
  if (!configExists && opts.configPath !== undefined && configRel !== DEFAULT_CONFIG_FILE) {
    diagnostics.push({
      file: configRel,
      line: 0,
      col: 0,
      severity: 'error',
      message: `config file ${configRel} does not exist; fix the config path or remove it to use ${DEFAULT_CONFIG_FILE}`,
    });
  }
  const configText = configExists ? await read(configRel) : null;
  const configLoad = loadConfig(configRel, configText, customNames);
  if (configExists && configText === null) configLoad.groups = null;
  diagnostics.push(...configLoad.diagnostics);

  const users: DesiredUser[] = [];
  const referenced = new Set(configLoad.referencedPolicies);
  const seen = new Map<string, SourceRef>();
  const csvFiles = await listed('users', '.csv');
  for (const rel of csvFiles) {
    const text = await read(rel);
    if (text === null) continue;
    const r = readUsersFile(rel, text, {
      customNames,
      groups: configLoad.groups,
      configFile: configRel,
      seen,
      referencedPolicies: referenced,
      config: configLoad.config,
    });
    diagnostics.push(...r.diagnostics);
    users.push(...r.users);
  }
  if (csvFiles.length === 0 && !diagnostics.some((d) => d.file === 'users')) {
    diagnostics.push({
      file: 'users',
      line: 0,
      col: 0,
      severity: 'warning',
      message: 'no users/*.csv files: the desired state has no users, so every managed user would be deleted',
    });
  }

  for (const rel of policyFiles) {
    const name = policyNameFromFile(rel);
    const warn = (message: string) =>
      diagnostics.push({ file: rel, line: 1, col: 1, severity: 'warning', message });
    // With an unreadable config, group references are unknown: no "unused" guesses then.
    if (!referenced.has(name) && configLoad.groups !== null) {
      warn(
        `policy '${name}' is not used by any user or group; reference it in users/*.csv or a group, or delete the file`,
      );
    }
    if (findManagedPolicy(name)) {
      warn(
        `'${name}' is also an AWS managed policy; '${name}' in a CSV or group means this file (write the ARN for the AWS one)`,
      );
    }
  }

  if (configLoad.config.mfa === 'required' && configLoad.mfaAt) {
    // After the "unused policy" checks: the MFA policy is the tool's, never a file of the repository.
    diagnostics.push(
      ...requireMfa({
        config: configLoad.config,
        configFile: configRel,
        at: configLoad.mfaAt,
        users,
        policies,
      }),
    );
  }

  diagnostics.sort(byPlace);
  const ok = !diagnostics.some((d) => d.severity === 'error');
  return { state: ok ? { config: configLoad.config, users, policies } : null, diagnostics, files };
}

function byPlace(a: Diagnostic, b: Diagnostic): number {
  return cmp(a.file, b.file) || a.line - b.line || a.col - b.col;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/**
 * Whether `target` resolves (symbolic links followed, at any depth) outside `root` (a real path)
 * or into its `.git`.
 * A path that does not exist does not leave; a dangling link does (it cannot be checked).
 */
async function leavesRoot(root: string, target: string): Promise<boolean> {
  let real: string;
  try {
    real = await realpath(target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return true;
    // Missing: fine, unless the path itself is a link to nowhere.
    return isLink(target);
  }
  const rel = path.relative(root, real);
  const out = rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  // .git is not the repository's files: actions/checkout may keep the workflow token in .git/config,
  // and a CSV "row" of it would be quoted back in a validation error.
  return out || rel === '.git' || rel.startsWith(`.git${path.sep}`);
}

async function isLink(p: string): Promise<boolean> {
  return lstat(p).then(
    (s) => s.isSymbolicLink(),
    () => false,
  );
}

/**
 * `<sub>/*<ext>` (top level only, exact extension), sorted by name, repository-relative. Symbolic
 * links are listed too, so that `read` checks where they lead instead of skipping them silently.
 */
async function listFiles(dir: string, sub: string, ext: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(dir, sub), { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .filter((e) => (e.isFile() || e.isSymbolicLink()) && e.name.endsWith(ext))
    .map((e) => e.name)
    .sort(cmp)
    .map((n) => `${sub}/${n}`);
}

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

async function isFile(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isFile(),
    () => false,
  );
}
