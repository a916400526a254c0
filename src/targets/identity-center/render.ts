/**
 * The Identity Center part of a plan report: one line per operation for the terminal, a table and
 * the inline policy diffs for the comment, and the count of what is already as desired. Every name
 * is untrusted text: in Markdown it passes through md.ts only.
 */
import type { Operation, Plan } from '../../model/plan.js';
import { policyJson } from '../../plan/canonical.js';
import { unifiedDiff } from '../../plan/line-diff.js';
import { code, details, fence, fold, htmlCode, prose, table } from '../../plan/md.js';
import type { PermissionSetPolicyDetails, ProvisioningDetails } from './ops.js';

export const IC_TYPES: ReadonlySet<string> = new Set([
  'ic-user',
  'ic-group',
  'ic-membership',
  'permission-set',
  'permission-set-policy',
  'provisioning',
  'assignment',
  'ic-email',
]);

/** Removals a reviewer must see first (memberships and policy detaches are listed with the operations). */
export const IC_DELETED_NOUN: Record<string, [string, string]> = {
  'ic-user': ['Identity Center user', 'Identity Center users'],
  'ic-group': ['Identity Center group', 'Identity Center groups'],
  'permission-set': ['permission set', 'permission sets'],
  assignment: ['account assignment', 'account assignments'],
};

const LABEL: Record<string, string> = {
  'ic-user': 'user',
  'ic-group': 'group',
  'ic-membership': 'membership',
  'permission-set': 'permission set',
  'permission-set-policy': 'permission set policy',
  provisioning: 'provisioning',
  assignment: 'assignment',
  'ic-email': 'welcome mail',
};

// Not view.ts's: view.ts imports this file.
const plural = (n: number, one: string): string => `${n} ${n === 1 ? one : `${one}s`}`;

const pretty = (json: unknown): string =>
  typeof json === 'string' && json ? policyJson(JSON.parse(json)) : '';

/** What the operation does beyond its name, in words (plain text; callers escape it). */
export function icSuffix(op: Operation): string {
  const d = op.details;
  switch (op.type) {
    case 'ic-user':
      if (d.adopt) return ' (adopt existing user)';
      if (op.action === 'update' && d.previous)
        return ` (${Object.keys(d.previous as object)
          .sort()
          .join(', ')})`;
      if (op.action === 'delete') return ' (memberships removed first)';
      return '';
    case 'ic-group':
    case 'permission-set':
      return d.adopt ? ' (adopt existing)' : '';
    case 'permission-set-policy': {
      const p = d as unknown as PermissionSetPolicyDetails;
      if (p.kind === 'customer')
        return op.action === 'delete'
          ? ' (customer managed reference)'
          : ` (customer managed reference: the policy must exist at ${p.path} in every account the set is assigned in)`;
      if (p.kind === 'inline') return op.action === 'update' ? ' (new document)' : '';
      return ' (AWS managed)';
    }
    case 'provisioning': {
      const p = d as unknown as ProvisioningDetails;
      return ` (to ${plural(p.accounts.length, 'account')}: ${p.accounts.join(', ')}${p.reason === 'outdated' ? '; an earlier run did not finish' : ''})`;
    }
    case 'ic-email':
      return ' (no password: Identity Center sends its own invitation)';
    default:
      return '';
  }
}

/** Terminal lines for one operation's diff (inline policy updates), indented by the caller. */
export function icDiffLines(op: Operation): string[] {
  if (op.type !== 'permission-set-policy' || op.details.kind !== 'inline') return [];
  if (op.action === 'update')
    return unifiedDiff(pretty(op.details.previousDocument), pretty(op.details.document)).split('\n');
  return [];
}

/** `12 Identity Center resources unchanged.`, or '' when Identity Center was not planned. */
export function icUnchangedLine(plan: Pick<Plan, 'unchanged'>): string {
  const u = plan.unchanged?.identityCenter;
  if (!u) return '';
  const n = u.users + u.groups + u.permissionSets + u.assignments;
  return n > 0
    ? `Identity Center: ${plural(u.users, 'user')}, ${plural(u.groups, 'group')}, ${plural(u.permissionSets, 'permission set')} and ${plural(u.assignments, 'assignment')} unchanged.`
    : '';
}

/** The comment's Identity Center section; `full`: a table and the policy diffs, else counts. */
export function identityCenterSection(ops: Operation[], tier: 'full' | 'compact' | 'summary'): string {
  if (ops.length === 0) return '';
  const heading = `#### IAM Identity Center (${ops.length})`;
  if (tier !== 'full') {
    const by = new Map<string, number>();
    for (const op of ops) {
      const k = `${op.action} ${LABEL[op.type] ?? op.type}`;
      by.set(k, (by.get(k) ?? 0) + 1);
    }
    return `${heading}\n\n${[...by].map(([k, n]) => `- ${k} × ${n}`).join('\n')}`;
  }
  const rows = ops.map((op) => [
    LABEL[op.type] ?? op.type,
    code(op.name),
    op.action,
    prose(icSuffix(op).replace(/^ \((.*)\)$/, '$1')),
  ]);
  const parts = [fold(heading, table(['kind', 'name', 'action', 'note'], rows))];
  for (const op of ops) {
    if (op.type !== 'permission-set-policy' || op.details.kind !== 'inline' || op.action === 'delete')
      continue;
    const body =
      op.action === 'create'
        ? pretty(op.details.document)
            .split('\n')
            .map((l) => `+${l}`)
            .join('\n')
        : unifiedDiff(pretty(op.details.previousDocument), pretty(op.details.document));
    parts.push(details(`${op.action === 'create' ? '➕' : '✏️'} ${htmlCode(op.name)}`, fence('diff', body)));
  }
  return parts.join('\n\n');
}
