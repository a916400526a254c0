/**
 * Evaluates the escalation paths against a principal, resource- and condition-aware:
 * for each step, the best grant decides how far the step reaches.
 */
import { findAction, type ActionInfo } from '../catalog/actions.js';
import { resourceGlob, resourceMatchesAction } from '../catalog/arn.js';
import { globCovers, globsIntersect, hasWildcard, matchesWildcard } from '../catalog/wildcard.js';
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

/** `/iam-gitops/` from `iam-gitops`, `/iam-gitops` or `/iam-gitops/`. */
export function normalizeIamPath(p: string): string {
  const lead = p.startsWith('/') ? p : `/${p}`;
  return lead.endsWith('/') ? lead : `${lead}/`;
}

/**
 * The ARN globs of what the principal owns of an IAM resource type: its user, its groups, its
 * customer managed policies. They live under the repository's IAM path; with the path unknown,
 * any path.
 */
function ownArns(principal: Principal, type: 'user' | 'group' | 'policy'): string[] {
  const path = principal.iamPath === undefined ? '/*' : normalizeIamPath(principal.iamPath);
  const own = (name: string): string => `${type}${path}${name}`;
  if (type === 'user') return [principal.userArn ? iamResourcePart(principal.userArn)! : own('*')];
  if (type === 'group') return principal.groups.map(own);
  // Judged on its own, a policy may share its holder with any of the repository's policies.
  if (!principal.userArn) return [own('*')];
  return principal.policies.filter((p) => p.file !== null).map((p) => own(p.name));
}

/**
 * The part after `arn:<partition>:iam::<account>:` (`user/iam-gitops/ann`), with policy
 * variables as wildcards; `*` for `*`; null for a non-IAM ARN. Globs are compared on this part
 * only, so a `*` in the account can never swallow the path.
 */
export function iamResourcePart(resource: string, userName = '*'): string | null {
  if (resource === '*') return '*';
  const m = /^arn:[^:]*:iam::[^:]*:(.*)$/i.exec(resource);
  return m ? resourceGlob(m[1]!.replace(/\$\{aws:username\}/gi, userName)) : null;
}

/**
 * Whether a statement resource reaches the principal's own IAM resources. Policy variables stand
 * for the user's own values; IAM names are unique per account whatever the path, so
 * `user/service-accounts/${aws:username}` names nobody when the user lives under `/iam-gitops/`.
 * `every`: the resource must reach every one the glob stands for (a policy judged on its own,
 * for whichever user holds it), not just one.
 */
function reachesOwn(
  resource: string,
  principal: Principal,
  type: 'user' | 'group' | 'policy',
  every = false,
): boolean {
  if (resource === '*') return true;
  const userName = principal.userArn ? principal.userArn.slice(principal.userArn.lastIndexOf('/') + 1) : '*';
  const part = iamResourcePart(resource, userName);
  if (part === null) return false;
  return ownArns(principal, type).some((own) => (every ? globCovers(part, own) : globsIntersect(part, own)));
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
    case 'new-role':
      // Whatever role names it may create and change, the role it creates trusts whom it says.
      return iamName(resource, 'role') === null ? 'none' : 'broad';
    case 'self': {
      const name = iamName(resource, 'user');
      if (name === null) return 'none';
      // Judged on its own, a policy escalates for whoever holds it only if it reaches them all.
      return reachesOwn(resource, principal, 'user', !principal.userArn) ? 'broad' : 'none';
    }
    case 'other': {
      const name = iamName(resource, 'user');
      if (name === null) return 'none';
      if (/^(?:.*\/)?\$\{aws:username\}$/i.test(name)) return 'none';
      if (!hasWildcard(name) && !name.includes('${')) return 'specific';
      // A wildcard over the repository's users (or any path) reaches them all; one over another
      // path reaches users whose privileges the repository does not know.
      if (principal.iamPath === undefined || isBroadName(name)) return 'broad';
      const users = `user${normalizeIamPath(principal.iamPath)}*`;
      return globsIntersect(iamResourcePart(resource) ?? '', users) ? 'broad' : 'specific';
    }
    case 'customer-policy': {
      if (resource === '*') return 'broad';
      const m = /^arn:[^:]*:iam::([^:]*):policy\/(.*)$/i.exec(resource);
      if (!m) return 'none';
      if (m[1]!.toLowerCase() === 'aws') return 'none';
      return reachesOwn(resource, principal, 'policy') ? 'broad' : 'specific';
    }
    case 'group': {
      const name = iamName(resource, 'group');
      if (name === null) return 'none';
      return reachesOwn(resource, principal, 'group') ? 'broad' : 'specific';
    }
    case 'join-group': {
      const name = iamName(resource, 'group');
      if (name === null) return 'none';
      if (isBroadName(name)) return 'broad';
      // A path or a name: only the groups' privileges tell; joining one's own group gains nothing.
      return principal.groups.some((g) => g.toLowerCase() === name.split('/').pop()!.toLowerCase())
        ? 'none'
        : 'specific';
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
  passTo?: string | string[],
): Reach {
  const s = grant.stmt;
  const target = step.target ?? 'any';
  if (action.name === 'iam:PassRole' && passTo && s.cond.passedToService) {
    const services = Array.isArray(passTo) ? passTo : [passTo];
    if (!s.cond.passedToService.some((p) => services.some((svc) => matchesWildcard(p, svc)))) return 'none';
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

function evaluateStep(
  step: PathStep,
  principal: Principal,
  passTo?: string | string[],
): StepResult | undefined {
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

/** How many times openPaths ran: the counting tests prove per-user analysis is shared. */
export const analysisCounter = { openPaths: 0 };

/** Every path open for the principal, minimal ones only (a path whose steps include another open path's steps is left out). */
export function openPaths(
  principal: Principal,
  paths: readonly EscalationPath[] = ESCALATION_PATHS,
): PathResult[] {
  analysisCounter.openPaths++;
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
