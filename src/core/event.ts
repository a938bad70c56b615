/**
 * The normalized event model shared by every provider (Warp, Covalent, EVM nodes), and the Warp normalizer.
 * Unknown event names and unknown fields pass through: they are kept in `payload` and flagged, never dropped.
 */

/** Which service produced an event (`sui`: a Sui full node's gRPC subscription). */
export type Provider = 'warp' | 'covalent' | 'evm' | 'goldrush' | 'sui';

/**
 * Warp's four stream kinds, `log` for EVM logs, GoldRush's `walletTx` (one log of a wallet's transaction, or the
 * transaction when it has none), `pair` (new or updated DEX pair), `token` (token update) and `candle` (OHLCV), a Sui
 * full node's `transaction` and `checkpoint`, and `unknown` for an envelope name we do not know.
 */
export type EventKind = 'event' | 'address' | 'coin' | 'object' | 'log' | 'walletTx' | 'pair' | 'token' | 'candle' | 'transaction' | 'checkpoint' | 'unknown';

/** One event as every part of Chain Watch sees it. */
export interface ChainEvent {
  /**
   * The event's identity within its stream: unique per event, stable across redeliveries (dedup, feed rows, the
   * journal). Warp: the message id plus what tells events of one message id apart (see {@link warpIdentity});
   * EVM / Covalent: a derived key. Never sent to a server: the resume cursor is {@link ChainEvent.messageId}.
   */
  id: string;
  /**
   * The message id exactly as the server issued it (text form), when the message had one. Warp shares one id
   * between the events of a checkpoint. The only value ever used as a resume cursor.
   */
  messageId?: string;
  /** Local stream key (see `StreamDefinition.id`). */
  stream: string;
  provider: Provider;
  kind: EventKind;
  /** The envelope's event name as received (`event`, `coin`, ..., or an unknown name). */
  name: string;
  /** Transaction digest (Sui) or transaction hash (EVM). */
  digest?: string;
  /** Event sequence within the transaction (Sui `eventSequence`) or log index (EVM). */
  sequence?: number;
  /** Sui checkpoint or EVM block number. */
  checkpoint?: number;
  /** Chain timestamp, ms since epoch. */
  timestamp?: number;
  /** Move event type, coin type, object type, or decoded EVM event name. */
  type?: string;
  /** Transaction sender, or the watched address for address/coin activity, or the emitting contract (EVM). */
  sender?: string;
  /** When Chain Watch received it, ms since epoch (local clock). */
  receivedAt: number;
  /** EVM reorg: the log was removed from the canonical chain. */
  removed?: boolean;
  /** Taken by a drain visit while the stream was paused (so `receivedAt` may be well after `timestamp`). */
  drained?: boolean;
  /** Problems found while normalizing (unknown event name, missing id, ...). Shown to the user, never fatal. */
  warnings?: string[];
  /** The provider's payload, untouched. */
  payload: unknown;
}

/**
 * The JSON text a payload was parsed from, when the transport had it (SSE `data:`, a STOMP body), so the journal
 * can write it as is instead of serializing the payload again. Kept under a symbol: JSON, `Object.keys` and
 * listeners never see it, and the journal releases it once written.
 */
const payloadTextKey = Symbol('payloadText');
/** Set when the payload was built from the text rather than parsed from it (EVM): never spliced into a full line. */
const derivedTextKey = Symbol('payloadTextDerived');
type WithPayloadText = ChainEvent & { [payloadTextKey]?: string | undefined; [derivedTextKey]?: true };

/** Marks the payload's place while the rest of the event is serialized; random, so no payload can forge it. */
const payloadMark = `\u0000cw-payload-${Math.random().toString(36).slice(2)}\u0000`;
const payloadMarkJson = JSON.stringify(payloadMark);

/**
 * Remembers that `ev.payload` was parsed from `text` (exactly; the caller guarantees it), or, with `derived`, was
 * built from it (the provider's lean-line reviver derives the payload from that text again). Only exact text is
 * spliced into a full line by {@link serializeEvent}; derived text is written only in a lean line. Text spanning
 * several lines is not kept: a journal line must stay one line.
 */
export function setPayloadText(ev: ChainEvent, text: string, derived = false): void {
  if (text.indexOf('\n') === -1 && text.indexOf('\r') === -1) {
    (ev as WithPayloadText)[payloadTextKey] = text;
    if (derived) (ev as WithPayloadText)[derivedTextKey] = true;
  }
}

/** The text kept by {@link setPayloadText}, if any. */
export function payloadText(ev: ChainEvent): string | undefined {
  return (ev as WithPayloadText)[payloadTextKey];
}

/** Drops the text kept by {@link setPayloadText} (after the journal wrote it). */
export function releasePayloadText(ev: ChainEvent): void {
  if ((ev as WithPayloadText)[payloadTextKey] !== undefined) (ev as WithPayloadText)[payloadTextKey] = undefined;
}

const sizeKey = Symbol('size');
type WithSize = ChainEvent & { [sizeKey]?: number };

/** Records the size of the frame an event came in, in bytes (for memory budgets). */
export function setEventSize(ev: ChainEvent, bytes: number): void {
  (ev as WithSize)[sizeKey] = bytes;
}

/** The size recorded by {@link setEventSize}, or 1 KiB when unknown. */
export function eventSize(ev: ChainEvent): number {
  return (ev as WithSize)[sizeKey] ?? 1024;
}

/**
 * One NDJSON line for `ev`, equal (as JSON) to `JSON.stringify(ev)`. When the payload's original text is known it is
 * spliced in as is: the payload is not walked a second time. This is the journal's hot path.
 */
export function serializeEvent(ev: ChainEvent): string {
  const text = (ev as WithPayloadText)[payloadTextKey];
  if (text === undefined || (ev as WithPayloadText)[derivedTextKey]) return JSON.stringify(ev);
  const payload = ev.payload;
  let json: string;
  ev.payload = payloadMark;
  try {
    json = JSON.stringify(ev);
  } finally {
    ev.payload = payload;
  }
  const at = json.indexOf(payloadMarkJson);
  return at < 0 ? JSON.stringify(ev) : json.slice(0, at) + text + json.slice(at + payloadMarkJson.length);
}

/** Names of the Warp envelope events that carry chain data. */
export const warpDataEvents = ['event', 'address', 'coin', 'object'] as const;

/** Reads a number given as a number or a decimal string; undefined when absent or not a safe integer/finite value. */
export function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const n = Number(value);
    return Number.isFinite(n) ? n : undefined;
  }
  if (typeof value === 'bigint') return Number(value);
  return undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}


/** Payload fields that tell apart the events of one transaction, in the order they enter the identity. */
const distinguishingFields: ReadonlyArray<readonly string[]> = [
  ['eventSequence', 'event_sequence', 'eventSeq'],
  ['activityType'],
  ['address'],
  ['coin_type', 'coinType'],
  ['object_id', 'objectId'],
  ['transactionDirection'],
];

/**
 * What tells apart one Warp event from the others of the same message id: the transaction digest, the envelope
 * name, and the fields that distinguish events inside one transaction (event sequence; address, coin type, object
 * id, activity type and direction for address/coin/object streams), joined by `_`. Undefined when the payload has
 * no digest. (The identity hashes the same text part by part, without building it: see {@link warpIdentity}.)
 */
export function warpDiscriminator(name: string, data: Record<string, unknown>): string | undefined {
  const digest = digestOf(data);
  if (!digest) return undefined;
  let text = `${digest}_${name}`;
  for (const names of distinguishingFields) {
    const v = firstField(data, names);
    if (v !== undefined) text += `_${v}`;
  }
  return text;
}

/** The transaction digest of a Warp payload (`txDigest`, `tx_digest` or `digest`), as text. */
function digestOf(data: Record<string, unknown>): string | undefined {
  return str(data.txDigest ?? data.tx_digest ?? data.digest);
}

/** The first of `names` that `data` holds as text or a number, as text. */
function firstField(data: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = str(data[n]);
    if (v !== undefined) return v;
  }
  return undefined;
}

/**
 * The identity of a Warp event (see {@link ChainEvent.id}): `messageId~hash`, the hash (16 hex digits) of the
 * {@link warpDiscriminator}. Several events share one message id today (the checkpoint number), so the id alone
 * would merge them. A payload without a digest is told apart by its whole content; a message without an id gets
 * `~hash` (stable for the same payload, so it deduplicates; never a resume cursor).
 */
export function warpIdentity(messageId: string | undefined, name: string, data: unknown): string | undefined {
  const obj = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : undefined;
  return identityOf(messageId, name, data, obj, obj ? digestOf(obj) : undefined);
}

/** {@link warpIdentity} given the payload as an object (or undefined) and its digest, already looked up. */
function identityOf(messageId: string | undefined, name: string, data: unknown, obj: Record<string, unknown> | undefined, digest: string | undefined): string | undefined {
  let hash: string | undefined;
  if (obj && digest) {
    // the hash of the discriminator text, fed part by part: no string is built per event
    hashStart();
    hashText(digest);
    hashText('_');
    hashText(name);
    for (const names of distinguishingFields) {
      const v = firstField(obj, names);
      if (v !== undefined) {
        hashText('_');
        hashText(v);
      }
    }
    hash = hashEnd();
  }
  if (messageId === undefined) return hash === undefined ? undefined : `~${hash}`;
  return `${messageId}~${hash ?? contentHash(`${name}\u0000${jsonText(data)}`)}`;
}

function jsonText(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** The two 32-bit lanes of the hash being fed ({@link hashStart}, {@link hashText}, {@link hashEnd}). */
let laneA = 0;
let laneB = 0;

function hashStart(): void {
  laneA = 0x811c9dc5;
  laneB = 0xcbf29ce4;
}

/** Feeds `text` to the hash: feeding parts one after the other hashes the same as feeding them joined. */
function hashText(text: string): void {
  let a = laneA;
  let b = laneB;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  laneA = a;
  laneB = b;
}

function hashEnd(): string {
  return hex32(laneA) + hex32(laneB);
}

/** A 64-bit FNV-1a-style hash (two 32-bit lanes) of a string, as 16 hex digits. */
function contentHash(text: string): string {
  hashStart();
  hashText(text);
  return hashEnd();
}

/** Two hex digits for each byte value. */
const HEX_BYTES = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A 32-bit value as 8 hex digits, by table (`toString(16).padStart(8)` costs several times more per event). */
function hex32(x: number): string {
  return HEX_BYTES[x >>> 24]! + HEX_BYTES[(x >>> 16) & 255]! + HEX_BYTES[(x >>> 8) & 255]! + HEX_BYTES[x & 255]!;
}

/**
 * Normalizes one Warp data message (`event` / `address` / `coin` / `object`, or an unknown name) into a
 * {@link ChainEvent}. Accepts `coin_type`/`coinType`, `object_id`/`objectId`, numbers or strings.
 * Returns the event; problems become `warnings`, never exceptions.
 */
export function normalizeWarp(
  stream: string,
  name: string,
  messageId: string | number | undefined,
  data: unknown,
  receivedAt: number,
): ChainEvent {
  // most events have no warnings: the list is made only for one that has
  let warnings: string[] | undefined;
  const obj: Record<string, unknown> = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  if (obj !== data) (warnings ??= []).push(`payload is not an object (${data === null ? 'null' : Array.isArray(data) ? 'array' : typeof data})`);
  const known = name === 'event' || name === 'address' || name === 'coin' || name === 'object';
  if (!known) (warnings ??= []).push(`unknown event "${name}"`);
  const mid = messageId === undefined || messageId === '' ? undefined : String(messageId);
  // the digest is looked up once, for the identity and for the event
  const digest = obj === data ? digestOf(obj) : undefined;
  let eventId = identityOf(mid, name, data, obj === data ? obj : undefined, digest);
  if (mid === undefined) {
    (warnings ??= []).push(eventId ? 'message without id (deduplicated by digest)' : 'message without id');
    if (!eventId) eventId = `~${receivedAt}_${Math.random().toString(36).slice(2, 10)}`;
  }
  const kind = known ? (name as ChainEvent['kind']) : 'unknown';
  let type: string | undefined;
  let sender: string | undefined;
  switch (kind) {
    case 'event':
      type = str(obj.type);
      sender = str(obj.sender);
      break;
    case 'address':
      type = str(obj.objectType ?? obj.object_type) ?? str(obj.activityType);
      sender = str(obj.address);
      break;
    case 'coin':
      type = str(obj.coin_type ?? obj.coinType);
      sender = str(obj.address);
      break;
    case 'object':
      type = str(obj.objectType ?? obj.object_type ?? obj.writeKind);
      sender = str(obj.owner ?? obj.sender);
      break;
    default:
      type = str(obj.type);
      sender = str(obj.sender ?? obj.address);
  }
  const ev: ChainEvent = {
    id: eventId as string,
    stream,
    provider: 'warp',
    kind,
    name,
    receivedAt,
    payload: data,
  };
  if (mid !== undefined) ev.messageId = mid;
  if (digest !== undefined) ev.digest = digest;
  const sequence = toNumber(obj.eventSequence ?? obj.event_sequence ?? obj.eventSeq);
  if (sequence !== undefined) ev.sequence = sequence;
  const checkpoint = toNumber(obj.checkpoint);
  if (checkpoint !== undefined) ev.checkpoint = checkpoint;
  const timestamp = toNumber(obj.timestamp ?? obj.timestampMs);
  if (timestamp !== undefined) ev.timestamp = timestamp;
  if (type !== undefined) ev.type = type;
  if (sender !== undefined) ev.sender = sender;
  if (warnings) ev.warnings = warnings;
  return ev;
}

/**
 * A short readable name for an event, for editor tab titles: the last `::` segment of its type (generics dropped)
 * or its name, then its digest (or id) cut to `first 6…last 3`, e.g. `SwapEvent · 2FceBe…KA2`. Characters that
 * cannot appear in a file name (`/ \ : * ? " < > |`, control characters) become `_`; at most 80 characters.
 */
export function eventTitle(ev: Pick<ChainEvent, 'id' | 'name' | 'type' | 'digest'>): string {
  const base = (ev.type ?? '').split('<')[0] ?? '';
  const type = base.split('::').filter(Boolean).pop() || ev.name || 'event';
  const ref = ev.digest || ev.id;
  const short = ref.length > 12 ? `${ref.slice(0, 6)}…${ref.slice(-3)}` : ref;
  const safe = (s: string) => s.replace(/[/\\:*?"<>|\u0000-\u001f\u007f]/g, '_');
  return safe(`${type} · ${short}`).slice(0, 80);
}
