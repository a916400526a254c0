/**
 * The gate as an attacker and a careless user would try it, run as `node dist/index.js` against
 * the local GitHub API and the emulator: who may approve, settings a pull request changes about
 * its own gate, text a workflow can write into the plan comment, and merges of invalid files.
 * Every refusal leaves AWS untouched and says why on the pull request.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeRepo } from '../harness/action-runner.js';
import type { GitHubServer } from '../harness/github-server.js';
import type { Moto } from '../harness/moto.js';
import { composeComment, parseMeta } from '../../src/github/comment.js';
import {
  after,
  applyRun,
  before,
  config,
  iamUserNames,
  planRun,
  postedAt,
  repoFiles,
  sha,
  useServers,
} from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
useServers((g, m) => ([gh, moto] = [g, m]));

const ctx = () => ({ gh, moto });
const HEAD = sha('gate-head');
const MERGE = sha('gate-merge');
/** The default branch before the merge (scenario.ts's push event): where the settings in force are read. */
const BEFORE = sha('before-' + MERGE);
const files = repoFiles([{ username: 'carol', console: true }, { username: 'dave' }]);
const comment = () => gh.comments(5).find((c) => c.user.login === 'github-actions[bot]')!;

async function plannedPr(repo = files): Promise<string> {
  gh.addPull({ number: 5, author: 'alice', headSha: HEAD, baseSha: sha('gate-base') });
  await planRun(ctx(), 5, repo);
  expect(parseMeta(comment().body)).not.toBeNull();
  return postedAt(gh, 5);
}

const approve = (login: string, at: string) =>
  gh.addReview(5, { login, state: 'APPROVED', commitId: HEAD, submittedAt: after(at) });

async function applyRefused(pattern: RegExp, repo = files) {
  gh.merge(5, MERGE);
  const run = await applyRun(ctx(), MERGE, repo);
  expect(run.exitCode).toBe(1);
  expect(run.writes).toEqual([]);
  expect(await iamUserNames(moto)).toEqual([]);
  expect(run.stdout).toMatch(/::error::iam-gitops: apply refused: /);
  expect(comment().body).toMatch(/apply refused/);
  expect(comment().body).toMatch(pattern);
  expect(run.summary).toMatch(pattern);
  return run;
}

describe('only people with write access who did not change the pull request may approve', () => {
  test('a non-collaborator, a bot with write access and a second account of the author do not count', async () => {
    const at = await plannedPr();
    gh.setPermission('renovate[bot]', 'write');
    approve('stranger', at); // author_association NONE
    approve('renovate[bot]', at);
    approve('alice-alt', at); // the author's second account: no access of its own
    await applyRefused(/0 of 1 approval/);
    const body = comment().body;
    expect(body).toMatch(/\| @\u200bstranger \| ❌ \| has no access to the repository/);
    expect(body).toMatch(/\| @\u200brenovate\[bot\] \| ❌ \| is a bot account/);
    expect(body).toMatch(/\| @\u200balice-alt \| ❌ \| has no access to the repository/);
    expect(
      gh.requests
        .filter((q) => q.path.includes('/collaborators/'))
        .map((q) => q.path)
        .sort(),
    ).toEqual([
      '/repos/acme/iam/collaborators/alice-alt/permission',
      '/repos/acme/iam/collaborators/stranger/permission',
    ]);
  });

  test('someone who pushed a commit to the pull request cannot approve it, even as an admin', async () => {
    const at = await plannedPr();
    gh.setPermission('carol', 'admin');
    gh.setCommits(5, [
      { sha: sha('first'), author: 'alice', committer: 'alice' },
      { sha: HEAD, author: 'carol', committer: 'carol' },
    ]);
    approve('carol', at);
    await applyRefused(/carol authored or committed [0-9a-f]{7} of this pull request/);
  });

  test('a reviewer with read access does not count; one with maintain does, and the apply goes ahead', async () => {
    const at = await plannedPr();
    gh.setPermission('erin', 'read');
    gh.setPermission('frank', 'maintain');
    approve('erin', at);
    gh.merge(5, MERGE);
    const refused = await applyRun(ctx(), MERGE, files);
    expect(refused.exitCode).toBe(1);
    expect(comment().body).toMatch(/erin \| ❌ \| has only read access/);
    approve('frank', at);
    const run = await applyRun(ctx(), MERGE, files);
    expect(run.exitCode).toBe(0);
    expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  });
});

describe('a pull request cannot loosen its own gate', () => {
  const lowered = repoFiles([{ username: 'carol' }, { username: 'dave' }]); // requiredApprovals: 1

  test('lowering requiredApprovals from 2 to 1 is shown on the plan and still needs 2', async () => {
    gh.setFile(
      sha('gate-base'),
      'iam-gitops.yml',
      config().replace('requiredApprovals: 1', 'requiredApprovals: 2'),
    );
    gh.setFile(BEFORE, 'iam-gitops.yml', config().replace('requiredApprovals: 1', 'requiredApprovals: 2'));
    const at = await plannedPr(lowered);
    expect(comment().body).toMatch(/This pull request changes the settings that guard the gate/);
    expect(comment().body).toMatch(/requiredApprovals: 2 → 1; until this merges, 2 is in force/);
    expect(comment().body.indexOf('guard the gate')).toBeLessThan(comment().body.indexOf('to create'));
    approve('bob', at);
    await applyRefused(/not approved: 1 of 2 approvals/, lowered);
    gh.setPermission('carol-reviewer', 'write');
    approve('carol-reviewer', at);
    const run = await applyRun(ctx(), MERGE, lowered);
    expect(run.exitCode).toBe(0);
    expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  });

  test('raising maxDeletes in the same pull request that deletes does not allow the deletions', async () => {
    const base = config('maxDeletes: 0');
    gh.setFile(sha('gate-base'), 'iam-gitops.yml', base);
    gh.setFile(BEFORE, 'iam-gitops.yml', base);
    // Two managed users exist; the pull request removes both and raises the limit to 10.
    for (const name of ['old1', 'old2'])
      await moto.clients().iam.send(
        new (await import('@aws-sdk/client-iam')).CreateUserCommand({
          UserName: name,
          Path: '/iam-gitops/',
          Tags: [{ Key: 'managed-by', Value: 'iam-gitops' }],
        }),
      );
    const raise = repoFiles([{ username: 'carol' }], {}, config('maxDeletes: 10'));
    gh.addPull({ number: 5, author: 'alice', headSha: HEAD, baseSha: sha('gate-base') });
    const plan = await planRun(ctx(), 5, raise);
    expect(plan.exitCode).toBe(1);
    expect(comment().body).toMatch(/maxDeletes: 0 → 10; until this merges, 0 is in force/);
    expect(comment().body).toMatch(/more than maxDeletes \(0\)/);
    approve('bob', postedAt(gh, 5));
    gh.merge(5, MERGE);
    const run = await applyRun(ctx(), MERGE, raise);
    expect(run.exitCode).toBe(1);
    expect(run.writes).toEqual([]);
    expect(await iamUserNames(moto)).toEqual(['old1', 'old2']);
  });
});

describe('nothing the gate trusts is read from the comment text', () => {
  test('a workflow that rewrites plannedAt cannot make an approval given before the plan count', async () => {
    const at = await plannedPr();
    gh.addReview(5, { login: 'bob', state: 'APPROVED', commitId: HEAD, submittedAt: before(at, 5000) });
    // Any workflow on any branch writes as the same bot: it backdates the plan in the metadata.
    const c = comment();
    const meta = parseMeta(c.body)!;
    c.body = composeComment({ ...meta, plannedAt: '2000-01-01T00:00:00.000Z' }, 'plan');
    await applyRefused(/bob approved at .* before the plan comment was posted/);
  });

  test('a forged "applied" status never turns a run with changes into "nothing to do"', async () => {
    const at = await plannedPr();
    approve('bob', at);
    const c = comment();
    c.body = composeComment({ ...parseMeta(c.body)!, status: 'applied' }, 'applied');
    gh.merge(5, MERGE);
    const run = await applyRun(ctx(), MERGE, files);
    expect(run.stdout).not.toMatch(/already applied/);
    expect(run.exitCode).toBe(0);
    expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  });

  test('with a forged "applied" status and changes nobody approved, the run is refused, not green', async () => {
    const at = await plannedPr();
    approve('bob', at);
    const c = comment();
    c.body = composeComment({ ...parseMeta(c.body)!, status: 'applied' }, 'applied');
    gh.merge(5, MERGE);
    const other = repoFiles([
      { username: 'carol', console: true },
      { username: 'dave' },
      { username: 'mallory' },
    ]);
    const run = await applyRun(ctx(), MERGE, other);
    expect(run.exitCode).toBe(1);
    expect(run.writes).toEqual([]);
    expect(comment().body).toMatch(/never approved/);
    expect(comment().body).toMatch(/create user `mallory`/);
  });
});

describe('an invalid merge is refused for what is wrong', () => {
  test('a bad CSV row is named with file:line:col in the comment, the log and an annotation', async () => {
    const at = await plannedPr();
    approve('bob', at);
    // The merge result differs from the planned head (a conflict resolved badly on merge).
    const broken = {
      ...files,
      'users/team.csv':
        'username,email,groups,policies,console\ncarol,carol@example.com,,,true\ndave,not-an-email,,,false\n',
    };
    const run = await applyRefused(/merged files are invalid \(1 error\)/, broken);
    expect(comment().body).toMatch(/users\/team\.csv:3:\d+/);
    expect(comment().body).not.toMatch(/has no plan comment|configuration .* is invalid/);
    expect(run.annotations).toContainEqual(
      expect.objectContaining({ level: 'error', file: 'users/team.csv', line: 3 }),
    );
  });

  test('an invalid merge on a pull request whose plan failed is refused for the files, not for the missing plan', async () => {
    gh.addPull({ number: 5, author: 'alice', headSha: HEAD, baseSha: sha('gate-base') });
    const broken = { ...files, 'iam-gitops.yml': config('requiredApprovals: many') };
    const plan = await planRun(ctx(), 5, broken);
    expect(plan.exitCode).toBe(1);
    gh.merge(5, MERGE);
    const run = await applyRun(ctx(), MERGE, broken);
    expect(run.exitCode).toBe(1);
    expect(run.stdout).toMatch(/apply refused: the merged files are invalid/);
    expect(run.summary).toMatch(/iam-gitops\.yml:\d+:\d+/);
    expect(run.calls).toEqual([]);
  });
});

describe('a re-run of an older apply cannot undo what was merged after it', () => {
  test('once the default branch moved on to a commit that changes users/, the older apply is refused; a README-only commit does not stop it', async () => {
    const at = await plannedPr();
    approve('bob', at);
    gh.merge(5, MERGE);
    // The apply job's checkout: a git work tree, so the gate can tell which paths the plan reads.
    const workspace = mkdtempSync(path.join(tmpdir(), 'iam-gitops-rerun-'));
    writeRepo(workspace, files);
    execFileSync('git', ['init', '-q'], { cwd: workspace });
    const later = sha('gate-later');
    gh.setBranchHead(gh.defaultBranch, later);

    gh.setCompare(MERGE, later, ['README.md', 'users/team.csv']);
    const refused = await applyRun(ctx(), MERGE, files, { workspace });
    expect(refused.exitCode).toBe(1);
    expect(refused.writes).toEqual([]);
    expect(await iamUserNames(moto)).toEqual([]);
    expect(comment().body).toMatch(
      /has moved on from commit \S+ to \S+, which changes users\/team\.csv; applying this older commit would undo that change/,
    );

    gh.setCompare(MERGE, later, ['README.md']);
    const run = await applyRun(ctx(), MERGE, files, { workspace });
    expect(run.exitCode).toBe(0);
    expect(await iamUserNames(moto)).toEqual(['carol', 'dave']);
  });
});
