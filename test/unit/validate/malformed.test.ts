/**
 * The malformed-input corpus: each test/fixtures/malformed/<case>/ is a small repository, and
 * the table lists every diagnostic validate must report for it, in order: `file:line`, the
 * severity and a distinctive part of the message. Nothing else may be reported.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { loadDesired } from '../../../src/desired/index.js';

type Expected = [where: string, severity: 'error' | 'warning', fragment: string];
const E = (where: string, fragment: string): Expected => [where, 'error', fragment];
const W = (where: string, fragment: string): Expected => [where, 'warning', fragment];

const UNDECLARED = "is not declared in iam-gitops.yml; did you mean 'developers'?";

const CASES: Record<string, Expected[]> = {
  'bad-console-value': [E('users/team.csv:2', "console must be true/false/yes/no/1/0 (got 'on')")],
  'bad-emails': [
    E('users/team.csv:2', "'alice@' is not an email address"),
    E('users/team.csv:3', "email is empty; the welcome mail for 'bob'"),
    E('users/team.csv:4', "'carl at example.com' is not an email address"),
  ],
  'bad-tags': [
    E('users/team.csv:2', "tag key 'aws:team': the aws: prefix is reserved by AWS"),
    E('users/team.csv:3', "tag key 'managed-by' is reserved by iam-gitops"),
    E('users/team.csv:4', "tag key 'Team' appears twice (tag keys are case-insensitive: 'team')"),
    E('users/team.csv:5', "tag key 'cost center!' has characters IAM rejects"),
    E('users/team.csv:6', "tag 'novalue' has no value; write key=value"),
    E('users/team.csv:7', "tag key 'iam-gitops:welcome': the iam-gitops: prefix is reserved"),
  ],
  'bad-usernames': [
    E('users/team.csv:2', "username 'john doe' must be 1–64 of A-Z a-z 0-9 + = , . @ _ -"),
    E('users/team.csv:3', `username '${'x'.repeat(65)}' must be 1–64`),
    E('users/team.csv:4', "username 'j/doe' must be 1–64"),
    E('users/team.csv:5', 'username is empty'),
  ],
  'binary-csv': [E('users/team.csv:1', 'users/team.csv is a binary file (NUL byte); save it as UTF-8 text')],
  'bom-accepted': [],
  'config-bad-values': [
    E('iam-gitops.yml:1', "path: must be '/' or start and end with '/'"),
    E('iam-gitops.yml:2', 'requiredApprovals: must be at least 1 (got 0)'),
    E('iam-gitops.yml:4', "monitoring.retentionDays: must be one of CloudWatch Logs' retention periods"),
    E('iam-gitops.yml:5', 'monitoring.period: must be a multiple of 60 seconds, at least 60'),
    E('iam-gitops.yml:6', 'monitoring.bucket: may contain only lower-case letters'),
    E('iam-gitops.yml:8', "lint.failOn: 'fatal' is not one of error, warning, never"),
    E('iam-gitops.yml:11', 'lint.ignore[0].reason: needs a non-empty reason'),
  ],
  'config-group-problems': [
    E('iam-gitops.yml:2', "group 'developers' has 11 policies; IAM attaches at most 10"),
    E('iam-gitops.yml:4', "group name 'data team' must be 1–128"),
    E('iam-gitops.yml:5', "groups.data team: unknown policy 'no-such-policy'"),
  ],
  'config-yaml-syntax': [E('iam-gitops.yml:5', 'YAML: Flow sequence in block collection')],
  'crlf-accepted': [],
  'crlf-error-line': [E('users/team.csv:5', "'bob@example' is not an email address")],
  'csv-field-count': [
    E('users/team.csv:2', 'this row has 4 fields but the header has 3; quote a value that contains a comma'),
  ],
  'csv-semicolon-separated': [
    E('users/team.csv:1', "columns are separated by ';'; save the file with commas"),
  ],
  'csv-quote-inside-field': [E('users/team.csv:2', 'a quote inside an unquoted field')],
  'csv-text-after-closing-quote': [
    E('users/team.csv:3', 'text follows a closing quote'),
    E('users/team.csv:5', "'not-an-email' is not an email address"),
  ],
  'csv-unclosed-quote': [E('users/team.csv:3', 'a quoted field opened in this record is never closed')],
  'duplicate-user-across-files': [
    E(
      'users/b-team.csv:3',
      "user 'Alice' is already defined at users/a-team.csv:2 (IAM user names are case-insensitive)",
    ),
  ],
  'duplicate-user-same-file': [E('users/team.csv:4', "user 'BOB' is already defined at users/team.csv:2")],
  'invalid-utf8-config': [E('iam-gitops.yml:2', 'iam-gitops.yml is not valid UTF-8 (byte 0xe9')],
  'invalid-utf8-csv': [
    E('users/team.csv:3', 'users/team.csv is not valid UTF-8 (byte 0xe9; probably Latin-1'),
  ],
  'json-comment': [E('policies/broken.json:2', 'JSON syntax: comments are not allowed in JSON')],
  'json-missing-comma': [E('policies/broken.json:3', 'JSON syntax: expected "," between items')],
  'json-trailing-comma': [E('policies/broken.json:8', 'JSON syntax: expected a "quoted" property name')],
  'many-problems': [
    E('iam-gitops.yml:5', "unknown key 'perod' in monitoring; did you mean 'period'?"),
    E('policies/dev-s3.json:4', 'Principal is not allowed in an identity policy'),
    E('users/a.csv:3', "username 'bad name' must be 1–64"),
    E('users/b.csv:2', "user 'ALICE' is already defined at users/a.csv:2"),
    E('users/b.csv:2', `group 'developer' ${UNDECLARED}`),
  ],
  'missing-required-columns': [
    E('users/team.csv:1', "unknown column 'name'; did you mean 'username'?"),
    E('users/team.csv:1', "the header has no 'username' column"),
    E('users/team.csv:1', "the header has no 'email' column"),
  ],
  'multiline-field-line-numbers': [E('users/team.csv:7', `group 'developerz' ${UNDECLARED}`)],
  'policy-bad-name': [
    E('policies/dev s3.json:1', "'dev s3' is not a valid policy name"),
    W('policies/dev s3.json:1', "policy 'dev s3' is not used by any user or group"),
  ],
  'policy-grammar': [
    E('policies/grammar.json:4', 'Statement 1: needs Action (or NotAction)'),
    E('policies/grammar.json:5', 'Statement 1: Sid must be letters and digits only (got "read-all")'),
    E('policies/grammar.json:6', 'Statement 1: Effect must be "Allow" or "Deny"'),
    E('policies/grammar.json:7', "Statement 1: unknown key 'Actions'; did you mean 'Action'?"),
    E('policies/grammar.json:14', 'Statement 2: has both Action and NotAction'),
    E('policies/grammar.json:15', "Statement 2: Resource 'my-bucket' is not a resource"),
    E('policies/grammar.json:17', "unknown condition operator 'StringEqual'; did you mean 'StringEquals'?"),
  ],
  'policy-oversized': [E('policies/huge.json:1', 'characters without whitespace; IAM allows 6144')],
  'policy-principal': [
    E('policies/bucket-policy.json:8', 'Statement 1: Principal is not allowed in an identity policy'),
  ],
  'policy-wrong-version': [E('policies/old.json:2', 'Version must be "2012-10-17" (got "2008-10-17")')],
  'too-many-policies-and-groups': [
    E('users/team.csv:2', '11 groups; IAM allows a user in at most 10 groups'),
    E('users/team.csv:2', '11 policies attached directly; IAM allows 10 managed policies per user'),
  ],
  'too-many-tags': [E('users/team.csv:2', 'the user would have 51; IAM allows 50')],
  'unknown-column': [
    E('users/team.csv:1', "unknown column 'grups'; did you mean 'groups'?"),
    E('users/team.csv:1', "unknown column 'Tag'; did you mean 'tags'?"),
  ],
  'unknown-config-keys': [
    E('iam-gitops.yml:1', "unknown key 'maxDelete'; did you mean 'maxDeletes'?"),
    E('iam-gitops.yml:4', "unknown key 'alarmEmail' in monitoring; did you mean 'alarmEmails'?"),
  ],
  'unknown-group': [
    E('users/team.csv:2', `group 'developer' ${UNDECLARED}`),
    E(
      'users/team.csv:3',
      "group 'admins' is not declared in iam-gitops.yml; to create it, declare it under 'groups:'",
    ),
  ],
  'unknown-policies': [
    E(
      'users/team.csv:2',
      "unknown policy 'ReadOnlyAcess': neither an AWS managed policy nor a file in policies/; did you mean 'ReadOnlyAccess'?",
    ),
    E('users/team.csv:3', "unknown policy 'dev-s4'"),
    E('users/team.csv:4', "AWS managed policy names are case-sensitive: write 'ReadOnlyAccess'"),
  ],
  'unused-policy-warning': [
    W('policies/forgotten.json:1', "policy 'forgotten' is not used by any user or group"),
  ],
  'utf16-csv': [E('users/team.csv:1', 'users/team.csv is UTF-16; save it as UTF-8')],
  'utf16-policy-no-bom': [E('policies/wide.json:1', 'policies/wide.json is UTF-16; save it as UTF-8')],
};

const CORPUS = path.join('test', 'fixtures', 'malformed');

describe('malformed-input corpus', () => {
  it('has an expectation for every case and a case for every expectation', () => {
    expect(readdirSync(CORPUS).sort()).toEqual(Object.keys(CASES).sort());
    expect(Object.keys(CASES).length).toBeGreaterThanOrEqual(25);
  });

  it.each(Object.entries(CASES))('%s', async (name, expected) => {
    const { state, diagnostics } = await loadDesired(path.join(CORPUS, name));
    const got = diagnostics.map((d) => ({
      where: `${d.file}:${d.line}`,
      severity: d.severity,
      message: d.message,
    }));
    expect(got).toHaveLength(expected.length);
    expected.forEach(([where, severity, fragment], i) => {
      expect(got[i]).toEqual({ where, severity, message: expect.stringContaining(fragment) });
    });
    const hasErrors = expected.some(([, s]) => s === 'error');
    expect(state === null).toBe(hasErrors);
  });
});

describe('encodings that are accepted', () => {
  it('reads files with a UTF-8 BOM, header included', async () => {
    const { state } = await loadDesired(path.join(CORPUS, 'bom-accepted'));
    expect(state!.users.map((u) => [u.name, u.groups, u.policies.map((p) => p.name)])).toEqual([
      ['bob', [], ['bom']],
      ['alice', ['developers'], []],
    ]);
    expect(state!.policies.map((p) => p.name)).toEqual(['bom']);
    expect(state!.config.groups.developers!.policies).toEqual([
      { kind: 'aws', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
    ]);
  });

  it('reads CRLF files without carriage returns in values and with LF line numbers', async () => {
    const { state } = await loadDesired(path.join(CORPUS, 'crlf-accepted'));
    const alice = state!.users.find((u) => u.name === 'alice')!;
    expect(alice.tags).toEqual({ team: 'data', site: 'berlin' });
    expect(state!.users.find((u) => u.name === 'bob')!.source.line).toBe(6);
    expect(state!.policies[0]!.statementPositions[0]!.line).toBe(4);
  });
});
