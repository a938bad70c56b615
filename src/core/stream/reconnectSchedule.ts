/**
 * {@link ReconnectSchedule}: how long a stream waits before each automatic reconnect: exponential backoff with full
 * jitter ({@link nextDelay}), never shorter than the last retry delay the server asked for.
 */
import { nextDelay, type BackoffPolicy } from './backoff';

/** The backoff policy of one stream and the server's retry hint. Delays in ms. */
export class ReconnectSchedule {
  private hintMs = 0;

  /** @param random a source in [0, 1) for the jitter (tests pass a fixed one). */
  constructor(
    private readonly policy: BackoffPolicy,
    private readonly random: () => number,
  ) {}

  /** How long a connection must stay up before the attempt count starts again. */
  get resetAfterMs(): number {
    return this.policy.resetAfterMs;
  }

  /** The server asked for this delay (SSE `retry:`): later delays are at least this, capped at the policy's maximum. Negative values are ignored. */
  hint(ms: number): void {
    if (ms >= 0) this.hintMs = Math.min(ms, this.policy.maxMs);
  }

  /** Forgets the server's hint (a connect by the user). */
  clearHint(): void {
    this.hintMs = 0;
  }

  /** The wait before the next attempt, after `attempt` failed ones. */
  delay(attempt: number): number {
    return Math.max(this.hintMs, nextDelay(attempt, this.policy, this.random));
  }
}
