/**
 * A local Sui full node for gRPC: `sui.rpc.v2.SubscriptionService` (SubscribeEvents, SubscribeTransactions,
 * SubscribeCheckpoints) and `LedgerService` (ListEvents, ListTransactions, ListCheckpoints) over real gRPC (HTTP/2,
 * `@grpc/grpc-js`), served from `@mysten/sui`'s generated definitions: the method paths and the protobuf
 * (de)serializers are the generated `ServiceType`s' own, nothing is hand-encoded.
 *
 * - Activity: the simulated ledger of `suiLedger.ts` (realistic events in the transactions that emitted them, plain
 *   and failing transactions and package publishes between them, checkpoints with digests and timestamps).
 *   {@link produce} adds checkpoints on demand; {@link startAuto} adds one every `intervalMs`.
 * - Cursors are opaque to clients (16 bytes here); every event and transaction frame carries a watermark; the first
 *   frame of an event or transaction subscription is progress-only (the tip). A checkpoint subscription's frames
 *   carry the sequence number covered instead (`cursor`): unfiltered, every frame carries its checkpoint (the first
 *   one the tip's); filtered, non-matching checkpoints are progress-only frames.
 * - The List calls honour `after`/`before` (exclusive) and `start_checkpoint`/`end_checkpoint` (end exclusive:
 *   `CHECKPOINT_BOUND`), `limit` (default 100, at most 1,000: `ITEM_LIMIT`), a scan budget of
 *   `scanLimitCheckpoints` checkpoints per filtered request (`SCAN_LIMIT`), `CURSOR_BOUND`, and `LEDGER_TIP` (also
 *   while the index lags the tip by `indexLagCheckpoints`). A cursor below what is retained (`retainEvents`,
 *   `retainCheckpoints`) is `OUT_OF_RANGE`.
 * - Faults: {@link killStreams} (every subscription ends with UNAVAILABLE), {@link failNextSubscribes},
 *   `unimplemented` (every Subscribe call answers UNIMPLEMENTED "subscription service not enabled"), `apiKey`
 *   (`x-api-key` metadata required: UNAUTHENTICATED otherwise).
 */
import { Server, ServerCredentials, status, type Metadata, type ServerWritableStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { GrpcTypes } from '@mysten/sui/grpc';
import { systemClock } from '../core/clock';
import { nullLogger, type Logger } from '../core/logger';
import { eventMatches } from '../core/sui/suiFilter';
import { transactionMatches } from '../core/sui/suiTxFilter';
import { createSuiGenerator } from './suiGenerator';
import { checkpointMessage, checkpointOf, decodeCursor, encodeCursor, endOf, eventMessage, lowerBound, position, SuiLedgerBuilder, transactionMessage, type SimSuiCheckpoint, type SimSuiEvent, type SimSuiTransaction } from './suiLedger';
import { prng } from './prng';

export type { SimSuiCheckpoint, SimSuiEvent, SimSuiTransaction } from './suiLedger';

/** Options of {@link SuiNodeServer}. */
export interface SuiNodeServerOptions {
  host?: string;
  port?: number;
  seed?: number;
  /** First checkpoint number (default 180,000,000). */
  firstCheckpoint?: number;
  /** Checkpoint interval with {@link SuiNodeServer.startAuto}, ms (default 1,000). */
  intervalMs?: number;
  /** Checkpoints a filtered List request scans at most (default 32). */
  scanLimitCheckpoints?: number;
  /** The List calls' default and maximum item limits (default 100 and 1,000). */
  defaultListLimit?: number;
  maxListLimit?: number;
  /** The index runs this many checkpoints behind the tip (default 0). */
  indexLagCheckpoints?: number;
  /** Events kept (default 200,000): older cursors are OUT_OF_RANGE. */
  retainEvents?: number;
  /** Checkpoints (and their transactions) kept (default 100,000). */
  retainCheckpoints?: number;
  /** Require this `x-api-key`. */
  apiKey?: string;
  /** The Subscribe calls answer UNIMPLEMENTED (a node with subscriptions disabled). */
  unimplemented?: boolean;
  logger?: Logger;
}

/** A grpc-js service definition from a generated protobuf-ts `ServiceType`, for the named methods. */
function serviceDefinition(svc: { typeName: string; methods: ReadonlyArray<{ name: string; localName: string; serverStreaming?: boolean; clientStreaming?: boolean; I: { toBinary(m: unknown): Uint8Array; fromBinary(b: Uint8Array): unknown }; O: { toBinary(m: unknown): Uint8Array; fromBinary(b: Uint8Array): unknown } }> }, names: string[]): ServiceDefinition {
  const def: Record<string, unknown> = {};
  for (const m of svc.methods) {
    if (!names.includes(m.name)) continue;
    def[m.name] = {
      path: `/${svc.typeName}/${m.name}`,
      requestStream: m.clientStreaming === true,
      responseStream: m.serverStreaming === true,
      requestSerialize: (v: unknown) => Buffer.from(m.I.toBinary(v)),
      requestDeserialize: (b: Buffer) => m.I.fromBinary(b),
      responseSerialize: (v: unknown) => Buffer.from(m.O.toBinary(v)),
      responseDeserialize: (b: Buffer) => m.O.fromBinary(b),
      originalName: m.localName,
    };
  }
  return def as ServiceDefinition;
}

type AnyCall = ServerWritableStream<{ filter?: unknown; readMask?: unknown }, unknown>;

/** One open subscription: what it watches and how a new checkpoint becomes its frames. */
interface Subscriber {
  call: AnyCall;
  kind: 'events' | 'transactions' | 'checkpoints';
  filter: unknown;
}

/** A List request's bounds, as the three List calls share them. */
interface ListRequest {
  filter?: unknown;
  startCheckpoint?: bigint;
  endCheckpoint?: bigint;
  options?: GrpcTypes.QueryOptions;
}

/** The local node. */
export class SuiNodeServer {
  private readonly server = new Server();
  private readonly builder: SuiLedgerBuilder;
  private readonly rand: () => number;
  private readonly log: Logger;
  private readonly events: SimSuiEvent[] = [];
  private readonly txs: SimSuiTransaction[] = [];
  private readonly checkpoints: SimSuiCheckpoint[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private tipCheckpoint: number;
  /** Every event from this checkpoint on is retained (older ones may have been dropped). */
  private eventsFrom: number;
  private boundPort = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private failNext: Array<{ code: status; details: string }> = [];
  /** The Subscribe calls answer UNIMPLEMENTED while true. */
  unimplemented: boolean;
  /** The index runs this many checkpoints behind the tip. */
  indexLagCheckpoints: number;
  /** Calls served, by RPC (tests read them). */
  readonly calls = { subscribeEvents: 0, listEvents: 0, subscribeTransactions: 0, listTransactions: 0, subscribeCheckpoints: 0, listCheckpoints: 0, scanLimitEnds: 0, itemLimitEnds: 0, tipEnds: 0, cursorBoundEnds: 0, checkpointBoundEnds: 0 };

  constructor(private readonly opts: SuiNodeServerOptions = {}) {
    const gen = createSuiGenerator({ seed: opts.seed ?? 7, salt: 'sui-node', clock: systemClock, kind: 'event', ids: 'granular' });
    this.rand = prng((opts.seed ?? 7) * 7919 + 3);
    this.builder = new SuiLedgerBuilder(gen, this.rand, () => systemClock.now());
    this.log = opts.logger ?? nullLogger;
    this.tipCheckpoint = (opts.firstCheckpoint ?? 180_000_000) - 1;
    this.eventsFrom = this.tipCheckpoint + 1;
    this.unimplemented = opts.unimplemented === true;
    this.indexLagCheckpoints = opts.indexLagCheckpoints ?? 0;
    const sub = (kind: Subscriber['kind']) => (call: AnyCall) => this.subscribe(call, kind);
    this.server.addService(serviceDefinition(GrpcTypes.SubscriptionService as never, ['SubscribeEvents', 'SubscribeTransactions', 'SubscribeCheckpoints']), {
      SubscribeEvents: sub('events'),
      SubscribeTransactions: sub('transactions'),
      SubscribeCheckpoints: sub('checkpoints'),
    } as UntypedServiceImplementation);
    this.server.addService(serviceDefinition(GrpcTypes.LedgerService as never, ['ListEvents', 'ListTransactions', 'ListCheckpoints']), {
      ListEvents: (call: AnyCall) => {
        this.calls.listEvents++;
        this.list(call, this.events, this.eventsFrom, (ev) => eventMatches(call.request.filter as GrpcTypes.EventFilter | undefined, ev), (ev, watermark) => ({ event: eventMessage(ev), watermark }));
      },
      ListTransactions: (call: AnyCall) => {
        this.calls.listTransactions++;
        this.list(call, this.txs, this.checkpointsFrom, (tx) => transactionMatches(call.request.filter as GrpcTypes.TransactionFilter | undefined, tx), (tx, watermark) => ({ transaction: transactionMessage(tx), watermark }));
      },
      ListCheckpoints: (call: AnyCall) => {
        this.calls.listCheckpoints++;
        const filter = call.request.filter as GrpcTypes.TransactionFilter | undefined;
        this.list(call, this.checkpoints, this.checkpointsFrom, (cp) => this.checkpointMatches(filter, cp), (cp, watermark) => ({ checkpoint: checkpointMessage(cp), watermark: { ...watermark, checkpoint: BigInt(cp.checkpoint) } }));
      },
    } as UntypedServiceImplementation);
  }

  /** `http://host:port` (plain HTTP/2: a local node). */
  get url(): string {
    return `http://${this.opts.host ?? '127.0.0.1'}:${this.boundPort}`;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Every event of the ledger still retained, in ledger order (tests compare against it). */
  ledger(): readonly SimSuiEvent[] {
    return this.events;
  }

  /** Every transaction still retained, in ledger order. */
  transactions(): readonly SimSuiTransaction[] {
    return this.txs;
  }

  /** Every checkpoint still retained, in order. */
  checkpointList(): readonly SimSuiCheckpoint[] {
    return this.checkpoints;
  }

  /** Addresses that plain transactions send to (and some send from): what an `affectedAddress` filter can find. */
  get wallets(): readonly string[] {
    return this.builder.wallets;
  }

  /** The last closed checkpoint. */
  get tip(): number {
    return this.tipCheckpoint;
  }

  /** Subscriptions open now. */
  get subscriptionCount(): number {
    return this.subscribers.size;
  }

  async start(): Promise<void> {
    this.boundPort = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${this.opts.host ?? '127.0.0.1'}:${this.opts.port ?? 0}`, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port)));
    });
    this.log.info(`Sui node (gRPC) listening on ${this.url}`);
  }

  async stop(): Promise<void> {
    this.stopAuto();
    for (const s of this.subscribers) s.call.end();
    this.subscribers.clear();
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
    this.server.forceShutdown();
  }

  /** Adds a checkpoint every `intervalMs` (the demo). */
  startAuto(): void {
    this.stopAuto();
    this.timer = setInterval(() => this.produce(1), this.opts.intervalMs ?? 1_000);
    this.timer.unref?.();
  }

  stopAuto(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * Adds checkpoints: each holds `eventsPerCheckpoint` events (default 0 to 6, about one checkpoint in five without
   * any), in whole transactions, with plain transactions between them. Subscribers get their frames for each
   * checkpoint as it closes. Returns the events added.
   */
  produce(checkpoints: number, eventsPerCheckpoint?: number): SimSuiEvent[] {
    const added: SimSuiEvent[] = [];
    for (let c = 0; c < checkpoints; c++) {
      const cp = ++this.tipCheckpoint;
      const want = eventsPerCheckpoint ?? (this.rand() < 0.2 ? 0 : 1 + Math.floor(this.rand() * 6));
      const checkpoint = this.builder.checkpoint(cp, want);
      this.checkpoints.push(checkpoint);
      for (const tx of checkpoint.transactions) {
        this.txs.push(tx);
        this.events.push(...tx.events);
        added.push(...tx.events);
      }
      for (const s of this.subscribers) this.publish(s, checkpoint);
    }
    const retain = this.opts.retainEvents ?? 200_000;
    if (this.events.length > retain) {
      const dropped = this.events.splice(0, this.events.length - retain);
      const last = dropped[dropped.length - 1]!.checkpoint;
      this.eventsFrom = this.events[0]!.checkpoint === last ? last + 1 : this.events[0]!.checkpoint;
    }
    const keep = this.opts.retainCheckpoints ?? 100_000;
    if (this.checkpoints.length > keep) {
      this.checkpoints.splice(0, this.checkpoints.length - keep);
      const oldest = this.checkpoints[0]!.checkpoint;
      this.txs.splice(0, lowerBound(this.txs, position(oldest, 0, 0) - 1n));
    }
    return added;
  }

  /** A checkpoint's frames for one subscriber. */
  private publish(s: Subscriber, cp: SimSuiCheckpoint): void {
    const progress = { cursor: encodeCursor(endOf(cp.checkpoint)), checkpoint: BigInt(cp.checkpoint) };
    // items of a checkpoint not yet fully covered: the watermark's covered checkpoint is the one before
    const covered = BigInt(cp.checkpoint - 1);
    if (s.kind === 'events') {
      for (const tx of cp.transactions) for (const ev of tx.events) if (eventMatches(s.filter as GrpcTypes.EventFilter | undefined, ev)) s.call.write({ event: eventMessage(ev), watermark: { cursor: encodeCursor(ev.pos), checkpoint: covered } });
      s.call.write({ watermark: progress });
    } else if (s.kind === 'transactions') {
      for (const tx of cp.transactions) if (transactionMatches(s.filter as GrpcTypes.TransactionFilter | undefined, tx)) s.call.write({ transaction: transactionMessage(tx), watermark: { cursor: encodeCursor(tx.pos), checkpoint: covered } });
      s.call.write({ watermark: progress });
    } else {
      const match = this.checkpointMatches(s.filter as GrpcTypes.TransactionFilter | undefined, cp);
      s.call.write(match ? { cursor: BigInt(cp.checkpoint), checkpoint: checkpointMessage(cp) } : { cursor: BigInt(cp.checkpoint) });
    }
  }

  /** Every checkpoint and transaction from this checkpoint on is retained. */
  private get checkpointsFrom(): number {
    return this.checkpoints[0]?.checkpoint ?? this.tipCheckpoint + 1;
  }

  private checkpointMatches(filter: GrpcTypes.TransactionFilter | undefined, cp: SimSuiCheckpoint): boolean {
    return !filter || cp.transactions.some((tx) => transactionMatches(filter, tx));
  }

  /** Ends every open subscription with UNAVAILABLE (a killed stream, a node restart). */
  killStreams(details = 'stream reset by the node'): number {
    const n = this.subscribers.size;
    for (const s of [...this.subscribers]) {
      this.subscribers.delete(s);
      s.call.emit('error', { code: status.UNAVAILABLE, details });
    }
    return n;
  }

  /** The next `n` Subscribe calls fail with `code` (default UNAVAILABLE). */
  failNextSubscribes(n: number, code: status = status.UNAVAILABLE, details = 'node is restarting'): void {
    for (let i = 0; i < n; i++) this.failNext.push({ code, details });
  }

  private authFailure(meta: Metadata): { code: status; details: string } | undefined {
    if (!this.opts.apiKey) return undefined;
    const got = meta.get('x-api-key')[0];
    if (got === undefined) return { code: status.UNAUTHENTICATED, details: 'missing x-api-key' };
    if (String(got) !== this.opts.apiKey) return { code: status.UNAUTHENTICATED, details: 'invalid API key' };
    return undefined;
  }

  private subscribe(call: AnyCall, kind: Subscriber['kind']): void {
    if (kind === 'events') this.calls.subscribeEvents++;
    else if (kind === 'transactions') this.calls.subscribeTransactions++;
    else this.calls.subscribeCheckpoints++;
    const refuse = this.unimplemented ? { code: status.UNIMPLEMENTED, details: 'subscription service not enabled' } : (this.authFailure(call.metadata) ?? this.failNext.shift());
    if (refuse) {
      call.emit('error', refuse);
      return;
    }
    const sub: Subscriber = { call, kind, filter: call.request.filter };
    this.subscribers.add(sub);
    const drop = () => this.subscribers.delete(sub);
    call.on('cancelled', drop);
    call.on('close', drop);
    if (kind !== 'checkpoints') {
      // the first frame is progress-only: where the subscription starts
      call.write({ watermark: { cursor: encodeCursor(endOf(this.tipCheckpoint)), checkpoint: BigInt(this.tipCheckpoint) } });
      return;
    }
    // an unfiltered checkpoint stream carries a checkpoint in every frame, starting with the tip's
    const tip = this.checkpoints[this.checkpoints.length - 1];
    if (!sub.filter && tip) call.write({ cursor: BigInt(tip.checkpoint), checkpoint: checkpointMessage(tip) });
    else call.write({ cursor: BigInt(this.tipCheckpoint) });
  }

  /**
   * One List call over `items` (in position order; complete from checkpoint `lowest` on): the bounds of the request, the scan budget, the item limit,
   * then the end frame with its reason and the final watermark.
   */
  private list<T extends { pos: bigint; checkpoint: number }>(call: AnyCall, items: readonly T[], lowest: number, matches: (t: T) => boolean, frameOf: (t: T, watermark: { cursor: Uint8Array }) => unknown): void {
    const refuse = this.authFailure(call.metadata);
    if (refuse) return void call.emit('error', refuse);
    const req = call.request as ListRequest;
    const o = req.options ?? {};
    let after = o.after && o.after.length ? decodeCursor(o.after) : -1n;
    const before = o.before && o.before.length ? decodeCursor(o.before) : undefined;
    if (after === undefined || (o.before && o.before.length && before === undefined)) return void call.emit('error', { code: status.INVALID_ARGUMENT, details: 'malformed cursor' });
    if (req.startCheckpoint !== undefined && req.endCheckpoint !== undefined && req.endCheckpoint <= req.startCheckpoint) return void call.emit('error', { code: status.INVALID_ARGUMENT, details: 'end_checkpoint must be greater than start_checkpoint' });
    const from = req.startCheckpoint !== undefined ? Number(req.startCheckpoint) : undefined;
    if (from !== undefined) after = after > position(from, 0, 0) - 1n ? after : position(from, 0, 0) - 1n;
    if (after >= 0n && checkpointOf(after + 1n) < lowest) {
      return void call.emit('error', { code: status.OUT_OF_RANGE, details: `the requested range starts below the lowest retained checkpoint ${lowest}` });
    }
    const limit = Math.min(o.limit || (this.opts.defaultListLimit ?? 100), this.opts.maxListLimit ?? 1_000);
    const tipCp = this.tipCheckpoint - this.indexLagCheckpoints;
    let stop = endOf(tipCp);
    let reason = GrpcTypes.QueryEndReason.LEDGER_TIP;
    const startCp = after < 0n ? (items[0]?.checkpoint ?? this.tipCheckpoint) : checkpointOf(after + 1n);
    if (req.filter) {
      const budget = endOf(startCp + (this.opts.scanLimitCheckpoints ?? 32) - 1);
      if (budget < stop) [stop, reason] = [budget, GrpcTypes.QueryEndReason.SCAN_LIMIT];
    }
    if (req.endCheckpoint !== undefined) {
      const bound = endOf(Number(req.endCheckpoint) - 1);
      if (bound <= stop) [stop, reason] = [bound, GrpcTypes.QueryEndReason.CHECKPOINT_BOUND];
    }
    if (before !== undefined && before <= stop) [stop, reason] = [before, GrpcTypes.QueryEndReason.CURSOR_BOUND];
    let sent = 0;
    for (let i = lowerBound(items, after); i < items.length; i++) {
      const item = items[i]!;
      if (reason === GrpcTypes.QueryEndReason.CURSOR_BOUND ? item.pos >= stop : item.pos > stop) break;
      if (!matches(item)) continue;
      sent++;
      const frame = frameOf(item, { cursor: encodeCursor(item.pos) }) as { end?: GrpcTypes.QueryEnd };
      if (sent >= limit) {
        frame.end = { reason: GrpcTypes.QueryEndReason.ITEM_LIMIT };
        this.calls.itemLimitEnds++;
        call.write(frame);
        call.end();
        return;
      }
      call.write(frame);
    }
    if (reason === GrpcTypes.QueryEndReason.SCAN_LIMIT) this.calls.scanLimitEnds++;
    else if (reason === GrpcTypes.QueryEndReason.LEDGER_TIP) this.calls.tipEnds++;
    else if (reason === GrpcTypes.QueryEndReason.CHECKPOINT_BOUND) this.calls.checkpointBoundEnds++;
    else this.calls.cursorBoundEnds++;
    const watermark: GrpcTypes.Watermark = { cursor: encodeCursor(stop) };
    // the covered checkpoint: the stop's own when the stop is a checkpoint's end, else the one before
    const stopCp = checkpointOf(stop);
    const covered = stop === endOf(stopCp) ? stopCp : stopCp - 1;
    if (covered >= 0) watermark.checkpoint = BigInt(covered);
    call.write({ watermark, end: { reason } });
    call.end();
  }
}
