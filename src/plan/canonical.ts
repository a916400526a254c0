/**
 * Canonical forms: JSON with sorted keys (stable text for hashing and documents), and the
 * semantic form of a policy document, in which formatting, key order, a single string versus a
 * one-element list, duplicate values, statement order and the case of actions do not count.
 */
import type { PolicyDocument } from '../model/policy.js';

/** JSON with object keys sorted at every level; no whitespace. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Two-space indented JSON with sorted keys, for reviewers and diffs. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(JSON.parse(canonicalJson(value)), null, 2);
}

const sortedSet = (values: unknown[], lower = false): unknown[] => {
  const mapped = values.map((v) => (lower && typeof v === 'string' ? v.toLowerCase() : v));
  const unique = [...new Map(mapped.map((v) => [canonicalJson(v), v])).entries()];
  return unique.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v);
};

const asList = (v: unknown): unknown[] => (Array.isArray(v) ? v : [v]);

/** Action names are case-insensitive in IAM; resources and condition values are not. */
const LOWERCASE_ELEMENTS = new Set(['Action', 'NotAction']);
const SET_ELEMENTS = new Set(['Action', 'NotAction', 'Resource', 'NotResource']);

function normalizeCondition(cond: unknown): unknown {
  if (!cond || typeof cond !== 'object') return cond;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [op, block] of Object.entries(cond as Record<string, unknown>)) {
    const keys: Record<string, unknown> = {};
    for (const [key, value] of Object.entries((block ?? {}) as Record<string, unknown>)) {
      // Condition key names are case-insensitive; their values are compared as written.
      keys[key.toLowerCase()] = sortedSet(asList(value).map((v) => (typeof v === 'string' ? v : String(v))));
    }
    out[op] = keys;
  }
  return out;
}

function normalizeStatement(stmt: unknown): unknown {
  if (!stmt || typeof stmt !== 'object') return stmt;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(stmt as Record<string, unknown>)) {
    if (SET_ELEMENTS.has(key)) out[key] = sortedSet(asList(value), LOWERCASE_ELEMENTS.has(key));
    else if (key === 'Condition') out[key] = normalizeCondition(value);
    else out[key] = value;
  }
  return out;
}

/** The document reduced to what IAM evaluates. */
export function semanticPolicy(doc: PolicyDocument | unknown): unknown {
  if (!doc || typeof doc !== 'object') return doc;
  const d = doc as Record<string, unknown>;
  const statements = asList(d.Statement ?? []).map(normalizeStatement);
  return { ...d, Statement: sortedSet(statements) };
}

export function samePolicy(a: unknown, b: unknown): boolean {
  return canonicalJson(semanticPolicy(a)) === canonicalJson(semanticPolicy(b));
}

/** The order IAM's own editor and documentation write a policy's keys in. */
const IAM_KEY_ORDER = [
  'Version',
  'Id',
  'Statement',
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];
const iamRank = (k: string): number => {
  const i = IAM_KEY_ORDER.indexOf(k);
  return i < 0 ? IAM_KEY_ORDER.length : i;
};

function iamOrdered(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(iamOrdered);
  if (!value || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    // IAM's elements in IAM's order; anything else (condition operators and keys) alphabetically.
    .sort(([a], [b]) => iamRank(a) - iamRank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, iamOrdered(v)]));
}

/**
 * Two-space indented policy JSON in IAM's key order (Version, Statement, Sid, Effect, Principal,
 * …, Condition), the same for the same document whatever order its file used: diffs show only
 * what changed, in the order reviewers know from the console.
 */
export function policyJson(value: unknown): string {
  return JSON.stringify(iamOrdered(value), null, 2);
}
