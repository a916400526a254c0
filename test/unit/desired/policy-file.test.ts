import { readPolicyFile, MAX_POLICY_CHARS } from '../../../src/desired/policy-file.js';

const doc = (statements: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ Version: '2012-10-17', Statement: statements, ...extra }, null, 2);
const ok = { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
const problems = (text: string, file = 'policies/p.json') =>
  readPolicyFile(file, text).diagnostics.map((d) => `${d.line}:${d.col} ${d.message}`);

describe('readPolicyFile', () => {
  it('returns a LocatedPolicy with statements normalised to a list', () => {
    const text = doc(ok);
    const r = readPolicyFile('policies/dev-s3.json', text);
    expect(r.diagnostics).toEqual([]);
    expect(r.policy).toMatchObject({
      name: 'dev-s3',
      file: 'policies/dev-s3.json',
      arn: null,
      document: { Version: '2012-10-17', Statement: [ok] },
      statementPositions: [{ line: 3, col: 16 }],
    });
    expect(r.policy!.valuePositions[0]!.Action).toEqual([{ line: 5, col: 15 }]);
  });

  it('accepts conditions with every value shape and operator modifiers', () => {
    const s = {
      ...ok,
      Sid: 'Read1',
      Condition: {
        StringEqualsIfExists: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] },
        'ForAnyValue:StringLike': { 'aws:TagKeys': 'team*' },
        Bool: { 'aws:MultiFactorAuthPresent': true },
        NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 },
        Null: { 'aws:TokenIssueTime': 'false' },
      },
    };
    expect(problems(doc([s]))).toEqual([]);
  });

  it('reports JSON syntax errors with line and column', () => {
    expect(
      problems('{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}'),
    ).toEqual(['4:24 JSON syntax: expected a "quoted" property name (no trailing comma before })']);
    expect(problems('{\n  "Version": "2012-10-17"\n  "Statement": []\n}')).toEqual([
      '3:3 JSON syntax: expected "," between items',
    ]);
    expect(problems('{ // no\n}')[0]).toContain('comments are not allowed');
    expect(problems('')).toEqual([
      '1:1 the file is empty; write a policy document {"Version": "2012-10-17", "Statement": [...]}',
    ]);
  });

  it('requires Version 2012-10-17', () => {
    expect(problems(JSON.stringify({ Version: '2008-10-17', Statement: [ok] }))).toEqual([
      '1:12 Version must be "2012-10-17" (got "2008-10-17")',
    ]);
    expect(problems(JSON.stringify({ Statement: [ok] }))[0]).toContain('Version is missing');
  });

  it('rejects Principal and NotPrincipal in an identity policy', () => {
    const p = problems(doc([{ ...ok, Principal: { AWS: '*' } }]));
    expect(p).toEqual([
      '8:7 Statement 1: Principal is not allowed in an identity policy (it is for resource policies); remove it',
    ]);
    expect(problems(doc([{ ...ok, NotPrincipal: '*' }]))[0]).toContain('NotPrincipal is not allowed');
  });

  it('names the closest known key for an unknown one', () => {
    expect(problems(doc([{ ...ok, Resources: 'x' }]))).toContain(
      "8:7 Statement 1: unknown key 'Resources'; did you mean 'Resource'?",
    );
    expect(problems(doc([ok], { Statements: [] }))).toContain(
      "10:3 policy document: unknown key 'Statements'; did you mean 'Statement'?",
    );
  });

  it('checks Effect, Action/NotAction, Resource/NotResource', () => {
    expect(problems(doc([{ ...ok, Effect: 'allow' }]))[0]).toContain('Effect must be "Allow" or "Deny"');
    expect(problems(doc([{ Effect: 'Allow', Resource: '*' }]))[0]).toContain('needs Action (or NotAction)');
    expect(problems(doc([{ ...ok, NotAction: 's3:*' }]))[0]).toContain('has both Action and NotAction');
    expect(problems(doc([{ ...ok, NotResource: '*' }]))[0]).toContain('has both Resource and NotResource');
    expect(problems(doc([{ Effect: 'Allow', Action: 's3:GetObject' }]))[0]).toContain('needs Resource');
    expect(problems(doc([{ ...ok, Action: [] }]))[0]).toContain('Action is an empty list');
    expect(problems(doc([{ ...ok, Action: ['s3:GetObject', 3] }]))[0]).toContain(
      'must be a string or a list of strings',
    );
    expect(problems(doc([{ ...ok, Action: 'GetObject' }]))[0]).toContain("'GetObject' is not an action");
    expect(problems(doc([{ ...ok, Resource: 'my-bucket' }]))[0]).toContain("'my-bucket' is not a resource");
  });

  it('accepts a single statement object and NotAction/NotResource', () => {
    expect(
      problems(doc({ Effect: 'Deny', NotAction: 'iam:*', NotResource: 'arn:aws:iam::*:user/x' })),
    ).toEqual([]);
  });

  it('checks Sid characters and uniqueness', () => {
    expect(problems(doc([{ ...ok, Sid: 'read-all' }]))[0]).toContain('Sid must be letters and digits only');
    expect(
      problems(
        doc([
          { ...ok, Sid: 'A' },
          { ...ok, Sid: 'A' },
        ]),
      )[0],
    ).toContain("Sid 'A' is used by another statement");
  });

  it('checks the Condition shape and operators', () => {
    expect(problems(doc([{ ...ok, Condition: { StringEqual: { 'aws:x': 'y' } } }]))[0]).toContain(
      "unknown condition operator 'StringEqual'; did you mean 'StringEquals'?",
    );
    expect(problems(doc([{ ...ok, Condition: { StringEquals: 'x' } }]))[0]).toContain('must be an object');
    expect(problems(doc([{ ...ok, Condition: { StringEquals: { k: { nested: 1 } } } }]))[0]).toContain(
      'condition values must be strings',
    );
    expect(problems(doc([{ ...ok, Condition: { NullIfExists: { k: 'true' } } }]))[0]).toContain(
      'unknown condition operator',
    );
  });

  it('rejects statements that are not objects, an empty list and a missing Statement', () => {
    expect(problems(doc(['x']))[0]).toContain('Statement 1 must be an object');
    expect(problems(doc([]))[0]).toContain('Statement is an empty list');
    expect(problems('{"Version": "2012-10-17"}')[0]).toContain('Statement is missing');
    expect(problems('[]')[0]).toContain('must be a JSON object');
  });

  it('reports duplicate keys, which IAM would silently collapse', () => {
    const text =
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Action": "s3:PutObject", "Resource": "*"}]}';
    const second = text.indexOf('"Action"', text.indexOf('"Action"') + 1) + 1;
    expect(problems(text)).toEqual([`1:${second} duplicate key 'Action'; only one would count: merge them`]);
  });

  it('enforces 6,144 characters without whitespace', () => {
    const resources = (n: number) =>
      Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(4, '0')}/*`);
    const fits = doc([{ ...ok, Resource: resources(10) }]);
    expect(problems(fits)).toEqual([]);
    const big = doc([{ ...ok, Resource: resources(260) }]);
    expect(big.replace(/\s/g, '').length).toBeGreaterThan(MAX_POLICY_CHARS);
    expect(problems(big)[0]).toMatch(/^1:1 the policy is \d+ characters without whitespace; IAM allows 6144/);
  });

  it('rejects a file name that is not a valid policy name', () => {
    expect(problems(doc([ok]), 'policies/dev s3.json')[0]).toContain("'dev s3' is not a valid policy name");
  });
});
