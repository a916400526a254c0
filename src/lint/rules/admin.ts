/** admin-access (`*`), service-admin (iam:*, sts:*, organizations:*) and service-wildcard. */
import { expandPattern } from '../../catalog/actions.js';
import type { Finding } from '../../model/finding.js';
import {
  actionLocation,
  effective,
  isAdminPattern,
  makeFinding,
  onAllResources,
  valueLocation,
  wildcardServices,
  type PolicyContext,
} from '../context.js';
import { scopedStatementFix } from '../fix.js';
import type { PreparedStatement } from '../effective.js';

const CRITICAL_SERVICES = new Set(['iam', 'sts', 'organizations']);

/** Allow statements that grant every action on every resource, none of it denied. */
export function isAdminStatement(ctx: PolicyContext, s: PreparedStatement): boolean {
  return (
    s.effect === 'Allow' &&
    !s.notAction &&
    s.patterns.some(isAdminPattern) &&
    onAllResources(s) &&
    // A Deny that removes part of `*` makes it something less than admin; other rules judge the rest.
    effective(ctx, s).size === s.actions.size
  );
}

export function adminRules(ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    if (s.effect !== 'Allow' || s.cond.status === 'never') continue;
    const eff = effective(ctx, s);
    if (eff.size === 0) continue;
    if (isAdminStatement(ctx, s)) {
      const i = s.patterns.findIndex(isAdminPattern);
      const gated = s.cond.gates.length ? ` (when ${s.cond.gates.join(' and ')})` : '';
      out.push(
        makeFinding(
          ctx,
          valueLocation(ctx, s.index, 'Action', i),
          'admin-access',
          'error',
          [s.patterns[i]!],
          `Statement ${s.index + 1} allows every action on every resource${gated}: full administrator access, including every privilege-escalation path and the ability to disable logging.`,
          'Grant only the actions the users need, on the resources they use; keep administrator access in a separate, MFA-protected role.',
        ),
      );
      continue;
    }
    for (const svc of wildcardServices(s)) {
      const ids = expandPattern(`${svc}:*`).filter((a) => eff.has(a.id));
      if (!ids.length) continue;
      // The verdict comes from what is left after Deny: `iam:*` minus every write is a reader.
      const readOnly = ids.every((a) => a.level === 'Read' || a.level === 'List');
      const critical = CRITICAL_SERVICES.has(svc) && !readOnly;
      const loc = actionLocation(ctx, s, `${svc}:*`);
      out.push(
        makeFinding(
          ctx,
          loc,
          critical ? 'service-admin' : 'service-wildcard',
          critical ? 'error' : 'warning',
          [`${svc}:*`],
          critical
            ? `Statement ${s.index + 1} allows ${svc}:* (${ids.length} actions)${onAllResources(s) ? ' on every resource' : ''}: control of ${svc === 'iam' ? 'every identity and policy, which is administrator access by another step' : svc === 'sts' ? 'role assumption and federation tokens' : 'the whole organization and its accounts'}.`
            : readOnly && ids.length < expandPattern(`${svc}:*`).length
              ? `Statement ${s.index + 1} allows ${svc}:*, of which a Deny leaves only ${ids.length} read and list actions; actions the service adds later are allowed too unless the Deny names them.`
              : `Statement ${s.index + 1} allows every ${svc} action (${ids.length}), including ones added to the service later.`,
          scopedStatementFix(
            ids.filter((a) => a.level === 'Read' || a.level === 'List').slice(0, 12),
          ).replace(
            'Replace the statement with',
            `List only the ${svc} actions needed, e.g. for read access,`,
          ),
        ),
      );
    }
  }
  return out;
}
