/**
 * The parts of a plan report in Markdown, each at three levels of detail: `full` (every item),
 * `compact` (counts instead of item lists, no diffs, no fixes) and `summary` (totals only).
 */
import type { Finding } from '../model/finding.js';
import type { Operation, Plan } from '../model/plan.js';
import { code, details, esc, fence, fold, htmlCode, prose, table } from './md.js';
import { unifiedDiff } from './line-diff.js';
import { findingsBySeverity, plural, type GroupRow, type PlanView, type UserRow } from './view.js';

export type Tier = 'full' | 'compact' | 'summary';

const ACTION_LABEL: Record<string, string> = {
  create: '➕ create',
  adopt: '🔗 adopt',
  update: '✏️ update',
  delete: '🗑️ delete',
  access: '✏️ access',
};

/**
 * Every name, message and value below comes from the repository or from AWS and is untrusted: it
 * enters the Markdown only through md.ts (`esc`, `prose`, `code`, `htmlCode`, `fence`, `table`).
 */

/** `reason` completes "made against an empty account … because …"; without one, none is claimed. */
export function offlineBanner(plan: Plan, reason?: string | null): string {
  if (!plan.offline) return '';
  const because = reason ? ` because ${prose(reason)}` : '';
  return (
    `> [!WARNING]\n> **Offline plan:** made against an empty account, not the live one${because}, ` +
    'so everything shows as new and ownership conflicts are not checked. The apply on merge plans ' +
    'again against the live account.'
  );
}

export function errorsBlock(plan: Plan, max = Infinity): string {
  if (plan.errors.length === 0) return '';
  const shown = plan.errors.slice(0, max).map((e) => `> - ${prose(e)}`);
  if (plan.errors.length > max)
    shown.push(`> - … and ${plan.errors.length - max} more (see the job summary)`);
  return `> [!CAUTION]\n> **This plan cannot be applied** until these are fixed:\n${shown.join('\n')}`;
}

export function totalsLine(view: PlanView, plan: Plan, noun: string): string {
  const { create, update, delete: del } = view.counts;
  const u = plan.unchanged;
  const same = u ? u.users + u.groups + u.policies : 0;
  const unchanged = same > 0 ? ` ${plural(same, 'IAM resource')} unchanged.` : '';
  if (create + update + del === 0) return `**No changes.**${unchanged}`;
  return `**${noun}: ${create} to create, ${update} to change, ${del} to delete.**${unchanged}`;
}

function describeDeletion(op: Operation): string {
  if (op.type === 'user')
    return `user ${code(op.name)} (offboarded: console login, access keys, MFA, group memberships and policies removed first)`;
  return `${op.type} ${code(op.name)}`;
}

export function deletionsBlock(view: PlanView, max = Infinity): string {
  if (view.deletions.length === 0) return '';
  const items = view.deletions.map(describeDeletion);
  const list = items.slice(0, max).map((i) => `> - ${i}`);
  if (items.length > max) list.push(`> - … and ${items.length - max} more`);
  return `> [!WARNING]\n> **This plan deletes ${plural(view.deletions.length, 'resource')}:**\n${list.join('\n')}`;
}

const plusMinus = (added: string[], removed: string[], tier: Tier): string => {
  if (tier !== 'full') {
    const parts = [added.length ? `+${added.length}` : '', removed.length ? `−${removed.length}` : ''].filter(
      Boolean,
    );
    return parts.join(' ') || '—';
  }
  const parts = [...added.map((g) => `+${esc(g)}`), ...removed.map((g) => `−${esc(g)}`)];
  return parts.join('<br>') || '—';
};

function userOther(r: UserRow): string {
  const parts: string[] = [];
  const set = Object.entries(r.tagsSet).filter(([k]) => k !== 'managed-by' || r.action !== 'create');
  if (r.action !== 'create' && set.length)
    parts.push(`tags ${set.map(([k, v]) => `${esc(k)}=${esc(v)}`).join(', ')}`);
  if (r.tagsRemoved.length) parts.push(`untag ${r.tagsRemoved.map(esc).join(', ')}`);
  if (r.boundary !== undefined)
    parts.push(r.boundary === null ? 'boundary removed' : `boundary ${esc(r.boundary)}`);
  return parts.join('; ') || '—';
}

export function usersSection(view: PlanView, tier: Tier, maxRows = Infinity): string {
  if (view.users.length === 0) return '';
  const header = ['user', 'action', 'groups ±', 'policies ±', 'console', 'reset-required', 'welcome mail'];
  if (tier === 'full') header.push('other');
  const rows = view.users.slice(0, maxRows).map((r) => {
    const row = [
      code(r.name),
      ACTION_LABEL[r.action]!,
      plusMinus(r.groupsAdded, r.groupsRemoved, tier),
      plusMinus(r.policiesAdded, r.policiesRemoved, tier),
      r.console === 'enable' ? 'enabled' : r.console === 'disable' ? 'removed' : '—',
      r.resetRequired ? 'yes' : '—',
      r.welcomeMail === 'send'
        ? `yes${tier === 'full' && r.email ? ` (${esc(r.email)})` : ''}`
        : r.welcomeMail === 'resend'
          ? 'resend (pending)'
          : '—',
    ];
    if (tier === 'full') row.push(userOther(r));
    return row;
  });
  const more = view.users.length - rows.length;
  const tail = more > 0 ? `\n\n… and ${plural(more, 'more user')} in the full report.` : '';
  return fold(`#### Users (${view.users.length})`, table(header, rows) + tail);
}

export function groupsSection(groups: GroupRow[], tier: Tier): string {
  if (groups.length === 0) return '';
  const rows = groups.map((g) => [
    code(g.name),
    ACTION_LABEL[g.action]!,
    plusMinus(g.policiesAdded, g.policiesRemoved, tier),
  ]);
  return fold(`#### Groups (${groups.length})`, table(['group', 'action', 'policies ±'], rows));
}

export function policiesSection(view: PlanView, tier: Tier): string {
  if (view.policies.length === 0) return '';
  const parts = view.policies.map((p) => {
    const label = p.action === 'update' ? 'new version' : p.action;
    // The title is also a <summary>, raw HTML where a Markdown code span would not render.
    const title = `${ACTION_LABEL[p.action]!.split(' ')[0]} policy ${htmlCode(p.name)} (${label})`;
    if (tier !== 'full' || p.action === 'delete') return `- ${title}`;
    const body =
      p.action === 'create'
        ? p.after
            .split('\n')
            .map((l) => `+${l}`)
            .join('\n')
        : unifiedDiff(p.before, p.after);
    return details(title, fence('diff', body));
  });
  return `#### Custom policies (${view.policies.length})\n\n${parts.join('\n\n')}`;
}

export function monitoringSection(view: PlanView, tier: Tier): string {
  if (view.monitoring.length === 0) return '';
  const heading = `#### Monitoring baseline (${view.monitoring.length})`;
  if (tier !== 'full') {
    const byType = new Map<string, number>();
    for (const op of view.monitoring)
      byType.set(`${op.action} ${op.type}`, (byType.get(`${op.action} ${op.type}`) ?? 0) + 1);
    return `${heading}\n\n${[...byType].map(([k, n]) => `- ${k} × ${n}`).join('\n')}`;
  }
  const rows = view.monitoring.map((op) => [op.type, code(op.name), ACTION_LABEL[op.action] ?? op.action]);
  return fold(heading, table(['resource', 'name', 'action'], rows));
}

function listed(findings: Finding[], max: number, line: (f: Finding) => string): string {
  const lines = findings.slice(0, max).map(line);
  if (findings.length > max) lines.push(`- … and ${findings.length - max} more in the full report`);
  return lines.join('\n');
}

const SEVERITY_ICON = { error: '❌', warning: '⚠️', notice: 'ℹ️' } as const;

function findingLine(f: Finding, tier: Tier): string {
  const where = `${f.file}${f.line > 0 ? `:${f.line}` : ''}`;
  const who = [f.policy ? `policy ${code(f.policy)}` : '', f.user ? `user ${code(f.user)}` : '']
    .filter(Boolean)
    .join(', ');
  const head = `- **${esc(f.rule)}** ${code(where)}${who ? ` (${who})` : ''}: ${prose(f.message)}`;
  if (tier !== 'full' || !f.fix) return head;
  const fix = details('fix', fence('', f.fix))
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${head}\n${fix}`;
}

export function findingsSection(
  findings: Finding[],
  tier: Tier,
  dataVersion?: string,
  maxPerSeverity = Infinity,
): string {
  if (findings.length === 0) return '';
  const groups = findingsBySeverity(findings);
  const counts = (['error', 'warning', 'notice'] as const)
    .filter((s) => groups[s].length)
    .map((s) => plural(groups[s].length, s));
  const heading = `#### Lint findings: ${counts.join(', ')}`;
  if (tier === 'summary') return heading;
  const blocks = (['error', 'warning', 'notice'] as const)
    .filter((s) => groups[s].length)
    .map((s) =>
      fold(
        `${SEVERITY_ICON[s]} ${plural(groups[s].length, s)}`,
        listed(groups[s], maxPerSeverity, (f) => findingLine(f, tier)),
      ),
    );
  // The bundled data package's own name and version, not repository text.
  const data = dataVersion ? `\n\n<sub>IAM action data: ${dataVersion}</sub>` : '';
  return `${heading}\n\n${blocks.join('\n\n')}${data}`;
}

export function summaryCounts(view: PlanView): string {
  const lines: string[] = [];
  const by = <T extends { action: string }>(rows: T[]): string =>
    [...rows.reduce((m, r) => m.set(r.action, (m.get(r.action) ?? 0) + 1), new Map<string, number>())]
      .map(([a, n]) => `${n} ${a}`)
      .join(', ');
  if (view.users.length) lines.push(`- users: ${by(view.users)}`);
  if (view.groups.length) lines.push(`- groups: ${by(view.groups)}`);
  if (view.policies.length) lines.push(`- custom policies: ${by(view.policies)}`);
  if (view.monitoring.length) lines.push(`- monitoring: ${plural(view.monitoring.length, 'operation')}`);
  return lines.join('\n');
}
