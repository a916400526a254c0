import { diff } from '../../../src/targets/plan.js';
import type { Operation } from '../../../src/model/plan.js';
import { WELCOME_PENDING_TAG } from '../../../src/model/desired.js';
import {
  actual,
  actualPolicy,
  actualUser,
  aws,
  custom,
  customArn,
  desired,
  MANAGED,
  PATH,
  policy,
  S3_READ,
  user,
} from './fixtures.js';

const ids = (ops: Operation[]): string[] => ops.map((o) => o.id);
const byId = (ops: Operation[], id: string): Operation => {
  const op = ops.find((o) => o.id === id);
  if (!op) throw new Error(`no operation ${id} in ${ids(ops).join(', ')}`);
  return op;
};
const before = (ops: Operation[], a: string, b: string): boolean => ids(ops).indexOf(a) < ids(ops).indexOf(b);

describe('new users', () => {
  const d = desired(
    [
      user('alice', {
        groups: ['developers'],
        policies: [aws('ReadOnlyAccess'), custom('dev-s3')],
        console: true,
        role: 'dev',
        tags: { team: 'core' },
      }),
    ],
    { groups: { developers: { policies: [custom('dev-s3')], source: { file: 'iam-gitops.yml', line: 3 } } } },
    [policy('dev-s3', S3_READ)],
  );
  const { operations: ops, errors } = diff(d, actual());

  test('every resource is created, each after what it depends on', () => {
    expect(errors).toEqual([]);
    expect(ids(ops).sort()).toEqual(
      [
        'policy:dev-s3',
        'group:developers',
        `attachment:group:developers:${customArn('dev-s3')}`,
        'user:alice',
        'login-profile:alice',
        'membership:alice:developers',
        'attachment:user:alice:arn:aws:iam::aws:policy/ReadOnlyAccess',
        `attachment:user:alice:${customArn('dev-s3')}`,
        'email:alice',
      ].sort(),
    );
    for (const op of ops) for (const dep of op.dependsOn) expect(before(ops, dep, op.id)).toBe(true);
    expect(byId(ops, 'membership:alice:developers').dependsOn).toEqual(['group:developers', 'user:alice']);
    expect(byId(ops, `attachment:user:alice:${customArn('dev-s3')}`).dependsOn).toEqual([
      'policy:dev-s3',
      'user:alice',
    ]);
    expect(byId(ops, `attachment:group:developers:${customArn('dev-s3')}`).dependsOn).toEqual([
      'group:developers',
      'policy:dev-s3',
    ]);
    expect(ids(ops)[ids(ops).length - 1]).toBe('email:alice');
    expect(byId(ops, 'email:alice').dependsOn).toEqual(
      expect.arrayContaining(['user:alice', 'login-profile:alice', 'membership:alice:developers']),
    );
  });

  test('the user carries the managed tag, role and CSV tags under the path; the mail describes the access', () => {
    const u = byId(ops, 'user:alice');
    expect(u.action).toBe('create');
    expect(u.details).toEqual({
      path: PATH,
      tags: { team: 'core', role: 'dev', 'managed-by': 'iam-gitops' },
      email: 'alice@example.com',
    });
    expect(byId(ops, 'email:alice').details).toEqual({
      user: 'alice',
      email: 'alice@example.com',
      console: true,
      role: 'dev',
      groups: ['developers'],
      policies: ['ReadOnlyAccess', 'dev-s3'],
      groupPolicies: { developers: ['dev-s3'] },
    });
    expect(byId(ops, 'policy:dev-s3').details).toMatchObject({ path: PATH, arn: customArn('dev-s3') });
    expect(JSON.parse(String(byId(ops, 'policy:dev-s3').details.document))).toEqual(S3_READ);
  });

  test('a configured boundary is set at creation', () => {
    const r = diff(
      desired([user('bob')], { permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary' }),
      actual(),
    );
    expect(byId(r.operations, 'user:bob').details.permissionsBoundary).toBe(
      'arn:aws:iam::123456789012:policy/boundary',
    );
  });
});

describe('ownership', () => {
  test('a same-named user without the managed tag is an error, and nothing is planned for it', () => {
    const r = diff(
      desired([user('Carol', { console: true })]),
      actual({ users: [actualUser('carol', { tags: { team: 'x' } })] }),
    );
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(
      /user Carol \(users\/team\.csv:2\) already exists in AWS but is not managed by iam-gitops/,
    );
    expect(r.errors[0]).toMatch(/adopt: true/);
    expect(r.operations).toEqual([]);
  });

  test('with adopt: true it is taken over with a user create (adopt) and then brought to the desired state', () => {
    const r = diff(
      desired([user('carol', { console: true })], { adopt: true, adoptPaths: ['/'] }),
      actual({ users: [actualUser('carol', { path: '/', tags: { team: 'x' } })] }),
    );
    expect(r.errors).toEqual([]);
    const u = byId(r.operations, 'user:carol');
    expect(u.action).toBe('create');
    expect(u.details).toMatchObject({ adopt: true, path: '/', tags: { 'managed-by': 'iam-gitops' } });
    expect(byId(r.operations, 'login-profile:carol').dependsOn).toEqual(['user:carol']);
    // The console is new to the user: its password is mailed in the same run, after the takeover.
    expect(byId(r.operations, 'email:carol').dependsOn).toEqual(['login-profile:carol', 'user:carol']);
  });

  test('an adopted user without a console change gets no mail', () => {
    const r = diff(
      desired([user('cy', { console: true })], { adopt: true }),
      actual({ users: [actualUser('cy', { hasLoginProfile: true, tags: { team: 'x' } })] }),
    );
    expect(r.operations.map((o) => o.id)).toEqual(['user:cy']);
  });

  test('unmanaged users absent from the files are never deleted', () => {
    const r = diff(desired([]), actual({ users: [actualUser('root-admin', { tags: {} })] }));
    expect(r.operations).toEqual([]);
  });
});

describe('removed users', () => {
  test('offboarding: the user delete comes after its own removals, and a removed policy is deleted after its detach', () => {
    const gone = actualUser('dave', {
      hasLoginProfile: true,
      groups: ['developers'],
      attachedPolicyArns: [customArn('old')],
    });
    const r = diff(
      desired([], { groups: { developers: { policies: [], source: { file: 'iam-gitops.yml', line: 3 } } } }),
      actual({
        users: [gone],
        groups: [{ name: 'developers', arn: 'x', path: PATH, attachedPolicyArns: [] }],
        policies: [actualPolicy('old', S3_READ, { attachmentCount: 1 })],
      }),
    );
    expect(r.errors).toEqual([]);
    const del = byId(r.operations, 'user:dave');
    expect(del.action).toBe('delete');
    expect(del.dependsOn).toEqual([
      `attachment:user:dave:${customArn('old')}`,
      'login-profile:dave',
      'membership:dave:developers',
    ]);
    for (const dep of del.dependsOn) expect(before(r.operations, dep, 'user:dave')).toBe(true);
    const pol = byId(r.operations, 'policy:old');
    expect(pol.action).toBe('delete');
    expect(pol.dependsOn).toEqual([`attachment:user:dave:${customArn('old')}`]);
    expect(before(r.operations, `attachment:user:dave:${customArn('old')}`, 'policy:old')).toBe(true);
  });

  test('more user deletions than maxDeletes refuse the plan', () => {
    const users = ['a', 'b', 'c'].map((n) => actualUser(n));
    const ok = diff(desired([], { maxDeletes: 3 }), actual({ users }));
    expect(ok.errors).toEqual([]);
    const refused = diff(desired([], { maxDeletes: 2 }), actual({ users }));
    expect(refused.errors).toHaveLength(1);
    expect(refused.errors[0]).toMatch(/deletes 3 users \(a, b, c\), more than maxDeletes \(2\)/);
  });

  test('a removed policy still attached to something unmanaged is refused, not deleted', () => {
    const r = diff(
      desired([]),
      actual({ policies: [actualPolicy('shared', S3_READ, { attachmentCount: 2 })] }),
    );
    expect(r.operations).toEqual([]);
    expect(r.errors[0]).toMatch(/policy shared .* still attached to 2 identities/);
  });
});

describe('changes to existing users', () => {
  test('group membership changes per user, one operation per group', () => {
    const r = diff(
      desired([user('erin', { groups: ['ops', 'devs'] })]),
      actual({ users: [actualUser('erin', { groups: ['devs', 'admins'] })] }),
    );
    expect(r.operations.map((o) => [o.action, o.id])).toEqual([
      ['create', 'membership:erin:ops'],
      ['delete', 'membership:erin:admins'],
    ]);
    expect(r.operations[0]!.details).toEqual({ user: 'erin', group: 'ops' });
  });

  test("tags: desired ones set, foreign ones removed, the tool's own iam-gitops:* tags kept", () => {
    const r = diff(
      desired([user('fay', { role: 'lead', tags: { team: 'core' } })]),
      actual({
        users: [
          actualUser('fay', { tags: { ...MANAGED, team: 'old', costcenter: '42', 'iam-gitops:note': 'x' } }),
        ],
      }),
    );
    expect(r.operations).toHaveLength(1);
    expect(r.operations[0]!.action).toBe('update');
    expect(r.operations[0]!.details).toEqual({
      path: PATH,
      tags: { team: 'core', role: 'lead' },
      removeTags: ['costcenter'],
    });
  });

  test('permissions boundary set, changed and removed through a user update', () => {
    const b1 = 'arn:aws:iam::123456789012:policy/b1';
    const b2 = 'arn:aws:iam::123456789012:policy/b2';
    const set = diff(
      desired([user('gil')], { permissionsBoundary: b1 }),
      actual({ users: [actualUser('gil')] }),
    );
    expect(set.operations[0]!.details).toEqual({ path: PATH, permissionsBoundary: b1 });
    const change = diff(
      desired([user('gil')], { permissionsBoundary: b2 }),
      actual({ users: [actualUser('gil', { permissionsBoundaryArn: b1 })] }),
    );
    expect(change.operations[0]!.details).toEqual({ path: PATH, permissionsBoundary: b2 });
    const remove = diff(
      desired([user('gil')]),
      actual({ users: [actualUser('gil', { permissionsBoundaryArn: b1 })] }),
    );
    expect(remove.operations[0]!.details).toEqual({ path: PATH, permissionsBoundary: null });
    const same = diff(
      desired([user('gil')], { permissionsBoundary: b1 }),
      actual({ users: [actualUser('gil', { permissionsBoundaryArn: b1 })] }),
    );
    expect(same.operations).toEqual([]);
    expect(same.unchanged.users).toBe(1);
  });

  test('console true/false toggles the login profile; turned on, the password is mailed after it', () => {
    const on = diff(desired([user('hal', { console: true })]), actual({ users: [actualUser('hal')] }));
    expect(on.operations.map((o) => [o.action, o.id, o.dependsOn])).toEqual([
      ['create', 'login-profile:hal', []],
      ['create', 'email:hal', ['login-profile:hal']],
    ]);
    expect(on.operations[1]!.details).toMatchObject({ user: 'hal', email: 'hal@example.com', console: true });
    const off = diff(
      desired([user('hal')]),
      actual({ users: [actualUser('hal', { hasLoginProfile: true })] }),
    );
    expect(off.operations.map((o) => [o.action, o.id])).toEqual([['delete', 'login-profile:hal']]);
  });

  test('attachments ± per user with AWS ARNs as given and custom ones under the path', () => {
    const r = diff(
      desired([user('ivy', { policies: [aws('ReadOnlyAccess'), custom('dev-s3')] })], {}, [
        policy('dev-s3', S3_READ),
      ]),
      actual({
        users: [
          actualUser('ivy', {
            attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess', customArn('dev-s3')],
          }),
        ],
        policies: [actualPolicy('dev-s3', S3_READ)],
      }),
    );
    expect(r.operations.map((o) => [o.action, o.details])).toEqual([
      [
        'create',
        { principalType: 'user', principal: 'ivy', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      ],
      [
        'delete',
        { principalType: 'user', principal: 'ivy', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
      ],
    ]);
  });

  test('console turned on for a user whose mail is still pending plans one mail, after the login', () => {
    const r = diff(
      desired([user('jo', { console: true })]),
      actual({ users: [actualUser('jo', { tags: { ...MANAGED, [WELCOME_PENDING_TAG.key]: 'pending' } })] }),
    );
    expect(r.operations.map((o) => [o.action, o.id, o.dependsOn])).toEqual([
      ['create', 'login-profile:jo', []],
      ['create', 'email:jo', ['login-profile:jo']],
    ]);
  });

  test('the mail lists what each group grants, as declared, next to the direct policies', () => {
    const r = diff(
      desired([user('lee', { groups: ['Ops', 'devs'], policies: [aws('ReadOnlyAccess')] })], {
        groups: {
          ops: { policies: [aws('Billing'), custom('p')], source: { file: 'iam-gitops.yml', line: 2 } },
          devs: { policies: [], source: { file: 'iam-gitops.yml', line: 4 } },
        },
      }),
      actual(),
    );
    expect(byId(r.operations, 'email:lee').details).toMatchObject({
      groups: ['Ops', 'devs'],
      policies: ['ReadOnlyAccess'],
      groupPolicies: { Ops: ['Billing', 'p'], devs: [] },
    });
  });

  test('a managed user still tagged welcome-pending gets its mail again', () => {
    const r = diff(
      desired([user('jo', { console: true })]),
      actual({
        users: [
          actualUser('jo', {
            hasLoginProfile: true,
            tags: { ...MANAGED, [WELCOME_PENDING_TAG.key]: 'pending' },
          }),
        ],
      }),
    );
    expect(r.operations.map((o) => [o.action, o.type, o.name])).toEqual([['create', 'email', 'jo']]);
    expect(r.operations[0]!.details).toMatchObject({ user: 'jo', email: 'jo@example.com', console: true });
  });

  test('an unchanged account plans nothing and counts what is up to date', () => {
    const r = diff(
      desired(
        [user('kim', { groups: ['devs'] })],
        {
          groups: {
            devs: { policies: [aws('ReadOnlyAccess')], source: { file: 'iam-gitops.yml', line: 2 } },
          },
        },
        [policy('p', S3_READ)],
      ),
      actual({
        users: [actualUser('kim', { groups: ['devs'] })],
        groups: [
          {
            name: 'devs',
            arn: 'x',
            path: PATH,
            attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          },
        ],
        policies: [actualPolicy('p', S3_READ)],
      }),
    );
    expect(r.operations).toEqual([]);
    expect(r.errors).toEqual([]);
    expect(r.unchanged).toEqual({
      users: 1,
      groups: 1,
      policies: 1,
      monitoring: { enabled: false, count: 0, byType: {} },
    });
  });
});

describe('custom policies', () => {
  const live = actual({ policies: [actualPolicy('dev-s3', S3_READ)] });

  test('a new version only when the document means something else', () => {
    const reformatted = {
      Statement: [
        {
          Resource: ['arn:aws:s3:::dev/*'],
          Action: ['S3:ListBucket', 's3:getobject'],
          Effect: 'Allow' as const,
        },
      ],
      Version: '2012-10-17',
    };
    expect(diff(desired([], {}, [policy('dev-s3', reformatted)]), live).operations).toEqual([]);
    const changed = {
      ...S3_READ,
      Statement: [{ ...S3_READ.Statement[0]!, Resource: 'arn:aws:s3:::prod/*' }],
    };
    const r = diff(desired([], {}, [policy('dev-s3', changed)]), live);
    expect(r.operations).toHaveLength(1);
    expect(r.operations[0]).toMatchObject({ action: 'update', type: 'policy', id: 'policy:dev-s3' });
    expect(JSON.parse(String(r.operations[0]!.details.document))).toEqual(changed);
    expect(JSON.parse(String(r.operations[0]!.details.previousDocument))).toEqual(S3_READ);
  });

  test('a same-named policy outside the path is an error', () => {
    const r = diff(
      desired([], {}, [policy('dev-s3', S3_READ)]),
      actual({ policies: [actualPolicy('dev-s3', S3_READ, { path: '/' })] }),
    );
    expect(r.operations).toEqual([]);
    expect(r.errors[0]).toMatch(/policy dev-s3 .* path \/, outside/);
  });
});

describe('groups', () => {
  const src = { file: 'iam-gitops.yml', line: 4 };
  test('a managed group removed from the config is emptied per member and detached, then deleted', () => {
    const r = diff(
      desired([user('lee')]),
      actual({
        users: [actualUser('lee', { groups: ['old'] })],
        groups: [
          {
            name: 'old',
            arn: 'x',
            path: PATH,
            attachedPolicyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
          },
        ],
      }),
    );
    const del = byId(r.operations, 'group:old');
    expect(del.dependsOn).toEqual([
      'attachment:group:old:arn:aws:iam::aws:policy/ReadOnlyAccess',
      'membership:lee:old',
    ]);
    for (const dep of del.dependsOn) expect(before(r.operations, dep, 'group:old')).toBe(true);
  });

  test('a group with unmanaged members is not deleted; a declared group outside the path is an error', () => {
    const r = diff(
      desired([], { groups: { admins: { policies: [], source: src } } }),
      actual({
        users: [actualUser('ext', { tags: {}, groups: ['old'] })],
        groups: [
          { name: 'old', arn: 'x', path: PATH, attachedPolicyArns: [] },
          { name: 'admins', arn: 'y', path: '/', attachedPolicyArns: [] },
        ],
      }),
    );
    expect(r.operations).toEqual([]);
    expect(r.errors).toEqual([
      expect.stringMatching(/group admins \(iam-gitops.yml:4\) already exists in AWS with path \//),
      expect.stringMatching(/group old .* members that iam-gitops does not manage \(ext\)/),
    ]);
  });
});

describe('mail sender', () => {
  test('planned mail with an unverified sender refuses the plan, naming the sender masked', () => {
    const r = diff(desired([user('max')]), actual({ sesSenderVerified: false }));
    // The error reaches the comment and the apply refusal as it is: the address is masked at the source.
    expect(r.errors[0]).toMatch(/email.from i\*\*\*@example.com is not a verified SES identity in us-east-1/);
    expect(r.errors[0]).not.toContain('iam@example.com');
    expect(diff(desired([user('max')]), actual({ sesSenderVerified: null })).errors).toEqual([]);
  });
});

describe('monitoring', () => {
  test('the baseline operations follow the IAM operations, each after its dependencies', () => {
    const base = desired([user('nia')]).config.monitoring;
    const d = desired([user('nia')], {
      monitoring: { ...base, enabled: true, alarmEmails: ['sec@example.com'], alarms: ['cis'] },
    });
    const r = diff(d, actual());
    const types = r.operations.map((o) => o.type);
    expect(types.slice(0, 2)).toEqual(['user', 'email']);
    expect(ids(r.operations)).toEqual(
      expect.arrayContaining(['trail:iam-gitops', 'topic:iam-gitops-alarms']),
    );
    for (const op of r.operations)
      for (const dep of op.dependsOn) expect(before(r.operations, dep, op.id)).toBe(true);
    expect(diff(d, actual(), { monitoring: false }).operations.map((o) => o.type)).toEqual(['user', 'email']);
  });
});

describe('adopting outside path (adoptPaths)', () => {
  const src = { file: 'iam-gitops.yml', line: 4 };
  const atRoot = `arn:aws:iam::123456789012:policy/dev-s3`;
  const account = () =>
    actual({
      users: [
        actualUser('alice', { path: '/', tags: {}, groups: ['developers'], attachedPolicyArns: [atRoot] }),
      ],
      groups: [{ name: 'developers', arn: 'g', path: '/', attachedPolicyArns: [atRoot] }],
      policies: [actualPolicy('dev-s3', S3_READ, { path: '/', arn: atRoot, attachmentCount: 2 })],
    });
  const files = (over: Parameters<typeof desired>[1]) =>
    desired(
      [user('alice', { groups: ['developers'], policies: [custom('dev-s3')] })],
      { groups: { developers: { policies: [custom('dev-s3')], source: src } }, ...over },
      [policy('dev-s3', S3_READ)],
    );

  test('adopt alone refuses a user at / with the key to set, before apply would hit the role', () => {
    const r = diff(files({ adopt: true }), account());
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /user alice \(users\/team\.csv:2\) exists in AWS at path \/, outside iam-gitops's path \/iam-gitops\/; to adopt it where it is, add '\/' to adoptPaths/,
        ),
        expect.stringMatching(
          /group developers .* adopt it where it is \(adopt: true and '\/' in adoptPaths\)/,
        ),
        expect.stringMatching(/policy dev-s3 .* adopt it where it is/),
      ]),
    );
  });

  test('adoptPaths without adopt adopts nothing', () => {
    const r = diff(files({ adoptPaths: ['/'] }), account());
    expect(r.errors).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/user alice .* set adopt: true/),
        expect.stringMatching(/group developers/),
      ]),
    );
  });

  test("with adopt and '/' in adoptPaths: only the takeover, the policy's real ARN, nothing created or moved", () => {
    const r = diff(files({ adopt: true, adoptPaths: ['/'] }), account());
    expect(r.errors).toEqual([]);
    expect(ids(r.operations)).toEqual(['user:alice']);
    expect(byId(r.operations, 'user:alice').details).toMatchObject({ adopt: true, path: '/' });
    expect(r.unchanged).toMatchObject({ groups: 1, policies: 1 });
  });

  test('an adopted policy that changes gets a new version where it is; a group outside adoptPaths is not deleted', () => {
    const wider = { ...S3_READ, Statement: [{ Effect: 'Allow' as const, Action: 's3:*', Resource: '*' }] };
    const r = diff(
      desired([], { adopt: true, adoptPaths: ['/'] }, [policy('dev-s3', wider)]),
      actual({
        groups: [{ name: 'legacy', arn: 'l', path: '/', attachedPolicyArns: [] }],
        policies: [actualPolicy('dev-s3', S3_READ, { path: '/', arn: atRoot })],
      }),
    );
    expect(r.errors).toEqual([]);
    expect(ids(r.operations)).toEqual(['policy:dev-s3']);
    expect(byId(r.operations, 'policy:dev-s3').details).toMatchObject({ path: '/', arn: atRoot });
  });
});
