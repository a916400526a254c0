import { isRetryableError, withRetry } from '../../../src/aws/retry.js';

const err = (name: string, status?: number) =>
  Object.assign(new Error(name), { name, ...(status ? { $metadata: { httpStatusCode: status } } : {}) });

test.each([
  ['Throttling', 400, true],
  ['ThrottlingException', 400, true],
  ['TooManyRequestsException', 429, true],
  ['ServiceUnavailable', 503, true],
  ['InternalFailure', 500, true],
  ['AccessDenied', 403, false],
  ['NoSuchEntity', 404, false],
  ['ValidationError', 400, false],
  ['LimitExceeded', 409, false],
])('%s (HTTP %i) retryable: %s', (name, status, expected) => {
  expect(isRetryableError(err(name, status))).toBe(expected);
});

test('network failures without an HTTP status are retried', () => {
  expect(isRetryableError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
  expect(isRetryableError(new Error('plain bug'))).toBe(false);
});

test('full-jitter exponential delays, capped, up to maxAttempts, then the last error', async () => {
  const delays: number[] = [];
  let calls = 0;
  const fail = () => {
    calls++;
    return Promise.reject(err('Throttling', 400));
  };
  await expect(
    withRetry(fail, {
      maxAttempts: 5,
      baseDelayMs: 100,
      maxDelayMs: 500,
      random: () => 0.999,
      sleep: async (ms) => void delays.push(ms),
    }),
  ).rejects.toMatchObject({ name: 'Throttling' });
  expect(calls).toBe(5);
  expect(delays).toEqual([199, 399, 499, 499]);
});
