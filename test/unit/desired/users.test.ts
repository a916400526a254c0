import { readUsersFile, type UsersContext } from '../../../src/desired/users.js';
import type { SourceRef } from '../../../src/model/desired.js';

function ctx(over: Partial<UsersContext> = {}): UsersContext {
  return {
    customNames: new Set(['dev-s3']),
    groups: new Set(['developers', 'billing']),
    configFile: 'iam-gitops.yml',
    seen: new Map<string, SourceRef>(),
    referencedPolicies: new Set(),
    ...over,
  };
}
const read = (text: string, c = ctx()) => readUsersFile('users/team.csv', text, c);
const messages = (text: string, c = ctx()) =>
  read(text, c).diagnostics.map((d) => `${d.line}:${d.col} ${d.severity}: ${d.message}`);

describe('readUsersFile', () => {
  it('reads every column into a DesiredUser', () => {
    const r = read(
      'Username,EMAIL,groups,policies,console,tags,role\n' +
        'alice,alice@example.com,developers;billing,dev-s3;ReadOnlyAccess,yes,team=web,Engineer\n',
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.users).toEqual([
      {
        name: 'alice',
        email: 'alice@example.com',
        groups: ['developers', 'billing'],
        policies: [
          { kind: 'custom', name: 'dev-s3' },
          { kind: 'aws', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
        ],
        console: true,
        tags: { team: 'web' },
        role: 'Engineer',
        source: { file: 'users/team.csv', line: 2, col: 1 },
      },
    ]);
  });

  it('accepts the original layout username,email,role,policy with an AWS ARN', () => {
    const c = ctx();
    const r = read(
      'username,email,role,policy\nbob,bob@example.com,Analyst,arn:aws:iam::aws:policy/ReadOnlyAccess\n',
      c,
    );
    expect(r.diagnostics).toEqual([]);
    expect(r.users[0]).toMatchObject({
      role: 'Analyst',
      console: false,
      groups: [],
      policies: [{ name: 'ReadOnlyAccess' }],
    });
  });

  it('records the custom policies rows reference', () => {
    const c = ctx();
    read('username,email,policy\nbob,bob@example.com,dev-s3\n', c);
    expect([...c.referencedPolicies]).toEqual(['dev-s3']);
  });

  it.each([
    ['true', true],
    ['YES', true],
    ['1', true],
    ['false', false],
    ['no', false],
    ['0', false],
    ['', false],
  ])('console %j → %s', (v, want) => {
    expect(read(`username,email,console\nbob,bob@example.com,${v}\n`).users[0]!.console).toBe(want);
  });

  it('rejects other console values', () => {
    expect(messages('username,email,console\nbob,bob@example.com,maybe\n')).toEqual([
      "2:21 error: console must be true/false/yes/no/1/0 (got 'maybe')",
    ]);
  });

  it('names the closest known column for an unknown one', () => {
    expect(messages('username,emial\nbob,bob@example.com\n')).toEqual([
      "1:10 error: unknown column 'emial'; did you mean 'email'?",
      "1:1 error: the header has no 'email' column; it is required",
    ]);
  });

  it('rejects a column given twice and a missing username column', () => {
    expect(messages('email,Email\nx@example.com,y@example.com\n')).toEqual([
      "1:7 error: column 'email' appears twice in the header; keep one",
      "1:1 error: the header has no 'username' column; it is required",
    ]);
  });

  it('explains a file saved with semicolons or tabs instead of commas', () => {
    expect(messages('username;email\nbob;b@example.com\n')).toEqual([
      "1:1 error: columns are separated by ';'; save the file with commas (username,email,…) as CSV requires",
    ]);
    expect(messages('username\temail\nbob\tb@example.com\n')[0]).toContain('columns are separated by tabs');
  });

  it('reports an empty file as missing its header', () => {
    expect(messages('# only a comment\n')).toEqual([
      '1:1 error: no header row; the first line must name the columns (username,email,…)',
    ]);
  });

  it.each([
    ['', 'username is empty'],
    ['al ice', "username 'al ice' must be 1–64 of"],
    ['a'.repeat(65), 'must be 1–64 of'],
    ['al!ce', 'must be 1–64 of'],
  ])('rejects username %j', (name, msg) => {
    expect(messages(`username,email\n"${name}",x@example.com\n`)[0]).toContain(msg);
  });

  it('accepts every IAM username character', () => {
    expect(messages('username,email\n"a+b=c,d.e@f_g-h",x@example.com\n')).toEqual([]);
  });

  it('finds duplicates case-insensitively and names the first row', () => {
    const c = ctx();
    readUsersFile('users/a.csv', 'username,email\nAlice,a@example.com\n', c);
    const r = readUsersFile('users/b.csv', 'username,email\n\nalice,b@example.com\n', c);
    expect(r.diagnostics.map((d) => [d.line, d.message])).toEqual([
      [
        3,
        "user 'alice' is already defined at users/a.csv:2 (IAM user names are case-insensitive); remove one row",
      ],
    ]);
    expect(r.users).toEqual([]);
  });

  it.each(['', 'not-an-email', 'a@b', 'a b@example.com'])('rejects email %j', (email) => {
    expect(messages(`username,email\nbob,"${email}"\n`)[0]).toMatch(/email is empty|is not an email address/);
  });

  it('names the closest declared group and how to declare one', () => {
    expect(messages('username,email,groups\nbob,b@example.com,developer\n')).toEqual([
      "2:19 error: group 'developer' is not declared in iam-gitops.yml; did you mean 'developers'? to create it, declare it under 'groups:' in iam-gitops.yml (developer: {policies: [...]})",
    ]);
  });

  it('skips the group check when the config could not be read', () => {
    expect(messages('username,email,groups\nbob,b@example.com,anything\n', ctx({ groups: null }))).toEqual(
      [],
    );
  });

  it('reports an unknown policy at its cell', () => {
    expect(messages('username,email,policies\nbob,b@example.com,ReadOnlyAcess\n')).toEqual([
      "2:19 error: unknown policy 'ReadOnlyAcess': neither an AWS managed policy nor a file in policies/; did you mean 'ReadOnlyAccess'?",
    ]);
  });

  it('limits directly attached policies to 10 across policies and policy', () => {
    const ten = ['ReadOnlyAccess', 'IAMUserChangePassword', 'AmazonS3ReadOnlyAccess', 'AmazonEC2ReadOnlyAccess',
      'AWSLambda_ReadOnlyAccess', 'CloudWatchReadOnlyAccess', 'AmazonSQSReadOnlyAccess', 'AmazonSNSReadOnlyAccess',
      'AmazonDynamoDBReadOnlyAccess', 'AmazonRDSReadOnlyAccess']; // prettier-ignore
    expect(messages(`username,email,policies\nbob,b@example.com,${ten.join(';')}\n`)).toEqual([]);
    const row = `bob,b@example.com,${ten.join(';')},dev-s3`;
    expect(messages(`username,email,policies,policy\n${row}\n`)).toEqual([
      `2:${row.indexOf(',dev-s3') + 2} error: 11 policies attached directly; IAM allows 10 managed policies per user: put some in a group in iam-gitops.yml or merge them into one custom policy`,
    ]);
  });

  it('limits a user to 10 groups', () => {
    const groups = Array.from({ length: 11 }, (_, i) => `g${i}`);
    const c = ctx({ groups: new Set(groups) });
    expect(messages(`username,email,groups\nbob,b@example.com,${groups.join(';')}\n`, c)).toEqual([
      '2:19 error: 11 groups; IAM allows a user in at most 10 groups',
    ]);
  });

  it('warns about a group or policy listed twice and keeps one', () => {
    const r = read('username,email,groups,policies\nbob,b@example.com,billing;billing,dev-s3;dev-s3\n');
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(r.users[0]).toMatchObject({ groups: ['billing'], policies: [{ name: 'dev-s3' }] });
  });

  it('counts the tags iam-gitops adds against the limit of 50', () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => `k${i}=v`).join(';');
    expect(messages(`username,email,tags\nbob,b@example.com,${tags(48)}\n`)).toEqual([]);
    expect(messages(`username,email,tags\nbob,b@example.com,${tags(49)}\n`)[0]).toContain(
      '49 tags: with the tags iam-gitops adds (managed-by, iam-gitops:welcome) the user would have 51; IAM allows 50',
    );
    expect(messages(`username,email,role,tags\nbob,b@example.com,Dev,${tags(48)}\n`)[0]).toContain(
      'would have 51',
    );
  });

  it('reports bad tags at the tags cell', () => {
    expect(messages('username,email,tags\nbob,b@example.com,aws:x=1\n')).toEqual([
      "2:19 error: tag key 'aws:x': the aws: prefix is reserved by AWS",
    ]);
  });

  it('checks the role against tag value rules', () => {
    expect(messages('username,email,role\nbob,b@example.com,"Dev, lead"\n')[0]).toContain(
      'role is stored as a tag',
    );
  });

  it('reports the line where a multi-line quoted row starts', () => {
    expect(
      messages('username,email,tags\nok,o@example.com,\n"bad name",b@example.com,"a=1;\nb=2"\n'),
    ).toEqual(["3:1 error: username 'bad name' must be 1–64 of A-Z a-z 0-9 + = , . @ _ - (no spaces)"]);
    expect(messages('username,tags,email\nbob,"a=1;\nb=2",nope\n')).toEqual([
      "3:6 error: 'nope' is not an email address (name@example.com)",
    ]);
  });

  it('rejects rows with more fields than the header', () => {
    expect(messages('username,email\nbob,b@example.com,extra\n')).toEqual([
      '2:1 error: this row has 3 fields but the header has 2; quote a value that contains a comma ("a,b")',
    ]);
  });

  it('treats missing trailing fields as empty', () => {
    const r = read('username,email,groups,console\nbob,b@example.com\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.users[0]).toMatchObject({ name: 'bob', groups: [], console: false });
    expect(messages('username,email,groups\nbob\n')).toEqual([
      "2:1 error: email is empty; the welcome mail for 'bob' goes there",
    ]);
  });

  it('reports CSV syntax errors and keeps reading later rows', () => {
    const r = read('username,email\n"bob"x,b@example.com\nann,bad\n');
    expect(r.diagnostics.map((d) => d.line)).toEqual([2, 3]);
  });
});
