/**
 * The two servers the end-to-end tests stand on, each proven with a real round trip: the local
 * GitHub API through the action's own Octokit client, and the AWS emulator through the SDK.
 */
import * as core from '@actions/core';
import { CreateUserCommand, GetUserCommand } from '@aws-sdk/client-iam';
import { createGitHubApi } from '../../src/github/api.js';
import {
  startGitHubServer,
  DEFAULT_TOKEN,
  READ_ONLY_TOKEN,
  OIDC_REQUEST_TOKEN,
  type GitHubServer,
} from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';

let gh: GitHubServer;
let moto: Moto;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop()]));
beforeEach(async () => {
  gh.reset();
  await moto.reset();
});

const repo = () => ({ owner: gh.owner, repo: gh.repo });

test('GitHub: comments written through Octokit are read back across pages with the Link header', async () => {
  gh.addPull({ number: 7, author: 'alice', headSha: 'a'.repeat(40), baseSha: 'b'.repeat(40) });
  for (let i = 0; i < 230; i++) gh.addComment(7, `user${i % 5}`, `comment ${i}`);
  const api = createGitHubApi(DEFAULT_TOKEN, repo(), gh.url);
  const created = await api.createComment(7, 'hello from the action');
  expect(created.user?.login).toBe('github-actions[bot]');
  const all = await api.listComments(7);
  expect(all).toHaveLength(231);
  expect(all[230]!.body).toBe('hello from the action');
  const pages = gh.requests.filter((r) => r.path.endsWith('/issues/7/comments') && r.method === 'GET');
  expect(pages.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
  expect(pages.every((r) => r.token === DEFAULT_TOKEN)).toBe(true);
  await api.updateComment(created.id, 'edited');
  expect(gh.comments(7).at(-1)!.body).toBe('edited');
});

test('GitHub: identities — workflow token is github-actions[bot], a personal token is its user', async () => {
  expect(await createGitHubApi(DEFAULT_TOKEN, repo(), gh.url).identity()).toBe('github-actions[bot]');
  gh.tokens.set('ghp_personal', { login: 'deploy-bot', canReadUser: true });
  expect(await createGitHubApi('ghp_personal', repo(), gh.url).identity()).toBe('deploy-bot');
  const unknown = createGitHubApi('ghp_wrong', repo(), gh.url);
  await expect(unknown.getPull(1)).rejects.toMatchObject({ status: 401 });
});

test('GitHub: a read-only token is refused writes with 403; another author cannot edit a comment', async () => {
  gh.addPull({ number: 8, author: 'alice', headSha: 'c'.repeat(40), baseSha: 'b'.repeat(40) });
  const ro = createGitHubApi(READ_ONLY_TOKEN, repo(), gh.url);
  await expect(ro.createComment(8, 'x')).rejects.toMatchObject({ status: 403 });
  expect(await ro.listComments(8)).toEqual([]);
  const theirs = gh.addComment(8, 'mallory', 'mine');
  await expect(
    createGitHubApi(DEFAULT_TOKEN, repo(), gh.url).updateComment(theirs.id, 'x'),
  ).rejects.toMatchObject({
    status: 403,
  });
});

test('GitHub: issues by label across pages, never pull requests; create, edit, close; labels made on use', async () => {
  gh.addPull({ number: 1, author: 'alice', headSha: 'd'.repeat(40), baseSha: 'b'.repeat(40) });
  for (let i = 0; i < 105; i++) gh.addIssue({ login: 'alice', title: `q${i}`, body: '', labels: ['ops'] });
  gh.addIssue({ login: 'alice', title: 'other', body: '', labels: ['misc'] });
  const api = createGitHubApi(DEFAULT_TOKEN, repo(), gh.url);
  const made = await api.createIssue('drift', 'body', ['ops', 'iam-gitops:drift']);
  expect(made).toMatchObject({ number: 108, state: 'open', user: { login: 'github-actions[bot]' } });
  expect(gh.labels()).toEqual(['iam-gitops:drift', 'misc', 'ops']);
  const ops = await api.listIssues('ops', 'open');
  expect(ops).toHaveLength(106);
  expect(ops.some((i) => i.number === 1)).toBe(false);
  expect(gh.requests.filter((r) => r.path.endsWith('/issues') && r.method === 'GET')).toHaveLength(2);
  await api.updateIssue(made.number, { body: 'new', state: 'closed', state_reason: 'completed' });
  expect(gh.issues('iam-gitops:drift')[0]).toMatchObject({ body: 'new', state: 'closed' });
  expect(await api.listIssues('iam-gitops:drift', 'open')).toEqual([]);
  expect(await api.listIssues('iam-gitops:drift', 'all')).toHaveLength(1);
  await expect(
    createGitHubApi(READ_ONLY_TOKEN, repo(), gh.url).createIssue('x', 'y', []),
  ).rejects.toMatchObject({ status: 403 });
});

test('GitHub: pulls of a commit and reviews come back as the gate reads them', async () => {
  gh.addPull({ number: 9, author: 'alice', headSha: 'd'.repeat(40), baseSha: 'b'.repeat(40) });
  gh.merge(9, 'e'.repeat(40));
  gh.addReview(9, {
    login: 'bob',
    state: 'APPROVED',
    commitId: 'd'.repeat(40),
    submittedAt: '2026-11-20T10:00:00Z',
  });
  const api = createGitHubApi(DEFAULT_TOKEN, repo(), gh.url);
  const pulls = await api.pullsForCommit('e'.repeat(40));
  expect(pulls.map((p) => [p.number, p.merge_commit_sha, Boolean(p.merged_at)])).toEqual([
    [9, 'e'.repeat(40), true],
  ]);
  expect(await api.pullsForCommit('f'.repeat(40))).toEqual([]);
  const reviews = await api.listReviews(9);
  expect(reviews).toMatchObject([{ user: { login: 'bob' }, state: 'APPROVED', commit_id: 'd'.repeat(40) }]);
});

test('GitHub: the OIDC endpoint answers core.getIDToken with a JWT for the audience', async () => {
  process.env.ACTIONS_ID_TOKEN_REQUEST_URL = gh.oidcUrl;
  process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = OIDC_REQUEST_TOKEN;
  try {
    const jwt = await core.getIDToken('sts.amazonaws.com');
    expect(jwt.split('.')).toHaveLength(3);
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims.aud).toBe('sts.amazonaws.com');
    expect(gh.oidcAudiences).toEqual(['sts.amazonaws.com']);
    process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN = 'wrong';
    await expect(core.getIDToken('sts.amazonaws.com')).rejects.toThrow();
  } finally {
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_URL;
    delete process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN;
  }
});

test('AWS emulator: a user created through the SDK is read back', async () => {
  const c = moto.clients();
  await c.iam.send(new CreateUserCommand({ UserName: 'e2e-round-trip', Path: '/iam-gitops/' }));
  const got = await c.iam.send(new GetUserCommand({ UserName: 'e2e-round-trip' }));
  expect(got.User?.Arn).toBe('arn:aws:iam::123456789012:user/iam-gitops/e2e-round-trip');
});
