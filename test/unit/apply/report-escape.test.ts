/** The apply report (comment and summary) and the failure text with hostile names and AWS messages. */
import { buildReport, type OperationResult } from '../../../src/apply/report.js';
import { applyMarkdown, toOutcome } from '../../../src/github/apply-report.js';
import type { Operation } from '../../../src/model/plan.js';

const op = (id: string, type: Operation['type'], name: string, details: object = {}): Operation => ({
  id,
  action: 'create',
  type,
  name,
  details: details as Record<string, unknown>,
  dependsOn: [],
});

// `@octocat` is a valid IAM user name; SES names the rejected recipient in its message.
const changes = [
  op('user:@octocat', 'user', '@octocat'),
  op('email:@octocat', 'email', '@octocat', { user: '@octocat' }),
  op('policy:p', 'policy', 'p'),
];
const rejected =
  'MessageRejected: Email address is not verified. The following identities failed the check in ' +
  'region US-EAST-1: octo.cat+iam@example.com';
const results: OperationResult[] = [
  { id: 'user:@octocat', type: 'user', action: 'create', name: '@octocat', status: 'done' },
  {
    id: 'email:@octocat',
    type: 'email',
    action: 'create',
    name: '@octocat',
    status: 'failed',
    error: rejected,
  },
  {
    id: 'policy:p',
    type: 'policy',
    action: 'create',
    name: 'p',
    status: 'failed',
    error: 'MalformedPolicyDocument: bad "```\n</details><img src=x>\n# pwned | [x](https://evil.example)"',
  },
];
const report = buildReport(changes, results);

test('no address, no ping, no HTML and no broken fence or table in the apply report', () => {
  const md = applyMarkdown(report);
  expect(md).not.toContain('octo.cat+iam@example.com');
  expect(md).toContain('o***@example.com');
  expect(md).toContain('**Created users:** `@octocat`');
  // The mail row is one table row, the AWS message inert in it.
  const row = md.split('\n').find((l) => l.startsWith('| `@octocat`'))!;
  expect(row).toMatch(/^\| `@octocat` \| failed \(MessageRejected: .*; the next run retries it\) \|$/);
  // The operations list sits in a fence longer than the message's backtick run.
  expect(md).toMatch(/^````\n[\s\S]*```\n<\/details><img src=x>\n# pwned[\s\S]*\n````$/m);
  // Outside the fence and the code spans (where nothing renders or pings), nothing is live.
  const outsideCode = md.replace(/^````\n[\s\S]*?\n````$/m, '').replace(/`[^`\n]+`/g, '');
  expect(outsideCode).not.toMatch(/<img|^# pwned|\]\(https|(^|\W)@octocat/m);
});

test('the failure text for the step and the status heading: one line, addresses masked', () => {
  const outcome = toOutcome(report);
  expect(outcome.ok).toBe(false);
  expect(outcome.error).toMatch(
    /^2 operations failed: create email @octocat: MessageRejected: .* o\*\*\*@example\.com; /,
  );
  expect(outcome.error).not.toContain('octo.cat+iam@example.com');
  expect(outcome.error).not.toContain('\n');
});
