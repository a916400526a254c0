/**
 * `mfa: required`: the desired state gains one customer managed policy and one group, both named
 * `iam-gitops-mfa-required`, and every console user joins the group. From here on they are
 * ordinary desired resources: the plan creates and keeps them, the lint judges the policy, the
 * apply attaches it, and removing `mfa: required` plans their removal. Pure.
 */
import type { Config, DesiredUser } from '../model/desired.js';
import type { Diagnostic } from '../model/diagnostic.js';
import type { LocatedPolicy } from '../model/policy.js';
import { MFA_GROUP_NAME, MFA_POLICY_NAME, mfaPolicyDocument } from './mfa-policy.js';
import { MAX_USER_GROUPS } from './users.js';

export interface MfaInput {
  config: Config;
  /** The config file's repository-relative path (where findings and errors point). */
  configFile: string;
  /** Where `mfa:` is written in it. */
  at: { line: number; col: number };
  users: DesiredUser[];
  policies: LocatedPolicy[];
}

/** Adds the MFA policy, group and memberships in place; returns the conflicts as diagnostics. */
export function requireMfa(input: MfaInput): Diagnostic[] {
  const { config, configFile, at, users, policies } = input;
  const out: Diagnostic[] = [];
  const error = (file: string, line: number, col: number, message: string) =>
    out.push({ file, line, col, severity: 'error', message });
  const lower = (s: string) => s.toLowerCase();

  const ownPolicy = policies.find((p) => lower(p.name) === lower(MFA_POLICY_NAME));
  if (ownPolicy)
    error(
      ownPolicy.file ?? configFile,
      1,
      1,
      `policy '${ownPolicy.name}' has the name mfa: required gives its own policy; rename the file`,
    );
  const ownGroup = Object.keys(config.groups).find((g) => lower(g) === lower(MFA_GROUP_NAME));
  if (ownGroup) {
    const src = config.groups[ownGroup]!.source;
    error(
      src.file,
      src.line,
      src.col ?? 1,
      `group '${ownGroup}' has the name mfa: required gives its own group; rename the group`,
    );
  }
  if (out.length) return out;

  const document = mfaPolicyDocument();
  const pos = { line: at.line, col: at.col };
  policies.push({
    name: MFA_POLICY_NAME,
    // The policy lives in the tool, not in policies/: findings about it point at `mfa:`.
    file: configFile,
    arn: null,
    document,
    statementPositions: document.Statement.map(() => pos),
    valuePositions: document.Statement.map(() => ({})),
  });
  config.groups[MFA_GROUP_NAME] = {
    policies: [{ kind: 'custom', name: MFA_POLICY_NAME }],
    // Every account a console user reaches holds the group (src/accounts/project.ts).
    accounts: ['*'],
    source: { file: configFile, line: at.line, col: at.col },
  };
  for (const u of users) {
    if (!u.console || u.groups.some((g) => lower(g) === lower(MFA_GROUP_NAME))) continue;
    u.groups.push(MFA_GROUP_NAME);
    if (u.groups.length > MAX_USER_GROUPS)
      error(
        u.source.file,
        u.source.line,
        u.source.col ?? 1,
        `${u.name} is a console user, so mfa: required (${configFile}:${at.line}) adds it to ` +
          `${MFA_GROUP_NAME}: ${u.groups.length} groups, but IAM allows a user in at most ` +
          `${MAX_USER_GROUPS}; remove one of its groups`,
      );
  }
  return out;
}
