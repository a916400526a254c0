import {
  composeComment,
  composeFitting,
  findOwnComment,
  MARKER,
  parseMeta,
  reportOf,
  type CommentMeta,
  type IssueComment,
} from '../../../src/github/comment.js';

const meta: CommentMeta = {
  hash: 'h1',
  head: 'a'.repeat(40),
  base: 'b'.repeat(40),
  plannedAt: '2026-11-20T10:00:00.000Z',
  offline: false,
  truncated: false,
  counts: { create: 1, update: 0, delete: 0 },
};
const c = (id: number, login: string, body: string): IssueComment => ({ id, user: { login }, body });

test('only a comment by our identity that starts with the marker is ours', () => {
  const body = composeComment(meta, 'report');
  const comments = [
    c(1, 'mallory', body),
    c(2, 'github-actions[bot]', 'a plain comment mentioning ' + MARKER),
    c(3, 'github-actions[bot]', body),
    c(4, 'someone', 'lgtm'),
  ];
  expect(findOwnComment(comments, 'github-actions[bot]')?.id).toBe(3);
  expect(findOwnComment(comments.slice(0, 2), 'github-actions[bot]')).toBeUndefined();
  expect(findOwnComment([c(1, 'deploy-bot', body)], 'github-actions[bot]')).toBeUndefined();
  expect(findOwnComment([c(1, 'deploy-bot', body)], 'Deploy-Bot')?.id).toBe(1);
});

test('a deleted author (user null) never matches', () => {
  expect(
    findOwnComment([{ id: 1, user: null, body: composeComment(meta, 'x') }], 'github-actions[bot]'),
  ).toBeUndefined();
});

test('our comment is found among many, the newest when duplicates exist', () => {
  const filler = Array.from({ length: 250 }, (_, i) => c(i + 10, `user${i}`, `comment ${i}`));
  const ours = [
    c(5, 'github-actions[bot]', composeComment(meta, 'old')),
    c(400, 'github-actions[bot]', composeComment(meta, 'new')),
  ];
  expect(findOwnComment([ours[0]!, ...filler, ours[1]!], 'github-actions[bot]')?.id).toBe(400);
});

test('metadata round-trips and cannot close the HTML comment early', () => {
  const tricky = { ...meta, ops: ['create user x --> <script>'] };
  const body = composeComment(tricky, '# Plan\nbody');
  expect(body.startsWith(MARKER + '\n')).toBe(true);
  expect(body.split('\n')[1]).not.toMatch(/-->.*-->/);
  expect(parseMeta(body)).toEqual(tricky);
  expect(parseMeta('no meta here')).toBeNull();
  expect(parseMeta(`${MARKER}\n<!-- iam-gitops:meta {broken -->`)).toBeNull();
});

test('the status block is replaced, the report kept, and a renderer header not doubled', () => {
  const rendered = `${MARKER}\n<!-- {"renderer":"meta"} -->\n\n## Plan\n\n+ alice`;
  const first = composeComment(meta, rendered);
  expect(first.split(MARKER).length).toBe(2);
  expect(reportOf(first)).toBe('## Plan\n\n+ alice\n');
  const refused = composeComment(
    { ...meta, status: 'refused' },
    reportOf(first),
    '### Apply refused\nno approval',
  );
  expect(refused).toContain('Apply refused');
  expect(reportOf(refused)).toBe('## Plan\n\n+ alice\n');
  const applied = composeComment({ ...meta, status: 'applied' }, reportOf(refused), '### Applied');
  expect(applied).not.toContain('Apply refused');
  expect(applied).toContain('+ alice');
});

test('a status too long for a comment drops its folded detail, then the report, and says where the rest is', () => {
  const status = `### applied\n\n3000 applied.\n\n<details><summary>Operations</summary>\n\n${'✓ create user x\n'.repeat(5000)}</details>`;
  const small = composeFitting(meta, 'plan report', '### applied', 60000);
  expect(small).toBe(composeComment(meta, 'plan report', '### applied'));
  const fitted = composeFitting(meta, 'plan report', status, 60000);
  expect(fitted.length).toBeLessThanOrEqual(60000);
  expect(fitted).toContain('3000 applied.');
  expect(fitted).toContain('plan report');
  expect(fitted).toContain('The full report is in the job summary');
  expect(parseMeta(fitted)).toMatchObject({ truncated: true, hash: 'h1' });
  const hugeReport = 'r'.repeat(59900);
  const minimal = composeFitting(meta, hugeReport, status, 60000);
  expect(minimal.length).toBeLessThanOrEqual(60000);
  expect(minimal).toContain('The plan is in the job summary of the plan run.');
});
