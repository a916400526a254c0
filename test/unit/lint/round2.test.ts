/**
 * The false-alarm and miss classes of the second lint round, one describe per class, each with a
 * case that must be reported and a near-twin that must not.
 */
import { evaluateCondition } from '../../../src/lint/conditions.js';
import { analysisCounter } from '../../../src/lint/escalation.js';
import { lintDesired } from '../../../src/lint/index.js';
import type { Finding } from '../../../src/model/finding.js';
import { allow, deny, policy, state, type StateInput } from './helpers.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const lint = (input: StateInput): Finding[] => lintDesired(state(input), { now: NOW }).findings;
const errors = (fs: Finding[]): Finding[] => fs.filter((f) => f.severity === 'error');
const escErrors = (fs: Finding[]): Finding[] =>
  fs.filter((f) => f.rule === 'privilege-escalation' && f.severity === 'error');
const one = (stmts: object[]): Finding[] => lint({ policies: [policy('p', stmts)] });

describe('IAM paths decide what is the user’s own', () => {
  test('CreatePolicyVersion on policy/boundaries/* does not reach the repository’s /iam-gitops/ policies', () => {
    const fs = one([allow('iam:CreatePolicyVersion', 'arn:aws:iam::123456789012:policy/boundaries/*')]);
    expect(escErrors(fs)).toEqual([]);
    // The twin on the repository's own path is the iam-001 error.
    const own = one([allow('iam:CreatePolicyVersion', 'arn:aws:iam::123456789012:policy/iam-gitops/*')]);
    expect(escErrors(own).map((f) => f.actions)).toEqual([['iam:CreatePolicyVersion']]);
  });

  test('PutUserPolicy on user/service-accounts/* cannot reach a user under /iam-gitops/', () => {
    const input = (res: string): StateInput => ({
      policies: [policy('p', [allow('iam:PutUserPolicy', res)])],
      users: [{ name: 'ann', policies: ['p'] }],
    });
    expect(escErrors(lint(input('arn:aws:iam::*:user/service-accounts/*')))).toEqual([]);
    // Same name under another path is still nobody: IAM user names are unique per account.
    expect(escErrors(lint(input('arn:aws:iam::*:user/service-accounts/${aws:username}')))).toEqual([]);
    expect(escErrors(lint(input('arn:aws:iam::*:user/iam-gitops/*'))).length).toBeGreaterThan(0);
  });

  test('AttachGroupPolicy on group/admins/* is not the user’s own group under /iam-gitops/', () => {
    const input = (res: string): StateInput => ({
      policies: [policy('p', [allow('iam:AttachGroupPolicy', res)])],
      groups: { devs: ['p'] },
      users: [{ name: 'bo', groups: ['devs'] }],
    });
    expect(escErrors(lint(input('arn:aws:iam::*:group/admins/*')))).toEqual([]);
    expect(escErrors(lint(input('arn:aws:iam::*:group/iam-gitops/devs'))).map((f) => f.user)).toEqual(['bo']);
  });

  test('a repository with another IAM path uses that path', () => {
    const s = state({
      policies: [policy('p', [allow('iam:CreatePolicyVersion', 'arn:aws:iam::*:policy/team/*')])],
    });
    s.config = { ...s.config, path: '/team/' };
    expect(escErrors(lintDesired(s, { now: NOW }).findings)).toHaveLength(1);
  });
});

describe('a Deny on a resource every use of the action touches', () => {
  test('Deny ec2:RunInstances on instance/* closes PassRole + RunInstances on *', () => {
    const base = [allow(['iam:PassRole', 'ec2:RunInstances'])];
    expect(escErrors(one(base)).length).toBeGreaterThan(0);
    expect(escErrors(one([...base, deny('ec2:RunInstances', 'arn:aws:ec2:*:*:instance/*')]))).toEqual([]);
    // A Deny on instances of one region leaves the others: still open.
    expect(
      escErrors(one([...base, deny('ec2:RunInstances', 'arn:aws:ec2:eu-west-1:*:instance/*')])).length,
    ).toBeGreaterThan(0);
    // A Deny on an optional resource type (volume) does not stop every call either.
    expect(
      escErrors(one([...base, deny('ec2:RunInstances', 'arn:aws:ec2:*:*:volume/*')])).length,
    ).toBeGreaterThan(0);
  });

  test('Deny iam:PassRole on role/* makes Allow * less than admin', () => {
    const fs = one([allow('*'), deny('iam:PassRole', 'arn:aws:iam::*:role/*')]);
    expect(fs.filter((f) => f.rule === 'admin-access')).toEqual([]);
    expect(fs.filter((f) => f.rule === 'passrole-star')).toEqual([]);
  });
});

describe('conditions that can never hold for an IAM user', () => {
  const when = (Condition: object): Finding[] =>
    one([allow(['iam:PassRole', 'lambda:CreateFunction', 'lambda:InvokeFunction'], '*', { Condition })]);
  test.each([
    ['aws:PrincipalType AssumedRole', { StringEquals: { 'aws:PrincipalType': 'AssumedRole' } }],
    [
      'aws:PrincipalArn of a role',
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:role/deployer' } },
    ],
    [
      'aws:PrincipalArn of a session',
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:sts::*:assumed-role/*' } },
    ],
    ['aws:userid of a role session', { StringLike: { 'aws:userid': 'AROAEXAMPLE:*' } }],
    ['aws:PrincipalIsAWSService true', { Bool: { 'aws:PrincipalIsAWSService': 'true' } }],
    [
      'aws:FederatedProvider present',
      { StringEquals: { 'aws:FederatedProvider': 'cognito-identity.amazonaws.com' } },
    ],
    ['PrincipalType not User', { StringNotEquals: { 'aws:PrincipalType': 'User' } }],
  ])('%s: no error', (_name, cond) => {
    expect(errors(when(cond))).toEqual([]);
  });

  test('the near-twins hold for a user and keep the error', () => {
    expect(escErrors(when({ StringEquals: { 'aws:PrincipalType': 'User' } })).length).toBeGreaterThan(0);
    expect(
      escErrors(when({ ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/*' } })).length,
    ).toBeGreaterThan(0);
    // A user ARN is undecided: the finding stays, at lower confidence.
    const user = when({ ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::123456789012:user/iam-gitops/ann' } });
    expect(user.some((f) => f.rule === 'privilege-escalation' && f.severity === 'warning')).toBe(true);
  });

  test('verdicts', () => {
    const t = Date.parse('2026-11-23T12:00:00Z');
    expect(
      evaluateCondition({ StringEqualsIfExists: { 'aws:PrincipalType': ['AssumedRole', 'User'] } }, t).status,
    ).toBe('always');
    expect(evaluateCondition({ StringEquals: { 'aws:SourceIdentity': 'x' } }, t).status).toBe('never');
    expect(evaluateCondition({ StringEqualsIfExists: { 'aws:SourceIdentity': 'x' } }, t).status).toBe(
      'always',
    );
  });
});

describe('service-admin judged on effective actions', () => {
  test('iam:* with a Deny of every non-read iam action is not service-admin', () => {
    const fs = one([
      allow('iam:*'),
      {
        Effect: 'Deny',
        NotAction: ['iam:Get*', 'iam:List*', 'iam:Generate*', 'iam:Simulate*'],
        Resource: '*',
      },
    ]);
    expect(fs.filter((f) => f.rule === 'service-admin')).toEqual([]);
    expect(errors(fs)).toEqual([]);
  });
  test('iam:* with a Deny of only some writes is still service-admin', () => {
    const fs = one([allow('iam:*'), deny(['iam:CreateUser', 'iam:DeleteUser'])]);
    expect(fs.filter((f) => f.rule === 'service-admin').map((f) => f.severity)).toEqual(['error']);
  });
});

describe('a user allowed to remove the Deny that restrains her', () => {
  const broad = policy('broad', [allow(['iam:PassRole', 'ec2:RunInstances'])]);
  const guard = policy('guard', [deny('iam:PassRole')]);
  test('DetachUserPolicy on herself lifts a directly attached Deny', () => {
    const self = policy('self', [
      allow('iam:DetachUserPolicy', 'arn:aws:iam::*:user/iam-gitops/${aws:username}'),
    ]);
    const fs = lint({
      policies: [broad, guard, self],
      users: [{ name: 'cy', policies: ['broad', 'guard', 'self'] }],
    });
    const e = escErrors(fs).filter((f) => f.actions.includes('iam:DetachUserPolicy'));
    expect(e.map((f) => [f.user, f.file])).toEqual([['cy', 'policies/self.json']]);
    expect(e[0]!.message).toContain('guard');
    expect(e[0]!.message).toContain('ec2-001');
    // Without the detach permission the Deny holds: nothing.
    const held = lint({ policies: [broad, guard], users: [{ name: 'cy', policies: ['broad', 'guard'] }] });
    expect(escErrors(held).filter((f) => f.user === 'cy')).toEqual([]);
  });

  test('detaching the Deny policy from her group; on another group it does not count', () => {
    const at = (res: string): Finding[] =>
      lint({
        policies: [broad, guard, policy('detach', [allow('iam:DetachGroupPolicy', res)])],
        groups: { restrained: ['guard'] },
        users: [{ name: 'fay', policies: ['broad', 'detach'], groups: ['restrained'] }],
      });
    const e = escErrors(at('arn:aws:iam::*:group/iam-gitops/restrained'));
    expect(e.filter((f) => f.actions.includes('iam:DetachGroupPolicy')).map((f) => f.user)).toEqual(['fay']);
    expect(escErrors(at('arn:aws:iam::*:group/iam-gitops/others')).filter((f) => f.user === 'fay')).toEqual(
      [],
    );
  });

  test('leaving the group that carries the Deny', () => {
    const leave = policy('leave', [allow('iam:RemoveUserFromGroup', 'arn:aws:iam::*:group/iam-gitops/*')]);
    const fs = lint({
      policies: [broad, guard, leave],
      groups: { restrained: ['guard'] },
      users: [{ name: 'di', policies: ['broad', 'leave'], groups: ['restrained'] }],
    });
    expect(
      escErrors(fs)
        .filter((f) => f.actions.includes('iam:RemoveUserFromGroup'))
        .map((f) => f.user),
    ).toEqual(['di']);
    // RemoveUserFromGroup on another path's groups cannot reach hers.
    const other = policy('leave', [allow('iam:RemoveUserFromGroup', 'arn:aws:iam::*:group/other/*')]);
    const ok = lint({
      policies: [broad, guard, other],
      groups: { restrained: ['guard'] },
      users: [{ name: 'di', policies: ['broad', 'leave'], groups: ['restrained'] }],
    });
    expect(escErrors(ok).filter((f) => f.user === 'di')).toEqual([]);
  });
});

describe('AWS managed policies that run commands on instances', () => {
  test('AmazonSSMFullAccess gets the target-dependent warning a custom policy with ssm:SendCommand gets', () => {
    const fs = lint({ groups: { ops: ['AmazonSSMFullAccess'] }, users: [{ name: 'ed', groups: ['ops'] }] });
    const td = fs.filter((f) => f.rule === 'privilege-escalation-target-dependent');
    expect(td.some((f) => f.actions.includes('ssm:SendCommand'))).toBe(true);
    expect(td.every((f) => f.file === 'iam-gitops.yml')).toBe(true);
    const custom = one([allow('ssm:SendCommand')]);
    expect(
      custom.filter((f) => f.rule === 'privilege-escalation-target-dependent').map((f) => f.severity),
    ).toEqual(['warning']);
  });
  test('a managed policy without command execution gets none', () => {
    const fs = lint({
      groups: { ops: ['AmazonSSMReadOnlyAccess'] },
      users: [{ name: 'ed', groups: ['ops'] }],
    });
    expect(fs.filter((f) => f.rule.startsWith('privilege-escalation'))).toEqual([]);
  });
});

describe('catalogue gaps', () => {
  test.each([
    [
      'Batch job definition + job',
      ['iam:PassRole', 'batch:RegisterJobDefinition', 'batch:SubmitJob'],
      'batch-new-job',
    ],
    ['EMR job flow', ['iam:PassRole', 'elasticmapreduce:RunJobFlow'], 'emr-new-cluster'],
    [
      'new role trusting the user, attached policy',
      ['iam:CreateRole', 'iam:AttachRolePolicy'],
      'iam-new-role-attach',
    ],
    [
      'new role trusting the user, inline policy',
      ['iam:CreateRole', 'iam:PutRolePolicy'],
      'iam-new-role-put',
    ],
  ])('%s is an error', (_n, actions, id) => {
    expect(escErrors(one([allow(actions)])).some((f) => f.message.includes(`(${id}, `))).toBe(true);
  });
  test('EMR with PassRole limited to another service, and CreateRole alone, are not errors', () => {
    expect(
      escErrors(
        one([
          allow('iam:PassRole', '*', {
            Condition: { StringEquals: { 'iam:PassedToService': 'lambda.amazonaws.com' } },
          }),
          allow('elasticmapreduce:RunJobFlow'),
        ]),
      ),
    ).toEqual([]);
    expect(escErrors(one([allow('iam:CreateRole')]))).toEqual([]);
  });
  test('Lambda UpdateFunctionConfiguration alone is target-dependent (layer or environment injection)', () => {
    const fs = one([allow('lambda:UpdateFunctionConfiguration')]);
    expect(
      fs.filter(
        (f) =>
          f.rule === 'privilege-escalation-target-dependent' && f.message.includes('lambda-config-injection'),
      ),
    ).toHaveLength(1);
  });
});

describe('per-user analysis once per distinct set of policies', () => {
  test('10,000 users over 3 sets: 3 analyses, each user still gets its finding', () => {
    const pass = policy('pass', [allow('iam:PassRole')]);
    const run = policy('run', [allow('ec2:RunInstances')]);
    const read = policy('read', [allow('s3:ListAllMyBuckets')]);
    const users = Array.from({ length: 10_000 }, (_, i) => ({
      name: `u${i}`,
      policies: i % 3 === 0 ? ['pass', 'run'] : i % 3 === 1 ? ['read'] : ['pass'],
    }));
    const before = analysisCounter.openPaths;
    const r = lintDesired(state({ policies: [pass, run, read], users }), { now: NOW });
    // 3 policies on their own + 3 user sets.
    expect(analysisCounter.openPaths - before).toBe(6);
    expect(r.analyses).toBe(3);
    const combined = r.findings.filter((f) => f.user && f.rule === 'privilege-escalation');
    expect(combined).toHaveLength(3334);
    expect(combined.find((f) => f.user === 'u9')!.message).toContain('User u9 combines');
  });
  test('a policy naming one user by ARN keeps that user’s analysis apart', () => {
    const named = policy('named', [allow('iam:AttachUserPolicy', 'arn:aws:iam::*:user/iam-gitops/u1')]);
    const r = lintDesired(
      state({
        policies: [named],
        groups: { g: ['named'] },
        users: [0, 1, 2].map((i) => ({ name: `u${i}`, groups: ['g'] })),
      }),
      { now: NOW },
    );
    expect(r.analyses).toBe(3);
    expect(escErrors(r.findings).map((f) => f.user)).toEqual(['u1']);
  });
});
