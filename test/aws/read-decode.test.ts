/** IAM returns policy documents URL-encoded; the emulator does not, so the decoding is tested here directly. */
import { decodePolicyDocument, decodePolicyText } from '../../src/aws/decode.js';
import { parseCredentialReport } from '../../src/targets/iam/read-logins.js';

const DOC = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: 'arn:aws:s3:::bucket with space/*',
      Condition: { StringLike: { 's3:prefix': ['home/${aws:username}/*', 'a+b%'] } },
    },
  ],
};

test('a URL-encoded document as IAM returns it decodes to the same document', () => {
  const encoded = encodeURIComponent(JSON.stringify(DOC, null, 2));
  expect(encoded.startsWith('%7B')).toBe(true);
  expect(decodePolicyDocument(encoded)).toEqual(DOC);
});

test('`+` in an encoded document is a literal plus (RFC 3986), not a space', () => {
  // AWS leaves some sub-delimiters unencoded; a `+` must survive as itself.
  const encoded = encodeURIComponent(JSON.stringify(DOC)).replace(/%2B/g, '+');
  expect(decodePolicyDocument(encoded)).toEqual(DOC);
});

test('raw JSON (the emulator) passes through untouched, even when it contains a %', () => {
  const raw = JSON.stringify(DOC);
  expect(decodePolicyText(raw)).toBe(raw);
  expect(decodePolicyDocument('  ' + raw)).toEqual(DOC);
});

test('a broken document is reported, not returned half-parsed', () => {
  expect(() => decodePolicyDocument('%7B%22Version%22')).toThrow(
    /policy document read from IAM is not valid JSON/,
  );
});

test('the credential report gives password_enabled per user and skips the root row', () => {
  const csv = [
    'user,arn,user_creation_time,password_enabled,password_last_used,mfa_active',
    '<root_account>,arn:aws:iam::123456789012:root,2020-01-01T00:00:00+00:00,not_supported,no_information,true',
    'alice,arn:aws:iam::123456789012:user/alice,2026-01-01T00:00:00+00:00,true,N/A,false',
    'bob,arn:aws:iam::123456789012:user/bob,2026-01-01T00:00:00+00:00,false,N/A,false',
  ].join('\n');
  const m = parseCredentialReport(csv);
  expect([...m]).toEqual([
    ['alice', true],
    ['bob', false],
  ]);
  expect(parseCredentialReport('').size).toBe(0);
});
