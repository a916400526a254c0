/**
 * Decides what can be decided about a statement's Condition without a request: dates
 * against an injected "now", keys that are always present with a fixed value, keys whose value
 * is fixed for an IAM user (the only principal the repository's policies are attached to), and
 * `iam:PassedToService`, which the PassRole analysis reads as a constraint.
 */
import { matchesWildcard } from '../catalog/wildcard.js';
import type { ConditionBlock } from '../model/policy.js';

export interface ConditionVerdict {
  /** always: the statement applies to every request; never: to none; conditional: it depends. */
  status: 'always' | 'never' | 'conditional';
  /** Readable descriptions of the undecided conditions that gate the statement. */
  gates: string[];
  /** Patterns of `iam:PassedToService` (StringEquals/StringLike), when present. */
  passedToService?: string[];
  /** Patterns of `iam:PolicyARN`, when present. */
  policyArns?: string[];
}

const DATE_KEYS = new Set(['aws:currenttime', 'aws:tokenissuetime', 'aws:epochtime']);
/** Session tokens live at most 36 hours; dates closer to now than this are not decided. */
const MARGIN_MS = 2 * 24 * 3600 * 1000;

function values(v: unknown): string[] {
  return (Array.isArray(v) ? v : [v]).map((x) => String(x));
}

function parseDate(v: string): number | undefined {
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : t;
}

type Outcome = 'always' | 'never' | 'conditional';

function dateOutcome(op: string, vals: string[], now: number): Outcome {
  const dates = vals.map(parseDate);
  if (dates.some((d) => d === undefined)) return 'conditional';
  // Several values are ORed: the condition holds if it holds for one of them.
  const each = (dates as number[]).map((d): Outcome => {
    const past = d < now - MARGIN_MS;
    const future = d > now + MARGIN_MS;
    if (op === 'dategreaterthan' || op === 'dategreaterthanequals') {
      return past ? 'always' : 'conditional';
    }
    if (op === 'datelessthan' || op === 'datelessthanequals') {
      // A past end date can never hold again; a future one holds today (and ends later).
      return past ? 'never' : future ? 'always' : 'conditional';
    }
    return 'conditional';
  });
  if (each.includes('always')) return 'always';
  if (each.every((o) => o === 'never')) return 'never';
  return 'conditional';
}

/**
 * Keys with a fixed value for an IAM user's own requests: aws:PrincipalType is `User`,
 * aws:PrincipalArn a `user/` ARN, aws:userid an `AIDA…` id, aws:PrincipalIsAWSService false;
 * keys only role sessions or federated principals carry (aws:FederatedProvider,
 * aws:SourceIdentity, aws:PrincipalServiceName) are absent. undefined: not such a key or an
 * operator this does not decide.
 */
function userKeyOutcome(
  op: string,
  key: string,
  vals: string[],
  setOp: boolean,
  ifExists: boolean,
): Outcome | undefined {
  if (setOp) return undefined;
  const lower = vals.map((v) => v.toLowerCase());
  const like = op.includes('like');
  const positive = /^(string|arn)(equals|like)$|^stringequalsignorecase$/.test(op);
  const negative = /^(string|arn)not(equals|like)$|^stringnotequalsignorecase$/.test(op);
  /** Each value: sure to match the user's value (true), sure not to (false), or it depends. */
  const decide = (match: (v: string) => boolean | 'maybe'): Outcome | undefined => {
    if (!positive && !negative) return undefined;
    const each = lower.map(match);
    if (positive)
      return each.includes(true) ? 'always' : each.every((x) => x === false) ? 'never' : 'conditional';
    return each.includes(true) ? 'never' : each.every((x) => x === false) ? 'always' : 'conditional';
  };
  switch (key) {
    case 'aws:principaltype':
      return decide((v) => (like ? matchesWildcard(v, 'user') : v === 'user'));
    case 'aws:principalarn':
      // A role, an assumed role, the root or a federated user never is an IAM user's ARN.
      return decide((v) =>
        /^arn:[^:]*:(iam|sts)::[^:]*:(role|assumed-role|federated-user|group|policy)\//.test(v) ||
        /^arn:[^:]*:iam::[^:]*:root$/.test(v)
          ? false
          : 'maybe',
      );
    case 'aws:userid':
      // Role sessions are AROA…:session, IAM users AIDA….
      return decide((v) => (/^aroa/.test(v) ? false : 'maybe'));
    case 'aws:principalisawsservice':
      if (op !== 'bool') return undefined;
      if (lower.every((v) => v === 'true')) return 'never';
      return lower.every((v) => v === 'false') ? 'always' : undefined;
    case 'aws:federatedprovider':
    case 'aws:sourceidentity':
    case 'aws:principalservicename':
      // Absent for a user: a positive operator fails; IfExists or a negated one holds.
      if (op === 'null') return lower.every((v) => v === 'true') ? 'always' : 'never';
      if (ifExists || negative) return 'always';
      return positive ? 'never' : undefined;
    default:
      return undefined;
  }
}

/** Evaluates one Condition block against `now` (milliseconds since the epoch). */
export function evaluateCondition(cond: ConditionBlock | undefined, now: number): ConditionVerdict {
  const verdict: ConditionVerdict = { status: 'always', gates: [] };
  if (!cond || typeof cond !== 'object') return verdict;
  let never = false;
  for (const [rawOp, block] of Object.entries(cond)) {
    if (!block || typeof block !== 'object') continue;
    const setOp = /^(ForAllValues|ForAnyValue):/i.test(rawOp);
    const ifExists = /IfExists$/i.test(rawOp);
    const op = rawOp
      .replace(/^(ForAllValues|ForAnyValue):/i, '')
      .replace(/IfExists$/i, '')
      .toLowerCase();
    for (const [rawKey, rawVal] of Object.entries(block)) {
      const key = rawKey.toLowerCase();
      const vals = values(rawVal);
      const describe = `${rawOp} ${rawKey} ${JSON.stringify(rawVal)}`;
      if (!setOp && (op === 'stringequals' || op === 'stringlike') && key === 'iam:passedtoservice') {
        verdict.passedToService = [...(verdict.passedToService ?? []), ...vals];
        continue;
      }
      if (!setOp && /^(arn|string)(equals|like)$/.test(op) && key === 'iam:policyarn') {
        verdict.policyArns = [...(verdict.policyArns ?? []), ...vals];
        verdict.gates.push(describe);
        continue;
      }
      if (!setOp && !ifExists && DATE_KEYS.has(key)) {
        const o = dateOutcome(op, vals, now);
        if (o === 'never') never = true;
        else if (o === 'conditional') verdict.gates.push(describe);
        continue;
      }
      const user = userKeyOutcome(op, key, vals, setOp, ifExists);
      if (user !== undefined) {
        if (user === 'never') never = true;
        else if (user === 'conditional') verdict.gates.push(describe);
        continue;
      }
      // Every AWS API endpoint is HTTPS: SecureTransport is always true for API calls.
      if (op === 'bool' && key === 'aws:securetransport') {
        if (vals.every((v) => v.toLowerCase() === 'false')) never = true;
        continue;
      }
      verdict.gates.push(describe);
    }
  }
  verdict.status = never ? 'never' : verdict.gates.length ? 'conditional' : 'always';
  return verdict;
}
