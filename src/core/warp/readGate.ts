/**
 * Backpressure for a socket that pushes events faster than the stream processes them: the gate counts events
 * received but not yet processed, pauses reading at a bound and resumes once half of them are done. TCP then
 * tells the server to slow down, instead of the events piling up in memory. Pure: the caller pauses the socket.
 */

/**
 * Events received and not yet processed (journaled, shown, ACKed) at which reading pauses (default): two batches
 * (`MAX_BATCH_EVENTS`), so one can be journaled while the next fills and the socket stays busy. Each pending event
 * holds its parsed payload; at 10,000 they outlived the young generation, were promoted and cost a full collection
 * (the bench measured 19 -> 12 µs/event on SSE and 81 -> 28 MB heap peak going from 10,000 to 2,000).
 */
export const MAX_PENDING_EVENTS = 2_000;

/** ACK bytes the socket may hold unsent before the connection is dropped as a server that does not read (8 MiB). */
export const MAX_UNSENT_ACK_BYTES = 8 * 1024 * 1024;

/** Counts pending events and says when to pause and resume reading. */
export class ReadGate {
  private pendingCount = 0;
  private isPaused = false;
  private pausesCount = 0;

  /**
   * @param maxPending pause at this many pending events (at least 1); resume at half of it
   * @param pause called once when reading should stop
   * @param resume called once when reading may go on
   */
  constructor(
    private readonly maxPending: number,
    private readonly pause: () => void,
    private readonly resume: () => void,
  ) {}

  /** Events received and not yet processed. */
  get pending(): number {
    return this.pendingCount;
  }

  /** Whether reading is paused now. */
  get paused(): boolean {
    return this.isPaused;
  }

  /** How many times reading was paused. */
  get pauses(): number {
    return this.pausesCount;
  }

  /** One event was received (handed to the stream). */
  received(): void {
    this.pendingCount++;
    if (!this.isPaused && this.pendingCount >= Math.max(1, this.maxPending)) {
      this.isPaused = true;
      this.pausesCount++;
      this.pause();
    }
  }

  /** One received event was processed. */
  processed(): void {
    if (this.pendingCount > 0) this.pendingCount--;
    if (this.isPaused && this.pendingCount <= Math.floor(this.maxPending / 2)) {
      this.isPaused = false;
      this.resume();
    }
  }
}
