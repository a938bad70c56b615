/**
 * One STOMP-over-WebSocket connection attempt (CONNECT, SUBSCRIBE every destination, MESSAGE bodies out), built on
 * `@stomp/stompjs` over `ws`. The library runs the protocol (CONNECT, SUBSCRIBE, ACK, outgoing heart-beats) and
 * reads every frame but MESSAGE, which the session cuts from the received bytes itself (repeated headers, bodies
 * split across WebSocket messages); this class adds what a stream needs on top: liveness on an injected {@link Clock}, and a single
 * classified close ({@link StompCloseKind}) so the owner can tell "retry with backoff" from "the endpoint refused".
 * A session never reconnects by itself: the owner creates a new one (new socket, CONNECT, re-SUBSCRIBE).
 * Its pieces: the socket the library sees and the frame-size bound (stompSocket), the frame splitter (stompFrames),
 * heart-beat negotiation and the watchdog (stompHeartbeat), and how a socket close is read (stompClose).
 */
import { Client } from '@stomp/stompjs';
import type { IFrame, IStompSocket } from '@stomp/stompjs';
import WebSocket from 'ws';
import type { Clock, TimerHandle } from '../clock';
import { systemClock } from '../clock';
import type { Logger } from '../logger';
import { nullLogger } from '../logger';
import { describeError, redact } from '../redact';
import { MAX_FRAME_BYTES, frameTooLargeMessage } from '../frameLimits';
import { classifySocketClose, describeErrorFrame } from './stompClose';
import { StompFrameSplitter, type MessageHeaders } from './stompFrames';
import { livenessGraceMs, StompWatchdog } from './stompHeartbeat';
import { bytesAfterLastNul, defaultStompSocket, inertSocket, libraryStandIn } from './stompSocket';

/** The pieces a session is made of, exported from here as before (the covalent stream and the tests use them). */
export { describeErrorFrame, transientCloseCodes } from './stompClose';
export { bytesAfterLastNul, defaultStompSocket } from './stompSocket';

/** STOMP versions offered as WebSocket sub-protocols, newest first. */
export const stompSubProtocols = ['v12.stomp', 'v11.stomp', 'v10.stomp'];

/**
 * How a session ended:
 * - `closed`: {@link StompSession.close} was called (never reported through `onClosed`).
 * - `lost`: the socket failed or closed after a healthy start, or could not be opened (retry with backoff).
 * - `heartbeat`: nothing (no frame, no heart-beat) arrived within the grace period; the socket was dropped (retry).
 * - `timeout`: no CONNECTED frame within `connectTimeoutMs` (retry).
 * - `refused`: an ERROR frame, a clean close right after CONNECT, or an HTTP 4xx on the handshake (do not retry).
 *   An abnormal close right after CONNECT (see `transientCloseCodes`), or any close right after SUBSCRIBE
 *   before a message, is `lost` with `early` set: the owner may treat repeats as a refusal.
 */
export type StompCloseKind = 'closed' | 'lost' | 'heartbeat' | 'timeout' | 'refused';

/** Reported once per session through {@link StompSessionHandlers.onClosed}. */
export interface StompClosedInfo {
  kind: StompCloseKind;
  /** Readable, redacted; for `refused` it starts with "endpoint refused the subscription". */
  message: string;
  /** WebSocket close code when the socket closed (1006 = abnormal). */
  code?: number;
  /** HTTP status when the WebSocket handshake was answered with one. */
  httpStatus?: number;
  /** Whether the CONNECTED frame had arrived. */
  wasConnected: boolean;
  /** Whether the WebSocket handshake had completed. */
  opened: boolean;
  /**
   * A `lost` close soon after the handshake: before CONNECTED (abnormal code), or within `earlyCloseWindowMs` of
   * SUBSCRIBE with no message yet. One can be a broker restarting; several in a row look like a refusal.
   */
  early: boolean;
  /** Clock time the close was decided (ms). */
  at: number;
  /** Clock time anything was last received (ms), if ever. */
  lastActivityAt?: number;
}

/** What the session reports. Handlers run synchronously; a throwing handler is logged, never fatal. */
export interface StompSessionHandlers {
  /** CONNECTED arrived and every destination has been subscribed. */
  onConnected?(info: { version?: string; server?: string; heartBeat?: string; at: number }): void;
  /** Anything arrived on the socket (a frame, part of one, or a heart-beat). */
  onActivity?(): void;
  /**
   * One MESSAGE body (decoded as UTF-8) on a subscribed destination. Call `settle` once, when the message is
   * safely processed (journaled): with `ack: 'client-individual'` it acknowledges the message (one never
   * acknowledged is redelivered after a reconnect); in every mode it counts the message as processed for the
   * session's flow control ({@link StompSessionOptions.maxUnsettled}).
   */
  onMessage(body: string, destination: string, receivedAt: number, settle: () => void): void;
  /** The session is over (not called after {@link StompSession.close}). */
  onClosed(info: StompClosedInfo): void;
}

/** Options of one session. Durations in milliseconds. */
export interface StompSessionOptions {
  /** WebSocket URL; may carry a key (`?key=`): it is redacted in every message. */
  url: string;
  /** Extra CONNECT headers, e.g. `{login: key, passcode: ''}`. */
  connectHeaders?: Record<string, string>;
  /** Destinations to SUBSCRIBE after CONNECTED, in order. */
  destinations: readonly string[];
  /**
   * Acknowledgement mode of every subscription (default `auto`: the broker forgets a message once sent).
   * `client-individual`: each message is acknowledged by the `ack` callback of `onMessage`, so what was in flight
   * at a cut is redelivered (brokers with queues, e.g. RabbitMQ `/queue/`).
   */
  ack?: 'auto' | 'client-individual';
  /** With `client-individual`: messages the broker may send before they are acknowledged (default 1,000; RabbitMQ `prefetch-count`). */
  prefetch?: number;
  /** How often we promise to send heart-beats (default 10,000; 0 = never). */
  heartbeatOutgoingMs?: number;
  /** How often we ask the server to send heart-beats (default 0 = none, as Covalent's sample). */
  heartbeatIncomingMs?: number;
  /** Silence allowed, as a multiple of the agreed incoming heart-beat interval, before the connection is declared dead (default 1.5). */
  heartbeatGrace?: number;
  /** Time allowed from opening the socket to CONNECTED (default 15,000). */
  connectTimeoutMs?: number;
  /** A close this soon after SUBSCRIBE, before any message, is reported as `early` (default 2,000). */
  earlyCloseWindowMs?: number;
  clock?: Clock;
  logger?: Logger;
  /** Opens the socket (default: `ws` with the STOMP sub-protocols and `perMessageDeflate: false`). */
  createSocket?: (url: string, protocols: string[]) => WebSocket;
  /**
   * Messages handed to `onMessage` and not yet settled at most (default {@link DEFAULT_MAX_UNSETTLED}): past that the
   * session stops reading its socket until half of them are settled, so a consumer that falls behind slows the
   * broker (TCP backpressure) instead of buffering without bound. The time spent paused never counts as silence.
   */
  maxUnsettled?: number;
  /**
   * Largest STOMP frame, in bytes (default {@link MAX_FRAME_BYTES}): a frame still without its NUL terminator past
   * this size ends the session as `lost` with words. The default socket's `maxPayload` is the same.
   */
  maxFrameBytes?: number;
}

/** Unsettled messages a session lets through before it pauses its socket (see {@link StompSessionOptions.maxUnsettled}). */
export const DEFAULT_MAX_UNSETTLED = 500;

/** One STOMP connection. Create, {@link open}, and wait for `onClosed`; create a new one to reconnect. */
export class StompSession {
  private readonly clock: Clock;
  private readonly log: Logger;
  private client: Client | undefined;
  private socket: WebSocket | undefined;
  private opened = false;
  private connected = false;
  private finished = false;
  private lastSocketError: string | undefined;
  /** The socket error before it opened (refused, not found, TLS), for the words of a failed connect. */
  private connectError: Error | undefined;
  private connectTimer: TimerHandle | undefined;
  private readonly watchdog: StompWatchdog;
  private closeTimer: TimerHandle | undefined;
  private activityAt: number | undefined;
  private graceMs = 0;
  private messages = 0;
  private subscribedAt: number | undefined;
  private early = false;
  private splitter: StompFrameSplitter | undefined;
  /** Messages handed on and not settled yet. */
  private unsettled = 0;
  private readonly maxUnsettled: number;
  /** Whether reading the socket is paused (flow control). */
  private held = false;
  /** Clock time reading last resumed: silence is counted from then at the earliest. */
  private resumedAt: number | undefined;
  /** Our subscriptions by the id the library gave them: destination and ack mode. */
  private readonly subscriptions = new Map<string, { destination: string; manual: boolean }>();
  /** The version CONNECTED agreed on (which header an ACK names). */
  private version: string | undefined;
  /** Settles one message of an `auto` subscription (one function for all of them). */
  private readonly settleAuto = (): void => this.settled();

  constructor(
    private readonly options: StompSessionOptions,
    private readonly handlers: StompSessionHandlers,
  ) {
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? nullLogger;
    this.maxUnsettled = Math.max(1, options.maxUnsettled ?? DEFAULT_MAX_UNSETTLED);
    this.watchdog = new StompWatchdog(this.clock, {
      ended: () => this.finished,
      held: () => this.held,
      quietSince: () => Math.max(this.activityAt ?? 0, this.resumedAt ?? 0),
      dead: (idle, grace) => this.fail('heartbeat', `no heart-beat or message from the server for ${idle} ms (allowed ${grace} ms)`),
    });
  }

  /** Whether reading the socket is paused because {@link StompSessionOptions.maxUnsettled} messages are unsettled. */
  get readingPaused(): boolean {
    return this.held;
  }

  /** Clock time anything was last received on this session (ms), if ever. */
  get lastActivityAt(): number | undefined {
    return this.activityAt;
  }

  /** Whether CONNECTED has arrived and the session has not ended. */
  get isConnected(): boolean {
    return this.connected && !this.finished;
  }

  /** MESSAGE frames delivered so far. */
  get messageCount(): number {
    return this.messages;
  }

  /** The silence (ms) after which the connection is declared dead; 0 until CONNECTED agrees on server heart-beats. */
  get livenessGraceMs(): number {
    return this.graceMs;
  }

  /** Opens the socket and sends CONNECT. Call once. */
  open(): void {
    if (this.client) throw new Error('StompSession.open() called twice');
    const o = this.options;
    const outgoing = o.heartbeatOutgoingMs ?? 10_000;
    const incoming = o.heartbeatIncomingMs ?? 0;
    const maxFrame = o.maxFrameBytes ?? MAX_FRAME_BYTES;
    const createSocket = o.createSocket ?? ((url: string, protocols: string[]) => defaultStompSocket(url, protocols, maxFrame));
    const client = new Client({
      webSocketFactory: () => this.openSocket(createSocket) as unknown as IStompSocket,
      connectHeaders: { ...(o.connectHeaders ?? {}) },
      heartbeatOutgoing: outgoing,
      heartbeatIncoming: incoming,
      // Liveness is ours (on the injected clock); the library's own checker is pushed out of the way.
      heartbeatToleranceMultiplier: 1_000_000,
      reconnectDelay: 0,
      // With raw logging on, the library hands its (no-op) debug the received string as is, instead of
      // re-serializing every frame's headers for a log line nobody reads.
      logRawCommunication: true,
      debug: () => undefined,
    });
    client.onConnect = (frame) => this.handleConnected(frame);
    client.onStompError = (frame) => this.fail('refused', `endpoint refused the subscription: ${describeErrorFrame(frame)}`);
    client.onWebSocketClose = (evt) => {
      const e = evt as { code?: number; reason?: string };
      this.handleSocketClose(e.code, e.reason);
    };
    client.onUnhandledMessage = () => undefined;
    this.client = client;
    this.connectTimer = this.clock.setTimeout(() => {
      if (!this.connected) this.fail('timeout', `no CONNECTED frame within ${o.connectTimeoutMs ?? 15_000} ms`);
    }, o.connectTimeoutMs ?? 15_000);
    this.log.debug(`connecting to ${redact(o.url)}`);
    client.activate();
  }

  /** Closes the connection deliberately; `onClosed` is not called. Safe to call at any time, more than once. */
  close(): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    this.dropSocket(false);
  }

  /**
   * Runs the socket factory for the library. A factory that throws (a URL `ws` rejects) would be an unhandled
   * rejection inside the library and a silent retry loop: the session ends `refused` with the reason instead, and
   * the library gets an inert socket that never opens.
   */
  private openSocket(createSocket: (url: string, protocols: string[]) => WebSocket): IStompSocket {
    try {
      return this.attachSocket(createSocket(this.options.url, stompSubProtocols));
    } catch (err) {
      const why = describeError(err);
      this.clock.setTimeout(() => this.fail('refused', `could not open a WebSocket to this endpoint: ${why}`), 0);
      return inertSocket();
    }
  }

  /**
   * Wires the socket: received bytes go through a {@link StompFrameSplitter} (MESSAGE bodies decoded once, straight
   * from the bytes); the library gets a stand-in socket that receives only the other frames (CONNECTED, RECEIPT,
   * ERROR), as text, and sends, closes and reports open/close/error through the real one.
   */
  private attachSocket(ws: WebSocket): IStompSocket {
    this.socket = ws;
    const maxFrame = this.options.maxFrameBytes ?? MAX_FRAME_BYTES;
    // Bytes received since the last NUL (end of a frame): an unterminated body must not be buffered forever.
    let unterminated = 0;
    const library = libraryStandIn(ws);
    this.splitter = new StompFrameSplitter({
      message: (headers, body) => this.handleMessage(headers, body),
      other: (frame) => {
        if (!this.finished) library.onmessage?.({ data: frame } as MessageEvent);
      },
    });
    const splitter = this.splitter;
    const onActivity = this.handlers.onActivity;
    ws.on('message', (data: WebSocket.RawData) => {
      this.activityAt = this.clock.now();
      unterminated = bytesAfterLastNul(data, unterminated);
      if (unterminated > maxFrame) {
        this.fail('lost', frameTooLargeMessage('a STOMP frame without its end (NUL)', maxFrame));
        return;
      }
      if (onActivity && !this.finished) onActivity();
      if (this.finished) return;
      if (Buffer.isBuffer(data)) splitter.push(data);
      else if (Array.isArray(data)) for (const d of data) splitter.push(d);
      else splitter.push(Buffer.from(data));
    });
    ws.on('open', () => {
      this.opened = true;
    });
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        this.fail('lost', frameTooLargeMessage('a WebSocket message', maxFrame));
        return;
      }
      this.lastSocketError = err.message;
      if (!this.opened) this.connectError ??= err;
    });
    return library;
  }

  private handleConnected(frame: IFrame): void {
    if (this.finished) return;
    this.connected = true;
    this.clock.clearTimeout(this.connectTimer);
    this.connectTimer = undefined;
    const client = this.client;
    if (!client) return;
    const manual = this.options.ack === 'client-individual';
    const headers: Record<string, string> = manual ? { ack: 'client-individual', 'prefetch-count': String(Math.max(1, this.options.prefetch ?? 1_000)) } : {};
    const version = frame.headers['version'];
    this.version = version;
    // STOMP 1.1 and 1.2 escape header values (1.0 does not)
    if (this.splitter) this.splitter.escaped = version === '1.1' || version === '1.2';
    for (const destination of this.options.destinations) {
      // MESSAGE frames never reach the library (the splitter hands them to handleMessage): no callback of its own
      const sub = client.subscribe(destination, () => undefined, headers);
      this.subscriptions.set(sub.id, { destination, manual });
    }
    this.subscribedAt = this.clock.now();
    const heartBeat = frame.headers['heart-beat'];
    const grace = livenessGraceMs(heartBeat, version, this.options.heartbeatIncomingMs ?? 0, this.options.heartbeatGrace ?? 1.5);
    if (grace !== undefined) {
      this.graceMs = grace;
      this.activityAt ??= this.clock.now();
      this.watchdog.start(grace);
    }
    this.log.debug(`connected (STOMP ${version ?? '?'}, heart-beat ${heartBeat ?? 'none'}), subscribed ${this.options.destinations.length}`);
    try {
      this.handlers.onConnected?.({ version, server: frame.headers['server'], heartBeat, at: this.clock.now() });
    } catch (err) {
      this.log.error(`onConnected handler threw: ${String(err)}`);
    }
  }

  /** One MESSAGE frame from the splitter; frames for a subscription that is not ours are dropped, as the library would. */
  private handleMessage(headers: MessageHeaders, body: string): void {
    if (this.finished || !this.connected) return;
    const subId = headers.subscription;
    const sub = subId === undefined ? undefined : this.subscriptions.get(subId);
    if (!sub || subId === undefined) return;
    this.messages++;
    const ackId = this.version === '1.2' ? headers.ack : headers['message-id'];
    const client = this.client;
    // an ACK after the socket is gone is pointless: the broker requeues what this session left unacknowledged
    const settle = sub.manual
      ? () => {
          if (!this.finished && ackId !== undefined) client?.ack(ackId, subId);
          this.settled();
        }
      : this.settleAuto;
    if (++this.unsettled >= this.maxUnsettled && !this.held) this.hold();
    try {
      this.handlers.onMessage(body, sub.destination, this.clock.now(), settle);
    } catch (err) {
      this.log.error(`onMessage handler threw: ${String(err)}`);
    }
  }

  /** One message handed on is processed; reading resumes once half of the allowed unsettled ones are. */
  private settled(): void {
    if (this.unsettled > 0) this.unsettled--;
    if (this.held && this.unsettled <= this.maxUnsettled >> 1) {
      this.held = false;
      this.resumedAt = this.clock.now();
      if (!this.finished) this.socket?.resume();
    }
  }

  private hold(): void {
    this.held = true;
    this.log.debug(`${this.unsettled} messages not processed yet: reading paused`);
    this.socket?.pause();
  }

  private handleSocketClose(code: number | undefined, reason: string | undefined): void {
    if (this.finished) return;
    const verdict = classifySocketClose({
      code,
      reason,
      lastSocketError: this.lastSocketError,
      connectError: this.connectError,
      url: this.options.url,
      opened: this.opened,
      connected: this.connected,
      messages: this.messages,
      sinceSubscribeMs: this.clock.now() - (this.subscribedAt ?? 0),
      earlyCloseWindowMs: this.options.earlyCloseWindowMs ?? 2_000,
    });
    if (verdict.early) this.early = true;
    this.fail(verdict.kind, verdict.message, code, verdict.httpStatus);
  }

  private fail(kind: StompCloseKind, message: string, code?: number, httpStatus?: number): void {
    if (this.finished) return;
    this.finished = true;
    this.clearTimers();
    const info: StompClosedInfo = { kind, message: redact(message), wasConnected: this.connected, opened: this.opened, early: this.early, at: this.clock.now() };
    if (code !== undefined) info.code = code;
    if (httpStatus !== undefined) info.httpStatus = httpStatus;
    if (this.activityAt !== undefined) info.lastActivityAt = this.activityAt;
    this.log.debug(`session ended (${kind}): ${info.message}`);
    this.dropSocket(kind !== 'refused');
    try {
      this.handlers.onClosed(info);
    } catch (err) {
      this.log.error(`onClosed handler threw: ${String(err)}`);
    }
  }

  /** Ends the socket: a frozen peer never answers a close handshake, so dead connections are terminated at once. */
  private dropSocket(terminate: boolean): void {
    const ws = this.socket;
    if (!ws) {
      // The library creates the socket asynchronously; make sure it is dropped as soon as it exists.
      void this.client?.deactivate({ force: true });
      return;
    }
    if (terminate || ws.readyState !== WebSocket.OPEN) {
      ws.terminate();
      return;
    }
    ws.close(1000);
    this.closeTimer = this.clock.setTimeout(() => ws.terminate(), 1_000);
    ws.once('close', () => this.clock.clearTimeout(this.closeTimer));
  }

  private clearTimers(): void {
    this.clock.clearTimeout(this.connectTimer);
    this.watchdog.stop();
    this.connectTimer = undefined;
  }
}
