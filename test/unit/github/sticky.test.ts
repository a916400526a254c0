/** The sticky comment against the local GitHub API: all pages, our author only, in-place update. */
import { createGitHubApi } from '../../../src/github/api.js';
import { composeComment, type CommentMeta } from '../../../src/github/comment.js';
import { readOwnComment, upsertComment } from '../../../src/github/sticky.js';
import { startGitHubServer, DEFAULT_TOKEN, type GitHubServer } from '../../harness/github-server.js';

let gh: GitHubServer;
beforeAll(async () => {
  gh = await startGitHubServer();
});
afterAll(async () => gh?.stop());
beforeEach(() => {
  gh.reset();
  gh.addPull({ number: 3, author: 'alice', headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40) });
});

const meta: CommentMeta = {
  hash: 'h',
  head: 'a'.repeat(40),
  base: 'b'.repeat(40),
  plannedAt: '2026-11-20T10:00:00.000Z',
  offline: false,
  truncated: false,
  counts: { create: 1, update: 0, delete: 0 },
};

test('our comment on page three is found and updated in place; a forged one is left alone', async () => {
  gh.addComment(3, 'mallory', composeComment({ ...meta, hash: 'forged' }, 'fake plan'));
  for (let i = 0; i < 220; i++) gh.addComment(3, 'bob', `chatter ${i}`);
  const ours = gh.addComment(3, 'github-actions[bot]', composeComment(meta, 'plan v1'));
  const api = createGitHubApi(DEFAULT_TOKEN, { owner: gh.owner, repo: gh.repo }, gh.url);
  const found = await readOwnComment(api, 3);
  expect(found.comment?.id).toBe(ours.id);
  expect(found.meta?.hash).toBe('h');
  expect(await upsertComment(api, 3, composeComment(meta, 'plan v2'), found.comment)).toBe('updated');
  const again = await readOwnComment(api, 3);
  expect(await upsertComment(api, 3, again.comment!.body!, again.comment)).toBe('unchanged');
  expect(gh.writes().map((w) => `${w.method} ${w.path}`)).toEqual([
    `PATCH /repos/acme/iam/issues/comments/${ours.id}`,
  ]);
  expect(gh.comments(3)[0]!.body).toContain('fake plan');
  expect(gh.comments(3).filter((c) => c.body.includes('plan v2'))).toHaveLength(1);
});

test('with no comment of ours, one is created', async () => {
  gh.addComment(3, 'mallory', composeComment(meta, 'fake plan'));
  const api = createGitHubApi(DEFAULT_TOKEN, { owner: gh.owner, repo: gh.repo }, gh.url);
  const found = await readOwnComment(api, 3);
  expect(found.comment).toBeUndefined();
  expect(await upsertComment(api, 3, composeComment(meta, 'real'), found.comment)).toBe('created');
  expect(gh.comments(3).map((c) => c.user.login)).toEqual(['mallory', 'github-actions[bot]']);
});
