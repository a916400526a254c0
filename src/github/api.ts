/**
 * The GitHub REST calls the action makes, behind one small interface. Lists are read across all
 * pages with Octokit's paginate; the base URL is read when the client is made, not at import.
 */
import { getOctokit } from '@actions/github';
import { DEFAULT_BOT, type IssueComment } from './comment.js';
import type { Review } from './approvals.js';

export interface PullRequest {
  number: number;
  state: string;
  merged_at: string | null;
  merge_commit_sha: string | null;
  user: { login: string } | null;
  head: { sha: string; ref: string; repo?: { full_name: string } | null };
  base: { sha: string; ref: string };
  html_url?: string;
}

export interface GitHubApi {
  /** The login comments written with this token carry. */
  identity(): Promise<string>;
  listComments(issue: number): Promise<IssueComment[]>;
  createComment(issue: number, body: string): Promise<IssueComment>;
  updateComment(id: number, body: string): Promise<IssueComment>;
  pullsForCommit(sha: string): Promise<PullRequest[]>;
  getPull(pull: number): Promise<PullRequest>;
  listReviews(pull: number): Promise<Review[]>;
}

export interface RepoRef {
  owner: string;
  repo: string;
}

export function createGitHubApi(token: string, repo: RepoRef, baseUrl?: string): GitHubApi {
  const octokit = getOctokit(token, baseUrl ? { baseUrl } : {});
  let who: Promise<string> | undefined;
  return {
    identity() {
      // The workflow token cannot read /user (403); its comments are github-actions[bot]'s.
      who ??= octokit.rest.users
        .getAuthenticated()
        .then((r) => r.data.login)
        .catch(() => DEFAULT_BOT);
      return who;
    },
    async listComments(issue) {
      return (await octokit.paginate(octokit.rest.issues.listComments, {
        ...repo,
        issue_number: issue,
        per_page: 100,
      })) as IssueComment[];
    },
    async createComment(issue, body) {
      const r = await octokit.rest.issues.createComment({ ...repo, issue_number: issue, body });
      return r.data as IssueComment;
    },
    async updateComment(id, body) {
      const r = await octokit.rest.issues.updateComment({ ...repo, comment_id: id, body });
      return r.data as IssueComment;
    },
    async pullsForCommit(sha) {
      return (await octokit.paginate(octokit.rest.repos.listPullRequestsAssociatedWithCommit, {
        ...repo,
        commit_sha: sha,
        per_page: 100,
      })) as PullRequest[];
    },
    async getPull(pull) {
      const r = await octokit.rest.pulls.get({ ...repo, pull_number: pull });
      return r.data as PullRequest;
    },
    async listReviews(pull) {
      return (await octokit.paginate(octokit.rest.pulls.listReviews, {
        ...repo,
        pull_number: pull,
        per_page: 100,
      })) as Review[];
    },
  };
}

/** HTTP status of an Octokit error, if any. */
export function httpStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}
