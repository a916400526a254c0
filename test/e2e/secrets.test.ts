/**
 * The temporary passwords the apply generates reach only the welcome mail: never stdout, stderr,
 * the job summary, the outputs, the call log or any comment.
 */
import { startGitHubServer, type GitHubServer } from '../harness/github-server.js';
import { startMoto, type Moto } from '../harness/moto.js';
import { after, applyRun, planRun, repoFiles, sha, verifySender } from './scenario.js';

let gh: GitHubServer;
let moto: Moto;
beforeAll(async () => {
  [gh, moto] = await Promise.all([startGitHubServer(), startMoto()]);
});
afterAll(async () => Promise.all([gh?.stop(), moto?.stop()]));

const unescapeHtml = (s: string) =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');

/** The temporary password in a welcome mail, HTML or text. */
function passwordIn(body: string): string | undefined {
  const html = /<code data-temporary-password>([^<]+)<\/code>/.exec(body);
  if (html) return unescapeHtml(html[1]!);
  return /Temporary password: (\S+)/.exec(body)?.[1];
}

test('every password from the sent mail appears nowhere the action writes', async () => {
  await verifySender(moto);
  const users = Array.from({ length: 4 }, (_, i) => ({ username: `console-${i}`, console: true }));
  const files = repoFiles(users);
  gh.addPull({ number: 2, author: 'alice', headSha: sha('s-head'), baseSha: sha('s-base') });
  const plan = await planRun({ gh, moto }, 2, files);
  expect(plan.exitCode).toBe(0);
  const plannedAt = gh.comments(2)[0]!.updated_at;
  gh.addReview(2, {
    login: 'bob',
    state: 'APPROVED',
    commitId: sha('s-head'),
    submittedAt: after(plannedAt),
  });
  gh.merge(2, sha('s-merge'));
  const run = await applyRun({ gh, moto }, sha('s-merge'), files);
  expect(run.exitCode).toBe(0);

  const mail = await moto.sentMail();
  const passwords = mail.map((m) => passwordIn(m.body));
  expect(passwords).toHaveLength(4);
  for (const p of passwords) expect(p).toMatch(/^\S{12,}$/);
  expect(new Set(passwords).size).toBe(4);

  const places: Record<string, string> = {
    stdout: run.stdout.replace(/^::add-mask::.*$/gm, ''),
    stderr: run.stderr,
    summary: run.summary + plan.summary,
    outputs: JSON.stringify(run.outputs) + JSON.stringify(plan.outputs),
    calls: JSON.stringify(run.calls),
    comments: gh
      .comments(2)
      .map((c) => c.body)
      .join('\n'),
    requests: JSON.stringify(gh.requests.map((r) => r.body)),
  };
  for (const p of passwords)
    for (const [where, text] of Object.entries(places))
      expect({ where, leaked: text.includes(p!) }).toEqual({ where, leaked: false });
  // Each password was masked for the runner the moment it existed.
  for (const p of passwords) expect(run.masked).toContain(p);
});
