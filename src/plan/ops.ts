/** Operation ids, names and a small builder shared by the planner's parts. */
import type { PolicyRef } from '../model/desired.js';
import type { ChangeAction, ChangeType, Operation } from '../model/plan.js';

export const ids = {
  user: (user: string) => `user:${user}`,
  loginProfile: (user: string) => `login-profile:${user}`,
  membership: (user: string, group: string) => `membership:${user}:${group}`,
  attachment: (kind: 'user' | 'group', principal: string, arn: string) =>
    `attachment:${kind}:${principal}:${arn}`,
  group: (group: string) => `group:${group}`,
  policy: (policy: string) => `policy:${policy}`,
  email: (user: string) => `email:${user}`,
};

/** The policy's name as a reviewer knows it: the last segment of its ARN. */
export function policyNameOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

export function customPolicyArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:policy${path}${name}`;
}

export function refArn(ref: PolicyRef, accountId: string, path: string): string {
  return ref.kind === 'aws' ? ref.arn : customPolicyArn(accountId, path, ref.name);
}

/** Collects operations; ids are unique, and a dependency may only name an operation already planned. */
export class OperationList {
  private readonly byId = new Map<string, Operation>();

  add(
    action: ChangeAction,
    type: ChangeType,
    id: string,
    name: string,
    details: object,
    dependsOn: Array<string | undefined> = [],
  ): Operation {
    if (this.byId.has(id)) throw new Error(`planner bug: operation ${id} planned twice`);
    const op: Operation = {
      id,
      action,
      type,
      name,
      details: details as Record<string, unknown>,
      dependsOn: [
        ...new Set(dependsOn.filter((d): d is string => d !== undefined && this.byId.has(d))),
      ].sort(),
    };
    this.byId.set(id, op);
    return op;
  }

  get size(): number {
    return this.byId.size;
  }

  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The id when that operation is planned, else undefined (a dependency on something that exists). */
  ifPlanned(id: string): string | undefined {
    return this.byId.has(id) ? id : undefined;
  }

  all(): Operation[] {
    return [...this.byId.values()];
  }

  where(pred: (op: Operation) => boolean): Operation[] {
    return this.all().filter(pred);
  }
}
