import { describe, expect, it } from 'vitest';

import { ApiError } from './errors';
import { isRetryable, retryDelayMs, withRetry, type RetryPolicy } from './retry';

const unavailable = (retryAfterSeconds: number | null = null) =>
  new ApiError({ status: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database is unavailable.', retryAfterSeconds });
const offline = () => new ApiError({ status: 0, code: 'NETWORK_ERROR', message: 'Cannot reach Sanctum.' });

function policy(waits: number[], overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    attempts: 4,
    baseDelayMs: 100,
    maxDelayMs: 400,
    random: () => 0.5,
    sleep: async (ms) => {
      waits.push(ms);
    },
    ...overrides,
  };
}

describe('withRetry', () => {
  it('retries a 503 and a network error until the call succeeds', async () => {
    const waits: number[] = [];
    const failures = [unavailable(), offline()];
    let calls = 0;
    const result = await withRetry(async () => {
      calls += 1;
      const failure = failures.shift();
      if (failure) throw failure;
      return 'stored';
    }, policy(waits));

    expect(result).toBe('stored');
    expect(calls).toBe(3);
    expect(waits).toEqual([75, 150]);
  });

  it('gives up after the last attempt with the last error', async () => {
    const waits: number[] = [];
    let calls = 0;
    const attempt = withRetry(async () => {
      calls += 1;
      throw unavailable();
    }, policy(waits));

    await expect(attempt).rejects.toMatchObject({ status: 503, code: 'DATABASE_UNAVAILABLE' });
    expect(calls).toBe(4);
    expect(waits).toHaveLength(3);
  });

  it('does not retry what would fail again: a refusal or a server bug', async () => {
    for (const error of [
      new ApiError({ status: 403, code: 'NOT_A_MEMBER', message: 'no' }),
      new ApiError({ status: 500, code: 'INTERNAL_ERROR', message: 'bug' }),
    ]) {
      let calls = 0;
      await expect(
        withRetry(async () => {
          calls += 1;
          throw error;
        }, policy([])),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });
});

describe('retryDelayMs', () => {
  it('grows exponentially up to the cap, jittered within its upper half', () => {
    const low = { attempts: 9, baseDelayMs: 100, maxDelayMs: 400, random: () => 0 };
    const high = { ...low, random: () => 0.999 };
    expect([1, 2, 3, 4, 5].map((n) => retryDelayMs(offline(), n, low))).toEqual([50, 100, 200, 200, 200]);
    expect(retryDelayMs(offline(), 3, high)).toBeCloseTo(400, -1);
  });

  it('never comes back before the server said to', () => {
    const fast = { attempts: 9, baseDelayMs: 100, maxDelayMs: 400, random: () => 0 };
    expect(retryDelayMs(unavailable(2), 1, fast)).toBe(2000);
    expect(retryDelayMs(unavailable(2), 1, { ...fast, random: () => 0.5 })).toBe(2125);
    expect(isRetryable(unavailable(2))).toBe(true);
    expect(isRetryable(new Error('not an API error'))).toBe(false);
  });
});
