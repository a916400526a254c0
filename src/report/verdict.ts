/**
 * The one-line effective-permissions verdict of a live user, from the lint engine: the same
 * Principal, administrator test and escalation catalogue that `lint` uses on the files.
 */
import { actionById } from '../catalog/actions.js';
import { dataDate } from '../catalog/actions.js';
import { Principal } from '../lint/effective.js';
import { managedLocated } from '../lint/policies.js';
import { escalationFindings, isAdministrator } from '../lint/rules/escalation.js';
import type { LocatedPolicy, PolicyDocument } from '../model/policy.js';
import type { ReportVerdict } from './model.js';

/**
 * The catalogue files a few reads as Write (athena:GetSessionEndpoint, iot:ListSubscriptions, …) and
 * S3 Express authenticates reads with CreateSession; a service counts as written only through
 * actions that change something, so ReadOnlyAccess reads as read-only.
 */
const READ_NAMED = /^[a-z0-9-]+:(Get|List|Describe|CreateSession$)/;

export interface GrantSource {
  /** Attached managed policy ARNs (AWS and customer managed). */
  attached: string[];
  /** Inline documents, named. */
  inline: Array<{ name: string; document: PolicyDocument }>;
}

/** A live document as the lint engine takes it (no file, no positions). */
export function located(name: string, arn: string | null, document: PolicyDocument): LocatedPolicy {
  return { name, file: null, arn, document, statementPositions: [], valuePositions: [] };
}

export function verdictOf(
  user: { name: string; arn: string; groups: string[] },
  sources: GrantSource[],
  customDocs: ReadonlyMap<string, PolicyDocument>,
  now: Date = dataDate(),
): ReportVerdict {
  const policies: LocatedPolicy[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const s of sources) {
    for (const arn of s.attached) {
      if (seen.has(arn)) continue;
      seen.add(arn);
      const custom = customDocs.get(arn);
      const p = custom ? located(arn.slice(arn.lastIndexOf('/') + 1), arn, custom) : managedLocated(arn);
      if (p) policies.push(p);
      else unknown.push(arn.slice(arn.lastIndexOf('/') + 1));
    }
    for (const i of s.inline) policies.push(located(`inline:${i.name}`, null, i.document));
  }
  const principal = new Principal(user.name, policies, now.getTime(), [], {
    userArn: user.arn || undefined,
    groups: user.groups,
  });
  const admin = isAdministrator(principal);
  const escalation = admin
    ? []
    : [
        ...new Set(
          escalationFindings(principal, { file: user.name, line: 0 }, user.name)
            .filter((e) => e.finding.rule === 'privilege-escalation')
            .map((e) => e.result.path.id),
        ),
      ].sort();
  const write = new Set<string>();
  for (const id of principal.allowedActions()) {
    const a = actionById(id);
    if ((a.level === 'Write' || a.level === 'Permissions management') && !READ_NAMED.test(a.name)) {
      write.add(a.service);
    }
  }
  const writeServices = [...write].sort();
  const summary = admin
    ? 'admin'
    : escalation.length > 0
      ? `can escalate (${escalation.join(', ')})`
      : writeServices.length > 0
        ? `write: ${shortList(writeServices)}`
        : policies.length > 0
          ? 'read-only'
          : 'no permissions';
  unknown.sort();
  // A policy the catalogue does not know is not assessed: say so rather than under-report.
  const note = unknown.length > 0 ? `; not assessed: ${unknown.join(', ')}` : '';
  return { admin, escalation, writeServices, unknownPolicies: unknown, summary: summary + note };
}

function shortList(items: string[], n = 6): string {
  return items.length <= n
    ? items.join(', ')
    : `${items.slice(0, n).join(', ')} and ${items.length - n} more`;
}
