/**
 * The top of the plan comment, never folded, answering "may I approve this?": one status line,
 * then what is removed, who gains privilege, the errors with their fixes, the blast radius and the
 * next steps. Everything else comes folded below it (sections.ts).
 */
import type { Finding } from '../model/finding.js';
import type { Plan } from '../model/plan.js';
import type { BlastEntry, BlastRadius } from './blast.js';
import { code, esc, prose } from './md.js';
import { deletionPhrase, findingLine, type FixesShown } from './sections.js';
import { plural, type PlanView } from './view.js';

/** How to finish a failed apply: the plan comment's next steps and the apply's refusals say it alike. */
export const FINISH_FAILED_APPLY =
  'To finish a failed apply, re-run the apply job: it continues the approved plan and refuses only ' +
  'operations nobody approved.';

/** What the reviewers know about approvals, from the caller (the renderer never calls GitHub). */
export interface ApprovalsInput {
  required: number;
  /** Approvals that count so far, by login; undefined when not known (at plan time). */
  counted?: string[];
  /** Reviews that do not count, with why (`approved an earlier commit`, `authored a commit`). */
  notCounted?: Array<{ login: string; why: string }>;
}

/** The findings that fail the check: at or above `lint.failOn`. */
export function failingFindings(findings: Finding[], failOn: 'error' | 'warning' | 'never'): Finding[] {
  if (failOn === 'never') return [];
  return findings.filter((f) => f.severity === 'error' || (failOn === 'warning' && f.severity === 'warning'));
}

/**
 * One line: ready to approve, or each reason to look twice. Counts are the ones the blocks below
 * use, so the line and the blocks never disagree.
 */
export function statusLine(
  plan: Plan,
  view: PlanView,
  failing: Finding[],
  gateChanges: string[],
  drift: boolean,
): string {
  if (drift) {
    const n = view.counts.create + view.counts.update + view.counts.delete;
    return n === 0
      ? '**✅ No drift.**'
      : `**⚠️ Drift: the account differs from the files (${plural(n, 'operation')}).**`;
  }
  const blockers: string[] = [];
  if (plan.errors.length) blockers.push(`cannot be applied: ${plural(plan.errors.length, 'problem')}`);
  if (failing.length) {
    const errors = failing.filter((f) => f.severity === 'error').length;
    const warnings = failing.length - errors;
    const what = [errors ? plural(errors, 'error') : '', warnings ? plural(warnings, 'warning') : '']
      .filter(Boolean)
      .join(', ');
    blockers.push(`lint fails: ${what}`);
  }
  const cautions: string[] = [];
  const removed = deletionPhrase(view);
  if (removed) cautions.push(removed);
  if (gateChanges.length) cautions.push('changes gate settings');
  const ops = view.counts.create + view.counts.update + view.counts.delete;
  if (blockers.length) return `**🛑 Not ready: ${[...blockers, ...cautions].join(' · ')}.**`;
  if (cautions.length) return `**⚠️ Ready to approve with care: ${cautions.join(' · ')}.**`;
  if (ops === 0) return '**✅ Nothing to apply.**';
  return '**✅ Ready to approve:** no deletions, no lint errors, no gate change.';
}

/** Lint errors (what fails the check) with their fixes, each fix once; the first `max`. */
export function lintErrorsBlock(
  failing: Finding[],
  fixes: FixesShown,
  withFix: boolean,
  max: number,
): string {
  if (!failing.length) return '';
  const shown = failing.slice(0, max).map((f) => findingLine(f, withFix, fixes, true));
  const rest = failing.length - shown.length;
  if (rest > 0) shown.push(`- … and ${rest} more in the lint findings below`);
  return `#### 🛑 ${plural(failing.length, 'lint finding')} to fix before the apply\n\n${shown.join('\n')}`;
}

const via = (e: BlastEntry): string => e.via.map(esc).join(', ');

/** `1 user gains`, `75 users gain`. */
const users = (n: number, verb: 'gain' | 'lose', bold = false): string => {
  const who = plural(n, 'user');
  return `${bold ? `**${who}**` : who} ${n === 1 ? `${verb}s` : verb}`;
};

/**
 * Who gains privilege: each new finding that grants it (admin, an escalation path, PassRole to
 * everything), then the sensitive actions gained, one line per cause and number of users.
 */
export function newPrivilegeBlock(blast: BlastRadius | undefined, max: number): string {
  if (!blast) return '';
  const items: string[] = [];
  for (const p of blast.newPrivilege) {
    const acts = p.actions.length ? ` (${p.actions.slice(0, 5).map(code).join(', ')})` : '';
    items.push(`${p.kind === 'file' ? '' : `${p.kind} `}${code(p.name)}: new **${esc(p.rule)}**${acts}`);
  }
  const byCause = new Map<string, BlastEntry[]>();
  for (const e of blast.gained.filter((x) => x.sensitive)) {
    const key = `${e.users}\u0000${e.via.join('\u0000')}`;
    byCause.set(key, [...(byCause.get(key) ?? []), e]);
  }
  for (const entries of byCause.values()) {
    const e = entries[0]!;
    const names = entries.slice(0, 6).map((x) => code(x.action));
    if (entries.length > 6) names.push(`${entries.length - 6} more`);
    items.push(`${users(e.users, 'gain', true)} ${names.join(', ')} via ${via(e)}`);
  }
  if (!items.length) return '';
  const list = items.slice(0, max).map((i) => `> - ${i}`);
  if (items.length > max) list.push(`> - … and ${items.length - max} more in the blast radius below`);
  return `> [!IMPORTANT]\n> **New privilege:**\n${list.join('\n')}`;
}

/** Actions listed by name per side; sensitive ones sort first, the rest is in the JSON. */
const EVERY_ACTION_MAX = 100;

const LEVEL_WORD: Record<string, string> = {
  'Permissions management': 'permissions-management',
  Tagging: 'tagging',
  Write: 'write',
  Read: 'read',
  List: 'list',
};

function levels(by: Partial<Record<string, number>>): string {
  return Object.entries(by)
    .map(([l, n]) => `${n!.toLocaleString('en-US')} ${LEVEL_WORD[l] ?? l}`)
    .join(', ');
}

/**
 * The blast radius, by cause ("75 users gain 12 write, 300 read actions via group developers")
 * and, for sensitive actions, by action. `full` adds every action gained or lost by name.
 */
export function blastSection(blast: BlastRadius | undefined, full: boolean, maxLines: number): string {
  if (!blast) return '';
  if (!blast.usersGaining && !blast.usersLosing)
    return '**Blast radius:** no user gains or loses a permission.';
  const lines: string[] = [];
  for (const s of blast.sources) {
    if (s.usersGaining)
      lines.push(`- ${users(s.usersGaining, 'gain', true)} ${levels(s.gained)} actions via ${esc(s.via)}`);
    if (s.usersLosing)
      lines.push(`- ${users(s.usersLosing, 'lose', true)} ${levels(s.lost)} actions via ${esc(s.via)}`);
  }
  const shown = lines.slice(0, maxLines);
  if (lines.length > maxLines)
    shown.push(`- … and ${lines.length - maxLines} more causes in the job summary`);
  const head =
    `#### Blast radius: ${users(blast.usersGaining, 'gain')}, ${users(blast.usersLosing, 'lose')} permissions\n\n` +
    shown.join('\n');
  if (!full) return head;
  const table = (entries: BlastEntry[], verb: 'gain' | 'lose'): string => {
    const lines = entries
      .slice(0, EVERY_ACTION_MAX)
      .map((e) => `- ${code(e.action)} (${LEVEL_WORD[e.level]}): ${users(e.users, verb)}, via ${via(e)}`);
    const more = entries.length - EVERY_ACTION_MAX;
    if (more > 0) lines.push(`- … and ${more} more in \`plan --format json\` (\`blastRadius\`)`);
    return lines.join('\n');
  };
  const parts = [head];
  if (blast.gained.length)
    parts.push(
      `<details><summary>Every action gained (${blast.gained.length})</summary>\n\n${table(blast.gained, 'gain')}\n\n</details>`,
    );
  if (blast.lost.length)
    parts.push(
      `<details><summary>Every action lost (${blast.lost.length})</summary>\n\n${table(blast.lost, 'lose')}\n\n</details>`,
    );
  return parts.join('\n\n');
}

/**
 * What happens next, worded as the apply's own refusal texts (flow-apply.ts): who may approve,
 * what merge does, how to finish a failed apply.
 */
export function nextSteps(approvals: ApprovalsInput | undefined, blocked: boolean): string {
  const lines: string[] = [];
  if (approvals) {
    const n = approvals.required;
    const need =
      n === 0
        ? 'No approval is required (`requiredApprovals: 0`).'
        : `**${plural(n, 'approval')} needed** from people with write access who did not author or commit any of it, given on the final commit after this plan was posted.`;
    lines.push(`- ${need}`);
    if (approvals.counted)
      lines.push(
        `- Counted so far: ${approvals.counted.length ? approvals.counted.map(code).join(', ') : 'none'} (${approvals.counted.length} of ${n}).`,
      );
    for (const x of approvals.notCounted ?? [])
      lines.push(`- Not counted: ${code(x.login)}, ${prose(x.why)}.`);
  }
  if (blocked)
    lines.push('- Merging now would be refused: fix what is listed above and push; the plan is made again.');
  lines.push(
    '- **After merge**, the apply job checks the approvals, plans again and applies only if the plan is exactly this one (same hash); ' +
      'it reports the result in a new comment here.',
    `- ${FINISH_FAILED_APPLY}`,
  );
  return `#### Next steps\n\n${lines.join('\n')}`;
}
