/**
 * A bounded set of recently seen message ids (insertion-ordered; the oldest is evicted first).
 * SSE is at-least-once and redelivery can happen on any transport: this makes what the user sees exactly-once
 * within the window.
 */
export class DedupWindow {
  private readonly ids = new Set<string>();

  /** @param capacity ids remembered (default 10,000; the server's buffer holds 2,000). */
  constructor(private readonly capacity = 10_000) {}

  /** True if `id` was seen; otherwise records it and returns false. */
  seen(id: string): boolean {
    if (this.ids.has(id)) return true;
    this.ids.add(id);
    if (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
    return false;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  get size(): number {
    return this.ids.size;
  }
}
