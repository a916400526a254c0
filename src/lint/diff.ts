/**
 * Base → head: per user, the concrete actions gained and lost (grouped by access level,
 * whole services shown as `svc:*`), and which findings the head introduces.
 */
import { actionById, catalogIndex, dataDate, type AccessLevel } from '../catalog/actions.js';
import type { DesiredState } from '../model/desired.js';
import type { Finding } from '../model/finding.js';
import { Principal } from './effective.js';
import type { LintResult } from './index.js';
import { userPolicies } from './policies.js';

export const LEVELS: AccessLevel[] = ['Permissions management', 'Tagging', 'Write', 'Read', 'List'];

export type ByLevel = Partial<Record<AccessLevel, string[]>>;

export interface UserPermissionDiff {
  user: string;
  /** added / removed / changed user between the two trees. */
  change: 'added' | 'removed' | 'changed';
  gained: ByLevel;
  lost: ByLevel;
  gainedCount: number;
  lostCount: number;
}

export interface LintDiff {
  users: UserPermissionDiff[];
  /** Head findings with no match in the base (by rule, policy/user and actions; not by line). */
  newFindings: Finding[];
  /** Base findings with no match in the head. */
  resolvedFindings: Finding[];
  /** How many head findings were already present in the base. */
  unchangedFindings: number;
}

function userActions(state: DesiredState, now: number): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  for (const u of state.users) {
    out.set(u.name, new Principal(u.name, userPolicies(state, u), now).allowedActions());
  }
  return out;
}

/** Concrete actions grouped by access level; a service granted whole is shown as `svc:*`. */
export function compactByLevel(ids: ReadonlySet<number>): ByLevel {
  const { all, byService } = catalogIndex();
  if (ids.size === all.length) return Object.fromEntries(LEVELS.map((l) => [l, ['*']])) as ByLevel;
  const whole = new Set<string>();
  for (const [svc, list] of byService)
    if (list.length > 0 && list.every((a) => ids.has(a.id))) whole.add(svc);
  const out: ByLevel = {};
  for (const id of ids) {
    const a = actionById(id);
    const name = whole.has(a.service) ? `${a.service}:*` : a.name;
    const list = (out[a.level] ??= []);
    if (!list.includes(name)) list.push(name);
  }
  for (const l of LEVELS) out[l]?.sort();
  return out;
}

function minus(a: ReadonlySet<number>, b: ReadonlySet<number>): Set<number> {
  const out = new Set<number>();
  for (const x of a) if (!b.has(x)) out.add(x);
  return out;
}

export function findingKey(f: Finding): string {
  const key = [f.rule, f.policy ?? '', f.user ?? '', [...f.actions].sort().join(',')].join('|');
  // The same person's finding in two accounts is two findings; IAM findings keep their key.
  return f.account === undefined ? key : `${key}|${f.account}`;
}

export function diffDesired(
  base: DesiredState,
  head: DesiredState,
  baseLint: LintResult,
  headLint: LintResult,
  opts: { now?: Date } = {},
): LintDiff {
  const now = (opts.now ?? dataDate()).getTime();
  const before = userActions(base, now);
  const after = userActions(head, now);
  const users: UserPermissionDiff[] = [];
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const empty = new Set<number>();
  for (const user of names) {
    const b = before.get(user) ?? empty;
    const a = after.get(user) ?? empty;
    const gained = minus(a, b);
    const lost = minus(b, a);
    const change = !before.has(user) ? 'added' : !after.has(user) ? 'removed' : 'changed';
    if (change === 'changed' && gained.size === 0 && lost.size === 0) continue;
    users.push({
      user,
      change,
      gained: compactByLevel(gained),
      lost: compactByLevel(lost),
      gainedCount: gained.size,
      lostCount: lost.size,
    });
  }
  const baseKeys = new Set(baseLint.findings.map(findingKey));
  const headKeys = new Set(headLint.findings.map(findingKey));
  const newFindings = headLint.findings.filter((f) => !baseKeys.has(findingKey(f)));
  return {
    users,
    newFindings,
    resolvedFindings: baseLint.findings.filter((f) => !headKeys.has(findingKey(f))),
    unchangedFindings: headLint.findings.length - newFindings.length,
  };
}
