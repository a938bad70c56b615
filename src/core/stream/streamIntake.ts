/**
 * {@link StreamIntake}: what becomes of a stream's events once a connection hands them over. Each is prepared
 * ({@link acceptEvent}), dropped when its identity was seen already ({@link DedupWindow}), and queued for the group
 * commit ({@link StreamDelivery}); a processed batch goes to the recent list, the gap ledger's replay count, the
 * stream's listeners and then the resume cursor ({@link ResumeCursor}). The journal the dedup window, the recent list
 * and the cursor are restored from at start is opened here too. The connection life cycle stays in the stream.
 */
import type { Clock } from '../clock';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from './batchBound';
import type { ChainEvent } from '../event';
import { acceptEvent } from '../eventIntake';
import type { Logger } from '../logger';
import { describeError } from '../redact';
import { DedupWindow } from './dedup';
import type { DrainVisit } from './drainVisit';
import type { GapLedger } from './gapLedger';
import { Journal, type JournalOptions } from './journal';
import type { JournalCodec } from './journalLine';
import { RecentEvents } from './recentEvents';
import { ResumeCursor } from './resumeCursor';
import type { StreamDefinition, StreamNotice } from './stream';
import { StreamDelivery, type DeliveryHost, type PendingCursor } from './streamDelivery';
import { streamIdentity, streamKey } from './streamKey';
import type { BaseStreamDeps } from './streamTransport';

/** What the intake asks of the stream that owns it. Every call is synchronous. */
export interface IntakeHost {
  /** The drain visit in progress, if any: its events are marked `drained` and counted by it. */
  drainVisit(): DrainVisit | undefined;
  /** A notice for the user (an event's warning, a journal failure); the stream redacts and logs it. */
  notice(level: StreamNotice['level'], message: string): void;
  /**
   * A batch is journaled and in the recent list (never empty): bill it and hand it to listeners. Runs before the
   * cursor moves past it and before its ACKs.
   */
  delivered(events: ChainEvent[], now: number): void;
  /** A batch's ACKs ran (never empty): the stream publishes its status. */
  settled(): void;
  /** The server id an event moves the resume cursor to (see `BaseStream.cursorOf`). */
  cursorOf(ev: ChainEvent): string | undefined;
}

/** The event side of one stream: dedup, group commit, recent list, resume cursor and journal. */
export class StreamIntake {
  /** The resume cursor: server-issued ids only, moved once their events are journaled and shown. */
  readonly cursor: ResumeCursor;
  private readonly delivery: StreamDelivery;
  private readonly dedup: DedupWindow;
  private readonly recentEvents: RecentEvents;
  private duplicates = 0;
  private processedCount = 0;
  private lastProcessedAt: number | undefined;

  /**
   * @param deps the buffers' sizes (defaults: 500 recent events in 32 MiB, batches of {@link MAX_BATCH_EVENTS}
   *   events in {@link MAX_BATCH_BYTES}, a dedup window of 10,000 ids).
   * @param sharedIds several events may carry one server id (see {@link ResumeCursor}).
   */
  constructor(
    private readonly host: IntakeHost,
    private readonly gaps: GapLedger,
    private readonly clock: Clock,
    private readonly log: Logger,
    deps: BaseStreamDeps,
    sharedIds: boolean,
  ) {
    this.recentEvents = new RecentEvents(deps.recentLimit ?? 500, deps.recentMaxBytes ?? 32 * 1024 * 1024);
    this.delivery = new StreamDelivery(this.deliveryHost(), log, deps.maxBatchEvents ?? MAX_BATCH_EVENTS, deps.maxBatchBytes ?? MAX_BATCH_BYTES);
    this.dedup = new DedupWindow(deps.dedupWindow ?? 10_000);
    this.cursor = new ResumeCursor(sharedIds);
  }

  /** Events processed (journaled and handed to listeners) since the stream was created. */
  get eventCount(): number {
    return this.processedCount;
  }

  /** Clock time the last batch with events was processed (ms), if any. */
  get lastEventAt(): number | undefined {
    return this.lastProcessedAt;
  }

  /** Duplicates dropped so far. */
  get duplicatesDropped(): number {
    return this.duplicates;
  }

  /** How many events the recent list keeps at most. */
  get recentLimit(): number {
    return this.recentEvents.limit;
  }

  /** The newest `limit` processed events, oldest first. */
  recent(limit: number): ChainEvent[] {
    return this.recentEvents.list(limit);
  }

  /**
   * One event from the current connection. A duplicate is dropped but its `ack` still runs (the server wants every
   * delivery settled), after the batch it arrived in, like every other.
   */
  event(ev: ChainEvent, ack: (() => void) | undefined): void {
    acceptEvent(ev);
    const duplicate = this.dedup.seen(ev.id);
    if (duplicate) {
      this.duplicates++;
      this.log.debug(`duplicate ${ev.id} dropped`);
    } else {
      this.delivery.event(ev);
      if (ev.warnings) for (const w of ev.warnings) this.host.notice('warn', w);
    }
    if (this.gaps.active) this.gaps.judgeEvent(ev, duplicate);
    if (ack) this.delivery.ack(ack);
  }

  /** A server id learned without an event: the cursor moves to it once the events before it are processed. */
  cursorId(id: string): void {
    this.delivery.cursor(id);
  }

  /** Resolves once everything pending is journaled, handed on and ACKed. */
  flush(): Promise<void> {
    return this.delivery.flush();
  }

  /** Every event the journal still holds, oldest first; the recent list's without a journal. */
  readJournal(): Promise<ChainEvent[]> {
    return this.delivery.journal ? this.delivery.journal.readAll() : Promise.resolve(this.recent(this.recentLimit));
  }

  /** Closes the journal, if one is open (after the last batch is written). */
  close(): Promise<void> | undefined {
    return this.delivery.journal?.close();
  }

  /**
   * Opens the stream's journal (when `deps.journalDir` is set) and restores from it the dedup window, the cursor
   * and the recent list. `codec` is asked for synchronously, before the first `await`.
   */
  async restore(deps: BaseStreamDeps, definition: StreamDefinition, codec: () => JournalCodec | undefined): Promise<void> {
    if (!deps.journalDir) return;
    const opts: JournalOptions = {
      dir: deps.journalDir,
      name: streamKey(definition),
      definition: streamIdentity(definition),
      legacyName: definition.id,
      onWarning: (m) => this.host.notice('warn', m),
      streamId: definition.id,
    };
    const journalCodec = codec();
    if (journalCodec) {
      opts.revive = journalCodec.revive;
      if (journalCodec.derivesIds) opts.derivesIds = true;
    }
    if (deps.journalMaxEvents !== undefined) opts.maxEvents = deps.journalMaxEvents;
    const journal = await Journal.open(opts);
    this.delivery.journal = journal;
    const kept = journal.takeRestored();
    for (const ev of kept) this.dedup.seen(ev.id);
    this.advanceCursor(kept, []);
    this.recentEvents.add(kept);
    const after = this.cursor.resumeAfter;
    if (kept.length) this.log.info(`restored ${kept.length} events from the journal; ${after !== undefined ? `resuming after ${after}` : 'no server id to resume after'}`);
  }

  /** The steps of each batch (see {@link StreamDelivery}). */
  private deliveryHost(): DeliveryHost {
    return {
      beforeJournal: (events) => {
        if (this.host.drainVisit()) for (const ev of events) ev.drained = true;
      },
      journalFailed: (err) => this.host.notice('error', `journal write failed (events still shown): ${describeError(err)}`),
      processed: (events, cursors) => {
        if (events.length > 0) {
          const now = this.clock.now();
          this.processedCount += events.length;
          this.lastProcessedAt = now;
          this.recentEvents.add(events);
          this.gaps.countReplayed(events);
          this.host.delivered(events, now);
        }
        // the cursor moves only once the events are journaled and shown
        this.advanceCursor(events, cursors);
        this.gaps.flushDirty();
      },
      settled: (events) => {
        if (events.length === 0) return;
        this.host.settled();
        this.host.drainVisit()?.counted(events);
      },
      hasUpdate: () => this.gaps.isDirty,
      failed: (err) => this.host.notice('error', `processing events failed: ${describeError(err)}`),
    };
  }

  /** Feeds the server ids of processed events (and id-only cursors, in their place) to the resume cursor. */
  private advanceCursor(events: readonly ChainEvent[], cursors: readonly PendingCursor[]): void {
    let c = 0;
    for (let i = 0; i <= events.length; i++) {
      while (c < cursors.length && cursors[c]!.after <= i) this.cursor.observe(cursors[c++]!.id);
      if (i === events.length) break;
      const ev = events[i]!;
      const id = this.host.cursorOf(ev);
      if (id !== undefined) this.cursor.observe(id, ev.checkpoint);
    }
  }
}
