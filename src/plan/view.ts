/** A plan regrouped the way reviewers read it: per user, per group, per policy, monitoring apart. */
import type { Finding } from '../model/finding.js';
import type { Operation, Plan } from '../model/plan.js';
import { policyJson } from './canonical.js';
import { policyNameOf } from './ops.js';
import { IC_DELETED_NOUN, IC_TYPES } from '../targets/identity-center/render.js';

export interface UserRow {
  name: string;
  /** `access`: only memberships, attachments or the console login change. */
  action: 'create' | 'adopt' | 'update' | 'delete' | 'access';
  groupsAdded: string[];
  groupsRemoved: string[];
  policiesAdded: string[];
  policiesRemoved: string[];
  console: 'enable' | 'disable' | null;
  resetRequired: boolean;
  welcomeMail: 'send' | 'resend' | null;
  tagsSet: Record<string, string>;
  tagsRemoved: string[];
  /** undefined: unchanged; null: removed. */
  boundary?: string | null;
  email?: string;
}

export interface GroupRow {
  name: string;
  action: 'create' | 'delete' | 'access';
  policiesAdded: string[];
  policiesRemoved: string[];
}

export interface PolicyRow {
  name: string;
  action: 'create' | 'update' | 'delete';
  /** Pretty JSON, '' when absent. */
  before: string;
  after: string;
}

export interface Counts {
  create: number;
  update: number;
  delete: number;
}

/** Users counted the way the deletions block lists them: one per user, whatever its operations. */
export interface UserCounts {
  create: number;
  change: number;
  delete: number;
  /** Console logins removed from users that stay (a deleted user's login goes with the user). */
  consoleRemoved: number;
}

export interface PlanView {
  /** Operations, for the metadata and the outputs. */
  counts: Counts;
  userCounts: UserCounts;
  users: UserRow[];
  groups: GroupRow[];
  policies: PolicyRow[];
  monitoring: Operation[];
  /** IAM Identity Center operations, in plan order. */
  identityCenter: Operation[];
  /** Deletions of whole resources (users, groups, policies, monitoring, Identity Center), called out first. */
  deletions: Operation[];
}

const ROW_ORDER: Record<string, number> = { delete: 0, update: 1, access: 2, adopt: 3, create: 4 };

const IAM_TYPES = new Set(['user', 'group', 'policy', 'login-profile', 'membership', 'attachment', 'email']);

export function countChanges(ops: Operation[]): Counts {
  const counts: Counts = { create: 0, update: 0, delete: 0 };
  for (const op of ops) if (op.action !== 'no-op') counts[op.action]++;
  return counts;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');
const pretty = (json: unknown): string =>
  typeof json === 'string' && json ? policyJson(JSON.parse(json)) : '';

export function buildView(plan: Pick<Plan, 'changes'>): PlanView {
  const users = new Map<string, UserRow>();
  const groups = new Map<string, GroupRow>();
  const user = (name: string): UserRow => {
    let row = users.get(name);
    if (!row) {
      row = {
        name,
        action: 'access',
        groupsAdded: [],
        groupsRemoved: [],
        policiesAdded: [],
        policiesRemoved: [],
        console: null,
        resetRequired: false,
        welcomeMail: null,
        tagsSet: {},
        tagsRemoved: [],
      };
      users.set(name, row);
    }
    return row;
  };
  const group = (name: string): GroupRow => {
    let row = groups.get(name);
    if (!row) groups.set(name, (row = { name, action: 'access', policiesAdded: [], policiesRemoved: [] }));
    return row;
  };
  const policies: PolicyRow[] = [];
  const monitoring: Operation[] = [];
  const identityCenter: Operation[] = [];
  const deletions: Operation[] = [];
  for (const op of plan.changes) {
    const d = op.details;
    if (op.action === 'delete' && ['user', 'group', 'policy'].includes(op.type)) deletions.push(op);
    if (IC_TYPES.has(op.type)) {
      identityCenter.push(op);
      if (op.action === 'delete' && IC_DELETED_NOUN[op.type]) deletions.push(op);
      continue;
    }
    if (!IAM_TYPES.has(op.type)) {
      monitoring.push(op);
      if (op.action === 'delete') deletions.push(op);
      continue;
    }
    switch (op.type) {
      case 'user': {
        const row = user(op.name);
        row.action =
          op.action === 'create'
            ? d.adopt
              ? 'adopt'
              : 'create'
            : op.action === 'delete'
              ? 'delete'
              : 'update';
        row.tagsSet = (d.tags as Record<string, string>) ?? {};
        row.tagsRemoved = (d.removeTags as string[]) ?? [];
        if ('permissionsBoundary' in d) row.boundary = (d.permissionsBoundary as string | null) ?? null;
        if (typeof d.email === 'string') row.email = d.email;
        break;
      }
      case 'login-profile': {
        const row = user(str(d.user));
        row.console = op.action === 'create' ? 'enable' : 'disable';
        row.resetRequired = op.action === 'create';
        break;
      }
      case 'membership': {
        const row = user(str(d.user));
        (op.action === 'create' ? row.groupsAdded : row.groupsRemoved).push(str(d.group));
        break;
      }
      case 'attachment': {
        const name = policyNameOf(str(d.policyArn));
        const row = d.principalType === 'group' ? group(str(d.principal)) : user(str(d.principal));
        (op.action === 'create' ? row.policiesAdded : row.policiesRemoved).push(name);
        break;
      }
      case 'email': {
        const row = user(str(d.user));
        row.welcomeMail = row.action === 'create' ? 'send' : 'resend';
        if (!row.email && typeof d.email === 'string') row.email = d.email;
        break;
      }
      case 'group':
        group(op.name).action = op.action === 'delete' ? 'delete' : 'create';
        break;
      case 'policy':
        policies.push({
          name: op.name,
          action: op.action === 'create' ? 'create' : op.action === 'delete' ? 'delete' : 'update',
          before: pretty(d.previousDocument),
          after: pretty(d.document),
        });
        break;
    }
  }
  const byName = <T extends { name: string }>(a: T, b: T): number =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  // What a reviewer must not miss first: deletions, then changes, then creations.
  const byRisk = <T extends { name: string; action: string }>(a: T, b: T): number =>
    (ROW_ORDER[a.action] ?? 9) - (ROW_ORDER[b.action] ?? 9) || byName(a, b);
  const userRows = [...users.values()].sort(byRisk);
  return {
    counts: countChanges(plan.changes),
    userCounts: {
      create: userRows.filter((r) => r.action === 'create').length,
      change: userRows.filter((r) => r.action !== 'create' && r.action !== 'delete').length,
      delete: userRows.filter((r) => r.action === 'delete').length,
      consoleRemoved: userRows.filter((r) => r.action !== 'delete' && r.console === 'disable').length,
    },
    users: userRows,
    groups: [...groups.values()].sort(byRisk),
    policies: policies.sort(byRisk),
    monitoring,
    identityCenter,
    deletions,
  };
}

export function findingsBySeverity(findings: Finding[]): Record<'error' | 'warning' | 'notice', Finding[]> {
  const out = { error: [] as Finding[], warning: [] as Finding[], notice: [] as Finding[] };
  for (const f of findings) out[f.severity].push(f);
  return out;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
