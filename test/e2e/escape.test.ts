/**
 * Untrusted text end to end through `node dist/index.js`, the local GitHub API and the emulator:
 * hostile files and AWS messages never become a workflow command, Markdown or HTML, an address is
 * never shown, and a symbolic link never carries a file from outside the checkout into the run.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runAction, writeRepo, type ActionRun } from '../harness/action-runner.js';
import { formParams, forward, readBody, serviceOf } from '../harness/gap-proxy.js';
import type { GitHubServer } from '../harness/github-server.js';
import type { Moto } from '../harness/moto.js';
import {
  applyRun,
  approvedPr,
  planRun,
  prPayload,
  PLAN_ROLE,
  repoFiles,
  sha,
  useServers,
} from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
useServers((g, m) => ([gh, moto] = [g, m]));

const ctx = () => ({ gh, moto });
const botBody = (n: number) => gh.comments(n).find((c) => c.user.login === 'github-actions[bot]')?.body ?? '';

/** Workflow-command lines in stdout that the action did not mean to write. */
function forgedCommands(run: ActionRun): string[] {
  const ours = /^::(error|warning|notice)( [^:]*)?::|^::add-mask::|^::debug::/;
  const commands = run.stdout.split(/\r?\n/).filter((l) => l.trimStart().startsWith('::'));
  // Ours: the annotation and mask commands @actions/core writes, whose data it escapes (a hostile
  // `::` inside one is data, after `%0A`); the hostile text's own commands would start a line.
  return commands.filter((l) => !ours.test(l) || /^\s*::(add-mask::sekrit|error::forged)/.test(l));
}

test('a plan of hostile CSV cells, file names and policy strings: no forged command, an inert comment and summary', async () => {
  gh.addPull({ number: 1, author: 'alice', headSha: sha('head-1'), baseSha: sha('base') });
  const files = repoFiles([{ username: 'carol' }], {
    'users/x\n::add-mask::sekrit.csv':
      'username,email,"<img src=x>\n::error::forged"\nbob,bob@example.com,\n',
    'policies/p.json':
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:Get<b>x</b>","Resource":"*"}}',
  });
  const run = await planRun(ctx(), 1, files);
  expect(run.exitCode).toBe(1);
  expect(forgedCommands(run)).toEqual([]);
  const comment = botBody(1);
  expect(comment).toContain('validation error');
  for (const md of [comment, run.summary]) {
    expect(md).toContain('&lt;img src=x&gt;');
    expect(md).not.toMatch(/<img|<b>x/);
    expect(md).not.toMatch(/^::/m);
    expect(md).not.toContain('bob@example.com');
  }
});

/**
 * The emulator in front of a proxy that rejects every SendEmail as SES does for a recipient that is
 * not verified (sandbox): the message names the recipient, and carries a line break besides.
 */
async function rejectingSes(
  target: string,
): Promise<{ url: string; rejected: number; stop(): Promise<void> }> {
  const state = { rejected: 0 };
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const form = formParams(req, body);
      if (serviceOf(req.headers) === 'ses' && form.Action === 'SendEmail') {
        state.rejected++;
        const to = form['Destination.ToAddresses.member.1'] ?? '';
        res
          .writeHead(400, { 'content-type': 'text/xml', 'x-amzn-requestid': 'reject' })
          .end(
            '<ErrorResponse xmlns="http://ses.amazonaws.com/doc/2010-12-01/"><Error><Type>Sender</Type>' +
              '<Code>MessageRejected</Code><Message>Email address is not verified. The following identities ' +
              `failed the check in region US-EAST-1: ${to}&#10;::add-mask::sekrit</Message></Error>` +
              '<RequestId>reject</RequestId></ErrorResponse>',
          );
        return;
      }
      const up = await forward(new URL(target), req, body);
      res.writeHead(up.status, up.headers).end(up.body);
    })().catch((err: unknown) => res.writeHead(502).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return {
    url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`,
    get rejected() {
      return state.rejected;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

test('SES rejects a recipient: the address is in no comment, summary or log line, and no line of its message is a command', async () => {
  const files = repoFiles([{ username: 'carol', email: 'carol.secret@example.com' }]);
  await approvedPr(ctx(), 5, files);
  const proxy = await rejectingSes(moto.url);
  let run: ActionRun;
  try {
    run = await applyRun(ctx(), sha('merge-5'), files, { env: { AWS_ENDPOINT_URL: proxy.url } });
  } finally {
    await proxy.stop();
  }
  expect(proxy.rejected).toBeGreaterThan(0);
  expect(run.exitCode).toBe(1);
  const comment = botBody(5);
  expect(comment).toMatch(/apply failed/);
  expect(comment).toMatch(/MessageRejected/);
  for (const text of [comment, run.summary, run.stdout])
    expect(text).not.toContain('carol.secret@example.com');
  expect(comment).toContain('c***@example.com');
  expect(forgedCommands(run)).toEqual([]);
  expect(run.masked).not.toContain('sekrit');
});

describe('symbolic links and paths out of the checkout', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(path.join(tmpdir(), 'iam-gitops-escape-'));
    mkdirSync(path.join(base, 'outside'));
    writeFileSync(
      path.join(base, 'outside', 'team.csv'),
      'username,email\nrunner-secret-91c2,leak-91c2@example.com\n<img src=x>,x\n',
    );
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const run = (workspace: string, inputs: Record<string, string> = {}) =>
    runAction({
      github: gh,
      moto,
      workspace,
      eventName: 'pull_request',
      payload: prPayload(gh, 1),
      sha: sha('merge-preview-1'),
      ref: 'refs/pull/1/merge',
      inputs: { 'plan-role-to-assume': PLAN_ROLE, ...inputs },
    });

  test('users/ linked to a directory outside: refused with the path and the fix; its content appears nowhere', async () => {
    gh.addPull({
      number: 1,
      author: 'mallory',
      headSha: sha('fork'),
      baseSha: sha('base'),
      forkOf: 'mallory/iam',
    });
    const workspace = path.join(base, 'workspace');
    mkdirSync(workspace);
    const files = repoFiles([{ username: 'carol' }]);
    delete files['users/team.csv'];
    writeRepo(workspace, files);
    symlinkSync(path.join(base, 'outside'), path.join(workspace, 'users'));
    const r = await run(workspace);
    expect(r.exitCode).toBe(1);
    expect(r.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        file: 'users',
        message: expect.stringMatching(/symbolic link/),
      }),
    );
    const comment = botBody(1);
    expect(comment).toMatch(
      /`users` users is a symbolic link to a directory outside the repository \(or into \.git\)/,
    );
    for (const text of [r.stdout, r.stderr, r.summary, comment, JSON.stringify(r.outputs)])
      expect(text).not.toMatch(/runner-secret-91c2|leak-91c2/);
  });

  test("working-directory '../outside' is refused before anything is read", async () => {
    gh.addPull({ number: 1, author: 'alice', headSha: sha('head-1'), baseSha: sha('base') });
    const workspace = path.join(base, 'workspace');
    writeRepo(workspace, repoFiles([{ username: 'carol' }]));
    const r = await run(workspace, { 'working-directory': '../outside' });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(
      /::error::iam-gitops: Input working-directory '..\/outside' leads outside the workspace/,
    );
    expect(r.stdout).not.toMatch(/runner-secret-91c2/);
    expect(gh.requests).toEqual([]);
  });
});
