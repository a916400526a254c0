/**
 * The CIS AWS Foundations Benchmark (v3.0.0) identity checks, from the credential report, the
 * account summary and the password policy. Pure: `now` is given.
 */
import type { PasswordPolicy } from '@aws-sdk/client-iam';
import { ROOT_ROW, type CredentialRow } from '../aws/credential-report.js';
import type { CheckFailure, CisCheck } from './model.js';

const DAY = 86_400_000;
export const UNUSED_DAYS = 45;
export const ROTATE_DAYS = 90;
export const MIN_PASSWORD_LENGTH = 14;
export const REUSE_PREVENTION = 24;

export interface CisInput {
  now: Date;
  credentials: CredentialRow[];
  summary: Record<string, number>;
  passwordPolicy: PasswordPolicy | null;
}

const days = (now: Date, d: Date | null): number | null =>
  d ? Math.floor((now.getTime() - d.getTime()) / DAY) : null;

function check(id: string, title: string, failures: CheckFailure[]): CisCheck {
  return { id, title, status: failures.length ? 'fail' : 'pass', failures };
}

export function cisChecks(input: CisInput): CisCheck[] {
  const { now } = input;
  const root = input.credentials.find((r) => r.user === ROOT_ROW);
  const users = input.credentials
    .filter((r) => r.user !== ROOT_ROW)
    .sort((a, b) => (a.user < b.user ? -1 : 1));
  const out: CisCheck[] = [];

  // Root: the credential report's <root_account> row; the account summary when the row is missing.
  const rootKeys = root
    ? root.keys.filter((k) => k.active).length
    : (input.summary.AccountAccessKeysPresent ?? 0);
  out.push(
    check(
      '1.4',
      'No access keys exist for the root user',
      rootKeys > 0
        ? [
            {
              subject: ROOT_ROW,
              message: `the root user has ${rootKeys} active access key${rootKeys === 1 ? '' : 's'}`,
              fix: 'sign in as root, Security credentials → Access keys: delete them (use IAM users or roles instead)',
            },
          ]
        : [],
    ),
  );
  const rootMfa = root ? root.mfaActive : (input.summary.AccountMFAEnabled ?? 0) === 1;
  out.push(
    check(
      '1.5',
      'MFA is enabled for the root user',
      rootMfa
        ? []
        : [
            {
              subject: ROOT_ROW,
              message: 'the root user has no MFA device',
              fix: 'sign in as root, Security credentials → Assign MFA device (a hardware key where possible)',
            },
          ],
    ),
  );

  const pp = input.passwordPolicy;
  const length = pp?.MinimumPasswordLength ?? null;
  out.push(
    check(
      '1.8',
      `The password policy requires at least ${MIN_PASSWORD_LENGTH} characters`,
      length !== null && length >= MIN_PASSWORD_LENGTH
        ? []
        : [
            {
              subject: 'account',
              message: pp
                ? `the password policy requires ${length ?? 'any number of'} characters`
                : 'the account has no password policy',
              fix: `aws iam update-account-password-policy --minimum-password-length ${MIN_PASSWORD_LENGTH} --password-reuse-prevention ${REUSE_PREVENTION}`,
            },
          ],
    ),
  );
  const reuse = pp?.PasswordReusePrevention ?? null;
  out.push(
    check(
      '1.9',
      `The password policy prevents reuse of the last ${REUSE_PREVENTION} passwords`,
      reuse !== null && reuse >= REUSE_PREVENTION
        ? []
        : [
            {
              subject: 'account',
              message: pp
                ? `the password policy ${reuse ? `remembers ${reuse} passwords` : 'does not prevent reuse'}`
                : 'the account has no password policy',
              fix: `aws iam update-account-password-policy --minimum-password-length ${MIN_PASSWORD_LENGTH} --password-reuse-prevention ${REUSE_PREVENTION}`,
            },
          ],
    ),
  );

  out.push(
    check(
      '1.10',
      'MFA is enabled for every user with a console password',
      users
        .filter((u) => u.passwordEnabled && !u.mfaActive)
        .map((u) => ({
          subject: u.user,
          message: `${u.user} signs in to the console without MFA`,
          fix: `have ${u.user} assign an MFA device (IAM → Users → ${u.user} → Security credentials), or remove the console password`,
        })),
    ),
  );

  const unused: CheckFailure[] = [];
  for (const u of users) {
    if (u.passwordEnabled) {
      const last = u.passwordLastUsed ?? u.passwordLastChanged ?? u.created;
      const d = days(now, last);
      if (d !== null && d >= UNUSED_DAYS) {
        unused.push({
          subject: u.user,
          message: `${u.user}'s console password ${u.passwordLastUsed ? `was last used ${d} days ago` : `has not been used in the ${d} days since it was set`}`,
          fix: `aws iam delete-login-profile --user-name ${u.user} (or have ${u.user} sign in, if the access is still needed)`,
        });
      }
    }
    for (const k of u.keys.filter((x) => x.active)) {
      const d = days(now, k.lastUsed ?? k.lastRotated);
      if (d !== null && d >= UNUSED_DAYS) {
        unused.push({
          subject: u.user,
          message: `${u.user}'s access key ${k.slot} ${k.lastUsed ? `was last used ${d} days ago` : `has not been used in the ${d} days since it was created`}`,
          fix: `deactivate it: aws iam update-access-key --user-name ${u.user} --access-key-id <key ${k.slot} id> --status Inactive`,
        });
      }
    }
  }
  out.push(check('1.12', `Credentials unused for ${UNUSED_DAYS} days or more are disabled`, unused));

  out.push(
    check(
      '1.13',
      'At most one active access key per user',
      users
        .filter((u) => u.keys.filter((k) => k.active).length > 1)
        .map((u) => ({
          subject: u.user,
          message: `${u.user} has ${u.keys.filter((k) => k.active).length} active access keys`,
          fix: `keep one: deactivate the other (aws iam update-access-key --user-name ${u.user} --access-key-id <id> --status Inactive), then delete it`,
        })),
    ),
  );

  const stale: CheckFailure[] = [];
  for (const u of users) {
    for (const k of u.keys.filter((x) => x.active)) {
      const d = days(now, k.lastRotated);
      if (d !== null && d > ROTATE_DAYS) {
        stale.push({
          subject: u.user,
          message: `${u.user}'s access key ${k.slot} is ${d} days old`,
          fix: `rotate it: create a new key (aws iam create-access-key --user-name ${u.user}), switch to it, then deactivate and delete the old one`,
        });
      }
    }
  }
  out.push(check('1.14', `Access keys are rotated every ${ROTATE_DAYS} days or less`, stale));
  return out;
}
