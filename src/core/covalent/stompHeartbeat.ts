/**
 * STOMP heart-beats as a session uses them: what CONNECTED's `heart-beat` header agrees on (spec: both sides must
 * want them, and the slower side's interval wins; STOMP 1.0 has none) and the watchdog that declares a silent
 * connection dead, on an injected {@link Clock}.
 */
import type { Clock, TimerHandle } from '../clock';

/**
 * The silence allowed before the connection is dead (ms): the agreed incoming interval times `grace`, or undefined
 * when no server heart-beats were agreed (we asked for none, the server sends none, or STOMP 1.0).
 * @param heartBeat CONNECTED's `heart-beat` header (`serverOutgoing,serverIncoming`), if any.
 * @param incomingMs how often we asked the server to send heart-beats (0 = never).
 */
export function livenessGraceMs(heartBeat: string | undefined, version: string | undefined, incomingMs: number, grace: number): number | undefined {
  const serverOutgoing = heartBeat ? parseInt(heartBeat.split(',')[0] ?? '0', 10) || 0 : 0;
  if (!(incomingMs > 0 && serverOutgoing > 0 && version !== '1.0')) return undefined;
  return Math.ceil(Math.max(incomingMs, serverOutgoing) * grace);
}

/** What the watchdog asks of its session. */
export interface WatchdogHooks {
  /** The session has ended: the watchdog stops. */
  ended(): boolean;
  /** Reading is paused by the session itself: the server's frames wait unread, so silence does not count. */
  held(): boolean;
  /** Clock time silence is counted from (the last thing received, or when reading last resumed). */
  quietSince(): number;
  /** Nothing arrived for `idleMs`, past the allowed `graceMs`. */
  dead(idleMs: number, graceMs: number): void;
}

/** Declares a connection dead after `graceMs` of silence; checks again when the silence so far is shorter. */
export class StompWatchdog {
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly hooks: WatchdogHooks,
  ) {}

  /** Starts watching with `graceMs` allowed (ms); the first check is `graceMs` from now. */
  start(graceMs: number): void {
    this.schedule(graceMs, graceMs);
  }

  /** Stops watching. */
  stop(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(delayMs: number, graceMs: number): void {
    this.timer = this.clock.setTimeout(() => {
      this.timer = undefined;
      if (this.hooks.ended()) return;
      if (this.hooks.held()) {
        // our own pause: the server's frames wait in the socket, unread
        this.schedule(graceMs, graceMs);
        return;
      }
      const idle = this.clock.now() - this.hooks.quietSince();
      if (idle >= graceMs) this.hooks.dead(idle, graceMs);
      else this.schedule(graceMs - idle, graceMs);
    }, delayMs);
  }
}
