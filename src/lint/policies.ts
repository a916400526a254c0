/** Resolves the policies each user and group gets, as LocatedPolicies (AWS managed ones built offline). */
import { findManagedPolicy } from '../catalog/managed.js';
import type { DesiredState, DesiredUser, PolicyRef, SourceRef } from '../model/desired.js';
import type { LocatedPolicy } from '../model/policy.js';

const managedCache = new Map<string, LocatedPolicy | null>();

/** An AWS managed policy as a LocatedPolicy without a file; null when unknown offline. */
export function managedLocated(nameOrArn: string): LocatedPolicy | null {
  let hit = managedCache.get(nameOrArn);
  if (hit === undefined) {
    const m = findManagedPolicy(nameOrArn);
    hit = m
      ? {
          name: m.name,
          file: null,
          arn: m.arn,
          document: m.document,
          statementPositions: [],
          valuePositions: [],
        }
      : null;
    managedCache.set(nameOrArn, hit);
  }
  return hit;
}

export function resolveRef(state: DesiredState, ref: PolicyRef): LocatedPolicy | null {
  if (ref.kind === 'aws') return managedLocated(ref.arn) ?? managedLocated(ref.name);
  return state.policies.find((p) => p.name === ref.name) ?? null;
}

export function groupPolicies(state: DesiredState, group: string): LocatedPolicy[] {
  const g = state.config.groups[group];
  return (g?.policies ?? []).map((r) => resolveRef(state, r)).filter((p): p is LocatedPolicy => p !== null);
}

/** Everything a user gets: its own policies, then its groups' (deduplicated). */
export function userPolicies(state: DesiredState, user: DesiredUser): LocatedPolicy[] {
  const out: LocatedPolicy[] = [];
  const add = (p: LocatedPolicy | null): void => {
    if (p && !out.includes(p)) out.push(p);
  };
  for (const r of user.policies) add(resolveRef(state, r));
  for (const g of user.groups) for (const p of groupPolicies(state, g)) add(p);
  return out;
}

/** The sets of policies that act together (per user, and per group), for contextual Deny. */
export function principalSets(state: DesiredState): LocatedPolicy[][] {
  return [
    ...state.users.map((u) => userPolicies(state, u)),
    ...Object.keys(state.config.groups).map((g) => groupPolicies(state, g)),
  ];
}

/** Where an AWS managed policy is first attached (a CSV row or a group in iam-gitops.yml). */
export function firstAttachment(state: DesiredState, policy: LocatedPolicy): SourceRef | undefined {
  for (const u of state.users) {
    if (u.policies.some((r) => resolveRef(state, r) === policy)) return u.source;
  }
  for (const g of Object.values(state.config.groups)) {
    if (g.policies.some((r) => resolveRef(state, r) === policy)) return g.source;
  }
  return undefined;
}
