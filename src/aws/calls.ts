/**
 * Every AWS call the tool makes passes through one middleware that counts it per operation
 * (`stats.awsCalls`) and, when asked, records it: tests assert on recorded requests where the
 * emulator is lax, and the role-policy check replays recorded calls against the shipped roles.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';

/** The kind of work the calls made inside `inCallScope` belong to (the apply's operation type). */
const scope = new AsyncLocalStorage<string>();

/** Runs `fn` so that every AWS call it makes is also counted under `name` (CallLog.byScope). */
export function inCallScope<T>(name: string, fn: () => T): T {
  return scope.run(name, fn);
}

export interface RecordedCall {
  /** IAM service prefix: iam, s3, ses, cloudtrail, logs, cloudwatch, sns, sts. */
  service: string;
  /** API operation name, e.g. `CreateUser`. */
  operation: string;
  /** The request input with secret fields redacted. */
  input: Record<string, unknown>;
}

/** Fields that may carry secrets; they never reach a recording. */
const SECRET_FIELDS = new Set([
  'Password',
  'NewPassword',
  'OldPassword',
  'WebIdentityToken',
  'SecretAccessKey',
]);

export function redact(input: unknown): Record<string, unknown> {
  if (!input || typeof input !== 'object') return {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    out[k] = SECRET_FIELDS.has(k) ? '***' : v;
  }
  return out;
}

export class CallLog {
  readonly counts: Record<string, number> = {};
  /** Calls per scope (see inCallScope), e.g. `{email: 2000, user: 1000}`. */
  readonly byScope: Record<string, number> = {};
  readonly calls: RecordedCall[] = [];
  /** When set, every call is appended to this file as one JSON line (used by end-to-end tests). */
  constructor(private readonly file: string | undefined = process.env.IAM_GITOPS_CALL_LOG) {}

  record(service: string, operation: string, input: unknown): void {
    const key = `${service}:${operation}`;
    this.counts[key] = (this.counts[key] ?? 0) + 1;
    const within = scope.getStore();
    if (within !== undefined) this.byScope[within] = (this.byScope[within] ?? 0) + 1;
    const call: RecordedCall = { service, operation, input: redact(input) };
    this.calls.push(call);
    if (this.file) appendFileSync(this.file, JSON.stringify(call) + '\n');
  }

  /** Counts sorted by key, for stable output. */
  snapshot(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.counts).sort(([a], [b]) => a.localeCompare(b)));
  }

  /** What happened between two snapshots (of counts or byScope): the positive differences. */
  static since(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, n] of Object.entries(after).sort(([a], [b]) => a.localeCompare(b))) {
      const d = n - (before[k] ?? 0);
      if (d > 0) out[k] = d;
    }
    return out;
  }

  total(): number {
    return Object.values(this.counts).reduce((a, b) => a + b, 0);
  }

  /** Calls whose operation is not a read (Get/List/Describe/Head/Test/…). */
  writes(): RecordedCall[] {
    return this.calls.filter((c) => !isReadOperation(c.operation));
  }
}

const READ_PREFIXES = ['Get', 'List', 'Describe', 'Head', 'Test', 'Generate', 'Lookup', 'Simulate'];

export function isReadOperation(operation: string): boolean {
  return READ_PREFIXES.some((p) => operation.startsWith(p)) || operation === 'AssumeRoleWithWebIdentity';
}
