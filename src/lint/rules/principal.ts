/** risky-managed-policy (per attachment) and direct-user-policy (CIS 1.15). */
import type { DesiredState, PolicyRef, SourceRef } from '../../model/desired.js';
import type { Finding, Severity } from '../../model/finding.js';

/** AWS managed policies that give (near) administrator power, with why. */
export const RISKY_MANAGED: Record<string, { severity: Severity; why: string }> = {
  AdministratorAccess: { severity: 'error', why: 'every action on every resource' },
  IAMFullAccess: { severity: 'error', why: 'iam:* — it can grant itself anything' },
  AWSOrganizationsFullAccess: { severity: 'error', why: 'organizations:* — control of every account' },
  'AdministratorAccess-Amplify': {
    severity: 'error',
    why: 'iam:PassRole, role creation and CloudFormation on every resource',
  },
  'AdministratorAccess-AWSElasticBeanstalk': {
    severity: 'error',
    why: 'iam:PassRole and compute creation on every resource',
  },
  PowerUserAccess: {
    severity: 'warning',
    why: 'every action outside IAM/Organizations, every secret and every bucket',
  },
  AWSCloudFormationFullAccess: {
    severity: 'warning',
    why: 'cloudformation:* — stacks run with any role they are given',
  },
  AmazonEC2FullAccess: { severity: 'warning', why: 'ec2:* and the service-linked roles' },
  AWSLambda_FullAccess: { severity: 'warning', why: 'lambda:* with PassRole to Lambda' },
  SecretsManagerReadWrite: { severity: 'warning', why: 'every secret of the account' },
  AmazonS3FullAccess: { severity: 'warning', why: 's3:* on every bucket, bucket policies included' },
};

function attachment(
  ref: PolicyRef,
  source: SourceRef,
  where: string,
  user: string | undefined,
): Finding | undefined {
  if (ref.kind !== 'aws') return undefined;
  const risk = RISKY_MANAGED[ref.name];
  if (!risk) return undefined;
  return {
    rule: 'risky-managed-policy',
    severity: risk.severity,
    file: source.file,
    line: source.line,
    policy: ref.name,
    ...(user ? { user } : {}),
    actions: ref.name === 'AdministratorAccess' ? ['*'] : [],
    message: `${where} has the AWS managed policy ${ref.name}: ${risk.why}.`,
    fix: `Replace ${ref.name} with a policy in policies/ that lists the actions the work needs (start from ReadOnlyAccess plus specific write actions); keep administrator access in an MFA-protected role.`,
  };
}

export function principalRules(state: DesiredState): Finding[] {
  const out: Finding[] = [];
  for (const u of state.users) {
    for (const ref of u.policies) {
      const f = attachment(ref, u.source, `User ${u.name}`, u.name);
      if (f) out.push(f);
    }
    if (u.policies.length) {
      out.push({
        rule: 'direct-user-policy',
        severity: 'notice',
        file: u.source.file,
        line: u.source.line,
        user: u.name,
        actions: [],
        message: `User ${u.name} has policies attached directly (${u.policies.map((p) => p.name).join(', ')}); CIS 1.15 asks for permissions through groups only, so access is reviewed per role.`,
        fix: `Declare a group in iam-gitops.yml with these policies (groups: <name>: policies: [${u.policies.map((p) => p.name).join(', ')}]) and put ${u.name} in it instead.`,
      });
    }
  }
  for (const [name, g] of Object.entries(state.config.groups)) {
    for (const ref of g.policies) {
      const f = attachment(ref, g.source, `Group ${name}`, undefined);
      if (f) out.push(f);
    }
  }
  return out;
}
