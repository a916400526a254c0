/** One line of help per rule id (SARIF rule help, docs). */
export const RULE_HELP: Record<string, string> = {
  'privilege-escalation':
    'The permissions allow a known privilege-escalation path (IAM self-escalation, PassRole to a new compute resource, role trust changes).',
  'privilege-escalation-target-dependent':
    'The permissions escalate if a privileged existing resource (role, function, instance, stack) is reachable.',
  'privilege-escalation-candidate':
    'A less common escalation combination (permissions boundary removal, MFA takeover, KMS grants, new role with a policy).',
  'admin-access': 'Allow "*" on "*": full administrator access.',
  'service-admin': 'iam:*, sts:* or organizations:*: control of identities, sessions or accounts.',
  'service-wildcard': 'svc:* grants every action of a service, including future ones.',
  'risky-managed-policy':
    'An AWS managed policy with (near) administrator power is attached to a user or group.',
  'passrole-star': 'iam:PassRole on every role without iam:PassedToService.',
  'allow-not-action': 'Allow with NotAction grants every other action of every service.',
  'allow-not-resource': 'Allow with NotResource grants every other resource.',
  'credentials-exposure': 'Actions that return credentials or secrets, on every resource.',
  'data-exfiltration': 'Bulk data reads on every resource.',
  'permissions-management-unscoped': 'Permissions-management actions on every resource.',
  'write-star-scopable': 'Write actions on "*" although they support resource ARNs.',
  'unknown-service': 'The service prefix does not exist: the entry grants nothing.',
  'unknown-action': 'The action does not exist: the entry grants nothing.',
  'resource-mismatch': 'No resource of the statement fits the action: it grants nothing.',
  'invalid-condition-key': "The condition key is not valid for the statement's actions.",
  'redundant-statement': 'A statement wholly covered by another statement of the policy.',
  'direct-user-policy': 'Policies attached directly to a user instead of through a group (CIS 1.15).',
};
