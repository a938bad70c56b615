/**
 * Sui events, transactions or checkpoints straight from a full node's gRPC `SubscriptionService`, gap-free across
 * reconnects and reloads (the definition's `subscription`, default `events`; see `suiKinds.ts` for what differs).
 *
 * Subscriptions do not resume (a new one starts at the tip), so every connection that has something to resume
 * after does what the node documents: open the subscription first and buffer its frames, then scan the gap with
 * `LedgerService.ListEvents` / `ListTransactions` (`after` = the last processed cursor, `before` = the
 * subscription's first cursor) or `ListCheckpoints` (the checkpoint range in between), reissuing from the last
 * watermark while the node stops early (`SCAN_LIMIT`, `ITEM_LIMIT`, or `LEDGER_TIP` while its index lags) until it
 * ends with the bound (`CURSOR_BOUND`; `CHECKPOINT_BOUND` for checkpoints); then drain the buffer. Items are
 * deduplicated (an event by `transactionDigest:eventIndex`, a transaction by digest, a checkpoint by sequence
 * number), so each reaches the feed once, in ledger (checkpoint) order.
 *
 * - The resume id is the watermark cursor of the last processed frame (an item's, or a progress frame's; for
 *   checkpoints the sequence number covered): the journal keeps it, so a reload scans from there too.
 * - Liveness: every frame, progress-only frames included, counts as activity; a quiet filter is not a dead node.
 * - Outcomes: `UNIMPLEMENTED` (subscriptions disabled) stops with words and a hint and never retries on its own;
 *   `UNAUTHENTICATED`, `PERMISSION_DENIED`, a quota `RESOURCE_EXHAUSTED` stop too; `UNAVAILABLE` and a rate-limit
 *   `RESOURCE_EXHAUSTED` reconnect with the shared backoff (see `suiOutcome.ts`).
 * - Bounds: at most `maxBufferedFrames` subscription frames (per kind) wait for a gap scan; beyond that the
 *   connection is dropped and the next one scans again from the last processed cursor (nothing is lost).
 */
import { BaseStream, ConnectError, type BaseStreamDeps, type CloseOutcome, type GapVerdict, type ResolvedMode, type TransportConnection, type TransportSink } from '../stream/baseStream';
import type { TimerHandle } from '../clock';
import type { StreamDefinition } from '../stream/stream';
import { describeError, redact, registerSecret } from '../redact';
import { keyTransportProblem } from '../transportSecurity';
import { suiSubscriptionOf, type SuiFilterFields, type SuiSubscription } from './suiFilter';
import { GapScan, type GapScanOptions, type ScanEndReason } from './suiCursor';
import { suiKind, type SuiKind } from './suiKinds';
import { grpcTarget, suiNodeUrl, suiOutcome } from './suiOutcome';
import type { SuiCall, SuiFrame, SuiRpc, SuiRpcFactory } from './suiRpc';

export { SUI_EVENT_READ_MASK } from './suiKinds';

/**
 * A `sui` stream definition: the shared fields plus the subscription (`events`, `transactions` or `checkpoints`,
 * kept in the shared `subscription` field so each kind has its own journal) and the filter.
 */
export type SuiStreamDefinition = Omit<StreamDefinition, 'subscription'> & SuiFilterFields & { subscription?: SuiSubscription };

/** What a Sui stream needs beyond {@link BaseStreamDeps}. */
export interface SuiStreamDeps extends BaseStreamDeps {
  /** The key saved for the node's host (optional: public nodes need none), sent as `x-api-key`. */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  /** Opens the gRPC channel (default: native gRPC, loaded on first connect). */
  rpcFactory?: SuiRpcFactory;
  /** Gap scan tunables (LEDGER_TIP waits, request cap). */
  scan?: GapScanOptions;
  /** Items asked per scan request (default 1,000; the node may coerce it down). */
  scanPageLimit?: number;
  /** Subscription frames buffered during a gap scan at most (default 50,000 events, 20,000 transactions, 2,000 checkpoints). */
  maxBufferedFrames?: number;
}

/** What one gap scan did, for the output and tests. */
export interface SuiGapReport {
  /** Items the scan delivered (events, transactions or checkpoints). */
  events: number;
  requests: number;
  scanLimits: number;
  itemLimits: number;
  tipWaits: number;
  /** True when the scan reached the subscription's first cursor (`CURSOR_BOUND`; `CHECKPOINT_BOUND` for checkpoints). */
  complete: boolean;
}

/** State of one connection. */
interface Session {
  cancelled: boolean;
  rpc: SuiRpc;
  sub: SuiCall | undefined;
  scanCall: SuiCall | undefined;
  timer: TimerHandle | undefined;
  /** Subscription frames held while the gap is scanned; undefined once released (or when nothing is scanned). */
  buffer: SuiFrame[] | undefined;
  /** The first subscription frame has arrived. */
  opened: boolean;
  outcome: CloseOutcome | undefined;
}

/** A `sui` stream: events, transactions or checkpoints from a full node's SubscriptionService. Not billed per event by Chain Watch. */
export class SuiGrpcStream extends BaseStream {
  /** The last completed gap scan (tests and the output read it). */
  lastGapReport: SuiGapReport | undefined;
  /** Gap scans completed since the stream was created. */
  gapScans = 0;
  private readonly kind: SuiKind;

  constructor(
    definition: StreamDefinition | SuiStreamDefinition,
    private readonly suiDeps: SuiStreamDeps,
  ) {
    super(definition as StreamDefinition, suiDeps, { billed: false, replay: 'backfill' });
    this.kind = suiKind(suiSubscriptionOf(definition as SuiStreamDefinition));
  }

  protected override cursorProblem(id: string): string | undefined {
    return this.kind.cursorProblem(id);
  }

  protected override reconnectVerdict(mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
    if (mode.kind === 'after') return { continuity: 'unverified', reason: `scanning the gap with ${this.kind.scanCall}` };
    return { continuity: 'may_be_missing', missingFrom: downAt, missingTo: resumedAt, reason: 'no cursor to scan from: continued live from the tip (a Sui subscription does not replay)' };
  }

  protected async open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> {
    const def = this.definition as unknown as SuiStreamDefinition;
    const url = suiNodeUrl(def);
    let target;
    let filter: unknown;
    try {
      target = grpcTarget(url);
      filter = this.kind.filter(def);
    } catch (err) {
      throw new ConnectError({ fatal: true, reason: 'error', message: describeError(err) });
    }
    const key = (await this.suiDeps.getKey(this.definition))?.trim() || undefined;
    if (key) {
      registerSecret(key);
      const problem = keyTransportProblem(url);
      if (problem) throw new ConnectError({ fatal: true, reason: 'refused', message: problem });
    }
    const factory = this.suiDeps.rpcFactory ?? (await import('./suiGrpcClient')).createSuiGrpc;
    const rpc = factory(target, key ? { apiKey: key } : {});
    const session: Session = { cancelled: false, rpc, sub: undefined, scanCall: undefined, timer: undefined, buffer: undefined, opened: false, outcome: undefined };
    session.sub = this.kind.subscribe(rpc, filter, {
      frame: (f) => this.onSubscriptionFrame(session, sink, f, mode, filter, url),
      error: (fail) => this.end(session, sink, suiOutcome(fail, this.kind.subscribeCall, url)),
      complete: () => this.end(session, sink, { fatal: false, message: 'the node ended the subscription' }),
    });
    return {
      endpoint: redact(url),
      transport: 'grpc',
      close: () => this.cancel(session),
    };
  }

  private cancel(session: Session): void {
    if (session.cancelled) return;
    session.cancelled = true;
    this.clock.clearTimeout(session.timer);
    session.sub?.cancel();
    session.scanCall?.cancel();
    session.rpc.close();
  }

  private end(session: Session, sink: TransportSink, outcome: CloseOutcome & { retryAfterMs?: number }): void {
    if (session.cancelled) return;
    this.cancel(session);
    if (outcome.retryAfterMs) sink.retryHint(outcome.retryAfterMs);
    sink.closed(outcome.fatal ? { fatal: true, reason: outcome.reason, message: outcome.message } : { fatal: false, message: outcome.message });
  }

  private onSubscriptionFrame(session: Session, sink: TransportSink, f: SuiFrame, mode: ResolvedMode, filter: unknown, url: string): void {
    if (session.cancelled) return;
    if (!session.opened) {
      session.opened = true;
      sink.opened();
      if (mode.kind === 'after') {
        const hasItem = (f.event ?? f.transaction ?? f.checkpointItem) !== undefined;
        if (f.cursor === undefined) {
          sink.continuity({ continuity: 'may_be_missing', reason: 'the subscription sent no cursor to bound the gap with: continued live' });
        } else if (!this.kind.hasGap(mode.id, f.cursor, hasItem)) {
          this.finishScan(sink, undefined, 0, 0, true, undefined);
        } else {
          session.buffer = [];
          this.scanGap(session, sink, filter, mode.id, f.cursor, hasItem, url);
        }
      }
    } else sink.activity();
    if (session.buffer) {
      session.buffer.push(f);
      const max = this.suiDeps.maxBufferedFrames ?? this.kind.maxBufferedFrames;
      if (session.buffer.length > max) this.end(session, sink, { fatal: false, message: `the subscription outran the gap scan (${max} frames waiting): reconnecting to scan again from the last processed ${this.kind.noun}` });
      return;
    }
    this.deliver(sink, f, false);
  }

  private deliver(sink: TransportSink, f: SuiFrame, inScan: boolean): boolean {
    const ev = this.kind.toEvent(this.definition.id, f, this.clock.now(), inScan);
    if (ev) {
      sink.event(ev);
      return true;
    }
    const resume = this.kind.progress(f, inScan);
    if (resume !== undefined) sink.cursor(resume);
    return false;
  }

  private scanGap(session: Session, sink: TransportSink, filter: unknown, resumeId: string, first: string, firstHasItem: boolean, url: string): void {
    const kind = this.kind;
    const scan = new GapScan(kind.firstPage(resumeId) ?? '', first, { ...this.suiDeps.scan, complete: kind.complete, call: kind.scanCall });
    let delivered = 0;
    const issue = () => {
      session.timer = undefined;
      if (session.cancelled) return;
      let endReason: ScanEndReason | undefined;
      const bounds = { resumeId, first, firstHasItem, page: scan.after === '' ? undefined : scan.after, limit: this.suiDeps.scanPageLimit ?? 1_000 };
      session.scanCall = kind.scan(session.rpc, filter, bounds, {
        frame: (f) => {
          if (session.cancelled) return;
          sink.activity();
          if (this.deliver(sink, f, true)) delivered++;
          scan.watermark(f.cursor);
          if (f.end) endReason = f.end;
        },
        error: (fail) => {
          if (fail.code === 'OUT_OF_RANGE' || fail.code === 'NOT_FOUND' || fail.code === 'FAILED_PRECONDITION') {
            // the node no longer holds that part of the ledger (pruned) or does not know the cursor
            return finish(false, `the node cannot scan the gap (${fail.code}: ${redact(fail.message).slice(0, 200)})`);
          }
          this.end(session, sink, suiOutcome(fail, kind.scanCall, url));
        },
        complete: () => {
          if (session.cancelled) return;
          const step = scan.end(endReason ?? 'none');
          if (step.next === 'reissue') {
            if (step.delayMs > 0) session.timer = this.clock.setTimeout(issue, step.delayMs);
            else issue();
          } else finish(step.complete, step.complete ? undefined : step.reason);
        },
      });
    };
    const finish = (complete: boolean, why: string | undefined) => {
      if (session.cancelled) return;
      this.finishScan(sink, scan, delivered, scan.requests, complete, why);
      const held = session.buffer ?? [];
      session.buffer = undefined;
      for (const f of held) this.deliver(sink, f, false);
    };
    issue();
  }

  /** Reports a finished gap scan (`scan` undefined: there was nothing between the resume id and the subscription). */
  private finishScan(sink: TransportSink, scan: GapScan | undefined, delivered: number, requests: number, complete: boolean, why: string | undefined): void {
    const kind = this.kind;
    const report: SuiGapReport = { events: delivered, requests, scanLimits: scan?.scanLimits ?? 0, itemLimits: scan?.itemLimits ?? 0, tipWaits: scan?.tipWaits ?? 0, complete };
    this.lastGapReport = report;
    this.gapScans++;
    const nouns = `${kind.noun}${delivered === 1 ? '' : 's'}`;
    const how = requests === 0 ? 'nothing lay between them' : `${requests} ${kind.scanCall} request${requests === 1 ? '' : 's'}${report.scanLimits ? `, ${report.scanLimits} stopped at the scan limit and reissued` : ''}`;
    sink.replayed(delivered);
    // the verdict first: whoever hears the notice finds the gap already judged
    if (complete) {
      sink.continuity({ continuity: 'verified', reason: `the gap was scanned with ${kind.scanCall} from the last processed cursor to the new subscription (${how})` });
      sink.notice('info', `gap filled: ${delivered} ${nouns} from ${kind.scanCall} (${how})`);
    } else {
      sink.continuity({ continuity: 'may_be_missing', reason: `${why}; continued live` });
      sink.notice('warn', `gap scan incomplete: ${why}; ${delivered} ${nouns} recovered`);
    }
  }
}
