/** Customer managed policies: created with the managed tag under the managed path, versioned on change. */
import {
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachGroupPolicyCommand,
  DetachRolePolicyCommand,
  DetachUserPolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  paginateListEntitiesForPolicy,
  paginateListPolicyVersions,
  type Policy,
  type PolicyVersion,
} from '@aws-sdk/client-iam';
import { decodePolicyDocument } from '../../../aws/decode.js';
import { MANAGED_TAG } from '../../../model/desired.js';
import type { Operation, PolicyDetails } from '../../../model/plan.js';
import { canonicalJson } from '../../../plan/canonical.js';
import { detailsOf, nameOf, NotManagedError, PAGE, tolerate, toTagList } from './common.js';
import type { ApplyContext, OperationOutcome } from '../../../apply/types.js';

/** IAM keeps at most five versions of a managed policy. */
const MAX_VERSIONS = 5;

export function policyArn(op: Operation, ctx: ApplyContext): string {
  const d = detailsOf<PolicyDetails>(op);
  return d.arn ?? `arn:aws:iam::${ctx.accountId}:policy${d.path}${nameOf(op)}`;
}

async function findPolicy(ctx: ApplyContext, arn: string): Promise<Policy | null> {
  const res = await tolerate(['NoSuchEntity'], () =>
    ctx.clients.iam.send(new GetPolicyCommand({ PolicyArn: arn })),
  );
  return res?.Policy ?? null;
}

function assertManaged(policy: Policy, path: string): void {
  if (policy.Path !== path) {
    throw new NotManagedError('policy', policy.PolicyName!, `its path is ${policy.Path}, not ${path}`);
  }
}

async function versions(ctx: ApplyContext, arn: string): Promise<PolicyVersion[]> {
  const out: PolicyVersion[] = [];
  const pages = paginateListPolicyVersions({ client: ctx.clients.iam, ...PAGE }, { PolicyArn: arn });
  for await (const page of pages) out.push(...(page.Versions ?? []));
  return out;
}

export async function createPolicy(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = detailsOf<PolicyDetails>(op);
  const existing = await findPolicy(ctx, policyArn(op, ctx));
  if (existing) {
    assertManaged(existing, d.path);
    return { status: 'already-done' };
  }
  if (!d.document) throw new Error(`policy ${nameOf(op)}: the plan carries no document`);
  const res = await tolerate(['EntityAlreadyExists'], () =>
    ctx.clients.iam.send(
      new CreatePolicyCommand({
        PolicyName: nameOf(op),
        Path: d.path,
        PolicyDocument: d.document,
        Tags: toTagList({ [MANAGED_TAG.key]: MANAGED_TAG.value }),
      }),
    ),
  );
  return { status: res ? 'done' : 'already-done' };
}

export async function updatePolicy(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = detailsOf<PolicyDetails>(op);
  const arn = policyArn(op, ctx);
  if (!d.document) throw new Error(`policy ${nameOf(op)}: the plan carries no document`);
  const existing = await findPolicy(ctx, arn);
  if (!existing) throw new Error(`policy ${nameOf(op)} (${arn}) does not exist; re-run plan`);
  assertManaged(existing, d.path);
  const current = await ctx.clients.iam.send(
    new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: existing.DefaultVersionId }),
  );
  const wanted = canonicalJson(JSON.parse(d.document));
  if (canonicalJson(decodePolicyDocument(current.PolicyVersion?.Document ?? '{}')) === wanted) {
    return { status: 'already-done' };
  }
  const all = await versions(ctx, arn);
  if (all.length >= MAX_VERSIONS) {
    const oldest = all
      .filter((v) => !v.IsDefaultVersion)
      .sort((a, b) => (a.CreateDate?.getTime() ?? 0) - (b.CreateDate?.getTime() ?? 0))[0];
    if (oldest) {
      await tolerate(['NoSuchEntity'], () =>
        ctx.clients.iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: oldest.VersionId })),
      );
    }
  }
  await ctx.clients.iam.send(
    new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: d.document, SetAsDefault: true }),
  );
  return { status: 'done' };
}

export async function deletePolicy(op: Operation, ctx: ApplyContext): Promise<OperationOutcome> {
  const d = detailsOf<PolicyDetails>(op);
  const arn = policyArn(op, ctx);
  const existing = await findPolicy(ctx, arn);
  if (!existing) return { status: 'already-done', note: 'policy does not exist' };
  assertManaged(existing, d.path ?? ctx.desired.config.path);
  const iam = ctx.clients.iam;
  const gone = ['NoSuchEntity'];
  // DeletePolicy needs the policy detached everywhere and only its default version left.
  const pages = paginateListEntitiesForPolicy({ client: iam, ...PAGE }, { PolicyArn: arn });
  for await (const page of pages) {
    for (const u of page.PolicyUsers ?? []) {
      await tolerate(gone, () =>
        iam.send(new DetachUserPolicyCommand({ UserName: u.UserName, PolicyArn: arn })),
      );
    }
    for (const g of page.PolicyGroups ?? []) {
      await tolerate(gone, () =>
        iam.send(new DetachGroupPolicyCommand({ GroupName: g.GroupName, PolicyArn: arn })),
      );
    }
    for (const r of page.PolicyRoles ?? []) {
      await tolerate(gone, () =>
        iam.send(new DetachRolePolicyCommand({ RoleName: r.RoleName, PolicyArn: arn })),
      );
    }
  }
  for (const v of await versions(ctx, arn)) {
    if (v.IsDefaultVersion) continue;
    await tolerate(gone, () =>
      iam.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: v.VersionId })),
    );
  }
  await tolerate(gone, () => iam.send(new DeletePolicyCommand({ PolicyArn: arn })));
  return { status: 'done' };
}
