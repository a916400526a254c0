/** Name and value rules AWS applies to what iam-gitops.yml configures, checked before AWS is touched. */

/** IAM path: `/` or `/…/`, printable ASCII, at most 512 characters. */
export const IAM_PATH = /^(\/|\/[\u0021-\u007e]{1,510}\/)$/;
/** IAM user, group and policy names share this character set. */
export const IAM_NAME_CHARS = /^[\w+=,.@-]+$/;
export const POLICY_ARN = /^arn:aws[a-z-]*:iam::(aws|\d{12}):policy\/([\u0021-\u007e]*\/)?[\w+=,.@-]{1,128}$/;
export const EMAIL =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
export const REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/;
/** CloudWatch Logs accepts only these retention periods (days). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;
/** A KMS key ARN (not an alias: CloudTrail would follow a re-pointed alias without a plan). */
export const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]{1,128}$/;
/** An IAM role ARN (the account id must be the one it names). */
export const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
/** A role name, optionally with its path (`iam-gitops-apply`, `/iam-gitops/iam-gitops-apply`). */
export const ROLE_NAME = /^(\/[\w+=,.@-]+)*\/?[\w+=,.@-]{1,64}$/;
/** Short account names used in the files: letters, digits, `.`, `_`, `-`. */
export const ACCOUNT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
export const ACCOUNT_ID = /^\d{12}$/;
/** Organizations ids: the root (r-…) or an OU (ou-…). */
export const OU_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
/** Identity Center instance ARN. */
export const SSO_INSTANCE_ARN = /^arn:aws[a-z-]*:sso:::instance\/(sso)?ins-[a-zA-Z0-9-.]{16}$/;
/** ISO 8601 durations Identity Center accepts for a permission set session (1–12 hours). */
export const SESSION_DURATION = /^PT([1-9]|1[0-2])H$/;
export const ALARM_SETS = ['console-login-failures', 's3-bucket-changes', 'cis'] as const;

export function isEmail(s: string): boolean {
  return s.length <= 254 && EMAIL.test(s);
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** CloudTrail trail names: 3–128, letters, digits, `. _ -`, alphanumeric at both ends, no adjacent separators. */
export function trailNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 128) return 'must be 3–128 characters';
  if (!/^[A-Za-z0-9._-]+$/.test(name))
    return 'may contain only letters, digits, periods, underscores and dashes';
  if (!/^[A-Za-z0-9].*[A-Za-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (/[._-]{2}/.test(name))
    return "must not have adjacent periods, underscores or dashes (like '-_' or '..')";
  if (IPV4.test(name)) return 'must not look like an IP address';
  return undefined;
}

/** S3 general purpose bucket naming rules. */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return 'must be 3–63 characters';
  if (!/^[a-z0-9.-]+$/.test(name)) return 'may contain only lower-case letters, digits, periods and hyphens';
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must start and end with a letter or digit';
  if (name.includes('..')) return 'must not contain two adjacent periods';
  if (IPV4.test(name)) return 'must not look like an IP address';
  if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name))
    return 'must not start with a prefix S3 reserves (xn--, sthree-, amzn-s3-demo-)';
  if (/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name))
    return 'must not end with a suffix S3 reserves';
  return undefined;
}

/** CloudWatch Logs log group names. */
export function logGroupProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 512) return 'must be 1–512 characters';
  if (!/^[A-Za-z0-9._/#-]+$/.test(name)) return 'may contain only letters, digits and . _ - / #';
  if (/^aws\//i.test(name)) return "must not start with 'aws/' (reserved by AWS)";
  return undefined;
}

/** CloudWatch metric namespaces. */
export function namespaceProblem(name: string): string | undefined {
  if (name.length < 1 || name.length > 255) return 'must be 1–255 characters';
  if (!/^[A-Za-z0-9._/#: -]+$/.test(name)) return 'may contain only letters, digits, spaces and . - _ / # :';
  if (name.trim() === '') return 'must contain a non-space character';
  if (/^AWS\//.test(name)) return "must not start with 'AWS/' (reserved for AWS services)";
  if (name.startsWith(':')) return "must not start with ':'";
  return undefined;
}
