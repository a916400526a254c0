/**
 * What IAM Identity Center holds, as the bulk reader returns it (src/targets/identity-center/).
 * Import, report and the plan read the same snapshot.
 */

export interface IcUser {
  userId: string;
  userName: string;
  displayName: string | null;
  givenName: string | null;
  familyName: string | null;
  /** Primary e-mail address. */
  email: string | null;
  /** True when iam-gitops created it (or adopted it) and may change or delete it. */
  managed: boolean;
  /**
   * Managed and its welcome mail not yet accepted by SES (UserType IC_USER_TYPE_PENDING): the
   * next run sends it. Absent → false.
   */
  welcomePending?: boolean;
}

export interface IcGroup {
  groupId: string;
  displayName: string;
  description: string | null;
  managed: boolean;
}

export interface IcMembership {
  membershipId: string;
  groupId: string;
  userId: string;
}

export interface IcPermissionSet {
  arn: string;
  name: string;
  description: string | null;
  sessionDuration: string | null;
  relayState: string | null;
  tags: Record<string, string>;
  /** AWS managed policy ARNs attached. */
  managedPolicies: string[];
  /** Customer managed policy references (must exist in each account it is provisioned to). */
  customerManagedPolicies: Array<{ name: string; path: string }>;
  /** The inline policy document as JSON text, or null. */
  inlinePolicy: string | null;
  managed: boolean;
}

export interface IcAssignment {
  accountId: string;
  permissionSetArn: string;
  principalType: 'USER' | 'GROUP';
  principalId: string;
}

export interface IdentityCenterSnapshot {
  instanceArn: string;
  identityStoreId: string;
  region: string;
  users: IcUser[];
  groups: IcGroup[];
  memberships: IcMembership[];
  permissionSets: IcPermissionSet[];
  assignments: IcAssignment[];
  /** Permission set ARN → the account ids it is provisioned to. */
  provisioned: Record<string, string[]>;
  /**
   * Permission set ARN → the account ids still holding an older version of it
   * (LATEST_PERMISSION_SET_NOT_PROVISIONED): a run that changed it and stopped before
   * provisioning. The plan provisions them again. Absent → none.
   */
  outdated?: Record<string, string[]>;
}

/**
 * How iam-gitops marks what it manages in Identity Center. The identity store has no tags:
 * users carry a UserType, groups a Description; permission sets carry the managed-by tag.
 */
export const IC_USER_TYPE = 'iam-gitops';
/** A managed user whose welcome mail SES has not accepted yet (set at creation, cleared after the mail). */
export const IC_USER_TYPE_PENDING = 'iam-gitops:welcome-pending';
/** A managed group's Description starts with this. */
export const IC_GROUP_DESCRIPTION_PREFIX = 'managed-by=iam-gitops';

/** An instance with nothing in it: what an offline plan plans against. */
export function emptyIdentityCenterSnapshot(region = 'us-east-1'): IdentityCenterSnapshot {
  return {
    instanceArn: 'arn:aws:sso:::instance/ssoins-0000000000000000',
    identityStoreId: 'd-0000000000',
    region,
    users: [],
    groups: [],
    memberships: [],
    permissionSets: [],
    assignments: [],
    provisioned: {},
  };
}
