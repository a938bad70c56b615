/**
 * A bounded set of recently seen message ids: the newest `capacity` ids, the oldest evicted first.
 * SSE is at-least-once and redelivery can happen on any transport: this makes what the user sees exactly-once
 * within the window.
 *
 * Eviction goes through a ring of the ids in arrival order, so it is O(1): taking the oldest entry of a `Set`
 * through its iterator instead degrades to a scan over the deleted entries it keeps until it rehashes.
 */
export class DedupWindow {
  private readonly ids = new Set<string>();
  private readonly ring: Array<string | undefined>;
  private next = 0;

  /** @param capacity ids remembered (default 10,000; the server's buffer holds 2,000). */
  constructor(capacity = 10_000) {
    this.ring = new Array<string | undefined>(Math.max(1, capacity)).fill(undefined);
  }

  /** True if `id` was seen; otherwise records it and returns false. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    const evicted = this.ring[this.next];
    if (evicted !== undefined) this.ids.delete(evicted);
    this.ring[this.next] = id;
    this.next = (this.next + 1) % this.ring.length;
    this.ids.add(id);
    return false;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
