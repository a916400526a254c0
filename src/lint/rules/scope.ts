/** permissions-management-unscoped and write-star-scopable: changes allowed on `*`. */
import type { ActionInfo } from '../../catalog/actions.js';
import type { Finding } from '../../model/finding.js';
import {
  actionLocation,
  effectiveInfos,
  listNames,
  makeFinding,
  onAllResources,
  wildcardServices,
  type PolicyContext,
} from '../context.js';
import { scopedStatementFix } from '../fix.js';
import { isAdminStatement } from './admin.js';

const CRITICAL = new Set(['iam', 'organizations']);

export function scopeRules(ctx: PolicyContext, skip: ReadonlySet<string> = new Set()): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    if (s.effect !== 'Allow' || !onAllResources(s) || isAdminStatement(ctx, s)) continue;
    const whole = wildcardServices(s);
    const infos = effectiveInfos(ctx, s).filter((a) => !whole.has(a.service) && !skip.has(a.name));
    const pm = infos.filter((a) => a.levels.includes('Permissions management'));
    const bySeverity: Array<['error' | 'warning', ActionInfo[]]> = [
      ['error', pm.filter((a) => CRITICAL.has(a.service))],
      ['warning', pm.filter((a) => !CRITICAL.has(a.service))],
    ];
    for (const [severity, list] of bySeverity) {
      if (!list.length) continue;
      const names = list.map((a) => a.name);
      out.push(
        makeFinding(
          ctx,
          actionLocation(ctx, s, names[0]!),
          'permissions-management-unscoped',
          severity,
          names,
          `Statement ${s.index + 1} allows permissions-management actions on every resource (${listNames(names)}): whoever holds them can change who may access ${severity === 'error' ? 'every identity or account' : 'those resources'}.`,
          scopedStatementFix(list),
        ),
      );
    }
    const write = infos.filter(
      (a) =>
        a.scopable &&
        !a.levels.includes('Permissions management') &&
        (a.level === 'Write' || a.level === 'Tagging'),
    );
    if (write.length) {
      const names = write.map((a) => a.name);
      out.push(
        makeFinding(
          ctx,
          actionLocation(ctx, s, names[0]!),
          'write-star-scopable',
          'warning',
          names,
          `Statement ${s.index + 1} allows write actions on every resource although they can be limited to specific ARNs (${listNames(names)}).`,
          scopedStatementFix(write),
        ),
      );
    }
  }
  return out;
}
