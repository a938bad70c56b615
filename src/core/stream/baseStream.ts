/**
 * The part every provider shares: the connection life cycle (attempt, sink, close, retry, teardown, drain visits),
 * wired to the pieces around it: the provider contract (streamTransport), the group commit (streamDelivery), the
 * reconnect gaps (gapLedger), the connection timers (connectionWatch), connect-mode resolution (connectMode), drain
 * visits (drainVisit) and the recent list (recentEvents). (Still over 500 lines: the life cycle is one state machine
 * over one set of fields, and the reconnect policy stays in exactly one file.) A provider subclass only opens one
 * connection at a time through {@link BaseStream.open}
 * and reports what happens on it through the {@link TransportSink} it is given.
 *
 * Guarantees:
 * - Events are handed to listeners in arrival order, in batches; a batch is appended to the journal in one write
 *   *before* listeners see it, and each event's `ack` runs only after both (so an ACKed event is always on disk).
 * - Events already seen by identity (`ChainEvent.id`, within the dedup window, restored from the journal at start)
 *   are dropped, but still ACKed once the batch they arrived in is processed.
 * - The resume cursor is only ever a server-issued id (`ChainEvent.messageId`, or an id-only SSE block), tracked by
 *   {@link ResumeCursor}: with shared ids (Warp checkpoints) the last id whose group is complete.
 * - Automatic reconnects use exponential backoff with full jitter and resume after the cursor. Without one:
 *   `mode=resume`, except that (when the provider asks for it) a connection the user opened live stays live until
 *   its first event is processed.
 *   A cursor the transport cannot deliver ({@link BaseStream.cursorProblem}) falls back to `mode=resume`, with a
 *   notice. Fatal outcomes (quota, bad key, unknown stream) stop the stream and never retry on their own.
 * - Every reconnect after a drop fires a {@link GapInfo} saying what it recovered; a provider judges the replay
 *   through {@link BaseStream.replayJudge}.
 * - Disposing flushes the events still pending through the journal and the listeners before the emitters close.
 * - A connection that receives nothing (event, heartbeat, pong) for 3x the heartbeat interval is declared dead.
 * - A drain visit ({@link BaseStream.drain}) is one connection of a paused stream that ends when the replay is over;
 *   it fires no gap, leaves the stream paused and never retries.
 */
import { defaultBackoff, nextDelay, type BackoffPolicy } from './backoff';
import { systemClock, type Clock } from '../clock';
import { CreditMeter } from './credits';
import { DedupWindow } from './dedup';
import { Emitter } from '../emitter';
import type { ChainEvent } from '../event';
import { Journal, type JournalOptions } from './journal';
import type { JournalCodec } from './journalLine';
import { MAX_BATCH_BYTES, MAX_BATCH_EVENTS } from './batchBound';
import { RecentEvents } from './recentEvents';
import { StreamDelivery, type DeliveryHost, type PendingCursor } from './streamDelivery';
import { ResumeCursor } from './resumeCursor';
import { nullLogger, type Logger } from '../logger';
import { describeError, redact } from '../redact';
import { acceptEvent } from '../eventIntake';
import { streamIdentity, streamKey } from './streamKey';
import { GapLedger } from './gapLedger';
import { DrainVisit } from './drainVisit';
import { resolveConnectMode } from './connectMode';
import { ConnectionWatch } from './connectionWatch';
import {
  ConnectError,
  describeMode,
  type BaseStreamDeps,
  type CloseOutcome,
  type GapVerdict,
  type ReplayContext,
  type ReplayJudge,
  type ReplaySource,
  type ResolvedMode,
  type TransportConnection,
  type TransportSink,
} from './streamTransport';
import type {
  ConnectMode,
  CreditSnapshot,
  DrainOptions,
  DrainResult,
  GapInfo,
  StopReason,
  StreamDefinition,
  StreamHandle,
  StreamNotice,
  StreamState,
  StreamStatus,
} from './stream';

/** The provider contract, re-exported so every provider keeps importing it from here. */
export * from './streamTransport';

/** Base class for every provider's stream. */
export abstract class BaseStream implements StreamHandle {
  protected readonly clock: Clock;
  protected readonly log: Logger;
  private readonly policy: BackoffPolicy;
  private readonly random: () => number;
  private readonly connectTimeoutMs: number;
  private readonly dedup: DedupWindow;
  private readonly meter = new CreditMeter();
  private readonly billed: boolean;

  private readonly eventsEmitter = new Emitter<ChainEvent[]>();
  private readonly statusEmitter = new Emitter<StreamStatus>();
  private readonly gapEmitter = new Emitter<GapInfo>();
  private readonly noticeEmitter = new Emitter<StreamNotice>();
  readonly onEvents = this.eventsEmitter.event;
  readonly onStatus = this.statusEmitter.event;
  readonly onGap = this.gapEmitter.event;
  readonly onNotice = this.noticeEmitter.event;

  private readonly delivery: StreamDelivery;
  /** Resolves once the journal is restored (recent events and the last processed id are known). */
  readonly ready: Promise<void>;
  private readonly recentEvents: RecentEvents;

  private state: StreamState = 'idle';
  private stopReason: StopReason | undefined;
  private message: string | undefined;
  private attempt = 0;
  private nextRetryAt: number | undefined;
  private connectedSince: number | undefined;
  /** The resume cursor: server-issued ids only. */
  private readonly cursor: ResumeCursor;
  /** The user connected live and no event was processed since: automatic retries stay live. */
  private stayLive = false;
  private readonly liveUntilFirstEvent: boolean;
  private lastEventAt: number | undefined;
  private lastActivityAt: number | undefined;
  private lastError: string | undefined;
  private eventCount = 0;
  private endpoint: string | undefined;
  private transport: string | undefined;
  private mode: ConnectMode['kind'] | undefined;
  private duplicates = 0;

  /** Increments whenever the current connection is superseded; sinks of older generations are ignored. */
  private generation = 0;
  private conn: TransportConnection | undefined;
  private readonly watch: ConnectionWatch;
  private retryHintMs = 0;
  private userStopped = true;
  private disposed = false;

  private downAt: number | undefined;
  private readonly gaps: GapLedger;

  /** The drain visit in progress, if any. */
  private drainVisit: DrainVisit | undefined;

  /**
   * @param opts.billed the provider bills per event and connected interval (credits are metered).
   * @param opts.sharedIds several events may carry one server id (Warp checkpoints): resume from the last complete
   *   group (see {@link ResumeCursor}).
   * @param opts.liveUntilFirstEvent a connection the user opened live retries live until its first event is
   *   processed (Warp: a resume would replay a backlog, and bill it, that the user declined).
   */
  constructor(
    readonly definition: StreamDefinition,
    deps: BaseStreamDeps,
    opts: { billed: boolean; sharedIds?: boolean; liveUntilFirstEvent?: boolean; replay?: ReplaySource },
  ) {
    this.clock = deps.clock ?? systemClock;
    this.log = (deps.logger ?? nullLogger).child(definition.id);
    this.policy = { ...defaultBackoff, ...(deps.backoff ?? {}) };
    this.random = deps.random ?? Math.random;
    this.watch = new ConnectionWatch(this.clock, deps.heartbeatMs ?? 15_000);
    this.connectTimeoutMs = deps.connectTimeoutMs ?? 15_000;
    this.recentEvents = new RecentEvents(deps.recentLimit ?? 500, deps.recentMaxBytes ?? 32 * 1024 * 1024);
    this.delivery = new StreamDelivery(this.deliveryHost(), this.log, deps.maxBatchEvents ?? MAX_BATCH_EVENTS, deps.maxBatchBytes ?? MAX_BATCH_BYTES);
    this.dedup = new DedupWindow(deps.dedupWindow ?? 10_000);
    this.billed = opts.billed;
    this.gaps = new GapLedger(definition.id, opts.replay ?? 'buffer', this.log, (gap) => this.gapEmitter.fire(gap, (e) => this.listenerError(e)));
    this.cursor = new ResumeCursor(opts.sharedIds === true);
    this.liveUntilFirstEvent = opts.liveUntilFirstEvent === true;
    this.ready = this.restore(deps).catch((err) => {
      this.emitNotice('error', `journal unavailable, keeping events in memory only: ${describeError(err)}`);
    });
  }

  /**
   * Opens one connection in `mode`, reporting through `sink`. Throw {@link ConnectError} for outcomes known before
   * connecting (no key); any other throw counts as a transient failure.
   */
  protected abstract open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> | TransportConnection;

  // ---- StreamHandle -------------------------------------------------------------------------------------------

  status(): StreamStatus {
    const s: StreamStatus = { state: this.state, attempt: this.attempt, eventCount: this.eventCount };
    if (this.stopReason !== undefined && this.state === 'stopped') s.stopReason = this.stopReason;
    if (this.message !== undefined) s.message = this.message;
    if (this.nextRetryAt !== undefined && this.state === 'reconnecting') s.nextRetryAt = this.nextRetryAt;
    if (this.connectedSince !== undefined && this.state === 'live') s.connectedSince = this.connectedSince;
    const resumeAfter = this.cursor.resumeAfter;
    if (resumeAfter !== undefined) s.lastEventId = resumeAfter;
    if (this.lastEventAt !== undefined) s.lastEventAt = this.lastEventAt;
    if (this.lastActivityAt !== undefined) s.lastActivityAt = this.lastActivityAt;
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.endpoint !== undefined) s.endpoint = this.endpoint;
    if (this.transport !== undefined) s.transport = this.transport;
    if (this.mode !== undefined) s.mode = this.mode;
    if (this.drainVisit) s.draining = true;
    const lastGap = this.gaps.latest;
    if (lastGap !== undefined) s.lastGap = lastGap;
    return s;
  }

  credits(): CreditSnapshot {
    return this.billed ? this.meter.snapshot(this.clock.now()) : { credits: 0, events: 0, intervals: 0, perHour: 0 };
  }

  recent(limit = this.recentEvents.limit): ChainEvent[] {
    return this.recentEvents.list(limit);
  }

  /** Duplicates dropped so far (tests, diagnostics). */
  get duplicatesDropped(): number {
    return this.duplicates;
  }

  connect(mode: ConnectMode = { kind: 'auto' }): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was connected');
    this.userStopped = false;
    this.attempt = 0;
    this.retryHintMs = 0;
    this.teardown();
    void this.startAttempt(mode, true);
  }

  disconnect(reason: 'user' | 'paused' = 'user'): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was disconnected');
    this.userStopped = true;
    this.teardown();
    this.setState('stopped', reason, reason === 'paused' ? 'paused' : 'disconnected');
  }

  reconnect(): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was reconnected');
    this.userStopped = false;
    this.attempt = 0;
    this.teardown();
    void this.startAttempt({ kind: 'auto' }, false);
  }

  flush(): Promise<void> {
    return this.delivery.flush();
  }

  /** Every event the journal still holds (for export), oldest first; the in-memory ones without a journal. */
  async readJournal(): Promise<ChainEvent[]> {
    await this.ready;
    await this.flush();
    return this.delivery.journal ? this.delivery.journal.readAll() : this.recent();
  }

  /**
   * A drain visit (see {@link StreamHandle.drain}). Only a stream stopped with reason `paused` drains; otherwise it
   * resolves at once with `ok: false`. The replay is over at the first event stamped (chain time) after the
   * moment the visit went live, or after `quietMs` without an event, or after `maxMs` in all.
   */
  drain(options: DrainOptions = {}): Promise<DrainResult> {
    const now = this.clock.now();
    if (this.disposed || this.drainVisit || this.state !== 'stopped' || this.stopReason !== 'paused') {
      return Promise.resolve({ ok: false, events: 0, endedAt: now, message: 'the stream is not paused' });
    }
    return new Promise<DrainResult>((resolve) => {
      this.drainVisit = new DrainVisit(this.clock, options, () => this.finishDrain(true), resolve);
      // keep the moment the live connection went down: the visit is not a return
      const downAt = this.downAt;
      this.userStopped = false;
      this.attempt = 0;
      this.teardown();
      this.downAt = downAt;
      void this.startAttempt({ kind: 'continue' }, false);
    });
  }

  /**
   * Records a window in which events may be missing (the credit guard: a pause outlasted the server's buffer). The
   * next reconnect's gap says `may_be_missing` over it (windows noted meanwhile are merged) and keeps saying so
   * whatever the provider judges later; a stream already live gets a warning notice instead.
   */
  notePossibleLoss(from: number, to: number, words: string): void {
    if (this.disposed || !(to > from)) return;
    if (this.state === 'live' && !this.drainVisit) {
      this.emitNotice('warn', words);
      return;
    }
    this.gaps.notePossibleLoss(from, to, words);
  }

  dispose(): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was disposed');
    this.userStopped = true;
    this.teardown();
    this.disposed = true;
    // the journal may still be opening. Events still pending go through the journal and the listeners first;
    // only then do the emitters close, and the journal after the last batch is written
    void this.ready
      .then(() => this.flush())
      .then(() => {
        this.eventsEmitter.dispose();
        this.statusEmitter.dispose();
        this.gapEmitter.dispose();
        this.noticeEmitter.dispose();
        return this.delivery.journal?.close();
      });
  }

  // ---- connection life cycle ----------------------------------------------------------------------------------

  private resolveMode(requested: ConnectMode, initial: boolean): ResolvedMode {
    const choice = resolveConnectMode(requested, { resumeAfter: this.cursor.resumeAfter, initial, stayLive: this.stayLive, liveUntilFirstEvent: this.liveUntilFirstEvent });
    this.stayLive = choice.stayLive;
    const resolved = choice.mode;
    if (resolved.kind !== 'after') return resolved;
    const problem = this.cursorProblem(resolved.id);
    if (problem) {
      this.emitNotice('warn', `cannot resume after id ${preview(resolved.id)}: ${problem}; replaying the server's buffer with mode=resume instead`);
      return { kind: 'resume' };
    }
    return resolved;
  }

  private async startAttempt(requested: ConnectMode, initial: boolean): Promise<void> {
    const gen = ++this.generation;
    this.nextRetryAt = undefined;
    this.setState('connecting', undefined, this.attempt > 0 ? `connecting (attempt ${this.attempt + 1})` : 'connecting');
    await this.ready;
    // events still being processed from the previous connection move the resume point: wait for them
    await this.flush();
    if (gen !== this.generation) return;
    const mode = this.resolveMode(requested, initial);
    this.mode = mode.kind;
    const sink = this.makeSink(gen, mode);
    this.watch.connecting(this.connectTimeoutMs, () => {
      if (gen !== this.generation) return;
      this.log.warn(`no connection after ${this.connectTimeoutMs / 1000} s`);
      this.conn?.close();
      sink.closed({ fatal: false, message: `connect timed out after ${this.connectTimeoutMs / 1000} s` });
    });
    try {
      const conn = await this.open(mode, sink);
      if (gen !== this.generation) {
        conn.close();
        return;
      }
      this.conn = conn;
      this.endpoint = redact(conn.endpoint);
      this.transport = conn.transport;
      // a transport that opened synchronously already logged "live": the endpoint line then only goes to debug
      const line = `connecting to ${this.endpoint} (${conn.transport}, ${describeMode(mode)})`;
      if (this.state === 'connecting') this.log.info(line);
      else this.log.debug(line);
    } catch (err) {
      if (gen !== this.generation) return;
      sink.closed(err instanceof ConnectError ? err.outcome : { fatal: false, message: describeError(err) });
    }
  }

  private makeSink(gen: number, mode: ResolvedMode): TransportSink {
    const current = () => gen === this.generation && !this.disposed;
    return {
      opened: (info) => {
        if (!current()) return;
        const now = this.clock.now();
        this.connectedSince = now;
        this.lastActivityAt = now;
        if (this.billed) this.meter.connected(now);
        this.lastError = undefined;
        this.watch.live(info?.heartbeatMs, this.policy.resetAfterMs, {
          current,
          lastActivityAt: () => this.lastActivityAt,
          dead: (silentMs) => {
            const conn = this.conn;
            this.generation++;
            conn?.close();
            this.afterClose({ fatal: false, message: `no data or heartbeat for ${Math.round(silentMs / 1000)} s (connection dead)` });
          },
          ping: () => this.conn?.ping?.(),
          healthy: () => {
            this.attempt = 0;
          },
        });
        this.log.info(`live (${describeMode(mode)})${this.drainVisit ? ' for a drain visit' : ''}`);
        const visit = this.drainVisit;
        visit?.wentLive(now);
        this.setState('live', undefined, visit ? 'paused · draining' : 'live');
        if (this.downAt !== undefined && !visit) {
          const downAt = this.downAt;
          const verdict = this.reconnectVerdict(mode, downAt, now);
          const judge = this.replayJudge({ mode, downAt, resumedAt: now, cursor: this.cursor.position(), initial: verdict });
          this.downAt = undefined;
          this.gaps.reconnected({ mode, downAt, resumedAt: now, verdict, judge });
        }
      },
      event: (ev, ack) => {
        if (!current()) return;
        this.lastActivityAt = this.clock.now();
        acceptEvent(ev);
        const duplicate = this.dedup.seen(ev.id);
        if (duplicate) {
          this.duplicates++;
          this.log.debug(`duplicate ${ev.id} dropped`);
        } else {
          this.delivery.event(ev);
          if (ev.warnings) for (const w of ev.warnings) this.emitNotice('warn', w);
        }
        if (this.gaps.active) this.gaps.judgeEvent(ev, duplicate);
        // a duplicate is ACKed too (the server wants every delivery settled), after the batch it arrived in
        if (ack) this.delivery.ack(ack);
      },
      activity: () => {
        if (current()) this.lastActivityAt = this.clock.now();
      },
      notice: (level, message) => {
        if (current()) this.emitNotice(level, message);
      },
      cursor: (id) => {
        if (!current() || !id) return;
        this.delivery.cursor(id);
      },
      retryHint: (ms) => {
        if (current() && ms >= 0) this.retryHintMs = Math.min(ms, this.policy.maxMs);
      },
      quota: (remaining) => {
        if (current()) this.meter.setRemaining(remaining);
      },
      replayed: (n) => {
        if (current()) this.gaps.replayed(n);
      },
      continuity: (verdict) => {
        if (current()) this.gaps.applyVerdict(verdict);
      },
      closed: (outcome) => {
        if (!current()) return;
        this.generation++;
        this.afterClose(outcome);
      },
    };
  }

  private afterClose(outcome: CloseOutcome): void {
    const now = this.clock.now();
    const visit = this.drainVisit;
    if (visit) {
      // a visit never retries: it ends, paused (or stopped for good on a fatal outcome)
      this.drainVisit = undefined;
      visit.clearTimers();
      const downAt = this.downAt;
      this.connectionEnded(now);
      this.downAt = downAt ?? now;
      this.lastError = redact(outcome.message);
      this.userStopped = true;
      if (outcome.fatal) {
        this.setState('stopped', outcome.reason, outcome.message);
        this.emitNotice('error', `stopped: ${outcome.message}`);
      } else this.setState('stopped', 'paused', 'paused');
      visit.resolve(false, redact(outcome.message));
      return;
    }
    this.connectionEnded(now);
    this.lastError = redact(outcome.message);
    if (outcome.fatal) {
      // the notice below writes the log line (once)
      this.userStopped = true;
      this.setState('stopped', outcome.reason, outcome.message);
      this.emitNotice('error', `stopped: ${outcome.message}`);
      return;
    }
    if (this.userStopped) return;
    const delay = Math.max(this.retryHintMs, nextDelay(this.attempt, this.policy, this.random));
    this.attempt++;
    this.nextRetryAt = now + delay;
    const line = `${outcome.message}; reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.attempt})`;
    // the first failure of a run is a notice (a feed row, once, and the log line); later retries only log
    if (this.attempt === 1) this.emitNotice('warn', line);
    else this.log.warn(line);
    this.setState('reconnecting', undefined, `${outcome.message}; reconnecting`);
    this.watch.retry(delay, () => {
      if (!this.userStopped && !this.disposed) void this.startAttempt({ kind: 'auto' }, false);
    });
  }

  /** Stops the current connection and every timer, without changing the user-visible state. */
  private teardown(): void {
    this.generation++;
    const conn = this.conn;
    this.watch.cancelRetry();
    this.nextRetryAt = undefined;
    this.watch.stop();
    if (conn) {
      this.connectionEnded(this.clock.now());
      try {
        conn.close();
      } catch (err) {
        this.log.debug(`close failed: ${describeError(err)}`);
      }
    }
  }

  /** Bookkeeping when a connection ends, however it ends: timers, billing, and when the stream went down. */
  private connectionEnded(now: number): void {
    const wasLive = this.state === 'live';
    this.watch.stop();
    this.conn = undefined;
    if (this.billed) this.meter.disconnected(now);
    if (wasLive) this.downAt = now;
    this.gaps.connectionEnded();
    this.connectedSince = undefined;
  }

  // ---- processing -----------------------------------------------------------------------------------------------

  /** The steps of each batch that belong to the stream (see {@link StreamDelivery}). */
  private deliveryHost(): DeliveryHost {
    return {
      beforeJournal: (events) => {
        if (this.drainVisit) for (const ev of events) ev.drained = true;
      },
      journalFailed: (err) => this.emitNotice('error', `journal write failed (events still shown): ${describeError(err)}`),
      processed: (events, cursors) => {
        if (events.length > 0) {
          const now = this.clock.now();
          this.eventCount += events.length;
          this.stayLive = false;
          this.lastEventAt = now;
          if (this.billed) this.meter.eventsReceived(events.length, now);
          this.recentEvents.add(events);
          this.gaps.countReplayed(events);
          this.eventsEmitter.fire(events, (e) => this.listenerError(e));
        }
        // the cursor moves only once the events are journaled and shown
        this.advanceCursor(events, cursors);
        this.gaps.flushDirty();
      },
      settled: (events) => {
        if (events.length === 0) return;
        this.statusEmitter.fire(this.status(), (e) => this.listenerError(e));
        this.drainVisit?.counted(events);
      },
      hasUpdate: () => this.gaps.isDirty,
      failed: (err) => this.emitNotice('error', `processing events failed: ${describeError(err)}`),
    };
  }

  // ---- drain visits ---------------------------------------------------------------------------------------------

  /** Ends the visit: what arrived is processed (journaled, ACKed on the open socket) before it disconnects. */
  private finishDrain(ok: boolean): void {
    const visit = this.drainVisit;
    if (!visit || visit.ending) return;
    visit.ending = true;
    visit.clearTimers();
    void this.flush().then(() => {
      if (this.drainVisit !== visit) return;
      this.drainVisit = undefined;
      const wasLive = visit.liveAt !== undefined;
      const downAt = this.downAt;
      this.userStopped = true;
      this.teardown();
      this.downAt = downAt;
      this.setState('stopped', 'paused', 'paused');
      visit.resolve(ok && wasLive, wasLive ? undefined : 'the drain visit never went live');
    });
  }

  /** The user (or the guard) took the stream over during a visit: the visit resolves, the new action wins. */
  private endDrain(ok: boolean, message: string): void {
    const visit = this.drainVisit;
    if (!visit) return;
    this.drainVisit = undefined;
    visit.clearTimers();
    visit.resolve(ok, message);
  }

  /** Feeds the server ids of processed events (and id-only cursors, in their place) to the resume cursor. */
  private advanceCursor(events: readonly ChainEvent[], cursors: readonly PendingCursor[]): void {
    let c = 0;
    for (let i = 0; i <= events.length; i++) {
      while (c < cursors.length && cursors[c]!.after <= i) this.cursor.observe(cursors[c++]!.id);
      if (i === events.length) break;
      const ev = events[i]!;
      const id = this.cursorOf(ev);
      if (id !== undefined) this.cursor.observe(id, ev.checkpoint);
    }
  }

  // ---- helpers --------------------------------------------------------------------------------------------------

  /**
   * The server-issued id an event moves the resume cursor to, or undefined when it has none (a derived identity is
   * never a cursor). Default: `messageId`, else `id` for providers whose ids are their own cursors (EVM, Covalent).
   */
  protected cursorOf(ev: ChainEvent): string | undefined {
    if (ev.messageId !== undefined) return ev.messageId;
    // a Warp identity always holds `~` (derived, or id~discriminator); a journal written before identities existed
    // holds the server's id as is
    if (ev.provider === 'warp') return ev.id.includes('~') ? undefined : ev.id;
    return ev.id;
  }

  /**
   * Why `id` cannot be sent as a resume cursor on this transport (an HTTP header cannot carry it), or undefined
   * when it can. The reconnect then falls back to `mode=resume` and says so.
   */
  protected cursorProblem(id: string): string | undefined {
    void id;
    return undefined;
  }

  /**
   * How this provider derives an event again from a lean journal line (its normalizer, see {@link JournalCodec});
   * default none: the journal then writes whole events. Called once, while the journal opens.
   */
  protected journalCodec(): JournalCodec | undefined {
    return undefined;
  }

  /** A judge for the replay of one reconnect (see {@link ReplayJudge}); default none (the gap keeps its verdict). */
  protected replayJudge(ctx: ReplayContext): ReplayJudge | undefined {
    void ctx;
    return undefined;
  }

  /**
   * What a reconnect in `mode` recovers before anything arrives; a provider overrides it to state its case (a feed
   * without replay: `not_recoverable`) and refines it later through {@link TransportSink.continuity}.
   * Default: a live reconnect may have missed what was sent while down; a replay is `unverified` until judged.
   */
  protected reconnectVerdict(mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
    if (mode.kind === 'live') {
      return { continuity: 'may_be_missing', missingFrom: downAt, missingTo: resumedAt, reason: 'reconnected live: events sent while down are not replayed' };
    }
    return { continuity: 'unverified' };
  }

  private async restore(deps: BaseStreamDeps): Promise<void> {
    if (!deps.journalDir) return;
    const opts: JournalOptions = {
      dir: deps.journalDir,
      name: streamKey(this.definition),
      definition: streamIdentity(this.definition),
      legacyName: this.definition.id,
      onWarning: (m) => this.emitNotice('warn', m),
      streamId: this.definition.id,
    };
    const codec = this.journalCodec();
    if (codec) {
      opts.revive = codec.revive;
      if (codec.derivesIds) opts.derivesIds = true;
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

  private setState(state: StreamState, reason: StopReason | undefined, message: string | undefined): void {
    this.state = state;
    this.stopReason = reason;
    this.message = message === undefined ? undefined : redact(message);
    this.statusEmitter.fire(this.status(), (e) => this.listenerError(e));
  }

  private emitNotice(level: StreamNotice['level'], message: string): void {
    const text = redact(message);
    if (level === 'error') this.log.error(text);
    else if (level === 'warn') this.log.warn(text);
    else this.log.info(text);
    this.noticeEmitter.fire({ stream: this.definition.id, level, message: text, at: this.clock.now() }, (e) => this.listenerError(e));
  }

  private listenerError(err: unknown): void {
    this.log.error(`a listener failed: ${describeError(err)}`);
  }
}

/** An id for a message: at most 80 characters, invisible characters escaped, redacted. */
function preview(id: string): string {
  const shown = id.length > 80 ? `${id.slice(0, 80)}…` : id;
  return redact(JSON.stringify(shown));
}
