/** What every monitoring handler shares: typed details and "does this field need writing". */
import type { Operation } from '../../../model/plan.js';
import type { Drift } from '../plan.js';

export function detailsOf<T>(op: Operation): T & { drift?: Drift[]; adopt?: boolean } {
  return op.details as T & { drift?: Drift[]; adopt?: boolean };
}

/** A create (or a re-run of one) writes everything; an update writes only what drifted. */
export function needs(op: Operation, field: string): boolean {
  if (op.action !== 'update') return true;
  const drift = (op.details.drift as Drift[] | undefined) ?? [];
  return drift.some((d) => d.field === field);
}

/** Tags as the SDKs' `[{Key, Value}]` lists. */
export const toTagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export type Sleep = (ms: number) => Promise<void>;
