/**
 * Temporary console passwords: drawn with crypto.randomInt and built to satisfy the account's
 * password policy, whatever it requires. Kept only in memory, masked by the caller at once.
 */
import { randomInt } from 'node:crypto';
import { GetAccountPasswordPolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { errorCode } from '../../aws/clients.js';

export interface PasswordPolicy {
  minimumLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercase: boolean;
  requireLowercase: boolean;
}

/**
 * What IAM enforces when the account has no policy: at least 8 characters and three of the four
 * character classes. Generated passwords always use all four classes, which satisfies it.
 */
export const AWS_DEFAULT_PASSWORD_POLICY: PasswordPolicy = {
  minimumLength: 8,
  requireSymbols: false,
  requireNumbers: false,
  requireUppercase: false,
  requireLowercase: false,
};

const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
// A subset of IAM's allowed symbols without & < > ' " so the password is safe inside HTML mail
// and easy to read; the look-alikes (0 O 1 l I) are left out of the other classes for the same reason.
const SYMBOLS = '!@#$%^*()_+-=[]{}|';

/** IAM accepts at most 128 characters. */
const MAX_LENGTH = 128;
/** Long enough to be strong even when the account policy asks for less. */
const PREFERRED_LENGTH = 20;

export type RandomInt = (maxExclusive: number) => number;

const cryptoRandomInt: RandomInt = (max) => randomInt(max);

export function generatePassword(policy: PasswordPolicy, rand: RandomInt = cryptoRandomInt): string {
  const length = Math.min(MAX_LENGTH, Math.max(policy.minimumLength, PREFERRED_LENGTH));
  // One of every class first: this meets any combination of requirements, and AWS's default rule.
  const classes = [UPPER, LOWER, DIGITS, SYMBOLS];
  const chars = classes.map((set) => set[rand(set.length)]!);
  const all = classes.join('');
  while (chars.length < length) chars.push(all[rand(all.length)]!);
  // Fisher-Yates, so the guaranteed characters do not sit at fixed positions.
  for (let i = chars.length - 1; i > 0; i--) {
    const j = rand(i + 1);
    [chars[i], chars[j]] = [chars[j]!, chars[i]!];
  }
  return chars.join('');
}

/** True when `password` meets `policy` (used by tests and as a guard before CreateLoginProfile). */
export function satisfiesPolicy(password: string, policy: PasswordPolicy): boolean {
  if (password.length < policy.minimumLength || password.length > MAX_LENGTH) return false;
  if (policy.requireUppercase && !/[A-Z]/.test(password)) return false;
  if (policy.requireLowercase && !/[a-z]/.test(password)) return false;
  if (policy.requireNumbers && !/[0-9]/.test(password)) return false;
  if (policy.requireSymbols && !/[^A-Za-z0-9]/.test(password)) return false;
  const classes = [/[A-Z]/, /[a-z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((r) => r.test(password)).length;
  return classes >= 3;
}

/** The account password policy, or AWS's defaults when the account has none. */
export async function readPasswordPolicy(iam: IAMClient): Promise<PasswordPolicy> {
  try {
    const res = await iam.send(new GetAccountPasswordPolicyCommand({}));
    const p = res.PasswordPolicy ?? {};
    return {
      minimumLength: p.MinimumPasswordLength ?? AWS_DEFAULT_PASSWORD_POLICY.minimumLength,
      requireSymbols: p.RequireSymbols ?? false,
      requireNumbers: p.RequireNumbers ?? false,
      requireUppercase: p.RequireUppercaseCharacters ?? false,
      requireLowercase: p.RequireLowercaseCharacters ?? false,
    };
  } catch (err) {
    if (errorCode(err) === 'NoSuchEntity') return AWS_DEFAULT_PASSWORD_POLICY;
    throw err;
  }
}
