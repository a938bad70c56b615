/**
 * How a STOMP session's socket close is read: from what was known when it closed (the handshake's answer, whether
 * CONNECTED or any MESSAGE had arrived, the close code) to `refused` (do not retry) or `lost` (retry), with words.
 * Pure. The words of an ERROR frame are made here too.
 */
import type { IFrame } from '@stomp/stompjs';
import { describeConnectFailure } from '../connectFailure';
import { redact } from '../redact';

/** Readable text of an ERROR frame: its `message` header and the first line of its body, redacted, at most 300 chars. */
export function describeErrorFrame(frame: Pick<IFrame, 'headers' | 'body'>): string {
  const header = frame.headers['message'] ?? '';
  const firstLine = (frame.body ?? '').split('\n').find((l) => l.trim() !== '') ?? '';
  const text = [header, firstLine && firstLine !== header ? firstLine : ''].filter(Boolean).join(': ') || 'ERROR frame without message';
  return redact(text.length > 300 ? `${text.slice(0, 297)}...` : text);
}

/**
 * Close codes that say nothing about the subscription: abnormal closure (no close frame), going away, server error,
 * restart, try again later. A close with one of these before CONNECTED is `lost`, not `refused`.
 */
export const transientCloseCodes: ReadonlySet<number> = new Set([1001, 1006, 1011, 1012, 1013]);

/** What a session knew when its socket closed. */
export interface SocketCloseFacts {
  /** WebSocket close code and reason, if given. */
  code: number | undefined;
  reason: string | undefined;
  /** The last socket error's message (`ws` names an HTTP answer to the handshake there). */
  lastSocketError: string | undefined;
  /** The socket error before it opened (refused, not found, TLS). */
  connectError: Error | undefined;
  /** The endpoint (its key is redacted in the words). */
  url: string;
  /** The WebSocket handshake completed. */
  opened: boolean;
  /** CONNECTED arrived. */
  connected: boolean;
  /** MESSAGE frames delivered. */
  messages: number;
  /** Time since SUBSCRIBE went out (ms; since the clock's zero when never subscribed). */
  sinceSubscribeMs: number;
  /** A close this soon after SUBSCRIBE, before any message, is `early` (ms). */
  earlyCloseWindowMs: number;
}

/** How the close is reported (see `StompCloseKind`). */
export interface SocketCloseVerdict {
  kind: 'refused' | 'lost';
  message: string;
  /** The HTTP status the handshake was answered with, if it was. */
  httpStatus?: number;
  /** Soon after the handshake (see `StompClosedInfo.early`). */
  early: boolean;
}

/** Reads a socket close (see {@link SocketCloseFacts}). */
export function classifySocketClose(f: SocketCloseFacts): SocketCloseVerdict {
  const err = f.lastSocketError;
  const why = `code ${f.code ?? '?'}${f.reason ? `: ${redact(f.reason.slice(0, 120))}` : ''}`;
  const http = err ? /Unexpected server response: (\d{3})/.exec(err) : null;
  if (http) {
    const status = Number(http[1]);
    const refused = status >= 400 && status < 500;
    return { kind: refused ? 'refused' : 'lost', message: `${refused ? 'endpoint refused the subscription: ' : ''}WebSocket handshake answered HTTP ${status}`, httpStatus: status, early: false };
  }
  if (f.opened && !f.connected && (f.code === undefined || !transientCloseCodes.has(f.code))) {
    return { kind: 'refused', message: `endpoint refused the subscription: connection closed right after CONNECT (${why})`, early: false };
  }
  if (f.opened && !f.connected) {
    // abnormal (1006) or "try again" codes: maybe a broker going down; the owner decides after repeats
    return { kind: 'lost', message: `connection closed right after CONNECT (${why})`, early: true };
  }
  if (!f.opened) {
    return { kind: 'lost', message: f.connectError ? describeConnectFailure(f.url, f.connectError, 'broker') : `could not connect: ${redact(err ?? 'socket closed')}`, early: false };
  }
  if (f.messages === 0 && f.sinceSubscribeMs <= f.earlyCloseWindowMs) {
    // e.g. RabbitMQ closes with 1000 "STOMP died" and no ERROR frame when a subscribed queue does not exist
    return { kind: 'lost', message: `connection closed right after SUBSCRIBE, before any message (${why})`, early: true };
  }
  return { kind: 'lost', message: `connection closed (${why})${err ? `: ${redact(err)}` : ''}`, early: false };
}
