/** allow-not-action / allow-not-resource: Allow with an exclusion list grants everything else. */
import type { Finding } from '../../model/finding.js';
import { effective, makeFinding, statementLocation, type PolicyContext } from '../context.js';

export function notElementRules(ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    if (s.effect !== 'Allow' || effective(ctx, s).size === 0) continue;
    const loc = statementLocation(ctx, s.index);
    if (s.notAction) {
      out.push(
        makeFinding(
          ctx,
          loc,
          'allow-not-action',
          'warning',
          s.patterns,
          `Statement ${s.index + 1} allows NotAction [${s.patterns.join(', ')}]: ${effective(ctx, s).size} actions of every service except those, including actions AWS adds later.`,
          'Use "Action" with the actions that are needed; to exclude actions, add a Deny statement.',
        ),
      );
    }
    if (s.notResource) {
      out.push(
        makeFinding(
          ctx,
          loc,
          'allow-not-resource',
          'warning',
          s.notAction ? [] : s.patterns,
          `Statement ${s.index + 1} allows its actions on every resource except [${s.resources.join(', ')}], including resources created later.`,
          'Use "Resource" with the ARNs that are needed; to exclude resources, add a Deny statement.',
        ),
      );
    }
  }
  return out;
}
