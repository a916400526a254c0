/**
 * The Identity Center operations: ids and details, shared by the planner, the executor's handlers
 * and the renderers. Details hold names, never Identity Center ids: the ids of things the same run
 * creates are unknown at plan time, and names make the plan readable and its hash stable.
 */

export const icIds = {
  user: (user: string) => `ic-user:${user}`,
  group: (group: string) => `ic-group:${group}`,
  membership: (user: string, group: string) => `ic-membership:${user}:${group}`,
  permissionSet: (name: string) => `permission-set:${name}`,
  policy: (set: string, key: string) => `permission-set-policy:${set}:${key}`,
  provisioning: (set: string) => `provisioning:${set}`,
  assignment: (group: string, set: string, accountId: string) => `assignment:${group}:${set}:${accountId}`,
  email: (user: string) => `ic-email:${user}`,
};

export interface IcUserDetails {
  userName: string;
  /** create/update: every attribute as desired. */
  displayName?: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** update: the attributes that differ, with their current values (for reviewers). */
  previous?: Partial<Record<'displayName' | 'givenName' | 'familyName' | 'email', string | null>>;
  /** create: take over an existing unmanaged user (adopt: true) instead of creating one. */
  adopt?: boolean;
}

export interface IcGroupDetails {
  group: string;
  description?: string;
  adopt?: boolean;
}

export interface IcMembershipDetails {
  user: string;
  group: string;
}

export interface PermissionSetDetails {
  name: string;
  /** create/update: as desired. */
  description?: string;
  sessionDuration?: string;
  relayState?: string | null;
  /** update: the values that differ, as they are now. */
  previous?: Partial<Record<'description' | 'sessionDuration' | 'relayState', string | null>>;
  /** create with adopt: tag an existing unmanaged permission set instead of creating one. */
  adopt?: boolean;
  /** The group it is for. */
  group?: string;
}

export type PermissionSetPolicyDetails =
  | { permissionSet: string; kind: 'aws'; arn: string }
  | { permissionSet: string; kind: 'customer'; name: string; path: string }
  | {
      permissionSet: string;
      kind: 'inline';
      /** create/update: canonical JSON. */
      document?: string;
      /** update/delete: the current document. */
      previousDocument?: string;
      /** The custom policies merged into it. */
      from?: string[];
    };

export interface ProvisioningDetails {
  permissionSet: string;
  /** Account ids to provision to (ProvisionPermissionSet, AWS_ACCOUNT), sorted. */
  accounts: string[];
  /** `changed`: its content changes in this plan; `outdated`: an earlier run changed it and stopped before provisioning. */
  reason: 'changed' | 'outdated';
}

export interface AssignmentDetails {
  group: string;
  permissionSet: string;
  accountId: string;
  /** The account's name in iam-gitops.yml (a single-account repository: its id), for reviewers. */
  account: string;
}

export interface IcEmailDetails {
  user: string;
  email: string;
  displayName: string;
  /** Per group: the accounts (names) it reaches and its permission set. */
  groups: Array<{ group: string; permissionSet: string; accounts: string[] }>;
}

/** The key of a permission set's policy operation. */
export function policyKey(d: PermissionSetPolicyDetails): string {
  return d.kind === 'aws' ? `aws:${d.arn}` : d.kind === 'customer' ? `customer:${d.path}${d.name}` : 'inline';
}
