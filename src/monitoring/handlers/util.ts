/** What every monitoring handler shares: typed details and "does this field need writing". */
import type { Operation } from '../../model/plan.js';
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

export type Sleep = (ms: number) => Promise<void>;
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
