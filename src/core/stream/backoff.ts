/**
 * Reconnect policy shared by every transport: exponential backoff with full jitter.
 * Pure arithmetic; the caller asks its clock to wait.
 */

/** Reconnect policy. All durations in milliseconds. */
export interface BackoffPolicy {
  /** First retry's upper bound (default 1,000 ms). */
  baseMs: number;
  /** Upper bound for any single delay (default 30,000 ms). */
  maxMs: number;
  /** A connection that stayed healthy this long resets the attempt counter (default 10,000 ms). */
  resetAfterMs: number;
}

/** The defaults: 1 s base, 30 s cap, reset after 10 s healthy. */
export const defaultBackoff: BackoffPolicy = { baseMs: 1_000, maxMs: 30_000, resetAfterMs: 10_000 };

/**
 * Delay before reconnect attempt number `attempt` (0-based: 0 is the first retry after a drop).
 * Full jitter: uniform in [0, min(maxMs, baseMs * 2^attempt)), with a floor of `baseMs / 10` so a jitter draw near
 * zero never turns into a tight loop against a dead server. `random` returns a number in [0, 1).
 */
export function nextDelay(attempt: number, policy: BackoffPolicy = defaultBackoff, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxMs, policy.baseMs * Math.pow(2, Math.max(0, Math.min(attempt, 30))));
  const floor = Math.min(exp, Math.max(1, Math.floor(policy.baseMs / 10)));
  return Math.max(floor, Math.floor(random() * exp));
}
