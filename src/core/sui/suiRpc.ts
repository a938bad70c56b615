/**
 * What a Sui stream needs from a node, as an interface: the streaming calls (a subscription and a ledger scan for
 * each of events, transactions and checkpoints), already mapped from protobuf to
 * plain frames (cursor bytes as text, end reasons by name). The real one (`suiGrpcClient.ts`, loaded on first use)
 * wraps `@mysten/sui`'s generated clients over native gRPC; tests may pass another.
 */
import type { GrpcTypes } from '@mysten/sui/grpc';
import type { ScanEndReason } from './suiCursor';
import type { GrpcFailure, GrpcTarget } from './suiOutcome';

/** One frame of a subscription or a scan. */
export interface SuiFrame {
  /** The matching event, when the frame carries one (a progress frame has none). */
  event?: GrpcTypes.Event;
  /** The matching transaction (transaction calls). */
  transaction?: GrpcTypes.ExecutedTransaction;
  /** The matching checkpoint (checkpoint calls). */
  checkpointItem?: GrpcTypes.Checkpoint;
  /**
   * The frame's position, as text; present on every frame the node sends. Watermark cursors are opaque bytes,
   * written as base64 ({@link cursorText}); `SubscribeCheckpoints` has no watermark: its `cursor` is the checkpoint
   * sequence number covered so far, written in decimal.
   */
  cursor?: string;
  /** The watermark's fully covered checkpoint, when set. */
  checkpoint?: number;
  /** `ListEvents` only: set on the final frame. */
  end?: ScanEndReason;
}

/** Callbacks of one streaming call. After `cancel()` none fires. */
export interface SuiCallHandlers {
  frame(f: SuiFrame): void;
  /** The call failed (gRPC status name and details). */
  error(f: GrpcFailure): void;
  /** The server ended the call with OK. */
  complete(): void;
}

/** A streaming call in progress. */
export interface SuiCall {
  cancel(): void;
}

/** One channel to a node. */
export interface SuiRpc {
  subscribeEvents(req: GrpcTypes.SubscribeEventsRequest, h: SuiCallHandlers): SuiCall;
  listEvents(req: GrpcTypes.ListEventsRequest, h: SuiCallHandlers): SuiCall;
  subscribeTransactions(req: GrpcTypes.SubscribeTransactionsRequest, h: SuiCallHandlers): SuiCall;
  listTransactions(req: GrpcTypes.ListTransactionsRequest, h: SuiCallHandlers): SuiCall;
  subscribeCheckpoints(req: GrpcTypes.SubscribeCheckpointsRequest, h: SuiCallHandlers): SuiCall;
  listCheckpoints(req: GrpcTypes.ListCheckpointsRequest, h: SuiCallHandlers): SuiCall;
  /** Closes the channel (every call on it ends). */
  close(): void;
}

/** Options of a channel. */
export interface SuiRpcOptions {
  /** Sent as `x-api-key` metadata on every call when set. */
  apiKey?: string;
  /** Largest message accepted from the node, bytes (default 16 MiB). */
  maxMessageBytes?: number;
}

/** Opens a channel to `target`. */
export type SuiRpcFactory = (target: GrpcTarget, opts: SuiRpcOptions) => SuiRpc;
