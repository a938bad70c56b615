/** {@link FeedBatcher}: the host's "at most one message per 50 ms" batching, on an injected clock. No vscode import. */
import type { Clock, TimerHandle } from '../../core/clock';

/**
 * Collects items and hands them to `sink` in one batch at most every `intervalMs` (default 50): the first item
 * after a quiet period starts a timer, everything arriving before it fires goes into the same batch.
 */
export class FeedBatcher<T> {
  private buf: T[] = [];
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (batch: T[]) => void,
    readonly intervalMs = 50,
  ) {}

  /** Queues items; schedules a flush if none is scheduled. */
  push(...items: T[]): void {
    if (items.length === 0) return;
    for (const it of items) this.buf.push(it);
    if (!this.timer) this.timer = this.clock.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Number of queued items. */
  get size(): number {
    return this.buf.length;
  }

  /** Sends what is queued now (nothing when empty) and cancels the timer. */
  flush(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buf.length === 0) return;
    const b = this.buf;
    this.buf = [];
    this.sink(b);
  }

  /** Drops what is queued and cancels the timer. */
  clear(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.buf = [];
  }
}
