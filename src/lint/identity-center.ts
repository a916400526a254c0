/**
 * The lint of Identity Center people: each group's permission set as one principal, and each
 * person's permission sets per account together.
 *
 * A permission set becomes a role in every account it is assigned to (AWSReservedSSO_…), so it
 * is linted like a user: its policies together. A person signs in to one permission set at a
 * time, but the calls of one session and the next add up: iam:CreateRole in one and
 * iam:AttachRolePolicy in the other is the same escalation as both in one. Steps that are one
 * call (iam:PassRole with the call that hands the role over) must come from one session, so the
 * PassRole paths are open only inside one permission set, where its own lint already reports them.
 * A person has no IAM user of its own: paths on "the user itself" do not apply, and nor does
 * remove-deny (a person cannot detach a policy from a permission set with IAM calls).
 */
import { MFA_GROUP_NAME } from '../desired/mfa-policy.js';
import { groupAccounts } from '../accounts/project.js';
import type { Config, DesiredState, DesiredUser } from '../model/desired.js';
import { icGroupNames, identityOf, permissionSetName } from '../targets/identity-center/desired.js';
import type { Finding } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import { Principal } from './effective.js';
import { openPaths, type PathResult } from './escalation.js';
import { groupPolicies } from './policies.js';
import { escalationFindings, isAdministrator, weight } from './rules/escalation.js';

/** What the Identity Center lint runs over, and for which accounts. */
export interface IdentityCenterScope {
  /**
   * The whole files with every account of the run in `accounts`, or one account's cut
   * (src/accounts/project.ts `desiredFor`) with that account alone: a cut keeps exactly the
   * groups assigned there and each person's memberships of them.
   */
  full: DesiredState;
  /** The account names, in order; a single-account repository passes one name. */
  accounts: string[];
  /** Whether findings name the account (multi-account repositories). */
  nameAccounts: boolean;
}

/** Whether the person lives in Identity Center (the CSV's `identity`, else the config's default). */
export function isIdentityCenterPerson(config: Config, user: DesiredUser): boolean {
  return identityOf(user, config) === 'identity-center';
}

export { permissionSetName };

/** The person's groups that exist in Identity Center (the MFA group is an IAM console matter). */
export function personGroups(user: DesiredUser): string[] {
  return user.groups.filter((g) => g !== MFA_GROUP_NAME);
}

/** Per-policy results already reported, to leave out what a combination does not add. */
export type ShownPaths = (policy: LocatedPolicy) => ReadonlyMap<string, number> | undefined;

export interface IdentityCenterLintContext {
  now: number;
  iamPath: string;
  shown: ShownPaths;
}

/** The principal of a permission set's role (or of a person's sessions): no IAM user, no IAM group. */
function sessionPrincipal(
  name: string,
  policies: LocatedPolicy[],
  ctx: IdentityCenterLintContext,
): Principal {
  return new Principal(name, policies, ctx.now, [], {
    // Paths on "the user itself" reach nothing: the holder is a role of the reserved SSO path.
    userArn: `arn:aws:iam::*:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_${name}_*`,
    groups: [],
    iamPath: ctx.iamPath,
  });
}

function strongest(results: PathResult[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of results) out.set(r.path.id, Math.max(out.get(r.path.id) ?? 0, weight(r)));
  return out;
}

/** Escalation findings of every Identity Center group's permission set and of every person per account. */
export function lintIdentityCenter(scope: IdentityCenterScope, ctx: IdentityCenterLintContext): Finding[] {
  const { full } = scope;
  const findings: Finding[] = [];
  const setPaths = new Map<string, Map<string, number>>();
  const addsToPolicies = (policies: LocatedPolicy[], id: string, w: number): boolean =>
    !policies.some((p) => (ctx.shown(p)?.get(id) ?? 0) >= w);

  for (const group of icGroupNames(full)) {
    const policies = groupPolicies(full, group);
    const ps = permissionSetName(group);
    const principal = sessionPrincipal(ps, policies, ctx);
    if (policies.length === 0 || isAdministrator(principal)) {
      setPaths.set(group, new Map());
      continue;
    }
    const results = openPaths(principal);
    setPaths.set(group, strongest(results));
    const source = full.config.groups[group]!.source;
    const subject = (actions: string, names: string[]): string =>
      `Permission set ${ps} (group ${group}) combines ${actions} from ${names.join(' and ')}`;
    for (const e of escalationFindings(principal, source, undefined, results, subject)) {
      if (!addsToPolicies(policies, e.result.path.id, weight(e.result))) continue;
      findings.push({ ...e.finding, permissionSets: [ps] });
    }
  }

  // Per person and account: the permission sets of the person's groups assigned there. People
  // with the same sets share one analysis.
  const analyses = new Map<string, { principal: Principal; results: PathResult[]; admin: boolean }>();
  for (const person of full.users) {
    if (!isIdentityCenterPerson(full.config, person)) continue;
    const mine = personGroups(person).filter((g) => g in full.config.groups);
    for (const account of scope.accounts) {
      const groups = mine.filter((g) => groupAccounts(full, g, scope.accounts).includes(account)).sort();
      if (groups.length < 2) continue; // one permission set: its own lint says it all
      const key = groups.join('\u0000');
      let a = analyses.get(key);
      if (!a) {
        const policies = [...new Set(groups.flatMap((g) => groupPolicies(full, g)))];
        const principal = sessionPrincipal(person.name, policies, ctx);
        const admin = isAdministrator(principal);
        // A PassRole path needs both actions in one call, hence in one permission set.
        const results = admin ? [] : openPaths(principal).filter((r) => !r.path.passTo);
        a = { principal, results, admin };
        analyses.set(key, a);
      }
      if (a.admin) continue;
      const where = scope.nameAccounts ? ` in account ${account}` : '';
      const at = { file: person.source.file, line: person.source.line };
      for (const r of a.results) {
        const w = weight(r);
        // Already reported for one permission set (or one policy) on its own.
        if (groups.some((g) => (setPaths.get(g)?.get(r.path.id) ?? 0) >= w)) continue;
        if (!addsToPolicies(a.principal.policies, r.path.id, w)) continue;
        const holders = groups.filter((g) => {
          const ps = groupPolicies(full, g);
          return r.steps.some((s) => ps.includes(s.grant!.stmt.policy));
        });
        const sets = holders.map(permissionSetName);
        const subject = (actions: string, names: string[]): string =>
          `Person ${person.name}${where} combines ${actions} from ${names.join(' and ')} through the permission sets ` +
          `${holders.map((g) => `${permissionSetName(g)} (group ${g})`).join(' and ')}, one session after the other`;
        const [e] = escalationFindings(a.principal, at, person.name, [r], subject);
        findings.push({
          ...e!.finding,
          ...(scope.nameAccounts ? { account } : {}),
          permissionSets: sets,
        });
      }
    }
  }
  return findings;
}
