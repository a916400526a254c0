/**
 * The lint of Identity Center people: permission sets as principals, and each person's permission
 * sets per account together (the account each group's permission set is assigned to).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { desiredFor } from '../../../src/accounts/project.js';
import { parseArgs } from '../../../src/commands/args.js';
import { lintCommand } from '../../../src/commands/lint.js';
import { analysisCounter } from '../../../src/lint/escalation.js';
import { formatSarif } from '../../../src/lint/format-sarif.js';
import { formatText } from '../../../src/lint/format-text.js';
import { lintDesired } from '../../../src/lint/index.js';
import { permissionSetName } from '../../../src/lint/identity-center.js';
import type { AccountConfig, DesiredState } from '../../../src/model/desired.js';
import type { Finding } from '../../../src/model/finding.js';
import { allow, policy, state, type StateInput } from './helpers.js';

const NOW = new Date('2026-11-23T12:00:00Z');

const account = (name: string, id: string): AccountConfig => ({
  name,
  id,
  planRole: null,
  applyRole: null,
  region: null,
  source: { file: 'iam-gitops.yml', line: 2 },
});

interface IcInput extends StateInput {
  /** Group → account names its permission set is assigned to. */
  reach?: Record<string, string[]>;
  /** People kept as IAM users. */
  iam?: string[];
  accounts?: string[];
  enabled?: boolean;
}

function icState(input: IcInput): DesiredState {
  const s = state(input);
  for (const [g, list] of Object.entries(input.reach ?? {})) s.config.groups[g]!.accounts = list;
  s.config.accounts = (input.accounts ?? []).map((n, i) => account(n, `11111111111${i}`));
  s.config.defaultAccount = input.accounts?.[0] ?? null;
  s.config.identityCenter = { ...s.config.identityCenter, enabled: input.enabled ?? true };
  for (const u of s.users) u.identity = input.iam?.includes(u.name) ? 'iam' : null;
  return s;
}

const lint = (s: DesiredState, opts: Parameters<typeof lintDesired>[1] = {}): Finding[] =>
  lintDesired(s, { now: NOW, ...opts }).findings;
const escalations = (fs: Finding[]): Finding[] => fs.filter((f) => f.rule === 'privilege-escalation');

// Two halves of one path (iam-new-role-attach): neither opens it alone, and they are separate
// calls, so one session of each permission set is enough.
const CREATE_ROLE = policy('create-roles', [allow('iam:CreateRole', 'arn:aws:iam::*:role/*')]);
const ATTACH_ROLE_POLICY = policy('attach-role-policies', [
  allow('iam:AttachRolePolicy', 'arn:aws:iam::*:role/*'),
]);

const twoGroups = (over: Partial<IcInput> = {}): IcInput => ({
  policies: [CREATE_ROLE, ATTACH_ROLE_POLICY],
  groups: { builders: ['create-roles'], operators: ['attach-role-policies'] },
  users: [
    { name: 'ana', groups: ['builders', 'operators'] },
    { name: 'ben', groups: ['builders'] },
  ],
  accounts: ['dev', 'prod'],
  reach: { builders: ['dev', 'prod'], operators: ['dev'] },
  ...over,
});

describe('a person across two groups’ permission sets', () => {
  test('is flagged in the account where both are assigned, and not where only one is', () => {
    const fs = escalations(lint(icState(twoGroups())));
    const ana = fs.filter((f) => f.user === 'ana');
    expect(ana.map((f) => [f.account, f.actions, f.permissionSets])).toEqual([
      [
        'dev',
        ['iam:CreateRole', 'iam:AttachRolePolicy'],
        [permissionSetName('builders'), permissionSetName('operators')],
      ],
    ]);
    expect(ana[0]!.severity).toBe('error');
    expect(ana[0]!.message).toContain(
      'Person ana in account dev combines iam:CreateRole + iam:AttachRolePolicy',
    );
    expect(ana[0]!.message).toContain(`${permissionSetName('builders')} (group builders)`);
    expect(ana[0]!.message).toContain('iam-new-role-attach');
    // The fix is the IAM user's: scope the role actions.
    expect(ana[0]!.fix).toMatch(/role/i);
    // ben holds one of the two halves only; nothing is reported for prod.
    expect(fs.filter((f) => f.user === 'ben' || f.account === 'prod')).toEqual([]);
  });

  test('assigned to prod as well, the same person is flagged once per account', () => {
    const fs = escalations(lint(icState(twoGroups({ reach: { builders: ['*'], operators: ['*'] } }))));
    expect(fs.filter((f) => f.user === 'ana').map((f) => f.account)).toEqual(['dev', 'prod']);
  });

  test('neither permission set is flagged on its own', () => {
    const fs = escalations(lint(icState(twoGroups())));
    expect(fs.filter((f) => f.user === undefined)).toEqual([]);
  });

  test('a lint.ignore entry for the person silences the finding', () => {
    const s = icState(
      twoGroups({ ignore: [{ rule: 'privilege-escalation', user: 'ana', reason: 'break-glass' }] }),
    );
    const r = lintDesired(s, { now: NOW });
    expect(escalations(r.findings)).toEqual([]);
    expect(r.ignored.map((i) => i.finding.user)).toEqual(['ana']);
  });

  test('iam:PassRole in one permission set and ec2:RunInstances in another is no path: one call needs both', () => {
    const s = icState({
      policies: [
        policy('pass', [allow('iam:PassRole', 'arn:aws:iam::*:role/*')]),
        policy('run', [allow('ec2:RunInstances')]),
      ],
      groups: { passers: ['pass'], runners: ['run'] },
      users: [{ name: 'ana', groups: ['passers', 'runners'] }],
    });
    expect(escalations(lint(s)).filter((f) => f.actions.includes('ec2:RunInstances'))).toEqual([]);
    // The same two policies in one permission set are the ec2-001 path of that permission set.
    const one = icState({
      policies: [
        policy('pass', [allow('iam:PassRole', 'arn:aws:iam::*:role/*')]),
        policy('run', [allow('ec2:RunInstances')]),
      ],
      groups: { launchers: ['pass', 'run'] },
      users: [{ name: 'ana', groups: ['launchers'] }],
    });
    const set = escalations(lint(one)).filter((f) => f.actions.includes('ec2:RunInstances'));
    expect(set.map((f) => [f.user, f.permissionSets])).toEqual([
      [undefined, [permissionSetName('launchers')]],
    ]);
    expect(set[0]!.message).toContain(
      `Permission set ${permissionSetName('launchers')} (group launchers) combines`,
    );
  });
});

describe('single-account and IAM-only repositories', () => {
  test('a single-account repository names no account', () => {
    const fs = escalations(lint(icState(twoGroups({ accounts: [], reach: {} }))));
    const ana = fs.filter((f) => f.user === 'ana');
    expect(ana).toHaveLength(1);
    expect(ana[0]!.account).toBeUndefined();
    expect(ana[0]!.message).toMatch(/^Person ana combines/);
  });

  test('with Identity Center off, the same files give exactly today’s IAM user findings', () => {
    const input = twoGroups({ accounts: [], reach: {} });
    const off = lint(icState({ ...input, enabled: false }));
    expect(off).toEqual(lint(state(input)));
    const ana = escalations(off).filter((f) => f.user === 'ana');
    expect(ana.map((f) => f.message.slice(0, 40))).toEqual(['User ana combines iam:CreateRole + iam:A']);
    expect(ana[0]!.account).toBeUndefined();
    expect(ana[0]!.permissionSets).toBeUndefined();
  });

  test('an IAM user beside Identity Center people is linted as an IAM user', () => {
    const fs = escalations(lint(icState(twoGroups({ iam: ['ana'], accounts: [], reach: {} }))));
    expect(fs.filter((f) => f.user === 'ana').map((f) => f.message.split(' ')[0])).toEqual(['User']);
  });

  test('identityCenter: false leaves the Identity Center part to another section', () => {
    const fs = escalations(lint(icState(twoGroups()), { identityCenter: false }));
    expect(fs.filter((f) => f.user === 'ana')).toEqual([]);
  });

  test('one account’s cut with { account } gives exactly that account’s findings of the whole files', () => {
    const full = icState(
      twoGroups({
        groups: {
          builders: ['create-roles'],
          operators: ['attach-role-policies'],
          both: ['create-roles', 'attach-role-policies'],
        },
        users: [
          { name: 'ana', groups: ['builders', 'operators'] },
          { name: 'ben', groups: ['builders', 'both'] },
        ],
        reach: { builders: ['dev', 'prod'], operators: ['dev'], both: ['prod'] },
      }),
    );
    const key = (f: Finding): string =>
      `${f.rule} ${f.user ?? ''} ${f.account ?? ''} ${(f.permissionSets ?? []).join(',')}`;
    const whole = lint(full).filter((f) => f.permissionSets);
    for (const account of ['dev', 'prod']) {
      const cut = lint(desiredFor(full, account, ['dev', 'prod']), { account }).filter(
        (f) => f.permissionSets,
      );
      // The people's findings are the account's; the permission sets are those assigned there.
      expect(cut.filter((f) => f.user).map(key)).toEqual(whole.filter((f) => f.account === account).map(key));
      // dev: ana's two sets together; prod: none (ben's `both` says it all on its own).
      expect(cut.filter((f) => f.user).map((f) => f.user)).toEqual(account === 'dev' ? ['ana'] : []);
    }
    // In prod, ben's permission set `both` opens the path on its own: reported for the set, not for ben.
    const prod = lint(desiredFor(full, 'prod', ['dev', 'prod']), { account: 'prod' });
    expect(
      escalations(prod)
        .filter((f) => f.permissionSets && !f.user)
        .map((f) => f.permissionSets),
    ).toEqual([[permissionSetName('both')]]);
  });

  test('people with the same permission sets share one analysis', () => {
    const many = twoGroups({
      users: Array.from({ length: 30 }, (_, i) => ({ name: `p${i}`, groups: ['builders', 'operators'] })),
    });
    const before = analysisCounter.openPaths;
    const fs = escalations(lint(icState(many)));
    expect(fs.filter((f) => f.user !== undefined)).toHaveLength(30);
    // Two permission sets, one combination (in dev), the policies on their own: not one per person.
    expect(analysisCounter.openPaths - before).toBeLessThan(10);
  });
});

test('text and SARIF name the person, the account and the permission sets', () => {
  const r = lintDesired(icState(twoGroups()), { now: NOW });
  const text = formatText(r);
  expect(text).toMatch(
    /: privilege-escalation \(policy create-roles, attach-role-policies, person ana, account dev\)/,
  );
  const sarif = JSON.parse(formatSarif(r)) as {
    runs: Array<{ results: Array<{ properties: Record<string, unknown> }> }>;
  };
  const props = sarif.runs[0]!.results.map((x) => x.properties).filter((p) => p.user === 'ana');
  expect(props).toEqual([
    expect.objectContaining({
      account: 'dev',
      permissionSets: [permissionSetName('builders'), permissionSetName('operators')],
    }),
  ]);
});

test('`lint` on the files: the person, the account and both permission sets, and exit 1', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ic-lint-'));
  try {
    mkdirSync(path.join(dir, 'users'));
    mkdirSync(path.join(dir, 'policies'));
    const policy = (action: string): string =>
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }],
      });
    writeFileSync(path.join(dir, 'policies/create-roles.json'), policy('iam:CreateRole'));
    writeFileSync(path.join(dir, 'policies/attach-role-policies.json'), policy('iam:AttachRolePolicy'));
    writeFileSync(
      path.join(dir, 'iam-gitops.yml'),
      [
        'accounts:',
        "  dev: { id: '111111111111' }",
        "  prod: { id: '222222222222' }",
        'identityCenter: { enabled: true }',
        'groups:',
        '  builders: { policies: [create-roles], accounts: [dev, prod] }',
        '  operators: { policies: [attach-role-policies], accounts: [dev] }',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'users/people.csv'),
      'username,email,groups\nana,ana@example.com,builders;operators\nben,ben@example.com,builders\n',
    );
    let out = '';
    const code = await lintCommand(
      parseArgs(['lint', '--dir', dir, '--format', 'json']),
      { out: (t) => void (out += t), err: () => undefined },
      NOW,
    );
    expect(code).toBe(1);
    const found = (JSON.parse(out) as { findings: Finding[] }).findings.filter(
      (f) => f.rule === 'privilege-escalation',
    );
    expect(found.map((f) => [f.user, f.account, f.permissionSets])).toEqual([
      ['ana', 'dev', ['iam-gitops-builders', 'iam-gitops-operators']],
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
