// Reconnect delays: exponential from `baseMs`, capped at `capMs`, with jitter so a server restart
// is not met by every tab at the same instant.

export interface BackoffOptions {
  baseMs: number;
  capMs: number;
  /**
   * Fraction of the delay taken off at random: a delay of `d` becomes a value in
   * `[d * (1 - jitter), d]`. With 0.25 the ranges of consecutive attempts never overlap below the
   * cap, so every retry waits longer than the one before it, yet tabs still spread out.
   */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, capMs: 30_000, jitter: 0.25 };

/**
 * The delay before retry number `attempt` (0 for the first retry after a good connection):
 * `min(cap, base * 2^attempt)`, minus up to `jitter` of it. `random` returns a number in [0, 1).
 */
export function backoffDelay(attempt: number, random: () => number = Math.random, options: BackoffOptions = DEFAULT_BACKOFF): number {
  const exponent = Math.min(Math.max(0, Math.floor(attempt)), 30);
  const ceiling = Math.min(options.capMs, options.baseMs * 2 ** exponent);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * (1 - options.jitter * r));
}
