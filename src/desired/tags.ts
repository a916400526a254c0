/** The CSV `tags` cell (`k=v;k2=v2`) checked against IAM's tag rules and the tool's own keys. */

/** IAM allows at most 50 tags per user; the tool adds `managed-by`, `role` and `iam-gitops:welcome`. */
export const MAX_USER_TAGS = 50;
const TAG_CHARS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const TOOL_KEYS = new Set(['managed-by', 'role']);

export function parseTags(cell: string): { tags: Record<string, string>; problems: string[] } {
  const tags: Record<string, string> = {};
  const problems: string[] = [];
  const seen = new Map<string, string>();
  for (const raw of cell.split(';')) {
    const part = raw.trim();
    if (part === '') continue;
    const eq = part.indexOf('=');
    if (eq < 0) {
      problems.push(`tag '${part}' has no value; write key=value (an empty value is key=)`);
      continue;
    }
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    const keyProblem = checkTagKey(key);
    if (keyProblem) {
      problems.push(keyProblem);
      continue;
    }
    const valueProblem = checkTagValue(key, value);
    if (valueProblem) problems.push(valueProblem);
    const first = seen.get(key.toLowerCase());
    if (first !== undefined) {
      problems.push(`tag key '${key}' appears twice (tag keys are case-insensitive: '${first}'); keep one`);
      continue;
    }
    seen.set(key.toLowerCase(), key);
    if (!valueProblem) tags[key] = value;
  }
  return { tags, problems };
}

export function checkTagKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  if (key === '') return `a tag has an empty key; write key=value`;
  if (key.length > 128) return `tag key '${key.slice(0, 20)}…' is ${key.length} characters; the limit is 128`;
  if (!TAG_CHARS.test(key)) {
    return `tag key '${key}' has characters IAM rejects; use letters, digits, spaces and _ . : / = + - @`;
  }
  if (lower.startsWith('aws:')) return `tag key '${key}': the aws: prefix is reserved by AWS`;
  if (TOOL_KEYS.has(lower)) {
    return lower === 'role'
      ? `tag key 'role' is set by iam-gitops from the role column; put the role there instead`
      : `tag key '${key}' is reserved by iam-gitops, which sets it itself`;
  }
  if (lower.startsWith('iam-gitops:'))
    return `tag key '${key}': the iam-gitops: prefix is reserved by iam-gitops`;
  return undefined;
}

/** Tag values (also the role column, stored as tag `role`). */
export function checkTagValue(key: string, value: string): string | undefined {
  if (value.length > 256) return `tag '${key}' value is ${value.length} characters; the limit is 256`;
  if (!TAG_CHARS.test(value)) {
    return `tag '${key}' value '${value}' has characters IAM rejects; use letters, digits, spaces and _ . : / = + - @`;
  }
  return undefined;
}
