/** {@link RecentEvents}: the events a stream keeps in memory for `StreamHandle.recent`, bounded by count and bytes. */
import { eventSize, type ChainEvent } from '../event';

/**
 * The newest events, bounded by count (trimmed in one splice once it doubles) and by bytes (so a run of huge
 * payloads cannot hold unbounded memory: they stay in the journal). The newest event is always kept.
 */
export class RecentEvents {
  private events: ChainEvent[] = [];
  private bytes = 0;

  /**
   * @param limit events kept (the list may hold up to twice as many between trims).
   * @param maxBytes memory budget, bytes of the frames the events came in.
   */
  constructor(
    readonly limit: number,
    private readonly maxBytes: number,
  ) {}

  /** Adds events, oldest first, and trims. */
  add(events: readonly ChainEvent[]): void {
    for (const ev of events) {
      this.events.push(ev);
      this.bytes += eventSize(ev);
    }
    if (this.events.length <= 2 * this.limit && this.bytes <= this.maxBytes) return;
    let drop = Math.max(0, this.events.length - this.limit);
    let bytes = this.bytes;
    for (let i = 0; i < drop; i++) bytes -= eventSize(this.events[i]);
    while (bytes > this.maxBytes && drop < this.events.length - 1) bytes -= eventSize(this.events[drop++]);
    this.events.splice(0, drop);
    this.bytes = bytes;
  }

  /** The newest `limit` events, oldest first (a copy). */
  list(limit = this.limit): ChainEvent[] {
    return this.events.slice(Math.max(0, this.events.length - limit));
  }
}
