/** Lint of what is live: a policy widened out of band, unmanaged users with admin or an escalation. */
import { lintLive } from '../../../src/lint/live.js';
import {
  emptyActualState,
  type ActualPolicy,
  type ActualState,
  type ActualUser,
} from '../../../src/model/actual.js';
import { allow, policy, state } from './helpers.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');

const livePolicy = (name: string, statements: object[], path = '/iam-gitops/'): ActualPolicy => ({
  name,
  arn: `arn:aws:iam::123456789012:policy${path}${name}`,
  path,
  defaultVersionId: 'v2',
  document: { Version: '2012-10-17', Statement: statements as never },
  versions: [],
  attachmentCount: 1,
});

const user = (name: string, over: Partial<ActualUser> = {}): ActualUser => ({
  name,
  arn: `arn:aws:iam::123456789012:user/${name}`,
  path: '/',
  tags: {},
  groups: [],
  attachedPolicyArns: [],
  inlinePolicyNames: [],
  hasLoginProfile: false,
  permissionsBoundaryArn: null,
  ...over,
});

const actual = (over: Partial<ActualState>): ActualState => ({
  ...emptyActualState('123456789012'),
  ...over,
});

const file = [allow(['s3:GetObject'], 'arn:aws:s3:::reports/*')];
const desired = state({
  policies: [policy('reports', file)],
  users: [{ name: 'ann', policies: ['reports'] }],
});

describe('live-policy-widened', () => {
  test('new actions in the live default version are named, with the diff, at the policy file', () => {
    const live = livePolicy('reports', [
      allow(['s3:GetObject', 's3:PutObject', 'iam:PassRole'], 'arn:aws:s3:::reports/*'),
    ]);
    const fs = lintLive(desired, actual({ policies: [live] }), { now: NOW });
    expect(fs).toHaveLength(1);
    const f = fs[0]!;
    expect([f.rule, f.severity, f.file, f.policy]).toEqual([
      'live-policy-widened',
      'error',
      'policies/reports.json',
      'reports',
    ]);
    // iam:PassRole cannot act on an S3 ARN, but the lint names it as granted text: both are new.
    expect(f.actions).toEqual(['iam:PassRole', 's3:PutObject']);
    expect(f.message).toContain('+ s3:PutObject on arn:aws:s3:::reports/*');
    expect(f.message).toContain('(v2)');
  });

  test('the live document is linted: an escalation path it opens is named in the finding', () => {
    const live = livePolicy('reports', [...file, allow(['iam:PassRole', 'ec2:RunInstances'])]);
    const f = lintLive(desired, actual({ policies: [live] }), { now: NOW })[0]!;
    expect(f.message).toContain('It now opens iam:PassRole + ec2:RunInstances (ec2-001');
    // A widening that opens no path says only what it adds.
    const quiet = livePolicy('reports', [...file, allow('s3:ListBucket', 'arn:aws:s3:::reports')]);
    expect(lintLive(desired, actual({ policies: [quiet] }), { now: NOW })[0]!.message).not.toContain(
      'now opens',
    );
  });

  test('a wider resource for the same action is a widening; the same document is not', () => {
    const wider = livePolicy('reports', [allow('s3:GetObject', '*')]);
    expect(lintLive(desired, actual({ policies: [wider] }), { now: NOW }).map((f) => f.actions)).toEqual([
      ['s3:GetObject'],
    ]);
    const same = livePolicy('reports', file);
    expect(lintLive(desired, actual({ policies: [same] }), { now: NOW })).toEqual([]);
    // Narrower than the file (drift, but not a widening) is not a lint finding.
    const narrower = livePolicy('reports', [allow('s3:GetObject', 'arn:aws:s3:::reports/2026/*')]);
    expect(lintLive(desired, actual({ policies: [narrower] }), { now: NOW })).toEqual([]);
  });

  test('a condition dropped in the live version is a widening', () => {
    const cond = { Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } };
    const d = state({
      policies: [policy('reports', [allow('s3:GetObject', 'arn:aws:s3:::reports/*', cond)])],
    });
    const live = livePolicy('reports', file);
    expect(lintLive(d, actual({ policies: [live] }), { now: NOW }).map((f) => f.rule)).toEqual([
      'live-policy-widened',
    ]);
  });

  test('a same-named policy on another path is not the repository’s', () => {
    const other = livePolicy('reports', [allow('*')], '/');
    expect(lintLive(desired, actual({ policies: [other] }), { now: NOW })).toEqual([]);
  });
});

describe('unmanaged users', () => {
  test('AdministratorAccess through a group is unmanaged-user-admin', () => {
    const a = actual({
      users: [user('legacy', { groups: ['ops'] })],
      groups: [
        {
          name: 'ops',
          arn: 'arn:aws:iam::123456789012:group/ops',
          path: '/',
          attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        },
      ],
    });
    const fs = lintLive(desired, a, { now: NOW });
    expect(fs.map((f) => [f.rule, f.severity, f.user])).toEqual([
      ['unmanaged-user-admin', 'error', 'legacy'],
    ]);
  });

  test('an escalation split across a customer and an AWS managed policy is unmanaged-user-escalation', () => {
    const pass = livePolicy('pass', [allow('iam:PassRole')], '/');
    const a = actual({
      policies: [pass],
      users: [user('ci', { attachedPolicyArns: [pass.arn, 'arn:aws:iam::aws:policy/AmazonEC2FullAccess'] })],
    });
    const fs = lintLive(desired, a, { now: NOW });
    expect(
      fs.some((f) => f.rule === 'unmanaged-user-escalation' && f.actions.includes('ec2:RunInstances')),
    ).toBe(true);
    expect(fs.every((f) => f.user === 'ci' && f.severity === 'error')).toBe(true);
  });

  test('read-only unmanaged users and managed users are not reported here', () => {
    const a = actual({
      users: [
        user('auditor', { attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'] }),
        user('ann', { attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'] }),
        user('tagged', {
          tags: { 'managed-by': 'iam-gitops' },
          attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
        }),
      ],
    });
    expect(lintLive(desired, a, { now: NOW })).toEqual([]);
  });
});
