/**
 * Proof that the bootstrap roles suffice and no more: every recorded AWS call is turned into the
 * authorisations IAM makes for it (aws-actions.ts) and evaluated with @cloud-copilot/iam-simulate
 * (AGPL, test-only) against the role's policies as CloudFormation would deploy them.
 */
import { readFileSync } from 'node:fs';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import type { RecordedCall } from '../../src/aws/calls.js';
import { applyToModel, checksFor, type AccountModel, type AuthCheck } from './aws-actions.js';
import { loadTemplate, TEMPLATE_PATH, TemplateResolver, type StackContext } from './cfn-template.js';

export type RoleName = 'plan' | 'apply';
const LOGICAL_ID: Record<RoleName, string> = { plan: 'PlanRole', apply: 'ApplyRole' };

export interface NamedPolicy {
  name: string;
  policy: { Version: string; Statement: Array<Record<string, unknown>> };
}

export interface DeployedRole {
  arn: string;
  policies: NamedPolicy[];
  trust: NamedPolicy['policy'];
}

/**
 * The role's policies (inline, then the managed policies the template attaches to it) and trust
 * policy with the stack's parameters resolved.
 */
export function deployedRole(stack: StackContext, role: RoleName): DeployedRole {
  return roleIn(TEMPLATE_PATH, stack, LOGICAL_ID[role]);
}

/** deployedRole for any role of any bootstrap template. */
export function roleIn(templatePath: string, stack: StackContext, logicalId: string): DeployedRole {
  const resolver = new TemplateResolver(loadTemplate(templatePath), stack);
  const props = resolver.properties(logicalId) as {
    RoleName: string;
    AssumeRolePolicyDocument: NamedPolicy['policy'];
    Policies: Array<{ PolicyName: string; PolicyDocument: NamedPolicy['policy'] }>;
  };
  const attached = Object.entries(resolver.template.Resources)
    .filter(([id, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && resolver.exists(id))
    .map(
      ([id]) =>
        resolver.properties(id) as {
          ManagedPolicyName: string;
          Roles?: string[];
          PolicyDocument: NamedPolicy['policy'];
        },
    )
    .filter((p) => (p.Roles ?? []).includes(props.RoleName));
  return {
    arn: `arn:aws:iam::${stack.accountId}:role/${props.RoleName}`,
    trust: props.AssumeRolePolicyDocument,
    policies: [
      ...props.Policies.map((p) => ({ name: p.PolicyName, policy: p.PolicyDocument })),
      ...attached.map((p) => ({ name: p.ManagedPolicyName, policy: p.PolicyDocument })),
    ],
  };
}

export interface Decision {
  check: AuthCheck;
  allowed: boolean;
  result: string;
}

export async function evaluate(role: DeployedRole, check: AuthCheck, accountId: string): Promise<Decision> {
  const res = await runSimulation(
    {
      request: {
        principal: role.arn,
        action: check.action,
        resource: { resource: check.resource, accountId },
        contextVariables: check.context,
      },
      identityPolicies: role.policies,
      ...(check.resourcePolicy ? { resourcePolicy: check.resourcePolicy } : {}),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  if (res.resultType === 'error') {
    // A malformed request (unknown action, resource of the wrong type, bad context key) is a
    // mistake in the table or the template, never a pass.
    throw new Error(`cannot simulate ${check.action} on ${check.resource}: ${JSON.stringify(res.errors)}`);
  }
  return { check, allowed: res.overallResult === 'Allowed', result: res.overallResult };
}

export interface Denial {
  call: RecordedCall;
  check: AuthCheck;
  result: string;
  /** Statements whose Action names the action: the ones expected to allow it. */
  expectedStatements: string[];
}

/**
 * Evaluates every call in order, keeping the account model (paths, tags) in step, and returns
 * what the role would deny. An operation missing from the table throws.
 */
export async function checkCalls(
  calls: RecordedCall[],
  role: DeployedRole,
  model: AccountModel,
): Promise<Denial[]> {
  const denials: Denial[] = [];
  for (const call of calls) {
    for (const check of checksFor(call, model)) {
      const d = await evaluate(role, check, model.accountId);
      if (!d.allowed) {
        denials.push({
          call,
          check,
          result: d.result,
          expectedStatements: statementsNaming(role, check.action),
        });
      }
    }
    applyToModel(call, model);
  }
  return denials;
}

function statementsNaming(role: DeployedRole, action: string): string[] {
  const out: string[] = [];
  for (const p of role.policies) {
    p.policy.Statement.forEach((s, i) => {
      const actions = ([] as unknown[]).concat(s.Action ?? []).map(String);
      if (s.Effect === 'Allow' && actions.some((a) => actionMatches(a, action)))
        out.push(`${p.name}#${String(s.Sid ?? i)}`);
    });
  }
  return out;
}

function actionMatches(pattern: string, action: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return re.test(action);
}

/** A readable failure message: the call, the action, the resource and the statement expected to allow it. */
export function describeDenials(denials: Denial[]): string {
  return denials
    .map(
      (d) =>
        `${d.call.service}:${d.call.operation} ${JSON.stringify(d.call.input)}\n` +
        `  → ${d.check.action} on ${d.check.resource} ${JSON.stringify(d.check.context)}: ${d.result}\n` +
        `  expected to be allowed by: ${d.expectedStatements.join(', ') || '(no statement names this action)'}`,
    )
    .join('\n');
}

/** The JSON-lines log the client factory writes when IAM_GITOPS_CALL_LOG is set. */
export function readCallLog(file: string): RecordedCall[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as RecordedCall);
}
