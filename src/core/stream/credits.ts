/**
 * Warp credit meter: 2 credits per event received plus 4 per started 5-second connected interval
 * (the seed's "~48 credits/min" of connection time), per stream; {@link totalCredits} sums streams.
 * Pure: the caller reports connects, disconnects and events with its clock's time.
 */
import type { CreditSnapshot } from './stream';

/** Credits billed per event received. */
export const CREDITS_PER_EVENT = 2;
/** Credits billed per started connected interval. */
export const CREDITS_PER_INTERVAL = 4;
/** Length of one billed connected interval, ms. */
export const INTERVAL_MS = 5_000;

/** Tracks one stream's credit use and burn rate. */
export class CreditMeter {
  private events = 0;
  private closedIntervals = 0;
  private connectedAt: number | undefined;
  /** Event counts per 10-second bucket over the rate window. */
  private buckets = new Map<number, number>();
  /** Connected periods overlapping the rate window: [start, end|undefined]. */
  private periods: Array<[number, number | undefined]> = [];
  private remaining: number | undefined;

  /** @param windowMs the window the burn rate is measured over (default 10 minutes). */
  constructor(private readonly windowMs = 10 * 60_000) {}

  /** A connection became live at `at`. */
  connected(at: number): void {
    if (this.connectedAt !== undefined) return;
    this.connectedAt = at;
    this.periods.push([at, undefined]);
  }

  /** The connection ended at `at`. */
  disconnected(at: number): void {
    if (this.connectedAt === undefined) return;
    this.closedIntervals += intervalsBetween(this.connectedAt, at);
    const open = this.periods[this.periods.length - 1];
    if (open && open[1] === undefined) open[1] = at;
    this.connectedAt = undefined;
  }

  /** `count` events were received at `at`. */
  eventsReceived(count: number, at: number): void {
    this.events += count;
    const b = Math.floor(at / 10_000);
    this.buckets.set(b, (this.buckets.get(b) ?? 0) + count);
  }

  /** Remaining quota as reported by the server (`quota_exceeded.remaining`, or a future header). */
  setRemaining(remaining: number | undefined): void {
    this.remaining = remaining;
  }

  /** Credits and burn rate as of `now`. */
  snapshot(now: number): CreditSnapshot {
    const intervals = this.closedIntervals + (this.connectedAt !== undefined ? intervalsBetween(this.connectedAt, now) : 0);
    const credits = this.events * CREDITS_PER_EVENT + intervals * CREDITS_PER_INTERVAL;
    const snap: CreditSnapshot = { credits, events: this.events, intervals, perHour: this.perHour(now) };
    if (this.remaining !== undefined) snap.remaining = this.remaining;
    return snap;
  }

  private perHour(now: number): number {
    const from = now - this.windowMs;
    const firstBucket = Math.floor(from / 10_000);
    let events = 0;
    for (const [b, n] of this.buckets) {
      if (b < firstBucket) this.buckets.delete(b);
      else events += n;
    }
    let connectedMs = 0;
    this.periods = this.periods.filter(([, end]) => end === undefined || end > from);
    for (const [start, end] of this.periods) connectedMs += Math.max(0, (end ?? now) - Math.max(start, from));
    const credits = events * CREDITS_PER_EVENT + (connectedMs / INTERVAL_MS) * CREDITS_PER_INTERVAL;
    const spanMs = Math.max(1, Math.min(this.windowMs, now - (this.earliestActivity() ?? now)));
    return spanMs < 1_000 ? 0 : (credits / spanMs) * 3_600_000;
  }

  private earliestActivity(): number | undefined {
    let min: number | undefined;
    for (const [start] of this.periods) if (min === undefined || start < min) min = start;
    for (const b of this.buckets.keys()) if (min === undefined || b * 10_000 < min) min = b * 10_000;
    return min;
  }
}

/** Started 5-second intervals in [from, to): at least one for any connection that became live. */
export function intervalsBetween(from: number, to: number): number {
  return Math.max(1, Math.ceil(Math.max(0, to - from) / INTERVAL_MS));
}

/** Sums several snapshots (the status bar's total). */
export function totalCredits(snaps: readonly CreditSnapshot[]): CreditSnapshot {
  const t: CreditSnapshot = { credits: 0, events: 0, intervals: 0, perHour: 0 };
  for (const s of snaps) {
    t.credits += s.credits;
    t.events += s.events;
    t.intervals += s.intervals;
    t.perHour += s.perHour;
    if (s.estimatedGoldRush !== undefined) t.estimatedGoldRush = (t.estimatedGoldRush ?? 0) + s.estimatedGoldRush;
  }
  return t;
}
