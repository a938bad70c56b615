/**
 * The three things a Sui full-node stream can subscribe to, as one shape the stream drives: how to subscribe, how
 * to scan a gap, what a frame becomes, and what its resume id is. Pure apart from the calls it starts on the
 * {@link SuiRpc} it is handed.
 *
 * - `events`: `SubscribeEvents` + `ListEvents`; resume id = watermark cursor (base64); the gap is `(after, before)`
 *   in cursors and ends with `CURSOR_BOUND`.
 * - `transactions`: `SubscribeTransactions` + `ListTransactions`; the same cursors and bounds.
 * - `checkpoints`: `SubscribeCheckpoints` (whose frames carry a checkpoint sequence number, not a watermark) +
 *   `ListCheckpoints` over the checkpoint range `[last + 1, first)` (paged by watermark cursor), ending with
 *   `CHECKPOINT_BOUND`; resume id = sequence number (decimal).
 */
import type { GrpcTypes } from '@mysten/sui/grpc';
import type { ChainEvent } from '../event';
import { cursorBytes } from './suiCursor';
import { normalizeSuiEvent } from './suiEvent';
import { buildEventFilter, type SuiFilterFields, type SuiSubscription } from './suiFilter';
import { buildTransactionFilter } from './suiTxFilter';
import { normalizeSuiCheckpoint, normalizeSuiTransaction, SUI_CHECKPOINT_READ_MASK, SUI_TRANSACTION_READ_MASK } from './suiTransaction';
import type { SuiCall, SuiCallHandlers, SuiFrame, SuiRpc } from './suiRpc';

/** The event fields asked of the node (the BCS contents are not shown, so not fetched). */
export const SUI_EVENT_READ_MASK = ['package_id', 'module', 'sender', 'event_type', 'json', 'checkpoint', 'transaction_digest', 'transaction_index', 'event_index'];

/** The bounds of one gap scan request. */
export interface SuiScanBounds {
  /** The resume id the gap starts after (exclusive). */
  resumeId: string;
  /** The subscription's first cursor (text, as in its frame): the gap ends before it. */
  first: string;
  /** The first subscription frame carried an item (then `first` itself is not part of the gap). */
  firstHasItem: boolean;
  /** Page cursor (base64) from the previous response's last watermark; undefined on the first request. */
  page: string | undefined;
  /** Items asked per request. */
  limit: number;
}

/** One subscription kind. */
export interface SuiKind {
  readonly kind: SuiSubscription;
  /** What one item is called (`event`). */
  readonly noun: string;
  readonly subscribeCall: string;
  readonly scanCall: string;
  /** The end reason that says the scan reached the gap's end. */
  readonly complete: 'CURSOR_BOUND' | 'CHECKPOINT_BOUND';
  /** Subscription frames held during a gap scan at most, by default (bigger items, fewer frames). */
  readonly maxBufferedFrames: number;
  /** The filter for a definition (undefined = everything). Throws an Error in words when it is invalid. */
  filter(def: SuiFilterFields): unknown;
  subscribe(rpc: SuiRpc, filter: unknown, h: SuiCallHandlers): SuiCall;
  scan(rpc: SuiRpc, filter: unknown, b: SuiScanBounds, h: SuiCallHandlers): SuiCall;
  /** The page cursor to start a scan with (events and transactions start after the resume id itself). */
  firstPage(resumeId: string): string | undefined;
  /** Whether anything can lie between the resume id and the subscription's first cursor. */
  hasGap(resumeId: string, first: string, firstHasItem: boolean): boolean;
  /** The item a frame carries, as an event; undefined for a progress frame. */
  toEvent(stream: string, f: SuiFrame, now: number, inScan: boolean): ChainEvent | undefined;
  /** The resume id a progress frame establishes, if any. */
  progress(f: SuiFrame, inScan: boolean): string | undefined;
  /** Why `id` cannot be a resume id of this kind, or undefined. */
  cursorProblem(id: string): string | undefined;
}

const base64Problem = (id: string) => (cursorBytes(id) ? undefined : 'it is not a Sui node cursor (base64 bytes)');

/** Request options bounded by cursors: `(page ?? resumeId, first)`. */
function cursorOptions(b: SuiScanBounds): GrpcTypes.QueryOptions {
  const options: GrpcTypes.QueryOptions = { limit: b.limit };
  const after = cursorBytes(b.page ?? b.resumeId);
  const before = cursorBytes(b.first);
  if (after) options.after = after;
  if (before) options.before = before;
  return options;
}

const eventsKind: SuiKind = {
  kind: 'events',
  noun: 'event',
  subscribeCall: 'SubscribeEvents',
  scanCall: 'ListEvents',
  complete: 'CURSOR_BOUND',
  maxBufferedFrames: 50_000,
  filter: (def) => buildEventFilter(def),
  subscribe: (rpc, filter, h) => rpc.subscribeEvents({ readMask: { paths: SUI_EVENT_READ_MASK }, ...(filter ? { filter: filter as GrpcTypes.EventFilter } : {}) }, h),
  scan: (rpc, filter, b, h) => rpc.listEvents({ readMask: { paths: SUI_EVENT_READ_MASK }, options: cursorOptions(b), ...(filter ? { filter: filter as GrpcTypes.EventFilter } : {}) }, h),
  firstPage: (resumeId) => resumeId,
  hasGap: () => true,
  toEvent: (stream, f, now) => (f.event ? normalizeSuiEvent(stream, f.event, f.cursor, now) : undefined),
  progress: (f) => f.cursor,
  cursorProblem: base64Problem,
};

const transactionsKind: SuiKind = {
  kind: 'transactions',
  noun: 'transaction',
  subscribeCall: 'SubscribeTransactions',
  scanCall: 'ListTransactions',
  complete: 'CURSOR_BOUND',
  maxBufferedFrames: 20_000,
  filter: (def) => buildTransactionFilter({ ...def, subscription: 'transactions' }),
  subscribe: (rpc, filter, h) => rpc.subscribeTransactions({ readMask: { paths: SUI_TRANSACTION_READ_MASK }, ...(filter ? { filter: filter as GrpcTypes.TransactionFilter } : {}) }, h),
  scan: (rpc, filter, b, h) => rpc.listTransactions({ readMask: { paths: SUI_TRANSACTION_READ_MASK }, options: cursorOptions(b), ...(filter ? { filter: filter as GrpcTypes.TransactionFilter } : {}) }, h),
  firstPage: (resumeId) => resumeId,
  hasGap: () => true,
  toEvent: (stream, f, now) => (f.transaction ? normalizeSuiTransaction(stream, f.transaction, f.cursor, now) : undefined),
  progress: (f) => f.cursor,
  cursorProblem: base64Problem,
};

const DECIMAL = /^(0|[1-9][0-9]{0,19})$/;

const checkpointsKind: SuiKind = {
  kind: 'checkpoints',
  noun: 'checkpoint',
  subscribeCall: 'SubscribeCheckpoints',
  scanCall: 'ListCheckpoints',
  complete: 'CHECKPOINT_BOUND',
  // a checkpoint frame carries every transaction digest of the checkpoint: 2,000 is over 8 minutes of mainnet
  maxBufferedFrames: 2_000,
  filter: (def) => buildTransactionFilter({ ...def, subscription: 'checkpoints' }),
  subscribe: (rpc, filter, h) => rpc.subscribeCheckpoints({ readMask: { paths: SUI_CHECKPOINT_READ_MASK }, ...(filter ? { filter: filter as GrpcTypes.TransactionFilter } : {}) }, h),
  scan: (rpc, filter, b, h) => {
    const options: GrpcTypes.QueryOptions = { limit: b.limit };
    const page = b.page === undefined ? undefined : cursorBytes(b.page);
    if (page) options.after = page;
    const req: GrpcTypes.ListCheckpointsRequest = {
      readMask: { paths: SUI_CHECKPOINT_READ_MASK },
      startCheckpoint: BigInt(b.resumeId) + 1n,
      // the first frame's cursor is covered inclusive: without an item there, that checkpoint belongs to the gap
      endCheckpoint: BigInt(b.first) + (b.firstHasItem ? 0n : 1n),
      options,
    };
    if (filter) req.filter = filter as GrpcTypes.TransactionFilter;
    return rpc.listCheckpoints(req, h);
  },
  firstPage: () => undefined,
  hasGap: (resumeId, first, firstHasItem) => DECIMAL.test(first) && BigInt(first) + (firstHasItem ? 0n : 1n) > BigInt(resumeId) + 1n,
  toEvent: (stream, f, now, inScan) => (f.checkpointItem ? normalizeSuiCheckpoint(stream, f.checkpointItem, inScan ? undefined : f.checkpoint, now) : undefined),
  // a scan's watermark cursor only pages; its covered checkpoint is the resume point
  progress: (f, inScan) => (inScan ? (f.checkpoint === undefined ? undefined : String(f.checkpoint)) : f.cursor),
  cursorProblem: (id) => (DECIMAL.test(id) ? undefined : 'it is not a Sui checkpoint sequence number'),
};

/** The kind of a subscription. */
export function suiKind(kind: SuiSubscription): SuiKind {
  return kind === 'transactions' ? transactionsKind : kind === 'checkpoints' ? checkpointsKind : eventsKind;
}
