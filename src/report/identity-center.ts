/**
 * The Identity Center part of `report`: who can reach which account with which permission set,
 * and what each permission set can do. Pure: an IdentityCenterSnapshot (src/targets/identity-center/)
 * and the files in, one value out; the renderers in render.ts read only that value.
 */
import { dataDate } from '../catalog/actions.js';
import type { DesiredState } from '../model/desired.js';
import type { IdentityCenterSnapshot, IcPermissionSet } from '../model/identity-center.js';
import type { PolicyDocument } from '../model/policy.js';
import type { ReportError, ReportVerdict } from './model.js';
import { verdictOf } from './verdict.js';

export interface IcAccessRow {
  userName: string;
  /** The account id, and its name from iam-gitops.yml (`accounts:`) when declared. */
  accountId: string;
  account: string | null;
  permissionSet: string;
  /** The group the assignment is made to, or null for an assignment to the person directly. */
  via: string | null;
}

export interface IcReportUser {
  userName: string;
  displayName: string | null;
  /** A row in users/*.csv names the person. */
  inFiles: boolean;
  /** Carries iam-gitops' marker in the identity store. */
  managed: boolean;
  groups: string[];
}

export interface IcReportPermissionSet {
  name: string;
  managed: boolean;
  managedPolicies: string[];
  customerManagedPolicies: string[];
  inline: boolean;
  /** The account ids it is provisioned to. */
  accounts: string[];
  verdict: ReportVerdict;
}

export interface IdentityCenterReport {
  instanceArn: string;
  region: string;
  users: IcReportUser[];
  permissionSets: IcReportPermissionSet[];
  /** One row per person, account and permission set (through each group, or directly). */
  access: IcAccessRow[];
  /** People not in the files who reach an account with administrator or escalation power. */
  errors: ReportError[];
}

const nameOf = (arn: string): string => arn.slice(arn.lastIndexOf('/') + 1);
const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The permission set's policies as the lint engine's verdict takes them (customer managed ones unread). */
function setVerdict(ps: IcPermissionSet): ReportVerdict {
  let inline: Array<{ name: string; document: PolicyDocument }> = [];
  if (ps.inlinePolicy) {
    try {
      inline = [{ name: 'inline', document: JSON.parse(ps.inlinePolicy) as PolicyDocument }];
    } catch {
      inline = [];
    }
  }
  const v = verdictOf(
    // A role of the reserved SSO path: no IAM user, no IAM group.
    {
      name: ps.name,
      arn: `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_${ps.name}_*`,
      groups: [],
    },
    [{ attached: ps.managedPolicies, inline }],
    new Map(),
    dataDate(),
  );
  // Customer managed policies live in each account: their documents are not part of the instance.
  const cm = ps.customerManagedPolicies.map((c) => `${c.path}${c.name}`);
  if (cm.length === 0) return v;
  return {
    ...v,
    unknownPolicies: [...v.unknownPolicies, ...cm].sort(),
    summary: `${v.summary}${v.summary.includes('not assessed') ? ', ' : '; not assessed: '}${cm.join(', ')}`,
  };
}

export function buildIdentityCenterReport(
  snap: IdentityCenterSnapshot,
  desired: DesiredState | null,
): IdentityCenterReport {
  const inFiles = new Set((desired?.users ?? []).map((u) => u.name.toLowerCase()));
  const accountName = new Map((desired?.config.accounts ?? []).map((a) => [a.id, a.name]));
  const users = new Map(snap.users.map((u) => [u.userId, u]));
  const groups = new Map(snap.groups.map((g) => [g.groupId, g]));
  const sets = new Map(snap.permissionSets.map((p) => [p.arn, p]));
  const membersOf = new Map<string, string[]>();
  const groupsOf = new Map<string, string[]>();
  for (const m of snap.memberships) {
    membersOf.set(m.groupId, [...(membersOf.get(m.groupId) ?? []), m.userId]);
    const g = groups.get(m.groupId);
    if (g) groupsOf.set(m.userId, [...(groupsOf.get(m.userId) ?? []), g.displayName]);
  }

  const access: IcAccessRow[] = [];
  for (const a of snap.assignments) {
    const ps = sets.get(a.permissionSetArn)?.name ?? nameOf(a.permissionSetArn);
    const row = (userId: string, via: string | null): void => {
      const u = users.get(userId);
      if (!u) return;
      access.push({
        userName: u.userName,
        accountId: a.accountId,
        account: accountName.get(a.accountId) ?? null,
        permissionSet: ps,
        via,
      });
    };
    if (a.principalType === 'USER') row(a.principalId, null);
    else {
      const g = groups.get(a.principalId);
      for (const userId of membersOf.get(a.principalId) ?? []) row(userId, g?.displayName ?? a.principalId);
    }
  }
  access.sort(
    (x, y) =>
      cmp(x.userName, y.userName) ||
      cmp(x.accountId, y.accountId) ||
      cmp(x.permissionSet, y.permissionSet) ||
      cmp(x.via ?? '', y.via ?? ''),
  );

  const permissionSets: IcReportPermissionSet[] = snap.permissionSets
    .map((p) => ({
      name: p.name,
      managed: p.managed,
      managedPolicies: p.managedPolicies.map(nameOf),
      customerManagedPolicies: p.customerManagedPolicies.map((c) => `${c.path}${c.name}`),
      inline: p.inlinePolicy !== null,
      accounts: [...(snap.provisioned[p.arn] ?? [])].sort(),
      verdict: setVerdict(p),
    }))
    .sort((a, b) => cmp(a.name, b.name));

  const reportUsers: IcReportUser[] = snap.users
    .map((u) => ({
      userName: u.userName,
      displayName: u.displayName,
      inFiles: inFiles.has(u.userName.toLowerCase()),
      managed: u.managed,
      groups: [...(groupsOf.get(u.userId) ?? [])].sort(),
    }))
    .sort((a, b) => cmp(a.userName, b.userName));

  const verdicts = new Map(permissionSets.map((p) => [p.name, p.verdict]));
  const errors: ReportError[] = [];
  for (const u of reportUsers) {
    if (u.inFiles) continue;
    const strong = [
      ...new Set(
        access
          .filter((r) => r.userName === u.userName)
          .filter((r) => {
            const v = verdicts.get(r.permissionSet);
            return v && (v.admin || v.escalation.length > 0);
          })
          .map((r) => `${r.permissionSet} in ${r.account ?? r.accountId}`),
      ),
    ];
    if (!strong.length) continue;
    errors.push({
      user: u.userName,
      message:
        `${u.userName} is not in the repository's files and reaches administrator or escalation power ` +
        `in Identity Center (${strong.join(', ')})`,
      fix:
        `review who uses ${u.userName}; to manage the person, add them with \`iam-gitops import --users ` +
        `${u.userName}\` and a pull request, or remove the assignment`,
    });
  }
  return {
    instanceArn: snap.instanceArn,
    region: snap.region,
    users: reportUsers,
    permissionSets,
    access,
    errors,
  };
}
