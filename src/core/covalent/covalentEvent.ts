/**
 * Covalent log events (EVM): the item schema, chain names, and the normalizer from a STOMP MESSAGE body to the
 * shared {@link ChainEvent} model. Pure: no I/O. Bodies are attacker-controlled: nothing here throws on bad input,
 * problems become warnings and the stream goes on.
 */
import type { ChainEvent } from '../event';
import { setEventSize, setPayloadText, toNumber } from '../event';

/** One decoded parameter of a Covalent log event (`decoded.params[]`). */
export interface CovalentParam {
  name: string;
  type: string;
  indexed: boolean;
  decoded: boolean;
  /** Numbers above 2^53 arrive as decimal strings. */
  value: unknown;
}

/** The `decoded` block of a Covalent log event, present when Covalent knows the ABI. */
export interface CovalentDecoded {
  /** Event name, e.g. `Transfer`. */
  name: string;
  /** Solidity signature, e.g. `Transfer(indexed address from, indexed address to, uint256 value)`. */
  signature: string;
  params: CovalentParam[] | null;
}

/** One log event item as Covalent's "get log events" endpoints return it (every field optional on the wire). */
export interface CovalentLogItem {
  /** RFC 3339 block time. */
  block_signed_at?: string;
  block_height?: number;
  tx_offset?: number;
  /** Log index within the block. With `tx_hash`, the dedup key. */
  log_offset?: number;
  tx_hash?: string;
  /** topic0 (event signature hash) first, then the indexed arguments. */
  raw_log_topics?: string[];
  sender_contract_decimals?: number | null;
  sender_name?: string | null;
  sender_contract_ticker_symbol?: string | null;
  /** The contract that emitted the log. */
  sender_address?: string;
  sender_address_label?: string | null;
  sender_logo_url?: string | null;
  raw_log_data?: string | null;
  decoded?: CovalentDecoded | null;
}

/** Covalent chain names by numeric chain id (protocols.md §2). */
export const covalentChains: Readonly<Record<number, string>> = {
  1: 'eth-mainnet',
  11155111: 'eth-sepolia',
  137: 'matic-mainnet',
  56: 'bsc-mainnet',
  43114: 'avalanche-mainnet',
  10: 'optimism-mainnet',
  42161: 'arbitrum-mainnet',
  8453: 'base-mainnet',
  84532: 'base-sepolia-testnet',
  100: 'gnosis-mainnet',
  59144: 'linea-mainnet',
  534352: 'scroll-mainnet',
  324: 'zksync-mainnet',
};

/** The `ChainEvent.name` every Covalent event carries (the decoded event name goes to `type`). */
export const covalentEventName = 'log';

function asObject(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function str(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  return undefined;
}

/**
 * The dedup key of a log item: `tx_hash` (lower-cased) + `:` + `log_offset`, or undefined when either is missing.
 * `log_offset` may be a number or a decimal string.
 */
export function covalentEventId(item: unknown): string | undefined {
  const obj = asObject(item);
  if (!obj) return undefined;
  const hash = str(obj.tx_hash);
  const offset = toNumber(obj.log_offset);
  if (!hash || offset === undefined) return undefined;
  return `${hash.toLowerCase()}:${offset}`;
}

/**
 * Normalizes one Covalent log item into a {@link ChainEvent}: kind `log`, provider `covalent`, id
 * `tx_hash:log_offset`, `digest` = tx hash, `checkpoint` = block height, `sequence` = log offset,
 * `timestamp` = `block_signed_at` in ms, `sender` = emitting contract, `type` = decoded event name (or topic0 when
 * not decoded). The item itself is kept untouched in `payload`. Never throws; problems become `warnings`.
 */
export function normalizeCovalent(stream: string, item: unknown, receivedAt: number): ChainEvent {
  const warnings: string[] = [];
  const obj = asObject(item) ?? {};
  if (obj !== item) warnings.push(`log item is not an object (${item === null ? 'null' : Array.isArray(item) ? 'array' : typeof item})`);
  let id = covalentEventId(obj);
  if (!id) {
    warnings.push('log item without tx_hash/log_offset (not deduplicated)');
    id = `~${receivedAt}_${Math.random().toString(36).slice(2, 10)}`;
  }
  const ev: ChainEvent = { id, stream, provider: 'covalent', kind: 'log', name: covalentEventName, receivedAt, payload: item };
  const digest = str(obj.tx_hash);
  if (digest !== undefined) ev.digest = digest;
  const sequence = toNumber(obj.log_offset);
  if (sequence !== undefined) ev.sequence = sequence;
  const height = toNumber(obj.block_height);
  if (height !== undefined) ev.checkpoint = height;
  const signedAt = str(obj.block_signed_at);
  if (signedAt !== undefined) {
    const ms = Date.parse(signedAt);
    if (Number.isFinite(ms)) ev.timestamp = ms;
    else warnings.push('block_signed_at is not a date');
  }
  const sender = str(obj.sender_address);
  if (sender !== undefined) ev.sender = sender;
  const decoded = asObject(obj.decoded);
  const decodedName = decoded ? str(decoded.name) : undefined;
  if (decodedName) ev.type = decodedName;
  else if (Array.isArray(obj.raw_log_topics) && typeof obj.raw_log_topics[0] === 'string') ev.type = obj.raw_log_topics[0];
  if (warnings.length) ev.warnings = warnings;
  return ev;
}

/** What one MESSAGE body turned into: its events (maybe none) and problems worth a notice. */
export interface CovalentBodyResult {
  events: ChainEvent[];
  /** Human-readable, free of body content beyond sizes and field names (the body is attacker-controlled). */
  warnings: string[];
}

/**
 * Parses one STOMP MESSAGE body. Accepts one log item, a REST-style wrapper `{data: {items: [...]}}` (or
 * `{items: [...]}`), or a bare array of items. Invalid JSON or an unrecognized shape yields no events and a warning.
 */
export function parseCovalentBody(stream: string, body: string, receivedAt: number): CovalentBodyResult {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (err) {
    // V8's messages quote part of the input: keep only the position (the body is attacker-controlled).
    const position = err instanceof Error ? /position (\d+)/.exec(err.message)?.[1] : undefined;
    return { events: [], warnings: [`invalid JSON in MESSAGE body (${body.length} chars)${position ? `, error at position ${position}` : ''}`] };
  }
  let items: unknown[];
  if (Array.isArray(value)) items = value;
  else {
    const obj = asObject(value);
    const data = obj ? asObject(obj.data) : undefined;
    if (data && Array.isArray(data.items)) items = data.items;
    else if (obj && Array.isArray(obj.items)) items = obj.items;
    else if (obj) {
      // the common case, one log item per MESSAGE: the journal can write the body text as received
      const ev = normalizeCovalent(stream, obj, receivedAt);
      if (ev.payload === obj) setPayloadText(ev, body);
      setEventSize(ev, body.length);
      return { events: [ev], warnings: [] };
    } else return { events: [], warnings: [`MESSAGE body is not a log event (JSON ${value === null ? 'null' : typeof value})`] };
  }
  return { events: items.map((item) => normalizeCovalent(stream, item, receivedAt)), warnings: [] };
}

/** Longest text {@link describeCovalentLog} returns, in characters. */
export const maxDescriptionChars = 300;

function shortValue(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return value.length > 66 ? `${value.slice(0, 63)}...` : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  try {
    const json = JSON.stringify(value);
    return json.length > 66 ? `${json.slice(0, 63)}...` : json;
  } catch {
    return '?';
  }
}

/**
 * One line for a log event, for lists and tooltips: `Transfer(from=0xab..., to=0xcd..., value=1000)` when decoded,
 * `log topic0=0x... (+2 topics, 64 data bytes)` otherwise. At most {@link maxDescriptionChars} characters.
 */
export function describeCovalentLog(payload: unknown): string {
  const obj = asObject(payload) ?? {};
  const decoded = asObject(obj.decoded);
  let text: string;
  if (decoded && typeof decoded.name === 'string') {
    const params = Array.isArray(decoded.params) ? decoded.params : [];
    const parts = params.map((p) => {
      const po = asObject(p) ?? {};
      return `${str(po.name) ?? '?'}=${shortValue(po.value)}`;
    });
    text = `${decoded.name}(${parts.join(', ')})`;
  } else {
    const topics = Array.isArray(obj.raw_log_topics) ? obj.raw_log_topics : [];
    const data = typeof obj.raw_log_data === 'string' ? obj.raw_log_data : '';
    const dataBytes = data.startsWith('0x') ? Math.floor((data.length - 2) / 2) : 0;
    text = `log topic0=${shortValue(topics[0])} (+${Math.max(0, topics.length - 1)} topics, ${dataBytes} data bytes)`;
  }
  return text.length > maxDescriptionChars ? `${text.slice(0, maxDescriptionChars - 3)}...` : text;
}
