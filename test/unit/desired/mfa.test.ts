/**
 * `mfa: required`: the files gain the MFA policy and group, every console user joins it, conflicts
 * are named with file:line, and the lint judges the shipped policy safe (while still flagging the
 * same policy once its self-only scoping is removed, so "safe" is the lint's verdict, not silence).
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDesired } from '../../../src/desired/index.js';
import { MFA_GROUP_NAME, MFA_POLICY_NAME, mfaPolicyDocument } from '../../../src/desired/mfa-policy.js';
import { lintDesired } from '../../../src/lint/index.js';
import type { PolicyDocument } from '../../../src/model/policy.js';
import { policy, state } from '../lint/helpers.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function repo(config: string, rows: string[], extra: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'iam-gitops-mfa-'));
  dirs.push(dir);
  mkdirSync(path.join(dir, 'users'));
  mkdirSync(path.join(dir, 'policies'));
  writeFileSync(path.join(dir, 'iam-gitops.yml'), config);
  writeFileSync(path.join(dir, 'users/team.csv'), ['username,email,groups,console', ...rows, ''].join('\n'));
  for (const [f, text] of Object.entries(extra)) writeFileSync(path.join(dir, f), text);
  return dir;
}

const CONFIG = ['path: /people/', 'groups:', '  developers:', 'mfa: required', ''].join('\n');

test('console users join the MFA group, which carries the shipped policy; others do not', async () => {
  const r = await loadDesired(
    repo(CONFIG, ['alice,a@example.com,developers,true', 'ci,c@example.com,,false']),
  );
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const s = r.state!;
  expect(s.config.mfa).toBe('required');
  expect(s.users.find((u) => u.name === 'alice')!.groups).toEqual(['developers', MFA_GROUP_NAME]);
  expect(s.users.find((u) => u.name === 'ci')!.groups).toEqual([]);
  expect(s.config.groups[MFA_GROUP_NAME]).toEqual({
    policies: [{ kind: 'custom', name: MFA_POLICY_NAME }],
    accounts: ['*'],
    source: { file: 'iam-gitops.yml', line: 4, col: 1 },
  });
  const p = s.policies.find((x) => x.name === MFA_POLICY_NAME)!;
  expect(p.file).toBe('iam-gitops.yml');
  expect(p.document).toEqual(mfaPolicyDocument());
  // The caller's own ARN at any path: AWS's example's `user/${aws:username}` alone matches only
  // users at `/`, and nobody at /people/ could enable a device. Never `user/*${…}` (also `malice`).
  const manage = p.document.Statement.find((s) => s.Sid === 'AllowUserToManageTheirOwnMFA')!;
  expect(manage.Resource).toEqual([
    'arn:aws:iam::*:user/${aws:username}',
    'arn:aws:iam::*:user/*/${aws:username}',
  ]);
  expect(JSON.stringify(p.document)).not.toMatch(/user\/\*\$\{/);
});

test('without mfa, or with mfa: optional, there is no MFA group', async () => {
  for (const cfg of ['groups:\n  developers:\n', 'mfa: optional\ngroups:\n  developers:\n']) {
    const s = (await loadDesired(repo(cfg, ['alice,a@example.com,developers,true']))).state!;
    expect(s.config.groups[MFA_GROUP_NAME]).toBeUndefined();
    expect(s.users[0]!.groups).toEqual(['developers']);
    expect(s.policies).toEqual([]);
  }
});

test('a wrong value, a clashing group or policy, and an 11th group are errors with file:line', async () => {
  const bad = await loadDesired(repo('mfa: yes\n', []));
  expect(bad.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`)).toContainEqual(
    "iam-gitops.yml:1: mfa: 'yes' is not one of required, optional",
  );

  const clash = await loadDesired(
    repo(['mfa: required', 'groups:', `  ${MFA_GROUP_NAME}:`, ''].join('\n'), [], {
      [`policies/${MFA_POLICY_NAME}.json`]: JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b' }],
      }),
    }),
  );
  expect(clash.state).toBeNull();
  const msgs = clash.diagnostics.map((d) => `${d.file}:${d.line}: ${d.message}`);
  expect(msgs).toContainEqual(
    expect.stringMatching(/^iam-gitops\.yml:3: group 'iam-gitops-mfa-required' has the name/),
  );
  expect(msgs).toContainEqual(expect.stringMatching(/^policies\/iam-gitops-mfa-required\.json:1: policy /));

  const ten = Array.from({ length: 10 }, (_, i) => `g${i}`);
  const full = await loadDesired(
    repo(['mfa: required', 'groups:', ...ten.map((g) => `  ${g}:`), ''].join('\n'), [
      `alice,a@example.com,${ten.join(';')},true`,
    ]),
  );
  expect(
    full.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`),
  ).toEqual([
    expect.stringMatching(
      /^users\/team\.csv:2: alice is a console user, so mfa: required \(iam-gitops\.yml:1\) .* 11 groups/,
    ),
  ]);
});

test('the lint judges the MFA policy safe: no error or warning, alone or combined with a user', async () => {
  const s = (await loadDesired(repo(CONFIG, ['alice,a@example.com,developers,true']))).state!;
  const r = lintDesired(s);
  expect(r.findings.filter((f) => f.severity === 'error' || f.severity === 'warning')).toEqual([]);
  expect(r.findings.filter((f) => f.policy === MFA_POLICY_NAME)).toEqual([]);
});

test('the same lint flags the policy once its self-only scoping is removed', () => {
  const doc = mfaPolicyDocument();
  const loose: PolicyDocument = {
    ...doc,
    Statement: doc.Statement.map((st) =>
      st.Sid === 'AllowUserToDeactivateTheirOwnMFAOnlyWhenUsingMFA' ||
      st.Sid === 'AllowUserToManageTheirOwnMFA'
        ? { Sid: st.Sid, Effect: 'Allow', Action: st.Action, Resource: '*' }
        : st,
    ),
  };
  const r = lintDesired(
    state({
      policies: [policy('loose', loose)],
      users: [{ name: 'alice', groups: ['g'] }],
      groups: { g: ['loose'] },
    }),
  );
  // Enabling an MFA device on any user is the MFA-takeover candidate path.
  expect(r.findings).toContainEqual(
    expect.objectContaining({
      rule: 'privilege-escalation-candidate',
      severity: 'warning',
      actions: expect.arrayContaining(['iam:EnableMFADevice']),
    }),
  );
});
