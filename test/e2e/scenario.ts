/**
 * Shared steps of the end-to-end scenarios: a repository's files, the pull_request and push
 * events GitHub would send, and the plan → approve → merge → apply sequence against the local
 * GitHub API and the emulator.
 */
import { createHash } from 'node:crypto';
import { CreateUserCommand } from '@aws-sdk/client-iam';
import { VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { parseMeta } from '../../src/github/comment.js';
import { runAction, type ActionRun, type RunOptions } from '../harness/action-runner.js';
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';

export const PLAN_ROLE = 'arn:aws:iam::123456789012:role/iam-gitops-plan';
export const APPLY_ROLE = 'arn:aws:iam::123456789012:role/iam-gitops-apply';
export const SENDER = 'iam@example.com';

export const sha = (label: string): string => createHash('sha1').update(label).digest('hex');

export interface UserRow {
  username: string;
  email?: string;
  groups?: string;
  policies?: string;
  console?: boolean;
}

export function config(extra = ''): string {
  return [
    'requiredApprovals: 1',
    'email:',
    `  from: ${SENDER}`,
    '  region: us-east-1',
    'monitoring:',
    '  enabled: false',
    extra,
  ].join('\n');
}

export function repoFiles(
  users: UserRow[],
  extra: Record<string, string> = {},
  cfg = config(),
): Record<string, string> {
  const rows = users.map((u) =>
    [
      u.username,
      u.email ?? `${u.username}@example.com`,
      u.groups ?? '',
      u.policies ?? '',
      u.console ? 'true' : 'false',
    ].join(','),
  );
  return {
    'iam-gitops.yml': cfg + '\n',
    'users/team.csv': ['username,email,groups,policies,console', ...rows].join('\n') + '\n',
    ...extra,
  };
}

export function prPayload(gh: GitHubServer, number: number): Record<string, unknown> {
  const pr = gh.pull(number);
  return {
    action: 'synchronize',
    number,
    pull_request: pr,
    repository: {
      full_name: gh.fullName,
      name: gh.repo,
      owner: { login: gh.owner },
      default_branch: gh.defaultBranch,
    },
  };
}

export function pushPayload(
  gh: GitHubServer,
  after: string,
  branch = gh.defaultBranch,
): Record<string, unknown> {
  return {
    ref: `refs/heads/${branch}`,
    after,
    before: sha('before-' + after),
    repository: {
      full_name: gh.fullName,
      name: gh.repo,
      owner: { login: gh.owner },
      default_branch: gh.defaultBranch,
    },
  };
}

export interface Ctx {
  gh: GitHubServer;
  moto: Moto;
}

export function planRun(
  ctx: Ctx,
  number: number,
  files: Record<string, string>,
  extra: Partial<RunOptions> = {},
): Promise<ActionRun> {
  return runAction({
    github: ctx.gh,
    moto: ctx.moto,
    files,
    eventName: 'pull_request',
    payload: prPayload(ctx.gh, number),
    sha: sha(`merge-preview-${number}`),
    ref: `refs/pull/${number}/merge`,
    inputs: { 'plan-role-to-assume': PLAN_ROLE, 'role-to-assume': APPLY_ROLE },
    ...extra,
  });
}

export function applyRun(
  ctx: Ctx,
  mergeSha: string,
  files: Record<string, string>,
  extra: Partial<RunOptions> = {},
) {
  return runAction({
    github: ctx.gh,
    moto: ctx.moto,
    files,
    eventName: 'push',
    payload: pushPayload(ctx.gh, mergeSha),
    sha: mergeSha,
    ref: `refs/heads/${ctx.gh.defaultBranch}`,
    inputs: { 'plan-role-to-assume': PLAN_ROLE, 'role-to-assume': APPLY_ROLE },
    ...extra,
  });
}

/**
 * PR `number` by alice: planned (the run is returned; `check` sees it first), approved by bob
 * after the plan was posted, merged as `merge-<number>`.
 */
export async function approvedPr(
  ctx: Ctx,
  number: number,
  files: Record<string, string>,
  extra: Partial<RunOptions> = {},
  check?: (plan: ActionRun) => void,
): Promise<ActionRun> {
  ctx.gh.addPull({ number, author: 'alice', headSha: sha(`head-${number}`), baseSha: sha(`base-${number}`) });
  const plan = await planRun(ctx, number, files, extra);
  check?.(plan);
  const bot = ctx.gh.comments(number).find((c) => c.user.login === 'github-actions[bot]')!;
  expect(parseMeta(bot.body)).not.toBeNull();
  ctx.gh.addReview(number, {
    login: 'bob',
    state: 'APPROVED',
    commitId: sha(`head-${number}`),
    submittedAt: after(postedAt(ctx.gh, number)),
  });
  ctx.gh.merge(number, sha(`merge-${number}`));
  return plan;
}

/**
 * The servers of an end-to-end file: the local GitHub API and the emulator, started once for the
 * file, reset before each test with the SES sender verified, stopped at the end. `use` receives
 * them when they are up.
 */
export function useServers(use: (gh: GitHubServer, moto: Moto) => void): void {
  let gh: GitHubServer | undefined;
  let moto: Moto | undefined;
  beforeAll(async () => {
    [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
    use(gh, moto);
  });
  afterAll(async () => Promise.all([gh?.stop(), moto?.stop()]));
  beforeEach(async () => {
    gh!.reset();
    await moto!.reset();
    await verifySender(moto!);
  });
}

/** SES refuses a sender that is not verified; the account's owner does this once. */
export async function verifySender(moto: Moto): Promise<void> {
  await moto.clients().ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
}

/** A user the tool manages but the files don't list: a live change made behind the plan's back. */
export async function driftUser(moto: Moto, name: string): Promise<void> {
  await moto.clients().iam.send(
    new CreateUserCommand({
      UserName: name,
      Path: '/iam-gitops/',
      Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
    }),
  );
}

export async function iamUserNames(moto: Moto): Promise<string[]> {
  const { ListUsersCommand } = await import('@aws-sdk/client-iam');
  const r = await moto.clients().iam.send(new ListUsersCommand({}));
  return (r.Users ?? []).map((u) => u.UserName!).sort();
}

/** When GitHub says the action's plan comment on `number` was last posted or edited. */
export function postedAt(gh: GitHubServer, number: number): string {
  const bot = gh.comments(number).find((c) => c.user.login === 'github-actions[bot]');
  if (!bot) throw new Error(`no plan comment on #${number}`);
  return bot.updated_at;
}

/** A moment safely after `iso` (review timestamps must follow the plan comment). */
export const after = (iso: string, ms = 1000): string => new Date(Date.parse(iso) + ms).toISOString();
export const before = (iso: string, ms = 60000): string => new Date(Date.parse(iso) - ms).toISOString();

/** stderr without the AWS SDK's Node-version notice (printed on Node < 22, not by the action). */
export const quietStderr = (stderr: string): string =>
  stderr
    .replace(/\(node:\d+\) Warning: NodeVersionSupportWarning:[\s\S]*?https:\/\/a\.co\/\S+/g, '')
    .replace(/\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)/g, '')
    .trim();
