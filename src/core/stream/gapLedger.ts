/**
 * {@link GapLedger}: the reconnect gaps of one stream. It opens a {@link GapInfo} when a dropped stream comes back,
 * counts what the reconnect replayed and the duplicates it dropped, applies the provider's verdicts (and a possible
 * loss noted while paused, which later verdicts cannot clear), and tells the listeners through one callback.
 */
import type { ChainEvent } from '../event';
import type { Logger } from '../logger';
import type { GapInfo } from './stream';
import type { GapVerdict, ReplayJudge, ReplaySource, ResolvedMode } from './streamTransport';

/** A window in which events may be missing, with the words that say why. Times ms since epoch. */
export interface LossWindow {
  from: number;
  to: number;
  reason: string;
}

/** What {@link GapLedger.reconnected} needs to open a gap. Times ms since epoch. */
export interface ReconnectFacts {
  mode: ResolvedMode;
  downAt: number;
  resumedAt: number;
  /** What the reconnect recovers before anything arrives (the provider's {@link GapVerdict}). */
  verdict: GapVerdict;
  /** The provider's judge of this reconnect's replay, if it has one. */
  judge: ReplayJudge | undefined;
}

/** The gaps of one stream: the current one (until the next drop) and the latest (for the status tooltip). */
export class GapLedger {
  private gapSeq = 0;
  /** The gap whose `buffer` replay is still being counted by chain time. */
  private openGap: GapInfo | undefined;
  /** The gap the current connection resumed from (until the next drop). */
  private lastGap: GapInfo | undefined;
  /** The most recent gap, kept for the status tooltip. */
  private latestGap: GapInfo | undefined;
  /** A possible loss noted while paused ({@link notePossibleLoss}), for the next reconnect's gap. */
  private pendingLoss: LossWindow | undefined;
  /** The gap that carries such a loss: later verdicts cannot clear it. */
  private lossGap: GapInfo | undefined;
  /** The window of the loss carried by {@link lossGap}. */
  private lossWindow: LossWindow | undefined;
  /** The provider's judge of the current reconnect's replay, until the replay is over. */
  private judge: ReplayJudge | undefined;
  /** The current gap changed (duplicates counted) since listeners last heard of it. */
  private dirty = false;

  /**
   * @param stream the stream id the gaps carry.
   * @param replaySource who replays after a reconnect (see {@link ReplaySource}).
   * @param fire tells the listeners of a gap (a copy each time).
   */
  constructor(
    private readonly stream: string,
    private readonly replaySource: ReplaySource,
    private readonly log: Logger,
    private readonly fire: (gap: GapInfo) => void,
  ) {}

  /** The most recent gap, if any (a copy). */
  get latest(): GapInfo | undefined {
    return this.latestGap === undefined ? undefined : { ...this.latestGap };
  }

  /** A gap is current: events of this connection are judged against it. */
  get active(): boolean {
    return this.lastGap !== undefined;
  }

  /** The current gap changed since the listeners last heard of it. */
  get isDirty(): boolean {
    return this.dirty;
  }

  /** A dropped stream is live again: opens its gap and tells the listeners. */
  reconnected(facts: ReconnectFacts): void {
    const { mode, downAt, resumedAt, verdict } = facts;
    const gap: GapInfo = {
      stream: this.stream,
      gapId: ++this.gapSeq,
      downAt,
      resumedAt,
      downMs: resumedAt - downAt,
      // without any replay (`not_recoverable`) the reconnect is live, whatever mode was asked for
      mode: verdict.continuity === 'not_recoverable' ? 'live' : mode.kind,
      duplicatesDropped: 0,
      ...verdict,
    };
    if (mode.kind !== 'live' && verdict.continuity !== 'not_recoverable' && this.replaySource !== 'none') gap.replayed = 0;
    // a provider without replay resumes from nothing, whatever id it last processed
    if (mode.kind === 'after' && verdict.continuity !== 'not_recoverable') gap.resumedFrom = mode.id;
    this.judge = facts.judge;
    this.applyPendingLoss(gap);
    this.openGap = this.replaySource === 'buffer' ? gap : undefined;
    this.lastGap = gap;
    this.latestGap = gap;
    if (verdict.reason) this.log.info(`reconnected: ${verdict.continuity}: ${verdict.reason}`);
    this.fire({ ...gap });
  }

  /** The connection ended: its gap is no longer current and its judge is gone. */
  connectionEnded(): void {
    this.lastGap = undefined;
    this.judge = undefined;
  }

  /**
   * Records a window in which events may be missing, for the next reconnect's gap (windows noted meanwhile are
   * merged).
   */
  notePossibleLoss(from: number, to: number, words: string): void {
    const p = this.pendingLoss;
    this.pendingLoss = p ? { from: Math.min(p.from, from), to: Math.max(p.to, to), reason: `${p.reason}; ${words}` } : { from, to, reason: words };
  }

  /** One event received on the current connection; `duplicate` = dropped by identity. */
  judgeEvent(ev: ChainEvent, duplicate: boolean): void {
    const judge = this.judge;
    const gap = this.lastGap;
    if (!gap) return;
    // the count reaches the listeners once per processed batch, not once per duplicate
    if (duplicate) {
      gap.duplicatesDropped++;
      this.dirty = true;
    }
    if (!judge) return;
    const replayed = ev.timestamp !== undefined && ev.timestamp < gap.resumedAt;
    const verdict = replayed ? judge.event(ev, duplicate) : judge.end(ev, duplicate);
    if (!replayed) this.judge = undefined;
    if (verdict) this.applyVerdict(verdict);
  }

  /**
   * With a `buffer` replay: events whose chain time is before the reconnect count as replayed, until the first
   * that is not (one gap update per processed batch that counted some). Other replay sources never get here.
   */
  countReplayed(events: readonly ChainEvent[]): void {
    const gap = this.openGap;
    if (!gap) return;
    let n = 0;
    let done = false;
    for (const ev of events) {
      if (ev.timestamp !== undefined && ev.timestamp < gap.resumedAt) n++;
      else {
        done = true;
        break;
      }
    }
    if (n > 0) {
      gap.replayed = (gap.replayed ?? 0) + n;
      this.fire({ ...gap });
    }
    if (done) this.openGap = undefined;
  }

  /** `n` events of the current reconnect were backfilled by the provider: added to the current gap's count. */
  replayed(n: number): void {
    const gap = this.lastGap;
    if (!gap || n <= 0) return;
    gap.replayed = (gap.replayed ?? 0) + n;
    this.fire({ ...gap });
  }

  /** Tells the listeners of the current gap if it changed since they last heard (once per processed batch). */
  flushDirty(): void {
    if (!this.dirty) return;
    this.dirty = false;
    if (this.lastGap) this.fire({ ...this.lastGap });
  }

  /** Replaces the judged part of the current gap and tells the listeners. */
  applyVerdict(verdict: GapVerdict): void {
    const gap = this.lastGap;
    if (!gap) return;
    // a loss the credit guard noted stays: a replay that looks complete cannot bring back a deleted buffer
    if (gap === this.lossGap && (verdict.continuity === 'verified' || verdict.continuity === 'unverified')) return;
    delete gap.missingFrom;
    delete gap.missingTo;
    delete gap.reason;
    Object.assign(gap, verdict);
    if (gap === this.lossGap) this.applyPendingLoss(gap, this.lossWindow);
    this.dirty = false;
    this.log.info(`reconnect ${gap.gapId}: ${verdict.continuity}${verdict.reason ? `: ${verdict.reason}` : ''}`);
    this.fire({ ...gap });
  }

  /** Puts a noted loss into `gap` (widening any window the provider found). */
  private applyPendingLoss(gap: GapInfo, loss = this.pendingLoss): void {
    if (!loss) return;
    this.pendingLoss = undefined;
    this.lossGap = gap;
    this.lossWindow = loss;
    gap.continuity = 'may_be_missing';
    gap.missingFrom = Math.min(gap.missingFrom ?? loss.from, loss.from);
    gap.missingTo = Math.max(gap.missingTo ?? loss.to, loss.to);
    gap.reason = gap.reason && gap.reason !== loss.reason ? `${loss.reason}; ${gap.reason}` : loss.reason;
  }
}
