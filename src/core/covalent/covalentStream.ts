/**
 * Covalent log-event subscriptions (EVM) over STOMP on a WebSocket (`shared/seeds/000_b53a1975f5457db2.txt`,
 * protocols.md §2), on the shared engine: {@link BaseStream} owns state, backoff, journal and dedup; this class
 * opens one {@link StompSession} per connection (new socket, CONNECT, SUBSCRIBE the stream's one destination).
 *
 * - The key goes both as `?key=` on the URL and as the STOMP `login` header (empty passcode), by default.
 * - CONNECT asks `heart-beat: 10000,10000` by default (we beat every 10 s and ask the server to): a server that
 *   goes silent for 1.5x the agreed interval is declared dead and the stream reconnects. A server that declines
 *   heart-beats is named in a notice (a connection that dies silently cannot be detected then).
 * - ERROR frames, a close right after CONNECT and HTTP 4xx handshakes stop the stream ("endpoint refused the
 *   subscription: ...") and never retry on their own. Other drops retry with the engine's backoff.
 * - Covalent cannot replay: a reconnect's gap row says events sent while disconnected are lost (`not_recoverable`,
 *   with the window). A definition's `destination` may name a broker queue instead ({@link isDurableQueue}): the
 *   queue keeps what was published while down, and each message is acknowledged only after it is journaled
 *   (`client-individual`), so what was on the wire at a cut is redelivered and dropped as a duplicate if seen.
 * - Legacy: the STOMP feed is a 2022 beta with no later documentation; GoldRush Streaming is its successor. When the
 *   endpoint refuses or never answers before a first CONNECTED, the stream says so once ({@link legacyHealthText}; an unreachable host after two failures in a row).
 */
import { BaseStream, ConnectError, type BaseStreamDeps, type GapVerdict, type CloseOutcome, type ResolvedMode, type TransportConnection, type TransportSink } from '../stream/baseStream';
import { normalizeCovalent, parseCovalentBody } from './covalentEvent';
import type { JournalCodec } from '../stream/journalLine';
import { covalentDestination, covalentEndpoint, isDurableQueue, streamDestination, type DestinationFn } from './covalentDestination';
import { redact, registerSecret } from '../redact';
import { StompSession, type StompClosedInfo, type StompSessionOptions } from './stompSession';
import type { StreamDefinition } from '../stream/stream';
import { keyTransportProblem } from '../transportSecurity';

/** What a Covalent stream needs beyond {@link BaseStreamDeps}. Durations in milliseconds. */
export interface CovalentStreamDeps extends BaseStreamDeps {
  /** The saved Covalent key, or undefined (the stream stops with `no_key` unless `requireKey` is false). */
  getKey(def: StreamDefinition): Promise<string | undefined>;
  /** Maps the definition to its STOMP destination (default {@link covalentDestination}; tests swap in `rabbitMqDestination`). */
  destination?: DestinationFn;
  /** CONNECT headers for a key (default `{login: key, passcode: ''}`; a broker may want other credentials). */
  connectHeaders?: (key: string | undefined) => Record<string, string>;
  /** Stop with `no_key` when no key is saved (default true). */
  requireKey?: boolean;
  /** Our heart-beat promise (default 10,000). */
  heartbeatOutgoingMs?: number;
  /**
   * Server heart-beats we ask for, ms (default 10,000; 0 = none, as Covalent's sample, and then a silent server is
   * never declared dead). A function is read on every connect (a setting that may change).
   */
  heartbeatIncomingMs?: number | (() => number);
  /** Silence allowed as a multiple of the agreed incoming interval (default 1.5). */
  heartbeatGrace?: number;
  /** Unacknowledged messages a queue destination may have in flight (default 1,000). */
  queuePrefetch?: number;
  /** Socket factory override (tests). */
  createSocket?: StompSessionOptions['createSocket'];
}

/** MESSAGE bodies above this many characters get a warning (they are still processed). */
export const LARGE_BODY_CHARS = 1024 * 1024;

/** Server heart-beat interval asked for by default, ms. */
export const DEFAULT_SERVER_HEARTBEAT_MS = 10_000;

/** A heart-beat setting as used: a whole number of ms, 0 for none, {@link DEFAULT_SERVER_HEARTBEAT_MS} when unset or not a number; at least 1,000 when on. */
export function serverHeartbeatMs(value: number | undefined): number {
  if (value === undefined || !Number.isFinite(value)) return DEFAULT_SERVER_HEARTBEAT_MS;
  if (value <= 0) return 0;
  return Math.max(1_000, Math.round(value));
}

/** Liveness the engine applies when the server sends no heart-beats: effectively none (silence is normal then). */
const NO_SERVER_HEARTBEAT_MS = 6 * 60 * 60 * 1000;

/** Early closes in a row (right after CONNECT or SUBSCRIBE, see `StompClosedInfo.early`) that count as a refusal. */
export const EARLY_CLOSES_AS_REFUSAL = 3;

/**
 * Maps how a STOMP session ended to the engine's outcome. `earlyCloses` counts consecutive sessions (this one
 * included) that ended `early` without delivering a message.
 */
export function outcomeForStompClose(info: StompClosedInfo, earlyCloses = 0): CloseOutcome {
  if (info.kind !== 'refused') {
    if (earlyCloses >= EARLY_CLOSES_AS_REFUSAL) {
      return { fatal: true, reason: 'refused', message: `endpoint refused the subscription: ${info.message} (${earlyCloses} times in a row)` };
    }
    return { fatal: false, message: info.message };
  }
  if (info.httpStatus === 401) return { fatal: true, reason: 'invalid_key', message: `invalid API key (HTTP 401)` };
  if (info.httpStatus === 403) return { fatal: true, reason: 'forbidden', message: `API key not allowed (HTTP 403)` };
  const hint = info.httpStatus === 404 ? ' (the Covalent STOMP endpoint may have been retired)' : '';
  return { fatal: true, reason: 'refused', message: `${info.message}${hint}` };
}

/**
 * The legacy health check: words for a session that ended before its first CONNECTED because the endpoint refused
 * it or never answered, or undefined when the close says nothing about the feed itself (a drop after CONNECTED).
 */
export function legacyHealthText(info: StompClosedInfo): string | undefined {
  if (info.wasConnected) return undefined;
  let what: string;
  if (info.kind === 'refused') what = 'refused the connection';
  else if (info.kind === 'timeout') what = 'never answered (no CONNECTED frame)';
  else if (!info.opened) what = 'could not be reached';
  else return undefined;
  return `the Covalent STOMP endpoint ${what}. This feed is legacy (a 2022 beta, not documented since): for wallet activity and DEX data use GoldRush Streaming, its successor (Add Stream > GoldRush Streaming); for logs of a contract use an EVM node stream`;
}

/** A Covalent log-event stream: one STOMP subscription by contract address or by topic hash. */
export class CovalentStream extends BaseStream {
  private readonly deps: CovalentStreamDeps;
  /** Consecutive sessions that ended early (right after CONNECT or SUBSCRIBE) without a message. */
  private earlyCloses = 0;
  /** Whether the connection being opened subscribes to a queue (set in open(), read by reconnectVerdict()). */
  private queue = false;
  /** Set when the current connection's gap row already says what a reconnect lost. */
  private gapStated = false;
  /** The legacy health notice is given once per stream, not on every retry. */
  private legacyNoticeGiven = false;
  /** Consecutive sessions whose socket never opened. */
  private unreachable = 0;

  constructor(definition: StreamDefinition, deps: CovalentStreamDeps) {
    // Covalent bills per API call, not per streamed event: no credit meter.
    super(definition, deps, { billed: false, replay: 'none' });
    this.deps = deps;
  }

  /**
   * A topic subscription has no replay: everything sent between the drop and the new subscription is lost
   * (`not_recoverable`, with that window). A queue keeps what was published while down and redelivers what was
   * not acknowledged; whether it dropped anything (its own length or age limits) cannot be told (`unverified`).
   */
  /** A lean journal line holds the log item's text as received: the rest is normalized again. */
  protected override journalCodec(): JournalCodec {
    return { revive: (stream, rec) => normalizeCovalent(stream, rec.payload, rec.receivedAt) };
  }

  protected override reconnectVerdict(_mode: ResolvedMode, downAt: number, resumedAt: number): GapVerdict {
    this.gapStated = true;
    if (this.queue) {
      return { continuity: 'unverified', reason: 'the broker queue kept what was published while down and redelivers what was not acknowledged (unless its own limits dropped some)' };
    }
    return { continuity: 'not_recoverable', missingFrom: downAt, missingTo: resumedAt, reason: 'STOMP topics do not replay: log events sent while disconnected are lost' };
  }

  protected async open(mode: ResolvedMode, sink: TransportSink): Promise<TransportConnection> {
    const def = this.definition;
    let destination: string;
    let url: string;
    const key = await this.deps.getKey(def);
    if (!key && this.deps.requireKey !== false) {
      throw new ConnectError({ fatal: true, reason: 'no_key', message: 'no Covalent API key saved' });
    }
    registerSecret(key);
    try {
      destination = streamDestination(def, this.deps.destination ?? covalentDestination);
      url = covalentEndpoint(def, key);
    } catch (err) {
      throw new ConnectError({ fatal: true, reason: 'error', message: err instanceof Error ? err.message : String(err) });
    }
    const problem = key ? keyTransportProblem(url) : undefined;
    if (problem) throw new ConnectError({ fatal: true, reason: 'refused', message: problem });
    const headers = this.deps.connectHeaders ? this.deps.connectHeaders(key) : { login: key ?? '', passcode: '' };
    for (const v of Object.values(headers)) registerSecret(v);
    // Any connect that is not a brand-new live start follows a gap (a drop, a pause, a reload): Covalent cannot fill it.
    const afterGap = mode.kind !== 'live';
    const stream = def.id;
    const queue = isDurableQueue(destination);
    this.queue = queue;
    this.gapStated = false;
    const asked = this.deps.heartbeatIncomingMs;
    const askedHeartbeatMs = serverHeartbeatMs(typeof asked === 'function' ? asked() : asked);
    const options: StompSessionOptions = {
      url,
      connectHeaders: headers,
      destinations: [destination],
      clock: this.clock,
      logger: this.log,
      heartbeatIncomingMs: askedHeartbeatMs,
    };
    if (queue) {
      options.ack = 'client-individual';
      if (this.deps.queuePrefetch !== undefined) options.prefetch = this.deps.queuePrefetch;
    }
    if (this.deps.heartbeatOutgoingMs !== undefined) options.heartbeatOutgoingMs = this.deps.heartbeatOutgoingMs;
    if (this.deps.heartbeatGrace !== undefined) options.heartbeatGrace = this.deps.heartbeatGrace;
    // the session's own timeout fires just before the engine's, so "never answered" is reported in the session's words
    options.connectTimeoutMs = Math.max(1_000, (this.deps.connectTimeoutMs ?? 15_000) - 500);
    if (this.deps.createSocket) options.createSocket = this.deps.createSocket;
    const session = new StompSession(options, {
      onConnected: () => {
        const grace = session.livenessGraceMs;
        // The engine's own liveness (3x) backs up the session's (1.5x); without server heart-beats it stays out of the way.
        sink.opened({ heartbeatMs: grace > 0 ? Math.ceil(grace / (this.deps.heartbeatGrace ?? 1.5)) : NO_SERVER_HEARTBEAT_MS });
        if (askedHeartbeatMs > 0 && grace === 0) {
          sink.notice('warn', 'the endpoint sends no heart-beats: a connection that dies without closing cannot be detected');
        }
        // a start after a restart has no gap row (nothing was live before): say it here instead
        if (afterGap && !queue && !this.gapStated) sink.notice('warn', 'Covalent does not replay: log events sent while this stream was stopped were missed');
      },
      onActivity: () => sink.activity(),
      onMessage: (body, _destination, receivedAt, settle) => {
        this.earlyCloses = 0;
        if (body.length > LARGE_BODY_CHARS) sink.notice('warn', `large MESSAGE body (${(body.length / 1048576).toFixed(1)} MB)`);
        const result = parseCovalentBody(stream, body, receivedAt);
        for (const w of result.warnings) sink.notice('warn', w);
        // one settle (the queue's ACK, and the session's flow control) per MESSAGE, riding on its last event: it
        // runs once every event of the body is journaled and shown
        const events = result.events;
        const last = events.length - 1;
        for (let i = 0; i < last; i++) sink.event(events[i]!);
        if (last >= 0) sink.event(events[last]!, settle);
        // nothing usable in it: settle it now, or the broker would redeliver it forever
        else settle();
      },
      onClosed: (info) => {
        if (info.kind === 'lost' && info.early) this.earlyCloses++;
        else if (info.kind !== 'timeout') this.earlyCloses = 0;
        const legacy = legacyHealthText(info);
        // an unreachable host is first a network question (the engine's own notice says so): the legacy hint waits
        // for a second failure in a row; a refusal or silence from the endpoint itself gets it at once
        this.unreachable = !info.opened && info.kind === 'lost' ? this.unreachable + 1 : 0;
        if (legacy && !this.legacyNoticeGiven && (info.opened || info.kind !== 'lost' || this.unreachable >= 2)) {
          this.legacyNoticeGiven = true;
          sink.notice('warn', legacy);
        }
        sink.closed(outcomeForStompClose(info, this.earlyCloses));
      },
    });
    session.open();
    return {
      endpoint: `${redact(url)} ${destination}`,
      transport: 'stomp',
      close: () => session.close(),
    };
  }
}
