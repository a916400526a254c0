/**
 * unknown-service / unknown-action (a typo grants nothing, silently), resource-mismatch
 * (no resource type of the action fits the ARN) and invalid-condition-key.
 */
import {
  expandPattern,
  findAction,
  globalConditionKey,
  isKnownService,
  isServiceConditionKey,
  serviceActionNames,
  serviceNames,
  type ActionInfo,
} from '../../catalog/actions.js';
import { arnTemplates, fillTemplate, resourceMatchesAction } from '../../catalog/arn.js';
import { hasWildcard } from '../../catalog/wildcard.js';
import type { Finding } from '../../model/finding.js';
import { closest } from '../../suggest.js';
import { makeFinding, statementLocation, valueLocation, type PolicyContext } from '../context.js';

const nearCache = new Map<string, string | undefined>();

function nearestAction(p: string, svc: string): string | undefined {
  const key = p.toLowerCase();
  if (!nearCache.has(key)) {
    const candidates = hasWildcard(svc) ? [] : serviceActionNames(svc);
    nearCache.set(key, closest(p, candidates));
  }
  return nearCache.get(key);
}

function nearestService(svc: string): string | undefined {
  const key = `svc:${svc.toLowerCase()}`;
  if (!nearCache.has(key)) nearCache.set(key, closest(svc, serviceNames()));
  return nearCache.get(key);
}

function unknownNames(ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    const el = s.notAction ? 'NotAction' : 'Action';
    s.patterns.forEach((p, i) => {
      if (p === '*') return;
      const loc = valueLocation(ctx, s.index, el, i);
      const colon = p.indexOf(':');
      const svc = colon > 0 ? p.slice(0, colon).toLowerCase() : '';
      if (colon <= 0 || (!hasWildcard(svc) && !isKnownService(svc))) {
        const near = nearestService(svc || p);
        out.push(
          makeFinding(
            ctx,
            loc,
            'unknown-service',
            'error',
            [p],
            `"${p}" names no known service prefix, so it ${s.effect === 'Deny' ? 'denies' : 'grants'} nothing.`,
            near
              ? `Did you mean "${near}${colon > 0 ? p.slice(colon) : ':…'}"?`
              : 'Use `service:Action`, e.g. `s3:GetObject`.',
          ),
        );
        return;
      }
      if (expandPattern(p).length > 0) return;
      const near = nearestAction(p, svc);
      out.push(
        makeFinding(
          ctx,
          loc,
          'unknown-action',
          'error',
          [p],
          `"${p}" matches no action of ${svc}, so this entry ${s.effect === 'Deny' ? 'denies' : 'grants'} nothing${s.effect === 'Deny' ? ' and what it was meant to block stays allowed' : ''}.`,
          near ? `Did you mean "${near}"?` : `Check the action name against the ${svc} actions list.`,
        ),
      );
    });
  }
  return out;
}

function mismatches(ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    if (s.effect !== 'Allow' || s.notResource || s.notAction || s.resources.includes('*')) continue;
    if (s.resources.length === 0) continue;
    const fits = (a: ActionInfo): boolean => s.resources.some((r) => resourceMatchesAction(r, a) !== false);
    // Named actions are checked one by one; a wildcard pattern only when none of its actions fits.
    const report: ActionInfo[] = [];
    for (const p of s.patterns) {
      if (hasWildcard(p)) {
        const list = expandPattern(p);
        if (list.length && !list.some(fits)) report.push(...list);
      } else {
        const a = findAction(p);
        if (a && !fits(a) && !report.includes(a)) report.push(a);
      }
    }
    if (!report.length) continue;
    // Scopable actions with no fitting ARN are a sure mistake; wildcard-only actions given an
    // ARN are one too, but some services honour them before the catalogue says so: warn.
    for (const [severity, list] of [
      ['error', report.filter((a) => a.scopable)],
      ['warning', report.filter((a) => !a.scopable)],
    ] as const) {
      if (!list.length) continue;
      const names = list.map((a) => a.name);
      const formats = list.slice(0, 4).map(
        (a) =>
          `${a.name}: ${
            a.scopable
              ? arnTemplates(a)
                  .map((t) => fillTemplate(t))
                  .join(' or ')
              : '"*" (it supports no resource ARNs)'
          }`,
      );
      out.push(
        makeFinding(
          ctx,
          valueLocation(ctx, s.index, 'Resource', 0),
          'resource-mismatch',
          severity,
          names,
          `Statement ${s.index + 1}: no resource [${s.resources.join(', ')}] fits ${names.join(', ')}, so the statement grants ${names.length === 1 ? 'it' : 'them'} nothing.`,
          `Use resources of the required format — ${formats.join('; ')}.`,
        ),
      );
    }
  }
  return out;
}

function conditionKeys(ctx: PolicyContext): Finding[] {
  const out: Finding[] = [];
  for (const s of ctx.statements) {
    const c = s.stmt.Condition;
    if (!c || typeof c !== 'object') continue;
    const services = new Set<string>();
    if (s.notAction || s.patterns.includes('*')) services.add('*');
    else for (const p of s.patterns) services.add(p.split(':')[0]!.toLowerCase());
    for (const block of Object.values(c)) {
      if (!block || typeof block !== 'object') continue;
      for (const key of Object.keys(block)) {
        if (globalConditionKey(key)) continue;
        const prefix = key.split(':')[0]!.toLowerCase();
        // Keys of unknown services are covered by unknown-service.
        if (prefix !== 'aws' && !isKnownService(prefix)) continue;
        if (
          services.has('*')
            ? isServiceConditionKey(prefix, key)
            : [...services].some(
                (svc) =>
                  isServiceConditionKey(svc, key) || (hasWildcard(svc) && isServiceConditionKey(prefix, key)),
              )
        )
          continue;
        const known = isKnownService(prefix) && isServiceConditionKey(prefix, key);
        const act = findAction(s.patterns[0] ?? '');
        out.push(
          makeFinding(
            ctx,
            statementLocation(ctx, s.index),
            'invalid-condition-key',
            'warning',
            s.patterns,
            known
              ? `Condition key "${key}" belongs to ${prefix}, not to the actions of statement ${s.index + 1}; the request never carries it, so the condition ${act ? 'does not behave as intended' : 'never matches'}.`
              : `Condition key "${key}" is neither a global key nor a key of ${[...services].join(', ')}; the request never carries it.`,
            "Use a global key (aws:…) or a key the statement's service documents; check the spelling.",
          ),
        );
      }
    }
  }
  return out;
}

export function validityRules(ctx: PolicyContext): Finding[] {
  return [...unknownNames(ctx), ...mismatches(ctx), ...conditionKeys(ctx)];
}
