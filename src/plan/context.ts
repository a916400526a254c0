/** What every part of the planner reads and writes while one plan is made. */
import type { ActualState } from '../model/actual.js';
import type { DesiredState, SourceRef } from '../model/desired.js';
import { MANAGED_TAG } from '../model/desired.js';
import { OperationList } from './ops.js';

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
