/**
 * A local Sui full node for gRPC: `sui.rpc.v2.SubscriptionService` (SubscribeEvents) and `LedgerService`
 * (ListEvents) over real gRPC (HTTP/2, `@grpc/grpc-js`), served from `@mysten/sui`'s generated definitions: the
 * method paths and the protobuf (de)serializers are the generated `ServiceType`s' own, nothing is hand-encoded.
 *
 * - Activity: the Warp simulator's realistic Sui events (`suiGenerator.ts`: Cetus swaps, DeepBook fills, kiosk
 *   listings, mints, staking), grouped into transactions and checkpoints, with empty checkpoints in between.
 *   {@link produce} adds checkpoints on demand; {@link startAuto} adds one every `intervalMs`.
 * - Cursors are opaque to clients (16 bytes here: checkpoint, transaction index, event index); every frame carries
 *   a watermark; the first frame of every subscription is progress-only (the tip).
 * - ListEvents honours `after`/`before` (exclusive), `limit` (default 100, at most 1,000: `ITEM_LIMIT`), a scan
 *   budget of `scanLimitCheckpoints` checkpoints per filtered request (`SCAN_LIMIT`), `CURSOR_BOUND`, and
 *   `LEDGER_TIP` (also while the index lags the tip by `indexLagCheckpoints`). A cursor below what is retained
 *   (`retainEvents`) is `OUT_OF_RANGE`.
 * - Faults: {@link killStreams} (every subscription ends with UNAVAILABLE), {@link failNextSubscribes},
 *   `unimplemented` (SubscribeEvents answers UNIMPLEMENTED "subscription service not enabled"), `apiKey`
 *   (`x-api-key` metadata required: UNAUTHENTICATED otherwise).
 */
import { Server, ServerCredentials, status, type Metadata, type ServerWritableStream, type ServiceDefinition, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { GrpcTypes } from '@mysten/sui/grpc';
import { systemClock } from '../core/clock';
import { nullLogger, type Logger } from '../core/logger';
import { eventMatches } from '../core/sui/suiFilter';
import { createSuiGenerator, type SuiGenerator } from './suiGenerator';
import { prng } from './prng';

/** One event of the simulated ledger. */
export interface SimSuiEvent {
  pos: bigint;
  checkpoint: number;
  txIndex: number;
  eventIndex: number;
  digest: string;
  eventType: string;
  packageId: string;
  module: string;
  sender: string;
  json: unknown;
}

/** Options of {@link SuiNodeServer}. */
export interface SuiNodeServerOptions {
  host?: string;
  port?: number;
  seed?: number;
  /** First checkpoint number (default 180,000,000). */
  firstCheckpoint?: number;
  /** Checkpoint interval with {@link SuiNodeServer.startAuto}, ms (default 1,000). */
  intervalMs?: number;
  /** Checkpoints a filtered ListEvents request scans at most (default 32). */
  scanLimitCheckpoints?: number;
  /** ListEvents' default and maximum item limits (default 100 and 1,000). */
  defaultListLimit?: number;
  maxListLimit?: number;
  /** The index runs this many checkpoints behind the tip (default 0). */
  indexLagCheckpoints?: number;
  /** Events kept (default 200,000): older cursors are OUT_OF_RANGE. */
  retainEvents?: number;
  /** Require this `x-api-key`. */
  apiKey?: string;
  /** SubscribeEvents answers UNIMPLEMENTED (a node with subscriptions disabled). */
  unimplemented?: boolean;
  logger?: Logger;
}

const MAX32 = 0xffffffffn;

/** The ledger position of an event (or, with MAX32 indexes, the end of a checkpoint). */
function position(checkpoint: number, txIndex: bigint | number, eventIndex: bigint | number): bigint {
  return (BigInt(checkpoint) << 64n) | (BigInt(txIndex) << 32n) | BigInt(eventIndex);
}

function encodeCursor(pos: bigint): Uint8Array {
  const b = new Uint8Array(16);
  let v = pos;
  for (let i = 15; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

function decodeCursor(bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== 16) return undefined;
  let v = 0n;
  for (const x of bytes) v = (v << 8n) | BigInt(x);
  return v;
}

const checkpointOf = (pos: bigint) => Number(pos >> 64n);
const endOf = (checkpoint: number) => position(checkpoint, MAX32, MAX32);

/** Plain JSON as a `google.protobuf.Value` (the message shape protobuf-ts uses). */
function toValue(v: unknown): unknown {
  if (v === null || v === undefined) return { kind: { oneofKind: 'nullValue', nullValue: 0 } };
  if (typeof v === 'string') return { kind: { oneofKind: 'stringValue', stringValue: v } };
  if (typeof v === 'number') return { kind: { oneofKind: 'numberValue', numberValue: v } };
  if (typeof v === 'boolean') return { kind: { oneofKind: 'boolValue', boolValue: v } };
  if (Array.isArray(v)) return { kind: { oneofKind: 'listValue', listValue: { values: v.map(toValue) } } };
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields[k] = toValue(x);
  return { kind: { oneofKind: 'structValue', structValue: { fields } } };
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

interface Subscriber {
  call: ServerWritableStream<GrpcTypes.SubscribeEventsRequest, GrpcTypes.SubscribeEventsResponse>;
  filter: GrpcTypes.EventFilter | undefined;
}

/** The local node. */
export class SuiNodeServer {
  private readonly server = new Server();
  private readonly gen: SuiGenerator;
  private readonly rand: () => number;
  private readonly log: Logger;
  private readonly events: SimSuiEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private tipCheckpoint: number;
  private boundPort = 0;
  private timer: ReturnType<typeof setInterval> | undefined;
  private failNext: Array<{ code: status; details: string }> = [];
  /** SubscribeEvents answers UNIMPLEMENTED while true. */
  unimplemented: boolean;
  /** The index runs this many checkpoints behind the tip. */
  indexLagCheckpoints: number;
  /** Calls served, by RPC (tests read them). */
  readonly calls = { subscribeEvents: 0, listEvents: 0, scanLimitEnds: 0, itemLimitEnds: 0, tipEnds: 0, cursorBoundEnds: 0 };

  constructor(private readonly opts: SuiNodeServerOptions = {}) {
    this.gen = createSuiGenerator({ seed: opts.seed ?? 7, salt: 'sui-node', clock: systemClock, kind: 'event', ids: 'granular' });
    this.rand = prng((opts.seed ?? 7) * 7919 + 3);
    this.log = opts.logger ?? nullLogger;
    this.tipCheckpoint = (opts.firstCheckpoint ?? 180_000_000) - 1;
    this.unimplemented = opts.unimplemented === true;
    this.indexLagCheckpoints = opts.indexLagCheckpoints ?? 0;
    this.server.addService(serviceDefinition(GrpcTypes.SubscriptionService as never, ['SubscribeEvents']), {
      SubscribeEvents: (call: Subscriber['call']) => this.subscribe(call),
    } as UntypedServiceImplementation);
    this.server.addService(serviceDefinition(GrpcTypes.LedgerService as never, ['ListEvents']), {
      ListEvents: (call: ServerWritableStream<GrpcTypes.ListEventsRequest, GrpcTypes.ListEventsResponse>) => this.listEvents(call),
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
   * Adds checkpoints: each holds `eventsPerCheckpoint` events (default 0 to 6, about one checkpoint in five empty),
   * in whole transactions. Subscribers get the matching events, then a progress frame for the checkpoint. Returns
   * the events added.
   */
  produce(checkpoints: number, eventsPerCheckpoint?: number): SimSuiEvent[] {
    const added: SimSuiEvent[] = [];
    for (let c = 0; c < checkpoints; c++) {
      const cp = ++this.tipCheckpoint;
      const want = eventsPerCheckpoint ?? (this.rand() < 0.2 ? 0 : 1 + Math.floor(this.rand() * 6));
      const inCheckpoint: SimSuiEvent[] = [];
      let txIndex = -1;
      let digest = '';
      while (inCheckpoint.length < want) {
        const a = this.gen.next().data;
        if (a.txDigest !== digest) {
          digest = String(a.txDigest);
          txIndex += 1 + Math.floor(this.rand() * 3);
        }
        const type = String(a.type);
        const [pkg = '0x0', mod = ''] = type.split('<')[0]!.split('::');
        const ev: SimSuiEvent = {
          pos: 0n,
          checkpoint: cp,
          txIndex,
          eventIndex: Number(a.eventSequence),
          digest,
          eventType: type,
          packageId: pkg,
          module: mod,
          sender: String(a.sender),
          json: a.data,
        };
        ev.pos = position(cp, ev.txIndex, ev.eventIndex);
        inCheckpoint.push(ev);
      }
      this.events.push(...inCheckpoint);
      added.push(...inCheckpoint);
      for (const s of this.subscribers) {
        for (const ev of inCheckpoint) if (eventMatches(s.filter, ev)) s.call.write({ event: this.toEvent(ev), watermark: { cursor: encodeCursor(ev.pos), checkpoint: BigInt(cp - 1) } });
        s.call.write({ watermark: { cursor: encodeCursor(endOf(cp)), checkpoint: BigInt(cp) } });
      }
    }
    const retain = this.opts.retainEvents ?? 200_000;
    if (this.events.length > retain) this.events.splice(0, this.events.length - retain);
    return added;
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

  /** The next `n` SubscribeEvents calls fail with `code` (default UNAVAILABLE). */
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

  private subscribe(call: Subscriber['call']): void {
    this.calls.subscribeEvents++;
    const refuse = this.unimplemented ? { code: status.UNIMPLEMENTED, details: 'subscription service not enabled' } : (this.authFailure(call.metadata) ?? this.failNext.shift());
    if (refuse) {
      call.emit('error', refuse);
      return;
    }
    const sub: Subscriber = { call, filter: call.request.filter };
    this.subscribers.add(sub);
    const drop = () => this.subscribers.delete(sub);
    call.on('cancelled', drop);
    call.on('close', drop);
    // the first frame is progress-only: where the subscription starts
    call.write({ watermark: { cursor: encodeCursor(endOf(this.tipCheckpoint)), checkpoint: BigInt(this.tipCheckpoint) } });
  }

  private listEvents(call: ServerWritableStream<GrpcTypes.ListEventsRequest, GrpcTypes.ListEventsResponse>): void {
    this.calls.listEvents++;
    const refuse = this.authFailure(call.metadata);
    if (refuse) return void call.emit('error', refuse);
    const req = call.request;
    const o = req.options ?? {};
    const after = o.after && o.after.length ? decodeCursor(o.after) : -1n;
    const before = o.before && o.before.length ? decodeCursor(o.before) : undefined;
    if (after === undefined || (o.before && o.before.length && before === undefined)) return void call.emit('error', { code: status.INVALID_ARGUMENT, details: 'malformed cursor' });
    const oldest = this.events[0];
    if (after >= 0n && oldest && after < oldest.pos - 1n && checkpointOf(after) < oldest.checkpoint) {
      return void call.emit('error', { code: status.OUT_OF_RANGE, details: `cursor is below the lowest retained checkpoint ${oldest.checkpoint}` });
    }
    const limit = Math.min(o.limit || (this.opts.defaultListLimit ?? 100), this.opts.maxListLimit ?? 1_000);
    const tipPos = endOf(this.tipCheckpoint - this.indexLagCheckpoints);
    const startCp = after < 0n ? (oldest?.checkpoint ?? this.tipCheckpoint) : checkpointOf(after);
    const budgetPos = req.filter ? endOf(startCp + (this.opts.scanLimitCheckpoints ?? 32) - 1) : undefined;
    let stop = tipPos;
    let reason = GrpcTypes.QueryEndReason.LEDGER_TIP;
    if (budgetPos !== undefined && budgetPos < stop) {
      stop = budgetPos;
      reason = GrpcTypes.QueryEndReason.SCAN_LIMIT;
    }
    if (before !== undefined && before <= stop) {
      stop = before;
      reason = GrpcTypes.QueryEndReason.CURSOR_BOUND;
    }
    let i = lowerBound(this.events, after);
    let sent = 0;
    for (; i < this.events.length; i++) {
      const ev = this.events[i]!;
      const inside = reason === GrpcTypes.QueryEndReason.CURSOR_BOUND ? ev.pos < stop : ev.pos <= stop;
      if (!inside) break;
      if (!eventMatches(req.filter, ev)) continue;
      sent++;
      const frame: GrpcTypes.ListEventsResponse = { event: this.toEvent(ev), watermark: { cursor: encodeCursor(ev.pos) } };
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
    else this.calls.cursorBoundEnds++;
    call.write({ watermark: { cursor: encodeCursor(stop) }, end: { reason } });
    call.end();
  }

  private toEvent(ev: SimSuiEvent): GrpcTypes.Event {
    return {
      packageId: ev.packageId,
      module: ev.module,
      sender: ev.sender,
      eventType: ev.eventType,
      json: toValue(ev.json) as GrpcTypes.Event['json'],
      checkpoint: BigInt(ev.checkpoint),
      transactionDigest: ev.digest,
      transactionIndex: BigInt(ev.txIndex),
      eventIndex: ev.eventIndex,
    };
  }
}

/** The index of the first event after `pos`. */
function lowerBound(events: readonly SimSuiEvent[], pos: bigint): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (events[mid]!.pos <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
