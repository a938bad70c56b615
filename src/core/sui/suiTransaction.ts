/**
 * Sui full-node transactions and checkpoints as Chain Watch events. Pure.
 *
 * - A transaction's identity is its digest; its resume id the cursor of the frame that carried it; its row says
 *   digest, sender, status and gas (net MIST: computation + storage - rebate), with the Move calls as its type.
 * - A checkpoint's identity is `checkpoint:<sequence number>`; its resume id the sequence number (decimal); its row
 *   says the sequence number and how many transactions it holds.
 * - Both carry the checkpoint's timestamp as the chain time (`timestamp`), separate from the receive time.
 */
import type { GrpcTypes } from '@mysten/sui/grpc';
import { setEventSize, toNumber, type ChainEvent } from '../event';

/** A `google.protobuf.Timestamp` as ms since epoch; undefined when absent or not a finite time. */
export function timestampMs(t: { seconds?: bigint | number | string; nanos?: number } | undefined): number | undefined {
  if (!t || t.seconds === undefined) return undefined;
  const ms = Number(t.seconds) * 1000 + Math.floor((t.nanos ?? 0) / 1_000_000);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Gas of a transaction, MIST as decimal strings (u64 values exceed a JS number's exact range). */
export interface SuiGasPayload {
  computationCost?: string;
  storageCost?: string;
  storageRebate?: string;
  nonRefundableStorageFee?: string;
  /** computation + storage - rebate: what the sender paid, MIST (negative when the rebate exceeds the cost). */
  netMist?: string;
}

/** The payload Chain Watch shows for a node transaction. */
export interface SuiTransactionPayload {
  digest?: string;
  sender?: string;
  /** `success` or `failure`; absent when the node did not say. */
  status?: 'success' | 'failure';
  /** Why it failed, in the node's words. */
  error?: string;
  gas?: SuiGasPayload;
  /** The Move calls, `0xpkg::module::function`, in command order. */
  moveCalls?: string[];
  /** The transaction kind when it is not a programmable transaction (`changeEpoch`, `consensusCommitPrologue`, ...). */
  kind?: string;
  /** Events it emitted (when the node sent them). */
  eventCount?: number;
  checkpoint?: string;
  transactionIndex?: string;
  /** The checkpoint's timestamp, ISO 8601. */
  time?: string;
}

/** Read mask of transaction subscriptions and scans: what the row shows, never the BCS or the signatures. */
export const SUI_TRANSACTION_READ_MASK = ['digest', 'transaction.sender', 'transaction.kind', 'effects.status', 'effects.gas_used', 'events.events.event_type', 'checkpoint', 'timestamp', 'transaction_index'];

/** Read mask of checkpoint subscriptions and scans: the summary and the transaction digests, not their contents. */
export const SUI_CHECKPOINT_READ_MASK = ['sequence_number', 'digest', 'summary.epoch', 'summary.timestamp', 'summary.total_network_transactions', 'summary.epoch_rolling_gas_cost_summary', 'contents.transactions'];

function str(v: bigint | number | string | undefined): string | undefined {
  return v === undefined ? undefined : String(v);
}

function gasOf(g: GrpcTypes.GasCostSummary | undefined): SuiGasPayload | undefined {
  if (!g) return undefined;
  const out: SuiGasPayload = {};
  if (g.computationCost !== undefined) out.computationCost = String(g.computationCost);
  if (g.storageCost !== undefined) out.storageCost = String(g.storageCost);
  if (g.storageRebate !== undefined) out.storageRebate = String(g.storageRebate);
  if (g.nonRefundableStorageFee !== undefined) out.nonRefundableStorageFee = String(g.nonRefundableStorageFee);
  if (g.computationCost !== undefined || g.storageCost !== undefined) {
    out.netMist = String(BigInt(g.computationCost ?? 0n) + BigInt(g.storageCost ?? 0n) - BigInt(g.storageRebate ?? 0n));
  }
  return out;
}

/** The Move calls of a programmable transaction, `pkg::module::function`. */
function moveCallsOf(kind: GrpcTypes.TransactionKind | undefined): string[] | undefined {
  const k = kind?.data;
  if (!k || k.oneofKind !== 'programmableTransaction') return undefined;
  const calls: string[] = [];
  for (const c of k.programmableTransaction.commands ?? []) {
    if (c.command.oneofKind === 'moveCall') {
      const m = c.command.moveCall;
      calls.push(`${m.package ?? '?'}::${m.module ?? '?'}::${m.function ?? '?'}`);
    }
  }
  return calls;
}

/** Identity of a transaction: its digest; undefined without one. */
export function suiTransactionIdentity(tx: Pick<GrpcTypes.ExecutedTransaction, 'digest'>): string | undefined {
  return tx.digest || undefined;
}

/**
 * Normalizes one node transaction. `cursor` is the frame's watermark cursor (text), its resume id. A transaction
 * without a digest gets a warning and an id derived from the cursor (never merged with another).
 */
export function normalizeSuiTransaction(stream: string, tx: GrpcTypes.ExecutedTransaction, cursor: string | undefined, receivedAt: number, frameBytes?: number): ChainEvent {
  const warnings: string[] = [];
  let id = suiTransactionIdentity(tx);
  if (id === undefined) {
    warnings.push('transaction without a digest (deduplicated by its cursor)');
    id = `~${cursor ?? `${receivedAt}_${Math.random().toString(36).slice(2, 10)}`}`;
  }
  const payload: SuiTransactionPayload = {};
  if (tx.digest) payload.digest = tx.digest;
  const sender = tx.transaction?.sender;
  if (sender) payload.sender = sender;
  const status = tx.effects?.status;
  if (status?.success !== undefined) payload.status = status.success ? 'success' : 'failure';
  if (status?.error?.description) payload.error = status.error.description;
  const gas = gasOf(tx.effects?.gasUsed);
  if (gas) payload.gas = gas;
  const calls = moveCallsOf(tx.transaction?.kind);
  if (calls?.length) payload.moveCalls = calls;
  const kind = tx.transaction?.kind?.data?.oneofKind;
  if (kind && kind !== 'programmableTransaction') payload.kind = kind;
  if (tx.events) payload.eventCount = tx.events.events?.length ?? 0;
  if (tx.checkpoint !== undefined) payload.checkpoint = String(tx.checkpoint);
  if (tx.transactionIndex !== undefined) payload.transactionIndex = String(tx.transactionIndex);
  const ts = timestampMs(tx.timestamp);
  if (ts !== undefined) payload.time = new Date(ts).toISOString();
  const out: ChainEvent = { id, stream, provider: 'sui', kind: 'transaction', name: 'transaction', receivedAt, payload };
  if (cursor !== undefined) out.messageId = cursor;
  if (tx.digest) out.digest = tx.digest;
  const cp = toNumber(tx.checkpoint);
  if (cp !== undefined) out.checkpoint = cp;
  const index = toNumber(tx.transactionIndex);
  if (index !== undefined) out.sequence = index;
  if (ts !== undefined) out.timestamp = ts;
  out.type = calls?.length ? calls[0]! : kind && kind !== 'programmableTransaction' ? kind : 'transaction';
  if (sender) out.sender = sender;
  if (warnings.length) out.warnings = warnings;
  if (frameBytes !== undefined) setEventSize(out, frameBytes);
  return out;
}

/** The payload Chain Watch shows for a node checkpoint. */
export interface SuiCheckpointPayload {
  sequenceNumber?: string;
  digest?: string;
  epoch?: string;
  /** Transactions in this checkpoint (from its contents, else its transactions). */
  transactionCount?: number;
  /** Transactions since genesis, this checkpoint's included. */
  totalNetworkTransactions?: string;
  /** The epoch's gas so far, MIST. */
  epochGas?: SuiGasPayload;
  /** The checkpoint's timestamp, ISO 8601. */
  time?: string;
}

/** Identity of a checkpoint: `checkpoint:<sequence number>`; undefined without one. */
export function suiCheckpointIdentity(seq: bigint | number | undefined): string | undefined {
  return seq === undefined ? undefined : `checkpoint:${String(seq)}`;
}

/**
 * Normalizes one node checkpoint. Its resume id is its sequence number (decimal); `fallbackSeq` stands in when the
 * message lacks one (a subscription frame's cursor names it).
 */
export function normalizeSuiCheckpoint(stream: string, cp: GrpcTypes.Checkpoint, fallbackSeq: number | undefined, receivedAt: number, frameBytes?: number): ChainEvent {
  const warnings: string[] = [];
  const seqRaw = cp.sequenceNumber ?? cp.summary?.sequenceNumber ?? (fallbackSeq === undefined ? undefined : BigInt(fallbackSeq));
  let id = suiCheckpointIdentity(seqRaw);
  if (id === undefined) {
    warnings.push('checkpoint without a sequence number');
    id = `~${receivedAt}_${Math.random().toString(36).slice(2, 10)}`;
  }
  const payload: SuiCheckpointPayload = {};
  if (seqRaw !== undefined) payload.sequenceNumber = String(seqRaw);
  const digest = cp.digest ?? cp.summary?.digest;
  if (digest) payload.digest = digest;
  if (cp.summary?.epoch !== undefined) payload.epoch = String(cp.summary.epoch);
  const count = cp.contents?.transactions?.length || cp.transactions?.length;
  if (cp.contents || cp.transactions?.length) payload.transactionCount = count ?? 0;
  const total = str(cp.summary?.totalNetworkTransactions);
  if (total !== undefined) payload.totalNetworkTransactions = total;
  const gas = gasOf(cp.summary?.epochRollingGasCostSummary);
  if (gas) payload.epochGas = gas;
  const ts = timestampMs(cp.summary?.timestamp);
  if (ts !== undefined) payload.time = new Date(ts).toISOString();
  const out: ChainEvent = { id, stream, provider: 'sui', kind: 'checkpoint', name: 'checkpoint', receivedAt, payload };
  const seq = toNumber(seqRaw);
  if (seq !== undefined) {
    out.messageId = String(seqRaw);
    out.checkpoint = seq;
  }
  if (ts !== undefined) out.timestamp = ts;
  out.type = 'checkpoint';
  if (warnings.length) out.warnings = warnings;
  if (frameBytes !== undefined) setEventSize(out, frameBytes);
  return out;
}

/**
 * What a Streams-view row says for a node transaction or checkpoint: the label (`split`, `split (failed)`,
 * `checkpoint 180000123`) and a detail for the description (`success`, `12 txs`); undefined for other events.
 */
export function suiRowText(ev: Pick<ChainEvent, 'kind' | 'type' | 'checkpoint' | 'payload'>): { label: string; detail: string } | undefined {
  const p = (ev.payload ?? {}) as Partial<SuiTransactionPayload & SuiCheckpointPayload>;
  if (ev.kind === 'transaction') {
    const fn = (ev.type ?? 'transaction').split('<')[0]!.split('::').pop() || 'transaction';
    return { label: p.status === 'failure' ? `${fn} (failed)` : fn, detail: p.status ?? 'transaction' };
  }
  if (ev.kind === 'checkpoint') {
    const n = p.transactionCount;
    return { label: `checkpoint ${ev.checkpoint ?? p.sequenceNumber ?? '?'}`, detail: typeof n === 'number' ? `${n} tx${n === 1 ? '' : 's'}` : 'checkpoint' };
  }
  return undefined;
}
