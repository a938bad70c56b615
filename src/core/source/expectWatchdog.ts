/**
 * Expected events: a stream definition's optional `expectWithin` ("30s", "5m", "2h", "1d") says how long the stream
 * may go without an event. {@link ExpectWatchdog} times each watched stream on an injected {@link Clock} and reports
 * the streams whose expected event is overdue ("no Minted on 0xab…cd for 5 min"); an arriving event clears the entry
 * and starts the wait again. Pure: no vscode, no I/O.
 */
import type { Clock, TimerHandle } from '../clock';

/** Shortest accepted `expectWithin` (1 s) and longest (30 days), in ms. */
export const MIN_EXPECT_MS = 1_000;
export const MAX_EXPECT_MS = 30 * 86_400_000;

const UNIT_MS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `expectWithin`: a positive number and a unit (`s`, `m`, `h`, `d`), e.g. "5m", "30s", "1.5h". */
export function parseExpectWithin(value: unknown): { ms: number } | { error: string } {
  if (typeof value !== 'string') return { error: '"expectWithin" must be a string such as "5m", "30s" or "2h"' };
  const m = /^\s*(\d{1,6}(?:\.\d{1,3})?)\s*([smhd])\s*$/.exec(value);
  if (!m) return { error: `"expectWithin" ${JSON.stringify(value.slice(0, 40))} is not a duration such as "5m", "30s" or "2h"` };
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2]!]!);
  if (ms < MIN_EXPECT_MS || ms > MAX_EXPECT_MS) return { error: '"expectWithin" must be between 1s and 30d' };
  return { ms };
}

/** A duration in words for messages: "45 s", "5 min", "2 h", "1.5 h", "3 d". */
export function formatWithin(ms: number): string {
  const round = (n: number) => String(Math.round(n * 10) / 10);
  if (ms < 60_000) return `${round(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${round(ms / 3_600_000)} h`;
  return `${round(ms / 86_400_000)} d`;
}

/** One overdue expectation. */
export interface OverdueEvent {
  /** The watched key (a stream id). */
  key: string;
  /** What is expected, as given to {@link ExpectWatchdog.watch} ("Minted on 0xab…cd"). */
  label: string;
  withinMs: number;
  /** When the wait began (the stream started being watched, or its last event), ms since epoch. */
  since: number;
  /** "no Minted on 0xab…cd for 5 min". */
  message: string;
}

interface Watch {
  label: string;
  withinMs: number;
  since: number;
  timer?: TimerHandle;
  overdue: boolean;
}

/**
 * Times expected events per key. `onChange` fires (synchronously) whenever the overdue set changes: a wait ran
 * out, an event arrived for an overdue key, or an overdue key was unwatched.
 */
export class ExpectWatchdog {
  private readonly watches = new Map<string, Watch>();
  private disposed = false;

  constructor(
    private readonly clock: Clock,
    private readonly onChange: (overdue: OverdueEvent[]) => void,
  ) {}

  /** Starts timing `key` (from now), or updates its label / window; an unchanged watch keeps its timer. */
  watch(key: string, label: string, withinMs: number): void {
    if (this.disposed) return;
    const w = this.watches.get(key);
    if (w && w.label === label && w.withinMs === withinMs) return;
    const wasOverdue = w?.overdue === true;
    if (w) this.clock.clearTimeout(w.timer);
    const next: Watch = { label, withinMs, since: this.clock.now(), overdue: false };
    this.watches.set(key, next);
    this.arm(key, next);
    if (wasOverdue) this.changed();
  }

  /** Stops timing `key` (the stream disconnected or lost its `expectWithin`); clears its entry. */
  unwatch(key: string): void {
    const w = this.watches.get(key);
    if (!w) return;
    this.clock.clearTimeout(w.timer);
    this.watches.delete(key);
    if (w.overdue) this.changed();
  }

  /** The expected event arrived on `key`: clears an overdue entry and starts the wait again. */
  seen(key: string): void {
    const w = this.watches.get(key);
    if (!w) return;
    this.clock.clearTimeout(w.timer);
    w.since = this.clock.now();
    const wasOverdue = w.overdue;
    w.overdue = false;
    this.arm(key, w);
    if (wasOverdue) this.changed();
  }

  /** Whether `key` is watched. */
  has(key: string): boolean {
    return this.watches.has(key);
  }

  /** Every overdue expectation, in key order. */
  overdue(): OverdueEvent[] {
    const out: OverdueEvent[] = [];
    for (const [key, w] of [...this.watches].sort(([a], [b]) => a.localeCompare(b))) {
      if (!w.overdue) continue;
      out.push({ key, label: w.label, withinMs: w.withinMs, since: w.since, message: `no ${w.label} for ${formatWithin(w.withinMs)}` });
    }
    return out;
  }

  /** Cancels every timer; nothing fires afterwards. */
  dispose(): void {
    this.disposed = true;
    for (const w of this.watches.values()) this.clock.clearTimeout(w.timer);
    this.watches.clear();
  }

  private arm(key: string, w: Watch): void {
    w.timer = this.clock.setTimeout(() => {
      if (this.watches.get(key) !== w) return;
      w.timer = undefined;
      w.overdue = true;
      this.changed();
    }, w.withinMs);
  }

  private changed(): void {
    if (!this.disposed) this.onChange(this.overdue());
  }
}
