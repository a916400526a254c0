/** The `report` value: every user with what it can do, and the CIS identity checks. Renderers read only this. */
import type { IdentityCenterReport } from './identity-center.js';

export interface ReportKey {
  /** Credential-report slot (1 or 2). */
  slot: number;
  active: boolean;
  /** Days since the key was created or last rotated; null when unknown. */
  ageDays: number | null;
  /** ISO date of last use, or null (never used, or unknown). */
  lastUsed: string | null;
  lastUsedService: string | null;
}

export interface ReportVerdict {
  admin: boolean;
  /** Ids of open privilege-escalation paths (lint engine), sure paths only. */
  escalation: string[];
  /** Services where some Write or Permissions-management action is allowed. */
  writeServices: string[];
  /** AWS managed policies the offline catalogue does not know (their grants are not counted). */
  unknownPolicies: string[];
  /** One line: `admin`, `can escalate (…)`, `write: s3, ec2`, `read-only`, `no permissions`. */
  summary: string;
}

export interface ReportUser {
  name: string;
  path: string;
  /** A row in users/*.csv names the user. */
  inFiles: boolean;
  /** Carries managed-by=iam-gitops. */
  tagged: boolean;
  groups: string[];
  /** Managed policy names and `inline:<name>` for inline policies. */
  policies: string[];
  /** Group → its managed policy names and `inline:<name>`. */
  groupPolicies: Record<string, string[]>;
  verdict: ReportVerdict;
  console: boolean;
  mfa: boolean;
  /** ISO date, or null when never used or unknown. */
  passwordLastUsed: string | null;
  keys: ReportKey[];
}

export type CheckStatus = 'pass' | 'fail';

export interface CheckFailure {
  /** The user, or `<root_account>`, or `account` for account-wide settings. */
  subject: string;
  message: string;
  fix: string;
}

export interface CisCheck {
  /** CIS AWS Foundations Benchmark v3.0.0 recommendation number. */
  id: string;
  title: string;
  status: CheckStatus;
  failures: CheckFailure[];
}

export interface ReportError {
  user: string;
  message: string;
  fix: string;
}

export interface Report {
  accountId: string;
  /** When the report was made (ISO). */
  generatedAt: string;
  credentialReport: {
    generatedAt: string | null;
    ageHours: number | null;
    /** Users newer than the credential report, whose credentials were read directly. */
    askedDirectly: string[];
  };
  users: ReportUser[];
  checks: CisCheck[];
  /** Unmanaged users with admin or escalation paths. */
  errors: ReportError[];
  /** Who reaches which account with which permission set; absent when Identity Center is off. */
  identityCenter?: IdentityCenterReport;
}
