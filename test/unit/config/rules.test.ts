import {
  IAM_PATH,
  POLICY_ARN,
  REGION,
  bucketNameProblem,
  isEmail,
  logGroupProblem,
  namespaceProblem,
  trailNameProblem,
} from '../../../src/config/rules.js';

describe('config value rules', () => {
  it.each([
    ['iam-gitops', undefined],
    ['Trail_1.prod-eu', undefined],
    ['ab', '3–128'],
    ['t'.repeat(129), '3–128'],
    ['my trail', 'only letters'],
    ['_trail', 'start and end'],
    ['trail-', 'start and end'],
    ['my-_trail', 'adjacent'],
    ['my..trail', 'adjacent'],
    ['10.0.0.1', 'IP address'],
  ])('trail name %j', (name, problem) => {
    const p = trailNameProblem(name);
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toContain(problem);
  });

  it.each([
    ['iam-gitops-trail-123456789012-us-east-1', undefined],
    ['my.bucket.name', undefined],
    ['ab', '3–63'],
    ['b'.repeat(64), '3–63'],
    ['Upper', 'lower-case'],
    ['-bucket', 'start and end'],
    ['a..b', 'two adjacent periods'],
    ['192.168.5.4', 'IP address'],
    ['sthree-logs', 'prefix'],
    ['amzn-s3-demo-bucket', 'prefix'],
    ['logs-s3alias', 'suffix'],
    ['logs--x-s3', 'suffix'],
  ])('bucket name %j', (name, problem) => {
    const p = bucketNameProblem(name);
    if (problem === undefined) expect(p).toBeUndefined();
    else expect(p).toContain(problem);
  });

  it('log group names', () => {
    expect(logGroupProblem('/iam-gitops/cloudtrail')).toBeUndefined();
    expect(logGroupProblem('a#b.c_d-e')).toBeUndefined();
    expect(logGroupProblem('')).toContain('1–512');
    expect(logGroupProblem('x'.repeat(513))).toContain('1–512');
    expect(logGroupProblem('aws/cloudtrail')).toContain("'aws/'");
    expect(logGroupProblem('a:b')).toContain('only letters');
  });

  it('metric namespaces', () => {
    expect(namespaceProblem('IAMGitOps')).toBeUndefined();
    expect(namespaceProblem('Org/IAM GitOps:1')).toBeUndefined();
    expect(namespaceProblem('AWS/IAM')).toContain("'AWS/'");
    expect(namespaceProblem('   ')).toContain('non-space');
    expect(namespaceProblem(':x')).toContain("':'");
    expect(namespaceProblem('a'.repeat(256))).toContain('1–255');
    expect(namespaceProblem('a*b')).toContain('only letters');
  });

  it('paths, ARNs, regions and addresses', () => {
    expect(['/', '/iam-gitops/', '/a/b/'].every((p) => IAM_PATH.test(p))).toBe(true);
    expect(['', 'x', '/x', 'x/', '/a b/', `/${'a'.repeat(511)}/`].some((p) => IAM_PATH.test(p))).toBe(false);
    expect(POLICY_ARN.test('arn:aws:iam::123456789012:policy/team/boundary')).toBe(true);
    expect(POLICY_ARN.test('arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess')).toBe(true);
    expect(POLICY_ARN.test('arn:aws:iam::123:policy/x')).toBe(false);
    expect(POLICY_ARN.test('arn:aws:iam::123456789012:role/x')).toBe(false);
    expect(
      ['us-east-1', 'eu-central-2', 'ap-southeast-5', 'us-gov-west-1', 'cn-north-1'].every((r) =>
        REGION.test(r),
      ),
    ).toBe(true);
    expect(['us-east', 'US-EAST-1', 'useast1'].some((r) => REGION.test(r))).toBe(false);
    expect(isEmail("o'brien+iam@mail.example.co.uk")).toBe(true);
    expect(['a@b', 'a@@b.com', 'a b@c.com', 'a@-b.com', '@b.com'].some(isEmail)).toBe(false);
  });
});
