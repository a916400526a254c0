/** passrole-star: iam:PassRole on every role with no iam:PassedToService. */
import { findAction } from '../../catalog/actions.js';
import type { Finding } from '../../model/finding.js';
import { actionLocation, effective, makeFinding, onAllResources, type PolicyContext } from '../context.js';
import { passRoleFix } from '../fix.js';

export function passRoleRules(ctx: PolicyContext): Finding[] {
  const pr = findAction('iam:PassRole');
  if (!pr) return [];
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    if (s.effect !== 'Allow' || !effective(ctx, s).has(pr.id)) continue;
    const everyRole =
      onAllResources(s) || s.resources.some((r) => /^arn:[^:]*:iam::[^:]*:role\/\*$/i.test(r));
    if (!everyRole || s.cond.passedToService) continue;
    out.push(
      makeFinding(
        ctx,
        actionLocation(ctx, s, 'iam:PassRole'),
        'passrole-star',
        'error',
        ['iam:PassRole'],
        `Statement ${s.index + 1} allows iam:PassRole on every role to every service: any compute or service resource the user can create may run as the account's most privileged role.`,
        `Limit the roles and the service that may receive them:\n${passRoleFix(ctx.statements)}`,
      ),
    );
  }
  return out;
}
