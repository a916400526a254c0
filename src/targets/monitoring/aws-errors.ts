/** AWS error matching that survives the SDK's two spellings (`NoSuchEntity` / `NoSuchEntityException`). */
import { errorMessage } from '../../aws/clients.js';

export function hasCode(err: unknown, ...codes: string[]): boolean {
  if (!err || typeof err !== 'object') return false;
  const e = err as { name?: string; Code?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const seen = [e.name, e.Code, e.code].filter(Boolean).map((c) => String(c).replace(/Exception$/, ''));
  return codes.some((c) => seen.includes(c.replace(/Exception$/, '')));
}

export function httpStatus(err: unknown): number | undefined {
  return (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

/** Runs a read; a "not found" answer (by code or HTTP 404) becomes `fallback`. */
export async function orMissing<T, F>(
  read: () => Promise<T>,
  fallback: F,
  notFoundCodes: string[],
): Promise<T | F> {
  try {
    return await read();
  } catch (err) {
    if (hasCode(err, ...notFoundCodes) || httpStatus(err) === 404) return fallback;
    throw err;
  }
}

/** Rethrows with what was being done, so a failed read names the resource. */
export async function withContext<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const wrapped = new Error(`${what}: ${errorMessage(err)}`, { cause: err });
    throw wrapped;
  }
}

export function tagMap(
  tags: Array<{ Key?: string; Value?: string }> | Record<string, string> | undefined | null,
): Record<string, string> {
  if (!tags) return {};
  if (Array.isArray(tags)) {
    return Object.fromEntries(tags.filter((t) => t.Key !== undefined).map((t) => [t.Key!, t.Value ?? '']));
  }
  return { ...tags };
}
