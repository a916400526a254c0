/**
 * IAM Identity Center as an IdentityCenterSnapshot: the instance (ListInstances: the configured one,
 * or the only one), its identity store's users, groups and memberships, every permission set with
 * its policies, tags and the accounts it is provisioned to, and the assignments there. Every list
 * is paginated; the calls grow with pages, groups, permission sets and their accounts, never with
 * users. Unmanaged entities are read too (import and report show them); the plan leaves them alone.
 */
import {
  paginateListGroupMemberships,
  paginateListGroups,
  paginateListUsers,
} from '@aws-sdk/client-identitystore';
import type { Group, User } from '@aws-sdk/client-identitystore';
import {
  DescribePermissionSetCommand,
  GetInlinePolicyForPermissionSetCommand,
  paginateListAccountAssignments,
  paginateListAccountsForProvisionedPermissionSet,
  paginateListCustomerManagedPolicyReferencesInPermissionSet,
  paginateListInstances,
  paginateListManagedPoliciesInPermissionSet,
  paginateListPermissionSets,
  paginateListTagsForResource,
  type InstanceMetadata,
} from '@aws-sdk/client-sso-admin';
import type { AwsClients } from '../../aws/clients.js';
import { MANAGED_TAG, type IdentityCenterConfig } from '../../model/desired.js';
import {
  IC_GROUP_DESCRIPTION_PREFIX,
  IC_USER_TYPE,
  IC_USER_TYPE_PENDING,
  type IcAssignment,
  type IcGroup,
  type IcMembership,
  type IcPermissionSet,
  type IcUser,
  type IdentityCenterSnapshot,
} from '../../model/identity-center.js';

/** Requests in flight at once per list of permission sets / groups (SSO Admin throttles early). */
const PARALLEL = 4;
/** The largest pages the two services serve. */
const STORE_PAGE = 100;
const ADMIN_PAGE = 100;

type IcClients = Pick<AwsClients, 'identitystore' | 'ssoadmin'>;

export interface Instance {
  instanceArn: string;
  identityStoreId: string;
}

/**
 * The instance `config.instanceArn` names, or the only one ListInstances returns. Zero or several
 * without an ARN is an error that says what to set.
 */
export async function resolveInstance(clients: IcClients, config: IdentityCenterConfig): Promise<Instance> {
  const all: InstanceMetadata[] = [];
  for await (const page of paginateListInstances({ client: clients.ssoadmin, pageSize: ADMIN_PAGE }, {}))
    all.push(...(page.Instances ?? []));
  const region = await clients.ssoadmin.config.region();
  const usable = all.filter((i) => i.InstanceArn && i.IdentityStoreId);
  if (config.instanceArn) {
    const found = usable.find((i) => i.InstanceArn === config.instanceArn);
    if (!found)
      throw new Error(
        `identityCenter.instanceArn ${config.instanceArn} is not an Identity Center instance these credentials ` +
          `reach in ${region}` +
          (usable.length ? ` (found: ${usable.map((i) => i.InstanceArn).join(', ')})` : ' (none found)') +
          '; check identityCenter.region and the instance ARN in iam-gitops.yml',
      );
    return { instanceArn: found.InstanceArn!, identityStoreId: found.IdentityStoreId! };
  }
  if (usable.length === 1)
    return { instanceArn: usable[0]!.InstanceArn!, identityStoreId: usable[0]!.IdentityStoreId! };
  if (usable.length === 0)
    throw new Error(
      `identityCenter is enabled in iam-gitops.yml but no IAM Identity Center instance exists in ${region} ` +
        '(sso-admin:ListInstances returned none); enable Identity Center in the management or delegated ' +
        "administrator account, or set identityCenter.region to the instance's region",
    );
  throw new Error(
    `identityCenter is enabled in iam-gitops.yml and ${usable.length} Identity Center instances exist in ${region} ` +
      `(${usable.map((i) => i.InstanceArn).join(', ')}); set identityCenter.instanceArn to the one to manage`,
  );
}

export async function readIdentityCenter(
  clients: IcClients,
  config: IdentityCenterConfig,
): Promise<IdentityCenterSnapshot> {
  const instance = await resolveInstance(clients, config);
  const region = await clients.ssoadmin.config.region();
  const [users, groups, permissionSets] = await Promise.all([
    readUsers(clients, instance),
    readGroups(clients, instance),
    readPermissionSetArns(clients, instance),
  ]);
  const [memberships, sets] = await Promise.all([
    readMemberships(clients, instance, groups),
    mapLimit(permissionSets, (arn) => readPermissionSet(clients, instance, arn)),
  ]);
  const provisioned: Record<string, string[]> = {};
  const outdated: Record<string, string[]> = {};
  for (const s of sets) {
    provisioned[s.set.arn] = s.accounts;
    if (s.outdated.length > 0) outdated[s.set.arn] = s.outdated;
  }
  // Assignments exist only where the permission set is provisioned: one paginated list per pair.
  const pairs = sets.flatMap((s) => s.accounts.map((accountId) => ({ arn: s.set.arn, accountId })));
  const assignments = (
    await mapLimit(pairs, (p) => readAssignments(clients, instance, p.accountId, p.arn))
  ).flat();
  return {
    instanceArn: instance.instanceArn,
    identityStoreId: instance.identityStoreId,
    region,
    users,
    groups,
    memberships,
    permissionSets: sets.map((s) => s.set).sort((a, b) => cmp(a.name, b.name)),
    assignments: assignments.sort(
      (a, b) =>
        cmp(a.accountId, b.accountId) ||
        cmp(a.permissionSetArn, b.permissionSetArn) ||
        cmp(a.principalId, b.principalId),
    ),
    provisioned,
    ...(Object.keys(outdated).length ? { outdated } : {}),
  };
}

async function readUsers(clients: IcClients, instance: Instance): Promise<IcUser[]> {
  const out: IcUser[] = [];
  const pages = paginateListUsers(
    { client: clients.identitystore, pageSize: STORE_PAGE },
    { IdentityStoreId: instance.identityStoreId },
  );
  for await (const page of pages) for (const u of page.Users ?? []) out.push(toUser(u));
  return out.sort((a, b) => cmp(a.userName, b.userName));
}

export function toUser(u: User): IcUser {
  const primary = (u.Emails ?? []).find((e) => e.Primary) ?? (u.Emails ?? [])[0];
  const type = u.UserType ?? null;
  const pending = type === IC_USER_TYPE_PENDING;
  return {
    userId: u.UserId!,
    userName: u.UserName ?? '',
    displayName: u.DisplayName ?? null,
    givenName: u.Name?.GivenName ?? null,
    familyName: u.Name?.FamilyName ?? null,
    email: primary?.Value ?? null,
    managed: type === IC_USER_TYPE || pending,
    ...(pending ? { welcomePending: true } : {}),
  };
}

async function readGroups(clients: IcClients, instance: Instance): Promise<IcGroup[]> {
  const out: IcGroup[] = [];
  const pages = paginateListGroups(
    { client: clients.identitystore, pageSize: STORE_PAGE },
    { IdentityStoreId: instance.identityStoreId },
  );
  for await (const page of pages) for (const g of page.Groups ?? []) out.push(toGroup(g));
  return out.sort((a, b) => cmp(a.displayName, b.displayName));
}

export function toGroup(g: Group): IcGroup {
  const description = g.Description ?? null;
  return {
    groupId: g.GroupId!,
    displayName: g.DisplayName ?? '',
    description,
    managed: isManagedGroupDescription(description),
  };
}

export function isManagedGroupDescription(d: string | null): boolean {
  return d === IC_GROUP_DESCRIPTION_PREFIX || Boolean(d?.startsWith(`${IC_GROUP_DESCRIPTION_PREFIX} `));
}

/** One paginated list per group: the identity store has no call listing every membership. */
async function readMemberships(
  clients: IcClients,
  instance: Instance,
  groups: IcGroup[],
): Promise<IcMembership[]> {
  const per = await mapLimit(groups, async (g) => {
    const out: IcMembership[] = [];
    const pages = paginateListGroupMemberships(
      { client: clients.identitystore, pageSize: STORE_PAGE },
      { IdentityStoreId: instance.identityStoreId, GroupId: g.groupId },
    );
    for await (const page of pages)
      for (const m of page.GroupMemberships ?? []) {
        const userId = m.MemberId && 'UserId' in m.MemberId ? m.MemberId.UserId : undefined;
        if (m.MembershipId && userId) out.push({ membershipId: m.MembershipId, groupId: g.groupId, userId });
      }
    return out;
  });
  return per.flat();
}

async function readPermissionSetArns(clients: IcClients, instance: Instance): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateListPermissionSets(
    { client: clients.ssoadmin, pageSize: ADMIN_PAGE },
    { InstanceArn: instance.instanceArn },
  );
  for await (const page of pages) out.push(...(page.PermissionSets ?? []));
  return out;
}

interface SetRead {
  set: IcPermissionSet;
  accounts: string[];
  outdated: string[];
}

async function readPermissionSet(clients: IcClients, instance: Instance, arn: string): Promise<SetRead> {
  const c = clients.ssoadmin;
  const base = { InstanceArn: instance.instanceArn, PermissionSetArn: arn };
  const [described, tags, managed, customer, inline, accounts, outdated] = await Promise.all([
    c.send(new DescribePermissionSetCommand(base)),
    (async () => {
      const t: Record<string, string> = {};
      const pages = paginateListTagsForResource(
        { client: c },
        { InstanceArn: instance.instanceArn, ResourceArn: arn },
      );
      for await (const page of pages)
        for (const tag of page.Tags ?? []) if (tag.Key) t[tag.Key] = tag.Value ?? '';
      return t;
    })(),
    (async () => {
      const out: string[] = [];
      const pages = paginateListManagedPoliciesInPermissionSet({ client: c, pageSize: ADMIN_PAGE }, base);
      for await (const page of pages)
        for (const p of page.AttachedManagedPolicies ?? []) if (p.Arn) out.push(p.Arn);
      return out.sort();
    })(),
    (async () => {
      const out: Array<{ name: string; path: string }> = [];
      const pages = paginateListCustomerManagedPolicyReferencesInPermissionSet(
        { client: c, pageSize: ADMIN_PAGE },
        base,
      );
      for await (const page of pages)
        for (const p of page.CustomerManagedPolicyReferences ?? [])
          if (p.Name) out.push({ name: p.Name, path: p.Path ?? '/' });
      return out.sort((a, b) => cmp(a.path + a.name, b.path + b.name));
    })(),
    c.send(new GetInlinePolicyForPermissionSetCommand(base)),
    provisionedAccounts(clients, base),
    provisionedAccounts(clients, base, 'LATEST_PERMISSION_SET_NOT_PROVISIONED'),
  ]);
  const ps = described.PermissionSet ?? {};
  const set: IcPermissionSet = {
    arn,
    name: ps.Name ?? '',
    description: ps.Description ?? null,
    sessionDuration: ps.SessionDuration ?? null,
    relayState: ps.RelayState ?? null,
    tags,
    managedPolicies: managed,
    customerManagedPolicies: customer,
    inlinePolicy: inline.InlinePolicy ? inline.InlinePolicy : null,
    managed: tags[MANAGED_TAG.key] === MANAGED_TAG.value,
  };
  return { set, accounts, outdated };
}

async function provisionedAccounts(
  clients: IcClients,
  base: { InstanceArn: string; PermissionSetArn: string },
  status?: 'LATEST_PERMISSION_SET_NOT_PROVISIONED',
): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateListAccountsForProvisionedPermissionSet(
    { client: clients.ssoadmin, pageSize: ADMIN_PAGE },
    { ...base, ...(status ? { ProvisioningStatus: status } : {}) },
  );
  for await (const page of pages) out.push(...(page.AccountIds ?? []));
  return [...new Set(out)].sort();
}

async function readAssignments(
  clients: IcClients,
  instance: Instance,
  accountId: string,
  arn: string,
): Promise<IcAssignment[]> {
  const out: IcAssignment[] = [];
  const pages = paginateListAccountAssignments(
    { client: clients.ssoadmin, pageSize: ADMIN_PAGE },
    { InstanceArn: instance.instanceArn, AccountId: accountId, PermissionSetArn: arn },
  );
  for await (const page of pages)
    for (const a of page.AccountAssignments ?? []) {
      if (!a.PrincipalId || (a.PrincipalType !== 'USER' && a.PrincipalType !== 'GROUP')) continue;
      out.push({
        accountId: a.AccountId ?? accountId,
        permissionSetArn: a.PermissionSetArn ?? arn,
        principalType: a.PrincipalType,
        principalId: a.PrincipalId,
      });
    }
  return out;
}

/** `fn` over `items`, at most PARALLEL at once, results in the order of `items`. */
export async function mapLimit<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, items.length) }, worker));
  return out;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
