/**
 * Effective permissions: statements prepared once (expanded actions, evaluated conditions),
 * grouped into principals (one policy, or a user's own + group + managed policies), with
 * unconditional Deny statements subtracted.
 */
import { actionById, expandActions } from '../catalog/actions.js';
import { arnTemplates } from '../catalog/arn.js';
import { globCovers } from '../catalog/wildcard.js';
import type { LocatedPolicy, Statement, StringOrList } from '../model/policy.js';
import { evaluateCondition, type ConditionVerdict } from './conditions.js';

export interface PreparedStatement {
  policy: LocatedPolicy;
  index: number;
  stmt: Statement;
  effect: 'Allow' | 'Deny';
  /** The Action or NotAction strings. */
  patterns: string[];
  notAction: boolean;
  /** The Resource or NotResource strings. */
  resources: string[];
  notResource: boolean;
  cond: ConditionVerdict;
  /** Ids of the concrete actions the Action/NotAction element names. */
  actions: ReadonlySet<number>;
}

export function toList(v: StringOrList | undefined): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string');
}

const prepared = new WeakMap<LocatedPolicy, Map<number, PreparedStatement[]>>();

/** The policy's statements, prepared for `now` (cached per policy object). */
export function prepareStatements(policy: LocatedPolicy, now: number): PreparedStatement[] {
  let byNow = prepared.get(policy);
  if (!byNow) prepared.set(policy, (byNow = new Map()));
  const hit = byNow.get(now);
  if (hit) return hit;
  const raw = policy.document?.Statement;
  const stmts = Array.isArray(raw) ? raw : raw ? [raw as Statement] : [];
  const out: PreparedStatement[] = [];
  stmts.forEach((stmt, index) => {
    if (!stmt || typeof stmt !== 'object') return;
    const notAction = stmt.NotAction !== undefined && stmt.Action === undefined;
    const patterns = toList(notAction ? stmt.NotAction : stmt.Action);
    const notResource = stmt.NotResource !== undefined && stmt.Resource === undefined;
    const resources = toList(notResource ? stmt.NotResource : stmt.Resource);
    out.push({
      policy,
      index,
      stmt,
      effect: stmt.Effect === 'Deny' ? 'Deny' : 'Allow',
      patterns,
      notAction,
      resources,
      notResource,
      cond: evaluateCondition(stmt.Condition, now),
      actions: expandActions(patterns, notAction),
    });
  });
  byNow.set(now, out);
  return out;
}

/** Whether a Deny statement applies to every resource an Allow statement names. */
export function denyCoversResources(deny: PreparedStatement, allow: PreparedStatement): boolean {
  if (deny.notResource) return false;
  if (deny.resources.includes('*')) return true;
  if (allow.notResource || allow.resources.length === 0) return false;
  return allow.resources.every((r) => deny.resources.some((d) => globCovers(d, r)));
}

const requiredCache = new WeakMap<PreparedStatement, Map<number, boolean>>();

/**
 * Whether a Deny names every ARN of a resource type the action always touches (`ec2:RunInstances`
 * always creates an `instance/*`): then no call of the action can succeed, whatever the Allow's
 * Resource says. Partition and account variables are taken as `aws` and `*`.
 */
export function denyCoversRequiredResource(deny: PreparedStatement, actionId: number): boolean {
  if (deny.notResource || deny.resources.length === 0) return false;
  let byAction = requiredCache.get(deny);
  if (!byAction) requiredCache.set(deny, (byAction = new Map()));
  let hit = byAction.get(actionId);
  if (hit === undefined) {
    const action = actionById(actionId);
    const required = action.def.resourceTypes.filter((r) => r.required);
    hit =
      required.length > 0 &&
      arnTemplates(action, true).some((t) => {
        const glob = t.replace(/\$\{Partition\}/g, 'aws').replace(/\$\{[^}]*\}/g, '*');
        return deny.resources.some((d) => globCovers(d, glob));
      });
    byAction.set(actionId, hit);
  }
  return hit;
}

/** Whether a Deny statement (naming the action) takes the action away from an Allow statement. */
export function denyApplies(deny: PreparedStatement, allow: PreparedStatement, actionId: number): boolean {
  return denyCoversResources(deny, allow) || denyCoversRequiredResource(deny, actionId);
}

/** Deny statements that cancel what they name: unconditional (or always-true conditions). */
export function cancellingDenies(stmts: readonly PreparedStatement[]): PreparedStatement[] {
  return stmts.filter((s) => s.effect === 'Deny' && s.cond.status === 'always');
}

/** The actions an Allow statement still grants after the given Deny statements. */
export function effectiveActions(
  allow: PreparedStatement,
  denies: readonly PreparedStatement[],
): ReadonlySet<number> {
  if (allow.effect !== 'Allow' || allow.cond.status === 'never' || allow.resources.length === 0) {
    return new Set();
  }
  const covering = denies.filter((d) => denyCoversResources(d, allow));
  const partial = denies.filter((d) => !covering.includes(d) && !d.notResource && d.resources.length > 0);
  if (!covering.length && !partial.length) return allow.actions;
  const out = new Set<number>();
  for (const id of allow.actions) {
    if (covering.some((d) => d.actions.has(id))) continue;
    if (partial.some((d) => d.actions.has(id) && denyCoversRequiredResource(d, id))) continue;
    out.add(id);
  }
  return out;
}

export interface Grant {
  stmt: PreparedStatement;
}

/** Who the principal is, for steps that act on oneself (own user, own groups, own policies). */
export interface PrincipalScope {
  /** The user's ARN pattern when the principal is one user. */
  userArn?: string;
  /** The groups the user is in. */
  groups?: string[];
  /**
   * The IAM path the repository's users, groups and policies live under (`/iam-gitops/`). Unknown
   * (undefined): any path may be the principal's own.
   */
  iamPath?: string;
}

/** A set of policies acting together: one policy, or everything a user gets. */
export class Principal {
  readonly statements: PreparedStatement[];
  readonly denies: PreparedStatement[];
  readonly userArn?: string;
  readonly groups: string[];
  readonly iamPath?: string;
  private readonly cache = new Map<number, Grant[]>();

  constructor(
    readonly name: string,
    readonly policies: LocatedPolicy[],
    now: number,
    extraDenies: readonly PreparedStatement[] = [],
    scope: PrincipalScope = {},
  ) {
    this.statements = policies.flatMap((p) => prepareStatements(p, now));
    this.denies = [...cancellingDenies(this.statements), ...extraDenies];
    this.userArn = scope.userArn;
    this.groups = scope.groups ?? [];
    this.iamPath = scope.iamPath;
  }

  /** The Allow statements that grant the action and are not cancelled by a Deny. */
  grants(actionId: number): Grant[] {
    let g = this.cache.get(actionId);
    if (!g) {
      g = [];
      for (const s of this.statements) {
        if (s.effect !== 'Allow' || s.cond.status === 'never' || !s.actions.has(actionId)) continue;
        if (s.resources.length === 0) continue;
        if (this.denies.some((d) => d.actions.has(actionId) && denyApplies(d, s, actionId))) continue;
        g.push({ stmt: s });
      }
      this.cache.set(actionId, g);
    }
    return g;
  }

  /** Union of the concrete actions granted (any resource, conditional included). */
  allowedActions(): Set<number> {
    const out = new Set<number>();
    for (const s of this.statements) {
      if (s.effect !== 'Allow') continue;
      for (const id of effectiveActions(s, this.denies)) out.add(id);
    }
    return out;
  }
}
