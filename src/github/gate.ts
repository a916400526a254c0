/**
 * The approval gate before apply: the pushed commit's merged pull request, the action's own plan
 * comment on it, and approvals of that exact plan. Reads GitHub only; AWS is not touched here.
 */
import type { Settings } from '../inputs.js';
import type { Plan } from '../model/plan.js';
import type { Config } from '../model/desired.js';
import type { PullRequest } from './api.js';
import { evaluateApprovals, type ApprovalResult } from './approvals.js';
import type { CommentMeta, IssueComment } from './comment.js';
import type { Deps } from './deps.js';
import { planDiff } from './status.js';
import { readOwnComment } from './sticky.js';

export interface GateContext {
  pr?: PullRequest;
  comment?: IssueComment;
  meta?: CommentMeta | null;
  identity?: string;
}

export type GateResult =
  | ({
      ok: true;
      approvals: ApprovalResult;
      pr: PullRequest;
      meta: CommentMeta;
      config: Config;
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
  const pr = await findMergedPull(d, s.sha, defaultBranch);
  if (!pr)
    return {
      ok: false,
      reason:
        `commit ${s.sha.slice(0, 7)} was pushed to '${defaultBranch}' directly, not merged from a pull request. ` +
        'Only a reviewed plan is applied: open a pull request, let the plan run and get it approved',
    };
  const own = await readOwnComment(d.api, pr.number);
  const ctx: GateContext = { pr, comment: own.comment, meta: own.meta, identity: own.identity };
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
      reason: `the plan comment is for commit ${meta.head.slice(0, 7)}, but the pull request's final head is ${pr.head.sha.slice(0, 7)}; the plan never ran on what was merged`,
      ...ctx,
    };
  const config = await d.loadConfig(s.dir, s.configPath);
  if (!config)
    return {
      ok: false,
      reason: 'the configuration on the default branch is invalid; run `iam-gitops validate`',
      ...ctx,
    };
  const approvals = evaluateApprovals({
    reviews: await d.api.listReviews(pr.number),
    author: pr.user?.login ?? '',
    headSha: pr.head.sha,
    plannedAt: meta.plannedAt,
    required: config.requiredApprovals,
  });
  if (!approvals.ok) return { ok: false, reason: `not approved: ${approvals.message}`, ...ctx };
  return { ...ctx, ok: true, approvals, pr, meta, config };
}

/** The re-plan must be the approved plan, exactly. */
export function checkSamePlan(
  meta: CommentMeta,
  fresh: Plan,
): { ok: true } | { ok: false; reason: string; detail: string } {
  if (fresh.errors.length)
    return {
      ok: false,
      reason: 'the plan cannot be applied',
      detail: fresh.errors.map((e) => `- ${e}`).join('\n'),
    };
  if (fresh.hash === meta.hash) return { ok: true };
  return {
    ok: false,
    reason: `the plan changed since it was approved (approved ${meta.hash.slice(0, 12)}, now ${fresh.hash.slice(0, 12)}); the account or the files moved. Re-run the plan on a new pull request and approve it again`,
    detail: planDiff(meta, fresh),
  };
}
