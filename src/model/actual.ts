/** What exists in the AWS account, as read by `aws/` (bulk reads only). */
import type { PolicyDocument } from './policy.js';

export interface ActualUser {
  name: string;
  arn: string;
  path: string;
  tags: Record<string, string>;
  groups: string[];
  /** ARNs of attached managed policies (AWS and customer managed). */
  attachedPolicyArns: string[];
  inlinePolicyNames: string[];
  hasLoginProfile: boolean;
  permissionsBoundaryArn: string | null;
}

export interface ActualGroup {
  name: string;
  arn: string;
  path: string;
  attachedPolicyArns: string[];
}

export interface ActualPolicyVersion {
  versionId: string;
  isDefault: boolean;
  createDate: string;
}

export interface ActualPolicy {
  name: string;
  arn: string;
  path: string;
  defaultVersionId: string;
  /** The default version's document, URL-decoded and parsed. */
  document: PolicyDocument;
  versions: ActualPolicyVersion[];
  attachmentCount: number;
}

export interface ActualState {
  accountId: string;
  region: string;
  users: ActualUser[];
  groups: ActualGroup[];
  /** Customer managed policies only (Scope=Local). */
  policies: ActualPolicy[];
  /** Verification status of `email.from` in SES, or null when not checked. */
  sesSenderVerified: boolean | null;
  /** Monitoring resources, shaped by `monitoring/` (opaque to the IAM planner). */
  monitoring: unknown;
}

export function emptyActualState(accountId = '000000000000', region = 'us-east-1'): ActualState {
  return {
    accountId,
    region,
    users: [],
    groups: [],
    policies: [],
    sesSenderVerified: null,
    monitoring: null,
  };
}
