/** redundant-statement: an Allow wholly covered by another Allow of the same policy. */
import { globCovers } from '../../catalog/wildcard.js';
import type { Finding } from '../../model/finding.js';
import type { PreparedStatement } from '../effective.js';
import { makeFinding, statementLocation, type PolicyContext } from '../context.js';

const condKey = new WeakMap<PreparedStatement, string>();

function condition(s: PreparedStatement): string {
  let k = condKey.get(s);
  if (k === undefined) condKey.set(s, (k = JSON.stringify(s.stmt.Condition ?? null)));
  return k;
}

function covers(outer: PreparedStatement, inner: PreparedStatement): boolean {
  if (outer.notResource || inner.notResource) return false;
  if (inner.actions.size === 0 || inner.actions.size > outer.actions.size) return false;
  if (condition(outer) !== condition(inner)) return false;
  // Action subset first: it fails on the first missing action, resource globs cost more.
  for (const id of inner.actions) if (!outer.actions.has(id)) return false;
  return inner.resources.every((r) => outer.resources.some((o) => globCovers(o, r)));
}

export function redundantRules(ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  const allows = ctx.statements.filter((s) => s.effect === 'Allow' && s.resources.length > 0);
  for (const inner of allows) {
    // Of two identical statements the later one is reported.
    const outer = allows.find(
      (o) => o !== inner && covers(o, inner) && (!covers(inner, o) || o.index < inner.index),
    );
    if (!outer) continue;
    out.push(
      makeFinding(
        ctx,
        statementLocation(ctx, inner.index),
        'redundant-statement',
        'notice',
        inner.patterns,
        `Statement ${inner.index + 1} grants nothing beyond statement ${outer.index + 1} of the same policy.`,
        `Remove statement ${inner.index + 1}, or narrow statement ${outer.index + 1} if it grants more than intended.`,
      ),
    );
  }
  return out;
}
