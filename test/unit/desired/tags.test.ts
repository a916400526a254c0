import { checkTagKey, checkTagValue, parseTags } from '../../../src/desired/tags.js';

describe('parseTags', () => {
  it('reads k=v pairs, trims around separators and allows = in values and empty values', () => {
    expect(parseTags(' team = web ; expr=a=b;empty=;')).toEqual({
      tags: { team: 'web', expr: 'a=b', empty: '' },
      problems: [],
    });
  });

  it('is empty for an empty cell', () => {
    expect(parseTags('')).toEqual({ tags: {}, problems: [] });
  });

  it('rejects a pair without =', () => {
    expect(parseTags('team').problems[0]).toContain("tag 'team' has no value");
  });

  it('rejects duplicate keys case-insensitively', () => {
    const r = parseTags('Team=a;team=b');
    expect(r.tags).toEqual({ Team: 'a' });
    expect(r.problems[0]).toContain("tag key 'team' appears twice");
  });

  it.each([
    ['aws:createdBy', 'aws: prefix is reserved'],
    ['AWS:x', 'aws: prefix is reserved'],
    ['managed-by', 'reserved by iam-gitops'],
    ['Role', 'from the role column'],
    ['iam-gitops:welcome', 'iam-gitops: prefix is reserved'],
    ['bad!key', 'characters IAM rejects'],
    ['k'.repeat(129), 'the limit is 128'],
    ['', 'empty key'],
  ])('rejects key %j', (key, msg) => {
    expect(checkTagKey(key)).toContain(msg);
  });

  it('accepts keys with the whole IAM charset, including unicode letters', () => {
    expect(checkTagKey('Cost Center_1.a:b/c=d+e-f@g')).toBeUndefined();
    expect(checkTagKey('équipe')).toBeUndefined();
  });

  it('limits values to 256 characters of the IAM charset', () => {
    expect(checkTagValue('k', 'v'.repeat(256))).toBeUndefined();
    expect(checkTagValue('k', 'v'.repeat(257))).toContain('the limit is 256');
    expect(checkTagValue('k', 'a,b')).toContain('characters IAM rejects');
  });
});
