/**
 * The real {@link SuiRpc}: `@mysten/sui`'s generated `SubscriptionService` and `LedgerService` clients on a native
 * gRPC channel (HTTP/2, `@protobuf-ts/grpc-transport` over `@grpc/grpc-js`). Loaded on first connect (its own chunk),
 * never at activation.
 */
import { ChannelCredentials } from '@grpc/grpc-js';
import { GrpcTransport } from '@protobuf-ts/grpc-transport';
import { GrpcTypes, RpcError, SuiGrpcClient } from '@mysten/sui/grpc';
import type { RpcOptions } from '@protobuf-ts/runtime-rpc';
import { cursorText, type ScanEndReason } from './suiCursor';
import type { SuiCall, SuiCallHandlers, SuiFrame, SuiRpc, SuiRpcFactory } from './suiRpc';
import type { GrpcFailure } from './suiOutcome';

/** Default largest message accepted, bytes. */
const DEFAULT_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

type WatermarkFrame = {
  event?: GrpcTypes.Event;
  transaction?: GrpcTypes.ExecutedTransaction;
  /** A checkpoint (ListCheckpoints, SubscribeCheckpoints). */
  checkpoint?: GrpcTypes.Checkpoint;
  watermark?: GrpcTypes.Watermark;
  /** SubscribeCheckpoints: the sequence number covered (it has no watermark). */
  cursor?: bigint;
  end?: GrpcTypes.QueryEnd;
};

function toFrame(m: WatermarkFrame): SuiFrame {
  const f: SuiFrame = {};
  if (m.event) f.event = m.event;
  if (m.transaction) f.transaction = m.transaction;
  if (m.checkpoint) f.checkpointItem = m.checkpoint;
  if (m.cursor !== undefined) {
    f.cursor = m.cursor.toString();
    f.checkpoint = Number(m.cursor);
  }
  if (m.watermark?.cursor && m.watermark.cursor.length > 0) f.cursor = cursorText(m.watermark.cursor);
  if (m.watermark?.checkpoint !== undefined) f.checkpoint = Number(m.watermark.checkpoint);
  if (m.end) f.end = (GrpcTypes.QueryEndReason[m.end.reason ?? 0] ?? 'UNKNOWN') as ScanEndReason;
  return f;
}

function failure(err: unknown): GrpcFailure {
  if (err instanceof RpcError) return { code: err.code, message: err.message };
  const e = err as { code?: unknown; details?: unknown; message?: unknown } | undefined;
  return { code: typeof e?.code === 'string' ? e.code : 'UNKNOWN', message: String(e?.details ?? e?.message ?? err) };
}

/** Runs one server-streaming call, mapping its frames; `cancel()` silences it. */
function run(start: (opts: RpcOptions) => { responses: { onMessage(cb: (m: WatermarkFrame) => void): unknown; onError(cb: (e: Error) => void): unknown; onComplete(cb: () => void): unknown } }, h: SuiCallHandlers): SuiCall {
  const abort = new AbortController();
  let done = false;
  const call = start({ abort: abort.signal });
  call.responses.onMessage((m) => {
    if (!done) h.frame(toFrame(m));
  });
  call.responses.onError((e) => {
    if (done) return;
    done = true;
    h.error(failure(e));
  });
  call.responses.onComplete(() => {
    if (done) return;
    done = true;
    h.complete();
  });
  return {
    cancel: () => {
      if (done) return;
      done = true;
      abort.abort();
    },
  };
}

/** Opens a native gRPC channel to a Sui node. */
export const createSuiGrpc: SuiRpcFactory = (target, opts) => {
  const transport = new GrpcTransport({
    host: target.host,
    channelCredentials: target.tls ? ChannelCredentials.createSsl() : ChannelCredentials.createInsecure(),
    clientOptions: {
      'grpc.max_receive_message_length': opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES,
      // HTTP/2 pings keep an idle channel through NATs; the stream's own liveness watches the frames
      'grpc.keepalive_time_ms': 30_000,
      'grpc.keepalive_timeout_ms': 10_000,
    },
    ...(opts.apiKey ? { meta: { 'x-api-key': opts.apiKey } } : {}),
  });
  const client = new SuiGrpcClient({ network: 'mainnet', transport });
  const rpc: SuiRpc = {
    subscribeEvents: (req, h) => run((o) => client.subscriptionService.subscribeEvents(req, o), h),
    listEvents: (req, h) => run((o) => client.ledgerService.listEvents(req, o), h),
    subscribeTransactions: (req, h) => run((o) => client.subscriptionService.subscribeTransactions(req, o), h),
    listTransactions: (req, h) => run((o) => client.ledgerService.listTransactions(req, o), h),
    subscribeCheckpoints: (req, h) => run((o) => client.subscriptionService.subscribeCheckpoints(req, o), h),
    listCheckpoints: (req, h) => run((o) => client.ledgerService.listCheckpoints(req, o), h),
    close: () => transport.close(),
  };
  return rpc;
};
