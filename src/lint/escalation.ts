/**
 * Evaluates the escalation paths against a principal, resource- and condition-aware:
 * for each step, the best grant decides how far the step reaches.
 */
import { findAction, type ActionInfo } from '../catalog/actions.js';
import { resourceGlob, resourceMatchesAction } from '../catalog/arn.js';
import { globsIntersect, hasWildcard, matchesWildcard } from '../catalog/wildcard.js';
import { ESCALATION_PATHS, type EscalationPath, type PathStep, type Target } from './escalation-paths.js';
import type { Grant, Principal } from './effective.js';
import { RISKY_MANAGED } from './rules/principal.js';

/** broad: the path is open; specific: only if a named resource is privileged; none: closed. */
export type Reach = 'broad' | 'specific' | 'none';

export interface StepResult {
  step: PathStep;
  action: ActionInfo;
  reach: Reach;
  grant?: Grant;
  /** Undecided conditions that gate the chosen grant. */
  gates: string[];
}

export interface PathResult {
  path: EscalationPath;
  reach: Exclude<Reach, 'none'>;
  conditional: boolean;
  steps: StepResult[];
}

const PRIVILEGED_NAME = /admin|root|power|full|privileg|owner|superuser/i;

/** The name part after `<type>/` of an IAM ARN pattern (`role/app/*` → `app/*`), or null. */
function iamName(resource: string, type: string): string | null {
  if (resource === '*') return '*';
  const m = /^arn:[^:]*:iam::[^:]*:(.*)$/i.exec(resource);
  if (!m) return null;
  const rest = m[1]!;
  const slash = rest.indexOf('/');
  if (slash < 0) return hasWildcard(rest) && matchesWildcard(rest, `${type}/x`) ? '*' : null;
  return matchesWildcard(rest.slice(0, slash), type) ? rest.slice(slash + 1) : null;
}

function isBroadName(name: string): boolean {
  return name.startsWith('*') || name.startsWith('?') || name.startsWith('${');
}

function reachOfResource(resource: string, target: Target, principal: Principal): Reach {
  switch (target) {
    case 'any':
      return 'broad';
    case 'role': {
      const name = iamName(resource, 'role');
      if (name === null) return 'none';
      if (isBroadName(name)) return 'broad';
      // A path-scoped role set (`role/app/*`) stays closed unless its name suggests privilege.
      return PRIVILEGED_NAME.test(name) ? 'specific' : 'none';
    }
    case 'self': {
      const name = iamName(resource, 'user');
      if (name === null) return 'none';
      if (resource === '*' || /\$\{aws:username\}/i.test(name) || isBroadName(name)) return 'broad';
      if (principal.userArn && globsIntersect(resourceGlob(resource), principal.userArn)) return 'broad';
      return 'none';
    }
    case 'other': {
      const name = iamName(resource, 'user');
      if (name === null) return 'none';
      if (/^(?:.*\/)?\$\{aws:username\}$/i.test(name)) return 'none';
      return hasWildcard(name) || name.includes('${') ? 'broad' : 'specific';
    }
    case 'customer-policy': {
      if (resource === '*') return 'broad';
      const m = /^arn:[^:]*:iam::([^:]*):policy\/(.*)$/i.exec(resource);
      if (!m) return 'none';
      if (m[1]!.toLowerCase() === 'aws') return 'none';
      if (hasWildcard(m[2]!)) return 'broad';
      const own = principal.policies.some((p) => p.file !== null && m[2]!.split('/').pop() === p.name);
      return own ? 'broad' : 'specific';
    }
    case 'group': {
      const name = iamName(resource, 'group');
      if (name === null) return 'none';
      if (isBroadName(name)) return 'broad';
      const own = principal.groups.some((g) => matchesWildcard(name.split('/').pop()!, g));
      return own ? 'broad' : 'specific';
    }
  }
}

const RANK: Record<Reach, number> = { none: 0, specific: 1, broad: 2 };

const ATTACH = new Set(['iam:AttachUserPolicy', 'iam:AttachGroupPolicy', 'iam:AttachRolePolicy']);

/** An `iam:PolicyARN` value naming one AWS managed policy that grants no administrator power. */
function harmlessPolicy(arn: string): boolean {
  if (hasWildcard(arn) || !/^arn:aws[a-z-]*:iam::aws:policy\//i.test(arn)) return false;
  const name = arn.split('/').pop()!;
  return !(name in RISKY_MANAGED) && !/admin|fullaccess|poweruser/i.test(name);
}

function grantReach(
  grant: Grant,
  step: PathStep,
  action: ActionInfo,
  principal: Principal,
  passTo?: string,
): Reach {
  const s = grant.stmt;
  const target = step.target ?? 'any';
  if (action.name === 'iam:PassRole' && passTo && s.cond.passedToService) {
    if (!s.cond.passedToService.some((p) => matchesWildcard(p, passTo))) return 'none';
  }
  if (ATTACH.has(action.name) && s.cond.policyArns && s.cond.policyArns.every(harmlessPolicy)) return 'none';
  // NotResource: everything except the listed, which rarely excludes every target.
  if (s.notResource) return 'broad';
  let best: Reach = 'none';
  for (const r of s.resources) {
    if (resourceMatchesAction(r, action) === false) continue;
    const reach = reachOfResource(r, target, principal);
    if (RANK[reach] > RANK[best]) best = reach;
    if (best === 'broad') break;
  }
  return best;
}

function evaluateStep(step: PathStep, principal: Principal, passTo?: string): StepResult | undefined {
  const action = findAction(step.action);
  if (!action) return undefined;
  let chosen: StepResult = { step, action, reach: 'none', gates: [] };
  const score = (r: StepResult): number => RANK[r.reach] * 2 + (r.gates.length ? 0 : 1);
  for (const grant of principal.grants(action.id)) {
    const reach = grantReach(grant, step, action, principal, passTo);
    if (reach === 'none') continue;
    const candidate: StepResult = { step, action, reach, grant, gates: grant.stmt.cond.gates };
    if (chosen.reach === 'none' || score(candidate) > score(chosen)) chosen = candidate;
  }
  return chosen;
}

/** Every path open for the principal, minimal ones only (a path whose steps include another open path's steps is left out). */
export function openPaths(
  principal: Principal,
  paths: readonly EscalationPath[] = ESCALATION_PATHS,
): PathResult[] {
  const open: PathResult[] = [];
  for (const path of paths) {
    const steps: StepResult[] = [];
    let ok = true;
    for (const st of path.steps) {
      const r = evaluateStep(st, principal, path.passTo);
      if (!r || r.reach === 'none') {
        ok = false;
        break;
      }
      steps.push(r);
    }
    if (!ok) continue;
    const reach = steps.some((s) => s.reach === 'specific') ? 'specific' : 'broad';
    // Target-dependent paths and candidates are only worth a warning when they reach broadly.
    if (path.kind !== 'escalation' && reach !== 'broad') continue;
    open.push({ path, reach, conditional: steps.some((s) => s.gates.length > 0), steps });
  }
  const key = (s: PathStep): string => `${s.action}|${s.target ?? 'any'}`;
  const weight = (r: PathResult): number =>
    (r.path.kind === 'escalation' ? 4 : r.path.kind === 'target-dependent' ? 2 : 1) +
    (r.reach === 'broad' ? 1 : 0);
  return open.filter(
    (b) =>
      !open.some(
        (a) =>
          a !== b &&
          a.path.steps.length < b.path.steps.length &&
          a.path.steps.every((s) => b.path.steps.some((t) => key(t) === key(s))) &&
          weight(a) >= weight(b),
      ),
  );
}
