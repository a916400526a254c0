import {
  AWS_DEFAULT_PASSWORD_POLICY,
  generatePassword,
  satisfiesPolicy,
  type PasswordPolicy,
} from '../../../src/targets/iam/password.js';

const strict = (minimumLength: number): PasswordPolicy => ({
  minimumLength,
  requireSymbols: true,
  requireNumbers: true,
  requireUppercase: true,
  requireLowercase: true,
});

test.each([
  ['AWS defaults', AWS_DEFAULT_PASSWORD_POLICY],
  ['every class, 8', strict(8)],
  ['every class, 40', strict(40)],
  ['every class, 128', strict(128)],
  ['symbols only', { ...AWS_DEFAULT_PASSWORD_POLICY, requireSymbols: true, minimumLength: 14 }],
])('generated passwords satisfy %s', (_name, policy) => {
  for (let i = 0; i < 200; i++) {
    const pw = generatePassword(policy);
    expect(satisfiesPolicy(pw, policy)).toBe(true);
    expect(pw.length).toBe(Math.min(128, Math.max(20, policy.minimumLength)));
    expect(/[A-Z]/.test(pw) && /[a-z]/.test(pw) && /[0-9]/.test(pw) && /[^A-Za-z0-9]/.test(pw)).toBe(true);
    expect(pw).not.toMatch(/[&<>"'\s]/);
  }
});

test('every class is present even when the random source always picks the first character', () => {
  const pw = generatePassword(strict(8), () => 0);
  expect(satisfiesPolicy(pw, strict(8))).toBe(true);
});

test('passwords differ between calls', () => {
  const seen = new Set(Array.from({ length: 100 }, () => generatePassword(AWS_DEFAULT_PASSWORD_POLICY)));
  expect(seen.size).toBe(100);
});

test('satisfiesPolicy rejects what a policy forbids', () => {
  expect(satisfiesPolicy('Abcdefg1', strict(8))).toBe(false); // no symbol
  expect(satisfiesPolicy('Ab1!', strict(8))).toBe(false); // too short
  expect(satisfiesPolicy('abcdefgh', AWS_DEFAULT_PASSWORD_POLICY)).toBe(false); // one class only
  expect(satisfiesPolicy('abcdefg1!', AWS_DEFAULT_PASSWORD_POLICY)).toBe(true); // three classes
  expect(satisfiesPolicy('A'.repeat(129) + 'a1!', strict(8))).toBe(false); // over IAM's 128
});
