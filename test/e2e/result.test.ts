/**
 * After merge, run as `node dist/index.js`: the apply posts its result as a new comment on the
 * merged pull request (people are notified; an edit notifies nobody) with a link to the run, and
 * still marks the plan comment. A re-run finds the plan comment again, not the result.
 */
import type { GitHubServer } from '../harness/github-server.js';
import type { Moto } from '../harness/moto.js';
import { MARKER as PLAN_MARKER, parseMeta, RESULT_MARKER } from '../../src/github/comment.js';
import { after, applyRun, iamUserNames, planRun, postedAt, repoFiles, sha, useServers } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
useServers((g, m) => ([gh, moto] = [g, m]));

const ctx = () => ({ gh, moto });
const HEAD = sha('pr-head');
const MERGE = sha('merge');
const files = repoFiles([{ username: 'carol', console: true }]);
const RUN_LINK = '(https://github.com/acme/iam/actions/runs/4242)';
const bot = () => gh.comments(5).filter((c) => c.user.login === 'github-actions[bot]');

async function plannedPr(): Promise<string> {
  gh.addPull({ number: 5, author: 'alice', headSha: HEAD, baseSha: sha('base') });
  expect((await planRun(ctx(), 5, files)).exitCode).toBe(0);
  return postedAt(gh, 5);
}

test('an applied merge gets a new result comment with the run link; a re-run still finds the plan', async () => {
  const plannedAt = await plannedPr();
  gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: after(plannedAt) });
  gh.merge(5, MERGE);
  const run = await applyRun(ctx(), MERGE, files);
  expect(run.exitCode).toBe(0);
  expect(await iamUserNames(moto)).toEqual(['carol']);
  const [plan, result] = bot();
  expect(bot()).toHaveLength(2);
  expect(plan!.body.startsWith(PLAN_MARKER)).toBe(true);
  expect(parseMeta(plan!.body)?.status).toBe('applied');
  expect(result!.body.startsWith(`${RESULT_MARKER}\n### ✅ iam-gitops: applied`)).toBe(true);
  expect(result!.body).toMatch(/Approved by bob; applied from commit [0-9a-f]{7}\./);
  expect(result!.body).toContain('**Created users:** `carol`');
  expect(result!.body).toContain(`[Workflow run 4242]${RUN_LINK}`);
  expect(result!.body).not.toContain('carol@example.com');

  // Re-run of the same push: the gate reads the plan comment (not the newer result) and passes.
  const again = await applyRun(ctx(), MERGE, files);
  expect(again.exitCode).toBe(0);
  expect(again.writes).toEqual([]);
  expect(bot()).toHaveLength(3);
  expect(bot()[2]!.body).toContain('### ✅ iam-gitops: nothing left to apply');
  expect(bot()[0]!.id).toBe(plan!.id);
}, 120000);

test('a refused merge gets a new result comment saying why and how to finish, with the run link', async () => {
  await plannedPr();
  gh.merge(5, MERGE);
  const run = await applyRun(ctx(), MERGE, files);
  expect(run.exitCode).toBe(1);
  expect(run.writes).toEqual([]);
  const [plan, result] = bot();
  expect(parseMeta(plan!.body)?.status).toBe('refused');
  expect(result!.body.startsWith(`${RESULT_MARKER}\n### 🛑 iam-gitops: apply refused`)).toBe(true);
  expect(result!.body).toMatch(/0 of 1 approval/);
  expect(result!.body).toContain('To finish a failed apply, re-run the apply job');
  expect(result!.body).toContain(RUN_LINK);
}, 120000);
