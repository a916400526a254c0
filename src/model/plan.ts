/** A plan: ordered operations with dependencies, and the hash reviewers approve. */
import type { Finding } from './finding.js';

export type ChangeAction = 'create' | 'update' | 'delete' | 'no-op';

export type ChangeType =
  | 'user'
  | 'group'
  | 'policy'
  | 'login-profile'
  | 'membership'
  | 'attachment'
  | 'email'
  | 'bucket'
  | 'log-group'
  | 'role'
  | 'trail'
  | 'topic'
  | 'subscription'
  | 'metric-filter'
  | 'alarm'
  | 'kms-key'
  // IAM Identity Center (src/targets/identity-center/ops.ts has their details).
  | 'ic-user'
  | 'ic-group'
  | 'ic-membership'
  | 'permission-set'
  | 'permission-set-policy'
  | 'provisioning'
  | 'assignment'
  | 'ic-email';

/**
 * One step. `details` holds everything the executor needs and nothing secret: passwords are
 * generated at apply time, never planned. The planner fills `details` with plain JSON values so
 * that the hash is stable.
 */
export interface Operation {
  /** Stable and unique within a plan, e.g. `user:alice`, `membership:alice:developers`. */
  id: string;
  action: ChangeAction;
  type: ChangeType;
  /** The thing acted on, as a reviewer reads it: `alice`, `alice → developers`. */
  name: string;
  details: Record<string, unknown>;
  /** Ids of operations that must succeed first. */
  dependsOn: string[];
}

/** Details shapes for the IAM operations, shared by the planner and the executor. */
export interface UserDetails {
  path: string;
  /** Tags to set (create: all; update: added or changed). */
  tags?: Record<string, string>;
  /** update: tag keys to remove. */
  removeTags?: string[];
  /** create/update: the boundary to set; null on update means remove it. */
  permissionsBoundary?: string | null;
  /** create: take over an existing unmanaged user (adopt: true) instead of creating one. */
  adopt?: boolean;
  email?: string;
}
export interface LoginProfileDetails {
  user: string;
}
export interface MembershipDetails {
  user: string;
  group: string;
}
export interface AttachmentDetails {
  principalType: 'user' | 'group';
  principal: string;
  /** Full ARN; customer policies use the account id known at plan time. */
  policyArn: string;
}
export interface GroupDetails {
  path: string;
}
export interface PolicyDetails {
  path: string;
  /** Canonical JSON of the document (create/update). */
  document?: string;
  arn?: string;
  /** update: canonical JSON of the current default version, so reviewers see the diff. */
  previousDocument?: string;
}
export interface EmailDetails {
  user: string;
  email: string;
  console: boolean;
  role: string | null;
  groups: string[];
  /** The user's own policies (attached directly). */
  policies: string[];
  /** Per group in `groups`, the policies that group grants (absent in plans made before this field). */
  groupPolicies?: Record<string, string[]>;
}

export interface PlanStats {
  /** Count per AWS operation, e.g. `{"iam:GetAccountAuthorizationDetails": 1}`. */
  awsCalls: Record<string, number>;
  durationMs?: number;
}

export interface Plan {
  hash: string;
  /** Ordered so that every operation comes after its dependencies. */
  changes: Operation[];
  findings: Finding[];
  stats: PlanStats;
  /** Problems that refuse the plan (ownership conflicts, maxDeletes). Non-empty → cannot apply. */
  errors: string[];
  /** True when planned against an empty account, not live AWS. */
  offline: boolean;
  accountId: string;
  /** IAM resources already as desired, by kind (reported as one count, not as operations). */
  unchanged?: {
    users: number;
    groups: number;
    policies: number;
    monitoring?: MonitoringUnchanged;
    /** Identity Center entities already as desired (absent when Identity Center was not planned). */
    identityCenter?: IdentityCenterUnchanged;
  };
}

export interface IdentityCenterUnchanged {
  users: number;
  groups: number;
  permissionSets: number;
  assignments: number;
}

/** The monitoring baseline's resources already as desired (absent when the baseline was not planned). */
export interface MonitoringUnchanged {
  /** `monitoring.enabled` in iam-gitops.yml; false → nothing of the baseline is planned. */
  enabled: boolean;
  count: number;
  /** `count` per resource type, e.g. `{trail: 1, alarm: 17}`. */
  byType: Partial<Record<ChangeType, number>>;
  /**
   * Alarm subscriptions still waiting for the recipient to click the link; neither unchanged nor
   * a change. Absent when none (and in older plans).
   */
  pending?: PendingSubscription[];
}

export interface PendingSubscription {
  /** Masked address (`a***@example.com`). */
  address: string;
  /** The address left alarmEmails, but an unconfirmed subscription has no ARN to delete it by. */
  removed?: true;
}
