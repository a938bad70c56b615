/**
 * {@link DrainVisit}: one connection of a paused stream that reads the server's replay and ends when it is over
 * (an event made after the visit went live, `quietMs` without an event, or `maxMs` in all). The stream opens and
 * closes the connection; the visit keeps the count, the timers and the result.
 */
import type { Clock, TimerHandle } from '../clock';
import type { ChainEvent } from '../event';
import type { DrainOptions, DrainResult } from './stream';

/** A drain visit in progress. */
export class DrainVisit {
  /** Events processed during the visit. */
  events = 0;
  /** When the visit's connection went live, ms since epoch. */
  liveAt: number | undefined;
  /** finishDrain ran: waiting for the last batch before disconnecting. */
  ending = false;
  private firstEventTime: number | undefined;
  private lastEventTime: number | undefined;
  private readonly quietMs: number;
  private quietTimer: TimerHandle | undefined;
  private maxTimer: TimerHandle | undefined;

  /**
   * @param over called when the replay is over by time (quiet or max) or by an event made after `liveAt`.
   * @param done receives the result once (see {@link resolve}).
   */
  constructor(
    private readonly clock: Clock,
    options: DrainOptions,
    private readonly over: () => void,
    private readonly done: (result: DrainResult) => void,
  ) {
    this.quietMs = options.quietMs ?? 2_000;
    this.maxTimer = clock.setTimeout(over, options.maxMs ?? 60_000);
  }

  /** The visit's connection is live: the quiet timer starts. */
  wentLive(now: number): void {
    this.liveAt = now;
    this.armQuiet();
  }

  /** A batch of the visit was processed: counts it; the replay is over at an event made after the visit went live. */
  counted(events: readonly ChainEvent[]): void {
    this.events += events.length;
    for (const ev of events) {
      if (ev.timestamp === undefined) continue;
      if (this.firstEventTime === undefined) this.firstEventTime = ev.timestamp;
      this.lastEventTime = ev.timestamp;
    }
    const liveAt = this.liveAt;
    const live = liveAt !== undefined && events.some((ev) => ev.timestamp !== undefined && ev.timestamp > liveAt);
    if (live) this.over();
    else this.armQuiet();
  }

  /** Stops both timers. */
  clearTimers(): void {
    this.clock.clearTimeout(this.quietTimer);
    this.clock.clearTimeout(this.maxTimer);
    this.quietTimer = this.maxTimer = undefined;
  }

  /** Hands the result on; `message` is kept only when the visit did not succeed. */
  resolve(ok: boolean, message: string | undefined): void {
    const r: DrainResult = { ok, events: this.events, endedAt: this.clock.now() };
    if (this.liveAt !== undefined) r.liveAt = this.liveAt;
    if (this.firstEventTime !== undefined) r.firstEventTime = this.firstEventTime;
    if (this.lastEventTime !== undefined) r.lastEventTime = this.lastEventTime;
    if (!ok && message) r.message = message;
    this.done(r);
  }

  private armQuiet(): void {
    this.clock.clearTimeout(this.quietTimer);
    this.quietTimer = this.clock.setTimeout(this.over, this.quietMs);
  }
}
