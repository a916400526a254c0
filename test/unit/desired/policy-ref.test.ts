import { resolvePolicyRef } from '../../../src/desired/policy-ref.js';

const custom = new Set(['dev-s3', 'analytics-read']);
const message = (v: string) => {
  const r = resolvePolicyRef(v, custom);
  if (r.ok) throw new Error(`expected ${v} to fail`);
  return r.message;
};

describe('resolvePolicyRef', () => {
  it('resolves an AWS managed policy by name and by ARN', () => {
    const ro = { kind: 'aws', name: 'ReadOnlyAccess', arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
    expect(resolvePolicyRef('ReadOnlyAccess', custom)).toEqual({ ok: true, ref: ro });
    expect(resolvePolicyRef('arn:aws:iam::aws:policy/ReadOnlyAccess', custom)).toEqual({ ok: true, ref: ro });
  });

  it('resolves a path-bearing AWS ARN and the name of a path-bearing policy', () => {
    const arn = 'arn:aws:iam::aws:policy/job-function/Billing';
    expect(resolvePolicyRef(arn, custom)).toEqual({ ok: true, ref: { kind: 'aws', name: 'Billing', arn } });
    expect(resolvePolicyRef('Billing', custom)).toEqual({
      ok: true,
      ref: { kind: 'aws', name: 'Billing', arn },
    });
  });

  it('resolves a custom policy file name', () => {
    expect(resolvePolicyRef('dev-s3', custom)).toEqual({ ok: true, ref: { kind: 'custom', name: 'dev-s3' } });
  });

  it('names the right spelling for a case-only mismatch', () => {
    expect(message('readonlyaccess')).toContain("case-sensitive: write 'ReadOnlyAccess'");
    expect(message('Dev-S3')).toContain("policies/dev-s3.json: write 'dev-s3'");
  });

  it('suggests the closest custom or managed policy for a typo', () => {
    expect(message('dev-s4')).toContain("did you mean 'dev-s3'?");
    expect(message('ReadOnlyAcess')).toContain("did you mean 'ReadOnlyAccess'?");
  });

  it('says how to add an unknown policy when nothing is close', () => {
    expect(message('zzzzqqqqxxxx-yyyyy-wwwww')).toContain('add policies/zzzzqqqqxxxx-yyyyy-wwwww.json');
  });

  it('corrects an AWS ARN that misses the policy path', () => {
    expect(message('arn:aws:iam::aws:policy/Billing')).toContain(
      "did you mean 'arn:aws:iam::aws:policy/job-function/Billing'?",
    );
  });

  it('asks for the name, not the ARN, of a custom policy and for the name without .json', () => {
    expect(message('arn:aws:iam::123456789012:policy/dev-s3')).toContain("by its name 'dev-s3'");
    expect(message('arn:aws:iam::123456789012:policy/other')).toContain(
      'only AWS managed policies may be given by ARN',
    );
    expect(message('dev-s3.json')).toContain("write the policy name 'dev-s3' without .json");
  });

  it('rejects an ARN that is not a policy ARN', () => {
    expect(message('arn:aws:s3:::bucket')).toContain('is not an IAM policy ARN');
  });
});
