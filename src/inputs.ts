/**
 * The only reader of action inputs and of the workflow context: one typed, validated Settings
 * object, built before anything else runs.
 */
import * as core from '@actions/core';
import * as github from '@actions/github';
import { existsSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ACCOUNT_NAME } from './config/rules.js';

export type Mode = 'plan' | 'apply' | 'drift' | 'check-changes' | 'accounts';
const MODES = ['auto', 'plan', 'apply', 'drift', 'check-changes', 'accounts'] as const;

/** The parts of `github.context` the action reads (a plain object in tests). */
export interface ContextLike {
  eventName: string;
  sha: string;
  ref: string;
  runId: number;
  payload: Record<string, unknown>;
  repo: { owner: string; repo: string };
}

export interface Settings {
  /** What runs: `auto` already resolved from the event. */
  mode: Mode;
  /** Whether the mode came from `auto`. */
  auto: boolean;
  /** Apply role ARN (OIDC), or null. */
  roleToAssume: string | null;
  /** Read-only role ARN for pull request plans (OIDC), or null: the plan is then offline. */
  planRoleToAssume: string | null;
  awsRegion: string;
  githubToken: string;
  /** Config file path relative to `dir`. */
  configPath: string;
  /** Absolute repository root that holds users/, policies/ and the config. */
  dir: string;
  /** `dir` relative to the workspace with forward slashes ('' for the root): annotation paths start here. */
  dirFromWorkspace: string;
  eventName: string;
  payload: Record<string, unknown>;
  sha: string;
  ref: string;
  runId: number;
  repo: { owner: string; repo: string };
  /** Read at call time so tests and nested runs never depend on import order. */
  apiUrl: string;
  /** `GITHUB_SERVER_URL` (https://github.com or the GHES host), for links to this run. */
  serverUrl: string;
  /** The runner offers an OIDC token (the job has `id-token: write`). */
  oidcAvailable: boolean;
  /**
   * The `account` input: this job plans and applies only that account of a multi-account
   * repository (a matrix job); null → every account in one job.
   */
  account?: string | null;
  /** `iam-gitops-<run id>-<attempt>`: names the run in every AWS session it opens. */
  sessionName?: string;
}

export class InputError extends Error {}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/** Whether the real path `p` is `root` or below it. */
function within(root: string, p: string): boolean {
  const rel = path.relative(root, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

export function autoMode(eventName: string): Mode {
  switch (eventName) {
    // merge_group: a merge queue's check, the merge group's head planned offline with no comment (flow-plan.ts).
    case 'pull_request':
    case 'merge_group':
      return 'plan';
    case 'push':
      return 'apply';
    case 'schedule':
    case 'workflow_dispatch':
      return 'drift';
    case 'pull_request_target':
      throw new InputError(
        "mode auto refuses the 'pull_request_target' event: it runs with a write token and secrets on " +
          "untrusted pull request files. Trigger the plan on 'pull_request' instead.",
      );
    default:
      throw new InputError(
        `mode auto cannot pick a mode for the '${eventName}' event (pull_request or merge_group → plan, push → apply, ` +
          'schedule or workflow_dispatch → drift). Set the input mode to plan, apply or drift.',
      );
  }
}

function role(name: string): string | null {
  const v = core.getInput(name);
  if (!v) return null;
  if (!ROLE_ARN.test(v))
    throw new InputError(
      `Input ${name} must be an IAM role ARN like arn:aws:iam::123456789012:role/iam-gitops-plan; got '${v}'.`,
    );
  return v;
}

/** The web host of GitHub, only as an http(s) origin: it is written into comment links. */
function serverUrl(value: string | undefined): string {
  try {
    const u = new URL(value || 'https://github.com');
    if (u.protocol === 'https:' || u.protocol === 'http:') return u.origin;
  } catch {
    // fall through
  }
  return 'https://github.com';
}

/** The link to a workflow run, for the comments that report it. */
export function runUrl(s: Pick<Settings, 'serverUrl' | 'repo' | 'runId'>): string {
  const part = encodeURIComponent;
  return `${s.serverUrl}/${part(s.repo.owner)}/${part(s.repo.repo)}/actions/runs/${s.runId}`;
}

export function getSettings(
  context: ContextLike = github.context,
  env: NodeJS.ProcessEnv = process.env,
): Settings {
  const requested = core.getInput('mode') || 'auto';
  if (!(MODES as readonly string[]).includes(requested))
    throw new InputError(`Input mode must be one of ${MODES.join(', ')}; got '${requested}'.`);
  const mode = requested === 'auto' ? autoMode(context.eventName) : (requested as Mode);

  const awsRegion = core.getInput('aws-region') || env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1';
  if (!REGION.test(awsRegion))
    throw new InputError(`Input aws-region must be an AWS region like us-east-1; got '${awsRegion}'.`);

  const githubToken = core.getInput('github-token');
  if (!githubToken)
    throw new InputError(
      'Input github-token is empty. Leave it unset (it defaults to ${{ github.token }}) or pass a token.',
    );
  core.setSecret(githubToken);

  const configPath = core.getInput('config') || 'iam-gitops.yml';
  if (path.isAbsolute(configPath) || configPath.split(/[\\/]/).includes('..'))
    throw new InputError(
      `Input config must be a path inside working-directory, like iam-gitops.yml; got '${configPath}'.`,
    );

  const workspace = env.GITHUB_WORKSPACE || process.cwd();
  const wd = core.getInput('working-directory') || '.';
  const dir = path.resolve(workspace, wd);
  if (!existsSync(dir) || !statSync(dir).isDirectory())
    throw new InputError(
      `Input working-directory '${wd}' is not a directory in the workspace (${workspace}). ` +
        'Check out the repository first (actions/checkout) or fix the path.',
    );
  // Real paths, symbolic links followed: `../x`, or a checked-in link to elsewhere, would make the
  // action read (and echo into the log and report) files that are not the repository's.
  const realWorkspace = realpathSync(workspace);
  if (!within(realWorkspace, realpathSync(dir)))
    throw new InputError(
      `Input working-directory '${wd}' leads outside the workspace (${workspace}). ` +
        'Give a directory of the checked-out repository, relative to it, with no .. and no symbolic link out.',
    );
  const configFile = path.resolve(dir, configPath);
  if (existsSync(configFile) && !within(realWorkspace, realpathSync(configFile)))
    throw new InputError(
      `Input config '${configPath}' leads outside the workspace (${workspace}) through a symbolic link. ` +
        'Commit the configuration file itself instead of a link to it.',
    );
  const dirFromWorkspace = path.relative(workspace, dir).split(path.sep).join('/');

  // A name only: it selects a section of the plan and names a label, so nothing else gets through.
  const account = core.getInput('account') || null;
  if (account !== null && !ACCOUNT_NAME.test(account))
    throw new InputError(
      `Input account must be an account name from iam-gitops.yml (1–64 of A-Z a-z 0-9 . _ -); got '${account}'.`,
    );
  const attempt = /^\d+$/.test(env.GITHUB_RUN_ATTEMPT ?? '') ? env.GITHUB_RUN_ATTEMPT : '1';

  return {
    mode,
    auto: requested === 'auto',
    roleToAssume: role('role-to-assume'),
    planRoleToAssume: role('plan-role-to-assume'),
    awsRegion,
    githubToken,
    configPath,
    dir,
    dirFromWorkspace,
    eventName: context.eventName,
    payload: context.payload,
    sha: context.sha,
    ref: context.ref,
    runId: context.runId,
    repo: context.repo,
    apiUrl: env.GITHUB_API_URL || 'https://api.github.com',
    serverUrl: serverUrl(env.GITHUB_SERVER_URL),
    oidcAvailable: Boolean(env.ACTIONS_ID_TOKEN_REQUEST_URL && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN),
    account,
    sessionName: `iam-gitops-${context.runId || 'local'}-${attempt}`,
  };
}
