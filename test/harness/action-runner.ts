/**
 * Runs `node dist/index.js` as a child process the way the Actions runner does, under the Node the
 * runner uses (runtime.ts: the pinned Node 24 when installed, required in CI): inputs as
 * `INPUT_<NAME>` (hyphens kept, action.yml defaults applied), the event payload file, the file
 * commands (GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, …), OIDC variables, the emulator's environment and
 * a per-run AWS call log. Returns what a workflow would see.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync, mkdirSync, readFileSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isReadOperation, type RecordedCall } from '../../src/aws/calls.js';
import { DEFAULT_TOKEN, OIDC_REQUEST_TOKEN, type GitHubServer } from './github-server.js';
import { startGapProxy, type GapProxy, type WireRequest } from './gap-proxy.js';
import type { Moto } from './moto.js';
import { distNode } from './runtime.js';
import { CHILD_TIMEOUT_MS } from './timeouts.js';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  file?: string;
  line?: number;
  col?: number;
  title?: string;
  message: string;
}

export interface ActionRun {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
  annotations: Annotation[];
  /** Every AWS call the run made (IAM_GITOPS_CALL_LOG), secrets redacted. */
  calls: RecordedCall[];
  /** Calls that are not reads. */
  writes: RecordedCall[];
  /** Values the run asked the runner to mask (::add-mask::). */
  masked: string[];
  workspace: string;
  /** With the gaps option: every AWS request of this run on the wire, in order (see gap-proxy.ts). */
  wire?: WireRequest[];
  /** `process.version` of the Node that ran dist/index.js. */
  node: string;
}

export interface RunOptions {
  github: GitHubServer;
  moto?: Moto;
  /**
   * Put the gap-filling proxy (gap-proxy.ts) between the run and the emulator: `true` starts one for
   * this run, a started proxy is used as it is. Off by default, so every other run meets the
   * emulator unfiltered, gaps included (a permissions-boundary call still fails with HTTP 500).
   */
  gaps?: boolean | GapProxy;
  /** A fixture repository copied into a fresh workspace. */
  fixture?: string;
  /** Repository files (relative path → content) written into the fresh workspace (after the fixture). */
  files?: Record<string, string>;
  /** An existing workspace to reuse instead. */
  workspace?: string;
  eventName: string;
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
  inputs?: Record<string, string>;
  /** The token the workflow passes as github-token (default: the workflow token). */
  token?: string;
  /** Offer an OIDC token (the job has `id-token: write`); default true. */
  oidc?: boolean;
  env?: Record<string, string>;
  timeoutMs?: number;
  /** Called with the started process (a test may kill it to stand for a crash). */
  onSpawn?: (child: ChildProcess) => void;
}

/** The inputs of action.yml with their defaults, as the runner resolves them. */
export function actionDefaults(token: string): Record<string, string> {
  const action = parseYaml(readFileSync(path.join(ROOT, 'action.yml'), 'utf8')) as {
    inputs: Record<string, { default?: string }>;
  };
  return Object.fromEntries(
    Object.entries(action.inputs).map(([name, spec]) => [
      name,
      String(spec.default ?? '').replace('${{ github.token }}', token),
    ]),
  );
}

export function writeRepo(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, content);
  }
}

export async function runAction(opts: RunOptions): Promise<ActionRun> {
  const run = mkdtempSync(path.join(tmpdir(), 'iam-gitops-run-'));
  const workspace = opts.workspace ?? path.join(run, 'workspace');
  if (!opts.workspace) {
    mkdirSync(workspace, { recursive: true });
    if (opts.fixture) cpSync(opts.fixture, workspace, { recursive: true });
    writeRepo(workspace, opts.files ?? {});
  }
  const file = (name: string, content = ''): string => {
    const p = path.join(run, name);
    writeFileSync(p, content);
    return p;
  };
  const token = opts.token ?? DEFAULT_TOKEN;
  if (opts.gaps && !opts.moto) throw new Error('runAction: the gaps proxy needs the emulator (moto)');
  const ownProxy = opts.gaps === true ? await startGapProxy({ target: opts.moto!.url }) : undefined;
  const proxy = ownProxy ?? (typeof opts.gaps === 'object' ? opts.gaps : undefined);
  const firstWire = proxy?.requests.length ?? 0;
  try {
    return await spawnAction(opts, run, workspace, file, token, proxy, firstWire);
  } finally {
    await ownProxy?.stop();
  }
}

async function spawnAction(
  opts: RunOptions,
  run: string,
  workspace: string,
  file: (name: string, content?: string) => string,
  token: string,
  proxy: GapProxy | undefined,
  firstWire: number,
): Promise<ActionRun> {
  const inputs = { ...actionDefaults(token), ...(opts.inputs ?? {}) };
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? run,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_EVENT_NAME: opts.eventName,
    GITHUB_EVENT_PATH: file('event.json', JSON.stringify(opts.payload)),
    GITHUB_REPOSITORY: opts.github.fullName,
    GITHUB_REPOSITORY_OWNER: opts.github.owner,
    GITHUB_SHA: opts.sha,
    GITHUB_REF: opts.ref,
    GITHUB_WORKSPACE: workspace,
    GITHUB_API_URL: opts.github.url,
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_GRAPHQL_URL: `${opts.github.url}/graphql`,
    GITHUB_RUN_ID: '4242',
    GITHUB_RUN_NUMBER: '7',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_ACTOR: 'alice',
    GITHUB_WORKFLOW: 'iam-gitops',
    GITHUB_ACTION: 'iam-gitops',
    GITHUB_JOB: 'iam',
    GITHUB_OUTPUT: file('output'),
    GITHUB_STEP_SUMMARY: file('summary'),
    GITHUB_ENV: file('env'),
    GITHUB_PATH: file('path'),
    GITHUB_STATE: file('state'),
    RUNNER_TEMP: path.join(run, 'runner-temp'),
    RUNNER_DEBUG: '0',
    IAM_GITOPS_CALL_LOG: file('calls.jsonl'),
    ...(opts.moto ? opts.moto.env() : {}),
    ...(proxy ? { AWS_ENDPOINT_URL: proxy.url } : {}),
    ...(opts.oidc === false
      ? {}
      : {
          ACTIONS_ID_TOKEN_REQUEST_URL: opts.github.oidcUrl,
          ACTIONS_ID_TOKEN_REQUEST_TOKEN: OIDC_REQUEST_TOKEN,
        }),
    ...(opts.env ?? {}),
  };
  mkdirSync(env.RUNNER_TEMP!, { recursive: true });
  for (const [name, value] of Object.entries(inputs))
    env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;

  const node = distNode();
  const child = spawn(node.bin, [path.join(ROOT, 'dist', 'index.js')], { cwd: workspace, env });
  opts.onSpawn?.(child);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exitCode = await new Promise<number | null>((resolve, reject) => {
    // A hang guard, not a speed limit (timeouts.ts).
    const limit = opts.timeoutMs ?? CHILD_TIMEOUT_MS;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`dist/index.js did not finish in ${limit} ms\n${stdout}\n${stderr}`));
    }, limit);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  const calls = readJsonLines(env.IAM_GITOPS_CALL_LOG!);
  const result: ActionRun = {
    exitCode,
    stdout,
    stderr,
    outputs: parseFileCommand(readFileSync(env.GITHUB_OUTPUT!, 'utf8')),
    summary: readFileSync(env.GITHUB_STEP_SUMMARY!, 'utf8'),
    annotations: parseAnnotations(stdout),
    calls,
    writes: calls.filter((c) => !isReadOperation(c.operation)),
    masked: [...stdout.matchAll(/^::add-mask::(.*)$/gm)].map((m) => unescapeData(m[1]!)),
    workspace,
    node: node.version,
  };
  if (proxy) result.wire = proxy.requests.slice(firstWire);
  if (!opts.workspace) rmSync(path.join(run, 'event.json'), { force: true });
  return result;
}

function readJsonLines(p: string): RecordedCall[] {
  if (!existsSync(p)) return [];
  return readFileSync(p, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordedCall);
}

/** `name<<delimiter` heredocs (what @actions/core writes) and plain `name=value` lines. */
export function parseFileCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delim] = heredoc;
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== delim; i++) value.push(lines[i]!);
      if (i >= lines.length) throw new Error(`unterminated heredoc for output ${name}`);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

const unescapeData = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
const unescapeProp = (s: string) =>
  s
    .replace(/%0D/g, '\r')
    .replace(/%0A/g, '\n')
    .replace(/%3A/g, ':')
    .replace(/%2C/g, ',')
    .replace(/%25/g, '%');

export function parseAnnotations(stdout: string): Annotation[] {
  const out: Annotation[] = [];
  for (const m of stdout.matchAll(/^::(error|warning|notice)(?: ([^:]*))?::(.*)$/gm)) {
    const a: Annotation = { level: m[1] as Annotation['level'], message: unescapeData(m[3]!) };
    for (const kv of (m[2] ?? '').split(',').filter(Boolean)) {
      const [k, v = ''] = [kv.slice(0, kv.indexOf('=')), unescapeProp(kv.slice(kv.indexOf('=') + 1))];
      if (k === 'file') a.file = v;
      else if (k === 'line') a.line = Number(v);
      else if (k === 'col') a.col = Number(v);
      else if (k === 'title') a.title = v;
    }
    out.push(a);
  }
  return out;
}
