/**
 * Sui events straight from a full node's gRPC `SubscriptionService`, gap-free across reconnects and reloads.
 *
 * Subscriptions do not resume (a new one starts at the tip), so every connection that has something to resume
 * after does what the node documents: open the subscription first and buffer its frames, then scan the gap with
 * `LedgerService.ListEvents` (`after` = the last processed cursor, `before` = the subscription's first cursor),
 * reissuing from the last watermark while the node stops early (`SCAN_LIMIT`, `ITEM_LIMIT`, or `LEDGER_TIP` while
 * its index lags) until it ends with `CURSOR_BOUND`; then drain the buffer. Events are deduplicated by
 * `transactionDigest:eventIndex`, so each reaches the feed once, in ledger (checkpoint) order.
 *
 * - The resume id is the watermark cursor of the last processed frame (an event's, or a progress frame's): the
 *   journal keeps it, so a reload scans from there too.
 * - Liveness: every frame, progress-only frames included, counts as activity; a quiet filter is not a dead node.
 * - Outcomes: `UNIMPLEMENTED` (subscriptions disabled) stops with words and a hint and never retries on its own;
 *   `UNAUTHENTICATED`, `PERMISSION_DENIED`, a quota `RESOURCE_EXHAUSTED` stop too; `UNAVAILABLE` and a rate-limit
 *   `RESOURCE_EXHAUSTED` reconnect with the shared backoff (see `suiOutcome.ts`).
 * - Bounds: at most `maxBufferedFrames` subscription frames wait for a gap scan; beyond that the connection is
 *   dropped and the next one scans again from the last processed cursor (nothing is lost).
 */
import type { GrpcTypes } from '@mysten/sui/grpc';
import { BaseStream, ConnectError, type BaseStreamDeps, type CloseOutcome, type GapVerdict, type ResolvedMode, type TransportConnection, type TransportSink } from '../stream/baseStream';
import type { TimerHandle } from '../clock';
import type { StreamDefinition } from '../stream/stream';
import { describeError, redact, registerSecret } from '../redact';
import { keyTransportProblem } from '../transportSecurity';
import { buildEventFilter, type SuiFilterFields } from './suiFilter';
import { cursorBytes, GapScan, type GapScanOptions, type ScanEndReason } from './suiCursor';
import { normalizeSuiEvent } from './suiEvent';
import { grpcTarget, suiNodeUrl, suiOutcome } from './suiOutcome';
import type { SuiCall, SuiFrame, SuiRpc, SuiRpcFactory } from './suiRpc';

/** A `sui` stream definition: the shared fields plus the event filter. */
export type SuiStreamDefinition = StreamDefinition & SuiFilterFields;

/** What a Sui stream needs beyond {@link BaseStreamDeps}. */
export interface SuiStreamDeps extends BaseStreamDeps {
  /** The key saved for the node's host (optional: public nodes need none), sent as `x-api-key`. */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  /** Opens the gRPC channel (default: native gRPC, loaded on first connect). */
  rpcFactory?: SuiRpcFactory;
  /** Gap scan tunables (LEDGER_TIP waits, request cap). */
  scan?: GapScanOptions;
  /** Items asked per `ListEvents` request (default 1,000; the node may coerce it down). */
  scanPageLimit?: number;
  /** Subscription frames buffered during a gap scan at most (default 50,000). */
  maxBufferedFrames?: number;
}

/** The event fields asked of the node (the BCS contents are not shown, so not fetched). */
export const SUI_EVENT_READ_MASK = ['package_id', 'module', 'sender', 'event_type', 'json', 'checkpoint', 'transaction_digest', 'transaction_index', 'event_index'];

/** What one gap scan did, for the output and tests. */
export interface SuiGapReport {
  /** Events the scan delivered that were new. */
  events: number;
  requests: number;
  scanLimits: number;
  itemLimits: number;
  tipWaits: number;
  /** True when the scan reached the subscription's first cursor (`CURSOR_BOUND`). */
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

/** A `sui` stream: events from a full node's SubscriptionService. Not billed per event by Chain Watch. */
export class SuiGrpcStream extends BaseStream {
  /** The last completed gap scan (tests and the output read it). */
  lastGapReport: SuiGapReport | undefined;
  /** Gap scans completed since the stream was created. */
  gapScans = 0;

  constructor(
    definition: SuiStreamDefinition,
    private readonly suiDeps: SuiStreamDeps,
  ) {
    super(definition, suiDeps, { billed: false, replay: 'backfill' });
  }

  protected override cursorProblem(id: string): string | undefined {
    return cursorBytes(id) ? undefined : 'it is not a Sui node cursor (base64 bytes)';
  }

  protected override reconnectVerdict(mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
    if (mode.kind === 'after') return { continuity: 'unverified', reason: 'scanning the gap with ListEvents' };
    return { continuity: 'may_be_missing', missingFrom: downAt, missingTo: resumedAt, reason: 'no cursor to scan from: continued live from the tip (a Sui subscription does not replay)' };
  }

  protected async open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> {
    const def = this.definition as SuiStreamDefinition;
    const url = suiNodeUrl(def);
    let target;
    let filter: GrpcTypes.EventFilter | undefined;
    try {
      target = grpcTarget(url);
      filter = buildEventFilter(def);
    } catch (err) {
      throw new ConnectError({ fatal: true, reason: 'error', message: describeError(err) });
    }
    const key = (await this.suiDeps.getKey(def))?.trim() || undefined;
    if (key) {
      registerSecret(key);
      const problem = keyTransportProblem(url);
      if (problem) throw new ConnectError({ fatal: true, reason: 'refused', message: problem });
    }
    const factory = this.suiDeps.rpcFactory ?? (await import('./suiGrpcClient')).createSuiGrpc;
    const rpc = factory(target, key ? { apiKey: key } : {});
    const session: Session = { cancelled: false, rpc, sub: undefined, scanCall: undefined, timer: undefined, buffer: undefined, opened: false, outcome: undefined };
    const req: GrpcTypes.SubscribeEventsRequest = { readMask: { paths: SUI_EVENT_READ_MASK } };
    if (filter) req.filter = filter;
    session.sub = rpc.subscribeEvents(req, {
      frame: (f) => this.onSubscriptionFrame(session, sink, f, mode, filter, url),
      error: (fail) => this.end(session, sink, suiOutcome(fail, 'SubscribeEvents', url)),
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

  private onSubscriptionFrame(session: Session, sink: TransportSink, f: SuiFrame, mode: ResolvedMode, filter: GrpcTypes.EventFilter | undefined, url: string): void {
    if (session.cancelled) return;
    if (!session.opened) {
      session.opened = true;
      sink.opened();
      if (mode.kind === 'after') {
        if (f.cursor === undefined) {
          sink.continuity({ continuity: 'may_be_missing', reason: 'the subscription sent no cursor to bound the gap with: continued live' });
        } else {
          session.buffer = [];
          this.scanGap(session, sink, filter, mode.id, f.cursor, url);
        }
      }
    } else sink.activity();
    if (session.buffer) {
      session.buffer.push(f);
      const max = this.suiDeps.maxBufferedFrames ?? 50_000;
      if (session.buffer.length > max) this.end(session, sink, { fatal: false, message: `the subscription outran the gap scan (${max} frames waiting): reconnecting to scan again from the last processed event` });
      return;
    }
    this.deliver(sink, f);
  }

  private deliver(sink: TransportSink, f: SuiFrame): boolean {
    if (f.event) {
      sink.event(normalizeSuiEvent(this.definition.id, f.event, f.cursor, this.clock.now()));
      return true;
    }
    if (f.cursor !== undefined) sink.cursor(f.cursor);
    return false;
  }

  private scanGap(session: Session, sink: TransportSink, filter: GrpcTypes.EventFilter | undefined, after: string, before: string, url: string): void {
    const scan = new GapScan(after, before, this.suiDeps.scan);
    const beforeBytes = cursorBytes(before);
    let delivered = 0;
    const issue = () => {
      session.timer = undefined;
      if (session.cancelled) return;
      const afterBytes = cursorBytes(scan.after);
      const options: GrpcTypes.QueryOptions = { limit: this.suiDeps.scanPageLimit ?? 1_000 };
      if (afterBytes) options.after = afterBytes;
      if (beforeBytes) options.before = beforeBytes;
      const req: GrpcTypes.ListEventsRequest = { readMask: { paths: SUI_EVENT_READ_MASK }, options };
      if (filter) req.filter = filter;
      let endReason: ScanEndReason | undefined;
      session.scanCall = session.rpc.listEvents(req, {
        frame: (f) => {
          if (session.cancelled) return;
          sink.activity();
          if (this.deliver(sink, f)) delivered++;
          scan.watermark(f.cursor);
          if (f.end) endReason = f.end;
        },
        error: (fail) => {
          if (fail.code === 'OUT_OF_RANGE' || fail.code === 'NOT_FOUND' || fail.code === 'FAILED_PRECONDITION') {
            // the node no longer holds that part of the ledger (pruned) or does not know the cursor
            return finish(false, `the node cannot scan the gap (${fail.code}: ${redact(fail.message).slice(0, 200)})`);
          }
          this.end(session, sink, suiOutcome(fail, 'ListEvents', url));
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
      const report: SuiGapReport = { events: delivered, requests: scan.requests, scanLimits: scan.scanLimits, itemLimits: scan.itemLimits, tipWaits: scan.tipWaits, complete };
      this.lastGapReport = report;
      this.gapScans++;
      const how = `${scan.requests} ListEvents request${scan.requests === 1 ? '' : 's'}${scan.scanLimits ? `, ${scan.scanLimits} stopped at the scan limit and reissued` : ''}`;
      sink.replayed(delivered);
      // the verdict first: whoever hears the notice finds the gap already judged
      if (complete) {
        sink.continuity({ continuity: 'verified', reason: `the gap was scanned with ListEvents from the last processed cursor to the new subscription (${how})` });
        sink.notice('info', `gap filled: ${delivered} event${delivered === 1 ? '' : 's'} from ListEvents (${how})`);
      } else {
        sink.continuity({ continuity: 'may_be_missing', reason: `${why}; continued live` });
        sink.notice('warn', `gap scan incomplete: ${why}; ${delivered} event${delivered === 1 ? '' : 's'} recovered`);
      }
      const held = session.buffer ?? [];
      session.buffer = undefined;
      for (const f of held) this.deliver(sink, f);
    };
    issue();
  }
}
