/**
 * A Deny only restrains a user who cannot take it away. A user allowed to detach the policy that
 * carries it (iam:DetachUserPolicy on itself), to detach it from her group (iam:DetachGroupPolicy)
 * or to leave that group (iam:RemoveUserFromGroup) has, one call later, what the Deny removed.
 */
import { findAction } from '../catalog/actions.js';
import { globsIntersect } from '../catalog/wildcard.js';
import type { Finding } from '../model/finding.js';
import type { LocatedPolicy } from '../model/policy.js';
import { actionLocation, type Location } from './context.js';
import { cancellingDenies, prepareStatements, Principal, type Grant } from './effective.js';
import { iamResourcePart, normalizeIamPath, openPaths, type PathResult } from './escalation.js';
import { isAdministrator } from './rules/escalation.js';

export interface Membership {
  /** Policies attached to the user itself. */
  direct: LocatedPolicy[];
  /** Each group of the user with its policies. */
  groups: Array<{ name: string; policies: LocatedPolicy[] }>;
}

interface Removal {
  action: string;
  /** The policies whose Deny the call lifts. */
  removes: LocatedPolicy[];
  /** The user's membership after the call. */
  after: Membership;
  /** The ARN the call must be allowed on. */
  arn: string;
  what: string;
}

/** The grant of `action` on `arn` that is not cancelled, preferring an unconditional one. */
function grantOn(principal: Principal, action: string, arn: string): Grant | undefined {
  const info = findAction(action);
  if (!info) return undefined;
  const grants = principal.grants(info.id).filter(
    (g) =>
      g.stmt.notResource ||
      g.stmt.resources.some((r) => {
        const part = iamResourcePart(r);
        return part !== null && globsIntersect(part, iamResourcePart(arn)!);
      }),
  );
  return grants.find((g) => g.stmt.cond.gates.length === 0) ?? grants[0];
}

const hasDeny = (p: LocatedPolicy, now: number): boolean =>
  cancellingDenies(prepareStatements(p, now)).length > 0;

/**
 * Findings for each way the user can remove a Deny that closes an escalation path (or admin
 * access). `userName` is `${aws:username}`-free: the ARNs are built from the repository's path.
 */
export function removableDenyFindings(
  principal: Principal,
  m: Membership,
  userName: string,
  iamPath: string,
  now: number,
  fallback: Location,
  before: readonly PathResult[],
): Finding[] {
  const path = normalizeIamPath(iamPath);
  const removals: Removal[] = [];
  for (const p of m.direct) {
    if (!hasDeny(p, now)) continue;
    removals.push({
      action: 'iam:DetachUserPolicy',
      removes: [p],
      after: { direct: m.direct.filter((x) => x !== p), groups: m.groups },
      arn: `arn:aws:iam::*:user${path}${userName}`,
      what: `detach ${p.name} from its own user`,
    });
  }
  for (const g of m.groups) {
    const denying = g.policies.filter((p) => hasDeny(p, now));
    if (!denying.length) continue;
    const arn = `arn:aws:iam::*:group${path}${g.name}`;
    removals.push({
      action: 'iam:RemoveUserFromGroup',
      removes: denying,
      after: { direct: m.direct, groups: m.groups.filter((x) => x !== g) },
      arn,
      what: `leave group ${g.name}`,
    });
    for (const p of denying) {
      removals.push({
        action: 'iam:DetachGroupPolicy',
        removes: [p],
        after: {
          direct: m.direct,
          groups: m.groups.map((x) =>
            x === g ? { name: x.name, policies: x.policies.filter((y) => y !== p) } : x,
          ),
        },
        arn,
        what: `detach ${p.name} from its group ${g.name}`,
      });
    }
  }
  const open = new Set(before.map((r) => r.path.id));
  const out: Finding[] = [];
  for (const r of removals) {
    const grant = grantOn(principal, r.action, r.arn);
    if (!grant) continue;
    const stays = [...new Set([...r.after.direct, ...r.after.groups.flatMap((g) => g.policies)])];
    const after = new Principal(principal.name, stays, now, [], {
      userArn: principal.userArn,
      groups: r.after.groups.map((g) => g.name),
      iamPath,
    });
    const gained = isAdministrator(after)
      ? ['administrator access (`*` on `*`)']
      : openPaths(after)
          .filter((x) => x.path.kind === 'escalation' && x.reach === 'broad' && !open.has(x.path.id))
          .map((x) => `${x.steps.map((s) => s.action.name).join(' + ')} (${x.path.id}, ${x.path.title})`);
    if (!gained.length) continue;
    const gated = grant.stmt.cond.gates;
    const loc = actionLocation({ policy: grant.stmt.policy, fallback }, grant.stmt, r.action);
    out.push({
      rule: 'privilege-escalation',
      severity: gated.length ? 'warning' : 'error',
      file: loc.file,
      line: loc.line,
      policy: [...new Set([grant.stmt.policy.name, ...r.removes.map((p) => p.name)])].join(', '),
      user: userName,
      actions: [r.action],
      message:
        `User ${userName} can ${r.what} with ${r.action} (remove-own-deny), and so lift the Deny in ${r.removes
          .map((p) => p.name)
          .join(' and ')} that restrains it; without it the user has ${gained.join('; ')}.` +
        (gated.length ? ` Lower confidence: the grant is gated by ${gated.join(' and ')}.` : ''),
      fix: `Remove ${r.action} from ${grant.stmt.policy.name}, or add "Effect": "Deny" for ${r.action} on "${r.arn}" next to the Deny it protects.`,
    });
  }
  return out;
}
