/**
 * The part every provider shares: the connection life cycle (attempt, sink, close, retry, teardown, drain visits)
 * as one state machine, wired to the pieces around it: the provider contract (streamTransport), what becomes of
 * events (streamIntake), the status (statusRecord) and listeners (streamSignals), reconnect gaps (gapLedger),
 * connection timers (connectionWatch), backoff (reconnectSchedule), connect modes (connectMode, cursorFallback),
 * superseded connections (currentSink) and drain visits (drainVisit). A provider subclass only opens one
 * connection at a time through {@link BaseStream.open} and reports on it through the {@link TransportSink} it gets.
 *
 * Guarantees:
 * - Events are handed to listeners in arrival order, in batches; a batch is appended to the journal in one write
 *   *before* listeners see it, and each event's `ack` runs only after both (so an ACKed event is always on disk).
 * - Events already seen by identity (`ChainEvent.id`, within the dedup window, restored from the journal at start)
 *   are dropped, but still ACKed once the batch they arrived in is processed.
 * - The resume cursor is only ever a server-issued id (`ChainEvent.messageId`, or an id-only SSE block), tracked by
 *   a ResumeCursor: with shared ids (Warp checkpoints) the last id whose group is complete.
 * - Automatic reconnects use exponential backoff with full jitter and resume after the cursor. Without one:
 *   `mode=resume`, except that (when the provider asks for it) a connection the user opened live stays live until
 *   its first event is processed.
 *   A cursor the transport cannot deliver ({@link BaseStream.cursorProblem}) falls back to `mode=resume`, with a
 *   notice. Fatal outcomes (quota, bad key, unknown stream) stop the stream and never retry on their own.
 * - Every reconnect after a drop fires a GapInfo saying what it recovered; a provider judges the replay
 *   through {@link BaseStream.replayJudge}.
 * - Disposing flushes the events still pending through the journal and the listeners before the emitters close.
 * - A connection that receives nothing (event, heartbeat, pong) for 3x the heartbeat interval is declared dead.
 * - A drain visit ({@link BaseStream.drain}) is one connection of a paused stream that ends when the replay is over;
 *   it fires no gap, leaves the stream paused and never retries.
 */
import { defaultBackoff } from './backoff';
import { systemClock, type Clock } from '../clock';
import type { ChainEvent } from '../event';
import { nullLogger, type Logger } from '../logger';
import { describeError, redact } from '../redact';
import { ConnectionWatch } from './connectionWatch';
import { resolveConnectMode } from './connectMode';
import { CreditMeter } from './credits';
import { currentOnly } from './currentSink';
import { sendableMode } from './cursorFallback';
import { DrainVisit } from './drainVisit';
import { GapLedger } from './gapLedger';
import type { JournalCodec } from './journalLine';
import { ReconnectSchedule } from './reconnectSchedule';
import { StatusRecord } from './statusRecord';
import { StreamIntake, type IntakeHost } from './streamIntake';
import { StreamSignals } from './streamSignals';
import { ConnectError, describeMode, type BaseStreamDeps, type CloseOutcome, type GapVerdict, type ReplayContext } from './streamTransport';
import type { ReplayJudge, ReplaySource, ResolvedMode, TransportConnection, TransportSink } from './streamTransport';
import type { ConnectMode, CreditSnapshot, DrainOptions, DrainResult, StreamDefinition, StreamHandle, StreamStatus } from './stream';

/** The provider contract, re-exported so every provider keeps importing it from here. */
export * from './streamTransport';

/** Base class for every provider's stream. */
export abstract class BaseStream implements StreamHandle {
  protected readonly clock: Clock;
  protected readonly log: Logger;
  /** The backoff between automatic reconnects (see {@link ReconnectSchedule}). */
  private readonly schedule: ReconnectSchedule;
  private readonly connectTimeoutMs: number;
  private readonly meter = new CreditMeter();
  private readonly billed: boolean;

  /** The emitters behind `onEvents`, `onStatus`, `onGap` and `onNotice` (see {@link StreamSignals}). */
  private readonly signals: StreamSignals;
  readonly onEvents: StreamHandle['onEvents'] = (listener) => this.signals.onEvents(listener);
  readonly onStatus: StreamHandle['onStatus'] = (listener) => this.signals.onStatus(listener);
  readonly onGap: StreamHandle['onGap'] = (listener) => this.signals.onGap(listener);
  readonly onNotice: StreamHandle['onNotice'] = (listener) => this.signals.onNotice(listener);

  /** Dedup, group commit, recent list, resume cursor and journal (see {@link StreamIntake}). */
  private readonly intake: StreamIntake;
  /** Resolves once the journal is restored (recent events and the last processed id are known). */
  readonly ready: Promise<void>;

  /** The status fields and the state machine's current state (see {@link StatusRecord}). */
  private readonly rec: StatusRecord;
  /** The user connected live and no event was processed since: automatic retries stay live. */
  private stayLive = false;
  private readonly liveUntilFirstEvent: boolean;

  /** Increments whenever the current connection is superseded; sinks of older generations are ignored. */
  private generation = 0;
  private conn: TransportConnection | undefined;
  private readonly watch: ConnectionWatch;
  private userStopped = true;
  private disposed = false;

  private downAt: number | undefined;
  private readonly gaps: GapLedger;

  /** The drain visit in progress, if any. */
  private drainVisit: DrainVisit | undefined;

  /**
   * @param opts.billed the provider bills per event and connected interval (credits are metered).
   * @param opts.sharedIds several events may carry one server id (Warp checkpoints): resume from the last complete
   *   group (see ResumeCursor).
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
    this.schedule = new ReconnectSchedule({ ...defaultBackoff, ...(deps.backoff ?? {}) }, deps.random ?? Math.random);
    this.watch = new ConnectionWatch(this.clock, deps.heartbeatMs ?? 15_000);
    this.connectTimeoutMs = deps.connectTimeoutMs ?? 15_000;
    this.signals = new StreamSignals(definition.id, this.clock, this.log);
    this.billed = opts.billed;
    this.gaps = new GapLedger(definition.id, opts.replay ?? 'buffer', this.log, (gap) => this.signals.gap(gap));
    this.rec = new StatusRecord(
      () => ({ eventCount: this.intake.eventCount, lastEventId: this.intake.cursor.resumeAfter, lastEventAt: this.intake.lastEventAt, draining: this.drainVisit !== undefined, lastGap: this.gaps.latest }),
      (status) => this.signals.status(status),
    );
    this.intake = new StreamIntake(this.intakeHost(), this.gaps, this.clock, this.log, deps, opts.sharedIds === true);
    this.liveUntilFirstEvent = opts.liveUntilFirstEvent === true;
    this.ready = this.intake.restore(deps, definition, () => this.journalCodec()).catch((err) => {
      this.signals.notice('error', `journal unavailable, keeping events in memory only: ${describeError(err)}`);
    });
  }

  /**
   * Opens one connection in `mode`, reporting through `sink`. Throw {@link ConnectError} for outcomes known before
   * connecting (no key); any other throw counts as a transient failure.
   */
  protected abstract open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> | TransportConnection;

  // ---- StreamHandle -------------------------------------------------------------------------------------------

  status(): StreamStatus {
    return this.rec.snapshot();
  }

  credits(): CreditSnapshot {
    return this.billed ? this.meter.snapshot(this.clock.now()) : { credits: 0, events: 0, intervals: 0, perHour: 0 };
  }

  recent(limit = this.intake.recentLimit): ChainEvent[] {
    return this.intake.recent(limit);
  }

  /** Duplicates dropped so far (tests, diagnostics). */
  get duplicatesDropped(): number {
    return this.intake.duplicatesDropped;
  }

  connect(mode: ConnectMode = { kind: 'auto' }): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was connected');
    this.schedule.clearHint();
    this.restart(mode, true);
  }

  disconnect(reason: 'user' | 'paused' = 'user'): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was disconnected');
    this.userStopped = true;
    this.teardown();
    this.rec.set('stopped', reason, reason === 'paused' ? 'paused' : 'disconnected');
  }

  reconnect(): void {
    if (this.disposed) return;
    this.endDrain(false, 'the stream was reconnected');
    this.restart({ kind: 'auto' }, false);
  }

  flush(): Promise<void> {
    return this.intake.flush();
  }

  /** Every event the journal still holds (for export), oldest first; the in-memory ones without a journal. */
  async readJournal(): Promise<ChainEvent[]> {
    await this.ready;
    await this.flush();
    return this.intake.readJournal();
  }

  /**
   * A drain visit (see {@link StreamHandle.drain}). Only a stream stopped with reason `paused` drains; otherwise it
   * resolves at once with `ok: false`. The replay is over at the first event stamped (chain time) after the
   * moment the visit went live, or after `quietMs` without an event, or after `maxMs` in all.
   */
  drain(options: DrainOptions = {}): Promise<DrainResult> {
    const now = this.clock.now();
    if (this.disposed || this.drainVisit || this.rec.stoppedFor !== 'paused') {
      return Promise.resolve({ ok: false, events: 0, endedAt: now, message: 'the stream is not paused' });
    }
    return new Promise<DrainResult>((resolve) => {
      this.drainVisit = new DrainVisit(this.clock, options, () => this.finishDrain(true), resolve);
      // keep the moment the live connection went down: the visit is not a return
      this.restart({ kind: 'continue' }, false, true);
    });
  }

  /**
   * Records a window in which events may be missing (the credit guard: a pause outlasted the server's buffer). The
   * next reconnect's gap says `may_be_missing` over it (windows noted meanwhile are merged) and keeps saying so
   * whatever the provider judges later; a stream already live gets a warning notice instead.
   */
  notePossibleLoss(from: number, to: number, words: string): void {
    if (this.disposed || !(to > from)) return;
    if (this.rec.state === 'live' && !this.drainVisit) {
      this.signals.notice('warn', words);
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
        this.signals.dispose();
        return this.intake.close();
      });
  }

  // ---- connection life cycle ----------------------------------------------------------------------------------

  private resolveMode(requested: ConnectMode, initial: boolean): ResolvedMode {
    const choice = resolveConnectMode(requested, { resumeAfter: this.intake.cursor.resumeAfter, initial, stayLive: this.stayLive, liveUntilFirstEvent: this.liveUntilFirstEvent });
    this.stayLive = choice.stayLive;
    return sendableMode(choice.mode, (id) => this.cursorProblem(id), (words) => this.signals.notice('warn', words));
  }

  private async startAttempt(requested: ConnectMode, initial: boolean): Promise<void> {
    const gen = ++this.generation;
    this.rec.nextRetryAt = undefined;
    this.rec.set('connecting', undefined, this.rec.attempt > 0 ? `connecting (attempt ${this.rec.attempt + 1})` : 'connecting');
    await this.ready;
    // events still being processed from the previous connection move the resume point: wait for them
    await this.flush();
    if (gen !== this.generation) return;
    const mode = this.resolveMode(requested, initial);
    this.rec.mode = mode.kind;
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
      this.rec.endpoint = redact(conn.endpoint);
      this.rec.transport = conn.transport;
      // a transport that opened synchronously already logged "live": the endpoint line then only goes to debug
      const line = `connecting to ${this.rec.endpoint} (${conn.transport}, ${describeMode(mode)})`;
      if (this.rec.state === 'connecting') this.log.info(line);
      else this.log.debug(line);
    } catch (err) {
      if (gen !== this.generation) return;
      sink.closed(err instanceof ConnectError ? err.outcome : { fatal: false, message: describeError(err) });
    }
  }

  private makeSink(gen: number, mode: ResolvedMode): TransportSink {
    const current = () => gen === this.generation && !this.disposed;
    return currentOnly(current, {
      opened: (info) => {
        const now = this.clock.now();
        this.rec.connectedSince = now;
        this.rec.lastActivityAt = now;
        if (this.billed) this.meter.connected(now);
        this.rec.lastError = undefined;
        this.watch.live(info?.heartbeatMs, this.schedule.resetAfterMs, {
          current,
          lastActivityAt: () => this.rec.lastActivityAt,
          dead: (silentMs) => {
            const conn = this.conn;
            this.generation++;
            conn?.close();
            this.afterClose({ fatal: false, message: `no data or heartbeat for ${Math.round(silentMs / 1000)} s (connection dead)` });
          },
          ping: () => this.conn?.ping?.(),
          healthy: () => {
            this.rec.attempt = 0;
          },
        });
        this.log.info(`live (${describeMode(mode)})${this.drainVisit ? ' for a drain visit' : ''}`);
        const visit = this.drainVisit;
        visit?.wentLive(now);
        this.rec.set('live', undefined, visit ? 'paused · draining' : 'live');
        if (this.downAt !== undefined && !visit) {
          const downAt = this.downAt;
          const verdict = this.reconnectVerdict(mode, downAt, now);
          const judge = this.replayJudge({ mode, downAt, resumedAt: now, cursor: this.intake.cursor.position(), initial: verdict });
          this.downAt = undefined;
          this.gaps.reconnected({ mode, downAt, resumedAt: now, verdict, judge });
        }
      },
      event: (ev, ack) => {
        this.rec.lastActivityAt = this.clock.now();
        this.intake.event(ev, ack);
      },
      activity: () => (this.rec.lastActivityAt = this.clock.now()),
      notice: (level, message) => this.signals.notice(level, message),
      cursor: (id) => {
        if (id) this.intake.cursorId(id);
      },
      retryHint: (ms) => this.schedule.hint(ms),
      quota: (remaining) => this.meter.setRemaining(remaining),
      replayed: (n) => this.gaps.replayed(n),
      continuity: (verdict) => this.gaps.applyVerdict(verdict),
      closed: (outcome) => {
        this.generation++;
        this.afterClose(outcome);
      },
    });
  }

  private afterClose(outcome: CloseOutcome): void {
    const now = this.clock.now();
    const visit = this.drainVisit;
    // a visit never retries: it ends, paused (or stopped for good on a fatal outcome), and keeps when the live
    // connection went down
    const downAt = this.downAt;
    if (visit) {
      this.drainVisit = undefined;
      visit.clearTimers();
    }
    this.connectionEnded(now);
    if (visit) this.downAt = downAt ?? now;
    this.rec.lastError = redact(outcome.message);
    if (outcome.fatal) {
      // the notice below writes the log line (once)
      this.userStopped = true;
      this.rec.set('stopped', outcome.reason, outcome.message);
      this.signals.notice('error', `stopped: ${outcome.message}`);
    } else if (visit) {
      this.userStopped = true;
      this.rec.set('stopped', 'paused', 'paused');
    }
    visit?.resolve(false, redact(outcome.message));
    if (visit || outcome.fatal || this.userStopped) return;
    const delay = this.schedule.delay(this.rec.attempt);
    this.rec.attempt++;
    this.rec.nextRetryAt = now + delay;
    const line = `${outcome.message}; reconnecting in ${(delay / 1000).toFixed(1)} s (attempt ${this.rec.attempt})`;
    // the first failure of a run is a notice (a feed row, once, and the log line); later retries only log
    if (this.rec.attempt === 1) this.signals.notice('warn', line);
    else this.log.warn(line);
    this.rec.set('reconnecting', undefined, `${outcome.message}; reconnecting`);
    this.watch.retry(delay, () => {
      if (!this.userStopped && !this.disposed) void this.startAttempt({ kind: 'auto' }, false);
    });
  }

  /** A new run of attempts (the attempt count starts again), after the current connection is torn down. */
  private restart(mode: ConnectMode, initial: boolean, keepDownAt = false): void {
    this.userStopped = false;
    this.rec.attempt = 0;
    this.teardown(keepDownAt);
    void this.startAttempt(mode, initial);
  }

  /**
   * Stops the current connection and every timer, without changing the user-visible state. `keepDownAt`: the
   * moment the live connection went down stays as it was (a drain visit is not a return).
   */
  private teardown(keepDownAt = false): void {
    const downAt = this.downAt;
    this.generation++;
    const conn = this.conn;
    this.watch.cancelRetry();
    this.rec.nextRetryAt = undefined;
    this.watch.stop();
    if (conn) {
      this.connectionEnded(this.clock.now());
      try {
        conn.close();
      } catch (err) {
        this.log.debug(`close failed: ${describeError(err)}`);
      }
    }
    if (keepDownAt) this.downAt = downAt;
  }

  /** Bookkeeping when a connection ends, however it ends: timers, billing, and when the stream went down. */
  private connectionEnded(now: number): void {
    const wasLive = this.rec.state === 'live';
    this.watch.stop();
    this.conn = undefined;
    if (this.billed) this.meter.disconnected(now);
    if (wasLive) this.downAt = now;
    this.gaps.connectionEnded();
    this.rec.connectedSince = undefined;
  }

  // ---- processing -----------------------------------------------------------------------------------------------

  /** What the intake asks of the stream (see {@link StreamIntake}). */
  private intakeHost(): IntakeHost {
    return {
      drainVisit: () => this.drainVisit,
      notice: (level, message) => this.signals.notice(level, message),
      delivered: (events, now) => {
        this.stayLive = false;
        if (this.billed) this.meter.eventsReceived(events.length, now);
        this.signals.events(events);
      },
      settled: () => this.signals.status(this.status()),
      cursorOf: (ev) => this.cursorOf(ev),
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
      this.userStopped = true;
      this.teardown(true);
      this.rec.set('stopped', 'paused', 'paused');
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
}
