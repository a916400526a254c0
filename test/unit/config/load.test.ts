import { loadConfig } from '../../../src/config/load.js';
import { defaultConfig } from '../../../src/config/defaults.js';

const custom = new Set(['dev-s3']);
const load = (yaml: string | null) => loadConfig('iam-gitops.yml', yaml, custom);
const problems = (yaml: string) =>
  load(yaml).diagnostics.map((d) => `${d.file}:${d.line}:${d.col}: ${d.severity}: ${d.message}`);

describe('loadConfig', () => {
  it('uses every default when the file is absent', () => {
    const r = load(null);
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual(defaultConfig());
    expect(r.config.source).toBeNull();
    expect(r.config.path).toBe('/iam-gitops/');
  });

  it('uses every default for an empty file but records its source', () => {
    const r = load('# nothing yet\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual({ ...defaultConfig(), source: 'iam-gitops.yml' });
  });

  it('reads the SPEC example and resolves group policies with their source', () => {
    const r = load(`path: /team/
permissionsBoundary: arn:aws:iam::123456789012:policy/boundary
requiredApprovals: 2
maxDeletes: 0
adopt: true
groups:
  developers:
    policies: [ReadOnlyAccess, dev-s3]
  empty:
email:
  from: iam@example.com
  region: eu-west-1
  signInUrl: https://example.signin.aws.amazon.com/console
  sendPassword: false
monitoring:
  enabled: false
  bucket: my-trail-bucket
  alarmEmails: [secops@example.com]
  alarms: [cis]
  period: 120
lint:
  failOn: warning
  ignore:
    - {rule: direct-user-policy, user: bob, reason: break-glass account}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toMatchObject({
      path: '/team/',
      permissionsBoundary: 'arn:aws:iam::123456789012:policy/boundary',
      requiredApprovals: 2,
      maxDeletes: 0,
      adopt: true,
      groups: {
        developers: {
          policies: [
            { kind: 'aws', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
            { kind: 'custom', name: 'dev-s3' },
          ],
          source: { file: 'iam-gitops.yml', line: 7, col: 3 },
        },
        empty: { policies: [], source: { file: 'iam-gitops.yml', line: 9, col: 3 } },
      },
      email: { from: 'iam@example.com', region: 'eu-west-1', sendPassword: false },
      monitoring: {
        ...defaultConfig().monitoring,
        enabled: false,
        bucket: 'my-trail-bucket',
        alarmEmails: ['secops@example.com'],
        alarms: ['cis'],
        period: 120,
      },
      lint: {
        failOn: 'warning',
        ignore: [{ rule: 'direct-user-policy', user: 'bob', reason: 'break-glass account' }],
      },
    });
    expect([...r.groups!]).toEqual(['developers', 'empty']);
    expect([...r.referencedPolicies]).toEqual(['dev-s3']);
  });

  it('names the closest known key for an unknown key, at the key', () => {
    expect(problems('pth: /x/\nmonitoring:\n  perod: 60\n')).toEqual([
      "iam-gitops.yml:3:3: error: unknown key 'perod' in monitoring; did you mean 'period'?",
      "iam-gitops.yml:1:1: error: unknown key 'pth'; did you mean 'path'?",
    ]);
    expect(problems('groups:\n  dev:\n    policy: [x]\n')).toEqual([
      "iam-gitops.yml:3:5: error: unknown key 'policy' in groups.dev; did you mean 'policies'?",
    ]);
    expect(problems('zzzzzzzz: 1\n')[0]).toContain('known keys: path, permissionsBoundary');
  });

  it('reports YAML syntax errors with their position and skips group checks', () => {
    const r = load('path: /x/\ngroups:\n  dev: [a\n');
    // The parser notices the unclosed list where the text ends.
    expect(r.diagnostics[0]).toMatchObject({ line: 4, severity: 'error' });
    expect(r.diagnostics[0]!.message).toMatch(/^YAML: /);
    expect(r.groups).toBeNull();
    expect(problems('a: 1\na: 2\n')[0]).toContain('iam-gitops.yml:2:1: error: YAML: Map keys must be unique');
  });

  it('rejects a top level that is not a mapping', () => {
    expect(problems('- a\n- b\n')).toEqual([
      'iam-gitops.yml:1:1: error: the file must be a mapping of keys (path:, groups:, …), not a list or a value',
    ]);
  });

  it.each([
    ['path: iam-gitops', 'path: must be', 1, 7],
    ['path: /a b/', 'path: must be', 1, 7],
    ['permissionsBoundary: Boundary', 'permissionsBoundary: must be a policy ARN', 1, 22],
    [
      'permissionsBoundary: arn:aws:iam::aws:policy/NoSuchBoundaryPolicyX',
      'unknown AWS managed policy ARN',
      1,
      22,
    ],
    ['requiredApprovals: 0', 'requiredApprovals: must be at least 1 (got 0)', 1, 20],
    ['requiredApprovals: 1.5', 'requiredApprovals: expected a whole number, got 1.5', 1, 20],
    ['maxDeletes: -1', 'maxDeletes: must be 0 or more', 1, 13],
    ['adopt: yes', "adopt: expected true or false, got 'yes'", 1, 8],
    ['email:\n  from: not-an-address', 'email.from: is not an email address', 2, 9],
    ['email:\n  region: US East', 'email.region: must be an AWS region', 2, 11],
    ['email:\n  signInUrl: http://example.com', 'email.signInUrl: must be an https:// URL', 2, 14],
    ['monitoring:\n  trailName: ab', 'monitoring.trailName: must be 3–128 characters', 2, 14],
    ['monitoring:\n  trailName: my--trail', 'must not have adjacent periods', 2, 14],
    ['monitoring:\n  trailName: -trail', 'must start and end with a letter or digit', 2, 14],
    ['monitoring:\n  bucket: My_Bucket', 'monitoring.bucket: may contain only lower-case letters', 2, 11],
    ['monitoring:\n  bucket: 192.168.1.1', 'must not look like an IP address', 2, 11],
    ['monitoring:\n  bucket: xn--bucket', 'prefix S3 reserves', 2, 11],
    ['monitoring:\n  logGroup: aws/trail', "monitoring.logGroup: must not start with 'aws/'", 2, 13],
    ['monitoring:\n  logGroup: "a b"', 'monitoring.logGroup: may contain only', 2, 13],
    [
      'monitoring:\n  retentionDays: 100',
      "monitoring.retentionDays: must be one of CloudWatch Logs' retention periods",
      2,
      18,
    ],
    ['monitoring:\n  namespace: AWS/IAM', "monitoring.namespace: must not start with 'AWS/'", 2, 14],
    [
      'monitoring:\n  alarmEmails: [ok@example.com, nope]',
      'monitoring.alarmEmails[1]: is not an email address',
      2,
      33,
    ],
    [
      'monitoring:\n  alarms: [cis, root-login]',
      "monitoring.alarms[1]: 'root-login' is not one of console-login-failures, s3-bucket-changes, cis",
      2,
      17,
    ],
    ['monitoring:\n  alarms: [cis, cis]', 'monitoring.alarms: lists an alarm set twice', 2, 11],
    ['monitoring:\n  period: 90', 'monitoring.period: must be a multiple of 60', 2, 11],
    ['monitoring:\n  period: 0', 'monitoring.period: must be a multiple of 60', 2, 11],
    [
      'lint:\n  failOn: errors',
      "lint.failOn: 'errors' is not one of error, warning, never; did you mean 'error'?",
      2,
      11,
    ],
    [
      'lint:\n  ignore:\n    - rule: x\n      reason: "  "',
      'lint.ignore[0].reason: needs a non-empty reason',
      4,
      15,
    ],
    ['lint:\n  ignore:\n    - rule: x', 'lint.ignore[0].reason is required', 3, 7],
    ['lint:\n  ignore:\n    - {reason: because}', 'lint.ignore[0].rule is required', 3, 7],
    ['groups: [developers]', 'groups: expected a mapping, got a list', 1, 9],
  ])('%j → %s at %d:%d', (yaml, msg, line, col) => {
    const r = load(yaml + '\n');
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ file: 'iam-gitops.yml', line, col, severity: 'error' });
    expect(r.diagnostics[0]!.message).toContain(msg);
  });

  it('accepts the documented edge values', () => {
    for (const yaml of [
      'path: /',
      'path: /a/b-c_d/',
      'permissionsBoundary: arn:aws:iam::aws:policy/PowerUserAccess',
      'maxDeletes: 0',
      'monitoring:\n  retentionDays: 3653\n  period: 3600\n  alarms: []',
      'monitoring:\n  bucket: my.trail-bucket.1',
      'monitoring:\n  namespace: "Company/IAM GitOps"',
      'email:\n  region: us-gov-west-1',
    ]) {
      expect([yaml, load(yaml).diagnostics]).toEqual([yaml, []]);
    }
  });

  it('warns about a 10 or 30 second period and uses 60', () => {
    const r = load('monitoring:\n  period: 30\n');
    expect(r.diagnostics).toEqual([
      expect.objectContaining({
        line: 2,
        col: 11,
        severity: 'warning',
        message: expect.stringContaining('1-minute resolution'),
      }),
    ]);
    expect(r.config.monitoring.period).toBe(60);
  });

  it('checks group names, duplicates, policies and the 10-policy limit', () => {
    const eleven = ['ReadOnlyAccess', 'IAMUserChangePassword', 'AmazonS3ReadOnlyAccess', 'AmazonEC2ReadOnlyAccess',
      'AWSLambda_ReadOnlyAccess', 'CloudWatchReadOnlyAccess', 'AmazonSQSReadOnlyAccess', 'AmazonSNSReadOnlyAccess',
      'AmazonDynamoDBReadOnlyAccess', 'AmazonRDSReadOnlyAccess', 'dev-s3']; // prettier-ignore
    expect(
      problems(`groups:
  "dev team": {}
  Ops: {}
  ops: {}
  big:
    policies: [${eleven.join(', ')}]
  typo:
    policies: [ReadOnlyAcess, dev-s3, dev-s3]
`),
    ).toEqual([
      "iam-gitops.yml:2:3: error: group name 'dev team' must be 1–128 of A-Z a-z 0-9 + = , . @ _ -",
      "iam-gitops.yml:4:3: error: group 'ops' is declared twice ('Ops'); IAM group names are case-insensitive",
      "iam-gitops.yml:5:3: error: group 'big' has 11 policies; IAM attaches at most 10 managed policies to a group: merge some into one custom policy",
      "iam-gitops.yml:8:16: error: groups.typo: unknown policy 'ReadOnlyAcess': neither an AWS managed policy nor a file in policies/; did you mean 'ReadOnlyAccess'?",
      "iam-gitops.yml:8:39: warning: groups.typo: policy 'dev-s3' is listed twice; remove one",
    ]);
  });

  it('keeps the declared group names when other keys are invalid', () => {
    const r = load('maxDeletes: many\ngroups:\n  developers: {}\n');
    expect(r.diagnostics).toHaveLength(1);
    expect([...r.groups!]).toEqual(['developers']);
  });

  it('treats null sections as their defaults', () => {
    const r = load('groups:\nemail:\nmonitoring:\nlint:\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.config).toEqual({ ...defaultConfig(), source: 'iam-gitops.yml' });
  });
});

describe('monitoring retention, trail key and access logging', () => {
  it('warns at monitoring.retentionDays when it keeps the trail for less than a year', () => {
    expect(problems('monitoring:\n  alarmEmails: []\n  retentionDays: 30\n')).toEqual([
      'iam-gitops.yml:3:18: warning: monitoring.retentionDays: 30 days is below the 365 days most audit ' +
        'baselines require for the trail log group (CIS, PCI DSS 10.5.1); set retentionDays: 365 or more',
    ]);
    expect(problems('monitoring:\n  retentionDays: 365\n')).toEqual([]);
    expect(problems('monitoring:\n  retentionDays: 400\n')).toEqual([]);
    // Nothing is kept at all when the baseline is off.
    expect(problems('monitoring:\n  enabled: false\n  retentionDays: 30\n')).toEqual([]);
  });

  it("accepts kmsKey 'create' or a key ARN, and refuses an alias or anything else at the key", () => {
    const arn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(load('monitoring:\n  kmsKey: create\n').config.monitoring.kmsKey).toBe('create');
    expect(load(`monitoring:\n  kmsKey: ${arn}\n`).config.monitoring.kmsKey).toBe(arn);
    expect(load('monitoring: {}\n').config.monitoring.kmsKey).toBeNull();
    const bad = problems('monitoring:\n  kmsKey: arn:aws:kms:us-east-1:123456789012:alias/mine\n');
    expect(bad).toHaveLength(1);
    expect(bad[0]).toMatch(/^iam-gitops\.yml:2:11: error: .*'create'.*KMS key ARN/);
  });

  it('refuses an access-log bucket that is the trail bucket, and a malformed name', () => {
    expect(problems('monitoring:\n  bucket: trail-logs\n  accessLogBucket: trail-logs\n')).toEqual([
      'iam-gitops.yml:3:20: error: monitoring.accessLogBucket: the trail bucket cannot log its own access ' +
        '(every log write would be logged again); name another bucket that grants logging.s3.amazonaws.com s3:PutObject',
    ]);
    expect(load('monitoring:\n  accessLogBucket: access-logs\n').config.monitoring.accessLogBucket).toBe(
      'access-logs',
    );
    expect(problems('monitoring:\n  accessLogBucket: Access_Logs\n')[0]).toMatch(/2:20: error: .*lower-case/);
  });
});
