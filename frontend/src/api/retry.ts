// Retrying a command that is safe to repeat (it carries a client id, or it is idempotent by nature)
// when the server could not take it: a 503 (the database is away for a moment), a 502/504 from a
// proxy whose instance is restarting, or no answer at all (offline, connection dropped). Waits grow
// exponentially with jitter, so clients that failed together do not come back together, and never
// come sooner than the server's Retry-After. Anything else (a 4xx, a 500) is not retried: repeating
// it would only fail again.
import { ApiError } from './errors';

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The wait before the second try; doubled for each one after, up to `maxDelayMs`. */
  baseDelayMs: number;
  maxDelayMs: number;
  random?: () => number;
  /** Resolves after `ms`, or earlier when the browser comes back online. */
  sleep?: (ms: number) => Promise<void>;
}

/** About half a minute of trying (0.5, 1, 2, 4, 8, 8, 8 s, each with jitter) before giving up. */
export const SEND_RETRY: RetryPolicy = { attempts: 8, baseDelayMs: 500, maxDelayMs: 8_000 };

const RETRIED_STATUSES = new Set([0, 502, 503, 504]);

export function isRetryable(error: unknown): boolean {
  return error instanceof ApiError && RETRIED_STATUSES.has(error.status);
}

/** How long to wait after failed try number `attempt` (1 = the first try). */
export function retryDelayMs(error: unknown, attempt: number, policy: RetryPolicy): number {
  const random = policy.random ?? Math.random;
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  // "Equal jitter": half the delay fixed, half random.
  const jittered = exponential / 2 + random() * (exponential / 2);
  const retryAfter = error instanceof ApiError ? error.retryAfterSeconds : null;
  if (retryAfter === null) return jittered;
  // Not before the server said; spread over the next quarter second so waiters do not return at once.
  return Math.max(jittered, retryAfter * 1000 + random() * 250);
}

/** Sleeps `ms`, waking early if the browser reports it is back online. */
export function sleepUnlessOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      if (typeof window !== 'undefined') window.removeEventListener('online', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (typeof window !== 'undefined') window.addEventListener('online', done);
  });
}

/** Runs `call`, retrying it under `policy` while it fails retryably; throws the last error. */
export async function withRetry<T>(call: () => Promise<T>, policy: RetryPolicy = SEND_RETRY): Promise<T> {
  const sleep = policy.sleep ?? sleepUnlessOnline;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= policy.attempts || !isRetryable(error)) throw error;
      await sleep(retryDelayMs(error, attempt, policy));
    }
  }
}
