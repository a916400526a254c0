/**
 * Jittered exponential backoff around a whole step (an apply operation, the OIDC exchange).
 * The SDK's adaptive retry already retries single calls; this outer loop covers the case where
 * the SDK gives up during a burst of throttling or 5xx, and restarts a step that is idempotent.
 * Client errors (4xx) other than throttling are never retried: they will not get better.
 */
import { errorCode, errorMessage } from './clients.js';

export interface RetryOptions {
  /** Total attempts, the first included. Default 5. */
  maxAttempts?: number;
  /** Base delay in ms; attempt n waits random × base × 2^n, capped by maxDelayMs. Default 100. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injectable so tests do not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable jitter source in [0, 1). */
  random?: () => number;
  isRetryable?: (err: unknown) => boolean;
  /** Told about every retry (attempt is the one that just failed, 1-based). */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
}

const THROTTLING_CODES = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
]);

const TRANSIENT_CODES = new Set([
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'ServiceFailure',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
  'ECONNRESET',
  'ECONNREFUSED',
  'EPIPE',
  'ETIMEDOUT',
]);

function httpStatus(err: unknown): number | undefined {
  if (err && typeof err === 'object' && '$metadata' in err) {
    const meta = (err as { $metadata?: { httpStatusCode?: number } }).$metadata;
    return meta?.httpStatusCode;
  }
  return undefined;
}

/** Throttling, 5xx and network failures are worth another try; any other 4xx is not. */
export function isRetryableError(err: unknown): boolean {
  // errorCode covers SDK error names and Node's network codes (ECONNRESET, …) alike.
  const code = errorCode(err) ?? '';
  if (THROTTLING_CODES.has(code)) return true;
  const status = httpStatus(err);
  if (status !== undefined) return status >= 500 || status === 429;
  return TRANSIENT_CODES.has(code);
}

export const realSleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function withRetry<T>(fn: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const maxAttempts = Math.max(1, opts.maxAttempts ?? 5);
  const base = opts.baseDelayMs ?? 100;
  const cap = opts.maxDelayMs ?? 10_000;
  const sleep = opts.sleep ?? realSleep;
  const random = opts.random ?? Math.random;
  const retryable = opts.isRetryable ?? isRetryableError;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (attempt >= maxAttempts || !retryable(err)) throw err;
      // Full jitter: spreads retries of concurrent steps so they do not throttle each other again.
      const delay = Math.floor(random() * Math.min(cap, base * 2 ** attempt));
      opts.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}

/** A one-line description of a retry, for logs. */
export function describeRetry(err: unknown, attempt: number, delayMs: number): string {
  return `attempt ${attempt} failed (${errorMessage(err)}); retrying in ${delayMs} ms`;
}
