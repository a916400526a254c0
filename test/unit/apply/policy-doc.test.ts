import { decodePolicyDocument as decodeDocument } from '../../../src/aws/decode.js';
import { canonicalJson } from '../../../src/plan/canonical.js';
import { comparePlans, formatPlanDifference } from '../../../src/apply/plan-compare.js';
import { op } from './fixtures.js';

const doc = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }],
};

test('a URL-encoded version document (as AWS returns it) decodes to the same policy as raw JSON (as the emulator returns it)', () => {
  const encoded = encodeURIComponent(JSON.stringify(doc));
  expect(encoded.startsWith('%7B')).toBe(true);
  expect(decodeDocument(encoded)).toEqual(doc);
  expect(decodeDocument(JSON.stringify(doc))).toEqual(doc);
  // A raw document holding a literal % is not double-decoded.
  const pct = { ...doc, Statement: [{ ...doc.Statement[0], Resource: 'arn:aws:s3:::a%20b/*' }] };
  expect(decodeDocument(JSON.stringify(pct))).toEqual(pct);
});

test('canonical JSON ignores key order and whitespace but not array order', () => {
  const reordered = JSON.parse(
    '{"Statement":[{"Resource":"*","Action":"s3:GetObject","Effect":"Allow"}],"Version":"2012-10-17"}',
  );
  expect(canonicalJson(reordered)).toBe(canonicalJson(doc));
  expect(canonicalJson({ a: [1, 2] })).not.toBe(canonicalJson({ a: [2, 1] }));
});

test('comparePlans names new, removed and changed operations', () => {
  const approved = [
    op('user:alice', [], 'user', 'create', { path: '/a/' }),
    op('user:bob', [], 'user', 'create', { path: '/a/' }),
  ];
  const fresh = [
    op('user:alice', [], 'user', 'create', { path: '/b/' }),
    op('user:carol', [], 'user', 'create', { path: '/a/' }),
  ];
  const d = comparePlans(approved, fresh);
  expect(d.added.map((o) => o.id)).toEqual(['user:carol']);
  expect(d.removed.map((o) => o.id)).toEqual(['user:bob']);
  expect(d.changed.map((c) => c.id)).toEqual(['user:alice']);
  const text = formatPlanDifference(d);
  expect(text).toContain('+ new:     create user carol');
  expect(text).toContain('- removed: create user bob');
  expect(text).toContain('~ changed: create user alice');
  expect(comparePlans(approved, approved)).toEqual({ added: [], removed: [], changed: [] });
});
