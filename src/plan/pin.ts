/**
 * The approved plan's pin: a 48-bit digest of every operation (what it does to what, without what
 * it waits for), sorted and packed into one base64 string that rides in the plan comment's
 * metadata. A re-run of an apply that failed half-way plans again and finds the operations still
 * to do; each must be one of the pinned ones, or it was never approved. Pure.
 */
import { createHash } from 'node:crypto';
import type { Operation } from '../model/plan.js';
import { canonicalJson } from './canonical.js';
import { canonicalOperation } from './hash.js';

const DIGEST_BYTES = 6;
/** Eight base64 characters an operation: 3,000 operations take 24,000 characters of the comment. */
export const PIN_MAX_OPERATIONS = 3000;

export function operationDigest(op: Operation): string {
  return createHash('sha256')
    .update(canonicalJson(canonicalOperation(op, false)))
    .digest()
    .subarray(0, DIGEST_BYTES)
    .toString('base64');
}

const changes = (ops: Operation[]) => ops.filter((op) => op.action !== 'no-op');

/** The pin of a plan's changes; undefined when there are more than the comment can carry. */
export function pinOf(ops: Operation[]): string | undefined {
  const list = changes(ops);
  if (list.length > PIN_MAX_OPERATIONS) return undefined;
  const digests = list.map((op) => Buffer.from(operationDigest(op), 'base64'));
  digests.sort(Buffer.compare);
  return Buffer.concat(digests).toString('base64');
}

/** The digests a pin holds (base64 each), or null when the text is not a pin. */
export function unpin(pin: string): Set<string> | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(pin)) return null;
  const bytes = Buffer.from(pin, 'base64');
  if (bytes.length % DIGEST_BYTES !== 0) return null;
  const out = new Set<string>();
  for (let i = 0; i < bytes.length; i += DIGEST_BYTES)
    out.add(bytes.subarray(i, i + DIGEST_BYTES).toString('base64'));
  return out;
}

/** The operations of `ops` that the pin does not hold: never approved. */
export function outsidePin(ops: Operation[], pinned: ReadonlySet<string>): Operation[] {
  return changes(ops).filter((op) => !pinned.has(operationDigest(op)));
}
