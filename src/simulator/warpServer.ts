/**
 * A local Inodra Warp server: the extension's built-in demo and the peer of every Warp test.
 * It follows the Warp "Setup & Connection" spec (seed 004) to the letter; where the spec is silent, the choice
 * made here is listed below.
 *
 * Routes (HTTP/1.1 on `host:port`, default 127.0.0.1 and a free port):
 * - `GET /healthz` -> 200 `{"ok":true}`.
 * - WebSocket upgrade `GET /v1/warp/{id}/ws?api_key=K[&mode=resume][&lastEventId=ID]` (key in the query only, as
 *   the spec says for WebSocket).
 * - SSE `GET /v1/warp/{id}/stream`, key from `x-api-key`, `Authorization: Bearer K` or `?api_key=K` (first found
 *   wins, in that order); resume with `Last-Event-ID` (header) or `?lastEventId=` (query), or `?mode=resume`.
 * - Refusals are HTTP responses with a JSON body `{"error": "..."}` (for WebSocket the upgrade is answered with
 *   it): 401 missing/unknown key, 404 unknown stream or path, 409 a connection to that stream is already open
 *   (one concurrent connection per stream, WS or SSE), and whatever `faults.rejectNext` asked for.
 *   Checks run in that order: path, key, stream, injected rejection, busy.
 *
 * Messages:
 * - Message ids are the checkpoint number (a JSON number), shared by every event of the checkpoint, as the service
 *   sends them today ("Event ID format: Checkpoint number"); `ids: 'granular'` gives each event its own string id.
 *   `lastEventId` = a shared id resumes after the last event carrying it (`sharedIdResume: 'after-first'`: after
 *   the first), so a client that resumes from a checkpoint it has not finished loses the rest of it.
 * - First `connected` `{connId, subscriptionId, subscriptionType, protocol, eventType?, heartbeatIntervalMs}`.
 *   Control messages (`connected`, `quota_exceeded`) carry no `id` (so a client that ACKs every `id` never ACKs
 *   them and an SSE client's Last-Event-ID is not reset); data messages always do.
 * - WebSocket: one text frame per message, `{"id","event","data"}`. Heartbeat = a ping frame every heartbeatMs.
 * - SSE: `retry: 1000` first, then per message `event: NAME`, `id: ID`, `data: JSON`, blank line. Heartbeat = the
 *   comment `: heartbeat` every heartbeatMs.
 *
 * Delivery:
 * - While no client is connected a stream buffers what it generates: at most 2,000 events (oldest dropped first).
 *   After 30 minutes with no connection the buffer is deleted entirely and the stream stops buffering (events made
 *   after that are dropped) until a client connects again ("buffers for up to 30 minutes"). Buffered events older
 *   than 30 minutes also expire.
 * - Connect modes, per connection: none = live (the buffer is discarded, un-ACKed events included);
 *   `mode=resume` = the buffer, then live; `lastEventId` / `Last-Event-ID` = buffered events after that id, then
 *   live (mode ignored). An id the server never issued (or has forgotten: it remembers the last 10,000) replays the
 *   whole buffer, since losing events is worse than a duplicate.
 * - WebSocket ACK `{"type":"ack","id":ID}` settles the oldest un-ACKed event carrying exactly that id (same JSON
 *   type: a numeric id ACKed as a string does not match, is counted in `stats.unmatchedAcks`, and is ignored).
 *   An ACK settles an event for good. An event not ACKed within 60 s is auto-ACKed
 *   (also settled; it is never redelivered). When a socket closes, its un-ACKed events (and any queued but unsent)
 *   go back to the buffer in their original order, before newer ones, and are redelivered on resume/lastEventId.
 *   Invalid client frames are logged and ignored; ACKs for unknown ids are ignored. A client frame over 1 MiB closes
 *   the socket with 1009 (message too big) like any `ws` server; its un-ACKed events go back to the buffer.
 * - SSE has no ACKs (at-least-once): an event written to the response counts as delivered, and the server keeps the
 *   last 2,000 sent events (30 minutes) so a `Last-Event-ID` older than what was sent replays them.
 *
 * Credits, per key: 2 per event sent, 4 per started 5-second connected interval (charged at connect and every 5 s
 * after). Quotas are totals (`quota` credits in all, default unlimited). When the quota cannot cover the next charge
 * the server sends `quota_exceeded` `{remaining: 0, eventCount}` (eventCount = data events sent on this connection),
 * then closes: WebSocket with 1008 `QUOTA_EXCEEDED`, SSE by ending the response. An event that could not be paid
 * for is not sent; it goes back to the buffer like any unsent event. A connect with an exhausted quota is accepted,
 * gets `connected`, then the same message and close.
 *
 * Time: every timer (heartbeat, auto-ACK, buffer retention, billing, generation) runs on the injected Clock, so
 * tests step a FakeClock. Generation runs on a 100 ms tick at `ratePerSec` (fractions carry over between ticks).
 */
import * as http from 'http';
import type { Duplex } from 'stream';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { systemClock } from '../core/clock';
import type { Clock, TimerHandle } from '../core/clock';
import { nullLogger } from '../core/logger';
import type { Logger } from '../core/logger';
import { createSuiGenerator } from './suiGenerator';
import type { SuiGenerator } from './suiGenerator';

/** The key the local server always accepts (unlimited credits unless {@link WarpServer.setQuota} says otherwise). */
export const DEMO_KEY = 'indr_demo_local';

/** Maximum events a stream buffers while no client is connected. */
export const BUFFER_MAX_EVENTS = 2_000;
/** How long a stream keeps buffering with no connection, and the maximum age of a buffered event (30 min). */
export const BUFFER_RETENTION_MS = 30 * 60_000;
/** An event not ACKed within this time is auto-ACKed. */
export const AUTO_ACK_MS = 60_000;
/** Credits charged per event sent. */
export const CREDITS_PER_EVENT = 2;
/** Credits charged per started connected interval. */
export const CREDITS_PER_INTERVAL = 4;
/** Length of a billed connected interval. */
export const BILLING_INTERVAL_MS = 5_000;
/** Generation tick. */
export const GENERATION_TICK_MS = 100;
/** Largest client frame accepted (an ACK is ~100 bytes); a bigger one closes the socket with 1009, as `ws` does. */
export const CLIENT_FRAME_MAX_BYTES = 1024 * 1024;
/** Sent events kept per stream for SSE `Last-Event-ID` replays. */
const SSE_HISTORY_MAX = 2_000;
/** Event ids remembered per stream for resolving `lastEventId`. */
const ID_MEMORY_MAX = 10_000;

/** One stream the server serves. */
export interface WarpStreamConfig {
  /** Stream id as used in the URL path. */
  id: string;
  /** subscriptionType: what it emits; 'mixed' (simulator extension for the demo) emits all four kinds */
  type: 'event' | 'address' | 'coin' | 'object' | 'mixed';
  /** events generated per second by the clock (default 0 = only via emit()) */
  ratePerSec?: number;
  /** Shown in `connected` as eventType, e.g. '0x2::coin::Transfer'; for type 'event' every event has this type. */
  eventType?: string;
  /** Message ids of this stream (default: the server's {@link WarpServerOptions.ids}). */
  ids?: 'checkpoint' | 'granular';
}

/** Options for {@link WarpServer}. */
export interface WarpServerOptions {
  /** Interface to bind; default '127.0.0.1' (never anything else by default). */
  host?: string;
  /** Port; default 0 (any free port). */
  port?: number;
  /** Every timer (heartbeat, auto-ack, buffer retention, billing, generation) uses it; default the system clock. */
  clock?: Clock;
  /** Deterministic generator seed (default 1). */
  seed?: number;
  /** Heartbeat interval in ms (default 5000). */
  heartbeatMs?: number;
  /** Accepted keys with an optional total credit quota (default unlimited). DEMO_KEY is always accepted. */
  keys?: Array<{ key: string; quota?: number }>;
  /** Streams to serve from the start. */
  streams?: WarpStreamConfig[];
  /** Where the server logs (keys are redacted by the logger). */
  logger?: Logger;
  /** Message ids: `checkpoint` (default: the checkpoint number, shared by its events) or `granular` (one per event). */
  ids?: 'checkpoint' | 'granular';
  /** `lastEventId` naming a shared id replays after the last event carrying it (default) or after the first. */
  sharedIdResume?: 'after-last' | 'after-first';
  /** Called for every accepted connection with how it asked to start (tests check the cursors clients send). */
  onSession?: (info: WarpSessionInfo) => void;
}

/** How one accepted connection asked to start. */
export interface WarpSessionInfo {
  stream: string;
  protocol: 'websocket' | 'sse';
  /** `mode` query parameter, if any. */
  mode: string | null;
  /** `lastEventId` query parameter (WebSocket) or `Last-Event-ID` header (SSE), if any. */
  lastEventId?: string;
  /** Whether the server knew that id (else it replays its whole buffer). */
  knownId?: boolean;
}

/** One message as written on the wire (the WebSocket envelope; SSE carries the same three fields). */
export interface WarpWireEvent {
  /** A checkpoint number (shared by its events) or a granular string id. */
  id: string | number;
  event: string;
  data: object;
}

/** Per-stream counters returned by {@link WarpServer.stats}. */
export interface WarpStreamStats {
  /** Data events written to clients (replays and redeliveries included). */
  sent: number;
  /** Events ACKed by a client. */
  acked: number;
  /** Events auto-ACKed after 60 s without an ACK. */
  autoAcked: number;
  /** Events waiting in the buffer now. */
  buffered: number;
  /** Connections accepted so far. */
  connections: number;
  /** Whether a client is connected now. */
  connected: boolean;
  /** Sends of an event that had been sent before (un-ACKed, returned to the buffer, sent again). */
  redelivered: number;
  /** ACKs that matched no un-ACKed event (unknown id, or the id with another JSON type: "22" for 22). */
  unmatchedAcks: number;
}

interface StoredEvent {
  wire: WarpWireEvent;
  /** Frozen JSON of `wire` (WebSocket frame body). */
  json: string;
  seq: number;
  createdAt: number;
  /** Times it was written to a client. */
  sends: number;
  /** The SSE block, built on first SSE send. */
  sse?: string;
}

type Outgoing =
  | { kind: 'control'; event: string; data: object }
  | { kind: 'event'; ev: StoredEvent }
  | { kind: 'raw'; data: string | Buffer; binary: boolean };

interface Conn {
  connId: string;
  protocol: 'websocket' | 'sse';
  key: string;
  ws?: WebSocket;
  res?: http.ServerResponse;
  outbox: Outgoing[];
  /** WebSocket: sent, not yet ACKed, in send order, by seq (ids may be shared). */
  inflight: Map<number, { ev: StoredEvent; sentAt: number }>;
  eventCount: number;
  open: boolean;
  /** False once the server decided to drop the socket: frames still arriving are not read. */
  reading: boolean;
  heartbeat?: TimerHandle;
  billing?: TimerHandle;
  autoAck?: TimerHandle;
}

interface StreamState {
  cfg: WarpStreamConfig;
  gen: SuiGenerator;
  subscriptionId: string;
  buffer: StoredEvent[];
  /** False after 30 minutes without a connection, until the next connect. */
  buffering: boolean;
  retention?: TimerHandle;
  conn?: Conn;
  /** SSE: recently sent events (for Last-Event-ID replays). */
  sseHistory: StoredEvent[];
  /** id (text) -> seq of the event `lastEventId` resumes after, over the last ID_MEMORY_MAX generated events;
   * idRing[seq % ID_MEMORY_MAX] holds their ids. */
  idToSeq: Map<string, number>;
  idRing: Array<string | undefined>;
  genTimer?: TimerHandle;
  /** Generation ticks since generation (re)started, and events generated by them. */
  genTicks: number;
  genEmitted: number;
  /** faults */
  dropAfter?: number;
  stalled: boolean;
  rejects: Array<{ status: number; left: number }>;
  /** Callers of whenDisconnected waiting for the current connection to end. */
  idleWaiters: Array<() => void>;
  stats: Omit<WarpStreamStats, 'buffered' | 'connected'>;
}

interface KeyAccount {
  quota: number | undefined;
  used: number;
}

class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STATUS_TEXT = (status: number) => http.STATUS_CODES[status] ?? 'Error';

/**
 * The local Warp server. Construct, `await start()`, connect to `baseUrl`, `await stop()`.
 * Not safe to `start()` twice.
 */
export class WarpServer {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly host: string;
  private readonly wantedPort: number;
  private readonly seed: number;
  private readonly heartbeatMs: number;
  private readonly ids: 'checkpoint' | 'granular';
  private readonly sharedIdResume: 'after-last' | 'after-first';
  private readonly onSession: ((info: WarpSessionInfo) => void) | undefined;
  private readonly accounts = new Map<string, KeyAccount>();
  private readonly streams = new Map<string, StreamState>();
  private readonly http: http.Server;
  private readonly wss: WebSocketServer;
  private connCounter = 0;
  private started = false;
  private boundPort = 0;

  /** Fault injection for tests of clients (reconnect, liveness, robustness). */
  readonly faults: {
    /** Abruptly terminate the socket after sending n more events (n = 0: now, or right after the next connect). */
    dropAfter(streamId: string, n: number): void;
    /** Terminate right after sending the next event (its ACK is never read). */
    dropBeforeAck(streamId: string): void;
    /** While on, send nothing at all: no events, no heartbeats, no pongs (events queue up and flow when off). */
    stall(streamId: string, on: boolean): void;
    /** Write a raw frame (WebSocket text or binary frame; SSE raw bytes) to the connected client now. Throws when none. */
    sendRaw(streamId: string, data: string | Buffer, binary?: boolean): void;
    /** The next `times` (default 1) connect attempts to the stream are answered with HTTP `status`. */
    rejectNext(streamId: string, status: number, times?: number): void;
  };

  constructor(opts: WarpServerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = (opts.logger ?? nullLogger).child('warp-sim');
    this.host = opts.host ?? '127.0.0.1';
    this.wantedPort = opts.port ?? 0;
    this.seed = opts.seed ?? 1;
    this.heartbeatMs = opts.heartbeatMs ?? 5_000;
    this.ids = opts.ids ?? 'checkpoint';
    this.sharedIdResume = opts.sharedIdResume ?? 'after-last';
    this.onSession = opts.onSession;
    this.accounts.set(DEMO_KEY, { quota: undefined, used: 0 });
    for (const k of opts.keys ?? []) this.accounts.set(k.key, { quota: k.quota, used: 0 });
    this.http = http.createServer((req, res) => this.onRequest(req, res));
    this.wss = new WebSocketServer({ noServer: true, autoPong: false, perMessageDeflate: false, maxPayload: CLIENT_FRAME_MAX_BYTES });
    this.http.on('upgrade', (req, socket, head) => this.onUpgrade(req, socket, head));
    this.http.on('clientError', (err, socket) => {
      this.log.debug(`client error: ${err.message}`);
      socket.destroy();
    });
    for (const s of opts.streams ?? []) this.addStream(s);
    this.faults = {
      dropAfter: (id, n) => {
        const s = this.stream(id);
        s.dropAfter = Math.max(0, Math.floor(n));
        if (s.dropAfter === 0 && s.conn) this.terminate(s, s.conn, 'fault dropAfter(0)');
      },
      dropBeforeAck: (id) => {
        this.stream(id).dropAfter = 1;
      },
      stall: (id, on) => {
        const s = this.stream(id);
        s.stalled = on;
        this.log.info(`stream ${id}: stall ${on ? 'on' : 'off'}`);
        if (!on && s.conn) this.flush(s, s.conn);
      },
      sendRaw: (id, data, binary = false) => {
        const s = this.stream(id);
        if (!s.conn || !s.conn.open) throw new Error(`sendRaw: no client connected to stream "${id}"`);
        s.conn.outbox.push({ kind: 'raw', data, binary });
        this.flush(s, s.conn);
      },
      rejectNext: (id, status, times = 1) => {
        this.stream(id).rejects.push({ status, left: Math.max(1, Math.floor(times)) });
      },
    };
  }

  /** The bound port (0 before {@link start}). */
  get port(): number {
    return this.boundPort;
  }

  /** `http://HOST:PORT`; WebSocket at `ws://HOST:PORT/v1/warp/{id}/ws`, SSE at `http://HOST:PORT/v1/warp/{id}/stream`. */
  get baseUrl(): string {
    const host = this.host.includes(':') ? `[${this.host}]` : this.host;
    return `http://${host}:${this.boundPort}`;
  }

  /** Starts listening and starts generation for streams with a rate. */
  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.http.once('error', onError);
      this.http.listen(this.wantedPort, this.host, () => {
        this.http.off('error', onError);
        resolve();
      });
    });
    const addr = this.http.address();
    this.boundPort = typeof addr === 'object' && addr ? addr.port : this.wantedPort;
    this.started = true;
    for (const s of this.streams.values()) this.startGeneration(s);
    this.log.info(`listening on ${this.baseUrl}`);
  }

  /** Closes every socket and the listener; cancels every timer. */
  async stop(): Promise<void> {
    this.started = false;
    for (const s of this.streams.values()) {
      this.clock.clearTimeout(s.genTimer);
      s.genTimer = undefined;
      if (s.conn) this.terminate(s, s.conn, 'server stopping');
      this.clock.clearTimeout(s.retention);
      s.retention = undefined;
    }
    for (const c of this.wss.clients) c.terminate();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
    if (this.http.listening) {
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      this.http.closeAllConnections();
      await closed;
    }
  }

  /**
   * Adds a stream, or changes the rate of an existing one (same id, type and eventType; anything else throws).
   * Generation starts at once if the server is running. Ids: letters, digits, `.`, `_`, `~`, `-`.
   */
  addStream(cfg: WarpStreamConfig): void {
    if (!/^[A-Za-z0-9._~-]+$/.test(cfg.id)) throw new Error(`invalid stream id "${cfg.id}" (letters, digits, . _ ~ - only)`);
    const old = this.streams.get(cfg.id);
    if (old) {
      if (old.cfg.type !== cfg.type || old.cfg.eventType !== cfg.eventType) {
        throw new Error(`stream "${cfg.id}" exists with another type or eventType; only ratePerSec can change`);
      }
      old.cfg = { ...cfg };
      this.clock.clearTimeout(old.genTimer);
      old.genTimer = undefined;
      if (this.started) this.startGeneration(old);
      return;
    }
    const s: StreamState = {
      cfg: { ...cfg },
      gen: createSuiGenerator({
        seed: this.seed,
        salt: cfg.id,
        clock: this.clock,
        kind: cfg.type,
        ids: cfg.ids ?? this.ids,
        ...(cfg.eventType !== undefined ? { eventType: cfg.eventType } : {}),
      }),
      subscriptionId: `sub_${cfg.id}`,
      buffer: [],
      buffering: true,
      sseHistory: [],
      idToSeq: new Map(),
      idRing: new Array<string | undefined>(ID_MEMORY_MAX),
      genTicks: 0,
      genEmitted: 0,
      stalled: false,
      rejects: [],
      idleWaiters: [],
      stats: { sent: 0, acked: 0, autoAcked: 0, connections: 0, redelivered: 0, unmatchedAcks: 0 },
    };
    this.streams.set(cfg.id, s);
    this.armRetention(s);
    if (this.started) this.startGeneration(s);
  }

  /** Sets the total credit quota of `key` (registering the key if new). Credits already used stay used. */
  setQuota(key: string, credits: number): void {
    const acc = this.accounts.get(key);
    if (acc) acc.quota = credits;
    else this.accounts.set(key, { quota: credits, used: 0 });
  }

  /** Credits used by `key` and what is left (undefined = unlimited). Unknown keys read as 0 used, 0 left. */
  credits(key: string): { used: number; remaining: number | undefined } {
    const acc = this.accounts.get(key);
    if (!acc) return { used: 0, remaining: 0 };
    return { used: acc.used, remaining: acc.quota === undefined ? undefined : Math.max(0, acc.quota - acc.used) };
  }

  /** Generate n events now (deterministic), deliver or buffer them; returns them as sent on the wire */
  emit(streamId: string, n = 1): WarpWireEvent[] {
    const s = this.stream(streamId);
    const out: WarpWireEvent[] = [];
    for (let i = 0; i < n; i++) out.push(this.generateOne(s).wire);
    if (s.conn) this.flush(s, s.conn);
    return out;
  }

  /**
   * Resolves once no client is connected to the stream (at once when none is). Lets a test wait until the server
   * has noticed a disconnect (and returned un-ACKed events to the buffer) without sleeping.
   */
  whenDisconnected(streamId: string): Promise<void> {
    const s = this.stream(streamId);
    if (!s.conn) return Promise.resolve();
    return new Promise((resolve) => s.idleWaiters.push(resolve));
  }

  /** Counters for one stream. Throws for an unknown stream. */
  stats(streamId: string): WarpStreamStats {
    const s = this.stream(streamId);
    this.expireOld(s);
    return { ...s.stats, buffered: s.buffer.length, connected: !!s.conn };
  }

  // ---------------------------------------------------------------------------------------------------- streams

  private stream(id: string): StreamState {
    const s = this.streams.get(id);
    if (!s) throw new Error(`unknown stream "${id}"`);
    return s;
  }

  private startGeneration(s: StreamState): void {
    const rate = s.cfg.ratePerSec ?? 0;
    if (!(rate > 0) || s.genTimer) return;
    s.genTicks = 0;
    s.genEmitted = 0;
    const tick = () => {
      s.genTimer = undefined;
      if (!this.started) return;
      // integer bookkeeping, so 3/s is exactly 3 per 10 ticks (no floating-point drift)
      s.genTicks++;
      const due = Math.floor((rate * s.genTicks * GENERATION_TICK_MS) / 1000 + 1e-9);
      const n = due - s.genEmitted;
      s.genEmitted = due;
      if (n > 0) this.emit(s.cfg.id, n);
      s.genTimer = this.clock.setTimeout(tick, GENERATION_TICK_MS);
    };
    s.genTimer = this.clock.setTimeout(tick, GENERATION_TICK_MS);
  }

  private generateOne(s: StreamState): StoredEvent {
    const g = s.gen.next();
    const wire: WarpWireEvent = { id: g.id, event: g.event, data: g.data };
    const ev: StoredEvent = { wire, json: JSON.stringify(wire), seq: g.seq, createdAt: this.clock.now(), sends: 0 };
    // a ring of the last ID_MEMORY_MAX ids bounds the map (deleting a Map's oldest key via keys() degrades badly)
    const slot = g.seq % ID_MEMORY_MAX;
    const evicted = s.idRing[slot];
    // a shared id stays known while a later event carrying it is remembered
    if (evicted !== undefined && s.idToSeq.get(evicted) === g.seq - ID_MEMORY_MAX) s.idToSeq.delete(evicted);
    const key = String(g.id);
    s.idRing[slot] = key;
    if (this.sharedIdResume === 'after-last' || !s.idToSeq.has(key)) s.idToSeq.set(key, g.seq);
    if (s.conn) s.conn.outbox.push({ kind: 'event', ev });
    else if (s.buffering) this.pushBuffer(s, [ev]);
    return ev;
  }

  /** Adds events to the buffer keeping seq order, dropping the oldest beyond the cap. */
  private pushBuffer(s: StreamState, evs: StoredEvent[]): void {
    if (evs.length === 0) return;
    const last = s.buffer[s.buffer.length - 1];
    if (!last || evs.every((e) => e.seq > last.seq)) s.buffer.push(...evs);
    else {
      const bySeq = new Map<number, StoredEvent>();
      for (const e of s.buffer) bySeq.set(e.seq, e);
      for (const e of evs) bySeq.set(e.seq, e);
      s.buffer = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    }
    if (s.buffer.length > BUFFER_MAX_EVENTS) s.buffer.splice(0, s.buffer.length - BUFFER_MAX_EVENTS);
  }

  private expireOld(s: StreamState): void {
    const cutoff = this.clock.now() - BUFFER_RETENTION_MS;
    let i = 0;
    while (i < s.buffer.length && s.buffer[i].createdAt <= cutoff) i++;
    if (i > 0) s.buffer.splice(0, i);
    // the buffer is in seq order, not always in createdAt order (returned events): sweep the rest too
    if (s.buffer.some((e) => e.createdAt <= cutoff)) s.buffer = s.buffer.filter((e) => e.createdAt > cutoff);
    let j = 0;
    while (j < s.sseHistory.length && s.sseHistory[j].createdAt <= cutoff) j++;
    if (j > 0) s.sseHistory.splice(0, j);
  }

  /** Starts the 30-minute no-connection countdown. */
  private armRetention(s: StreamState): void {
    this.clock.clearTimeout(s.retention);
    s.retention = this.clock.setTimeout(() => {
      s.retention = undefined;
      if (s.conn) return;
      this.log.info(`stream ${s.cfg.id}: no connection for 30 min, buffer deleted (${s.buffer.length} events)`);
      s.buffer = [];
      s.buffering = false;
    }, BUFFER_RETENTION_MS);
  }

  // ---------------------------------------------------------------------------------------------------- HTTP

  private onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      if (url.pathname === '/healthz') {
        this.sendJson(res, 200, { ok: true });
        return;
      }
      const m = /^\/v1\/warp\/([^/]+)\/(stream|ws)$/.exec(url.pathname);
      if (!m) throw new HttpRefusal(404, 'not found');
      if (req.method !== 'GET') throw new HttpRefusal(405, 'method not allowed');
      if (m[2] === 'ws') throw new HttpRefusal(426, 'this endpoint needs a WebSocket upgrade');
      const key = this.sseKey(req, url);
      const s = this.admit(safeDecode(m[1]), key);
      const lastEventId = headerValue(req.headers['last-event-id']) ?? url.searchParams.get('lastEventId') ?? undefined;
      this.acceptSse(s, key as string, req, res, url.searchParams.get('mode'), lastEventId);
    } catch (err) {
      if (err instanceof HttpRefusal) this.sendJson(res, err.status, { error: err.message });
      else {
        this.log.error(`request failed: ${err instanceof Error ? err.message : String(err)}`);
        this.sendJson(res, 500, { error: 'internal error' });
      }
    }
  }

  private onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on('error', (err) => this.log.debug(`upgrade socket error: ${err.message}`));
    try {
      const url = new URL(req.url ?? '/', 'http://local');
      const m = /^\/v1\/warp\/([^/]+)\/ws$/.exec(url.pathname);
      if (!m) throw new HttpRefusal(404, 'not found');
      const key = url.searchParams.get('api_key') ?? undefined;
      const s = this.admit(safeDecode(m[1]), key);
      // reserve the stream before the (asynchronous) handshake completes, so a racing second connect gets 409
      const conn = this.newConn(s, 'websocket', key as string);
      // a handshake that fails (bad headers) never calls back: release the stream when its socket goes
      socket.once('close', () => {
        if (!conn.ws) this.onClosed(s, conn, 'handshake failed');
      });
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (s.conn !== conn) {
          ws.terminate();
          return;
        }
        conn.ws = ws;
        this.acceptWs(s, conn, url.searchParams.get('mode'), url.searchParams.get('lastEventId') ?? undefined);
      });
    } catch (err) {
      const status = err instanceof HttpRefusal ? err.status : 500;
      const message = err instanceof HttpRefusal ? err.message : 'internal error';
      if (!(err instanceof HttpRefusal)) this.log.error(`upgrade failed: ${err instanceof Error ? err.message : String(err)}`);
      const body = JSON.stringify({ error: message });
      const extra = status === 429 || status === 503 ? 'Retry-After: 1\r\n' : '';
      socket.end(
        `HTTP/1.1 ${status} ${STATUS_TEXT(status)}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}Connection: close\r\n\r\n${body}`,
      );
      socket.once('finish', () => socket.destroy());
    }
  }

  private sseKey(req: http.IncomingMessage, url: URL): string | undefined {
    const x = headerValue(req.headers['x-api-key']);
    if (x) return x;
    const auth = headerValue(req.headers.authorization);
    const bearer = auth ? /^Bearer\s+(\S+)\s*$/i.exec(auth) : null;
    if (bearer) return bearer[1];
    return url.searchParams.get('api_key') ?? undefined;
  }

  /** Key, stream, injected rejection, busy: throws an {@link HttpRefusal} or returns the stream. */
  private admit(streamId: string, key: string | undefined): StreamState {
    if (!key) throw new HttpRefusal(401, 'missing API key');
    if (!this.accounts.has(key)) throw new HttpRefusal(401, 'invalid API key');
    const s = this.streams.get(streamId);
    if (!s) throw new HttpRefusal(404, `stream not found: ${streamId}`);
    const reject = s.rejects[0];
    if (reject) {
      if (--reject.left <= 0) s.rejects.shift();
      this.log.info(`stream ${streamId}: injected rejection ${reject.status}`);
      throw new HttpRefusal(reject.status, `injected failure (${reject.status})`);
    }
    if (s.conn) throw new HttpRefusal(409, 'stream already has an active connection (1 concurrent connection per stream)');
    return s;
  }

  private sendJson(res: http.ServerResponse, status: number, body: object): void {
    const text = JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) };
    if (status === 429 || status === 503) headers['retry-after'] = '1';
    res.writeHead(status, headers);
    res.end(text);
  }

  // ---------------------------------------------------------------------------------------------------- connections

  private newConn(s: StreamState, protocol: Conn['protocol'], key: string): Conn {
    const conn: Conn = {
      connId: `conn_${(++this.connCounter).toString(36).padStart(6, '0')}`,
      protocol,
      key,
      outbox: [],
      inflight: new Map(),
      eventCount: 0,
      open: true,
      reading: true,
    };
    s.conn = conn;
    s.stats.connections++;
    this.clock.clearTimeout(s.retention);
    s.retention = undefined;
    s.buffering = true;
    return conn;
  }

  /** Queues `connected` and the replay chosen by the connect mode. */
  private startSession(s: StreamState, conn: Conn, mode: string | null, lastEventId: string | undefined): void {
    const data: Record<string, unknown> = {
      connId: conn.connId,
      subscriptionId: s.subscriptionId,
      subscriptionType: s.cfg.type,
      protocol: conn.protocol,
    };
    if (s.cfg.eventType !== undefined) data.eventType = s.cfg.eventType;
    data.heartbeatIntervalMs = this.heartbeatMs;
    conn.outbox.push({ kind: 'control', event: 'connected', data });
    if (!this.charge(conn.key, CREDITS_PER_INTERVAL)) {
      // say hello (the client learns which connection was refused), then the quota message and the close;
      // the buffer is left as it was
      this.quotaExceeded(s, conn);
      return;
    }
    this.expireOld(s);
    let replay: StoredEvent[];
    let how: string;
    if (lastEventId !== undefined && lastEventId !== '') {
      const after = s.idToSeq.get(lastEventId);
      const pool = conn.protocol === 'sse' ? mergeBySeq(s.sseHistory.slice(-SSE_HISTORY_MAX), s.buffer) : s.buffer;
      replay = after === undefined ? s.buffer.slice() : pool.filter((e) => e.seq > after);
      how = after === undefined ? `lastEventId unknown: whole buffer` : `after lastEventId`;
      this.onSession?.({ stream: s.cfg.id, protocol: conn.protocol, mode, lastEventId, knownId: after !== undefined });
    } else if (mode === 'resume') {
      replay = s.buffer.slice();
      how = 'resume';
      this.onSession?.({ stream: s.cfg.id, protocol: conn.protocol, mode });
    } else {
      replay = [];
      how = 'live';
      this.onSession?.({ stream: s.cfg.id, protocol: conn.protocol, mode });
    }
    const discarded = s.buffer.length;
    s.buffer = [];
    this.log.info(
      `stream ${s.cfg.id}: ${conn.protocol} ${conn.connId} connected (${how}: replaying ${replay.length}, buffer had ${discarded})`,
    );
    for (const ev of replay) conn.outbox.push({ kind: 'event', ev });
    this.scheduleBilling(s, conn);
    this.scheduleHeartbeat(s, conn);
    if (s.dropAfter === 0) {
      // armed while nobody was connected: say hello, then drop
      s.dropAfter = undefined;
      conn.reading = false;
      this.writeControls(conn, () => this.terminate(s, conn, 'fault dropAfter(0)'));
      conn.open = false;
      return;
    }
    this.flush(s, conn);
  }

  private acceptWs(s: StreamState, conn: Conn, mode: string | null, lastEventId: string | undefined): void {
    const ws = conn.ws as WebSocket;
    ws.on('message', (raw: RawData, isBinary: boolean) => this.onClientFrame(s, conn, raw, isBinary));
    ws.on('ping', (data: Buffer) => {
      if (!s.stalled && ws.readyState === WebSocket.OPEN) ws.pong(data);
    });
    ws.on('error', (err) => this.log.debug(`ws ${conn.connId} error: ${err.message}`));
    ws.on('close', (code, reason) => this.onClosed(s, conn, `closed ${code} ${reason.toString()}`));
    this.startSession(s, conn, mode, lastEventId);
  }

  private acceptSse(
    s: StreamState,
    key: string,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    mode: string | null,
    lastEventId: string | undefined,
  ): void {
    const conn = this.newConn(s, 'sse', key);
    conn.res = res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write('retry: 1000\n\n');
    res.on('close', () => this.onClosed(s, conn, 'response closed'));
    req.on('error', (err) => this.log.debug(`sse ${conn.connId} request error: ${err.message}`));
    res.on('error', (err) => this.log.debug(`sse ${conn.connId} response error: ${err.message}`));
    this.startSession(s, conn, mode, lastEventId);
  }

  private onClientFrame(s: StreamState, conn: Conn, raw: RawData, isBinary: boolean): void {
    if (!conn.reading) return;
    if (isBinary) {
      this.log.warn(`stream ${s.cfg.id}: ignored a binary client frame`);
      return;
    }
    let msg: unknown;
    const text = raw.toString();
    try {
      msg = JSON.parse(text);
    } catch {
      this.log.warn(`stream ${s.cfg.id}: ignored a client frame that is not JSON (${text.length} chars)`);
      return;
    }
    const m = msg as { type?: unknown; id?: unknown } | null;
    if (!m || typeof m !== 'object' || m.type !== 'ack' || (typeof m.id !== 'string' && typeof m.id !== 'number')) {
      this.log.warn(`stream ${s.cfg.id}: ignored a client frame that is not {"type":"ack","id":...}`);
      return;
    }
    // the oldest un-ACKed event carrying exactly this id (same JSON type): each ACK settles one event
    for (const [seq, f] of conn.inflight) {
      if (f.ev.wire.id === m.id) {
        conn.inflight.delete(seq);
        s.stats.acked++;
        return;
      }
    }
    s.stats.unmatchedAcks++;
    this.log.debug(`stream ${s.cfg.id}: ACK for an id not awaiting one (${JSON.stringify(m.id).slice(0, 80)})`);
  }

  /** Writes queued messages, in order, unless stalled or closed. Charges and applies faults per event. */
  private flush(s: StreamState, conn: Conn): void {
    // a socket the client already closed (its close not yet reported): keep everything queued; it all goes back
    // to the buffer when the close arrives, rather than counting as sent into a dead socket
    if (!conn.ws && !conn.res) return; // WebSocket handshake not finished yet
    if (conn.ws && conn.ws.readyState !== WebSocket.OPEN) return;
    if (conn.res && (conn.res.destroyed || conn.res.writableEnded)) return;
    // Batch the writes of one flush into as few syscalls as possible (cork until the end of this tick), and
    // consume the outbox by index (one splice at the end) instead of shifting it item by item.
    const socket = conn.ws ? (conn.ws as unknown as { _socket?: { cork(): void; uncork(): void } })._socket : conn.res;
    socket?.cork();
    let i = 0;
    try {
      while (conn.open && !s.stalled && i < conn.outbox.length) {
        const item = conn.outbox[i];
        if (item.kind === 'event') {
          if (!this.charge(conn.key, CREDITS_PER_EVENT)) {
            conn.outbox.splice(0, i);
            i = 0;
            this.quotaExceeded(s, conn);
            return;
          }
          i++;
          const ev = item.ev;
          if (ev.sends > 0) s.stats.redelivered++;
          ev.sends++;
          s.stats.sent++;
          conn.eventCount++;
          const dropping = s.dropAfter !== undefined && --s.dropAfter <= 0;
          if (dropping) {
            s.dropAfter = undefined;
            conn.reading = false;
          }
          const done = dropping ? () => this.terminate(s, conn, 'fault dropAfter') : undefined;
          if (conn.ws) {
            conn.inflight.set(ev.seq, { ev, sentAt: this.clock.now() });
            if (!conn.autoAck) this.scheduleAutoAck(s, conn);
            conn.ws.send(ev.json, done ? () => done() : undefined);
          } else if (conn.res) {
            s.sseHistory.push(ev);
            // amortized trim: drop the oldest in one splice once the history is well past its cap
            if (s.sseHistory.length > 2 * SSE_HISTORY_MAX) s.sseHistory.splice(0, s.sseHistory.length - SSE_HISTORY_MAX);
            ev.sse ??= `event: ${ev.wire.event}\nid: ${ev.wire.id}\ndata: ${JSON.stringify(ev.wire.data)}\n\n`;
            conn.res.write(ev.sse, done ? () => done() : undefined);
          }
          if (dropping) {
            // nothing more goes out on a socket we are about to kill
            conn.open = false;
            return;
          }
        } else {
          i++;
          this.write(conn, item);
        }
      }
    } finally {
      if (i > 0) conn.outbox.splice(0, i);
      if (socket) process.nextTick(() => socket.uncork());
    }
  }

  /**
   * Writes the leading control messages of the outbox now (stalled or not: used when the server itself ends the
   * connection), then calls `then` once they are handed to the socket.
   */
  private writeControls(conn: Conn, then?: () => void): void {
    const items: Outgoing[] = [];
    while (conn.outbox[0] && conn.outbox[0].kind === 'control') items.push(conn.outbox.shift() as Outgoing);
    if (items.length === 0) {
      then?.();
      return;
    }
    items.forEach((item, i) => this.write(conn, item, i === items.length - 1 ? then : undefined));
  }

  private write(conn: Conn, item: Outgoing, cb?: () => void): void {
    const done = cb ? () => cb() : undefined;
    if (item.kind === 'control') {
      if (conn.ws) conn.ws.send(JSON.stringify({ event: item.event, data: item.data }), done);
      else conn.res?.write(`event: ${item.event}\ndata: ${JSON.stringify(item.data)}\n\n`, done);
    } else if (item.kind === 'raw') {
      if (conn.ws) conn.ws.send(item.data, { binary: item.binary }, done);
      else conn.res?.write(item.data, done);
    } else {
      done?.();
    }
  }

  private charge(key: string, credits: number): boolean {
    const acc = this.accounts.get(key);
    if (!acc) return false;
    if (acc.quota !== undefined && acc.used + credits > acc.quota) return false;
    acc.used += credits;
    return true;
  }

  private quotaExceeded(s: StreamState, conn: Conn): void {
    if (!conn.open) return;
    this.log.warn(`stream ${s.cfg.id}: quota exceeded for the key, closing ${conn.connId}`);
    // the quota message goes out even while stalled (after a still-unsent `connected`): the server itself closes
    conn.outbox = conn.outbox.filter((o) => o.kind !== 'raw');
    const firstEvent = conn.outbox.findIndex((o) => o.kind !== 'control');
    const controls = firstEvent < 0 ? conn.outbox.splice(0) : conn.outbox.splice(0, firstEvent);
    conn.outbox.unshift(...controls, { kind: 'control', event: 'quota_exceeded', data: { remaining: 0, eventCount: conn.eventCount } });
    this.writeControls(conn);
    conn.open = false;
    this.stopTimers(conn);
    if (conn.ws) conn.ws.close(1008, 'QUOTA_EXCEEDED');
    else conn.res?.end();
  }

  private scheduleBilling(s: StreamState, conn: Conn): void {
    conn.billing = this.clock.setTimeout(() => {
      conn.billing = undefined;
      if (!conn.open) return;
      if (!this.charge(conn.key, CREDITS_PER_INTERVAL)) {
        this.quotaExceeded(s, conn);
        return;
      }
      this.scheduleBilling(s, conn);
    }, BILLING_INTERVAL_MS);
  }

  private scheduleHeartbeat(s: StreamState, conn: Conn): void {
    conn.heartbeat = this.clock.setTimeout(() => {
      conn.heartbeat = undefined;
      if (!conn.open) return;
      if (!s.stalled) {
        if (conn.ws && conn.ws.readyState === WebSocket.OPEN) conn.ws.ping();
        else if (conn.res) conn.res.write(': heartbeat\n\n');
      }
      this.scheduleHeartbeat(s, conn);
    }, this.heartbeatMs);
  }

  /** One timer for the oldest un-ACKed event; auto-ACKs everything due, then re-arms. */
  private scheduleAutoAck(s: StreamState, conn: Conn): void {
    const first = conn.inflight.values().next();
    if (first.done) return;
    const due = first.value.sentAt + AUTO_ACK_MS;
    conn.autoAck = this.clock.setTimeout(() => {
      conn.autoAck = undefined;
      const now = this.clock.now();
      for (const [seq, f] of conn.inflight) {
        if (f.sentAt + AUTO_ACK_MS > now) break;
        conn.inflight.delete(seq);
        s.stats.autoAcked++;
      }
      if (conn.open) this.scheduleAutoAck(s, conn);
    }, Math.max(0, due - this.clock.now()));
  }

  private stopTimers(conn: Conn): void {
    this.clock.clearTimeout(conn.heartbeat);
    this.clock.clearTimeout(conn.billing);
    conn.heartbeat = conn.billing = undefined;
  }

  /** Abrupt end (no close handshake): a network drop as the client sees it. */
  private terminate(s: StreamState, conn: Conn, why: string): void {
    this.log.info(`stream ${s.cfg.id}: terminating ${conn.connId} (${why})`);
    conn.open = false;
    conn.reading = false;
    if (conn.ws) conn.ws.terminate();
    else if (conn.res) conn.res.destroy();
    // a WebSocket still in its handshake (or already gone) reports no close: settle here as well
    this.onClosed(s, conn, why);
  }

  /** Runs once per connection when it ends: un-ACKed and unsent events go back to the buffer. */
  private onClosed(s: StreamState, conn: Conn, why: string): void {
    if (s.conn !== conn) return;
    conn.open = false;
    conn.reading = false;
    this.stopTimers(conn);
    this.clock.clearTimeout(conn.autoAck);
    conn.autoAck = undefined;
    const back: StoredEvent[] = [...[...conn.inflight.values()].map((f) => f.ev)];
    for (const o of conn.outbox) if (o.kind === 'event') back.push(o.ev);
    conn.inflight.clear();
    conn.outbox = [];
    s.conn = undefined;
    this.pushBuffer(s, back);
    this.log.info(`stream ${s.cfg.id}: ${conn.connId} ended (${why}); ${back.length} un-ACKed/unsent events back in the buffer`);
    this.armRetention(s);
    for (const w of s.idleWaiters.splice(0)) w();
  }
}

/** Percent-decodes a path segment; a malformed escape yields a name no stream has (so: 404, not 500). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return `\u0000${segment}`;
  }
}

function headerValue(v: string | string[] | undefined): string | undefined {
  if (Array.isArray(v)) return v[0];
  return v === undefined || v === '' ? undefined : v;
}

function mergeBySeq(a: StoredEvent[], b: StoredEvent[]): StoredEvent[] {
  const m = new Map<number, StoredEvent>();
  for (const e of a) m.set(e.seq, e);
  for (const e of b) m.set(e.seq, e);
  return [...m.values()].sort((x, y) => x.seq - y.seq);
}
