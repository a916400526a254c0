/** What the user's repository says should exist (SPEC §2). Produced by `desired/`, never by AWS. */
import type { LocatedPolicy } from './policy.js';

/** Where a value came from, for diagnostics and annotations. */
export interface SourceRef {
  file: string;
  line: number;
  col?: number;
}

/** A reference to a policy from a CSV row or a group in iam-gitops.yml. */
export type PolicyRef = { kind: 'aws'; name: string; arn: string } | { kind: 'custom'; name: string };

export type AlarmSet = 'console-login-failures' | 's3-bucket-changes' | 'cis';

export interface MonitoringConfig {
  enabled: boolean;
  trailName: string;
  /** null → `iam-gitops-trail-<account-id>-<region>`, resolved once the account is known. */
  bucket: string | null;
  logGroup: string;
  retentionDays: number;
  namespace: string;
  alarmEmails: string[];
  alarms: AlarmSet[];
  period: number;
  /**
   * Trail log encryption: null → none (S3-managed keys only), `create` → a customer managed key
   * iam-gitops creates (alias/iam-gitops-cloudtrail), or the ARN of a key the account already has.
   */
  kmsKey: string | null;
  /** Bucket that receives S3 server access logs of the trail bucket; null → not configured. */
  accessLogBucket: string | null;
  /**
   * Many accounts only: one organization trail (IsOrganizationTrail) in `account`, with the
   * filters and alarms there, instead of the baseline in every account.
   */
  organizationTrail: boolean;
  /** The account that holds the organization trail; null → the default account. */
  account: string | null;
}

export interface LintIgnore {
  rule: string;
  policy?: string;
  user?: string;
  reason: string;
}

/** One AWS account the repository manages (iam-gitops.yml `accounts:`, or found by `organization:`). */
export interface AccountConfig {
  /** Short name the files use (`accounts` column, groups' `accounts:`). */
  name: string;
  /** 12 digits. */
  id: string;
  /** Role the plan assumes through GitHub OIDC; null → the hub's member role, or the action input. */
  planRole: string | null;
  /** Role the apply assumes; null → the hub's member role, or the action input. */
  applyRole: string | null;
  /** null → the action's / command line's region. */
  region: string | null;
  source: SourceRef;
}

/** `organization:` — accounts discovered with AWS Organizations at plan time. */
export interface OrganizationConfig {
  /** OU ids (ou-… or the root r-…) whose ACTIVE accounts are managed, sub-OUs included; [] → the whole organization. */
  ou: string[];
  /** Account ids or names never managed. */
  exclude: string[];
  source: SourceRef;
}

/**
 * `hub:` — one OIDC role (in the management or a tooling account) that assumes a role of the
 * same name in every member account, with an external id and a session name naming the run.
 */
export interface HubConfig {
  /** Role name (or path/name) in each member account the plan assumes from the hub. */
  memberPlanRole: string;
  /** Role name (or path/name) in each member account the apply assumes from the hub. */
  memberApplyRole: string;
  /** sts:ExternalId the member roles require; null → none. */
  externalId: string | null;
}

/** `identityCenter:` — people and groups in IAM Identity Center instead of (or beside) IAM users. */
export interface IdentityCenterConfig {
  enabled: boolean;
  /** The instance's region; null → the action's region. */
  region: string | null;
  /** null → discovered with ListInstances (exactly one must exist). */
  instanceArn: string | null;
  /** Permission sets' session duration, ISO 8601 (PT1H … PT12H). */
  sessionDuration: string;
  relayState: string | null;
  /** Where people live when the CSV's `identity` column is empty. */
  defaultIdentity: 'iam' | 'identity-center';
  /** AWS access portal URL for the welcome mail; null → not mentioned. */
  portalUrl: string | null;
}

export interface Config {
  /**
   * Accounts by short name; [] → a single-account repository (the account the credentials
   * reach), exactly as before accounts existed.
   */
  accounts: AccountConfig[];
  /** Where users and groups without an `accounts` field live; null → the first of `accounts`. */
  defaultAccount: string | null;
  organization: OrganizationConfig | null;
  hub: HubConfig | null;
  identityCenter: IdentityCenterConfig;
  path: string;
  permissionsBoundary: string | null;
  requiredApprovals: number;
  maxDeletes: number;
  adopt: boolean;
  /**
   * IAM paths besides `path` where, with `adopt`, existing users, the groups and the custom
   * policies the files name are taken over where they are (their path is kept).
   */
  adoptPaths: string[];
  /**
   * `accounts`: the account names the group reaches (`*` → all); null → the default account.
   */
  groups: Record<string, { policies: PolicyRef[]; accounts?: string[] | null; source: SourceRef }>;
  email: {
    from: string | null;
    region: string;
    signInUrl: string | null;
    sendPassword: boolean;
  };
  monitoring: MonitoringConfig;
  /**
   * `required`: every managed console user joins the managed group `iam-gitops-mfa-required`,
   * whose policy denies everything but enrolling an MFA device until they sign in with MFA
   * (src/desired/mfa.ts). `optional`: no such group.
   */
  mfa: 'required' | 'optional';
  lint: {
    failOn: 'error' | 'warning' | 'never';
    ignore: LintIgnore[];
  };
  /** The config file's repository-relative path, or null when absent (all defaults). */
  source: string | null;
}

export interface DesiredUser {
  name: string;
  email: string;
  groups: string[];
  policies: PolicyRef[];
  console: boolean;
  tags: Record<string, string>;
  role: string | null;
  /**
   * Account names (`*` → all) from the CSV's `accounts` column; null → the accounts its groups
   * reach, or the default account when it has none.
   */
  accounts?: string[] | null;
  /** From the `identity` column; null → `identityCenter.defaultIdentity` when enabled, else `iam`. */
  identity?: 'iam' | 'identity-center' | null;
  /** Identity Center names (columns `given_name`, `family_name`, `display_name`); null → derived. */
  givenName?: string | null;
  familyName?: string | null;
  displayName?: string | null;
  source: SourceRef;
}

export interface DesiredState {
  config: Config;
  users: DesiredUser[];
  /** Custom policies from `policies/*.json`, keyed by policy name in `LocatedPolicy.name`. */
  policies: LocatedPolicy[];
}

/** The tag every resource the tool creates carries, and by which it recognises its own. */
export const MANAGED_TAG = { key: 'managed-by', value: 'iam-gitops' } as const;

/**
 * Tag set on a user at creation and cleared once SES accepted the welcome mail: a run that
 * finds it sends the mail again (with a fresh temporary password), so a crash never loses a mail.
 */
export const WELCOME_PENDING_TAG = { key: 'iam-gitops:welcome', value: 'pending' } as const;

/**
 * Whether the tool gave the user a console login (`true`/`false`): set at creation (inside
 * CreateUser, no extra call) and when apply turns the console on or off. AWS serves a credential
 * report up to four hours old; for a user created since, the plan reads the console state from
 * this tag once the welcome mail is out (the pending tag is gone, so every step before it ran)
 * instead of one GetLoginProfile per user. Left out when the user already has 50 tags.
 */
export const CONSOLE_TAG_KEY = 'iam-gitops:console';
