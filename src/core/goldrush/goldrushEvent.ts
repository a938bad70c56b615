/**
 * Turns the `data` of a GoldRush `next` message into {@link ChainEvent}s. Pure: no I/O, never throws.
 *
 * - `walletTxs`: one event per log of each transaction, carrying the transaction's decoded details (id
 *   `tx_hash:log_offset`, so a log delivered twice, e.g. across a reconnect, is dropped by the engine's dedup);
 *   a transaction without logs becomes one event (id `tx_hash:tx`).
 * - `newPairs`, `updatePairs`, `updateTokens`, OHLCV candles: one event per item. A new pair is keyed by its
 *   creation tx, a pair or token update by GoldRush's `id` of the swap. Candles (and updates without an `id`) have
 *   no natural id (an open candle is sent again as it moves), so the id is the subscription key plus a hash of the
 *   item: an identical repeat is dropped, a changed value is a new event.
 * - A payload that is not shaped as documented gives a warning in words; the items that are usable still pass.
 */
import type { ChainEvent, EventKind } from '../event';
import { toNumber } from '../event';
import type { GoldRushKind } from './goldrushQuery';

/** What {@link parseGoldRushData} found. */
export interface GoldRushParseResult {
  events: ChainEvent[];
  warnings: string[];
}

/** One wallet-transaction log as Chain Watch stores it: the log, and the transaction it belongs to. */
export interface GoldRushWalletLogPayload {
  /** The transaction as received, without its `logs` array. */
  tx: Record<string, unknown>;
  /** The log, or undefined for a transaction that emitted none. */
  log?: Record<string, unknown>;
  /** How many logs the transaction has. */
  logCount: number;
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** An ISO time or ms/seconds number to ms since epoch. */
export function goldRushTime(v: unknown): number | undefined {
  if (typeof v === 'string' && /^\d{4}-\d\d-\d\d/.test(v)) {
    const t = Date.parse(v);
    return Number.isFinite(t) ? t : undefined;
  }
  const n = toNumber(v);
  if (n === undefined) return undefined;
  return n < 1e12 ? n * 1000 : n;
}

/** FNV-1a over a string, as 8 hex digits: a short stable content key (not a security hash). */
export function contentHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

const kindOf: Record<GoldRushKind, EventKind> = {
  walletTxs: 'walletTx',
  newPairs: 'pair',
  updatePairs: 'pair',
  updateTokens: 'token',
  ohlcvCandlesForPair: 'candle',
  ohlcvCandlesForToken: 'candle',
};

/**
 * Parses `data` (the `next` payload's `data` object) of a `kind` subscription for stream `stream`.
 * `receivedAt` is the local receive time, ms.
 */
export function parseGoldRushData(stream: string, kind: GoldRushKind, data: unknown, receivedAt: number): GoldRushParseResult {
  const warnings: string[] = [];
  const events: ChainEvent[] = [];
  const obj = rec(data);
  if (!obj) return { events, warnings: [`malformed GoldRush message: "data" is ${data === null ? 'null' : Array.isArray(data) ? 'an array' : typeof data}, expected an object`] };
  const field = obj[kind];
  if (field === undefined || field === null) return { events, warnings: [`malformed GoldRush message: no "${kind}" in data (keys: ${Object.keys(obj).slice(0, 5).join(', ') || 'none'})`] };
  const items = Array.isArray(field) ? field : [field];
  let skipped = 0;
  for (const item of items) {
    const it = rec(item);
    if (!it) {
      skipped++;
      continue;
    }
    if (kind === 'walletTxs') {
      const n = walletEvents(stream, it, receivedAt, events);
      if (n === 0) skipped++;
    } else events.push(itemEvent(stream, kind, it, receivedAt));
  }
  if (skipped) warnings.push(`malformed GoldRush message: ${skipped} of ${items.length} ${kind} item${items.length === 1 ? '' : 's'} unusable (${kind === 'walletTxs' ? 'not an object with "tx_hash"' : 'not an object'}), skipped`);
  return { events, warnings };
}

function walletEvents(stream: string, tx: Record<string, unknown>, receivedAt: number, out: ChainEvent[]): number {
  const hash = str(tx.tx_hash);
  if (!hash) return 0;
  const { logs, ...rest } = tx;
  const logList = Array.isArray(logs) ? logs : [];
  const base = {
    stream,
    provider: 'goldrush' as const,
    kind: 'walletTx' as const,
    name: 'walletTxs',
    digest: hash,
    receivedAt,
  };
  const block = toNumber(tx.block_height);
  const time = goldRushTime(tx.block_signed_at);
  const type = str(tx.decoded_type);
  const sender = str(tx.from_address);
  const finish = (ev: ChainEvent, warnings: string[]) => {
    if (block !== undefined) ev.checkpoint = block;
    if (time !== undefined) ev.timestamp = time;
    if (type !== undefined) ev.type = type;
    if (sender !== undefined) ev.sender = sender;
    if (tx.successful === false) warnings.push('transaction failed on chain');
    if (warnings.length) ev.warnings = warnings;
    out.push(ev);
  };
  const key = hash.toLowerCase();
  if (logList.length === 0) {
    const payload: GoldRushWalletLogPayload = { tx: rest, logCount: 0 };
    finish({ ...base, id: `${key}:tx`, payload }, []);
    return 1;
  }
  logList.forEach((l, i) => {
    const log = rec(l);
    const warnings: string[] = [];
    const offset = toNumber(log?.log_offset);
    if (offset === undefined) warnings.push('log without "log_offset" (deduplicated by its position)');
    const payload: GoldRushWalletLogPayload = { tx: rest, logCount: logList.length };
    if (log) payload.log = log;
    else warnings.push('log is not an object');
    const ev: ChainEvent = { ...base, id: `${key}:${offset ?? `#${i}`}`, payload };
    if (offset !== undefined) ev.sequence = offset;
    finish(ev, warnings);
  });
  return logList.length;
}

function itemEvent(stream: string, kind: GoldRushKind, it: Record<string, unknown>, receivedAt: number): ChainEvent {
  const base = rec(it.base_token);
  const quote = rec(it.quote_token);
  const pair = str(it.pair_address);
  const token = str(base?.contract_address);
  const subject = kind === 'updateTokens' || kind === 'ohlcvCandlesForToken' ? (token ?? pair) : (pair ?? token);
  const time = goldRushTime(it.timestamp ?? it.block_signed_at);
  let content: string;
  try {
    content = JSON.stringify(it);
  } catch {
    content = String(receivedAt);
  }
  const idParts = [kind, (subject ?? '?').toLowerCase()];
  const updateId = kind === 'updatePairs' || kind === 'updateTokens' ? str(it.id) : undefined;
  if (kind === 'newPairs') idParts.push(str(it.tx_hash) ?? contentHash(content));
  else if (updateId) idParts.push(updateId);
  else idParts.push(str(it.timestamp) ?? '', contentHash(content));
  const ev: ChainEvent = {
    id: idParts.join(':'),
    stream,
    provider: 'goldrush',
    kind: kindOf[kind],
    name: kind,
    receivedAt,
    payload: it,
  };
  const hash = str(it.tx_hash);
  if (hash !== undefined) ev.digest = hash;
  if (time !== undefined) ev.timestamp = time;
  const symbols = [str(base?.contract_ticker_symbol), str(quote?.contract_ticker_symbol)].filter((x): x is string => !!x);
  if (symbols.length) ev.type = symbols.join('/');
  const who = str(it.deployer_address ?? it.trader) ?? subject;
  if (who !== undefined) ev.sender = who;
  return ev;
}
