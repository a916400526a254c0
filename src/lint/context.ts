/** What a per-policy rule sees, and helpers to point findings at file:line. */
import { actionById, type ActionInfo } from '../catalog/actions.js';
import { matchesWildcard } from '../catalog/wildcard.js';
import type { Finding, Severity } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import { effectiveActions, type PreparedStatement } from './effective.js';

export interface Location {
  file: string;
  line: number;
}

export interface PolicyContext {
  policy: LocatedPolicy;
  statements: PreparedStatement[];
  /** Deny statements that cancel: the policy's own and those every principal using it also has. */
  denies: PreparedStatement[];
  /** Where findings point when the policy has no file (AWS managed policies). */
  fallback: Location;
}

const effCache = new WeakMap<
  PreparedStatement,
  { denies: readonly PreparedStatement[]; ids: ReadonlySet<number> }
>();

/** The actions an Allow statement still grants in this context (cached). */
export function effective(ctx: PolicyContext, s: PreparedStatement): ReadonlySet<number> {
  const hit = effCache.get(s);
  if (hit && hit.denies === ctx.denies) return hit.ids;
  const ids = effectiveActions(s, ctx.denies);
  effCache.set(s, { denies: ctx.denies, ids });
  return ids;
}

export function effectiveInfos(ctx: PolicyContext, s: PreparedStatement): ActionInfo[] {
  return [...effective(ctx, s)].map(actionById);
}

/** What the location helpers need: the policy a statement belongs to and where to point otherwise. */
export type Where = Pick<PolicyContext, 'policy' | 'fallback'>;

export function statementLocation(ctx: Where, index: number): Location {
  const p = ctx.policy;
  const pos = p.file ? p.statementPositions[index] : undefined;
  return p.file && pos ? { file: p.file, line: pos.line } : ctx.fallback;
}

export function valueLocation(
  ctx: Where,
  index: number,
  el: 'Action' | 'NotAction' | 'Resource' | 'NotResource',
  i: number,
): Location {
  const p = ctx.policy;
  const pos = p.file ? p.valuePositions[index]?.[el]?.[i] : undefined;
  return p.file && pos ? { file: p.file, line: pos.line } : statementLocation(ctx, index);
}

const patternIndex = new WeakMap<PreparedStatement, Map<string, number>>();

/** The line of the Action string that grants `action` in the statement (or the statement's). */
export function actionLocation(ctx: Where, s: PreparedStatement, action: string): Location {
  if (s.notAction) return statementLocation(ctx, s.index);
  let byAction = patternIndex.get(s);
  if (!byAction) patternIndex.set(s, (byAction = new Map()));
  let i = byAction.get(action);
  if (i === undefined) {
    i = s.patterns.findIndex((p) => p === '*' || matchesWildcard(p, action));
    byAction.set(action, i);
  }
  return i >= 0 ? valueLocation(ctx, s.index, 'Action', i) : statementLocation(ctx, s.index);
}

export function makeFinding(
  ctx: PolicyContext,
  loc: Location,
  rule: string,
  severity: Severity,
  actions: string[],
  message: string,
  fix: string,
): Finding {
  return { rule, severity, file: loc.file, line: loc.line, policy: ctx.policy.name, actions, message, fix };
}

/** Whether a statement names every resource (`*`, or NotResource). */
export function onAllResources(s: PreparedStatement): boolean {
  return s.notResource || s.resources.includes('*');
}

/** At most `n` names, then "and N more". */
export function listNames(names: string[], n = 8): string {
  return names.length <= n
    ? names.join(', ')
    : `${names.slice(0, n).join(', ')} and ${names.length - n} more`;
}

/** Services whose whole action set a statement names with `svc:*`. */
export function wildcardServices(s: PreparedStatement): Set<string> {
  const out = new Set<string>();
  if (s.notAction) return out;
  for (const p of s.patterns) {
    const m = /^([a-z0-9-]+):\*$/i.exec(p);
    if (m) out.add(m[1]!.toLowerCase());
  }
  return out;
}

export function isAdminPattern(p: string): boolean {
  return p === '*' || p === '*:*';
}
