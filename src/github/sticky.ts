/** Creates or updates the one sticky plan comment on a pull request. */
import type { GitHubApi } from './api.js';
import { findOwnComment, parseMeta, type CommentMeta, type IssueComment } from './comment.js';

export interface Existing {
  comment: IssueComment | undefined;
  meta: CommentMeta | null;
  identity: string;
}

/** Our comment on the pull request (all pages, our author only) and its metadata. */
export async function readOwnComment(api: GitHubApi, issue: number): Promise<Existing> {
  const [identity, comments] = await Promise.all([api.identity(), api.listComments(issue)]);
  const comment = findOwnComment(comments, identity);
  return { comment, meta: parseMeta(comment?.body), identity };
}

export type UpsertResult = 'created' | 'updated' | 'unchanged';

/** Updates our comment in place (no call when the body is the same), or creates it. */
export async function upsertComment(
  api: GitHubApi,
  issue: number,
  body: string,
  existing?: IssueComment,
): Promise<UpsertResult> {
  if (existing) {
    if (existing.body === body) return 'unchanged';
    await api.updateComment(existing.id, body);
    return 'updated';
  }
  await api.createComment(issue, body);
  return 'created';
}
