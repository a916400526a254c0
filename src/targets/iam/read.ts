/**
 * Users, groups and customer managed policies in one paginated bulk read
 * (GetAccountAuthorizationDetails): the cost is the number of pages, never a call per user.
 */
import {
  paginateGetAccountAuthorizationDetails,
  type GetAccountAuthorizationDetailsCommandOutput,
  type GroupDetail,
  type ManagedPolicyDetail,
  type PolicyDetail,
  type UserDetail,
} from '@aws-sdk/client-iam';
import type { ActualGroup, ActualPolicy, ActualUser } from '../../model/actual.js';
import type { PolicyDocument } from '../../model/policy.js';
import type { AwsClients } from '../../aws/clients.js';
import { decodePolicyDocument } from '../../aws/decode.js';

export interface IamSnapshot {
  /** Users without `hasLoginProfile` filled in (the credential report says that). */
  users: ActualUser[];
  groups: ActualGroup[];
  policies: ActualPolicy[];
  /** Inline user and group policies with their documents (import and report show them). */
  inline: InlinePolicy[];
}

export interface InlinePolicy {
  principalType: 'user' | 'group';
  principal: string;
  name: string;
  document: PolicyDocument;
}

/** The largest page IAM serves for this call. */
const PAGE_SIZE = 1000;

export async function readIam(clients: Pick<AwsClients, 'iam'>): Promise<IamSnapshot> {
  const snapshot: IamSnapshot = { users: [], groups: [], policies: [], inline: [] };
  const pages = paginateGetAccountAuthorizationDetails(
    { client: clients.iam, pageSize: PAGE_SIZE },
    { Filter: ['User', 'Group', 'LocalManagedPolicy'] },
  );
  for await (const page of pages) addPage(snapshot, page);
  return snapshot;
}

export function addPage(snapshot: IamSnapshot, page: GetAccountAuthorizationDetailsCommandOutput): void {
  for (const u of page.UserDetailList ?? []) {
    snapshot.users.push(toUser(u));
    for (const p of u.UserPolicyList ?? []) inline(snapshot, 'user', u.UserName!, p);
  }
  for (const g of page.GroupDetailList ?? []) {
    snapshot.groups.push(toGroup(g));
    for (const p of g.GroupPolicyList ?? []) inline(snapshot, 'group', g.GroupName!, p);
  }
  for (const p of page.Policies ?? []) snapshot.policies.push(toPolicy(p));
}

function inline(
  snapshot: IamSnapshot,
  principalType: 'user' | 'group',
  principal: string,
  p: PolicyDetail,
): void {
  if (!p.PolicyName || !p.PolicyDocument) return;
  snapshot.inline.push({
    principalType,
    principal,
    name: p.PolicyName,
    document: decodePolicyDocument(p.PolicyDocument),
  });
}

function toUser(u: UserDetail): ActualUser {
  const tags: Record<string, string> = {};
  for (const t of u.Tags ?? []) if (t.Key) tags[t.Key] = t.Value ?? '';
  return {
    name: u.UserName!,
    arn: u.Arn ?? '',
    path: u.Path ?? '/',
    tags,
    groups: [...(u.GroupList ?? [])],
    attachedPolicyArns: (u.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!).filter(Boolean),
    inlinePolicyNames: (u.UserPolicyList ?? []).map((p) => p.PolicyName!).filter(Boolean),
    hasLoginProfile: false,
    permissionsBoundaryArn: u.PermissionsBoundary?.PermissionsBoundaryArn ?? null,
  };
}

function toGroup(g: GroupDetail): ActualGroup {
  return {
    name: g.GroupName!,
    arn: g.Arn ?? '',
    path: g.Path ?? '/',
    attachedPolicyArns: (g.AttachedManagedPolicies ?? []).map((p) => p.PolicyArn!).filter(Boolean),
  };
}

function toPolicy(p: ManagedPolicyDetail): ActualPolicy {
  const versions = p.PolicyVersionList ?? [];
  const current =
    versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === p.DefaultVersionId);
  if (!current?.Document) {
    throw new Error(`IAM returned policy ${p.PolicyName ?? p.Arn} without its default version's document`);
  }
  const arn = p.Arn ?? '';
  return {
    // The emulator leaves PolicyName out of this call; the ARN always ends with it.
    name: p.PolicyName ?? arn.slice(arn.lastIndexOf('/') + 1),
    arn,
    path: p.Path ?? '/',
    defaultVersionId: p.DefaultVersionId ?? current.VersionId ?? '',
    document: decodePolicyDocument(current.Document),
    versions: versions.map((v) => ({
      versionId: v.VersionId ?? '',
      isDefault: Boolean(v.IsDefaultVersion),
      createDate: v.CreateDate ? new Date(v.CreateDate).toISOString() : '',
    })),
    attachmentCount: p.AttachmentCount ?? 0,
  };
}
