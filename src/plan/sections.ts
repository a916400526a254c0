/**
 * The parts of a plan report in Markdown, each at three levels of detail: `full` (every item),
 * `compact` (counts instead of item lists, no diffs, no fixes) and `summary` (totals only).
 */
import type { Finding } from '../model/finding.js';
import type { Operation, Plan } from '../model/plan.js';
import { code, details, esc, fence, fold, htmlCode, prose, table } from './md.js';
import { unifiedDiff } from './line-diff.js';
import { findingsBySeverity, plural, type GroupRow, type PlanView, type UserRow } from './view.js';
import { IC_DELETED_NOUN } from '../targets/identity-center/render.js';

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

/**
 * The totals, counted as the deletions block and the status line count: users (one per user,
 * whatever its operations), then the other resources; operations last, in brackets.
 */
export function totalsLine(view: PlanView, plan: Plan, noun: string): string {
  const { create, update, delete: del } = view.counts;
  const u = plan.unchanged;
  const same = u ? u.users + u.groups + u.policies : 0;
  const unchanged = same > 0 ? ` ${plural(same, 'IAM resource')} unchanged.` : '';
  const ops = create + update + del;
  if (ops === 0) return `**No changes.**${unchanged}`;
  const uc = view.userCounts;
  const parts: string[] = [];
  if (view.users.length)
    parts.push(`${plural(uc.create, 'user')} to create, ${uc.change} to change, ${uc.delete} to delete`);
  if (uc.consoleRemoved) parts.push(`${plural(uc.consoleRemoved, 'console login')} removed`);
  const others: Array<[string, Array<{ action: string }>]> = [
    ['group', view.groups],
    ['custom policy', view.policies],
    ['monitoring resource', view.monitoring],
    ['Identity Center change', view.identityCenter],
  ];
  for (const [noun1, rows] of others) {
    if (!rows.length) continue;
    const n = (test: (a: string) => boolean): number => rows.filter((r) => test(r.action)).length;
    const by = [
      [n((a) => a === 'create'), 'to create'],
      [n((a) => a === 'update' || a === 'access'), 'to change'],
      [n((a) => a === 'delete'), 'to delete'],
    ]
      .filter(([k]) => Number(k) > 0)
      .map(([k, w]) => `${k} ${w}`);
    parts.push(`${noun1 === 'custom policy' ? 'custom policies' : `${noun1}s`}: ${by.join(', ')}`);
  }
  return `**${noun}: ${parts.join('; ')}.**${unchanged} <sub>(${plural(ops, 'operation')})</sub>`;
}

function describeDeletion(op: Operation): string {
  if (op.type === 'user')
    return `user ${code(op.name)} (offboarded: console login, access keys, MFA, group memberships and policies removed first)`;
  if (op.type === 'ic-user') return `Identity Center user ${code(op.name)} (group memberships removed first)`;
  if (IC_DELETED_NOUN[op.type]) return `${IC_DELETED_NOUN[op.type]![0]} ${code(op.name)}`;
  return `${op.type} ${code(op.name)}`;
}

/**
 * Never folded: every user deleted and every console login removed from a user who stays, then
 * any other resource deleted. Its first line counts them exactly as the totals and the status do.
 */
export function deletionsBlock(view: PlanView, max = Infinity): string {
  const logins = view.users.filter((r) => r.action !== 'delete' && r.console === 'disable');
  if (view.deletions.length === 0 && logins.length === 0) return '';
  const items = [
    ...view.deletions.filter((d) => d.type === 'user').map(describeDeletion),
    ...logins.map((r) => `console login of user ${code(r.name)} (the user and its access keys stay)`),
    ...view.deletions.filter((d) => d.type !== 'user').map(describeDeletion),
  ];
  const list = items.slice(0, max).map((i) => `> - ${i}`);
  if (items.length > max) list.push(`> - … and ${items.length - max} more`);
  return `> [!WARNING]\n> **This plan ${deletionPhrase(view)}:**\n${list.join('\n')}`;
}

const DELETED_NOUN: Record<string, [string, string]> = {
  user: ['user', 'users'],
  group: ['group', 'groups'],
  policy: ['custom policy', 'custom policies'],
  ...IC_DELETED_NOUN,
};

/** `deletes 4 users, 1 group and removes 6 console logins`, or '' when nothing is removed. */
export function deletionPhrase(view: PlanView): string {
  const byType = new Map<string, number>();
  for (const d of view.deletions) {
    const noun = DELETED_NOUN[d.type] ? d.type : 'monitoring';
    byType.set(noun, (byType.get(noun) ?? 0) + 1);
  }
  const order = ['user', 'group', 'policy', ...Object.keys(IC_DELETED_NOUN), 'monitoring'].filter((t) =>
    byType.has(t),
  );
  const named = order.map((t) => {
    const n = byType.get(t)!;
    const [one, many] = DELETED_NOUN[t] ?? ['monitoring resource', 'monitoring resources'];
    return plural(n, one, many);
  });
  const deleted = named.length > 1 ? `${named.slice(0, -1).join(', ')} and ${named.at(-1)}` : named[0];
  const logins = view.userCounts.consoleRemoved;
  const parts = [
    deleted ? `deletes ${deleted}` : '',
    logins ? `removes ${plural(logins, 'console login')}` : '',
  ];
  return parts.filter(Boolean).join(' and ');
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

/** Tags, boundary and mail address: kept out of the main table so that it fits GitHub's width. */
function userDetails(r: UserRow): string[] | null {
  const set = Object.entries(r.tagsSet).filter(([k]) => k !== 'managed-by' || r.action !== 'create');
  const tags = [
    ...set.map(([k, v]) => `${esc(k)}=${esc(v)}`),
    ...r.tagsRemoved.map((k) => `−${esc(k)}`),
  ].join(', ');
  const boundary = r.boundary === undefined ? '' : r.boundary === null ? 'removed' : esc(r.boundary);
  const mail = r.welcomeMail && r.email ? esc(r.email) : '';
  if (!tags && !boundary && !mail) return null;
  return [code(r.name), tags || '—', boundary || '—', mail || '—'];
}

const consoleCell = (r: UserRow): string =>
  r.console === 'enable'
    ? r.resetRequired
      ? 'enabled, reset at sign-in'
      : 'enabled'
    : r.console === 'disable'
      ? '**removed**'
      : '—';

/** One row per user, deletions first, then changes, then creations (view.ts orders them). */
export function usersSection(view: PlanView, tier: Tier, maxRows = Infinity): string {
  if (view.users.length === 0) return '';
  const header = ['user', 'action', 'groups ±', 'policies ±', 'console', 'welcome mail'];
  const shown = view.users.slice(0, maxRows);
  const rows = shown.map((r) => [
    code(r.name),
    ACTION_LABEL[r.action]!,
    plusMinus(r.groupsAdded, r.groupsRemoved, tier),
    plusMinus(r.policiesAdded, r.policiesRemoved, tier),
    consoleCell(r),
    r.welcomeMail === 'send' ? 'yes' : r.welcomeMail === 'resend' ? 'resend (pending)' : '—',
  ]);
  const more = view.users.length - rows.length;
  const tail = more > 0 ? `\n\n… and ${plural(more, 'more user')} in the full report.` : '';
  const main = fold(`#### Users (${view.users.length})`, table(header, rows) + tail);
  if (tier !== 'full') return main;
  const extra = shown.map(userDetails).filter((r): r is string[] => r !== null);
  if (!extra.length) return main;
  const more2 = fold(
    `#### User details (${extra.length})`,
    table(['user', 'tags set (−removed)', 'permissions boundary', 'welcome mail to'], extra),
  );
  return `${main}\n\n${more2}`;
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

const whereOf = (f: Finding): string => `${f.file}${f.line > 0 ? `:${f.line}` : ''}`;

/**
 * Fixes already printed in this report, by text: a second finding with the same fix points at the
 * first instead of repeating it.
 */
export type FixesShown = Map<string, string>;

/**
 * One finding; with `withFix`, its fix below it (or a pointer to the same fix shown earlier).
 * `open`: the fix unfolded however long (the first screen's errors).
 */
export function findingLine(
  f: Finding,
  withFix: boolean,
  fixes: FixesShown = new Map(),
  open = false,
): string {
  const who = [f.policy ? `policy ${code(f.policy)}` : '', f.user ? `user ${code(f.user)}` : '']
    .filter(Boolean)
    .join(', ');
  const head = `- **${esc(f.rule)}** ${code(whereOf(f))}${who ? ` (${who})` : ''}: ${prose(f.message)}`;
  if (!withFix || !f.fix) return head;
  const seen = fixes.get(f.fix);
  if (seen) return `${head}\n  Fix: the same as for ${code(seen)} above.`;
  fixes.set(f.fix, whereOf(f));
  const folded = details('fix', fence('', f.fix));
  const fix = (open ? folded.replace(/^<details>/, '<details open>') : folded)
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${head}\n${fix}`;
}

/**
 * The folded findings. `skip`: findings the first screen already shows with their fix (the lint
 * errors), counted in the heading but not listed again.
 */
export function findingsSection(
  findings: Finding[],
  tier: Tier,
  dataVersion?: string,
  maxPerSeverity = Infinity,
  skip: ReadonlySet<Finding> = new Set(),
  fixes: FixesShown = new Map(),
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
    .map((s) => {
      const rest = groups[s].filter((f) => !skip.has(f));
      const above = groups[s].length - rest.length;
      const label = `${SEVERITY_ICON[s]} ${plural(groups[s].length, s)}`;
      if (rest.length === 0) return `${label}: shown above with ${above === 1 ? 'its fix' : 'their fixes'}.`;
      const note = above
        ? `${above} shown above with ${above === 1 ? 'its fix' : 'their fixes'}; the rest:\n\n`
        : '';
      return fold(label, note + listed(rest, maxPerSeverity, (f) => findingLine(f, tier === 'full', fixes)));
    });
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
  if (view.identityCenter.length)
    lines.push(`- IAM Identity Center: ${plural(view.identityCenter.length, 'operation')}`);
  return lines.join('\n');
}
