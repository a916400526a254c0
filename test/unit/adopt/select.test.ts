/** import's pure core: which users, how each becomes a row, and what stops the import. */
import type { IamSnapshot } from '../../../src/targets/iam/read.js';
import { buildImport, type ImportOptions } from '../../../src/adopt/select.js';
import { policyJson } from '../../../src/adopt/policy-json.js';
import type { ActualUser } from '../../../src/model/actual.js';

const u = (name: string, over: Partial<ActualUser> = {}): ActualUser => ({
  name,
  arn: `arn:aws:iam::123456789012:user/${name}`,
  path: '/iam-gitops/',
  tags: { email: `${name}@example.com` },
  groups: [],
  attachedPolicyArns: [],
  inlinePolicyNames: [],
  hasLoginProfile: false,
  permissionsBoundaryArn: null,
  ...over,
});
const snap = (users: ActualUser[]): IamSnapshot => ({ users, groups: [], policies: [], inline: [] });
const opts = (over: Partial<ImportOptions> = {}): ImportOptions => ({
  select: { all: true },
  path: '/iam-gitops/',
  keepPath: false,
  emailTag: 'email',
  emails: new Map(),
  inFiles: new Set(),
  declaredGroups: new Set(),
  ...over,
});

test('policy files are written in IAM key order, values untouched', () => {
  const text = policyJson({
    Statement: [
      {
        Condition: { Bool: { 'aws:SecureTransport': 'true' } },
        Resource: '*',
        Action: 's3:GetObject',
        Effect: 'Allow',
        Sid: 'A',
      },
    ],
    Version: '2012-10-17',
  });
  expect(text).toBe(
    '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {\n      "Sid": "A",\n      "Effect": "Allow",\n' +
      '      "Action": "s3:GetObject",\n      "Resource": "*",\n      "Condition": {\n        "Bool": {\n' +
      '          "aws:SecureTransport": "true"\n        }\n      }\n    }\n  ]\n}\n',
  );
});

test('--users picks by name (case-insensitively) and names the ones that do not exist', () => {
  const r = buildImport(
    snap([u('alice'), u('bob')]),
    [],
    opts({ select: { all: false, users: ['ALICE', 'zed'] } }),
  );
  expect(r.rows.map((x) => x.username)).toEqual(['alice']);
  expect(r.problems).toEqual(['--users names zed, which is not a user of the account']);
});

test('--path picks by prefix; users already in the files are skipped, not imported twice', () => {
  const r = buildImport(
    snap([u('a', { path: '/eng/' }), u('b', { path: '/eng/web/' }), u('c', { path: '/ops/' })]),
    [],
    opts({ select: { all: false, pathPrefix: '/eng/' }, keepPath: true, inFiles: new Set(['b']) }),
  );
  expect(r.rows.map((x) => x.username)).toEqual(['a']);
  expect(r.skipped).toEqual(['b: already in users/*.csv']);
  expect(r.adoptPaths).toEqual(['/eng/']);
});

test('tags: role becomes the role column, the tool’s own and aws: tags are left out, another owner stops it', () => {
  const r = buildImport(
    snap([
      u('a', {
        tags: {
          email: 'a@example.com',
          role: 'Dev',
          'aws:cloudformation:stack-name': 's',
          'iam-gitops:welcome': 'pending',
          team: 'web',
        },
      }),
      u('b', { tags: { email: 'b@example.com', 'managed-by': 'terraform' } }),
    ]),
    [],
    opts(),
  );
  expect(r.rows[0]).toMatchObject({ role: 'Dev', tags: { email: 'a@example.com', team: 'web' } });
  expect(r.problems).toEqual(['user b has the tag managed-by=terraform; another tool manages it']);
});

test('--emails wins over the tag, and an address that is not one stops the import', () => {
  const r = buildImport(
    snap([u('a'), u('b', { tags: { email: 'not-an-address' } })]),
    [],
    opts({ emails: new Map([['a', 'alias@example.com']]) }),
  );
  expect(r.rows.find((x) => x.username === 'a')!.email).toBe('alias@example.com');
  expect(r.problems).toEqual(["user b: 'not-an-address' is not an e-mail address (name@example.com)"]);
});

test('a policy name from the account that is not an IAM name never becomes a file path', () => {
  const arn = 'arn:aws:iam::123456789012:policy/x';
  const iam: IamSnapshot = {
    users: [u('a', { attachedPolicyArns: [arn] })],
    groups: [],
    policies: [
      {
        name: '../../.github/workflows/x',
        arn,
        path: '/iam-gitops/',
        defaultVersionId: 'v1',
        document: { Version: '2012-10-17', Statement: [] },
        versions: [],
        attachmentCount: 1,
      },
    ],
    inline: [],
  };
  const r = buildImport(iam, [], opts());
  expect(r.policies).toEqual([]);
  expect(r.problems).toEqual([
    "user a has the policy '../../.github/workflows/x', whose name is not a valid IAM policy name",
  ]);
});
