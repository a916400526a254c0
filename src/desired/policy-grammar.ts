/**
 * The identity-policy grammar IAM enforces on CreatePolicy, checked on the parse tree so each
 * problem points at its line. Whether actions exist is the lint's business, not this file's.
 */
import type { Node } from 'jsonc-parser';
import { closest } from '../suggest.js';
import { property } from './locate.js';

export interface GrammarProblem {
  offset: number;
  message: string;
}

const TOP_KEYS = ['Version', 'Id', 'Statement'];
const STATEMENT_KEYS = ['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition'];
const CONDITION_OPERATORS = [
  'StringEquals', 'StringNotEquals', 'StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'StringLike',
  'StringNotLike', 'NumericEquals', 'NumericNotEquals', 'NumericLessThan', 'NumericLessThanEquals',
  'NumericGreaterThan', 'NumericGreaterThanEquals', 'DateEquals', 'DateNotEquals', 'DateLessThan',
  'DateLessThanEquals', 'DateGreaterThan', 'DateGreaterThanEquals', 'Bool', 'BinaryEquals', 'IpAddress',
  'NotIpAddress', 'ArnEquals', 'ArnLike', 'ArnNotEquals', 'ArnNotLike', 'Null',
]; // prettier-ignore
const ACTION = /^(\*|[A-Za-z0-9-]+:[A-Za-z0-9*?]+)$/;

export function checkPolicyGrammar(root: Node): GrammarProblem[] {
  const problems: GrammarProblem[] = [];
  const add = (node: Node, message: string) => problems.push({ offset: node.offset, message });
  checkDuplicateKeys(root, add);
  if (root.type !== 'object') {
    add(root, 'a policy document must be a JSON object {"Version": "2012-10-17", "Statement": [...]}');
    return problems;
  }
  unknownKeys(root, TOP_KEYS, 'policy document', add);
  const version = property(root, 'Version');
  if (!version)
    add(root, 'Version is missing; add "Version": "2012-10-17" (without it IAM ignores policy variables)');
  else if (version.value !== '2012-10-17') {
    add(version, `Version must be "2012-10-17" (got ${JSON.stringify(version.value)})`);
  }
  const stmt = property(root, 'Statement');
  if (!stmt) {
    add(root, 'Statement is missing; add "Statement": [{"Effect": "Allow", "Action": …, "Resource": …}]');
    return problems;
  }
  const statements = stmt.type === 'array' ? (stmt.children ?? []) : [stmt];
  if (stmt.type === 'array' && statements.length === 0)
    add(stmt, 'Statement is an empty list; add a statement');
  const sids = new Map<string, Node>();
  statements.forEach((s, i) => checkStatement(s, i, sids, add));
  return problems;
}

type Add = (node: Node, message: string) => void;

function checkStatement(s: Node, i: number, sids: Map<string, Node>, add: Add): void {
  const label = `Statement ${i + 1}`;
  if (s.type !== 'object')
    return add(s, `${label} must be an object {"Effect": …, "Action": …, "Resource": …}`);
  for (const key of ['Principal', 'NotPrincipal']) {
    const p = keyNode(s, key);
    if (p)
      add(
        p,
        `${label}: ${key} is not allowed in an identity policy (it is for resource policies); remove it`,
      );
  }
  unknownKeys(s, [...STATEMENT_KEYS, 'Principal', 'NotPrincipal'], label, add);
  const sid = property(s, 'Sid');
  if (sid) {
    if (sid.type !== 'string' || !/^[A-Za-z0-9]+$/.test(sid.value)) {
      add(sid, `${label}: Sid must be letters and digits only (got ${JSON.stringify(sid.value)})`);
    } else if (sids.has(sid.value))
      add(sid, `${label}: Sid '${sid.value}' is used by another statement; Sids must be unique`);
    else sids.set(sid.value, sid);
  }
  const effect = property(s, 'Effect');
  if (!effect) add(s, `${label}: Effect is missing; add "Effect": "Allow" or "Deny"`);
  else if (effect.value !== 'Allow' && effect.value !== 'Deny') {
    add(
      effect,
      `${label}: Effect must be "Allow" or "Deny" (case-sensitive; got ${JSON.stringify(effect.value)})`,
    );
  }
  exactlyOne(s, label, 'Action', 'NotAction', add);
  exactlyOne(s, label, 'Resource', 'NotResource', add);
  for (const key of ['Action', 'NotAction'])
    stringList(s, label, key, add, (v) =>
      ACTION.test(v) ? undefined : `'${v}' is not an action; write service:Action (s3:GetObject) or *`,
    );
  for (const key of ['Resource', 'NotResource'])
    stringList(s, label, key, add, (v) =>
      v === '*' || v.startsWith('arn:')
        ? undefined
        : `'${v}' is not a resource; write an ARN (arn:aws:…) or *`,
    );
  const cond = property(s, 'Condition');
  if (cond) checkCondition(cond, label, add);
}

function exactlyOne(s: Node, label: string, a: string, b: string, add: Add): void {
  const hasA = property(s, a);
  const hasB = property(s, b);
  if (!hasA && !hasB) add(s, `${label}: needs ${a} (or ${b})`);
  if (hasA && hasB) add(keyNode(s, b)!, `${label}: has both ${a} and ${b}; keep one`);
}

function stringList(
  s: Node,
  label: string,
  key: string,
  add: Add,
  check: (v: string) => string | undefined,
): void {
  const v = property(s, key);
  if (!v) return;
  const items = v.type === 'array' ? (v.children ?? []) : [v];
  if (v.type === 'array' && items.length === 0) add(v, `${label}: ${key} is an empty list`);
  for (const item of items) {
    if (item.type !== 'string') add(item, `${label}: ${key} must be a string or a list of strings`);
    else {
      const problem = check(item.value as string);
      if (problem) add(item, `${label}: ${key} ${problem}`);
    }
  }
}

function checkCondition(cond: Node, label: string, add: Add): void {
  if (cond.type !== 'object')
    return add(cond, `${label}: Condition must be an object {"Operator": {"key": "value"}}`);
  for (const p of cond.children ?? []) {
    const [k, v] = p.children ?? [];
    const op = String(k?.value);
    const base = op.replace(/^(ForAllValues|ForAnyValue):/, '').replace(/IfExists$/, '');
    if (!CONDITION_OPERATORS.includes(base) || (base === 'Null' && op.endsWith('IfExists'))) {
      const near = closest(base, CONDITION_OPERATORS);
      add(k!, `${label}: unknown condition operator '${op}'` + (near ? `; did you mean '${near}'?` : ''));
    }
    if (!v || v.type !== 'object') {
      add(v ?? k!, `${label}: Condition.${op} must be an object {"condition-key": value}`);
      continue;
    }
    for (const entry of v.children ?? []) {
      const value = entry.children?.[1];
      const scalars = value?.type === 'array' ? (value.children ?? []) : value ? [value] : [];
      const bad = scalars.find((n) => !['string', 'number', 'boolean'].includes(n.type));
      if (bad || (value?.type === 'array' && scalars.length === 0)) {
        add(
          bad ?? value!,
          `${label}: condition values must be strings, numbers or booleans, or a list of them`,
        );
      }
    }
  }
}

function unknownKeys(obj: Node, known: string[], label: string, add: Add): void {
  for (const p of obj.children ?? []) {
    const key = p.children?.[0];
    if (!key || known.includes(key.value as string)) continue;
    const near = closest(key.value as string, known);
    add(
      key,
      `${label}: unknown key '${key.value}'` +
        (near ? `; did you mean '${near}'?` : `; known keys: ${known.join(', ')}`),
    );
  }
}

function keyNode(obj: Node, key: string): Node | undefined {
  return obj.children?.find((p) => p.children?.[0]?.value === key)?.children?.[0];
}

/** JSON allows duplicate keys but IAM keeps only one of them, silently: a classic lost statement. */
function checkDuplicateKeys(node: Node, add: Add): void {
  if (node.type === 'object') {
    const seen = new Set<string>();
    for (const p of node.children ?? []) {
      const key = p.children?.[0];
      if (key && seen.has(key.value as string))
        add(key, `duplicate key '${key.value}'; only one would count: merge them`);
      if (key) seen.add(key.value as string);
    }
  }
  for (const c of node.children ?? []) checkDuplicateKeys(c, add);
}
