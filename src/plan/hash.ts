/**
 * The plan hash reviewers approve: SHA-256 over the canonical operations, bound to the repository.
 * It hashes meaning, not text: operations sorted by id, detail keys sorted, set-like lists sorted,
 * so reordering CSV rows, splitting users over files or reformatting JSON leaves it unchanged,
 * while any change to what apply would do changes it.
 */
import { createHash } from 'node:crypto';
import type { Operation } from '../model/plan.js';
import { canonicalJson } from './canonical.js';

const VERSION = 'iam-gitops/plan-hash/v1';

/** Lists whose order means nothing; sorted before hashing. */
const SET_KEYS = new Set([
  'dependsOn',
  'groups',
  'policies',
  'removeTags',
  'inlinePolicies',
  'alarmEmails',
  'emails',
]);

/** Field names that would carry a secret; a plan never holds one, and the hash refuses to see one. */
const SECRET_KEYS =
  /^(password|newpassword|oldpassword|secret|secretaccesskey|sessiontoken|token|webidentitytoken|privatekey)$/i;

export function assertNoSecrets(value: unknown, where = 'details'): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => assertNoSecrets(v, `${where}[${i}]`));
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRET_KEYS.test(k))
        throw new Error(`a plan operation carries a secret field (${where}.${k}); plans never hold secrets`);
      assertNoSecrets(v, `${where}.${k}`);
    }
  }
}

function canonicalValue(value: unknown, key?: string): unknown {
  if (Array.isArray(value)) {
    const items = value.map((v) => canonicalValue(v));
    if (key && SET_KEYS.has(key)) return items.sort((a, b) => cmp(canonicalJson(a), canonicalJson(b)));
    return items;
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, canonicalValue(v, k)]),
    );
  }
  return value;
}

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The canonical text the hash is computed over (exported for tests and for explaining a mismatch). */
export function canonicalPlan(operations: Operation[]): string {
  const ops = [...operations].sort((a, b) => cmp(a.id, b.id)).map((op) => canonicalOperation(op));
  return canonicalJson(ops);
}

/**
 * One operation in canonical form; `withDeps: false` leaves out what it waits for, which shrinks
 * as earlier operations complete while the operation itself stays the same.
 */
export function canonicalOperation(op: Operation, withDeps = true): Record<string, unknown> {
  assertNoSecrets(op.details, op.id);
  return {
    id: op.id,
    action: op.action,
    type: op.type,
    name: op.name,
    details: canonicalValue(op.details),
    ...(withDeps ? { dependsOn: canonicalValue(op.dependsOn, 'dependsOn') } : {}),
  };
}

export function planHash(operations: Operation[], repo: string): string {
  const h = createHash('sha256');
  h.update(`${VERSION}\n${repo}\n`);
  h.update(canonicalPlan(operations));
  return h.digest('hex');
}
