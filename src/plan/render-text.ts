/** The plan for a terminal: one line per operation, Terraform-style markers, diffs indented. */
import type { Plan } from '../model/plan.js';
import { unifiedDiff } from './line-diff.js';
import { maskEmails } from './mask.js';
import { buildView, findingsBySeverity, plural } from './view.js';
import { policyJson } from './canonical.js';
import { monitoringUnchangedLine } from './monitoring-line.js';
import { IC_TYPES, icDiffLines, icSuffix, icUnchangedLine } from '../targets/identity-center/render.js';

const MARK: Record<string, string> = { create: '+', update: '~', delete: '-', 'no-op': ' ' };

export interface TextInput {
  plan: Plan;
  kind?: 'plan' | 'drift';
  /** Why an offline plan is offline ("… because <reason>"); without it no reason is given. */
  offlineReason?: string | null;
}

export function renderText({ plan, kind = 'plan', offlineReason }: TextInput): string {
  const view = buildView(plan);
  const word = kind === 'drift' ? 'Drift' : 'Plan';
  const out: string[] = [];
  const because = offlineReason ? ` because ${offlineReason}` : '';
  out.push(
    `iam-gitops ${kind} — ${plan.offline ? `OFFLINE: against an empty account, not live AWS${because}` : `account ${plan.accountId}`}`,
  );
  if (plan.errors.length) {
    out.push('', `Refused (${plan.errors.length}):`);
    for (const e of plan.errors) out.push(`  ✗ ${e}`);
  }
  if (view.deletions.length) {
    out.push('', `WARNING: deletes ${view.deletions.map((d) => `${d.type} ${d.name}`).join(', ')}`);
  }
  if (plan.changes.length) out.push('');
  for (const op of plan.changes) {
    const more = IC_TYPES.has(op.type) ? icSuffix(op) : suffix(op.details, op.type, op.action);
    out.push(`  ${MARK[op.action] ?? '?'} ${op.type} ${op.name}${more}`);
    for (const line of icDiffLines(op)) out.push(`      ${line}`);
    if (op.type === 'policy' && op.action === 'update') {
      const before = policyJson(JSON.parse(String(op.details.previousDocument ?? '{}')));
      const after = policyJson(JSON.parse(String(op.details.document ?? '{}')));
      for (const line of unifiedDiff(before, after).split('\n')) out.push(`      ${line}`);
    }
  }
  out.push('');
  const { create, update, delete: del } = view.counts;
  const u = plan.unchanged;
  const n = u ? u.users + u.groups + u.policies : 0;
  const same = n > 0 ? ` ${plural(n, 'IAM resource')} unchanged.` : '';
  if (create + update + del === 0) out.push(kind === 'drift' ? `No drift.${same}` : `No changes.${same}`);
  else out.push(`${word}: ${create} to create, ${update} to change, ${del} to delete.${same}`);
  const monitoring = monitoringUnchangedLine(plan, 'text');
  if (monitoring) out.push(monitoring);
  const ic = icUnchangedLine(plan);
  if (ic) out.push(ic);
  const f = findingsBySeverity(plan.findings);
  if (plan.findings.length) {
    out.push(
      `Lint: ${plural(f.error.length, 'error')}, ${plural(f.warning.length, 'warning')}, ${plural(f.notice.length, 'notice')}.`,
    );
    for (const x of [...f.error, ...f.warning, ...f.notice]) {
      out.push(`  ${x.severity} ${x.rule} ${x.file}${x.line ? `:${x.line}` : ''}: ${x.message}`);
    }
  }
  out.push(`Plan hash: ${plan.hash}`);
  return maskEmails(out.join('\n')) + '\n';
}

function suffix(d: Record<string, unknown>, type: string, action: string): string {
  if (type === 'user' && d.adopt) return ' (adopt existing user)';
  if (type === 'user' && action === 'delete') return ' (offboard)';
  if (type === 'user' && action === 'update') {
    const parts: string[] = [];
    if (d.tags)
      parts.push(
        `tags ${Object.entries(d.tags as Record<string, string>)
          .map(([k, v]) => `${k}=${v}`)
          .join(',')}`,
      );
    if (d.removeTags) parts.push(`untag ${(d.removeTags as string[]).join(',')}`);
    if ('permissionsBoundary' in d)
      parts.push(d.permissionsBoundary ? `boundary ${String(d.permissionsBoundary)}` : 'boundary removed');
    return parts.length ? ` (${parts.join('; ')})` : '';
  }
  if (type === 'login-profile' && action === 'create') return ' (console, password reset required)';
  if (type === 'policy' && action === 'update') return ' (new version)';
  return '';
}
