/**
 * Plan comments as reviewers meet them, built from repository states the way the action builds
 * them (lint, base → head diff, plan against an account that matches the base): a small pull
 * request and a 300-user one with deletions, moves, console changes and a PassRole error. Used by
 * the renderer tests and by scripts/render-comment.mjs for the screenshots in docs/.
 */
import { dataDate } from '../../src/catalog/actions.js';
import { diffDesired } from '../../src/lint/diff.js';
import { lintDesired } from '../../src/lint/index.js';
import type { ActualState } from '../../src/model/actual.js';
import type { DesiredState, DesiredUser } from '../../src/model/desired.js';
import type { Plan } from '../../src/model/plan.js';
import type { PolicyDocument } from '../../src/model/policy.js';
import { blastRadius } from '../../src/plan/blast.js';
import { diff } from '../../src/targets/plan.js';
import { planHash } from '../../src/plan/hash.js';
import { renderMarkdown, type ReportInput } from '../../src/plan/render-markdown.js';
import { buildReport } from '../../src/apply/report.js';
import { toOutcome } from '../../src/github/apply-report.js';
import type { ApprovalResult } from '../../src/github/approvals.js';
import { verdictTable } from '../../src/github/approvals.js';
import { outcomeText, refusalText, resultComment } from '../../src/github/flow-apply.js';
import {
  actual,
  actualPolicy,
  actualUser,
  aws,
  custom,
  customArn,
  desired,
  policy,
  S3_READ,
  user,
} from '../unit/plan/fixtures.js';
// S3_READ (in the 300-user example) pairs s3:ListBucket with an object ARN: a lint error.

export const DEPLOY_BASE: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'Deploy',
      Effect: 'Allow',
      Action: ['lambda:UpdateFunctionCode'],
      Resource: 'arn:aws:lambda:*:*:function:app-*',
    },
  ],
};
/** The change under review: PassRole on every role, which the lint reports as an error. */
export const DEPLOY_HEAD: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    ...DEPLOY_BASE.Statement,
    { Sid: 'PassAnyRole', Effect: 'Allow', Action: ['iam:PassRole'], Resource: '*' },
  ],
};

/** An account that holds exactly the base's users, groups and policies. */
export function actualOf(state: DesiredState): ActualState {
  return actual({
    users: state.users.map((u) =>
      actualUser(u.name, {
        groups: [...u.groups],
        hasLoginProfile: u.console,
        attachedPolicyArns: u.policies.map((p) => (p.kind === 'aws' ? p.arn : customArn(p.name))),
        tags: { 'managed-by': 'iam-gitops', ...u.tags },
      }),
    ),
    groups: Object.entries(state.config.groups).map(([name, g]) => ({
      name,
      arn: `arn:aws:iam::123456789012:group/iam-gitops/${name}`,
      path: '/iam-gitops/',
      attachedPolicyArns: g.policies.map((p) => (p.kind === 'aws' ? p.arn : customArn(p.name))),
    })),
    policies: state.policies.map((p) => actualPolicy(p.name, p.document)),
  });
}

/** What the action renders for a pull request from `base` to `head`. */
export function reportFor(
  base: DesiredState,
  head: DesiredState,
  extra: Partial<ReportInput> = {},
): ReportInput {
  const now = dataDate();
  const headLint = lintDesired(head, { now });
  const d = diffDesired(base, head, lintDesired(base, { now }), headLint, { now });
  const r = diff(head, actualOf(base));
  const plan: Plan = {
    hash: planHash(r.operations, 'acme/aws-users'),
    changes: r.operations,
    findings: headLint.findings,
    stats: { awsCalls: {} },
    errors: r.errors,
    offline: false,
    accountId: '123456789012',
    unchanged: r.unchanged,
  };
  return {
    plan,
    head: 'a1b2c3d',
    base: 'e4f5a6b',
    plannedAt: '2026-11-29T12:00:00.000Z',
    dataVersion: headLint.dataVersion,
    blast: blastRadius(base, head, d, now.getTime(), headLint.findings),
    approvals: { required: 1 },
    ...extra,
  };
}

const groupsConfig = (deploy: boolean) => ({
  developers: {
    policies: deploy ? [custom('dev-s3'), custom('deploy')] : [custom('dev-s3')],
    source: { file: 'iam-gitops.yml', line: 4 },
  },
  analysts: { policies: [aws('ReadOnlyAccess')], source: { file: 'iam-gitops.yml', line: 6 } },
  ops: { policies: [custom('dev-s3')], source: { file: 'iam-gitops.yml', line: 8 } },
});

/** Read access to the dev bucket, each action on the resource it takes: the lint finds nothing. */
export const DEV_S3: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'List', Effect: 'Allow', Action: ['s3:ListBucket'], Resource: 'arn:aws:s3:::dev' },
    { Sid: 'Read', Effect: 'Allow', Action: ['s3:GetObject'], Resource: 'arn:aws:s3:::dev/*' },
  ],
};

/** A small pull request: one new developer with a console login; nothing to fix. */
export function smallPr(): ReportInput {
  const policies = [policy('dev-s3', DEV_S3)];
  const base = desired(
    [user('alice', { groups: ['developers'] })],
    { groups: groupsConfig(false) },
    policies,
  );
  const head = desired(
    [
      user('alice', { groups: ['developers'] }),
      user('bob', { groups: ['developers'], console: true, tags: { team: 'web' } }),
    ],
    { groups: groupsConfig(false) },
    policies,
  );
  return reportFor(base, head);
}

const name = (i: number): string => `user-${String(i).padStart(3, '0')}`;

/**
 * 300 users at head: 26 new, 4 deleted, 10 moved from analysts to developers, 5 console changes
 * (2 enabled, 3 removed), and the developers' new `deploy` policy passes any role.
 */
export function bigPr(): ReportInput {
  const baseUsers: DesiredUser[] = [];
  for (let i = 0; i < 278; i++)
    baseUsers.push(
      user(name(i), {
        groups: [i < 75 ? 'developers' : i < 175 ? 'analysts' : 'ops'],
        console: i % 3 === 0,
        tags: { team: i < 75 ? 'dev' : i < 175 ? 'data' : 'ops' },
        source: { file: 'users/team.csv', line: i + 2 },
      }),
    );
  const base = desired(baseUsers, { groups: groupsConfig(false) }, [
    policy('dev-s3', S3_READ),
    policy('deploy', DEPLOY_BASE),
  ]);
  const headUsers = baseUsers
    .filter((_, i) => ![3, 90, 200, 250].includes(i))
    .map((u) => {
      const i = Number(u.name.slice(5));
      const moved = i >= 100 && i < 110;
      // 2 gain a console login, 3 lose theirs.
      const console = [1, 2].includes(i) ? true : [0, 6, 9].includes(i) ? false : u.console;
      return { ...u, groups: moved ? ['developers'] : u.groups, console };
    });
  for (let i = 278; i < 304; i++)
    headUsers.push(
      user(name(i), {
        groups: ['analysts'],
        console: true,
        tags: { team: 'data' },
        source: { file: 'users/team.csv', line: i + 2 },
      }),
    );
  const head = desired(headUsers, { groups: groupsConfig(true) }, [
    policy('dev-s3', S3_READ),
    policy('deploy', DEPLOY_HEAD),
  ]);
  return reportFor(base, head, { approvals: { required: 2 } });
}

/**
 * The four comments of the screenshots in docs/screenshots/, as GitHub would receive them: the
 * plan of a small and of a 300-user pull request, then the apply's result comments after merge
 * (a refusal, and an applied result with its report).
 */
export function examples(): Record<string, string> {
  const small = smallPr();
  const big = bigPr();
  const url = 'https://github.com/acme/aws-users/actions/runs/4242';
  const verdicts = verdictTable({
    ok: false,
    approvers: ['bob'],
    required: 2,
    message: '1 of 2 approvals',
    verdicts: [
      { login: 'bob', counted: true },
      { login: 'alice', counted: false, reason: 'authored a commit of this pull request' },
      { login: 'carol', counted: false, reason: 'approved an earlier commit, not the final head' },
    ],
  } as ApprovalResult);
  const refused = refusalText('1 of 2 required approvals on the final commit', verdicts);
  const results = small.plan.changes.map((op) => ({
    id: op.id,
    type: op.type,
    action: op.action,
    name: op.name,
    status: 'done' as const,
  }));
  const applied = outcomeText(toOutcome(buildReport(small.plan.changes, results)), 'bob', 'f00dfeed', false);
  return {
    'plan-small': renderMarkdown(small).body,
    'plan-300-users': renderMarkdown(big).body,
    'result-refused': resultComment(refused, 4242, url),
    'result-applied': resultComment(applied, 4242, url),
  };
}
