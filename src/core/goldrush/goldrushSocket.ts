/**
 * One graphql-ws socket per GoldRush endpoint + key, shared by every subscription made with that key
 * ({@link GoldRushSocketPool}). graphql-ws's own retry is off (`retryAttempts: 0`): when the socket drops, every
 * subscription on it ends with an outcome and each stream's engine ({@link BaseStream}) reconnects with the shared
 * backoff; the first to come back opens a new socket, the others join it.
 *
 * Liveness: the client pings every `keepAliveMs` (graphql-ws `keepAlive`); a pong, a server ping or any message
 * counts as activity; no pong within `pongTimeoutMs` of a ping terminates the socket (every subscription retries).
 * The key travels only in `connection_init` (`{ GOLDRUSH_API_KEY }`), never in the URL, and is registered for
 * redaction.
 */
import { createClient, type Client, type FormattedExecutionResult } from 'graphql-ws';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../clock';
import type { Logger } from '../logger';
import { describeError, redact, registerSecret } from '../redact';
import { outcomeForSinkError, type GoldRushOutcome } from './goldrushOutcome';
import { MAX_FRAME_BYTES } from '../frameLimits';

/**
 * The default socket for graphql-ws: `ws` with a {@link MAX_FRAME_BYTES} `maxPayload` (ws's own default is 100 MiB).
 * A larger message closes the socket with 1009 and every subscription on it reconnects.
 */
export class BoundedWebSocket extends WebSocket {
  constructor(url: string, protocols?: string | string[], maxPayload = MAX_FRAME_BYTES) {
    super(url, protocols, { maxPayload });
  }
}

/** What one subscription hears from the shared socket. Nothing is called after `error` or `complete`. */
export interface GoldRushSubscriber {
  /** The socket is acknowledged (`connection_ack`) and the subscription was sent. */
  opened(): void;
  /** One `next` payload (data and/or errors). */
  next(payload: FormattedExecutionResult<Record<string, unknown>, unknown>): void;
  /** Something arrived on the socket (pong, ping, message): it is alive. */
  activity(): void;
  /** The subscription ended with an error (GraphQL `error` message, or the socket closed). */
  error(outcome: GoldRushOutcome): void;
  /** The server sent `complete` for this subscription. */
  complete(): void;
}

/** Options of a {@link GoldRushSocket}. Durations in ms. */
export interface GoldRushSocketOptions {
  url: string;
  key: string | undefined;
  clock: Clock;
  logger: Logger;
  /** Ping interval (default 10,000). */
  keepAliveMs?: number;
  /** A ping without a pong for this long ends the socket (default 2x keepAliveMs). */
  pongTimeoutMs?: number;
  /** WebSocket constructor (default `ws`). */
  webSocketImpl?: unknown;
}

/** Default ping interval, ms. */
export const DEFAULT_KEEPALIVE_MS = 10_000;

interface Entry {
  sub: GoldRushSubscriber;
  opened: boolean;
  dispose: () => void;
}

/** A shared graphql-ws client for one endpoint and key. */
export class GoldRushSocket {
  private readonly client: Client;
  private readonly subs = new Set<Entry>();
  private acked = false;
  private pongTimer: TimerHandle | undefined;
  private closed = false;
  /** Sockets opened so far (a reconnect opens a new one on the same client). */
  connects = 0;
  readonly keepAliveMs: number;

  constructor(private readonly opts: GoldRushSocketOptions, private readonly onEmpty: () => void) {
    registerSecret(opts.key);
    this.keepAliveMs = opts.keepAliveMs ?? DEFAULT_KEEPALIVE_MS;
    const pongTimeoutMs = opts.pongTimeoutMs ?? 2 * this.keepAliveMs;
    const log = opts.logger;
    this.client = createClient({
      url: opts.url,
      webSocketImpl: opts.webSocketImpl ?? BoundedWebSocket,
      connectionParams: () => ({ GOLDRUSH_API_KEY: opts.key ?? '' }),
      lazy: true,
      lazyCloseTimeout: 0,
      retryAttempts: 0,
      shouldRetry: () => false,
      keepAlive: this.keepAliveMs,
      on: {
        connected: () => {
          this.connects++;
          this.acked = true;
          log.info(`GoldRush socket acknowledged (${this.subs.size} subscription${this.subs.size === 1 ? '' : 's'})`);
          for (const e of this.subs) this.markOpened(e);
        },
        ping: (received) => {
          if (received) this.activity();
          else {
            opts.clock.clearTimeout(this.pongTimer);
            this.pongTimer = opts.clock.setTimeout(() => {
              log.warn(`no pong from GoldRush within ${pongTimeoutMs / 1000} s: closing the socket`);
              this.client.terminate();
            }, pongTimeoutMs);
          }
        },
        pong: () => {
          opts.clock.clearTimeout(this.pongTimer);
          this.activity();
        },
        message: () => this.activity(),
        closed: (ev) => {
          this.acked = false;
          opts.clock.clearTimeout(this.pongTimer);
          const e = ev as { code?: unknown; reason?: unknown } | undefined;
          log.info(`GoldRush socket closed${typeof e?.code === 'number' ? ` (code ${e.code})` : ''}`);
        },
        error: (err) => log.debug(`GoldRush socket error: ${describeError(err)}`),
      },
    });
  }

  /** Active subscriptions on this socket. */
  get size(): number {
    return this.subs.size;
  }

  /** Subscribes `query`; returns the function that unsubscribes (sends `complete`; the last one closes the socket). */
  subscribe(query: string, sub: GoldRushSubscriber): () => void {
    const entry: Entry = { sub, opened: false, dispose: () => undefined };
    this.subs.add(entry);
    let ended = false;
    const end = () => {
      if (ended) return false;
      ended = true;
      this.subs.delete(entry);
      if (this.subs.size === 0) this.release();
      return true;
    };
    entry.dispose = this.client.subscribe<Record<string, unknown>>(
      { query },
      {
        next: (payload) => {
          if (!ended) sub.next(payload);
        },
        error: (err) => {
          if (end()) sub.error(outcomeForSinkError(err, this.opts.url));
        },
        complete: () => {
          if (end()) sub.complete();
        },
      },
    );
    // joining a socket that is already acknowledged: live once the subscribe message is out
    if (this.acked) queueMicrotask(() => this.markOpened(entry));
    return () => {
      if (!end()) return;
      try {
        entry.dispose();
      } catch (err) {
        this.opts.logger.debug(`unsubscribe failed: ${describeError(err)}`);
      }
    };
  }

  /** Closes the socket now: every subscription ends with a non-fatal outcome and retries. */
  terminate(): void {
    this.client.terminate();
  }

  /** Where it connects, for status (no key in it: the key is never in the URL). */
  get endpoint(): string {
    return redact(this.opts.url);
  }

  private markOpened(e: Entry): void {
    if (e.opened || !this.subs.has(e) || !this.acked) return;
    e.opened = true;
    e.sub.opened();
  }

  private activity(): void {
    for (const e of this.subs) e.sub.activity();
  }

  private release(): void {
    if (this.closed) return;
    this.closed = true;
    this.opts.clock.clearTimeout(this.pongTimer);
    this.onEmpty();
    void this.client.dispose();
  }
}

/**
 * Hands out one {@link GoldRushSocket} per endpoint + key. A socket leaves the pool when its last subscription
 * ends; the next subscription opens a fresh one.
 */
export class GoldRushSocketPool {
  private readonly sockets = new Map<string, GoldRushSocket>();

  /** The socket for `opts.url` + `opts.key`, created on first use. */
  acquire(opts: GoldRushSocketOptions): GoldRushSocket {
    const id = `${opts.url}\u0000${opts.key ?? ''}`;
    let s = this.sockets.get(id);
    if (!s) {
      const created: GoldRushSocket = new GoldRushSocket(opts, () => {
        if (this.sockets.get(id) === created) this.sockets.delete(id);
      });
      s = created;
      this.sockets.set(id, s);
    }
    return s;
  }

  /** Sockets currently open or opening. */
  get size(): number {
    return this.sockets.size;
  }

  /** Terminates every socket (their subscriptions end and retry). */
  terminateAll(): void {
    for (const s of this.sockets.values()) s.terminate();
  }
}

/** The pool streams share unless they are given one. */
export const sharedGoldRushPool = new GoldRushSocketPool();
