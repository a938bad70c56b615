/**
 * The two shapes of a journal line, and the batch encoder.
 *
 * - Lean (format 2), written whenever the event's payload text is known and its provider can derive the event
 *   again: `{"i":id,"m":messageId,"n":name,"t":receivedAt,"dr":1,"p":payload}`, where `payload` is the text as
 *   received (spliced in, not serialized again) and `m` / `dr` appear only when set. An id made of its message id
 *   and a suffix (`messageId~hash`, Warp) is written as `"m":messageId,"h":hash` instead of repeating the message
 *   id, and left out entirely where the provider derives it again ({@link JournalCodec.derivesIds}). Every normalized field (kind, digest, type, sender, checkpoint, timestamp, warnings...) is derived again
 *   when the line is read back. A lean line is told from a full one by having no `id` key.
 * - Full (format 1): the whole {@link ChainEvent} as JSON, as every older journal holds it; still read, and still
 *   written for events without payload text or for providers without a {@link EventReviver}.
 *
 * A batch is encoded straight into one Buffer (never one joined string).
 */
import { payloadText, serializeEvent, type ChainEvent } from '../event';
import { acceptEvent } from '../eventIntake';
import { capEventDepth } from '../payloadDepth';

/** What a lean line keeps of an event: what cannot be derived from the payload. */
export interface LeanRecord {
  /** Empty when the line left it out for the reviver to derive. */
  id: string;
  messageId?: string;
  name: string;
  receivedAt: number;
  drained?: boolean;
  payload: unknown;
}

/** Derives an event again from a lean line (its provider's normalizer). `stream` is the stream key the journal belongs to. */
export type EventReviver = (stream: string, rec: LeanRecord) => ChainEvent;

/** How a provider's events are journaled lean. */
export interface JournalCodec {
  revive: EventReviver;
  /**
   * The reviver derives an id of the form `messageId~suffix` again from the message id, name and payload (Warp's
   * identity): such ids are not written at all. Other ids are always written.
   */
  derivesIds?: boolean;
}

/**
 * The line of `ev` without its newline: lean when `lean` and the payload text is known, else full. With
 * `derivesIds`, an id `messageId~suffix` is left out (the reviver derives it).
 */
export function journalLine(ev: ChainEvent, lean: boolean, derivesIds = false): string {
  const text = lean ? payloadText(ev) : undefined;
  if (text === undefined) return serializeEvent(ev);
  const mid = ev.messageId;
  const id = ev.id;
  let head: string;
  if (mid === undefined) head = `{"i":${JSON.stringify(id)}`;
  else if (id.length > mid.length && id.charCodeAt(mid.length) === 126 && id.startsWith(mid)) {
    head = derivesIds ? `{"m":${JSON.stringify(mid)}` : `{"m":${JSON.stringify(mid)},"h":${JSON.stringify(id.slice(mid.length + 1))}`;
  }
  else head = `{"i":${JSON.stringify(id)},"m":${JSON.stringify(mid)}`;
  head += `,"n":${JSON.stringify(ev.name)},"t":${ev.receivedAt}`;
  if (ev.drained) head += ',"dr":1';
  return `${head},"p":${text}}`;
}

/** The most bytes {@link encodeLines} can write for `lines`: 3 bytes per UTF-16 unit, plus each newline. */
export function maxEncodedBytes(lines: readonly string[]): number {
  let max = 0;
  for (const l of lines) max += l.length * 3 + 1;
  return max;
}

/**
 * Encodes a batch of lines (each followed by a newline) into one Buffer: each string is written into the buffer in
 * place, at most 3 bytes per UTF-16 unit, and the result is cut to the bytes written. With `into` (at least
 * {@link maxEncodedBytes} long) the lines are written into it and the result is a view of it: no allocation, so a
 * journal can reuse one buffer from batch to batch (a fresh 1.5 MB buffer per 1,000-event batch cost more than the
 * encoding itself: ~2 µs/event against ~0.2).
 */
export function encodeLines(lines: readonly string[], into?: Buffer): Buffer {
  const max = maxEncodedBytes(lines);
  const buf = into !== undefined && into.length >= max ? into : Buffer.allocUnsafe(max);
  let at = 0;
  for (const l of lines) {
    at += buf.write(l, at, 'utf8');
    buf[at++] = 10;
  }
  return buf.subarray(0, at);
}

/**
 * One parsed line back as an event: a full line as is (its payload depth capped), a lean line through `revive`
 * and then {@link acceptEvent}, as every entering event. Undefined when the line is neither, or lean without a
 * reviver, or the reviver fails. Throws nothing.
 */
export function eventFromLine(parsed: unknown, stream: string, revive: EventReviver | undefined): ChainEvent | undefined {
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const o = parsed as Record<string, unknown>;
  if (o.id !== undefined) {
    if (typeof o.id !== 'string') return undefined;
    const full = o as unknown as ChainEvent;
    // a journal written before the depth cap may hold a payload nothing downstream can walk
    capEventDepth(full);
    return full;
  }
  const mid = typeof o.m === 'string' ? o.m : undefined;
  // no id and no suffix: the reviver derives the id from the message id (written only when it can)
  const id = typeof o.i === 'string' ? o.i : mid !== undefined && typeof o.h === 'string' ? `${mid}~${o.h}` : undefined;
  if (!revive || (id === undefined && mid === undefined) || typeof o.n !== 'string' || typeof o.t !== 'number' || !('p' in o)) return undefined;
  const rec: LeanRecord = { id: id ?? '', name: o.n, receivedAt: o.t, payload: o.p };
  if (mid !== undefined) rec.messageId = mid;
  if (o.dr === 1) rec.drained = true;
  try {
    const ev = revive(stream, rec);
    if (id !== undefined) ev.id = id;
    if (rec.drained) ev.drained = true;
    acceptEvent(ev);
    return ev;
  } catch {
    return undefined;
  }
}
