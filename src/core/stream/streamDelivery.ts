/**
 * {@link StreamDelivery}: the group commit of one stream. Events, their ACKs and id-only cursors wait in arrival
 * order; everything that arrives in one turn of the event loop is processed together, in bounded batches
 * ({@link batchLength}), each appended to the journal in one write, then handed to the stream, then ACKed, before
 * the next batch is taken.
 */
import type { ChainEvent } from '../event';
import { describeError } from '../redact';
import type { Logger } from '../logger';
import { batchLength } from './batchBound';
import type { Journal } from './journal';

/** A server id learned without an event, with the number of events (of its batch) that arrived before it. */
export interface PendingCursor {
  id: string;
  after: number;
}

/** One batch taken out of the pending lists. */
export interface TakenBatch {
  events: ChainEvent[];
  acks: Array<() => void>;
  cursors: PendingCursor[];
}

/** What the delivery asks of its stream at each step of a batch. */
export interface DeliveryHost {
  /** Before the batch's events are journaled (a drain visit marks them). Not called for a batch without events. */
  beforeJournal(events: ChainEvent[]): void;
  /** The journal write failed: the events are still handed on (the stream says so). */
  journalFailed(err: unknown): void;
  /** The batch is journaled: show it, count it, move the cursor. Runs before the batch's ACKs. */
  processed(events: ChainEvent[], cursors: readonly PendingCursor[]): void;
  /** The batch's ACKs ran. */
  settled(events: ChainEvent[]): void;
  /** Something besides events waits to go out with the next batch (a gap update): process even an empty one. */
  hasUpdate(): boolean;
  /** Processing failed unexpectedly. */
  failed(err: unknown): void;
}

/** The pending lists and the flush chain of one stream. */
export class StreamDelivery {
  /** The stream's journal, once open; without it events are only handed on. */
  journal: Journal | undefined;
  private events: ChainEvent[] = [];
  /** Server ids learned without an event, each with the number of pending events that arrived before it. */
  private cursors: PendingCursor[] = [];
  private acks: Array<() => void> = [];
  /** For each pending ACK, the number of pending events that arrived up to it (its event included). */
  private ackAfter: number[] = [];
  private scheduled: Promise<void> | undefined;
  private chain: Promise<void> = Promise.resolve();

  /**
   * @param maxBatchEvents events in one batch at most.
   * @param maxBatchBytes frame bytes in one batch at most (an event larger than that goes alone).
   */
  constructor(
    private readonly host: DeliveryHost,
    private readonly log: Logger,
    private readonly maxBatchEvents: number,
    private readonly maxBatchBytes: number,
  ) {}

  /** Events, ACKs or cursors are waiting. */
  get pending(): boolean {
    return this.events.length > 0 || this.acks.length > 0 || this.cursors.length > 0;
  }

  /** Queues an event (already deduplicated) and schedules a flush. */
  event(ev: ChainEvent): void {
    this.events.push(ev);
    void this.schedule();
  }

  /** Queues an ACK, to run once every event queued so far is processed, and schedules a flush. */
  ack(ack: () => void): void {
    this.acks.push(ack);
    this.ackAfter.push(this.events.length);
    void this.schedule();
  }

  /** Queues an id-only cursor in its place among the events, and schedules a flush. */
  cursor(id: string): void {
    this.cursors.push({ id, after: this.events.length });
    void this.schedule();
  }

  /** Resolves once everything queued so far is processed. */
  flush(): Promise<void> {
    return this.pending ? this.schedule() : this.chain;
  }

  /** Schedules processing of what is pending; resolves once that is journaled, shown and ACKed. */
  schedule(): Promise<void> {
    if (this.scheduled) return this.scheduled;
    // group commit: everything that arrives in the same turn of the event loop goes out in one write
    this.scheduled = new Promise<void>((resolve) => {
      setImmediate(() => {
        this.scheduled = undefined;
        this.chain = this.chain.then(() => this.processPending()).catch((err) => this.host.failed(err));
        void this.chain.then(resolve);
      });
    });
    return this.scheduled;
  }

  /**
   * Processes the backlog pending now in bounded batches, each journaled, shown and ACKed before the next is taken;
   * events arriving meanwhile wait for the flush they scheduled.
   */
  private async processPending(): Promise<void> {
    let left = this.events.length;
    for (;;) {
      const n = Math.min(left, batchLength(this.events, this.maxBatchEvents, this.maxBatchBytes));
      await this.processBatch(n);
      left = Math.min(left - n, this.events.length);
      if (left <= 0 || n === 0) return;
    }
  }

  /** Takes the first `n` pending events, with the ACKs and cursors that arrived with them, out of the pending lists. */
  private take(n: number): TakenBatch {
    if (n >= this.events.length) {
      const taken = { events: this.events, acks: this.acks, cursors: this.cursors };
      this.events = [];
      this.acks = [];
      this.ackAfter = [];
      this.cursors = [];
      return taken;
    }
    const events = this.events.splice(0, n);
    let a = 0;
    while (a < this.ackAfter.length && this.ackAfter[a]! <= n) a++;
    const acks = this.acks.splice(0, a);
    this.ackAfter.splice(0, a);
    for (let i = 0; i < this.ackAfter.length; i++) this.ackAfter[i]! -= n;
    let c = 0;
    while (c < this.cursors.length && this.cursors[c]!.after <= n) c++;
    const cursors = this.cursors.splice(0, c);
    for (const cur of this.cursors) cur.after -= n;
    return { events, acks, cursors };
  }

  private async processBatch(n: number): Promise<void> {
    if (!this.pending && !this.host.hasUpdate()) return;
    const { events, acks, cursors } = this.take(n);
    if (events.length > 0) {
      this.host.beforeJournal(events);
      if (this.journal) {
        try {
          await this.journal.append(events);
        } catch (err) {
          this.host.journalFailed(err);
        }
      }
    }
    this.host.processed(events, cursors);
    for (const ack of acks) {
      try {
        ack();
      } catch (err) {
        this.log.debug(`ack failed: ${describeError(err)}`);
      }
    }
    this.host.settled(events);
  }
}
