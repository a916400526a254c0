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
  user: { login: string; type?: string } | null;
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
  /** The pull request's commits with the GitHub accounts of author and committer (at most 250). */
  listPullCommits(pull: number): Promise<PullCommitInfo[]>;
  /** The user's role on the repository: admin, maintain, write, triage, read or none. */
  permissionOf(login: string): Promise<string>;
  /** A file's text at a commit, or null when it does not exist there. */
  fileAt(path: string, ref: string): Promise<string | null>;
  /** The commit a branch points at now. */
  branchHead(branch: string): Promise<string>;
  /** The files changed from `base` to `head`; null when GitHub lists only part of them (over 300). */
  changedBetween(base: string, head: string): Promise<string[] | null>;
  deleteComment(id: number): Promise<void>;
  /** Issues (never pull requests) carrying `label`, open or all, across every page. */
  listIssues(label: string, state: 'open' | 'all'): Promise<Issue[]>;
  /** Opens an issue; GitHub creates a label that does not exist yet. */
  createIssue(title: string, body: string, labels: string[]): Promise<Issue>;
  /** Edits an issue's title, body or state (closing one says why in `state_reason`). */
  updateIssue(number: number, change: IssueChange): Promise<Issue>;
}

export interface Issue {
  number: number;
  title: string;
  body?: string | null;
  state: string;
  user: { login: string } | null;
  labels?: Array<string | { name?: string }>;
  html_url?: string;
  /** Set when the "issue" is a pull request: the issues list returns both. */
  pull_request?: unknown;
}

export interface IssueChange {
  title?: string;
  body?: string;
  state?: 'open' | 'closed';
  state_reason?: 'completed' | 'not_planned' | 'reopened';
}

export interface PullCommitInfo {
  sha: string;
  author: { login: string } | null;
  committer: { login: string } | null;
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
    async listPullCommits(pull) {
      return (await octokit.paginate(octokit.rest.pulls.listCommits, {
        ...repo,
        pull_number: pull,
        per_page: 100,
      })) as PullCommitInfo[];
    },
    async permissionOf(login) {
      try {
        const r = await octokit.rest.repos.getCollaboratorPermissionLevel({ ...repo, username: login });
        // role_name tells maintain from write and triage from read; permission is the older field.
        const data = r.data as { permission?: string; role_name?: string };
        return (data.role_name || data.permission || 'none').toLowerCase();
      } catch (err) {
        // 404: not a collaborator, or no such user. Either way: no permission.
        if (httpStatus(err) === 404) return 'none';
        throw err;
      }
    },
    async branchHead(branch) {
      const r = await octokit.rest.repos.getBranch({ ...repo, branch });
      return r.data.commit.sha;
    },
    async changedBetween(base, head) {
      const r = await octokit.rest.repos.compareCommitsWithBasehead({
        ...repo,
        basehead: `${base}...${head}`,
      });
      const files = r.data.files ?? [];
      // GitHub lists at most 300 files of a comparison: a partial list cannot prove "nothing relevant".
      if (files.length >= 300) return null;
      return files.flatMap((f) => (f.previous_filename ? [f.filename, f.previous_filename] : [f.filename]));
    },
    async fileAt(path, ref) {
      try {
        const r = await octokit.rest.repos.getContent({ ...repo, path, ref });
        const data = r.data as { type?: string; encoding?: string; content?: string };
        if (Array.isArray(r.data) || data.type !== 'file' || data.content === undefined)
          throw new Error(`${path} at ${ref.slice(0, 7)} is not a file`);
        return Buffer.from(data.content, (data.encoding ?? 'base64') as BufferEncoding).toString('utf8');
      } catch (err) {
        if (httpStatus(err) === 404) return null;
        throw err;
      }
    },
    async deleteComment(id) {
      await octokit.rest.issues.deleteComment({ ...repo, comment_id: id });
    },
    async listIssues(label, state) {
      const all = (await octokit.paginate(octokit.rest.issues.listForRepo, {
        ...repo,
        labels: label,
        state,
        per_page: 100,
      })) as Issue[];
      return all.filter((i) => !i.pull_request);
    },
    async createIssue(title, body, labels) {
      const r = await octokit.rest.issues.create({ ...repo, title, body, labels });
      return r.data as Issue;
    },
    async updateIssue(number, change) {
      const r = await octokit.rest.issues.update({ ...repo, issue_number: number, ...change });
      return r.data as Issue;
    },
  };
}

/** HTTP status of an Octokit error, if any. */
export function httpStatus(err: unknown): number | undefined {
  const s = (err as { status?: unknown })?.status;
  return typeof s === 'number' ? s : undefined;
}
