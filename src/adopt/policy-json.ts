/** A policy document as a file: pretty JSON with keys in the order IAM and its documentation use. */
import type { PolicyDocument } from '../model/policy.js';

const TOP = ['Version', 'Id', 'Statement'];
const STATEMENT = [
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

function ordered(obj: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const rank = (k: string) => (order.includes(k) ? order.indexOf(k) : order.length);
  // Unknown keys keep their relative order after the known ones (sort is stable).
  return Object.fromEntries(Object.entries(obj).sort(([a], [b]) => rank(a) - rank(b)));
}

export function policyJson(doc: PolicyDocument): string {
  const top = ordered(doc as unknown as Record<string, unknown>, TOP);
  const s = top.Statement;
  if (Array.isArray(s)) top.Statement = s.map((x) => ordered(x as Record<string, unknown>, STATEMENT));
  else if (s && typeof s === 'object') top.Statement = ordered(s as Record<string, unknown>, STATEMENT);
  return JSON.stringify(top, null, 2) + '\n';
}
