/**
 * The plan comment's first screen ("may I approve this?"), the blast radius and the layout rules,
 * on a small pull request and a 300-user one built as the action builds them.
 */
import { dataDate } from '../../../src/catalog/actions.js';
import { diffDesired } from '../../../src/lint/diff.js';
import { lintDesired } from '../../../src/lint/index.js';
import { blastRadius } from '../../../src/plan/blast.js';
import { policyJson } from '../../../src/plan/canonical.js';
import { FINISH_FAILED_APPLY } from '../../../src/plan/first-screen.js';
import { renderJson } from '../../../src/plan/render-json.js';
import { renderMarkdown, type ReportInput } from '../../../src/plan/render-markdown.js';
import { renderSummary } from '../../../src/plan/render-summary.js';
import type { Finding } from '../../../src/model/finding.js';
import { bigPr, DEPLOY_BASE, DEPLOY_HEAD, reportFor, smallPr } from '../../helpers/conversation.js';
import { custom, desired, policy, S3_READ, user } from './fixtures.js';

let big: ReportInput;
let bigBody: string;
beforeAll(() => {
  big = bigPr();
  bigBody = renderMarkdown(big).body;
});

/** The text before the first folded section: what a reviewer sees without a click. */
function firstScreen(body: string): string {
  const folded = body.search(/<details><summary><b>|#### Users|#### Lint findings/);
  return folded < 0 ? body : body.slice(0, folded);
}

/** A lint error with a fix, for the small pull request (which has none of its own). */
const ERROR: Finding = {
  rule: 'resource-mismatch',
  severity: 'error',
  file: 'policies/dev-s3.json',
  line: 5,
  policy: 'dev-s3',
  actions: ['s3:ListBucket'],
  message: 'no resource fits `s3:ListBucket`',
  fix: 'Use arn:aws:s3:::<BucketName> for s3:ListBucket.',
};
const withFindings = (r: ReportInput, findings: Finding[]): ReportInput => ({
  ...r,
  plan: { ...r.plan, findings },
});

const statusOf = (body: string): string => body.split('\n').find((l) => /^\*\*(🛑|⚠️|✅)/.test(l)) ?? '';

describe('status line', () => {
  const clean = (): ReportInput => {
    const r = smallPr();
    expect(r.plan.findings).toEqual([]);
    return r;
  };

  test('ready to approve when nothing needs care; it comes right under the title', () => {
    const body = renderMarkdown(clean()).body;
    expect(statusOf(body)).toBe('**✅ Ready to approve:** no deletions, no lint errors, no gate change.');
    expect(body.indexOf(statusOf(body))).toBeLessThan(body.indexOf('**Plan:'));
  });

  test('lint fails with the count at lint.failOn; warnings count only with failOn: warning', () => {
    const r = withFindings(smallPr(), [ERROR]);
    expect(statusOf(renderMarkdown(r).body)).toBe('**🛑 Not ready: lint fails: 1 error.**');
    const w = withFindings(r, [{ ...ERROR, severity: 'warning' }]);
    expect(statusOf(renderMarkdown(w).body)).toMatch(/^\*\*✅ Ready to approve/);
    expect(statusOf(renderMarkdown({ ...w, failOn: 'warning' }).body)).toBe(
      '**🛑 Not ready: lint fails: 1 warning.**',
    );
  });

  test('changes gate settings, from the input the plan flow passes', () => {
    const body = renderMarkdown({ ...clean(), gateChanges: ['requiredApprovals 1 → 0'] }).body;
    expect(statusOf(body)).toBe('**⚠️ Ready to approve with care: changes gate settings.**');
  });

  test('the 300-user plan: lint errors and deletions, counted as the headline and the warning count them', () => {
    expect(statusOf(bigBody)).toBe(
      '**🛑 Not ready: lint fails: 2 errors · deletes 4 users and removes 3 console logins.**',
    );
    expect(bigBody).toContain(
      '**Plan: 26 users to create, 15 to change, 4 to delete; 3 console logins removed;',
    );
    expect(bigBody).toContain('> **This plan deletes 4 users and removes 3 console logins:**');
    const warning = bigBody.slice(bigBody.indexOf('> [!WARNING]')).split('\n\n')[0]!;
    expect(warning.match(/^> - user `/gm)).toHaveLength(4);
    expect(warning.match(/^> - console login of user `/gm)).toHaveLength(3);
  });
});

test('other deletions are named by kind in the status line and the warning', () => {
  const base = desired([user('ann'), user('bob', { groups: ['old'] })], {
    groups: { old: { policies: [], source: { file: 'iam-gitops.yml', line: 2 } } },
  });
  const r = reportFor(base, desired([user('ann')]));
  const body = renderMarkdown(r).body;
  expect(statusOf(body)).toBe('**⚠️ Ready to approve with care: deletes 1 user and 1 group.**');
  expect(body).toContain('> **This plan deletes 1 user and 1 group:**');
  expect(body).toContain('> - group `old`');
});

describe('first screen, never folded', () => {
  test('deletions, new privilege, errors with their fixes and the next steps come before any folded detail', () => {
    const top = firstScreen(bigBody);
    expect(top).toContain('> **This plan deletes 4 users');
    expect(top).toContain('> - **84 users** gain `iam:PassRole` via group developers');
    expect(top).toContain('> - policy `deploy`: new **passrole-star** (`iam:PassRole`)');
    expect(top).toContain('- **passrole-star** `policies/deploy.json` (policy `deploy`)');
    expect(top).toContain('"iam:PassedToService": "lambda.amazonaws.com"');
    expect(top).toContain('#### Blast radius: 110 users gain, 14 users lose permissions');
    expect(top).toContain(
      '**2 approvals needed** from people with write access who did not author or commit any of it',
    );
    expect(top).toContain(FINISH_FAILED_APPLY);
  });

  test('each fix is shown once: the errors above are not repeated in the findings below', () => {
    const fix = big.plan.findings.find((f) => f.rule === 'passrole-star')!.fix;
    expect(fix).toContain('"iam:PassedToService": "lambda.amazonaws.com"');
    expect(bigBody.split('"iam:PassedToService": "lambda.amazonaws.com"')).toHaveLength(2);
    expect(bigBody).toContain('❌ 2 errors: shown above with their fixes.');
  });

  test('two findings with the same fix print it once and point at it', () => {
    const f = ERROR;
    const twin = { ...f, file: 'policies/other.json', line: 9 };
    const body = renderMarkdown(withFindings(smallPr(), [f, twin])).body;
    expect(body.split(f.fix)).toHaveLength(2);
    expect(body).toContain(`Fix: the same as for \`${f.file}:${f.line}\` above.`);
  });

  test('next steps show the approvals counted so far and those that do not count, with why', () => {
    const body = renderMarkdown({
      ...smallPr(),
      approvals: {
        required: 2,
        counted: ['bob'],
        notCounted: [{ login: 'alice', why: 'authored a commit of it' }],
      },
    }).body;
    expect(body).toContain('- Counted so far: `bob` (1 of 2).');
    expect(body).toContain('- Not counted: `alice`, authored a commit of it.');
  });
});

describe('layout', () => {
  test('user rows: deletions, then changes, then creations', () => {
    const rows = bigBody.split('\n').filter((l) => /^\| `user-\d{3}` \| (🗑️|✏️|➕)/.test(l));
    const kinds = rows.map((l) => (l.includes('🗑️ delete') ? 0 : l.includes('➕ create') ? 2 : 1));
    expect(kinds).toEqual([...kinds].sort());
    expect(kinds[0]).toBe(0);
    expect(kinds.at(-1)).toBe(2);
  });

  test('tags and addresses are in a details table, not in the main one', () => {
    const body = renderMarkdown(smallPr()).body;
    expect(body).toContain('| user | action | groups ± | policies ± | console | welcome mail |');
    expect(body).toContain('| `bob` | team=web | — | b***@example.com |');
    const mainRow = body.split('\n').find((l) => l.startsWith('| `bob` | ➕ create'))!;
    expect(mainRow).not.toContain('team=web');
  });

  test('no literal backtick inside any <summary>, even with hostile names', () => {
    const r = smallPr();
    const hostile: Finding = { ...ERROR, policy: 'x`</summary>`y', rule: 'a`b' };
    const bodies = [
      bigBody,
      renderSummary(big).markdown,
      renderMarkdown({ ...r, plan: { ...r.plan, findings: Array(20).fill(hostile) } }).body,
    ];
    for (const body of bodies)
      for (const m of body.matchAll(/<summary>(.*?)<\/summary>/g)) expect(m[1]).not.toContain('`');
  });

  test('policy JSON in IAM key order, whatever order the file used', () => {
    const doc = {
      Statement: [
        {
          Resource: '*',
          Condition: { Bool: { 'aws:SecureTransport': 'true' } },
          Action: 's3:GetObject',
          Effect: 'Allow',
          Sid: 'Read',
        },
      ],
      Version: '2012-10-17',
    };
    const keys = [...policyJson(doc).matchAll(/"(\w+)":/g)].map((m) => m[1]);
    expect(keys).toEqual([
      'Version',
      'Statement',
      'Sid',
      'Effect',
      'Action',
      'Resource',
      'Condition',
      'Bool',
    ]);
    // The comment's policy diff uses it: Sid before Effect before Action.
    const diff = bigBody.slice(bigBody.indexOf('```diff'));
    expect(diff.indexOf('"Sid": "Deploy"')).toBeLessThan(diff.indexOf('"Effect": "Allow"'));
    expect(diff.indexOf('"Effect": "Allow"')).toBeLessThan(diff.indexOf('"Action": ['));
  });
});

describe('blast radius', () => {
  test('summed by action and cause: only the group that grants iam:PassRole is named for it', () => {
    const now = dataDate();
    const groups = (deploy: boolean) => ({
      developers: {
        policies: [custom(deploy ? 'deploy' : 'dev-s3')],
        source: { file: 'iam-gitops.yml', line: 2 },
      },
      readers: { policies: [custom('dev-s3')], source: { file: 'iam-gitops.yml', line: 3 } },
    });
    const policies = [policy('dev-s3', S3_READ), policy('deploy', DEPLOY_HEAD)];
    const base = desired([user('ann'), user('ben')], { groups: groups(true) }, policies);
    // Both join both groups: PassRole comes from developers only, S3 from readers only.
    const head = desired(
      [
        user('ann', { groups: ['developers', 'readers'] }),
        user('ben', { groups: ['developers', 'readers'] }),
      ],
      { groups: groups(true) },
      policies,
    );
    const d = diffDesired(base, head, lintDesired(base, { now }), lintDesired(head, { now }), { now });
    const b = blastRadius(base, head, d, now.getTime(), lintDesired(head, { now }).findings);
    expect(b.usersGaining).toBe(2);
    expect(b.gained.find((e) => e.action === 'iam:PassRole')).toEqual({
      action: 'iam:PassRole',
      level: 'Write',
      users: 2,
      sensitive: true,
      via: ['group developers'],
    });
    expect(b.gained.find((e) => e.action === 's3:GetObject')?.via).toEqual(['group readers']);
    expect(b.gained[0]!.action).toBe('iam:PassRole');
  });

  test('a changed policy is the cause for the members of the group that holds it', () => {
    const g = { developers: { policies: [custom('deploy')], source: { file: 'iam-gitops.yml', line: 2 } } };
    const members = [user('ann', { groups: ['developers'] }), user('ben', { groups: ['developers'] })];
    const r = reportFor(
      desired(members, { groups: g }, [policy('deploy', DEPLOY_BASE)]),
      desired(members, { groups: g }, [policy('deploy', DEPLOY_HEAD)]),
    );
    expect(r.blast!.gained.map((e) => [e.action, e.users, e.via])).toEqual([
      ['iam:PassRole', 2, ['group developers']],
    ]);
    const body = renderMarkdown(r).body;
    expect(body).toContain('> - **2 users** gain `iam:PassRole` via group developers');
    expect(body).toContain('- **2 users** gain 1 write actions via group developers');
  });

  test('in the job summary and in plan --format json, with a stable key order', () => {
    expect(renderSummary(big).markdown).toContain(
      '`iam:PassRole` (write): 84 users gain, via group developers',
    );
    const json = renderJson(big.plan, big.blast);
    const parsed = JSON.parse(json) as { blastRadius: Record<string, unknown> };
    expect(Object.keys(parsed.blastRadius)).toEqual([
      'usersGaining',
      'usersLosing',
      'gained',
      'lost',
      'sources',
      'newPrivilege',
    ]);
    const entry = (parsed.blastRadius.gained as object[])[0]!;
    expect(Object.keys(entry)).toEqual(['action', 'level', 'users', 'sensitive', 'via']);
    expect(entry).toEqual({
      action: 'iam:PassRole',
      level: 'Write',
      users: 84,
      sensitive: true,
      via: ['group developers'],
    });
    // The same change gives the same text.
    expect(renderJson(big.plan, bigPr().blast)).toBe(json);
    expect(JSON.parse(renderJson(big.plan))).not.toHaveProperty('blastRadius');
  });

  test('cause names from the files are inert: no HTML, link or ping in the new-privilege and blast lines', () => {
    const via = 'group <img src=x onerror=alert(1)> [x](https://evil.example) @acme/admins';
    const entry = { action: 'iam:PassRole', level: 'Write' as const, users: 3, sensitive: true, via: [via] };
    const body = renderMarkdown({
      ...smallPr(),
      blast: {
        usersGaining: 3,
        usersLosing: 0,
        gained: [entry],
        lost: [],
        sources: [{ via, usersGaining: 3, usersLosing: 0, gained: { Write: 1 }, lost: {} }],
        newPrivilege: [
          { rule: 'passrole-star', kind: 'policy', name: 'x`</summary>', actions: ['iam:PassRole'] },
        ],
      },
    }).body;
    expect(body).not.toContain('<img');
    expect(body).not.toContain('[x](');
    expect(body).not.toContain('https://evil');
    expect(body).not.toMatch(/(^|[^\u200b])@acme\/admins/m);
    expect(body).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  test('without a base, the comment says why there is no blast radius', () => {
    const r = smallPr();
    const body = renderMarkdown({
      ...r,
      blast: undefined,
      blastNote: 'the base commit abc1234 is not in the checkout',
    }).body;
    expect(body).toContain(
      '<sub>Blast radius not shown: the base commit abc1234 is not in the checkout.</sub>',
    );
    expect(body).not.toContain('#### Blast radius');
  });
});
