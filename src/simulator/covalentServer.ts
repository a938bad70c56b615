/**
 * A local Covalent-compatible STOMP-over-WebSocket endpoint: the demo's EVM source and the peer of the Covalent
 * client tests. (Over 500 lines on purpose: one faithful server, its frame handling and its fault injection read
 * best in one place; its log generator is the only part that could move out.) It speaks what the seed (`shared/seeds/000_b53a1975f5457db2.txt`) shows: a WebSocket at `/v1/`,
 * STOMP 1.0-1.2 (sub-protocols `v12.stomp`, `v11.stomp`, `v10.stomp`), and raw path destinations
 * `/v1/{chainId}/events/address/{address}/` and `/v1/{chainId}/events/topics/{topic0}/`.
 *
 * - CONNECT: the key is read from `?key=` on the URL or the `login` header. With `requireKey`, a missing or unknown
 *   key gets an ERROR frame ("Invalid API key") and the socket is closed.
 * - SUBSCRIBE to anything else than the two path shapes, or a chain id not in {@link covalentChains}, gets an ERROR
 *   frame and a close (as a broker refusing a destination does).
 * - MESSAGE bodies are single Covalent log items (or `{data:{items:[...]}}` wrappers with `bodyShape: 'wrapper'`),
 *   with `content-length`, each frame ended by NUL + newline. Logs are realistic: ERC-20 `Transfer`/`Approval` and
 *   Uniswap V2 `Swap`/`Sync` with `decoded` params, real mainnet token and pair addresses, deterministic from `seed`.
 * - Heart-beats: the server offers `heartbeatMs` (default 10,000) and beats at max(that, the client's ask), on the
 *   injected clock. Client heart-beats are accepted and not enforced.
 * - Test hooks: {@link CovalentServer.refuse}, `closeAfterConnect`, {@link CovalentServer.silence} (stop sending
 *   anything, as a frozen server), {@link CovalentServer.dropConnections}, {@link CovalentServer.sendRaw}.
 */
import * as http from 'http';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { systemClock } from '../core/clock';
import type { Clock, TimerHandle } from '../core/clock';
import { covalentChains } from '../core/covalent/covalentEvent';
import type { CovalentLogItem, CovalentParam } from '../core/covalent/covalentEvent';
import { nullLogger } from '../core/logger';
import type { Logger } from '../core/logger';
import { prng } from './prng';

/** The key the demo uses when `requireKey` is on and no keys are configured. */
export const COVALENT_DEMO_KEY = 'cqt_demo_local';

/** topic0 of the events the simulator emits (keccak256 of the canonical signatures). */
export const EVENT_TOPICS = {
  Transfer: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
  Approval: '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925',
  Swap: '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822',
  Sync: '0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1',
} as const;

/** A contract the simulator emits logs for. */
export interface SimContract {
  address: string;
  name: string;
  symbol: string;
  decimals: number;
  kind: 'erc20' | 'pairV2';
}

/** Real Ethereum mainnet contracts (used on every chain: the simulator does not pretend to know other chains' tokens). */
export const SIM_CONTRACTS: readonly SimContract[] = [
  { address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', name: 'USD Coin', symbol: 'USDC', decimals: 6, kind: 'erc20' },
  { address: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', name: 'Wrapped Ether', symbol: 'WETH', decimals: 18, kind: 'erc20' },
  { address: '0xdac17f958d2ee523a2206206994597c13d831ec7', name: 'Tether USD', symbol: 'USDT', decimals: 6, kind: 'erc20' },
  { address: '0x6b175474e89094c44da98b954eedeac495271d0f', name: 'Dai Stablecoin', symbol: 'DAI', decimals: 18, kind: 'erc20' },
  { address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', name: 'Uniswap V2', symbol: 'UNI-V2', decimals: 18, kind: 'pairV2' },
  { address: '0xa478c2975ab1ea89e8196811f51a7b7ade33eb11', name: 'Uniswap V2', symbol: 'UNI-V2', decimals: 18, kind: 'pairV2' },
];

/** Options; durations in milliseconds. */
export interface CovalentServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port). */
  port?: number;
  /** WebSocket path (default `/v1/`; `/v1` is accepted too). */
  path?: string;
  clock?: Clock;
  logger?: Logger;
  /** Refuse CONNECT without a valid key (default false: any key, or none, is accepted). */
  requireKey?: boolean;
  /** Accepted keys when `requireKey` (default [{@link COVALENT_DEMO_KEY}]). */
  keys?: string[];
  /** Heart-beat interval the server offers (default 10,000; 0 = never beats). */
  heartbeatMs?: number;
  /** Seed of the log generator (default 1). */
  seed?: number;
  /** `item` (default): one log item per MESSAGE; `wrapper`: `{data:{items:[item]}}`. */
  bodyShape?: 'item' | 'wrapper';
  /**
   * Close every socket right after its CONNECT, sending nothing: `true` with a clean close (1000, an endpoint that
   * refuses silently), `'abort'` by dropping the TCP connection (clients see 1006).
   */
  closeAfterConnect?: boolean | 'abort';
  /** Logs emitted per second to every subscribed destination by {@link CovalentServer.startAuto} (default 2). */
  ratePerSec?: number;
}

interface Subscription {
  id: string;
  destination: string;
}

interface Conn {
  ws: WebSocket;
  buffer: string;
  connected: boolean;
  version: string;
  subs: Subscription[];
  heartbeat?: TimerHandle;
  heartbeatMs: number;
}

interface ClientFrame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

/** Parses one client frame (text between NULs, leading EOLs already stripped). Repeated headers: first wins. */
function parseClientFrame(text: string, unescape: boolean): ClientFrame | undefined {
  const sep = text.indexOf('\n\n');
  const head = (sep >= 0 ? text.slice(0, sep) : text).replace(/\r/g, '');
  const body = sep >= 0 ? text.slice(sep + 2) : '';
  const lines = head.split('\n');
  const command = lines.shift()?.trim();
  if (!command) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i);
    let value = line.slice(i + 1);
    if (unescape) value = value.replace(/\\([\\cnr])/g, (_m, c: string) => (c === 'c' ? ':' : c === 'n' ? '\n' : c === 'r' ? '\r' : '\\'));
    if (!(key in headers)) headers[key] = value;
  }
  return { command, headers, body };
}

/** Escapes a header value for STOMP 1.1+ (`\\`, `\n`, `\r`, `:`). */
function escapeHeader(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/:/g, '\\c');
}

/** Serializes a server frame; the NUL is followed by a newline, as RabbitMQ does. */
export function stompFrame(command: string, headers: Record<string, string | number>, body = ''): string {
  let out = `${command}\n`;
  for (const [k, v] of Object.entries(headers)) out += `${k}:${escapeHeader(String(v))}\n`;
  return `${out}\n${body}\0\n`;
}

/** The parts of a Covalent destination, or undefined when it is not one. */
export function parseCovalentDestination(destination: string): { chainId: number; by: 'address' | 'topics'; value: string } | undefined {
  const m = /^\/v1\/(\d+)\/events\/(address|topics)\/(0x[0-9a-fA-F]+)\/?$/.exec(destination);
  if (!m) return undefined;
  const value = m[3].toLowerCase();
  if (m[2] === 'address' && value.length !== 42) return undefined;
  if (m[2] === 'topics' && value.length !== 66) return undefined;
  return { chainId: Number(m[1]), by: m[2] as 'address' | 'topics', value };
}


/** First block height per chain, so heights look like each chain's (rough orders of magnitude). */
const BASE_HEIGHT: Record<number, number> = { 1: 21_000_000, 137: 64_000_000, 56: 44_000_000, 8453: 22_000_000, 42161: 280_000_000, 10: 128_000_000 };

/**
 * Deterministic generator of realistic Covalent log items. Each call advances the chain: a new block every ~12 s of
 * clock time, ascending `log_offset` within a block, a fresh transaction every one to three logs.
 */
export class CovalentLogGenerator {
  private readonly rand: () => number;
  private readonly heights = new Map<number, { height: number; at: number; logOffset: number; txOffset: number; tx: string; txLogsLeft: number }>();

  constructor(
    seed: number,
    private readonly clock: Clock,
  ) {
    this.rand = prng(seed);
  }

  private hex(bytes: number): string {
    let s = '0x';
    for (let i = 0; i < bytes; i++) s += Math.floor(this.rand() * 256).toString(16).padStart(2, '0');
    return s;
  }

  private address(): string {
    return this.hex(20);
  }

  private amount(decimals: number, maxUnits: number): string {
    const units = Math.floor(this.rand() * maxUnits) + 1;
    const frac = Math.floor(this.rand() * 1_000_000);
    return (BigInt(units) * 10n ** BigInt(decimals) + (BigInt(frac) * 10n ** BigInt(decimals)) / 1_000_000n).toString();
  }

  private position(chainId: number) {
    const now = this.clock.now();
    let p = this.heights.get(chainId);
    if (!p) {
      p = { height: BASE_HEIGHT[chainId] ?? 10_000_000, at: now, logOffset: Math.floor(this.rand() * 50), txOffset: Math.floor(this.rand() * 20), tx: this.hex(32), txLogsLeft: 1 };
      this.heights.set(chainId, p);
    }
    if (now - p.at >= 12_000) {
      p.height += Math.max(1, Math.floor((now - p.at) / 12_000));
      p.at = now;
      p.logOffset = Math.floor(this.rand() * 50);
      p.txOffset = Math.floor(this.rand() * 20);
      p.txLogsLeft = 0;
    }
    if (p.txLogsLeft <= 0) {
      p.tx = this.hex(32);
      p.txOffset += 1 + Math.floor(this.rand() * 3);
      p.txLogsLeft = 1 + Math.floor(this.rand() * 3);
    }
    p.txLogsLeft--;
    const logOffset = p.logOffset++;
    return { height: p.height, txOffset: p.txOffset, logOffset, tx: p.tx };
  }

  /** One log for a destination: the watched contract's events, or events whose topic0 is the watched topic. */
  next(chainId: number, by: 'address' | 'topics', value: string): CovalentLogItem {
    let contract: SimContract;
    let event: keyof typeof EVENT_TOPICS | undefined;
    if (by === 'address') {
      contract = SIM_CONTRACTS.find((c) => c.address === value) ?? { address: value, name: 'Token', symbol: 'TKN', decimals: 18, kind: 'erc20' };
      event = contract.kind === 'pairV2' ? (this.rand() < 0.5 ? 'Swap' : 'Sync') : this.rand() < 0.85 ? 'Transfer' : 'Approval';
    } else {
      event = (Object.keys(EVENT_TOPICS) as Array<keyof typeof EVENT_TOPICS>).find((k) => EVENT_TOPICS[k] === value);
      const pool = SIM_CONTRACTS.filter((c) => (event === 'Swap' || event === 'Sync' ? c.kind === 'pairV2' : c.kind === 'erc20'));
      contract = pool[Math.floor(this.rand() * pool.length)] ?? SIM_CONTRACTS[0];
    }
    const pos = this.position(chainId);
    const item: CovalentLogItem = {
      block_signed_at: new Date(this.clock.now()).toISOString().replace('.000Z', 'Z'),
      block_height: pos.height,
      tx_offset: pos.txOffset,
      log_offset: pos.logOffset,
      tx_hash: pos.tx,
      raw_log_topics: [],
      sender_contract_decimals: contract.decimals,
      sender_name: contract.name,
      sender_contract_ticker_symbol: contract.symbol,
      sender_address: contract.address,
      sender_address_label: null,
      sender_logo_url: `https://logos.covalenthq.com/tokens/${chainId}/${contract.address}.png`,
      raw_log_data: null,
      decoded: null,
    };
    if (!event) {
      // an unknown topic: an undecoded log with that topic0 and one data word
      item.raw_log_topics = [value, `0x${'0'.repeat(24)}${this.address().slice(2)}`];
      item.raw_log_data = `0x${this.hex(32).slice(2)}`;
      return item;
    }
    const pad = (addr: string) => `0x${'0'.repeat(24)}${addr.slice(2)}`;
    const word = (dec: string) => BigInt(dec).toString(16).padStart(64, '0');
    const param = (name: string, type: string, indexed: boolean, v: unknown): CovalentParam => ({ name, type, indexed, decoded: true, value: v });
    let params: CovalentParam[];
    let signature: string;
    switch (event) {
      case 'Transfer':
      case 'Approval': {
        const a = this.address();
        const b = this.address();
        const amount = this.amount(contract.decimals, 50_000);
        const [n1, n2] = event === 'Transfer' ? ['from', 'to'] : ['owner', 'spender'];
        params = [param(n1, 'address', true, a), param(n2, 'address', true, b), param('value', 'uint256', false, amount)];
        signature = `${event}(indexed address ${n1}, indexed address ${n2}, uint256 value)`;
        item.raw_log_topics = [EVENT_TOPICS[event], pad(a), pad(b)];
        item.raw_log_data = `0x${word(amount)}`;
        break;
      }
      case 'Swap': {
        const sender = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d';
        const to = this.address();
        const buy = this.rand() < 0.5;
        const a0in = buy ? this.amount(6, 20_000) : '0';
        const a1in = buy ? '0' : this.amount(18, 8);
        const a0out = buy ? '0' : this.amount(6, 20_000);
        const a1out = buy ? this.amount(18, 8) : '0';
        params = [
          param('sender', 'address', true, sender),
          param('amount0In', 'uint256', false, a0in),
          param('amount1In', 'uint256', false, a1in),
          param('amount0Out', 'uint256', false, a0out),
          param('amount1Out', 'uint256', false, a1out),
          param('to', 'address', true, to),
        ];
        signature = 'Swap(indexed address sender, uint256 amount0In, uint256 amount1In, uint256 amount0Out, uint256 amount1Out, indexed address to)';
        item.raw_log_topics = [EVENT_TOPICS.Swap, pad(sender), pad(to)];
        item.raw_log_data = `0x${[a0in, a1in, a0out, a1out].map(word).join('')}`;
        break;
      }
      case 'Sync': {
        const r0 = this.amount(6, 40_000_000);
        const r1 = this.amount(18, 15_000);
        params = [param('reserve0', 'uint112', false, r0), param('reserve1', 'uint112', false, r1)];
        signature = 'Sync(uint112 reserve0, uint112 reserve1)';
        item.raw_log_topics = [EVENT_TOPICS.Sync];
        item.raw_log_data = `0x${word(r0)}${word(r1)}`;
        break;
      }
    }
    item.decoded = { name: event, signature, params };
    return item;
  }
}

/** The Covalent-compatible STOMP endpoint. `start()`, then connect to {@link CovalentServer.url}. */
export class CovalentServer {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly opts: CovalentServerOptions;
  private readonly generator: CovalentLogGenerator;
  private http: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private readonly conns = new Set<Conn>();
  private readonly refusals: Array<{ match: string | RegExp; message: string; how: 'error' | 'close' }> = [];
  private silent = false;
  private nextMessageId = 1;
  private autoTimer: TimerHandle | undefined;
  private subscribeWaiters: Array<{ destination: string; resolve: () => void }> = [];
  /** Every CONNECT received (for tests: key, login, heart-beat asked). */
  readonly connects: Array<{ key?: string; login?: string; heartBeat?: string; version: string }> = [];
  /** Every SUBSCRIBE received, in order. */
  readonly subscribes: string[] = [];

  constructor(options: CovalentServerOptions = {}) {
    this.opts = options;
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? nullLogger;
    this.generator = new CovalentLogGenerator(options.seed ?? 1, this.clock);
  }

  /** The listening port (after {@link start}). */
  get port(): number {
    const addr = this.http?.address();
    if (!addr || typeof addr === 'string') throw new Error('CovalentServer is not started');
    return addr.port;
  }

  /** The WebSocket URL clients connect to, e.g. `ws://127.0.0.1:41234/v1/`. */
  get url(): string {
    return `ws://${this.opts.host ?? '127.0.0.1'}:${this.port}${this.opts.path ?? '/v1/'}`;
  }

  /** Open WebSocket connections. */
  get connectionCount(): number {
    return this.conns.size;
  }

  /** Starts listening. */
  async start(): Promise<void> {
    if (this.http) return;
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found: this endpoint speaks STOMP over WebSocket at /v1/"}');
    });
    const path = (this.opts.path ?? '/v1/').replace(/\/+$/, '');
    const wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      handleProtocols: (protocols) => {
        for (const p of ['v12.stomp', 'v11.stomp', 'v10.stomp']) if (protocols.has(p)) return p;
        return false;
      },
    });
    server.on('upgrade', (req, socket, head) => {
      const u = new URL(req.url ?? '/', 'http://localhost');
      if (u.pathname.replace(/\/+$/, '') !== path) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, u.searchParams.get('key') ?? undefined));
    });
    this.http = server;
    this.wss = wss;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.log.info(`Covalent STOMP simulator on ${this.url}`);
  }

  /** Stops: closes every connection and the listener. */
  async stop(): Promise<void> {
    this.stopAuto();
    for (const c of this.conns) this.endConn(c, true);
    this.conns.clear();
    this.wss?.close();
    const server = this.http;
    this.http = undefined;
    this.wss = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /**
   * SUBSCRIBEs to destinations matching `match` are refused: with an ERROR frame carrying `message` and a close
   * (`how` = `error`, default), or with a bare close 1000 and `message` as the close reason, no ERROR frame (`close`,
   * as RabbitMQ does for a missing queue).
   */
  refuse(match: string | RegExp, message = 'Subscription refused', how: 'error' | 'close' = 'error'): void {
    this.refusals.push({ match, message, how });
  }

  /** While `on`, the server sends nothing at all (no heart-beats, no messages): a frozen peer. */
  silence(on = true): void {
    this.silent = on;
  }

  /** Terminates every connection abruptly (clients see code 1006). */
  dropConnections(): void {
    for (const c of [...this.conns]) this.endConn(c, true);
  }

  /** Subscriptions to `destination` across all connections. */
  subscriberCount(destination: string): number {
    let n = 0;
    for (const c of this.conns) for (const s of c.subs) if (s.destination === destination) n++;
    return n;
  }

  /** Resolves once some connection is subscribed to `destination` (at once if one already is). */
  whenSubscribed(destination: string): Promise<void> {
    if (this.subscriberCount(destination) > 0) return Promise.resolve();
    return new Promise((resolve) => this.subscribeWaiters.push({ destination, resolve }));
  }

  /** Generates `n` log items for `destination` (without sending them). Throws for a non-Covalent destination. */
  generate(destination: string, n: number): CovalentLogItem[] {
    const d = parseCovalentDestination(destination);
    if (!d) throw new Error(`not a Covalent destination: ${destination}`);
    const out: CovalentLogItem[] = [];
    for (let i = 0; i < n; i++) out.push(this.generator.next(d.chainId, d.by, d.value));
    return out;
  }

  /** Generates and sends `n` logs to every subscriber of `destination`. Returns the items (sent or not). */
  emit(destination: string, n: number): CovalentLogItem[] {
    const items = this.generate(destination, n);
    for (const item of items) this.publish(destination, this.opts.bodyShape === 'wrapper' ? JSON.stringify({ data: { items: [item] } }) : JSON.stringify(item));
    return items;
  }

  /**
   * Sends `body` as a MESSAGE to every subscriber of `destination`; returns the number of frames sent. Resolves
   * `written` (when given) once the last frame is handed to the OS, for callers that pace themselves.
   */
  publish(destination: string, body: string, extraHeaders: Record<string, string> = {}, written?: () => void): number {
    if (this.silent) return 0;
    let sent = 0;
    const length = Buffer.byteLength(body);
    for (const c of this.conns) {
      for (const s of c.subs) {
        if (s.destination !== destination || c.ws.readyState !== WebSocket.OPEN) continue;
        const frame = stompFrame(
          'MESSAGE',
          { subscription: s.id, 'message-id': String(this.nextMessageId++), destination, 'content-type': 'application/json', 'content-length': length, ...extraHeaders },
          body,
        );
        c.ws.send(frame, written ? () => written() : undefined);
        sent++;
      }
    }
    return sent;
  }

  /** Sends raw data (text or binary WebSocket message) to every connection: for frame edge-case tests. */
  sendRaw(data: string | Buffer): void {
    for (const c of this.conns) if (c.ws.readyState === WebSocket.OPEN) c.ws.send(data);
  }

  /** The subscription id a connection uses for `destination` (first found), for hand-built frames. */
  subscriptionId(destination: string): string | undefined {
    for (const c of this.conns) for (const s of c.subs) if (s.destination === destination) return s.id;
    return undefined;
  }

  /** Emits `ratePerSec` logs per second (default option `ratePerSec`, else 2) to every subscribed destination, on the clock. */
  startAuto(ratePerSec = this.opts.ratePerSec ?? 2): void {
    this.stopAuto();
    if (ratePerSec <= 0) return;
    const tickMs = 100;
    let carry = 0;
    const tick = () => {
      carry += (ratePerSec * tickMs) / 1000;
      const n = Math.floor(carry);
      carry -= n;
      if (n > 0) {
        const dests = new Set<string>();
        for (const c of this.conns) for (const s of c.subs) dests.add(s.destination);
        for (const d of dests) this.emit(d, n);
      }
      this.autoTimer = this.clock.setTimeout(tick, tickMs);
    };
    this.autoTimer = this.clock.setTimeout(tick, tickMs);
  }

  /** Stops {@link startAuto}. */
  stopAuto(): void {
    this.clock.clearTimeout(this.autoTimer);
    this.autoTimer = undefined;
  }

  // ---- connection handling ---------------------------------------------------------------------------------

  private accept(ws: WebSocket, queryKey: string | undefined): void {
    const conn: Conn = { ws, buffer: '', connected: false, version: '1.0', subs: [], heartbeatMs: 0 };
    this.conns.add(conn);
    ws.on('message', (data: RawData) => this.onData(conn, data, queryKey));
    ws.on('close', () => this.endConn(conn, false));
    ws.on('error', (err) => this.log.debug(`socket error: ${err.message}`));
  }

  private endConn(conn: Conn, terminate: boolean): void {
    this.clock.clearTimeout(conn.heartbeat);
    conn.heartbeat = undefined;
    conn.subs = [];
    this.conns.delete(conn);
    if (terminate && conn.ws.readyState !== WebSocket.CLOSED) conn.ws.terminate();
  }

  private onData(conn: Conn, data: RawData, queryKey: string | undefined): void {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data as ArrayBuffer).toString('utf8');
    conn.buffer += text;
    for (;;) {
      const nul = conn.buffer.indexOf('\0');
      if (nul < 0) break;
      const raw = conn.buffer.slice(0, nul).replace(/^[\r\n]+/, '');
      conn.buffer = conn.buffer.slice(nul + 1);
      if (raw === '') continue;
      const frame = parseClientFrame(raw, conn.version !== '1.0' && conn.connected);
      if (!frame) continue;
      this.onFrame(conn, frame, queryKey);
      if (!this.conns.has(conn)) return;
    }
    // only heart-beat EOLs left: drop them
    if (/^[\r\n]*$/.test(conn.buffer)) conn.buffer = '';
  }

  private sendFrame(conn: Conn, command: string, headers: Record<string, string | number>, body = ''): void {
    if (this.silent || conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(stompFrame(command, headers, body));
  }

  private refuseConn(conn: Conn, message: string, detail: string): void {
    this.sendFrame(conn, 'ERROR', { message, 'content-type': 'text/plain', 'content-length': Buffer.byteLength(detail) }, detail);
    this.clock.clearTimeout(conn.heartbeat);
    conn.ws.close(1000);
  }

  private onFrame(conn: Conn, frame: ClientFrame, queryKey: string | undefined): void {
    switch (frame.command) {
      case 'CONNECT':
      case 'STOMP': {
        const accepted = (frame.headers['accept-version'] ?? '1.0').split(',').map((v) => v.trim());
        conn.version = accepted.includes('1.2') ? '1.2' : accepted.includes('1.1') ? '1.1' : '1.0';
        const key = queryKey || frame.headers.login || undefined;
        const record: (typeof this.connects)[number] = { version: conn.version };
        if (queryKey) record.key = queryKey;
        if (frame.headers.login !== undefined) record.login = frame.headers.login;
        if (frame.headers['heart-beat'] !== undefined) record.heartBeat = frame.headers['heart-beat'];
        this.connects.push(record);
        if (this.opts.closeAfterConnect) {
          if (this.opts.closeAfterConnect === 'abort') this.endConn(conn, true);
          else conn.ws.close(1000);
          return;
        }
        if (this.opts.requireKey) {
          const keys = this.opts.keys ?? [COVALENT_DEMO_KEY];
          if (!key || !keys.includes(key)) {
            this.refuseConn(conn, 'Invalid API key', 'A valid API key is required (?key= or login header).');
            return;
          }
        }
        // heart-beat: cx,cy = the client beats every cx ms, wants ours every cy ms
        const cy = parseInt((frame.headers['heart-beat'] ?? '0,0').split(',')[1] ?? '0', 10) || 0;
        const sx = conn.version === '1.0' ? 0 : (this.opts.heartbeatMs ?? 10_000);
        conn.connected = true;
        this.sendFrame(conn, 'CONNECTED', { version: conn.version, 'heart-beat': `${sx},10000`, server: 'ChainWatchCovalentSim/1.0', session: `sim-${this.connects.length}` });
        if (sx > 0 && cy > 0) this.startHeartbeat(conn, Math.max(sx, cy));
        return;
      }
      case 'SUBSCRIBE': {
        if (!conn.connected) return this.refuseConn(conn, 'Not connected', 'Send CONNECT first.');
        const destination = frame.headers.destination ?? '';
        const id = frame.headers.id ?? `sub-${conn.subs.length}`;
        this.subscribes.push(destination);
        const refusal = this.refusals.find((r) => (typeof r.match === 'string' ? r.match === destination : r.match.test(destination)));
        if (refusal && refusal.how === 'close') {
          conn.ws.close(1000, refusal.message);
          return;
        }
        if (refusal) return this.refuseConn(conn, refusal.message, `Subscription to ${destination} refused.`);
        const parsed = parseCovalentDestination(destination);
        if (!parsed) return this.refuseConn(conn, 'Invalid destination', `'${destination}' is not /v1/{chainId}/events/address/{address}/ or /v1/{chainId}/events/topics/{topic}/.`);
        if (!(parsed.chainId in covalentChains)) return this.refuseConn(conn, 'Unsupported chain', `Chain ${parsed.chainId} is not supported.`);
        conn.subs.push({ id, destination });
        if (frame.headers.receipt) this.sendFrame(conn, 'RECEIPT', { 'receipt-id': frame.headers.receipt });
        const ready = this.subscribeWaiters.filter((w) => w.destination === destination);
        this.subscribeWaiters = this.subscribeWaiters.filter((w) => w.destination !== destination);
        for (const w of ready) w.resolve();
        return;
      }
      case 'UNSUBSCRIBE':
        conn.subs = conn.subs.filter((s) => s.id !== frame.headers.id);
        return;
      case 'DISCONNECT':
        if (frame.headers.receipt) this.sendFrame(conn, 'RECEIPT', { 'receipt-id': frame.headers.receipt });
        conn.ws.close(1000);
        return;
      case 'SEND': {
        // lets a test or a second client publish through the simulator, like a broker
        const destination = frame.headers.destination ?? '';
        this.publish(destination, frame.body);
        return;
      }
      default:
        this.log.debug(`ignoring ${frame.command.slice(0, 20)} frame`);
    }
  }

  private startHeartbeat(conn: Conn, everyMs: number): void {
    conn.heartbeatMs = everyMs;
    const beat = () => {
      if (!this.conns.has(conn)) return;
      if (!this.silent && conn.ws.readyState === WebSocket.OPEN) conn.ws.send('\n');
      conn.heartbeat = this.clock.setTimeout(beat, everyMs);
    };
    conn.heartbeat = this.clock.setTimeout(beat, everyMs);
  }
}
