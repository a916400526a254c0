/**
 * The role check (role-check.ts) applied to the call log of one `node dist/index.js` run: the
 * stack a user deploys for the run's repository files, and the split between the call that
 * obtains the role and the calls made under it.
 */
import { CreateRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import type { AwsClients } from '../../src/aws/clients.js';
import type { RecordedCall } from '../../src/aws/calls.js';
import { loadDesired } from '../../src/desired/index.js';
import type { DesiredState } from '../../src/model/desired.js';
import type { AccountModel } from './aws-actions.js';
import { loadTemplate, TemplateResolver, type StackContext } from './cfn-template.js';
import { ACCOUNT_ID, REGION } from './moto.js';
import { checkCalls, deployedRole, describeDenials, type RoleName } from './role-check.js';

/**
 * The stack a user would deploy for these repository files: path, boundary, adoption, sender,
 * monitoring names and every AWS managed policy the files name.
 */
export function stackFor(
  desired: DesiredState,
  github: { owner: string; repo: string },
  extra: Record<string, string> = {},
): StackContext {
  const c = desired.config;
  const refs = [
    ...desired.users.flatMap((u) => u.policies),
    ...Object.values(c.groups).flatMap((g) => g.policies),
  ];
  const allowed = [...new Set(refs.flatMap((r) => (r.kind === 'aws' ? [r.arn] : [])))];
  return {
    accountId: ACCOUNT_ID,
    region: REGION,
    stackName: 'iam-gitops',
    parameters: {
      GitHubOrg: github.owner,
      GitHubRepo: github.repo,
      IamPath: c.path,
      PermissionsBoundaryArn: c.permissionsBoundary ?? '',
      AllowedPolicyArns: allowed.join(',') || 'arn:aws:iam::aws:policy/ReadOnlyAccess',
      AllowAdoption: c.adopt ? 'true' : 'false',
      AdoptPath: c.adoptPaths[0] ?? '',
      SesIdentityArn: `arn:aws:ses:${c.email.region}:${ACCOUNT_ID}:identity/${c.email.from}`,
      SesFromAddress: String(c.email.from),
      Region: REGION,
      TrailName: c.monitoring.trailName,
      LogGroupName: c.monitoring.logGroup,
      ...extra,
    },
  };
}

/** `stackFor` for the files in a workspace directory (an end-to-end run's checkout). */
export async function stackForWorkspace(
  workspace: string,
  github: { owner: string; repo: string },
): Promise<StackContext> {
  const loaded = await loadDesired(workspace);
  if (!loaded.state)
    throw new Error(`the repository files do not load: ${JSON.stringify(loaded.diagnostics)}`);
  return stackFor(loaded.state, github);
}

const isAssume = (c: RecordedCall) => c.service === 'sts' && c.operation === 'AssumeRoleWithWebIdentity';

export interface RunCheck {
  /** The AssumeRoleWithWebIdentity calls left out of the check (see below). */
  assumed: RecordedCall[];
  /** Every other call of the run; each was evaluated against the role. */
  checked: RecordedCall[];
}

/**
 * Evaluates every call of a run under the role and throws with describeDenials' account of any
 * denial. AssumeRoleWithWebIdentity is made with the runner's OIDC token before the session has
 * the role: it is authorised by the role's trust policy (test/unit/bootstrap), not by the
 * role's own policies, so evaluating it here would prove nothing. It alone is left out.
 */
export async function assertRunAllowed(
  calls: RecordedCall[],
  stack: StackContext,
  role: RoleName,
  model: AccountModel,
): Promise<RunCheck> {
  const assumed = calls.filter(isAssume);
  const checked = calls.filter((c) => !isAssume(c));
  const denials = await checkCalls(checked, deployedRole(stack, role), model);
  if (denials.length > 0) {
    throw new Error(
      `the ${role} role would deny ${denials.length} call(s) of this run:\n${describeDenials(denials)}`,
    );
  }
  return { assumed, checked };
}

/**
 * What deploying the stack leaves in the account besides the two roles, made in the emulator the
 * way CloudFormation would: the CloudTrail delivery role (CreateTrailRole=true, the default),
 * which the apply role can only read. Returns the resolved role, or null when the stack has none.
 */
export async function deployStackResources(
  clients: Pick<AwsClients, 'iam'>,
  stack: StackContext,
): Promise<{ RoleName: string } | null> {
  const resolver = new TemplateResolver(loadTemplate(), stack);
  if (!resolver.exists('TrailDeliveryRole')) return null;
  const role = resolver.properties('TrailDeliveryRole') as {
    RoleName: string;
    Description: string;
    AssumeRolePolicyDocument: unknown;
    Policies: Array<{ PolicyName: string; PolicyDocument: unknown }>;
    Tags: Array<{ Key: string; Value: string }>;
  };
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: role.RoleName,
      Description: role.Description,
      AssumeRolePolicyDocument: JSON.stringify(role.AssumeRolePolicyDocument),
      Tags: role.Tags,
    }),
  );
  for (const p of role.Policies) {
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: role.RoleName,
        PolicyName: p.PolicyName,
        PolicyDocument: JSON.stringify(p.PolicyDocument),
      }),
    );
  }
  return role;
}
