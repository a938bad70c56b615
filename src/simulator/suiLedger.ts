/**
 * The simulated Sui ledger behind the local gRPC node (`suiNodeServer.ts`): checkpoints of transactions of events,
 * their ledger positions (opaque 16-byte cursors to clients), the node's scan rules, and the protobuf messages the
 * node sends (built with `@mysten/sui`'s generated message types, so every default the wire needs is there).
 *
 * - Activity: the Warp simulator's realistic Sui events (`suiGenerator.ts`: Cetus swaps, DeepBook fills, kiosk
 *   listings, mints, staking) grouped into the transactions that emitted them, with plain transactions in between
 *   (coin transfers and splits; about one in twelve failing with a Move abort, one in forty a package publish or
 *   upgrade), and empty checkpoints now and then. Every checkpoint has a digest and a timestamp (the clock, never
 *   decreasing); every transaction a sender, a status, gas, its Move calls and the addresses and objects it touched.
 * - Positions: an event at (checkpoint, transaction index, event index), a transaction at (checkpoint, index, 0), a
 *   checkpoint at its end; all big-endian in 16 bytes, so byte order is ledger order.
 */
import { GrpcTypes } from '@mysten/sui/grpc';
import type { MatchableTransaction } from '../core/sui/suiTxFilter';
import { base58, type SuiGenerator } from './suiGenerator';

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

/** One transaction of the simulated ledger. */
export interface SimSuiTransaction extends MatchableTransaction {
  pos: bigint;
  checkpoint: number;
  txIndex: number;
  digest: string;
  sender: string;
  success: boolean;
  /** The abort, when it failed. */
  error?: string;
  /** MIST. */
  gas: { computation: bigint; storage: bigint; rebate: bigint; nonRefundable: bigint };
  moveCalls: Array<{ package: string; module: string; function: string }>;
  affectedAddresses: string[];
  affectedObjects: string[];
  events: SimSuiEvent[];
  timestampMs: number;
}

/** One checkpoint of the simulated ledger. */
export interface SimSuiCheckpoint {
  /** The position of the checkpoint's end. */
  pos: bigint;
  checkpoint: number;
  digest: string;
  epoch: number;
  timestampMs: number;
  transactions: SimSuiTransaction[];
  /** Transactions since genesis, this checkpoint's included. */
  totalTransactions: number;
}

const MAX32 = 0xffffffffn;

/** The ledger position of (checkpoint, transaction index, event index). */
export function position(checkpoint: number, txIndex: bigint | number, eventIndex: bigint | number): bigint {
  return (BigInt(checkpoint) << 64n) | (BigInt(txIndex) << 32n) | BigInt(eventIndex);
}

/** The position of a checkpoint's end (after everything in it). */
export const endOf = (checkpoint: number): bigint => position(checkpoint, MAX32, MAX32);
/** The checkpoint of a position. */
export const checkpointOf = (pos: bigint): number => Number(pos >> 64n);

/** A position as the 16-byte cursor clients see. */
export function encodeCursor(pos: bigint): Uint8Array {
  const b = new Uint8Array(16);
  let v = pos;
  for (let i = 15; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/** A cursor back to its position; undefined when it is not one of ours. */
export function decodeCursor(bytes: Uint8Array): bigint | undefined {
  if (bytes.length !== 16) return undefined;
  let v = 0n;
  for (const x of bytes) v = (v << 8n) | BigInt(x);
  return v;
}

/** Plain JSON as a `google.protobuf.Value` (the message shape protobuf-ts uses). */
export function toValue(v: unknown): unknown {
  if (v === null || v === undefined) return { kind: { oneofKind: 'nullValue', nullValue: 0 } };
  if (typeof v === 'string') return { kind: { oneofKind: 'stringValue', stringValue: v } };
  if (typeof v === 'number') return { kind: { oneofKind: 'numberValue', numberValue: v } };
  if (typeof v === 'boolean') return { kind: { oneofKind: 'boolValue', boolValue: v } };
  if (Array.isArray(v)) return { kind: { oneofKind: 'listValue', listValue: { values: v.map(toValue) } } };
  const fields: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) fields[k] = toValue(x);
  return { kind: { oneofKind: 'structValue', structValue: { fields } } };
}

/** The index of the first item after `pos` (items in position order). */
export function lowerBound(items: ReadonlyArray<{ pos: bigint }>, pos: bigint): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid]!.pos <= pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function randomHex(rand: () => number, bytes = 32): string {
  let s = '0x';
  for (let i = 0; i < bytes; i++) s += Math.floor(rand() * 256).toString(16).padStart(2, '0');
  return s;
}

function randomDigest(rand: () => number): string {
  const b = new Uint8Array(32);
  for (let i = 0; i < 32; i++) b[i] = Math.floor(rand() * 256);
  b[0] = 1 + (b[0]! % 255);
  return base58(b);
}

/** The Move function a generated event came from: `SwapEvent` -> `swap`, `ItemListed<T>` -> `item_listed`. */
function functionOf(eventType: string): string {
  const name = eventType.split('<')[0]!.split('::')[2] ?? 'call';
  return name.replace(/Event$/, '').replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase() || 'call';
}

/** Builds checkpoints, transactions and events from the shared generator. */
export class SuiLedgerBuilder {
  private epoch = 812;
  private totalTransactions = 3_900_000_000;
  private lastTimestampMs = 0;
  /** The generator's next activity, taken to see that the transaction before it was complete. */
  private pending: Record<string, unknown> | undefined;
  /** Well-known recipients, so an `affectedAddress` filter has something to find. */
  readonly wallets: string[];

  constructor(
    private readonly gen: SuiGenerator,
    private readonly rand: () => number,
    private readonly now: () => number,
  ) {
    this.wallets = Array.from({ length: 4 }, () => randomHex(rand));
  }

  /**
   * One checkpoint holding at least `want` events (whole transactions: the last one's remaining events join it) and
   * plain transactions between them.
   */
  checkpoint(cp: number, want: number): SimSuiCheckpoint {
    const timestampMs = Math.max(this.lastTimestampMs, this.now());
    this.lastTimestampMs = timestampMs;
    const txs: SimSuiTransaction[] = [];
    let eventCount = 0;
    let current: SimSuiTransaction | undefined;
    for (;;) {
      const a = this.pending ?? this.gen.next().data;
      this.pending = undefined;
      const digest = String(a.txDigest);
      if (eventCount >= want && (want === 0 || current?.digest !== digest)) {
        // a transaction never spans two checkpoints: this activity starts the next one
        this.pending = a;
        break;
      }
      if (!current || current.digest !== digest) {
        // a few plain transactions before the next one that emits events
        const plain = Math.floor(this.rand() * 3);
        for (let i = 0; i < plain; i++) txs.push(this.plainTransaction(cp, txs.length, timestampMs));
        current = this.transaction(cp, txs.length, digest, String(a.sender), timestampMs);
        txs.push(current);
      }
      const type = String(a.type);
      const [pkg = '0x0', mod = ''] = type.split('<')[0]!.split('::');
      const ev: SimSuiEvent = { pos: 0n, checkpoint: cp, txIndex: current.txIndex, eventIndex: Number(a.eventSequence), digest, eventType: type, packageId: pkg, module: mod, sender: current.sender, json: a.data };
      ev.pos = position(cp, ev.txIndex, ev.eventIndex);
      current.events.push(ev);
      if (!current.moveCalls.some((c) => c.package === pkg && c.module === mod)) current.moveCalls.push({ package: pkg, module: mod, function: functionOf(type) });
      eventCount++;
    }
    if (want === 0 && this.rand() < 0.5) txs.push(this.plainTransaction(cp, 0, timestampMs));
    this.totalTransactions += txs.length;
    if (this.rand() < 0.001) this.epoch++;
    return { pos: endOf(cp), checkpoint: cp, digest: randomDigest(this.rand), epoch: this.epoch, timestampMs, transactions: txs, totalTransactions: this.totalTransactions };
  }

  private transaction(cp: number, txIndex: number, digest: string, sender: string, timestampMs: number): SimSuiTransaction {
    const computation = BigInt(750_000 + Math.floor(this.rand() * 4_000_000));
    const storage = BigInt(Math.floor(this.rand() * 20_000_000));
    const rebate = (storage * BigInt(Math.floor(this.rand() * 99))) / 100n;
    return {
      pos: position(cp, txIndex, 0),
      checkpoint: cp,
      txIndex,
      digest,
      sender,
      success: true,
      gas: { computation, storage, rebate, nonRefundable: rebate / 99n },
      moveCalls: [],
      events: [],
      affectedAddresses: [sender],
      affectedObjects: [randomHex(this.rand)],
      packageWrite: false,
      timestampMs,
    };
  }

  /** A transaction that emits no event: a transfer or split, now and then a failure or a package publish. */
  private plainTransaction(cp: number, txIndex: number, timestampMs: number): SimSuiTransaction {
    const sender = this.rand() < 0.3 ? this.wallets[Math.floor(this.rand() * this.wallets.length)]! : randomHex(this.rand);
    const tx = this.transaction(cp, txIndex, randomDigest(this.rand), sender, timestampMs);
    const recipient = this.wallets[Math.floor(this.rand() * this.wallets.length)]!;
    const r = this.rand();
    if (r < 0.025) {
      tx.packageWrite = true;
      tx.affectedObjects.push(randomHex(this.rand));
    } else if (r < 0.11) {
      tx.success = false;
      tx.moveCalls.push({ package: '0x2', module: 'pay', function: 'split' });
      tx.error = 'MoveAbort in 0x2::balance::split, abort code 2 (ENotEnough)';
      tx.gas.storage = 0n;
      tx.gas.rebate = 0n;
    } else {
      tx.moveCalls.push({ package: '0x2', module: r < 0.5 ? 'pay' : 'coin', function: r < 0.5 ? 'split_and_transfer' : 'join' });
      if (!tx.affectedAddresses.includes(recipient)) tx.affectedAddresses.push(recipient);
    }
    return tx;
  }
}

/** The node's `Event` message for a simulated event. */
export function eventMessage(ev: SimSuiEvent): GrpcTypes.Event {
  return GrpcTypes.Event.create({
    packageId: ev.packageId,
    module: ev.module,
    sender: ev.sender,
    eventType: ev.eventType,
    json: toValue(ev.json) as GrpcTypes.Event['json'],
    checkpoint: BigInt(ev.checkpoint),
    transactionDigest: ev.digest,
    transactionIndex: BigInt(ev.txIndex),
    eventIndex: ev.eventIndex,
  });
}

function timestampOf(ms: number): { seconds: bigint; nanos: number } {
  return { seconds: BigInt(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1_000_000 };
}

/** The node's `ExecutedTransaction` message for a simulated transaction. */
export function transactionMessage(tx: SimSuiTransaction): GrpcTypes.ExecutedTransaction {
  const commands = tx.packageWrite
    ? [{ command: { oneofKind: 'publish' as const, publish: { modules: [], dependencies: ['0x1', '0x2'] } } }]
    : tx.moveCalls.map((c) => ({ command: { oneofKind: 'moveCall' as const, moveCall: { package: c.package, module: c.module, function: c.function, typeArguments: [], arguments: [] } } }));
  return GrpcTypes.ExecutedTransaction.create({
    digest: tx.digest,
    transaction: { digest: tx.digest, sender: tx.sender, kind: { kind: 1, data: { oneofKind: 'programmableTransaction', programmableTransaction: { inputs: [], commands } } } } as never,
    effects: {
      transactionDigest: tx.digest,
      status: tx.success ? { success: true } : { success: false, error: { description: tx.error ?? 'failed' } },
      gasUsed: { computationCost: tx.gas.computation, storageCost: tx.gas.storage, storageRebate: tx.gas.rebate, nonRefundableStorageFee: tx.gas.nonRefundable },
      epoch: 0n,
    } as never,
    events: { events: tx.events.map(eventMessage) } as never,
    checkpoint: BigInt(tx.checkpoint),
    timestamp: timestampOf(tx.timestampMs),
    transactionIndex: BigInt(tx.txIndex),
  });
}

/** The node's `Checkpoint` message for a simulated checkpoint (summary and contents; no transaction bodies). */
export function checkpointMessage(cp: SimSuiCheckpoint): GrpcTypes.Checkpoint {
  return GrpcTypes.Checkpoint.create({
    sequenceNumber: BigInt(cp.checkpoint),
    digest: cp.digest,
    summary: {
      digest: cp.digest,
      epoch: BigInt(cp.epoch),
      sequenceNumber: BigInt(cp.checkpoint),
      totalNetworkTransactions: BigInt(cp.totalTransactions),
      timestamp: timestampOf(cp.timestampMs),
    } as never,
    contents: { digest: cp.digest, version: 1, transactions: cp.transactions.map((t) => ({ transaction: t.digest, effects: t.digest, signatures: [] })) } as never,
  });
}
