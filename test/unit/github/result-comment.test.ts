/** The apply's result comment: its own marker, the link to the run, and a fit within GitHub's limit. */
import { MARKER, RESULT_MARKER, findOwnComment } from '../../../src/github/comment.js';
import { outcomeText, refusalText, resultComment } from '../../../src/github/flow-apply.js';

const URL = 'https://github.com/acme/iam/actions/runs/7';

test('a result starts with its own marker and is never taken for the plan comment', () => {
  const body = resultComment(refusalText('0 of 1 approvals'), 7, URL);
  expect(body.startsWith(`${RESULT_MARKER}\n### 🛑 iam-gitops: apply refused`)).toBe(true);
  expect(body).toContain(`[Workflow run 7](${URL})`);
  const bot = { login: 'github-actions[bot]' };
  const plan = { id: 1, body: `${MARKER}\nplan`, user: bot };
  expect(findOwnComment([plan, { id: 2, body, user: bot }], bot.login)?.id).toBe(1);
});

test('too long for a comment: the folded operations are dropped, the heading and the link stay', () => {
  const ops = Array.from({ length: 5000 }, (_, i) => `✓ create user user-${i}`).join('\n');
  const markdown = `5000 applied.\n\n<details><summary>Operations</summary>\n\n\`\`\`\n${ops}\n\`\`\`\n\n</details>`;
  const text = outcomeText(
    { ok: true, createdUsers: [], deletedUsers: [], mail: {}, markdown },
    'bob',
    'f00dfeed',
    false,
  );
  expect(text.length).toBeGreaterThan(60_000);
  const body = resultComment(text, 7, URL, 60_000);
  expect(body.length).toBeLessThanOrEqual(60_000);
  expect(body).toContain('### ✅ iam-gitops: applied');
  expect(body).toContain('5000 applied.');
  expect(body).not.toContain('<details');
  expect(body.trimEnd().endsWith('the full report is in its job summary.')).toBe(true);
});
