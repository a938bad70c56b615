/**
 * {@link ConnectionWatch}: the timers around one stream's connection: the connect timeout, liveness (a connection
 * that receives nothing for 3x the heartbeat interval is dead; a probe goes out at each interval), the healthy
 * timer that resets the backoff, and the pending retry.
 */
import type { Clock, TimerHandle } from '../clock';

/** What a live connection's timers report. */
export interface LiveHooks {
  /** The connection these timers watch is still the current one. */
  current(): boolean;
  /** When anything last arrived on it, ms since epoch. */
  lastActivityAt(): number | undefined;
  /** Nothing arrived for 3x the heartbeat interval. */
  dead(silentMs: number): void;
  /** One heartbeat interval passed: send a keep-alive probe. */
  ping(): void;
  /** The connection stayed up for the healthy interval. */
  healthy(): void;
}

/** The timers of one stream's connection; every method replaces the timer it arms. */
export class ConnectionWatch {
  /** The heartbeat interval in force, ms: the server's announced one, else the default. */
  heartbeatMs: number;
  private connectTimer: TimerHandle | undefined;
  private livenessTimer: TimerHandle | undefined;
  private healthyTimer: TimerHandle | undefined;
  private retryTimer: TimerHandle | undefined;

  /** @param defaultHeartbeatMs liveness interval when the server announces none, ms. */
  constructor(
    private readonly clock: Clock,
    private readonly defaultHeartbeatMs: number,
  ) {
    this.heartbeatMs = defaultHeartbeatMs;
  }

  /** An attempt starts: `timedOut` runs unless it goes live within `ms`. */
  connecting(ms: number, timedOut: () => void): void {
    this.clock.clearTimeout(this.connectTimer);
    this.connectTimer = this.clock.setTimeout(timedOut, ms);
  }

  /** The connection is live: the connect timeout stops, liveness and the healthy timer start. */
  live(announcedHeartbeatMs: number | undefined, healthyAfterMs: number, hooks: LiveHooks): void {
    this.clock.clearTimeout(this.connectTimer);
    this.heartbeatMs = announcedHeartbeatMs && announcedHeartbeatMs > 0 ? announcedHeartbeatMs : this.defaultHeartbeatMs;
    this.scheduleLiveness(hooks);
    this.clock.clearTimeout(this.healthyTimer);
    this.healthyTimer = this.clock.setTimeout(() => {
      if (hooks.current()) hooks.healthy();
    }, healthyAfterMs);
  }

  /** Runs `fn` after `ms` (an automatic reconnect). */
  retry(ms: number, fn: () => void): void {
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = this.clock.setTimeout(() => {
      this.retryTimer = undefined;
      fn();
    }, ms);
  }

  /** Cancels a pending retry. */
  cancelRetry(): void {
    this.clock.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Stops the connect, liveness and healthy timers (the connection ended). */
  stop(): void {
    this.clock.clearTimeout(this.connectTimer);
    this.clock.clearTimeout(this.livenessTimer);
    this.clock.clearTimeout(this.healthyTimer);
    this.connectTimer = this.livenessTimer = this.healthyTimer = undefined;
  }

  private scheduleLiveness(hooks: LiveHooks): void {
    this.clock.clearTimeout(this.livenessTimer);
    this.livenessTimer = this.clock.setTimeout(() => {
      if (!hooks.current()) return;
      const now = this.clock.now();
      const silentMs = now - (hooks.lastActivityAt() ?? now);
      if (silentMs >= 3 * this.heartbeatMs) {
        hooks.dead(silentMs);
        return;
      }
      hooks.ping();
      this.scheduleLiveness(hooks);
    }, this.heartbeatMs);
  }
}
