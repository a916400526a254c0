/** One test per rule: a policy that triggers it (with location and fix) and one that must not. */
import { lintDesired } from '../../../src/lint/index.js';
import type { Finding } from '../../../src/model/finding.js';
import { allow, deny, policy, state } from './helpers.js';

const NOW = new Date('2026-11-23T12:00:00Z');
const run = (stmts: object[], extra: Parameters<typeof state>[0] = {}): Finding[] =>
  lintDesired(state({ policies: [policy('p', stmts)], ...extra }), { now: NOW }).findings;
const rule = (fs: Finding[], id: string): Finding[] => fs.filter((f) => f.rule === id);

test('admin-access: * and *:* are one error each, no duplicate full-admin finding', () => {
  const fs = run([allow('*:*')]);
  expect(rule(fs, 'admin-access')).toHaveLength(1);
  expect(rule(fs, 'admin-access')[0]!.severity).toBe('error');
  expect(
    fs.filter(
      (f) => f.rule.startsWith('privilege-escalation') || f.rule === 'permissions-management-unscoped',
    ),
  ).toEqual([]);
  expect(rule(run([allow('*', 'arn:aws:s3:::bucket/*')]), 'admin-access')).toEqual([]);
});

test('service-admin for iam:*, sts:*, organizations:*; service-wildcard warning for others', () => {
  expect(rule(run([allow('iam:*')]), 'service-admin').map((f) => f.severity)).toEqual(['error']);
  expect(rule(run([allow('organizations:*')]), 'service-admin')).toHaveLength(1);
  const s3 = run([allow('s3:*', 'arn:aws:s3:::b')]);
  expect(rule(s3, 'service-wildcard').map((f) => f.severity)).toEqual(['warning']);
  expect(rule(s3, 'service-admin')).toEqual([]);
});

test("passrole-star: PassRole on * without PassedToService; fix names the policy's services", () => {
  const fs = run([allow(['iam:PassRole', 'lambda:CreateFunction'])]);
  const f = rule(fs, 'passrole-star')[0]!;
  expect(f.severity).toBe('error');
  expect(f.fix).toContain('"iam:PassedToService": "lambda.amazonaws.com"');
  const ok = run([
    allow('iam:PassRole', '*', {
      Condition: { StringEquals: { 'iam:PassedToService': 'ecs-tasks.amazonaws.com' } },
    }),
  ]);
  expect(rule(ok, 'passrole-star')).toEqual([]);
});

test('allow-not-action and allow-not-resource are warnings; Deny with NotAction is not', () => {
  expect(
    rule(run([{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]), 'allow-not-action'),
  ).toHaveLength(1);
  expect(
    rule(
      run([{ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secret/*' }]),
      'allow-not-resource',
    ),
  ).toHaveLength(1);
  expect(rule(run([{ Effect: 'Deny', NotAction: 'iam:*', Resource: '*' }]), 'allow-not-action')).toEqual([]);
});

test('credentials-exposure: secrets on *, but not sts:GetSessionToken or a scoped secret', () => {
  const fs = rule(
    run([allow(['secretsmanager:GetSecretValue', 'ecr:GetAuthorizationToken', 'sts:GetSessionToken'])]),
    'credentials-exposure',
  );
  expect(fs).toHaveLength(1);
  expect(fs[0]!.actions.sort()).toEqual(['ecr:GetAuthorizationToken', 'secretsmanager:GetSecretValue']);
  expect(
    rule(
      run([
        allow('secretsmanager:GetSecretValue', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:app-*'),
      ]),
      'credentials-exposure',
    ),
  ).toEqual([]);
});

test('data-exfiltration: s3:GetObject / dynamodb:Scan on *', () => {
  const f = rule(run([allow(['s3:GetObject', 'dynamodb:Scan'])]), 'data-exfiltration')[0]!;
  expect(f.severity).toBe('warning');
  expect(f.fix).toContain('arn:aws:s3:::<BucketName>/<ObjectName>');
  expect(rule(run([allow('s3:GetObject', 'arn:aws:s3:::reports/*')]), 'data-exfiltration')).toEqual([]);
});

test('permissions-management-unscoped: error for iam, warning for other services', () => {
  const fs = rule(
    run([allow(['iam:TagRole', 'iam:DeleteRolePolicy', 's3:PutBucketPolicy'])]),
    'permissions-management-unscoped',
  );
  expect(fs.map((f) => [f.severity, f.actions])).toEqual([
    ['error', ['iam:DeleteRolePolicy']],
    ['warning', ['s3:PutBucketPolicy']],
  ]);
});

test('write-star-scopable: scopable Write on * with the scoped template as fix; wildcard-only actions not', () => {
  const f = rule(
    run([allow(['s3:PutObject', 'ec2:CreateKeyPair', 'ec2:InjectApiError'])]),
    'write-star-scopable',
  )[0]!;
  expect(f.actions).toContain('s3:PutObject');
  expect(f.actions).not.toContain('ec2:InjectApiError');
  expect(f.fix).toContain('"arn:aws:s3:::<BucketName>/<ObjectName>"');
});

test('unknown-service and unknown-action name the closest match at the value line', () => {
  const p = policy('p', [allow(['s3:GetObjekt', 'ec3:RunInstances', 's3:Frob*'])]);
  const fs = lintDesired(state({ policies: [p] }), { now: NOW }).findings;
  const act = rule(fs, 'unknown-action');
  expect(act.map((f) => f.actions[0])).toEqual(['s3:GetObjekt', 's3:Frob*']);
  expect(act[0]!.fix).toContain('s3:GetObject');
  expect(act[0]!.line).toBe(p.valuePositions[0]!.Action![0]!.line);
  const svc = rule(fs, 'unknown-service')[0]!;
  expect(svc.severity).toBe('error');
  expect(svc.fix).toMatch(/ec[0-9]:RunInstances/);
});

test('resource-mismatch: an object ARN for s3:ListBucket, a bucket ARN is fine', () => {
  const fs = rule(run([allow('s3:ListBucket', 'arn:aws:s3:::b/*')]), 'resource-mismatch');
  expect(fs).toHaveLength(1);
  expect(fs[0]!.fix).toContain('arn:aws:s3:::<BucketName>');
  expect(rule(run([allow('s3:ListBucket', 'arn:aws:s3:::b')]), 'resource-mismatch')).toEqual([]);
  expect(
    rule(
      run([allow(['s3:ListBucket', 's3:GetObject'], ['arn:aws:s3:::b', 'arn:aws:s3:::b/*'])]),
      'resource-mismatch',
    ),
  ).toEqual([]);
  expect(rule(run([allow('iam:PassRole', 'arn:aws:iam::*:role/app/*')]), 'resource-mismatch')).toEqual([]);
});

test('invalid-condition-key: a key of another service; global and own keys are fine', () => {
  const cond = (k: string) => ({ Condition: { StringEquals: { [k]: 'x' } } });
  expect(
    rule(run([allow('s3:GetObject', 'arn:aws:s3:::b/*', cond('ec2:Region'))]), 'invalid-condition-key'),
  ).toHaveLength(1);
  expect(
    rule(
      run([allow('s3:GetObject', 'arn:aws:s3:::b/*', cond('aws:PrincipalTag/team'))]),
      'invalid-condition-key',
    ),
  ).toEqual([]);
  expect(
    rule(
      run([allow('s3:GetObject', 'arn:aws:s3:::b/*', cond('s3:ExistingObjectTag/team'))]),
      'invalid-condition-key',
    ),
  ).toEqual([]);
});

test('redundant-statement: a statement covered by another Allow', () => {
  const fs = rule(
    run([allow('s3:Get*', 'arn:aws:s3:::b/*'), allow('s3:GetObject', 'arn:aws:s3:::b/reports/*')]),
    'redundant-statement',
  );
  expect(fs).toHaveLength(1);
  expect(fs[0]!.message).toContain('Statement 2');
  expect(
    rule(
      run([allow('s3:GetObject', 'arn:aws:s3:::a/*'), allow('s3:GetObject', 'arn:aws:s3:::b/*')]),
      'redundant-statement',
    ),
  ).toEqual([]);
});

test('direct-user-policy: notice at the CSV row; group membership is fine', () => {
  const fs = lintDesired(
    state({
      policies: [policy('p', [allow('s3:ListAllMyBuckets')])],
      users: [
        { name: 'ann', policies: ['p'] },
        { name: 'ben', groups: ['g'] },
      ],
      groups: { g: ['p'] },
    }),
    { now: NOW },
  ).findings;
  expect(rule(fs, 'direct-user-policy').map((f) => [f.user, f.file, f.line, f.severity])).toEqual([
    ['ann', 'users/team.csv', 2, 'notice'],
  ]);
});

test('risky-managed-policy: IAMFullAccess error, PowerUserAccess warning, per attachment', () => {
  const fs = lintDesired(
    state({ users: [{ name: 'x', policies: ['IAMFullAccess'] }], groups: { p: ['PowerUserAccess'] } }),
    { now: NOW },
  ).findings;
  expect(rule(fs, 'risky-managed-policy').map((f) => [f.policy, f.severity])).toEqual([
    ['IAMFullAccess', 'error'],
    ['PowerUserAccess', 'warning'],
  ]);
});

test('privilege-escalation-target-dependent: ssm:SendCommand and sts:AssumeRole on *', () => {
  const fs = rule(
    run([allow(['ssm:SendCommand', 'sts:AssumeRole'])]),
    'privilege-escalation-target-dependent',
  );
  expect(fs.map((f) => f.actions[0]).sort()).toEqual(['ssm:SendCommand', 'sts:AssumeRole']);
  expect(fs.every((f) => f.severity === 'warning' && /privileged/.test(f.message))).toBe(true);
  expect(
    rule(
      run([allow('sts:AssumeRole', 'arn:aws:iam::123456789012:role/reader')]),
      'privilege-escalation-target-dependent',
    ),
  ).toEqual([]);
});

test('privilege-escalation-candidate: permissions boundary removal, kms:CreateGrant', () => {
  const fs = rule(
    run([allow(['iam:DeleteUserPermissionsBoundary', 'kms:CreateGrant'])]),
    'privilege-escalation-candidate',
  );
  expect(fs.map((f) => f.actions[0]).sort()).toEqual([
    'iam:DeleteUserPermissionsBoundary',
    'kms:CreateGrant',
  ]);
});

test('every table 1.1/1.2 path with Resource * is an error', async () => {
  const { ESCALATION_PATHS } = await import('../../../src/lint/escalation-paths.js');
  for (const p of ESCALATION_PATHS.filter((x) => x.kind === 'escalation')) {
    const fs = rule(run([allow(p.steps.map((s) => s.action))]), 'privilege-escalation');
    expect([p.id, fs.some((f) => f.severity === 'error')]).toEqual([p.id, true]);
  }
});

test('lint.ignore removes a finding and lists it with the reason', () => {
  const r = lintDesired(
    state({
      policies: [policy('p', [allow('iam:*')])],
      ignore: [{ rule: 'service-admin', policy: 'p', reason: 'break-glass policy' }],
    }),
    { now: NOW },
  );
  expect(r.findings.some((f) => f.rule === 'service-admin')).toBe(false);
  expect(r.ignored.map((i) => [i.finding.rule, i.reason])).toEqual([['service-admin', 'break-glass policy']]);
});

test('a Deny removing an action everywhere cancels the rules about it', () => {
  expect(
    rule(run([allow(['iam:PassRole', 'ec2:RunInstances']), deny('iam:PassRole')]), 'privilege-escalation'),
  ).toEqual([]);
});

test('resource-mismatch on a wildcard-only action is a warning', () => {
  const fs = rule(run([allow('iam:ListRoles', 'arn:aws:iam::*:role/app/*')]), 'resource-mismatch');
  expect(fs.map((f) => [f.severity, f.actions])).toEqual([['warning', ['iam:ListRoles']]]);
  expect(fs[0]!.fix).toContain('"*"');
});

test('Allow * with a Deny of everything but s3 is not admin-access and not an escalation', () => {
  const fs = run([allow('*'), { Effect: 'Deny', NotAction: 's3:*', Resource: '*' }]);
  expect(fs.filter((f) => f.severity === 'error')).toEqual([]);
  expect(rule(fs, 'write-star-scopable')[0]!.actions.every((a) => a.startsWith('s3:'))).toBe(true);
});
