/**
 * JSON-RPC 2.0 over one WebSocket (`ws`), as EVM nodes speak it: requests matched to responses by id,
 * `eth_subscription` notifications handed to a callback, request timeouts on the injected {@link Clock}.
 * Plus {@link fetchLogsInRanges}: `eth_getLogs` over a block range in bounded chunks, splitting a chunk in half and
 * retrying when the node says the range or the result is too large.
 */
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../clock';
import { compareLogs, parseLog, toQuantity, type EvmLog, type EvmLogFilter } from './evmLog';
import { capText } from '../untrustedText';
import { redact } from '../redact';

/** Why a request failed. `rpc`: the node answered with an error object; the others are local. */
export type RpcErrorType = 'rpc' | 'timeout' | 'closed' | 'bad_response';

/** A failed JSON-RPC request. Messages are redacted (nodes echo URLs and keys in errors). */
export class RpcError extends Error {
  constructor(
    readonly type: RpcErrorType,
    message: string,
    /** JSON-RPC error code (type `rpc` only). */
    readonly code?: number,
    /** JSON-RPC error data (type `rpc` only). */
    readonly data?: unknown,
  ) {
    super(redact(capText(message)));
    this.name = 'RpcError';
  }
}

/** The minimum of a connection that {@link fetchLogsInRanges} and the stream need (tests can script it). */
export interface RpcRequester {
  request<T = unknown>(method: string, params: unknown[]): Promise<T>;
}

/** Callbacks of an {@link EvmRpcConnection}. */
export interface EvmRpcHandlers {
  /** The socket is open; requests can be sent. */
  onOpen?(): void;
  /**
   * An `eth_subscription` notification: subscription id, its `result`, and the JSON text `result` was parsed from
   * when the frame had the usual shape (see {@link notificationResultText}); otherwise undefined.
   */
  onNotification?(subscription: string, result: unknown, resultText: string | undefined): void;
  /** A frame that is not valid JSON-RPC (the connection goes on). */
  onMalformed?(reason: string): void;
  /** Anything arrived (frame or pong): the connection is alive. */
  onActivity?(): void;
  /** The HTTP upgrade was refused with this status. */
  onUnexpectedResponse?(status: number): void;
  /** Every frame sent (`>`) or received (`<`), for trace logging (callers redact). */
  onTrace?(direction: '>' | '<', text: string): void;
  /** The socket closed (after an error, too; `error` is the one of a socket that never opened). Fires once. */
  onClose?(code: number, reason: string, error?: Error): void;
}

/** Options of an {@link EvmRpcConnection}. */
export interface EvmRpcOptions {
  clock: Clock;
  /** A request with no response after this long fails with `timeout`, ms (default 30,000). */
  requestTimeoutMs?: number;
  /** Frames above this size are refused as malformed, bytes (default 16 MiB). */
  maxFrameBytes?: number;
  /** Builds the socket (tests may pass their own); default `new WebSocket(url, {perMessageDeflate: false})`. */
  socketFactory?: (url: string) => WebSocket;
}

interface PendingRequest {
  method: string;
  resolve(value: unknown): void;
  reject(err: Error): void;
  timer: TimerHandle;
}

/** One WebSocket JSON-RPC connection. Create it, wait for `onOpen`, send requests; {@link close} ends it. */
export class EvmRpcConnection implements RpcRequester {
  private readonly ws: WebSocket;
  private readonly pending = new Map<number, PendingRequest>();
  private nextId = 1;
  private closed = false;
  /** The socket's error when it failed before opening (refused, not found, TLS), for {@link EvmRpcHandlers.onClose}. */
  private socketError: Error | undefined;
  private readonly timeoutMs: number;
  private readonly maxFrameBytes: number;

  constructor(
    url: string,
    private readonly handlers: EvmRpcHandlers,
    private readonly opts: EvmRpcOptions,
  ) {
    this.timeoutMs = opts.requestTimeoutMs ?? 30_000;
    this.maxFrameBytes = opts.maxFrameBytes ?? 16 * 1024 * 1024;
    this.ws = opts.socketFactory ? opts.socketFactory(url) : new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000, maxPayload: this.maxFrameBytes });
    this.ws.on('open', () => handlers.onOpen?.());
    this.ws.on('message', (data: WebSocket.RawData) => this.onFrame(data));
    this.ws.on('pong', () => handlers.onActivity?.());
    this.ws.on('unexpected-response', (_req, res) => {
      handlers.onUnexpectedResponse?.(res.statusCode ?? 0);
      res.resume();
      this.ws.terminate();
    });
    // errors are followed by 'close'; the close handler reports them (with the error of a socket that never opened)
    this.ws.on('error', (err: Error) => {
      if (this.ws.readyState !== WebSocket.OPEN) this.socketError ??= err;
    });
    this.ws.on('close', (code: number, reason: Buffer) => this.finish(code, reason.toString('utf8')));
  }

  /** Sends a request; resolves with `result`, rejects with {@link RpcError}. */
  request<T = unknown>(method: string, params: unknown[]): Promise<T> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new RpcError('closed', `${method}: connection closed`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = this.opts.clock.setTimeout(() => {
        this.pending.delete(id);
        reject(new RpcError('timeout', `${method}: no response after ${this.timeoutMs / 1000} s`));
      }, this.timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      const frame = JSON.stringify({ jsonrpc: '2.0', id, method, params });
      this.handlers.onTrace?.('>', frame);
      this.ws.send(frame);
    });
  }

  /**
   * Stops reading the socket (flow control: the node's frames wait in TCP buffers, and the node slows down) until
   * {@link resume}. Responses to requests wait too.
   */
  pause(): void {
    if (!this.closed) this.ws.pause();
  }

  /** Reads the socket again after {@link pause}. */
  resume(): void {
    if (!this.closed) this.ws.resume();
  }

  /** Sends a WebSocket ping (the node's pong counts as activity). */
  ping(): void {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.ping();
  }

  /** Closes the socket; pending requests fail with `closed`. Idempotent. */
  close(): void {
    if (this.ws.readyState === WebSocket.CONNECTING || this.ws.readyState === WebSocket.OPEN) {
      this.ws.close(1000);
      // do not wait for the peer's close frame
      this.ws.terminate();
    }
    this.finish(1000, 'closed by client');
  }

  private finish(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    for (const [, p] of this.pending) {
      this.opts.clock.clearTimeout(p.timer);
      p.reject(new RpcError('closed', `${p.method}: connection closed (${code})`));
    }
    this.pending.clear();
    this.handlers.onClose?.(code, reason, this.socketError);
  }

  private onFrame(data: WebSocket.RawData): void {
    this.handlers.onActivity?.();
    // `ws` hands a Buffer (the default binary type): decoded in place, not copied first
    const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
    if (this.handlers.onTrace) this.handlers.onTrace('<', text.length > 2_000 ? `${text.slice(0, 2_000)}... (${text.length} chars)` : text);
    if (text.length > this.maxFrameBytes) return this.handlers.onMalformed?.(`frame of ${text.length} bytes refused`);
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return this.handlers.onMalformed?.(`frame is not JSON: ${redact(text.slice(0, 120))}`);
    }
    if (Array.isArray(msg)) for (const m of msg) this.onMessage(m, undefined);
    else this.onMessage(msg, text);
  }

  /** One JSON-RPC message; `text` is the frame it was the whole of (a batch's members have none). */
  private onMessage(m: unknown, text: string | undefined): void {
    if (!m || typeof m !== 'object') return this.handlers.onMalformed?.('JSON-RPC message is not an object');
    const msg = m as Record<string, unknown>;
    if (msg.method === 'eth_subscription') {
      const params = msg.params as Record<string, unknown> | undefined;
      if (!params || typeof params !== 'object' || typeof params.subscription !== 'string') {
        return this.handlers.onMalformed?.('eth_subscription notification without params.subscription');
      }
      return this.handlers.onNotification?.(params.subscription, params.result, text === undefined ? undefined : notificationResultText(text, params.subscription));
    }
    if (typeof msg.id === 'number' || typeof msg.id === 'string') {
      const p = this.pending.get(Number(msg.id));
      if (!p) return this.handlers.onMalformed?.(`response to unknown request id ${JSON.stringify(msg.id).slice(0, 40)}`);
      this.pending.delete(Number(msg.id));
      this.opts.clock.clearTimeout(p.timer);
      if (msg.error !== undefined && msg.error !== null) {
        const e = msg.error as Record<string, unknown>;
        const code = typeof e.code === 'number' ? e.code : undefined;
        const message = typeof e.message === 'string' ? e.message : JSON.stringify(msg.error).slice(0, 300);
        return p.reject(new RpcError('rpc', `${p.method}: ${message}${code !== undefined ? ` (${code})` : ''}`, code, e.data));
      }
      if (!('result' in msg)) return p.reject(new RpcError('bad_response', `${p.method}: response has neither result nor error`));
      return p.resolve(msg.result);
    }
    this.handlers.onMalformed?.('JSON-RPC message with neither id nor eth_subscription method');
  }
}

const NOTIFICATION_HEAD = '{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":';
const RESULT_KEY = ',"result":';

/**
 * The exact JSON text of a notification's `result` inside its frame `text`, without serializing it again, when the
 * frame has the shape every common node writes (geth, reth, erigon, nethermind, hardhat, anvil):
 * `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"<id>","result":{…}}}` with no whitespace
 * and no `}` inside the result but its own closing brace (a log object holds none). Then that brace is the first
 * `}` after the result key, the two left close `params` and the frame, and nothing else can sit between them.
 * `subscription` is the parsed id. Undefined for any other shape: the caller then does without the text. Pure.
 */
export function notificationResultText(text: string, subscription: string): string | undefined {
  if (!text.startsWith(NOTIFICATION_HEAD)) return undefined;
  // the id as written: quoted, with nothing escaped in it (node ids are hex), then the result key
  let at = NOTIFICATION_HEAD.length;
  if (text.charCodeAt(at) !== 34 || !text.startsWith(subscription, at + 1) || text.charCodeAt(at + 1 + subscription.length) !== 34) return undefined;
  at += subscription.length + 2;
  if (!text.startsWith(RESULT_KEY, at)) return undefined;
  at += RESULT_KEY.length;
  const end = text.length - 2;
  if (text.charCodeAt(at) !== 123 || text.charCodeAt(end) !== 125 || text.charCodeAt(end + 1) !== 125) return undefined;
  if (text.indexOf('}', at) !== end - 1) return undefined;
  return text.slice(at, end);
}

/**
 * True when an `eth_getLogs` error means "ask for less" (block range or result count over the provider's limit,
 * or a query timeout), so the range should be split. Covers geth, Alchemy, Infura, QuickNode, Ankr and others'
 * wordings; `-32005` (limit exceeded) always counts.
 */
export function isRangeTooLarge(err: unknown): boolean {
  if (!(err instanceof RpcError) || err.type !== 'rpc') return false;
  if (err.code === -32601) return false;
  if (err.code === -32005) return true;
  return /block range|range (is )?too|too (many|large|big|wide)|more than \d|exceed|response size|results? (limit|returned)|limit(ed)? (is|to)|max(imum)? (block )?range|query timeout|timed? ?out/i.test(err.message);
}

/** Options of {@link fetchLogsInRanges}. */
export interface FetchLogsOptions {
  /** Blocks per `eth_getLogs` request at first, and never more (default 2,000). */
  maxBlockRange?: number;
  /** Called with each chunk's logs, sorted by block then log index, chunks in ascending block order. */
  onChunk(logs: EvmLog[], from: number, to: number): void | Promise<void>;
  /** Called for each raw log that fails validation (it is skipped). */
  onInvalid?(reason: string): void;
  /** Called when a range is split after a too-large error. */
  onSplit?(from: number, to: number, err: RpcError): void;
  /** Stop early (e.g. the connection was superseded). */
  cancelled?(): boolean;
}

/**
 * Reads every log matching `filter` in blocks `[from, to]` (inclusive) with `eth_getLogs`, in chunks of at most
 * `maxBlockRange` blocks. A chunk that fails with a too-large error ({@link isRangeTooLarge}) is split in half and
 * retried, down to a single block; the smaller size is kept for the following chunks. Any other error, or a
 * single block that is still too large, rejects. Resolves with the number of logs delivered.
 */
export async function fetchLogsInRanges(rpc: RpcRequester, filter: EvmLogFilter, from: number, to: number, opts: FetchLogsOptions): Promise<number> {
  let range = Math.max(1, Math.floor(opts.maxBlockRange ?? 2_000));
  let total = 0;
  let start = from;
  while (start <= to) {
    if (opts.cancelled?.()) return total;
    const end = Math.min(to, start + range - 1);
    let raw: unknown;
    try {
      raw = await rpc.request('eth_getLogs', [{ ...filter, fromBlock: toQuantity(start), toBlock: toQuantity(end) }]);
    } catch (err) {
      if (isRangeTooLarge(err) && end > start) {
        opts.onSplit?.(start, end, err as RpcError);
        range = Math.max(1, Math.floor((end - start + 1) / 2));
        continue;
      }
      throw err;
    }
    if (!Array.isArray(raw)) throw new RpcError('bad_response', 'eth_getLogs: result is not an array');
    const logs: EvmLog[] = [];
    for (const r of raw) {
      const parsed = parseLog(r);
      if ('error' in parsed) opts.onInvalid?.(parsed.error);
      else if (!parsed.log.removed) logs.push(parsed.log);
    }
    logs.sort(compareLogs);
    total += logs.length;
    if (opts.cancelled?.()) return total;
    await opts.onChunk(logs, start, end);
    start = end + 1;
  }
  return total;
}
