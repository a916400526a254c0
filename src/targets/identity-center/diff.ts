/**
 * The Identity Center planner: the files' people, groups and permission sets against the snapshot
 * → operations. Pure. Creation runs permission set → its policies → provisioning → assignment,
 * removal the other way (assignment → permission set); users and groups before memberships,
 * memberships removed before the user or group goes. Only what iam-gitops marked as its own is
 * changed or deleted (IC_USER_TYPE, IC_GROUP_DESCRIPTION_PREFIX, the managed-by tag); with `adopt`,
 * an unmanaged entity of a desired name is taken over, else the plan is refused.
 */
import type { DesiredState } from '../../model/desired.js';
import { MANAGED_TAG } from '../../model/desired.js';
import type { Finding } from '../../model/finding.js';
import {
  IC_GROUP_DESCRIPTION_PREFIX,
  type IcGroup,
  type IcPermissionSet,
  type IcUser,
  type IdentityCenterSnapshot,
} from '../../model/identity-center.js';
import type { IdentityCenterUnchanged, Operation } from '../../model/plan.js';
import { canonicalJson, samePolicy } from '../../plan/canonical.js';
import { OperationList } from '../../plan/ops.js';
import { icDesired, type IcAccount, type IcDesiredGroup, type IcDesiredUser } from './desired.js';
import {
  icIds,
  policyKey,
  type AssignmentDetails,
  type IcEmailDetails,
  type IcGroupDetails,
  type IcMembershipDetails,
  type IcUserDetails,
  type PermissionSetDetails,
  type PermissionSetPolicyDetails,
  type ProvisioningDetails,
} from './ops.js';

export interface IcPlan {
  /** In the order they run (dependencies first). */
  operations: Operation[];
  errors: string[];
  /** Facts reviewers should read next to the plan (e.g. referenced customer managed policies). */
  notes: string[];
  /** Warnings about what is live that the plan cannot change (shown with the lint findings). */
  findings: Finding[];
  unchanged: IdentityCenterUnchanged;
}

/** Identity Store names are unique regardless of case. */
const key = (s: string): string => s.toLowerCase();

export function groupDescription(group: string): string {
  return `${IC_GROUP_DESCRIPTION_PREFIX} iam-gitops.yml group ${group}`;
}

export function planIdentityCenter(
  desired: DesiredState,
  snapshot: IdentityCenterSnapshot,
  accounts: readonly IcAccount[],
): IcPlan {
  const want = icDesired(desired, accounts);
  const ops = new OperationList();
  const errors = [...want.errors];
  const notes: string[] = [];
  const findings: Finding[] = [];
  const unchanged: IdentityCenterUnchanged = { users: 0, groups: 0, permissionSets: 0, assignments: 0 };
  const adopt = desired.config.adopt;

  const usersByName = new Map(snapshot.users.map((u) => [key(u.userName), u]));
  const usersById = new Map(snapshot.users.map((u) => [u.userId, u]));
  const groupsByName = new Map(snapshot.groups.map((g) => [key(g.displayName), g]));
  const groupsById = new Map(snapshot.groups.map((g) => [g.groupId, g]));
  const setsByName = new Map(snapshot.permissionSets.map((p) => [key(p.name), p]));
  const setsByArn = new Map(snapshot.permissionSets.map((p) => [p.arn, p]));
  const accountName = new Map(accounts.map((a) => [a.id, a.name]));

  // Entities of a desired name that the plan may write (managed, or adopted).
  const ownUser = new Map<string, IcUser | null>();
  const ownGroup = new Map<string, IcGroup | null>();
  const ownSet = new Map<string, IcPermissionSet | null>();

  // 1. Permission sets and their policies.
  for (const g of want.groups) {
    const ps = g.permissionSet;
    const a = setsByName.get(key(ps.name));
    if (a && !a.managed && !adopt) {
      errors.push(
        `permission set ${ps.name} (for group ${g.name}, ${where(g)}) already exists in Identity Center but is not ` +
          `managed by iam-gitops (no tag ${MANAGED_TAG.key}=${MANAGED_TAG.value}); rename the group, remove the ` +
          'permission set, or set adopt: true in iam-gitops.yml to take it over',
      );
      continue;
    }
    ownSet.set(ps.name, a ?? null);
    if (a?.relayState && ps.relayState === null) findings.push(relayStateKept(ps.name, a.relayState, g));
    const setId = icIds.permissionSet(ps.name);
    let changed = false;
    if (!a || !a.managed) {
      const details: PermissionSetDetails = {
        name: ps.name,
        description: ps.description,
        sessionDuration: ps.sessionDuration,
        relayState: ps.relayState,
        group: g.name,
        ...(a ? { adopt: true } : {}),
      };
      ops.add('create', 'permission-set', setId, ps.name, details);
      changed = Boolean(a);
    } else {
      const previous: PermissionSetDetails['previous'] = {};
      if ((a.description ?? '') !== ps.description) previous.description = a.description;
      if ((a.sessionDuration ?? 'PT1H') !== ps.sessionDuration) previous.sessionDuration = a.sessionDuration;
      // UpdatePermissionSet cannot clear a relay state (RelayState is 1–240 characters; omitted, it is
      // kept): without one in the config it is left as it is, with the warning above.
      if (ps.relayState !== null && a.relayState !== ps.relayState) previous.relayState = a.relayState;
      if (Object.keys(previous).length > 0) {
        const details: PermissionSetDetails = {
          name: ps.name,
          description: ps.description,
          sessionDuration: ps.sessionDuration,
          relayState: ps.relayState,
          previous,
          group: g.name,
        };
        ops.add('update', 'permission-set', setId, ps.name, details);
        changed = true;
      }
    }
    if (ps.referencedBecause)
      notes.push(
        `permission set ${ps.name} references the customer managed policies ` +
          `${ps.customerManagedPolicies.map((p) => p.name).join(', ')} (${ps.referencedBecause}): they must exist at ` +
          `${desired.config.path} in every account it is assigned in (${g.accounts.map((x) => x.name).join(', ')})`,
      );
    const policyOps = planSetPolicies(ops, g, a ?? null);
    if (policyOps.length > 0 && a) changed = true;
    if (a && !changed) unchanged.permissionSets++;

    // Re-provision where the set already is when its content changes; and where an earlier run
    // changed it but stopped before provisioning (the reader's `outdated`).
    if (a) {
      const provisioned = snapshot.provisioned[a.arn] ?? [];
      const outdated = snapshot.outdated?.[a.arn] ?? [];
      const targets = changed ? provisioned : outdated;
      if (targets.length > 0) {
        const details: ProvisioningDetails = {
          permissionSet: ps.name,
          accounts: [...new Set(targets)].sort(),
          reason: changed ? 'changed' : 'outdated',
        };
        ops.add('create', 'provisioning', icIds.provisioning(ps.name), ps.name, details, [
          ops.ifPlanned(setId),
          ...policyOps,
        ]);
      }
    }
  }

  // 2. Users.
  for (const u of want.users) {
    const a = usersByName.get(key(u.userName));
    if (a && !a.managed && !adopt) {
      errors.push(
        `${u.userName} (${where(u)}) already exists in Identity Center but is not managed by iam-gitops; ` +
          'rename the entry, remove the existing user, or set adopt: true in iam-gitops.yml to take it over',
      );
      continue;
    }
    ownUser.set(u.userName, a ?? null);
    const attrs = {
      displayName: u.displayName,
      givenName: u.givenName,
      familyName: u.familyName,
      email: u.email,
    };
    if (!a || !a.managed) {
      const details: IcUserDetails = {
        userName: a?.userName ?? u.userName,
        ...attrs,
        ...(a ? { adopt: true } : {}),
      };
      ops.add('create', 'ic-user', icIds.user(u.userName), u.userName, details);
      continue;
    }
    const previous: IcUserDetails['previous'] = {};
    if (a.displayName !== attrs.displayName) previous.displayName = a.displayName;
    if (a.givenName !== attrs.givenName) previous.givenName = a.givenName;
    if (a.familyName !== attrs.familyName) previous.familyName = a.familyName;
    if (key(a.email ?? '') !== key(attrs.email)) previous.email = a.email;
    if (Object.keys(previous).length > 0) {
      const details: IcUserDetails = { userName: a.userName, ...attrs, previous };
      ops.add('update', 'ic-user', icIds.user(u.userName), u.userName, details);
    } else unchanged.users++;
  }

  // 3. Groups.
  for (const g of want.groups) {
    const a = groupsByName.get(key(g.name));
    if (a && !a.managed && !adopt) {
      errors.push(
        `group ${g.name} (${where(g)}) already exists in Identity Center but is not managed by iam-gitops ` +
          `(its Description does not start with ${IC_GROUP_DESCRIPTION_PREFIX}); rename the group, remove the ` +
          'existing one, or set adopt: true in iam-gitops.yml to take it over',
      );
      continue;
    }
    ownGroup.set(g.name, a ?? null);
    if (!a || !a.managed) {
      const details: IcGroupDetails = {
        group: g.name,
        description: groupDescription(g.name),
        ...(a ? { adopt: true } : {}),
      };
      ops.add('create', 'ic-group', icIds.group(g.name), g.name, details);
    } else unchanged.groups++;
  }

  // 4. Memberships of the people iam-gitops manages, in the groups it manages.
  const memberOf = new Map<string, Set<string>>(); // groupId → userIds
  for (const m of snapshot.memberships) {
    let s = memberOf.get(m.groupId);
    if (!s) memberOf.set(m.groupId, (s = new Set()));
    s.add(m.userId);
  }
  const mailAfter = new Map<string, string[]>();
  for (const g of want.groups) {
    if (!ownGroup.has(g.name)) continue;
    const ag = ownGroup.get(g.name);
    const have = ag ? (memberOf.get(ag.groupId) ?? new Set<string>()) : new Set<string>();
    for (const member of g.members) {
      if (!ownUser.has(member)) continue;
      const au = ownUser.get(member);
      if (au && have.has(au.userId)) continue;
      const details: IcMembershipDetails = { user: member, group: g.name };
      const id = ops.add(
        'create',
        'ic-membership',
        icIds.membership(member, g.name),
        `${member} → ${g.name}`,
        details,
        [ops.ifPlanned(icIds.user(member)), ops.ifPlanned(icIds.group(g.name))],
      ).id;
      mailAfter.set(member, [...(mailAfter.get(member) ?? []), id]);
    }
  }
  const wantedMembers = new Map(want.groups.map((g) => [key(g.name), new Set(g.members.map(key))]));
  const removedMemberships = new Map<string, string[]>(); // user or group key → op ids
  const note = (k: string, id: string) =>
    removedMemberships.set(k, [...(removedMemberships.get(k) ?? []), id]);
  for (const m of [...snapshot.memberships].sort((x, y) => cmp(x.membershipId, y.membershipId))) {
    const g = groupsById.get(m.groupId);
    const u = usersById.get(m.userId);
    if (!g?.managed || !u?.managed) continue;
    if (wantedMembers.get(key(g.displayName))?.has(key(u.userName))) continue;
    const details: IcMembershipDetails = { user: u.userName, group: g.displayName };
    const id = ops.add(
      'delete',
      'ic-membership',
      icIds.membership(u.userName, g.displayName),
      `${u.userName} → ${g.displayName}`,
      details,
    ).id;
    note(`user:${key(u.userName)}`, id);
    note(`group:${key(g.displayName)}`, id);
  }

  // 5. Assignments: the group's permission set in each account the group reaches.
  const wantedAssignments = new Set<string>();
  for (const g of want.groups) {
    if (!ownGroup.has(g.name) || !ownSet.has(g.permissionSet.name)) continue;
    const ag = ownGroup.get(g.name);
    const as = ownSet.get(g.permissionSet.name);
    const setName = g.permissionSet.name;
    for (const acct of g.accounts) {
      if (ag && as) wantedAssignments.add(`${acct.id}|${as.arn}|${ag.groupId}`);
      const exists =
        ag && as
          ? snapshot.assignments.some(
              (x) =>
                x.accountId === acct.id &&
                x.permissionSetArn === as.arn &&
                x.principalType === 'GROUP' &&
                x.principalId === ag.groupId,
            )
          : false;
      if (exists) {
        unchanged.assignments++;
        continue;
      }
      const details: AssignmentDetails = {
        group: g.name,
        permissionSet: setName,
        accountId: acct.id,
        account: acct.name,
      };
      ops.add(
        'create',
        'assignment',
        icIds.assignment(g.name, setName, acct.id),
        `${g.name} → ${setName} in ${acct.name}`,
        details,
        [
          ops.ifPlanned(icIds.group(g.name)),
          ops.ifPlanned(icIds.permissionSet(setName)),
          ...ops
            .where((o) => o.type === 'permission-set-policy' && o.details.permissionSet === setName)
            .map((o) => o.id),
          ops.ifPlanned(icIds.provisioning(setName)),
        ],
      );
    }
  }
  const removedAssignments = new Map<string, string[]>(); // `group:` / `set:` key → op ids
  const noteA = (k: string, id: string) =>
    removedAssignments.set(k, [...(removedAssignments.get(k) ?? []), id]);
  for (const x of snapshot.assignments) {
    if (x.principalType !== 'GROUP') continue;
    const g = groupsById.get(x.principalId);
    const ps = setsByArn.get(x.permissionSetArn);
    if (!g?.managed || !ps?.managed) continue;
    if (wantedAssignments.has(`${x.accountId}|${x.permissionSetArn}|${x.principalId}`)) continue;
    // A pair the files still want, but whose ids differ (adopted under another id), is not ours to judge.
    const details: AssignmentDetails = {
      group: g.displayName,
      permissionSet: ps.name,
      accountId: x.accountId,
      account: accountName.get(x.accountId) ?? x.accountId,
    };
    const id = ops.add(
      'delete',
      'assignment',
      icIds.assignment(g.displayName, ps.name, x.accountId),
      `${g.displayName} → ${ps.name} in ${details.account}`,
      details,
    ).id;
    noteA(`group:${key(g.displayName)}`, id);
    noteA(`set:${key(ps.name)}`, id);
  }

  // 6. Removals: permission sets, groups and users iam-gitops made and the files no longer hold.
  const wantedSets = new Set(want.groups.map((g) => key(g.permissionSet.name)));
  for (const ps of snapshot.permissionSets) {
    if (!ps.managed || wantedSets.has(key(ps.name))) continue;
    const foreign = snapshot.assignments.filter(
      (x) =>
        x.permissionSetArn === ps.arn &&
        !(x.principalType === 'GROUP' && groupsById.get(x.principalId)?.managed),
    );
    if (foreign.length > 0) {
      errors.push(
        `permission set ${ps.name} is no longer in the files, but ${foreign.length} assignment(s) iam-gitops does not ` +
          `manage still use it (${foreign
            .slice(0, 3)
            .map(
              (x) =>
                `${x.principalType.toLowerCase()} ${principalName(x.principalType, x.principalId)} in ${x.accountId}`,
            )
            .join(
              ', ',
            )}); remove those assignments in Identity Center first, or keep the group in iam-gitops.yml`,
      );
      continue;
    }
    ops.add(
      'delete',
      'permission-set',
      icIds.permissionSet(ps.name),
      ps.name,
      { name: ps.name } satisfies PermissionSetDetails,
      removedAssignments.get(`set:${key(ps.name)}`) ?? [],
    );
  }
  const wantedGroups = new Set(want.groups.map((g) => key(g.name)));
  for (const g of snapshot.groups) {
    if (!g.managed || wantedGroups.has(key(g.displayName))) continue;
    // DeleteGroup takes the group's memberships and assignments with it: those of people and
    // permission sets iam-gitops does not manage are not ours to remove (as for IAM groups).
    const foreign = [
      ...[...(memberOf.get(g.groupId) ?? [])]
        .filter((userId) => !usersById.get(userId)?.managed)
        .map((userId) => `member ${principalName('USER', userId)}`),
      ...snapshot.assignments
        .filter(
          (x) =>
            x.principalType === 'GROUP' &&
            x.principalId === g.groupId &&
            !setsByArn.get(x.permissionSetArn)?.managed,
        )
        .map(
          (x) =>
            `permission set ${setsByArn.get(x.permissionSetArn)?.name ?? x.permissionSetArn} in ${x.accountId}`,
        ),
    ];
    if (foreign.length > 0) {
      errors.push(
        `group ${g.displayName} is no longer in the files, but it still has ${foreign.length} member(s) or ` +
          `assignment(s) iam-gitops does not manage (${foreign.slice(0, 3).join(', ')}); remove them in Identity ` +
          'Center first, or keep the group in iam-gitops.yml',
      );
      continue;
    }
    ops.add(
      'delete',
      'ic-group',
      icIds.group(g.displayName),
      g.displayName,
      { group: g.displayName } satisfies IcGroupDetails,
      [
        ...(removedMemberships.get(`group:${key(g.displayName)}`) ?? []),
        ...(removedAssignments.get(`group:${key(g.displayName)}`) ?? []),
      ],
    );
  }
  const wantedUsers = new Set(want.users.map((u) => key(u.userName)));
  const removedUsers = snapshot.users.filter((u) => u.managed && !wantedUsers.has(key(u.userName)));
  for (const u of removedUsers) {
    ops.add(
      'delete',
      'ic-user',
      icIds.user(u.userName),
      u.userName,
      { userName: u.userName } satisfies IcUserDetails,
      removedMemberships.get(`user:${key(u.userName)}`) ?? [],
    );
  }
  const max = desired.config.maxDeletes;
  if (removedUsers.length > max)
    errors.push(
      `this plan deletes ${removedUsers.length} Identity Center users (${removedUsers.map((u) => u.userName).join(', ')}), ` +
        `more than maxDeletes (${max}) in iam-gitops.yml allows; if that is intended, raise maxDeletes in the same pull request`,
    );

  // 7. Welcome mail: new people, and people whose earlier mail SES never accepted.
  const setOf = new Map(want.groups.map((g) => [g.name, g]));
  for (const u of want.users) {
    if (!ownUser.has(u.userName)) continue;
    const a = ownUser.get(u.userName);
    const fresh = ops.has(icIds.user(u.userName)) && (!a || !a.managed);
    if (!fresh && !a?.welcomePending) continue;
    const details: IcEmailDetails = {
      user: u.userName,
      email: u.email,
      displayName: u.displayName,
      groups: u.groups.flatMap((name) => {
        const g = setOf.get(name);
        return g
          ? [{ group: name, permissionSet: g.permissionSet.name, accounts: g.accounts.map((x) => x.name) }]
          : [];
      }),
    };
    const after = [
      ops.ifPlanned(icIds.user(u.userName)),
      ...(mailAfter.get(u.userName) ?? []),
      ...u.groups.flatMap((name) =>
        ops
          .where((o) => o.type === 'assignment' && o.action === 'create' && o.details.group === name)
          .map((o) => o.id),
      ),
    ];
    ops.add('create', 'ic-email', icIds.email(u.userName), u.userName, details, after);
  }

  return { operations: orderIc(ops.all()), errors, notes, findings, unchanged };

  function principalName(type: 'USER' | 'GROUP', id: string): string {
    return type === 'GROUP' ? (groupsById.get(id)?.displayName ?? id) : (usersById.get(id)?.userName ?? id);
  }
}

/** Rule id of the warning on a permission set that keeps a relay state the config no longer sets. */
export const RELAY_STATE_KEPT = 'relay-state-kept';

/**
 * Identity Center has no call that removes a permission set's relay state: UpdatePermissionSet
 * takes a RelayState of 1–240 characters or none (then the old one stays), and CreatePermissionSet
 * is the only other writer. So a relay state removed from iam-gitops.yml stays on the set; the plan
 * says so rather than showing "no changes" while the portal still opens the old page.
 */
function relayStateKept(set: string, live: string, g: IcDesiredGroup): Finding {
  return {
    rule: RELAY_STATE_KEPT,
    severity: 'warning',
    file: g.source.file,
    line: g.source.line,
    permissionSets: [set],
    actions: [],
    message:
      `permission set ${set} (group ${g.name}) keeps the relay state ${JSON.stringify(live)}: ` +
      'identityCenter.relayState is not set, and Identity Center cannot remove a relay state ' +
      '(UpdatePermissionSet only replaces it with another URL), so the access portal still opens that page',
    fix:
      'set identityCenter.relayState in iam-gitops.yml: to that URL to keep it, or to https://console.aws.amazon.com/ ' +
      '(the console home, where the portal goes without a relay state); or clear it by hand as docs/file-formats.md ' +
      'describes under "Relay state" (remove its assignments and delete it in Identity Center; the next plan ' +
      'creates it again without one)',
  };
}

/** A permission set's policies: attach, detach, and the inline policy put, replaced or removed. */
function planSetPolicies(ops: OperationList, g: IcDesiredGroup, a: IcPermissionSet | null): string[] {
  const ps = g.permissionSet;
  const out: string[] = [];
  const setOp = ops.ifPlanned(icIds.permissionSet(ps.name));
  const add = (action: 'create' | 'update' | 'delete', d: PermissionSetPolicyDetails, label: string) =>
    out.push(
      ops.add(
        action,
        'permission-set-policy',
        icIds.policy(ps.name, policyKey(d)),
        `${ps.name} ← ${label}`,
        d,
        [setOp],
      ).id,
    );
  const haveAws = new Set(a?.managedPolicies ?? []);
  for (const arn of ps.managedPolicies)
    if (!haveAws.has(arn))
      add('create', { permissionSet: ps.name, kind: 'aws', arn }, arn.slice(arn.lastIndexOf('/') + 1));
  for (const arn of [...haveAws].sort())
    if (!ps.managedPolicies.includes(arn))
      add('delete', { permissionSet: ps.name, kind: 'aws', arn }, arn.slice(arn.lastIndexOf('/') + 1));
  const refKey = (r: { name: string; path: string }) => `${r.path}${r.name}`;
  const haveRefs = new Map((a?.customerManagedPolicies ?? []).map((r) => [refKey(r), r]));
  const wantRefs = new Map(ps.customerManagedPolicies.map((r) => [refKey(r), r]));
  for (const [k, r] of wantRefs)
    if (!haveRefs.has(k))
      add('create', { permissionSet: ps.name, kind: 'customer', ...r }, `${r.name} (customer managed)`);
  for (const [k, r] of [...haveRefs].sort(([x], [y]) => cmp(x, y)))
    if (!wantRefs.has(k))
      add('delete', { permissionSet: ps.name, kind: 'customer', ...r }, `${r.name} (customer managed)`);
  const have = a?.inlinePolicy ?? null;
  const wantDoc = ps.inlinePolicy;
  const label = `inline policy${ps.inlineFrom.length ? ` (${ps.inlineFrom.join(', ')})` : ''}`;
  if (wantDoc && !have)
    add('create', { permissionSet: ps.name, kind: 'inline', document: wantDoc, from: ps.inlineFrom }, label);
  else if (wantDoc && have && !samePolicy(parse(have), JSON.parse(wantDoc)))
    add(
      'update',
      {
        permissionSet: ps.name,
        kind: 'inline',
        document: wantDoc,
        previousDocument: canonical(have),
        from: ps.inlineFrom,
      },
      label,
    );
  else if (!wantDoc && have)
    add(
      'delete',
      { permissionSet: ps.name, kind: 'inline', previousDocument: canonical(have) },
      'inline policy',
    );
  return out;
}

const PHASE: Record<string, number> = {
  'create:permission-set': 10,
  'update:permission-set': 10,
  'create:permission-set-policy': 11,
  'update:permission-set-policy': 11,
  'delete:permission-set-policy': 11,
  'create:provisioning': 12,
  'create:ic-group': 20,
  'create:ic-user': 30,
  'update:ic-user': 30,
  'create:ic-membership': 40,
  'create:assignment': 50,
  'delete:assignment': 60,
  'delete:ic-membership': 61,
  'delete:ic-user': 70,
  'delete:ic-group': 80,
  'delete:permission-set': 90,
  'create:ic-email': 100,
};

/** By phase then id: the order never depends on the order of rows in the files. */
function orderIc(ops: Operation[]): Operation[] {
  const phase = (o: Operation) => PHASE[`${o.action}:${o.type}`] ?? 200;
  return [...ops].sort((a, b) => phase(a) - phase(b) || cmp(a.id, b.id));
}

function parse(json: string): unknown {
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}

function canonical(json: string): string {
  const v = parse(json);
  return typeof v === 'string' ? v : canonicalJson(v);
}

function where(x: IcDesiredUser | IcDesiredGroup): string {
  return `${x.source.file}${x.source.line > 0 ? `:${x.source.line}` : ''}`;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
