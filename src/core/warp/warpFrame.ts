/**
 * The one decoder of Warp messages, shared by the WebSocket and SSE transports. Pure: text in, a typed
 * {@link WarpFrame} out, no I/O and no exceptions (a malformed message is a frame of kind `invalid` with words).
 *
 * A WebSocket frame is the envelope `{"id", "event", "data"}` ({@link parseWsEnvelope}); an SSE message carries the
 * same three parts as its `id:` line, `event:` name and `data:` JSON ({@link decodeSseMessage}). Both end in
 * {@link decodeWarpMessage}, which knows the event names.
 */
import { toNumber } from '../event';
import { redact } from '../redact';
import { capText } from '../untrustedText';

/** A Warp message id exactly as the server sent it: a JSON number stays a number (it is ACKed as one). */
export type WarpMessageId = string | number;

/** What one Warp message means. */
export type WarpFrame =
  /** The first message of a connection; `heartbeatMs` when the server announced an interval. */
  | { kind: 'connected'; heartbeatMs?: number }
  /** A keep-alive message (`heartbeat`, `ping`, `pong`). */
  | { kind: 'heartbeat' }
  /** Credits ran out; the server closes next. */
  | { kind: 'quota_exceeded'; remaining: number }
  /** A server error message, as redacted text. */
  | { kind: 'error'; message: string }
  /**
   * A data message (`event`, `address`, `coin`, `object`, or an unknown name: passed through). `id` is the
   * server-issued id as received, absent when the message had none. `dataText` is the exact JSON text of `data`
   * when the transport could cut it out without parsing again.
   */
  | { kind: 'data'; name: string; id?: WarpMessageId; data: unknown; dataText?: string }
  /** Not a Warp message: `problem` says why, in words (redacted, with a short preview). */
  | { kind: 'invalid'; problem: string };

/**
 * Decodes one message given its parts: the event name, the id as received, the parsed `data`.
 * Keep-alive and control names are recognized; every other name is data (unknown names pass through).
 */
export function decodeWarpMessage(name: string, id: WarpMessageId | undefined, data: unknown, dataText?: string): WarpFrame {
  switch (name) {
    case 'connected': {
      const hb = toNumber(record(data)?.heartbeatIntervalMs);
      return hb && hb > 0 ? { kind: 'connected', heartbeatMs: hb } : { kind: 'connected' };
    }
    case 'heartbeat':
    case 'ping':
    case 'pong':
      return { kind: 'heartbeat' };
    case 'quota_exceeded':
      return { kind: 'quota_exceeded', remaining: toNumber(record(data)?.remaining) ?? 0 };
    case 'error':
      return { kind: 'error', message: errorText(data) };
    default: {
      const frame: WarpFrame = { kind: 'data', name, data };
      if (id !== undefined) frame.id = id;
      if (dataText !== undefined) frame.dataText = dataText;
      return frame;
    }
  }
}

/** Decodes one WebSocket text frame (the `{"id","event","data"}` envelope; `type` is accepted for `event`). */
export function parseWsEnvelope(text: string): WarpFrame {
  let msg: unknown;
  try {
    msg = JSON.parse(text);
  } catch {
    return { kind: 'invalid', problem: `malformed frame ignored (invalid JSON, ${text.length} chars): ${preview(text)}` };
  }
  const env = record(msg) as { id?: unknown; event?: unknown; data?: unknown; type?: unknown } | undefined;
  if (!env || (typeof env.event !== 'string' && typeof env.type !== 'string')) {
    return { kind: 'invalid', problem: `message without an event name ignored: ${preview(text)}` };
  }
  const name = typeof env.event === 'string' ? env.event : String(env.type);
  const id = messageId(env.id);
  return decodeWarpMessage(name, id, env.data, envelopeDataText(text, env as Record<string, unknown>));
}

/**
 * Decodes one SSE message: `event` name, the `id:` of its own block (empty or absent = none), `data` text.
 * SSE ids are text: a numeric-looking id stays a string.
 */
export function decodeSseMessage(event: string, id: string | undefined, dataText: string): WarpFrame {
  let data: unknown;
  try {
    data = JSON.parse(dataText);
  } catch {
    return { kind: 'invalid', problem: `malformed SSE data ignored (event "${redact(event.slice(0, 40))}", invalid JSON): ${preview(dataText)}` };
  }
  return decodeWarpMessage(event, id === undefined || id === '' ? undefined : id, data, dataText);
}

/** A usable message id: a non-empty string or a finite number; anything else counts as no id. */
export function messageId(value: unknown): WarpMessageId | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return undefined;
}

/**
 * The text of the `data` member inside a Warp envelope's JSON text, when it can be cut out without parsing again:
 * `data` must be the envelope's last key and every key before it must hold a primitive (so the first `"data":` in
 * the text is the envelope's own: inside a JSON string a quote is always escaped). Returns undefined otherwise.
 * `envelope` is what `JSON.parse(text)` returned.
 */
export function envelopeDataText(text: string, envelope: Record<string, unknown>): string | undefined {
  let last: string | undefined;
  for (const key in envelope) {
    if (last !== undefined) {
      const v = envelope[last];
      if (v !== null && typeof v === 'object') return undefined;
    }
    last = key;
  }
  if (last !== 'data') return undefined;
  const data = envelope.data;
  if (data === null || typeof data !== 'object') return undefined;
  const key = /"data"\s*:/.exec(text);
  const end = text.lastIndexOf('}');
  if (!key || end < key.index) return undefined;
  const inner = text.slice(key.index + key[0].length, end).trim();
  const open = inner.charCodeAt(0);
  const close = inner.charCodeAt(inner.length - 1);
  // an object or an array, closed at the end: anything else means the text is not shaped as assumed
  if (!((open === 123 && close === 125) || (open === 91 && close === 93))) return undefined;
  return inner;
}

/** First 80 characters of a frame, one line, redacted. */
export function preview(text: string): string {
  const head = text.length > 400 ? text.slice(0, 400) : text;
  const one = head.replace(/\s+/g, ' ');
  return redact(one.length > 80 ? `${one.slice(0, 80)}…` : one);
}

function record(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function errorText(data: unknown): string {
  if (typeof data === 'string') return redact(capText(data));
  const d = record(data);
  if (d) {
    const parts = [d.code !== undefined ? String(d.code) : '', typeof d.message === 'string' ? d.message : ''].filter(Boolean);
    if (parts.length) return redact(capText(parts.join(': ')));
  }
  return redact(capText(JSON.stringify(data) ?? 'unknown error'));
}
