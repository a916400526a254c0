/** What every part of the planner reads and writes while one plan is made. */
import type { ActualState } from '../model/actual.js';
import type { DesiredState, PolicyRef, SourceRef } from '../model/desired.js';
import { MANAGED_TAG } from '../model/desired.js';
import { customPolicyArn, OperationList } from './ops.js';

export interface Unchanged {
  users: number;
  groups: number;
  policies: number;
}

export interface PlanContext {
  desired: DesiredState;
  actual: ActualState;
  ops: OperationList;
  errors: string[];
  /** `config.path`: where the tool's users, groups and policies live. */
  path: string;
  accountId: string;
  unchanged: Unchanged;
}

export function newContext(desired: DesiredState, actual: ActualState): PlanContext {
  return {
    desired,
    actual,
    ops: new OperationList(),
    errors: [],
    path: desired.config.path,
    accountId: actual.accountId,
    unchanged: { users: 0, groups: 0, policies: 0 },
  };
}

/**
 * Whether an existing entity at `path` may be managed: the tool's own path, or, with `adopt`, one
 * of `adoptPaths` (kept where it is; the apply role needs the AdoptPaths stack parameter for it).
 */
export function adoptablePath(ctx: PlanContext, path: string): boolean {
  const { config } = ctx.desired;
  return path === ctx.path || (config.adopt && config.adoptPaths.includes(path));
}

/** A custom policy's ARN: where it exists when it was adopted in place, else under `path`. */
export function customArn(ctx: PlanContext, name: string): string {
  const a = ctx.actual.policies.find((p) => nameKey(p.name) === nameKey(name));
  return a && a.path !== ctx.path && adoptablePath(ctx, a.path)
    ? a.arn
    : customPolicyArn(ctx.accountId, ctx.path, name);
}

/** The ARN a policy reference attaches. */
export function refArn(ctx: PlanContext, ref: PolicyRef): string {
  return ref.kind === 'aws' ? ref.arn : customArn(ctx, ref.name);
}

export function isManagedUser(tags: Record<string, string>): boolean {
  return tags[MANAGED_TAG.key] === MANAGED_TAG.value;
}

/** IAM names are unique regardless of case. */
export const nameKey = (name: string): string => name.toLowerCase();

export function where(source: SourceRef | null | undefined): string {
  if (!source) return '';
  return ` (${source.file}${source.line > 0 ? `:${source.line}` : ''})`;
}

export const byName = <T extends { name: string }>(a: T, b: T): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
