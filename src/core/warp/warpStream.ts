/**
 * Inodra Warp streams (Sui) over WebSocket or Server-Sent Events, per the seed
 * (`shared/seeds/004_a3ded02376be06e6.txt`):
 * - WS: `GET {base}/v1/warp/{streamId}/ws?api_key=K[&mode=resume|&lastEventId=ID]`, envelope `{id, event, data}`,
 *   ACK `{"type":"ack","id":ID}` sent only after the event is journaled and handed to listeners.
 * - SSE: `GET {base}/v1/warp/{streamId}/stream`, key in `x-api-key`, `Last-Event-ID` header or `?mode=resume`;
 *   at-least-once, deduplicated by identity in {@link BaseStream}.
 * - Both transports decode messages with the one pure decoder in `warpFrame.ts`.
 * - Ids are shared by the events of a checkpoint: identity = id + what tells the events apart (`warpIdentity`),
 *   every event is ACKed with its id exactly as received (a number as a number), and the resume cursor is the last
 *   id whose checkpoint is complete (`ResumeCursor`). An id an HTTP header cannot carry makes an SSE reconnect use
 *   `mode=resume` instead, with a notice.
 * - Every reconnect states what it recovered (`warpReplay.ts`): verified, cursor not honoured, or events that may
 *   be missing (down past the 30-minute buffer, a replay at the 2,000-event cap, a live reconnect).
 * - `quota_exceeded` / close 1008 stop the stream ("quota exceeded") and never reconnect on their own;
 *   HTTP 401 / 403 / 404 stop it with words; 409 (stream in use), 429, 5xx, resets and abnormal closes retry.
 */
import { describeConnectFailure } from '../connectFailure';
import * as http from 'http';
import * as https from 'https';
import WebSocket from 'ws';
import {
  BaseStream,
  ConnectError,
  type BaseStreamDeps,
  type CloseOutcome,
  type GapVerdict,
  type ReplayContext,
  type ReplayJudge,
  type ResolvedMode,
  type TransportConnection,
  type TransportSink,
} from '../stream/baseStream';
import { normalizeWarp, setEventSize, setPayloadText } from '../event';
import type { JournalCodec } from '../stream/journalLine';
import { decodeSseMessage, parseWsEnvelope, type WarpFrame, type WarpMessageId } from './warpFrame';
import { createWarpReplayJudge, warpReconnectVerdict } from './warpReplay';
import { createSseReader } from './sseReader';
import { MAX_FRAME_BYTES, frameTooLargeMessage } from '../frameLimits';
import { MAX_PENDING_EVENTS, MAX_UNSENT_ACK_BYTES, ReadGate } from './readGate';
import { AckQueue } from './ackQueue';
import { describeError, redact, registerSecret } from '../redact';
import { keyTransportProblem } from '../transportSecurity';
import type { StreamDefinition } from '../stream/stream';

/** Default hosts per network. The testnet host is undocumented: every base URL is a setting. */
export const WARP_HOSTS: Record<string, string> = {
  mainnet: 'https://mainnet-api.inodra.com',
  testnet: 'https://testnet-api.inodra.com',
};

/** Frames above this size get a warning (they are still processed). */
export const LARGE_FRAME_BYTES = 1024 * 1024;

/** What a Warp stream needs beyond {@link BaseStreamDeps}. */
export interface WarpStreamDeps extends BaseStreamDeps {
  /** Returns the key saved for the host this stream connects to, or undefined (the stream stops with `no_key`). */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  /** Largest WebSocket frame or unfinished SSE line/event accepted, in bytes (default {@link MAX_FRAME_BYTES}). */
  maxFrameBytes?: number;
  /** WebSocket: pause reading at this many received, unprocessed events (default {@link MAX_PENDING_EVENTS}). */
  maxPendingEvents?: number;
  /** WebSocket: drop the connection when this many ACK bytes are unsent (default {@link MAX_UNSENT_ACK_BYTES}). */
  maxUnsentAckBytes?: number;
}

/** The HTTP(S) base URL a Warp stream connects to: `def.baseUrl`, else the network's default host. */
export function warpBaseUrl(def: StreamDefinition): string {
  const base = def.baseUrl?.trim() || WARP_HOSTS[def.network ?? 'mainnet'] || WARP_HOSTS.mainnet;
  return base.replace(/\/+$/, '');
}

/** The WebSocket URL for a stream and mode (the key is a query parameter: always redact before printing). */
export function warpWsUrl(def: StreamDefinition, key: string, mode: ResolvedMode): string {
  const base = warpBaseUrl(def).replace(/^http(s?):/i, 'ws$1:');
  const u = new URL(`${base}/v1/warp/${encodeURIComponent(def.streamId ?? def.id)}/ws`);
  u.searchParams.set('api_key', key);
  if (mode.kind === 'resume') u.searchParams.set('mode', 'resume');
  if (mode.kind === 'after') u.searchParams.set('lastEventId', mode.id);
  return u.toString();
}

/** The SSE URL for a stream and mode (the key goes in a header, not here). */
export function warpSseUrl(def: StreamDefinition, mode: ResolvedMode): string {
  const base = warpBaseUrl(def).replace(/^ws(s?):/i, 'http$1:');
  const u = new URL(`${base}/v1/warp/${encodeURIComponent(def.streamId ?? def.id)}/stream`);
  if (mode.kind === 'resume') u.searchParams.set('mode', 'resume');
  return u.toString();
}

/** Maps an HTTP status on connect to an outcome a person understands. */
export function outcomeForHttpStatus(status: number, body = ''): CloseOutcome {
  const detail = body ? `: ${redact(body.slice(0, 200))}` : '';
  if (status === 401) return { fatal: true, reason: 'invalid_key', message: `invalid API key (HTTP 401)${detail}` };
  if (status === 403) return { fatal: true, reason: 'forbidden', message: `API key not allowed for this stream or network (HTTP 403)${detail}` };
  if (status === 404) return { fatal: true, reason: 'stream_not_found', message: `stream not found (HTTP 404)${detail}` };
  if (status === 402) return { fatal: true, reason: 'quota_exceeded', message: `quota exceeded (HTTP 402)${detail}` };
  if (status === 409) return { fatal: false, message: `stream already has an active connection (HTTP 409; another window?)${detail}` };
  if (status === 429) return { fatal: false, message: `rate limited (HTTP 429)${detail}` };
  if (status >= 500) return { fatal: false, message: `server error (HTTP ${status})${detail}` };
  return { fatal: true, reason: 'refused', message: `connection refused (HTTP ${status})${detail}` };
}

/** Maps a WebSocket close code to an outcome. */
export function outcomeForClose(code: number, reason: string, quotaSeen: boolean): CloseOutcome {
  if (code === 1008 || quotaSeen) return { fatal: true, reason: 'quota_exceeded', message: 'quota exceeded' };
  const r = reason ? ` ${redact(reason)}` : '';
  if (code === 1000) return { fatal: false, message: `server closed the connection (1000${r})` };
  if (code === 1006) return { fatal: false, message: 'connection lost (1006)' };
  return { fatal: false, message: `connection closed (${code}${r})` };
}

/** A Warp stream: WebSocket (default) or SSE per `definition.transport`. */
export class WarpStream extends BaseStream {
  constructor(definition: StreamDefinition, private readonly warpDeps: WarpStreamDeps) {
    super(definition, warpDeps, { billed: true, sharedIds: true, liveUntilFirstEvent: true });
  }

  protected override reconnectVerdict(mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
    return warpReconnectVerdict(mode, downAt, resumedAt);
  }

  protected override replayJudge(ctx: ReplayContext): ReplayJudge {
    return createWarpReplayJudge(ctx);
  }

  /**
   * A lean journal line holds the data text, the name and the message id: the rest is normalized again, the
   * identity included (the message id and a hash of the payload's distinguishing fields).
   */
  protected override journalCodec(): JournalCodec {
    return { revive: (stream, rec) => normalizeWarp(stream, rec.name, rec.messageId, rec.payload, rec.receivedAt), derivesIds: true };
  }

  protected override cursorProblem(id: string): string | undefined {
    return this.definition.transport === 'sse' ? headerValueProblem(id) : undefined;
  }

  /**
   * What one decoded frame does: data becomes an event (settled through `settle` once processed: ACKed with its id
   * as received, and counted for backpressure), control
   * frames move the connection's state. Returns true for `quota_exceeded` (the close that follows is fatal).
   */
  private handleFrame(frame: WarpFrame, sink: TransportSink, size: number, settle?: (id: WarpMessageId | undefined) => () => void): boolean {
    switch (frame.kind) {
      case 'invalid':
        sink.activity();
        sink.notice('warn', frame.problem);
        return false;
      case 'connected':
        sink.activity();
        sink.opened(frame.heartbeatMs ? { heartbeatMs: frame.heartbeatMs } : undefined);
        return false;
      case 'heartbeat':
        sink.activity();
        return false;
      case 'quota_exceeded':
        sink.quota(frame.remaining);
        sink.activity();
        return true;
      case 'error':
        sink.activity();
        sink.notice('error', `server error: ${frame.message}`);
        return false;
      case 'data': {
        const ev = normalizeWarp(this.definition.id, frame.name, frame.id, frame.data, this.clock.now());
        if (frame.dataText !== undefined) setPayloadText(ev, frame.dataText);
        setEventSize(ev, size);
        sink.event(ev, settle?.(frame.id));
        return false;
      }
    }
  }

  private get maxFrameBytes(): number {
    return this.warpDeps.maxFrameBytes ?? MAX_FRAME_BYTES;
  }

  protected async open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> {
    const key = await this.warpDeps.getKey(this.definition);
    if (!key) {
      const host = safeHost(warpBaseUrl(this.definition));
      throw new ConnectError({ fatal: true, reason: 'no_key', message: `no API key saved for ${host}` });
    }
    registerSecret(key);
    const problem = keyTransportProblem(warpBaseUrl(this.definition));
    if (problem) throw new ConnectError({ fatal: true, reason: 'refused', message: problem });
    return this.definition.transport === 'sse' ? this.openSse(key, mode, sink) : this.openWs(key, mode, sink);
  }

  private openWs(key: string, mode: ResolvedMode, sink: TransportSink): TransportConnection {
    const url = warpWsUrl(this.definition, key, mode);
    const ws = new WebSocket(url, { perMessageDeflate: false, handshakeTimeout: 15_000, maxPayload: this.maxFrameBytes });
    let done = false;
    let quotaSeen = false;
    const finish = (outcome: CloseOutcome) => {
      if (done) return;
      done = true;
      sink.closed(outcome);
    };
    // ACKs of one processed batch leave together: queued as the stream calls them, sent in one corked write at the
    // end of the same tick (each ACK is still its own message, sent right after its event was processed). The id
    // goes back exactly as received: a number as a JSON number, a string as a string
    let acks: WarpMessageId[] = [];
    const sendAcks = () => {
      const ids = acks;
      acks = [];
      if (ws.readyState !== WebSocket.OPEN) return;
      const socket = (ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      socket?.cork();
      for (const id of ids) ws.send(`{"type":"ack","id":${JSON.stringify(id)}}`);
      socket?.uncork();
      // a server that never reads would make the ACKs pile up in memory: drop it and reconnect
      const unsent = ws.bufferedAmount;
      if (unsent > maxUnsentAcks) {
        finish({ fatal: false, message: `the server is not reading its ACKs (${(unsent / 1048576).toFixed(1)} MiB unsent): connection dropped` });
        ws.terminate();
      }
    };
    const maxUnsentAcks = this.warpDeps.maxUnsentAckBytes ?? MAX_UNSENT_ACK_BYTES;
    const gate = this.readGate(ws);
    // every event handed to the stream counts as pending until it is processed (then ACKed when it has an id). The
    // stream runs the ACKs in the order it was handed the events, so one shared callback takes the next id from a
    // queue: no closure per event. The queue holds only the pending events (bounded by the gate)
    const ackIds = new AckQueue<WarpMessageId>();
    const processed = () => {
      const id = ackIds.shift();
      gate.processed();
      if (id !== undefined && acks.push(id) === 1) queueMicrotask(sendAcks);
    };
    const settle = (id: WarpMessageId | undefined) => {
      gate.received();
      ackIds.push(id);
      return processed;
    };
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (body.length < 1000) body += c;
      });
      res.on('end', () => {
        finish(outcomeForHttpStatus(res.statusCode ?? 0, body));
        ws.terminate();
      });
      res.on('error', () => finish(outcomeForHttpStatus(res.statusCode ?? 0)));
    });
    ws.on('open', () => {
      if (!done) sink.opened();
    });
    ws.on('ping', () => sink.activity());
    ws.on('pong', () => sink.activity());
    ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
      if (done) return;
      const size = rawSize(data);
      if (isBinary) {
        sink.activity();
        sink.notice('warn', `binary frame ignored (${size} bytes)`);
        return;
      }
      if (size > LARGE_FRAME_BYTES) sink.notice('warn', `large frame (${(size / 1048576).toFixed(1)} MB)`);
      if (this.handleFrame(parseWsEnvelope(rawText(data)), sink, size, settle)) quotaSeen = true;
    });
    ws.on('close', (code: number, reason: Buffer) => {
      finish(outcomeForClose(code, reason.toString('utf8'), quotaSeen));
    });
    ws.on('error', (err: Error & { code?: string }) => {
      // a frame over maxPayload: ws closes with 1009; say why in words (the stream reconnects)
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') finish({ fatal: false, message: frameTooLargeMessage('a WebSocket frame', this.maxFrameBytes) });
      // 'close' follows every 'error'; keep the words of the error for it
      else if (!done && ws.readyState !== WebSocket.OPEN) finish({ fatal: false, message: describeConnectFailure(url, err, 'server') });
    });
    return {
      endpoint: redact(url),
      transport: 'websocket',
      close: () => {
        done = true;
        ws.removeAllListeners('message');
        ws.on('error', () => undefined);
        try {
          if (ws.readyState === WebSocket.CONNECTING) ws.terminate();
          else ws.close(1000, 'client closed');
        } catch {
          ws.terminate();
        }
      },
      ping: () => {
        if (ws.readyState === WebSocket.OPEN) ws.ping();
      },
    };
  }

  /** Pauses `socket` past the pending-event bound and resumes it below (the same backpressure on WebSocket and SSE). */
  private readGate(socket: { pause(): unknown; resume(): unknown }): ReadGate {
    const gate: ReadGate = new ReadGate(
      this.warpDeps.maxPendingEvents ?? MAX_PENDING_EVENTS,
      () => {
        this.log.debug(`reading paused: ${gate.pending} events waiting to be processed`);
        socket.pause();
      },
      () => {
        this.log.debug(`reading resumed: ${gate.pending} events waiting`);
        socket.resume();
      },
    );
    return gate;
  }

  private openSse(key: string, mode: ResolvedMode, sink: TransportSink): TransportConnection {
    const url = new URL(warpSseUrl(this.definition, mode));
    const headers: Record<string, string> = { 'x-api-key': key, accept: 'text/event-stream', 'cache-control': 'no-cache' };
    if (mode.kind === 'after') headers['last-event-id'] = mode.id;
    const lib = url.protocol === 'https:' ? https : http;
    let done = false;
    let quotaSeen = false;
    const finish = (outcome: CloseOutcome) => {
      if (done) return;
      done = true;
      sink.closed(outcome);
    };
    const req = lib.request(url, { method: 'GET', headers });
    req.setTimeout(0);
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          if (body.length < 1000) body += c;
        });
        res.on('end', () => finish(outcomeForHttpStatus(status, body)));
        res.on('error', () => finish(outcomeForHttpStatus(status)));
        return;
      }
      const ctype = String(res.headers['content-type'] ?? '');
      if (!ctype.includes('text/event-stream')) {
        res.resume();
        finish({ fatal: true, reason: 'refused', message: `not an event stream (content-type "${redact(ctype)}")` });
        req.destroy();
        return;
      }
      sink.opened();
      // the same backpressure as WebSocket: past the bound the response is paused, so TCP slows the server down
      const gate = this.readGate(res);
      // SSE has nothing to ACK: one shared callback counts each processed event (no closure per event)
      const processed = () => gate.processed();
      const settle = () => {
        gate.received();
        return processed;
      };
      const reader = createSseReader(
        {
          onMessage: (m) => {
            // activity was counted for the chunk this message came in
            if (done) return;
            if (m.data.length > LARGE_FRAME_BYTES) sink.notice('warn', `large event (${(m.data.length / 1048576).toFixed(1)} MB)`);
            const frame = decodeSseMessage(m.event, m.id, m.data);
            // SSE opens on the 200 response; `connected` only brings the heartbeat interval
            if (frame.kind === 'connected' && !frame.heartbeatMs) return;
            if (this.handleFrame(frame, sink, m.data.length, settle)) quotaSeen = true;
          },
          onLastEventId: (id) => {
            if (id) sink.cursor(id);
          },
          onRetry: (ms) => sink.retryHint(ms),
          onComment: () => sink.activity(),
          onWarning: (w) => sink.notice('warn', `SSE: ${w}`),
          onOverflow: (max) => {
            finish({ fatal: false, message: frameTooLargeMessage('an SSE line or event without its end', max) });
            req.destroy();
          },
        },
        mode.kind === 'after' ? mode.id : '',
        this.maxFrameBytes,
      );
      // UTF-8 decoding that keeps a character split across chunks whole
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        if (done) return;
        sink.activity();
        reader.feed(chunk);
      });
      res.on('end', () => {
        finish(quotaSeen ? { fatal: true, reason: 'quota_exceeded', message: 'quota exceeded' } : { fatal: false, message: 'server ended the event stream' });
      });
      res.on('error', (err) => finish({ fatal: false, message: `event stream error: ${describeError(err)}` }));
    });
    req.on('error', (err) => finish({ fatal: false, message: describeConnectFailure(url.toString(), err, 'server') }));
    req.end();
    return {
      endpoint: redact(url.toString()),
      transport: 'sse',
      close: () => {
        done = true;
        req.destroy();
      },
    };
  }
}

function rawSize(data: WebSocket.RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  if (data instanceof ArrayBuffer) return data.byteLength;
  return (data as Buffer).length;
}

function rawText(data: WebSocket.RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return (data as Buffer).toString('utf8');
}

/**
 * Why an id cannot be sent as an HTTP header value (`Last-Event-ID`), or undefined when it can: only printable
 * ASCII without surrounding spaces, at most 256 characters (Node refuses anything else with "Invalid character in
 * header content", which would fail every reconnect).
 */
export function headerValueProblem(id: string): string | undefined {
  if (id.length > 256) return `it is ${id.length} characters long, over the 256 an HTTP header is given here`;
  if (!/^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/.test(id)) return 'it holds characters an HTTP header cannot carry (non-ASCII, control characters or surrounding spaces)';
  return undefined;
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return redact(url);
  }
}
