/** The recall/precision controls: splits, NotAction, Deny, conditions, resource scoping, self-service. */
import { lintDesired } from '../../../src/lint/index.js';
import type { Finding } from '../../../src/model/finding.js';
import { allow, deny, policy, state } from './helpers.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const lint = (s: ReturnType<typeof state>): Finding[] => lintDesired(s, { now: NOW }).findings;
const esc = (fs: Finding[]): Finding[] =>
  fs.filter((f) => f.rule === 'privilege-escalation' && f.severity === 'error');
const has = (fs: Finding[], action: string): boolean => fs.some((f) => f.actions.includes(action));

describe('escalation split across policies', () => {
  test('two policies of one user: one finding naming both policies, at the PassRole line', () => {
    const pass = policy('pass', [allow('iam:PassRole')]);
    const run = policy('run', [allow('ec2:RunInstances')]);
    const fs = lint(state({ policies: [pass, run], users: [{ name: 'alice', policies: ['pass', 'run'] }] }));
    const e = esc(fs).filter((f) => f.user === 'alice');
    expect(e).toHaveLength(1);
    expect(e[0]!.actions).toEqual(['iam:PassRole', 'ec2:RunInstances']);
    expect(e[0]!.policy).toBe('pass, run');
    expect(e[0]!.message).toContain('pass and run');
    expect(e[0]!.file).toBe('policies/pass.json');
    expect(e[0]!.line).toBe(pass.valuePositions[0]!.Action![0]!.line);
    // Neither policy alone escalates.
    expect(esc(fs).filter((f) => !f.user)).toHaveLength(0);
  });

  test('a user policy plus its group policy', () => {
    const fs = lint(
      state({
        policies: [
          policy('fn-create', [allow('lambda:CreateFunction'), allow('lambda:InvokeFunction')]),
          policy('pass', [allow('iam:PassRole')]),
        ],
        groups: { devs: ['pass'] },
        users: [{ name: 'bob', policies: ['fn-create'], groups: ['devs'] }],
      }),
    );
    const e = esc(fs);
    expect(e).toHaveLength(1);
    expect(e[0]!.user).toBe('bob');
    expect(e[0]!.message).toContain('lambda-001');
    expect(e[0]!.policy!.split(', ').sort()).toEqual(['fn-create', 'pass']);
  });

  test('a custom policy plus an attached AWS managed policy (the CSV case)', () => {
    const fs = lint(
      state({
        policies: [policy('pass', [allow('iam:PassRole')])],
        users: [{ name: 'carol', policies: ['pass', 'AmazonEC2FullAccess'] }],
      }),
    );
    expect(esc(fs).some((f) => f.user === 'carol' && has([f], 'ec2:RunInstances'))).toBe(true);
  });

  test('split across statements of one policy is reported per policy, not per user', () => {
    const p = policy('split', [allow('iam:PassRole'), allow('ec2:RunInstances')]);
    const fs = lint(
      state({
        policies: [p],
        users: [
          { name: 'a', policies: ['split'] },
          { name: 'b', policies: ['split'] },
        ],
      }),
    );
    const e = esc(fs);
    expect(e).toHaveLength(1);
    expect(e[0]!.user).toBeUndefined();
  });
});

test('NotAction of only iam:Update*/Create*/Attach* still allows PassRole + RunInstances', () => {
  const fs = lint(
    state({
      policies: [
        policy('fn4', [
          { Effect: 'Allow', NotAction: ['iam:Update*', 'iam:Create*', 'iam:Attach*'], Resource: '*' },
        ]),
      ],
    }),
  );
  expect(esc(fs).some((f) => has([f], 'iam:PassRole') && has([f], 'ec2:RunInstances'))).toBe(true);
  expect(fs.some((f) => f.rule === 'allow-not-action')).toBe(true);
  // The excluded actions are not part of any escalation finding.
  expect(esc(fs).some((f) => has([f], 'iam:CreatePolicyVersion') || has([f], 'iam:AttachUserPolicy'))).toBe(
    false,
  );
});

describe('Allow/Deny cancellation', () => {
  test('Allow iam:* + Deny iam:* in one policy: no finding', () => {
    expect(lint(state({ policies: [policy('fp1', [allow('iam:*'), deny('iam:*')])] }))).toEqual([]);
  });
  test('Allow * and Deny * in two policies of one user: no finding about them', () => {
    const fs = lint(
      state({
        policies: [policy('all', [allow('*')]), policy('none', [deny('*')])],
        groups: { g: ['all', 'none'] },
        users: [{ name: 'dan', groups: ['g'] }],
      }),
    );
    expect(fs).toEqual([]);
  });
  test('Deny-only policy: no finding', () => {
    expect(lint(state({ policies: [policy('fp3', [deny(['iam:*', 's3:*'])])] }))).toEqual([]);
  });
  test('a conditional Deny does not cancel', () => {
    const fs = lint(
      state({
        policies: [
          policy('p', [
            allow('iam:*'),
            deny('iam:*', '*', { Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } } }),
          ]),
        ],
      }),
    );
    expect(fs.some((f) => f.rule === 'service-admin')).toBe(true);
  });
});

describe('conditions', () => {
  const cpv = (op: string) =>
    policy('cpv', [
      allow('iam:CreatePolicyVersion', '*', {
        Condition: { [op]: { 'aws:TokenIssueTime': '2020-01-01T00:00:00Z' } },
      }),
    ]);
  test('always-true DateGreaterThan aws:TokenIssueTime 2020-01-01 is flagged as an error', () => {
    const e = esc(lint(state({ policies: [cpv('DateGreaterThan')] })));
    expect(e.map((f) => f.actions)).toEqual([['iam:CreatePolicyVersion']]);
  });
  test('never-true DateLessThan 2020-01-01 is not flagged', () => {
    expect(lint(state({ policies: [cpv('DateLessThan')] })).filter((f) => f.severity !== 'notice')).toEqual(
      [],
    );
  });
  test('an undecidable condition lowers the confidence and names the gate', () => {
    const p = policy('mfa', [
      allow(['iam:PassRole', 'ec2:RunInstances'], '*', {
        Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
      }),
    ]);
    const f = lint(state({ policies: [p] })).find((x) => x.rule === 'privilege-escalation')!;
    expect(f.severity).toBe('warning');
    expect(f.message).toContain('aws:MultiFactorAuthPresent');
  });
});

describe('resource-aware paths', () => {
  test('CreatePolicyVersion on arn:aws:iam::aws:policy/* cannot escalate', () => {
    const fs = lint(
      state({ policies: [policy('fp4', [allow('iam:CreatePolicyVersion', 'arn:aws:iam::aws:policy/*')])] }),
    );
    expect(fs.filter((f) => f.rule.startsWith('privilege-escalation'))).toEqual([]);
  });
  test('CreatePolicyVersion on a wildcard over the repository path escalates; over another path it needs a target', () => {
    const at = (res: string): Finding[] =>
      lint(state({ policies: [policy('fn2', [allow('iam:CreatePolicyVersion', res)])] }));
    expect(esc(at('arn:aws:iam::*:policy/iam-gitops/team-*')).map((f) => f.actions)).toEqual([
      ['iam:CreatePolicyVersion'],
    ]);
    // The repository's policies live under /iam-gitops/: policy/team-* is some other policy.
    const other = at('arn:aws:iam::*:policy/team-*');
    expect(esc(other)).toEqual([]);
    expect(other.map((f) => f.rule)).toContain('privilege-escalation-target-dependent');
  });
  test('PassRole scoped to role/app/* and PassedToService ecs-tasks + RunInstances is not ec2-001', () => {
    const p = policy('ecs', [
      allow('iam:PassRole', 'arn:aws:iam::123456789012:role/app/*', {
        Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
      }),
      allow('ec2:RunInstances'),
    ]);
    const fs = lint(state({ policies: [p] }));
    expect(fs.filter((f) => f.rule.startsWith('privilege-escalation'))).toEqual([]);
    expect(fs.some((f) => f.rule === 'passrole-star')).toBe(false);
  });
  test('PassedToService naming the same service keeps the path open', () => {
    const p = policy('ec2', [
      allow('iam:PassRole', '*', {
        Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } },
      }),
      allow('ec2:RunInstances'),
    ]);
    expect(esc(lint(state({ policies: [p] }))).some((f) => f.message.includes('ec2-001'))).toBe(true);
  });
  test('${aws:username} self-service is not escalation; AttachUserPolicy on self is', () => {
    const self = 'arn:aws:iam::*:user/${aws:username}';
    const fs = lint(
      state({
        policies: [
          policy('self', [
            allow(
              [
                'iam:CreateAccessKey',
                'iam:ChangePassword',
                'iam:CreateLoginProfile',
                'iam:UpdateLoginProfile',
              ],
              self,
            ),
          ]),
        ],
      }),
    );
    expect(fs.filter((f) => f.severity !== 'notice')).toEqual([]);
    const bad = esc(lint(state({ policies: [policy('selfattach', [allow('iam:AttachUserPolicy', self)])] })));
    expect(bad.map((f) => f.actions)).toEqual([['iam:AttachUserPolicy']]);
  });
  test('CreateAccessKey on other users escalates (iam-002)', () => {
    const fs = lint(
      state({ policies: [policy('keys', [allow('iam:CreateAccessKey', 'arn:aws:iam::*:user/*')])] }),
    );
    expect(esc(fs).some((f) => f.message.includes('iam-002'))).toBe(true);
  });
  test("AttachUserPolicy on the user's own name is found per user", () => {
    const p = policy('named', [
      allow('iam:AttachUserPolicy', 'arn:aws:iam::123456789012:user/iam-gitops/erin'),
    ]);
    const fs = lint(
      state({
        policies: [p],
        users: [
          { name: 'erin', groups: ['g'] },
          { name: 'frank', groups: ['g'] },
        ],
        groups: { g: ['named'] },
      }),
    );
    const e = esc(fs);
    expect(e.map((f) => f.user)).toEqual(['erin']);
  });
});

describe('AWS managed policies', () => {
  test('ReadOnlyAccess yields no error', () => {
    const fs = lint(
      state({ groups: { readers: ['ReadOnlyAccess'] }, users: [{ name: 'gina', groups: ['readers'] }] }),
    );
    expect(fs.filter((f) => f.severity === 'error')).toEqual([]);
  });
  test('AdministratorAccess yields an error', () => {
    const fs = lint(
      state({ groups: { admins: ['AdministratorAccess'] }, users: [{ name: 'hank', groups: ['admins'] }] }),
    );
    const e = fs.filter((f) => f.severity === 'error');
    expect(e.map((f) => f.rule)).toEqual(['risky-managed-policy']);
    expect(e[0]!.file).toBe('iam-gitops.yml');
  });
});

test('AttachUserPolicy limited by iam:PolicyARN to ReadOnlyAccess cannot escalate; to AdministratorAccess it can (lower confidence)', () => {
  const attach = (arn: string) =>
    policy('attach', [
      allow('iam:AttachUserPolicy', 'arn:aws:iam::*:user/${aws:username}', {
        Condition: { ArnEquals: { 'iam:PolicyARN': arn } },
      }),
    ]);
  expect(
    lint(state({ policies: [attach('arn:aws:iam::aws:policy/ReadOnlyAccess')] })).filter((f) =>
      f.rule.startsWith('privilege'),
    ),
  ).toEqual([]);
  const f = lint(state({ policies: [attach('arn:aws:iam::aws:policy/AdministratorAccess')] })).filter(
    (x) => x.rule === 'privilege-escalation',
  );
  expect(f.map((x) => [x.severity, x.actions])).toEqual([['warning', ['iam:AttachUserPolicy']]]);
});

test('a risky AWS managed policy is one finding per attachment, not a flood of path warnings', () => {
  const fs = lint(
    state({
      groups: { ops: ['PowerUserAccess'] },
      users: [
        { name: 'ivy', groups: ['ops'] },
        { name: 'joe', groups: ['ops'] },
      ],
    }),
  );
  expect(fs.map((f) => [f.rule, f.severity, f.file])).toEqual([
    ['risky-managed-policy', 'warning', 'iam-gitops.yml'],
  ]);
});

test('an escalation found only in AWS managed policies says to replace them', () => {
  const fs = lint(
    state({ groups: { emr: ['AmazonElasticMapReduceRole'] }, users: [{ name: 'kim', groups: ['emr'] }] }),
  );
  const e = fs.filter((f) => f.rule === 'privilege-escalation');
  expect(e.length).toBeGreaterThan(0);
  expect(
    e.every((f) => f.file === 'iam-gitops.yml' && f.policy === 'AmazonElasticMapReduceRole' && !f.user),
  ).toBe(true);
  expect(e[0]!.fix).toContain('AWS managed policies cannot be edited: replace AmazonElasticMapReduceRole');
});
