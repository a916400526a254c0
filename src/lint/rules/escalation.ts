/** privilege-escalation (+ -target-dependent, -candidate): open paths of a policy or a user. */
import type { Finding, Severity } from '../../model/finding.js';
import { actionLocation, isAdminPattern, type Location } from '../context.js';
import { denyCoversRequiredResource, type Principal, type PreparedStatement } from '../effective.js';
import { openPaths, type PathResult } from '../escalation.js';
import { passRoleFix, scopedStatementFix } from '../fix.js';

export interface EscalationFinding {
  result: PathResult;
  finding: Finding;
}

function ruleOf(r: PathResult): { rule: string; severity: Severity } {
  if (r.path.kind === 'candidate') return { rule: 'privilege-escalation-candidate', severity: 'warning' };
  if (r.path.kind === 'target-dependent' || r.reach === 'specific') {
    return { rule: 'privilege-escalation-target-dependent', severity: 'warning' };
  }
  return { rule: 'privilege-escalation', severity: r.conditional ? 'warning' : 'error' };
}

/** Strength used to decide whether a user's combined finding adds anything to its policies'. */
export function weight(r: PathResult): number {
  const { severity } = ruleOf(r);
  return severity === 'error' ? 2 : 1;
}

function fixFor(r: PathResult, principal: Principal, custom = false): string {
  const p = r.path;
  const managed = [...new Set(r.steps.map((x) => x.grant!.stmt.policy).filter((x) => x.file === null))];
  if (!custom && managed.length && r.steps.every((x) => !x.grant!.stmt.policy.file)) {
    return `AWS managed policies cannot be edited: replace ${managed.map((x) => x.name).join(' and ')} with a policy in policies/ that leaves out ${r.steps.map((x) => x.action.name).join(' or ')} (or scopes them as below).\n${fixFor(r, principal, true)}`;
  }
  if (p.passTo) {
    return `Limit iam:PassRole to roles the user may hand out and to the service that needs them (or remove it):\n${passRoleFix(principal.statements)}`;
  }
  const first = p.steps[0]!;
  switch (first.target) {
    case 'self':
      return `Remove ${first.action}, or limit it to other users' ARNs with an iam:PolicyARN condition naming unprivileged policies; never allow it on the user itself (user/\${aws:username}) or on user/*.`;
    case 'other':
      return `Limit ${first.action} to the user itself ("Resource": "arn:aws:iam::*:user/\${aws:username}", self-service) or remove it.`;
    case 'customer-policy':
      return `Remove ${first.action}, or limit "Resource" to policies attached to no principal that holds this permission (policy changes belong in this repository's pull requests).`;
    case 'role':
      return `Limit "Resource" to specific role ARNs that are not more privileged than the user, or remove ${r.steps.map((s) => s.action.name).join(' and ')}.`;
    case 'group':
      return `Limit "Resource" to specific groups that are not more privileged than the user, or remove ${first.action}.`;
    default:
      return scopedStatementFix(r.steps.map((s) => s.action));
  }
}

/** Who holds the combination, from the actions and the policies that grant them ("User ann combines …"). */
export type Subject = (actions: string, policies: string[]) => string;

function message(r: PathResult, policies: string[], user?: string, subject?: Subject): string {
  const actions = r.steps.map((s) => s.action.name).join(' + ');
  const who = subject
    ? subject(actions, policies)
    : user
      ? `User ${user} combines ${actions} from ${policies.join(' and ')}`
      : `Allows ${actions}`;
  let m = `${who} (${r.path.id}, ${r.path.title}): ${r.path.how}.`;
  if (r.path.kind === 'target-dependent')
    m += ' This escalates only if such a privileged resource already exists.';
  else if (r.path.kind === 'candidate') m += ' A less common path; check whether it applies.';
  else if (r.reach === 'specific')
    m +=
      ' The resources are named specifically: this escalates only if one of them is more privileged than the user.';
  if (r.conditional) {
    const gates = [...new Set(r.steps.flatMap((s) => s.gates))];
    m += ` Lower confidence: the grant is gated by ${gates.join(' and ')}.`;
  }
  return m;
}

/** Findings for the open paths of a principal. `fallback` locates grants from file-less policies. */
export function escalationFindings(
  principal: Principal,
  fallback: Location,
  user?: string,
  /** The principal's open paths when already computed (shared by users with the same policies). */
  results: PathResult[] = openPaths(principal),
  /** Names the holder when it is not an IAM user (an Identity Center permission set or person). */
  subject?: Subject,
): EscalationFinding[] {
  return results.map((result) => {
    const { rule, severity } = ruleOf(result);
    const stmts = result.steps.map((s) => s.grant!.stmt);
    const policies = [...new Set(stmts.map((s) => s.policy.name))];
    const key =
      result.steps.find((s) => s.action.name === 'iam:PassRole' && s.grant!.stmt.policy.file) ??
      result.steps.find((s) => s.grant!.stmt.policy.file) ??
      result.steps[0]!;
    const stmt = key.grant!.stmt;
    const loc = actionLocation({ policy: stmt.policy, fallback }, stmt, key.action.name);
    const finding: Finding = {
      rule,
      severity,
      file: loc.file,
      line: loc.line,
      policy: policies.join(', '),
      ...(user ? { user } : {}),
      actions: result.steps.map((s) => s.action.name),
      message: message(result, policies, user, subject),
      fix: fixFor(result, principal),
    };
    return { result, finding };
  });
}

/** Whether a principal's policies grant every action on every resource (admin-access covers it). */
export function isAdministrator(principal: Principal): boolean {
  return principal.statements.some(
    (s) =>
      s.effect === 'Allow' &&
      s.cond.status === 'always' &&
      !s.notAction &&
      s.patterns.some(isAdminPattern) &&
      (s.notResource || s.resources.includes('*')) &&
      !principal.denies.some(
        (d) => d.actions.size > 0 && (d.resources.includes('*') || deniesSomeActionWholly(d)),
      ),
  );
}

/** A Deny on a resource some named action always touches (`instance/*` for ec2:RunInstances). */
function deniesSomeActionWholly(d: PreparedStatement): boolean {
  if (d.notResource || d.resources.length === 0) return false;
  for (const id of d.actions) if (denyCoversRequiredResource(d, id)) return true;
  return false;
}
