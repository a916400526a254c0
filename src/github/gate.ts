/**
 * The approval gate before apply. What binds is what GitHub itself says: the pushed commit's
 * merged pull request, its final head, the reviews on it, the reviewers' roles and the commits
 * they made, the comment's own timestamps, and the settings at the commit the pull request was
 * merged onto. The plan comment is display and a hash pin; nothing written inside it loosens the
 * gate. Reads GitHub and the files; AWS is not touched here.
 */
import { desiredFilesAmong } from './changed-files.js';
import { effectiveGate, gateSettingsOf, readGateSettings, type EffectiveGate } from '../config/gate.js';
import type { Settings } from '../inputs.js';
import type { LoadResult } from '../desired/index.js';
import type { DesiredState } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { Plan } from '../model/plan.js';
import { code, prose } from '../plan/md.js';
import { outsidePin, unpin } from '../plan/pin.js';
import type { GitHubApi, PullRequest } from './api.js';
import { evaluateApprovals, reviewersToLookUp, short, type ApprovalResult } from './approvals.js';
import type { CommentMeta, IssueComment } from './comment.js';
import type { Deps } from './deps.js';
import { planDiff } from './status.js';
import { readOwnComment } from './sticky.js';

export interface GateContext {
  pr?: PullRequest;
  comment?: IssueComment;
  meta?: CommentMeta | null;
  identity?: string;
  approvals?: ApprovalResult;
  diagnostics?: Diagnostic[];
}

export type GateResult =
  | ({
      ok: true;
      approvals: ApprovalResult;
      pr: PullRequest;
      meta: CommentMeta;
      desired: DesiredState;
      /** The merged files as the gate read and validated them; the plan uses the same reading. */
      loaded: LoadResult;
      gate: EffectiveGate;
    } & GateContext)
  | ({ ok: false; reason: string; detail?: string } & GateContext);

function defaultBranchOf(s: Settings): string | undefined {
  const repo = s.payload.repository as { default_branch?: string } | undefined;
  return repo?.default_branch;
}

/** The merged pull request this push delivered to the default branch, if any. */
export async function findMergedPull(
  d: Deps,
  sha: string,
  defaultBranch: string,
): Promise<PullRequest | undefined> {
  const pulls = (await d.api.pullsForCommit(sha)).filter((p) => p.merged_at && p.base.ref === defaultBranch);
  return pulls.find((p) => p.merge_commit_sha === sha) ?? pulls[0];
}

/** The configuration file's path in the repository, as the contents API names it. */
export function repoConfigPath(s: Pick<Settings, 'dirFromWorkspace' | 'configPath'>): string {
  const dir =
    s.dirFromWorkspace && s.dirFromWorkspace !== '.' ? `${s.dirFromWorkspace.replace(/\/$/, '')}/` : '';
  return `${dir}${s.configPath}`.replace(/^\.\//, '');
}

/** The commit the push moved the default branch from: the settings in force before this merge. */
export function baseOfPush(s: Settings, pr: PullRequest): string {
  const before = (s.payload as { before?: unknown }).before;
  return typeof before === 'string' && /^[0-9a-f]{40}$/.test(before) && !/^0+$/.test(before)
    ? before
    : pr.base.sha;
}

/** The gate settings in force for a change from `baseRef` to the files in `head`. Throws when GitHub cannot say. */
export async function gateInForce(
  api: GitHubApi,
  s: Settings,
  baseRef: string,
  head: DesiredState,
): Promise<EffectiveGate> {
  const text = await api.fileAt(repoConfigPath(s), baseRef);
  const base = readGateSettings(text);
  return effectiveGate(base.settings, gateSettingsOf(head.config), base.notes);
}

/**
 * When GitHub says the plan comment was posted. An edit before the merge (a re-plan in place)
 * counts; an edit after it (the apply's own status, or anyone's) is not a plan a reviewer saw, so
 * the creation time stands for it. The plan flow posts a new comment whenever the planned head or
 * hash changes, so the creation time is that plan's.
 */
export function planPostedAt(comment: IssueComment, mergedAt: string | null): string {
  const created = comment.created_at ?? '';
  const updated = comment.updated_at ?? created;
  const merged = mergedAt ? Date.parse(mergedAt) : Infinity;
  return Date.parse(updated) <= merged && Date.parse(updated) > Date.parse(created) ? updated : created;
}

/** Who authored or committed each commit of the pull request: none of them may approve it. */
async function contributorsOf(api: GitHubApi, pr: PullRequest): Promise<Map<string, string> | string> {
  const commits = await api.listPullCommits(pr.number);
  const total = (pr as { commits?: number }).commits;
  if (commits.length >= 250 || (typeof total === 'number' && total > commits.length))
    return `pull request #${pr.number} has ${total ?? 'at least 250'} commits; GitHub lists only 250, so who changed it cannot be checked. Squash it or split it`;
  const out = new Map<string, string>();
  for (const c of commits)
    for (const who of [c.author?.login, c.committer?.login])
      if (who && !out.has(who.toLowerCase())) out.set(who.toLowerCase(), c.sha);
  return out;
}

export async function checkGate(s: Settings, d: Deps): Promise<GateResult> {
  if (s.eventName !== 'push')
    return {
      ok: false,
      reason: `apply runs on a push to the default branch, not on the '${s.eventName}' event`,
    };
  const defaultBranch = defaultBranchOf(s);
  if (!defaultBranch) return { ok: false, reason: 'the push event does not name the default branch' };
  if (s.ref !== `refs/heads/${defaultBranch}`)
    return {
      ok: false,
      reason: `apply runs only on pushes to the default branch '${defaultBranch}'; this push is to ${s.ref}`,
    };
  const merged = await findMergedPull(d, s.sha, defaultBranch);
  if (!merged)
    return {
      ok: false,
      reason:
        `commit ${short(s.sha)} was pushed to '${defaultBranch}' directly, not merged from a pull request. ` +
        'Only a reviewed plan is applied: open a pull request, let the plan run and get it approved',
    };
  // The full record (commit count, final head) rather than the search result's summary.
  const pr = await d.api.getPull(merged.number);
  const own = await readOwnComment(d.api, pr.number);
  const ctx: GateContext = { pr, comment: own.comment, meta: own.meta, identity: own.identity };

  const superseded = await supersededBy(s, d, defaultBranch);
  if (superseded) return { ok: false, reason: superseded, ...ctx };

  // The files first: an invalid merge is refused for what is wrong, with every file:line.
  const loaded = await d.loadDesired(s.dir, s.configPath);
  const errors = loaded.diagnostics.filter((x) => x.severity === 'error');
  if (!loaded.state || errors.length > 0)
    return {
      ok: false,
      reason: `the merged files are invalid (${errors.length} error${errors.length === 1 ? '' : 's'}); fix them in a new pull request`,
      ...ctx,
      diagnostics: loaded.diagnostics,
    };

  if (!own.comment || !own.meta)
    return {
      ok: false,
      reason: `pull request #${pr.number} has no plan comment by ${own.identity}, so there is no approved plan. Run the plan on the pull request first`,
      ...ctx,
    };
  const meta = own.meta;
  if (meta.head !== pr.head.sha)
    return {
      ok: false,
      reason: `the plan comment is for commit ${short(meta.head)}, but the pull request's final head is ${short(pr.head.sha)}; the plan never ran on what was merged`,
      ...ctx,
    };

  const baseRef = baseOfPush(s, pr);
  let gate: EffectiveGate;
  try {
    gate = await gateInForce(d.api, s, baseRef, loaded.state);
  } catch (err) {
    return {
      ok: false,
      reason: `the settings in force at ${short(baseRef)} could not be read from GitHub (${err instanceof Error ? err.message : String(err)}); grant the job \`contents: read\``,
      ...ctx,
    };
  }

  const contributors = await contributorsOf(d.api, pr);
  if (typeof contributors === 'string') return { ok: false, reason: contributors, ...ctx };
  const facts = {
    reviews: await d.api.listReviews(pr.number),
    author: pr.user?.login ?? '',
    headSha: pr.head.sha,
    planPostedAt: planPostedAt(own.comment, pr.merged_at),
    contributors,
  };
  const roles = new Map<string, string>();
  for (const login of reviewersToLookUp(facts))
    roles.set(login.toLowerCase(), await d.api.permissionOf(login));
  const approvals = evaluateApprovals({ ...facts, roles, required: gate.settings.requiredApprovals });
  if (!approvals.ok) return { ok: false, reason: `not approved: ${approvals.message}`, ...ctx, approvals };
  return { ...ctx, ok: true, approvals, pr, meta, desired: loaded.state, loaded, gate };
}

export type SamePlan =
  | { ok: true; mode: 'exact' | 'nothing-left' | 'continue'; remaining: number }
  | { ok: false; reason: string; detail: string };

/**
 * The fresh plan must be the approved plan, or what is left of it after an earlier run of this
 * apply did part of the work: every operation still planned must be one the reviewers approved.
 */
export function checkSamePlan(meta: CommentMeta, fresh: Plan): SamePlan {
  if (fresh.errors.length)
    return {
      ok: false,
      reason: 'the plan cannot be applied',
      detail: fresh.errors.map((e) => `- ${prose(e)}`).join('\n'),
    };
  const remaining = fresh.changes.filter((o) => o.action !== 'no-op').length;
  if (fresh.hash === meta.hash) return { ok: true, mode: 'exact', remaining };
  if (remaining === 0) return { ok: true, mode: 'nothing-left', remaining };
  const pinned = meta.pin !== undefined ? unpin(meta.pin) : null;
  if (pinned) {
    const outside = outsidePin(fresh.changes, pinned);
    if (outside.length === 0) return { ok: true, mode: 'continue', remaining };
    return {
      ok: false,
      reason: `the plan now holds ${outside.length} operation${outside.length === 1 ? '' : 's'} the reviewers never approved (approved ${meta.hash.slice(0, 12)}, now ${fresh.hash.slice(0, 12)}); the account or the files moved. Open a new pull request so the new plan is reviewed`,
      detail: [
        'Planned now but never approved:',
        '',
        ...outside.slice(0, 50).map((o) => `- ${o.action} ${o.type} ${code(o.name)}`),
        outside.length > 50 ? `- … and ${outside.length - 50} more` : '',
      ]
        .filter(Boolean)
        .join('\n'),
    };
  }
  return {
    ok: false,
    reason: `the plan changed since it was approved (approved ${meta.hash.slice(0, 12)}, now ${fresh.hash.slice(0, 12)}); the account or the files moved. Re-run the plan on a new pull request and approve it again`,
    detail: planDiff(meta, fresh),
  };
}

/**
 * Why this push may no longer apply: the default branch has moved on to a commit that changes the
 * files the plan reads. Re-running an older apply (a failed job, "Re-run all jobs") would put the
 * older files back over what was merged and applied after it; the newer push's own run applies.
 * A later commit that leaves those files alone (a README) does not stop a re-run.
 */
async function supersededBy(s: Settings, d: Deps, branch: string): Promise<string | undefined> {
  let head: string;
  let changed: string[] | null;
  try {
    head = await d.api.branchHead(branch);
    if (head === s.sha) return undefined;
    changed = await d.api.changedBetween(s.sha, head);
  } catch (err) {
    return (
      `whether '${branch}' has moved on since commit ${short(s.sha)} could not be read from GitHub ` +
      `(${err instanceof Error ? err.message : String(err)}); grant the job \`contents: read\``
    );
  }
  const relevant =
    changed === null
      ? null
      : await desiredFilesAmong(changed, {
          dir: s.dir,
          configPath: s.configPath,
          repository: `${s.repo.owner}/${s.repo.repo}`,
        });
  if (relevant !== null && relevant.length === 0) return undefined;
  const what = relevant === null ? 'more files than GitHub lists' : relevant.slice(0, 5).join(', ');
  return (
    `'${branch}' has moved on from commit ${short(s.sha)} to ${short(head)}, which changes ${what}; ` +
    'applying this older commit would undo that change. The run for the newer commit applies it: ' +
    're-run that one instead'
  );
}
