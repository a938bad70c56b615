/**
 * A GoldRush Streaming subscription (GraphQL over WebSocket, `graphql-transport-ws`) on the shared engine:
 * {@link BaseStream} owns state, backoff, journal and dedup; this class subscribes one GraphQL document on the
 * socket its endpoint + key share ({@link GoldRushSocketPool}).
 *
 * - Auth failures (close 4401/4403, or an `error` naming the key, also after `connection_ack`), an unknown chain,
 *   too many addresses and a rejected document stop the stream with words and never retry on their own; a rate
 *   limit waits a minute, then retries.
 * - GoldRush does not replay and has no cursor: after any drop the stream resubscribes live and its gap is
 *   `not_recoverable` with the window named ("down 12 s: events in that window are not recoverable from GoldRush").
 * - Credits: GoldRush bills per minute per subscription, not per event. {@link credits} reports that as an estimate
 *   (`estimatedGoldRush`), apart from Warp's credits.
 */
import { BaseStream, ConnectError, type BaseStreamDeps, type GapVerdict, type ResolvedMode, type TransportConnection, type TransportSink } from '../stream/baseStream';
import type { CreditSnapshot, StreamDefinition, StreamStatus } from '../stream/stream';
import { keyTransportProblem } from '../transportSecurity';
import { redact, registerSecret } from '../redact';
import { buildGoldRushRequest, GOLDRUSH_CREDITS_PER_MINUTE, GOLDRUSH_URL, type GoldRushRequest } from './goldrushQuery';
import { parseGoldRushData } from './goldrushEvent';
import { outcomeForGraphQLErrors } from './goldrushOutcome';
import { sharedGoldRushPool, type GoldRushSocketPool } from './goldrushSocket';

/** What a GoldRush stream needs beyond {@link BaseStreamDeps}. Durations in ms. */
export interface GoldRushStreamDeps extends BaseStreamDeps {
  /** The saved GoldRush key for the endpoint's host, or undefined (the stream stops with `no_key`). */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  /** Endpoint when the definition has no `baseUrl` (default {@link GOLDRUSH_URL}). */
  url?: string;
  /** Sockets shared per endpoint + key (default: one pool for the whole process). */
  pool?: GoldRushSocketPool;
  /** Ping interval (default 10,000). */
  keepAliveMs?: number;
  /** WebSocket constructor override (tests). */
  webSocketImpl?: unknown;
}

/** Minutes started in [from, to): at least one for a subscription that went live. */
export function minutesBetween(from: number, to: number): number {
  return Math.max(1, Math.ceil(Math.max(0, to - from) / 60_000));
}

/** Words for the window a reconnect missed (the gap's reason). */
export function missedWindowText(downMs: number): string {
  const s = Math.max(1, Math.round(downMs / 1000));
  const span = s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
  return `down ${span}: events in that window are not recoverable from GoldRush (it does not replay)`;
}

/** One GoldRush subscription. */
export class GoldRushStream extends BaseStream {
  private readonly deps: GoldRushStreamDeps;
  private minutesClosed = 0;
  private liveSince: number | undefined;

  constructor(definition: StreamDefinition, deps: GoldRushStreamDeps) {
    // Not Warp's per-event meter: GoldRush bills per subscription-minute (see credits()). Nothing is ever replayed.
    super(definition, deps, { billed: false, replay: 'none' });
    this.deps = deps;
  }

  /** GoldRush has no replay and no cursor: whatever was sent while down is gone, and the gap row names the window. */
  protected override reconnectVerdict(_mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
    return { continuity: 'not_recoverable', missingFrom: downAt, missingTo: resumedAt, reason: missedWindowText(resumedAt - downAt) };
  }

  /** As {@link BaseStream.status}, but the mode is always `live`: GoldRush subscribes live whatever the engine asked. */
  override status(): StreamStatus {
    const s = super.status();
    if (s.mode !== undefined) s.mode = 'live';
    return s;
  }

  /** Zero Warp credits; `estimatedGoldRush` counts 1 credit per started minute this subscription was live. */
  override credits(): CreditSnapshot {
    const snap = super.credits();
    const now = this.clock.now();
    const minutes = this.minutesClosed + (this.liveSince !== undefined ? minutesBetween(this.liveSince, now) : 0);
    snap.estimatedGoldRush = minutes * GOLDRUSH_CREDITS_PER_MINUTE;
    return snap;
  }

  protected async open(_mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> {
    const def = this.definition;
    const key = await this.deps.getKey(def);
    if (!key) throw new ConnectError({ fatal: true, reason: 'no_key', message: 'no GoldRush API key saved' });
    registerSecret(key);
    let request: GoldRushRequest;
    try {
      request = buildGoldRushRequest(def);
    } catch (err) {
      throw new ConnectError({ fatal: true, reason: 'error', message: err instanceof Error ? err.message : String(err) });
    }
    const url = def.baseUrl ?? this.deps.url ?? GOLDRUSH_URL;
    const problem = keyTransportProblem(url);
    if (problem) throw new ConnectError({ fatal: true, reason: 'refused', message: problem });
    const pool = this.deps.pool ?? sharedGoldRushPool;
    const socketOpts: Parameters<GoldRushSocketPool['acquire']>[0] = { url, key, clock: this.clock, logger: this.log };
    if (this.deps.keepAliveMs !== undefined) socketOpts.keepAliveMs = this.deps.keepAliveMs;
    if (this.deps.webSocketImpl !== undefined) socketOpts.webSocketImpl = this.deps.webSocketImpl;
    const socket = pool.acquire(socketOpts);
    const stream = def.id;
    let done = false;
    const finish = (outcome: Parameters<TransportSink['closed']>[0] & { retryAfterMs?: number }) => {
      if (done) return;
      done = true;
      this.wentDown();
      if (outcome.retryAfterMs) sink.retryHint(outcome.retryAfterMs);
      const { retryAfterMs: _ignored, ...plain } = outcome;
      sink.closed(plain);
    };
    let unsubscribe: () => void = () => undefined;
    unsubscribe = socket.subscribe(request.query, {
      opened: () => {
        if (done) return;
        sink.opened({ heartbeatMs: socket.keepAliveMs });
        this.liveSince = this.clock.now();
      },
      activity: () => sink.activity(),
      next: (payload) => {
        if (done) return;
        const receivedAt = this.clock.now();
        if (payload.errors && payload.errors.length) {
          const outcome = outcomeForGraphQLErrors(payload.errors);
          if (outcome.fatal || outcome.retryAfterMs) {
            unsubscribe();
            finish(outcome);
            return;
          }
          sink.notice('warn', outcome.message);
        }
        if (payload.data === undefined || payload.data === null) {
          if (!payload.errors || payload.errors.length === 0) sink.notice('warn', 'malformed GoldRush message: "next" without data or errors');
          return;
        }
        const result = parseGoldRushData(stream, request.kind, payload.data, receivedAt);
        for (const w of result.warnings) sink.notice('warn', w);
        for (const ev of result.events) sink.event(ev);
      },
      error: (outcome) => finish(outcome),
      complete: () => finish({ fatal: false, message: 'GoldRush ended the subscription (complete); subscribing again' }),
    });
    return {
      endpoint: `${redact(url)} ${request.kind} ${request.chainName}`,
      transport: 'graphql-ws',
      close: () => {
        unsubscribe();
        if (!done) {
          done = true;
          this.wentDown();
        }
      },
    };
  }

  /** Bookkeeping when this subscription stops being live: the estimated billed minutes. */
  private wentDown(): void {
    if (this.liveSince === undefined) return;
    const now = this.clock.now();
    this.minutesClosed += minutesBetween(this.liveSince, now);
    this.liveSince = undefined;
  }
}
