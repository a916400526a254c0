/** The Identity Center planner, pure: names, policies, ownership, ordering, and how the plan reads. */
import { defaultConfig } from '../../../src/config/defaults.js';
import type { Config, DesiredState, DesiredUser } from '../../../src/model/desired.js';
import {
  emptyIdentityCenterSnapshot,
  type IdentityCenterSnapshot,
} from '../../../src/model/identity-center.js';
import type { Plan } from '../../../src/model/plan.js';
import { emptyActualState } from '../../../src/model/actual.js';
import { renderMarkdown } from '../../../src/plan/render-markdown.js';
import { renderText } from '../../../src/plan/render-text.js';
import {
  INLINE_POLICY_MAX,
  permissionSetName,
  personNames,
} from '../../../src/targets/identity-center/desired.js';
import { planIdentityCenter } from '../../../src/targets/identity-center/diff.js';
import { renderIcWelcomeMail } from '../../../src/targets/identity-center/welcome-mail.js';
import { diff } from '../../../src/targets/plan.js';
import { aws, custom, policy, user } from '../plan/fixtures.js';

const ACCOUNT = { name: 'default', id: '123456789012' };

function icConfig(over: Partial<Config> = {}): Config {
  const base = defaultConfig();
  return {
    ...base,
    identityCenter: { ...base.identityCenter, enabled: true, portalUrl: 'https://d-1.awsapps.com/start' },
    email: { ...base.email, from: 'iam@example.com' },
    monitoring: { ...base.monitoring, enabled: false, alarms: [] },
    groups: {
      developers: {
        policies: [aws('ReadOnlyAccess'), custom('dev-s3')],
        source: { file: 'iam-gitops.yml', line: 4 },
      },
    },
    source: 'iam-gitops.yml',
    ...over,
  };
}

const doc = (n = 1) => ({
  Version: '2012-10-17',
  Statement: Array.from({ length: n }, (_, i) => ({
    Sid: `S${i}`,
    Effect: 'Allow' as const,
    Action: 's3:GetObject',
    Resource: `arn:aws:s3:::bucket-number-${i}-with-a-long-enough-name/*`,
  })),
});

function state(users: DesiredUser[], over: Partial<Config> = {}, statements = 1): DesiredState {
  return { config: icConfig(over), users, policies: [policy('dev-s3', doc(statements))] };
}

const plan = (d: DesiredState, s: IdentityCenterSnapshot = emptyIdentityCenterSnapshot()) =>
  planIdentityCenter(d, s, [ACCOUNT]);

test('permission set names: iam-gitops-<group> when it fits 32 characters, else a stable shortened name', () => {
  expect(permissionSetName('developers')).toBe('iam-gitops-developers');
  const a = permissionSetName('platform-engineering-on-call-team');
  const b = permissionSetName('platform-engineering-on-call-tier2');
  expect(a.length).toBeLessThanOrEqual(32);
  expect(b.length).toBeLessThanOrEqual(32);
  expect(a).not.toBe(b);
  expect(permissionSetName('platform-engineering-on-call-team')).toBe(a);
  expect(a).toMatch(/^iam-gitops-platform-engin-[0-9a-f]{6}$/);
});

test('names are derived from the user name, else the e-mail, and the CSV columns win', () => {
  expect(personNames(user('jane.doe'))).toEqual({
    givenName: 'Jane',
    familyName: 'Doe',
    displayName: 'Jane Doe',
  });
  expect(personNames(user('jsmith', { email: 'john.smith@example.com' }))).toMatchObject({
    givenName: 'John',
    familyName: 'Smith',
  });
  expect(personNames(user('bob', { email: 'bob@example.com' }))).toEqual({
    givenName: 'Bob',
    familyName: 'Bob',
    displayName: 'Bob',
  });
  expect(
    personNames(user('x', { givenName: 'Ada', familyName: 'Lovelace', displayName: 'Countess' })),
  ).toEqual({
    givenName: 'Ada',
    familyName: 'Lovelace',
    displayName: 'Countess',
  });
});

test('custom policies are merged inline while they fit, and referenced as customer managed policies when not', () => {
  const small = plan(state([user('jane.doe', { groups: ['developers'], identity: 'identity-center' })]));
  const inline = small.operations.filter((o) => o.type === 'permission-set-policy');
  expect(inline.map((o) => o.details.kind).sort()).toEqual(['aws', 'inline']);
  expect(small.notes).toEqual([]);

  // Enough statements to pass the inline limit once merged.
  const big = plan(state([user('jane.doe', { groups: ['developers'] })], {}, 120));
  const kinds = big.operations.filter((o) => o.type === 'permission-set-policy').map((o) => o.details);
  expect(kinds).toContainEqual({
    permissionSet: 'iam-gitops-developers',
    kind: 'customer',
    name: 'dev-s3',
    path: '/iam-gitops/',
  });
  expect(kinds.some((k) => k.kind === 'inline')).toBe(false);
  expect(big.notes.join('\n')).toMatch(
    new RegExp(`more than the ${INLINE_POLICY_MAX}.*must exist at /iam-gitops/ in every account`),
  );
  const p: Plan = {
    hash: 'h',
    changes: big.operations,
    findings: [],
    stats: { awsCalls: {} },
    errors: [],
    offline: false,
    accountId: ACCOUNT.id,
  };
  expect(renderText({ plan: p })).toMatch(
    /customer managed reference: the policy must exist at \/iam-gitops\/ in every account/,
  );
});

test('creation runs permission set → policies → assignment, and the welcome mail waits for all of it', () => {
  const r = plan(state([user('jane.doe', { groups: ['developers'] })]));
  expect(r.errors).toEqual([]);
  const ids = r.operations.map((o) => o.id);
  const pos = (id: string) => ids.indexOf(id);
  const set = 'permission-set:iam-gitops-developers';
  const assign = `assignment:developers:iam-gitops-developers:${ACCOUNT.id}`;
  expect(pos(set)).toBeLessThan(pos('permission-set-policy:iam-gitops-developers:inline'));
  expect(pos('permission-set-policy:iam-gitops-developers:inline')).toBeLessThan(pos(assign));
  const mail = r.operations.find((o) => o.id === 'ic-email:jane.doe')!;
  expect(mail.dependsOn).toEqual(
    expect.arrayContaining(['ic-user:jane.doe', 'ic-membership:jane.doe:developers', assign]),
  );
  expect(ids.at(-1)).toBe('ic-email:jane.doe');
});

test('an Identity Center person with policies of their own is refused with file:line and the fix', () => {
  const r = plan(state([user('jane.doe', { groups: ['developers'], policies: [aws('ReadOnlyAccess')] })]));
  expect(r.errors).toEqual([
    expect.stringMatching(
      /^jane\.doe \(users\/team\.csv:2\) is an Identity Center person with policies of their own .*move the policies to a group/,
    ),
  ]);
});

test('a person marked identity-center while Identity Center is off is refused, not made an IAM user', () => {
  const base = defaultConfig();
  const d: DesiredState = {
    config: { ...base, monitoring: { ...base.monitoring, enabled: false } },
    users: [user('jane.doe', { identity: 'identity-center' })],
    policies: [],
  };
  const r = diff(d, emptyActualState(), { monitoring: false });
  expect(r.errors).toContainEqual(
    expect.stringMatching(
      /jane\.doe \(users\/team\.csv:2\) has identity identity-center, but identityCenter\.enabled/,
    ),
  );
});

test('an existing unmanaged user of a desired name refuses the plan, and adopt: true takes it over', () => {
  const snapshot: IdentityCenterSnapshot = {
    ...emptyIdentityCenterSnapshot(),
    users: [
      {
        userId: 'u-1',
        userName: 'Jane.Doe',
        displayName: 'J',
        givenName: 'J',
        familyName: 'D',
        email: null,
        managed: false,
      },
    ],
  };
  const d = state([user('jane.doe', { groups: ['developers'] })]);
  expect(plan(d, snapshot).errors.join('\n')).toMatch(
    /jane\.doe .* not managed by iam-gitops; .*adopt: true/,
  );
  const adopted = plan({ ...d, config: { ...d.config, adopt: true } }, snapshot);
  expect(adopted.errors).toEqual([]);
  expect(adopted.operations.find((o) => o.type === 'ic-user')).toMatchObject({
    action: 'create',
    details: { userName: 'Jane.Doe', adopt: true },
  });
});

test('deleting more Identity Center people than maxDeletes is refused', () => {
  const snapshot: IdentityCenterSnapshot = {
    ...emptyIdentityCenterSnapshot(),
    users: ['a', 'b', 'c'].map((n) => ({
      userId: `u-${n}`,
      userName: n,
      displayName: n,
      givenName: n,
      familyName: n,
      email: `${n}@example.com`,
      managed: true,
    })),
  };
  const r = plan(state([], { maxDeletes: 2 }), snapshot);
  expect(r.errors.join('\n')).toMatch(
    /deletes 3 Identity Center users \(a, b, c\), more than maxDeletes \(2\)/,
  );
});

test('the comment shows the Identity Center section and calls out deletions first', () => {
  const snapshot: IdentityCenterSnapshot = {
    ...emptyIdentityCenterSnapshot(),
    users: [
      {
        userId: 'u-1',
        userName: 'old.timer',
        displayName: 'O',
        givenName: 'O',
        familyName: 'T',
        email: 'o@example.com',
        managed: true,
      },
    ],
  };
  const r = plan(state([user('jane.doe', { groups: ['developers'] })]), snapshot);
  const p: Plan = {
    hash: 'h',
    changes: r.operations,
    findings: [],
    stats: { awsCalls: {} },
    errors: [],
    offline: false,
    accountId: ACCOUNT.id,
  };
  const md = renderMarkdown({ plan: p, repo: 'o/r' } as never).body;
  expect(md).toMatch(/This plan deletes 1 Identity Center user:\*\*\n> - Identity Center user `old.timer`/);
  expect(md).toMatch(/#### IAM Identity Center \(\d+\)/);
  expect(md).toContain('"s3:GetObject"');
});

test('the welcome mail carries no password, names the portal, and escapes what the CSV wrote', () => {
  const mail = renderIcWelcomeMail({
    user: 'jane.doe',
    displayName: '<img src=x onerror=alert(1)>',
    portalUrl: 'https://d-1.awsapps.com/start',
    groups: [{ group: 'developers', permissionSet: 'iam-gitops-developers', accounts: ['prod', 'dev'] }],
  });
  expect(mail.html).not.toContain('<img');
  expect(mail.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
  expect(mail.text).toContain('https://d-1.awsapps.com/start');
  expect(mail.text).toContain('Group developers: permission set iam-gitops-developers in prod, dev');
  expect(mail.text).toMatch(/invitation e-mail from AWS IAM Identity Center/);
  expect(mail.text).not.toMatch(/password:/i);
});

test('a changed session duration or relay state updates the set and re-provisions it where it is; no relay state leaves it alone', () => {
  const d = state([user('jane.doe', { groups: ['developers'] })], {});
  const first = plan(d);
  const inline = String(
    first.operations.find((o) => o.type === 'permission-set-policy' && o.details.kind === 'inline')!.details
      .document,
  );
  const arn = 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-1111111111111111';
  const snapshot = (over: {
    sessionDuration?: string;
    relayState?: string | null;
  }): IdentityCenterSnapshot => ({
    ...emptyIdentityCenterSnapshot(),
    permissionSets: [
      {
        arn,
        name: 'iam-gitops-developers',
        description: 'iam-gitops group developers',
        sessionDuration: over.sessionDuration ?? 'PT8H',
        relayState: over.relayState ?? null,
        tags: { 'managed-by': 'iam-gitops' },
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        customerManagedPolicies: [],
        inlinePolicy: inline,
        managed: true,
      },
    ],
    provisioned: { [arn]: ['111111111111', '123456789012'] },
  });
  const setOps = (r: ReturnType<typeof plan>) =>
    r.operations
      .filter((o) => o.type === 'permission-set' || o.type === 'provisioning')
      .map((o) => `${o.action} ${o.type}`);
  expect(setOps(plan(d, snapshot({})))).toEqual([]);
  const longer = plan(d, snapshot({ sessionDuration: 'PT1H' }));
  expect(setOps(longer)).toEqual(['update permission-set', 'create provisioning']);
  expect(longer.operations.find((o) => o.type === 'provisioning')!.details.accounts).toEqual([
    '111111111111',
    '123456789012',
  ]);
  expect(setOps(plan(d, snapshot({ relayState: 'https://console.aws.amazon.com/' })))).toEqual([]);
});

test('a relay state the config no longer sets stays on the set, and the plan warns on that set instead of "no changes"', () => {
  const d = state([user('jane.doe', { groups: ['developers'] })], {});
  const made = plan(d);
  const inline = String(
    made.operations.find((o) => o.type === 'permission-set-policy' && o.details.kind === 'inline')!.details
      .document,
  );
  const arn = 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-2222222222222222';
  const live = (relayState: string | null): IdentityCenterSnapshot => ({
    ...emptyIdentityCenterSnapshot(),
    permissionSets: [
      {
        arn,
        name: 'iam-gitops-developers',
        description: 'iam-gitops group developers',
        sessionDuration: 'PT8H',
        relayState,
        tags: { 'managed-by': 'iam-gitops' },
        managedPolicies: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
        customerManagedPolicies: [],
        inlinePolicy: inline,
        managed: true,
      },
    ],
    provisioned: { [arn]: [ACCOUNT.id] },
  });
  const kept = plan(d, live('https://console.aws.amazon.com/s3/'));
  // No operation can remove it (UpdatePermissionSet takes 1–240 characters or keeps the old one).
  expect(kept.operations.filter((o) => o.type === 'permission-set' || o.type === 'provisioning')).toEqual([]);
  expect(kept.findings).toEqual([
    expect.objectContaining({
      rule: 'relay-state-kept',
      severity: 'warning',
      file: 'iam-gitops.yml',
      line: 4,
      permissionSets: ['iam-gitops-developers'],
    }),
  ]);
  expect(kept.findings[0]!.message).toContain('"https://console.aws.amazon.com/s3/"');
  expect(kept.findings[0]!.fix).toContain('https://console.aws.amazon.com/');
  // Nothing to say when the set has none, or the config sets one (then it is updated as usual).
  expect(plan(d, live(null)).findings).toEqual([]);
  const set = state([user('jane.doe', { groups: ['developers'] })], {
    identityCenter: { ...icConfig().identityCenter, relayState: 'https://console.aws.amazon.com/' },
  });
  const replaced = plan(set, live('https://console.aws.amazon.com/s3/'));
  expect(replaced.findings).toEqual([]);
  expect(replaced.operations.map((o) => `${o.action} ${o.type}`)).toContain('update permission-set');

  // The whole plan carries the warning next to the lint findings: the text says it under "No changes".
  const actual = { ...emptyActualState(ACCOUNT.id, 'us-east-1'), identityCenter: live('https://x.example/') };
  const r = diff(d, actual, { monitoring: false, identityCenter: { full: d, accounts: [ACCOUNT] } });
  expect(r.findings.map((f) => f.rule)).toEqual(['relay-state-kept']);
  const p: Plan = {
    hash: 'h',
    changes: r.operations.filter((o) => o.type === 'permission-set'),
    findings: r.findings,
    stats: { awsCalls: {} },
    errors: [],
    offline: false,
    accountId: ACCOUNT.id,
  };
  expect(renderText({ plan: p })).toMatch(
    /No changes\.[\s\S]*warning relay-state-kept iam-gitops\.yml:4: permission set iam-gitops-developers/,
  );
});

test('a managed group the files dropped is not deleted while people or permission sets iam-gitops does not manage still use it', () => {
  const person = (userId: string, userName: string, managed: boolean) => ({
    userId,
    userName,
    displayName: userName,
    givenName: userName,
    familyName: userName,
    email: `${userName}@example.com`,
    managed,
  });
  const oldTeam = {
    groupId: 'g-old',
    displayName: 'old-team',
    description: 'managed-by=iam-gitops',
    managed: true,
  };
  const base: IdentityCenterSnapshot = {
    ...emptyIdentityCenterSnapshot(),
    users: [person('u-ours', 'ours', true), person('u-hand', 'by-hand', false)],
    groups: [oldTeam],
    memberships: [{ membershipId: 'm-1', groupId: 'g-old', userId: 'u-ours' }],
  };
  const d = state([user('ours', { groups: ['developers'], identity: 'identity-center' })]);
  const groupDeletes = (s: IdentityCenterSnapshot) =>
    plan(d, s).operations.filter((o) => o.type === 'ic-group' && o.action === 'delete');
  // Only its own people in it: emptied, then deleted.
  expect(groupDeletes(base).map((o) => o.name)).toEqual(['old-team']);

  // Someone added by hand: DeleteGroup would take that membership with it.
  const withHandMember = {
    ...base,
    memberships: [...base.memberships, { membershipId: 'm-2', groupId: 'g-old', userId: 'u-hand' }],
  };
  expect(groupDeletes(withHandMember)).toEqual([]);
  expect(plan(d, withHandMember).errors.join('\n')).toMatch(
    /group old-team is no longer in the files, but .* does not manage \(member by-hand\); remove them/,
  );

  // Assigned by hand to a permission set iam-gitops does not manage.
  const handSet = {
    arn: 'arn:aws:sso:::permissionSet/ssoins-0000000000000000/ps-hand',
    name: 'hand-made',
    description: null,
    sessionDuration: null,
    relayState: null,
    tags: {},
    managedPolicies: [],
    customerManagedPolicies: [],
    inlinePolicy: null,
    managed: false,
  };
  const withHandSet: IdentityCenterSnapshot = {
    ...base,
    permissionSets: [handSet],
    assignments: [
      { accountId: ACCOUNT.id, permissionSetArn: handSet.arn, principalType: 'GROUP', principalId: 'g-old' },
    ],
    provisioned: { [handSet.arn]: [ACCOUNT.id] },
  };
  expect(groupDeletes(withHandSet)).toEqual([]);
  expect(plan(d, withHandSet).errors.join('\n')).toMatch(/\(permission set hand-made in 123456789012\)/);
});
