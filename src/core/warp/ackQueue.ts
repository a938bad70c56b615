/**
 * A first-in first-out queue of the ids of events handed to the stream and not yet processed, so one shared ACK
 * callback per connection can take the next id (the stream settles events in the order it was handed them) instead
 * of a closure per event. Holds only what is pending: a consumed slot is cleared at once and the array is compacted
 * once the consumed part is the larger half, so a connection that never fully drains does not keep its history.
 */

/** The ids of pending events, oldest first (`undefined` for an event without an id). */
export class AckQueue<T> {
  private items: Array<T | undefined> = [];
  private head = 0;

  /** Pending ids. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Slots the backing array holds (at most about twice {@link size}, plus a small constant). */
  get slots(): number {
    return this.items.length;
  }

  /** Adds the id of an event just handed to the stream. */
  push(id: T | undefined): void {
    this.items.push(id);
  }

  /** Takes the oldest pending id (undefined when there is none, or that event had no id). */
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const id = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return id;
  }
}
