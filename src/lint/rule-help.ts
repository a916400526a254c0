/**
 * The rule registry: every rule id with the severities it can have and one line of help (SARIF
 * rule help, docs). README's rule table is checked against it by a test.
 */
import type { Severity } from '../model/finding.js';

export interface RuleInfo {
  help: string;
  /** Every severity a finding of the rule can have. */
  severities: Severity[];
  /** lint: from the files (lint, plan); drift: from what is live (drift). */
  source: 'lint' | 'drift';
}

const lint = (help: string, ...severities: Severity[]): RuleInfo => ({ help, severities, source: 'lint' });
const drift = (help: string, ...severities: Severity[]): RuleInfo => ({ help, severities, source: 'drift' });

export const RULES: Record<string, RuleInfo> = {
  'privilege-escalation': lint(
    'The permissions allow a known privilege-escalation path (IAM self-escalation, PassRole to a new compute resource, role trust changes, a new role trusting the user, removing the Deny that restrains the user).',
    'error',
    'warning',
  ),
  'privilege-escalation-target-dependent': lint(
    'The permissions escalate if a privileged existing resource (role, function, instance, stack) is reachable.',
    'warning',
  ),
  'privilege-escalation-candidate': lint(
    'A less common escalation combination (permissions boundary removal, MFA takeover, KMS grants).',
    'warning',
  ),
  'admin-access': lint('Allow "*" on "*": full administrator access.', 'error'),
  'service-admin': lint(
    'iam:*, sts:* or organizations:* with write actions left after Deny: control of identities, sessions or accounts.',
    'error',
  ),
  'service-wildcard': lint('svc:* grants every action of a service, including future ones.', 'warning'),
  'risky-managed-policy': lint(
    'An AWS managed policy with (near) administrator power is attached to a user or group.',
    'error',
    'warning',
  ),
  'passrole-star': lint('iam:PassRole on every role without iam:PassedToService.', 'error'),
  'allow-not-action': lint('Allow with NotAction grants every other action of every service.', 'warning'),
  'allow-not-resource': lint('Allow with NotResource grants every other resource.', 'warning'),
  'credentials-exposure': lint('Actions that return credentials or secrets, on every resource.', 'warning'),
  'data-exfiltration': lint('Bulk data reads on every resource.', 'warning'),
  'permissions-management-unscoped': lint(
    'Permissions-management actions on every resource.',
    'error',
    'warning',
  ),
  'write-star-scopable': lint('Write actions on "*" although they support resource ARNs.', 'warning'),
  'unknown-service': lint('The service prefix does not exist: the entry grants nothing.', 'error'),
  'unknown-action': lint('The action does not exist: the entry grants nothing.', 'error'),
  'resource-mismatch': lint(
    'No resource of the statement fits the action: it grants nothing.',
    'error',
    'warning',
  ),
  'invalid-condition-key': lint("The condition key is not valid for the statement's actions.", 'warning'),
  'redundant-statement': lint('A statement wholly covered by another statement of the policy.', 'notice'),
  'direct-user-policy': lint(
    'Policies attached directly to a user instead of through a group (CIS 1.15).',
    'notice',
  ),
  'live-policy-widened': drift(
    "A repository policy's live default version grants actions or resources its file does not (changed outside the repository).",
    'error',
  ),
  'unmanaged-user-admin': drift('A user the repository does not manage has administrator access.', 'error'),
  'relay-state-kept': drift(
    'A permission set iam-gitops manages keeps a relay state identityCenter.relayState no longer sets (Identity Center cannot remove one).',
    'warning',
  ),
  'unmanaged-user-escalation': drift(
    'A user the repository does not manage can escalate through a catalogued path.',
    'error',
  ),
};

/** One line of help per rule id. */
export const RULE_HELP: Record<string, string> = Object.fromEntries(
  Object.entries(RULES).map(([id, r]) => [id, r.help]),
);
