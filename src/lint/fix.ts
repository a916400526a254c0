/** Concrete fixes: rewritten statements with explicit actions, scoped ARNs, PassedToService. */
import type { ActionInfo } from '../catalog/actions.js';
import { arnTemplates, fillTemplate } from '../catalog/arn.js';
import { ESCALATION_PATHS } from './escalation-paths.js';
import type { PreparedStatement } from './effective.js';

/** Service prefix → the service principal its resources run roles as. */
export const PASS_ROLE_PRINCIPALS: Record<string, string> = (() => {
  const out: Record<string, string> = {};
  for (const p of ESCALATION_PATHS) {
    if (!p.passTo) continue;
    for (const s of p.steps) {
      const svc = s.action.split(':')[0]!;
      if (svc !== 'iam') out[svc] ??= Array.isArray(p.passTo) ? p.passTo[0]! : p.passTo;
    }
  }
  return out;
})();

export function statementJson(stmt: Record<string, unknown>): string {
  return JSON.stringify(stmt, null, 2);
}

const FIX_ACTIONS = 25;

/** The scoped ARNs of the actions' resource types, deduplicated. */
export function scopedResources(actions: readonly ActionInfo[]): string[] {
  const out: string[] = [];
  for (const a of actions) {
    for (const t of arnTemplates(a, true)) {
      const f = fillTemplate(t);
      if (!out.includes(f)) out.push(f);
    }
  }
  return out;
}

/** A statement granting exactly these actions on their scoped ARNs (wildcard-only actions keep `*`). */
export function scopedStatementFix(all: readonly ActionInfo[], sid?: string): string {
  // A fix listing hundreds of actions helps nobody: show the first ones and say how many more.
  const actions = all.slice(0, FIX_ACTIONS);
  const more =
    all.length > FIX_ACTIONS
      ? ` (the first ${FIX_ACTIONS} of ${all.length} actions; list the rest the same way)`
      : '';
  const scopable = actions.filter((a) => a.scopable);
  const wildcardOnly = actions.filter((a) => !a.scopable);
  const parts: Record<string, unknown>[] = [];
  if (scopable.length) {
    parts.push({
      ...(sid ? { Sid: sid } : {}),
      Effect: 'Allow',
      Action: scopable.map((a) => a.name),
      Resource: scopedResources(scopable),
    });
  }
  if (wildcardOnly.length)
    parts.push({ Effect: 'Allow', Action: wildcardOnly.map((a) => a.name), Resource: '*' });
  const text = parts.map(statementJson).join(',\n');
  return `Replace the statement with explicit actions on the resources they need (fill in the <placeholders>)${more}:\n${text}`;
}

/** PassRole limited to a role path and to the services the policy actually uses. */
export function passRoleFix(all: readonly PreparedStatement[]): string {
  const services = new Set<string>();
  for (const s of all) {
    if (s.effect !== 'Allow' || s.notAction) continue;
    for (const p of s.patterns) {
      const principal = PASS_ROLE_PRINCIPALS[p.split(':')[0]!.toLowerCase()];
      if (principal) services.add(principal);
    }
  }
  const list = services.size ? [...services].sort() : ['<service>.amazonaws.com'];
  return statementJson({
    Effect: 'Allow',
    Action: 'iam:PassRole',
    Resource: 'arn:aws:iam::*:role/<app-path>/*',
    Condition: { StringEquals: { 'iam:PassedToService': list.length === 1 ? list[0] : list } },
  });
}
