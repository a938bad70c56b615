/**
 * EVM logs as received from `eth_subscribe("logs")` / `eth_getLogs`: validation, the subscription filter built from
 * a stream definition, normalization to {@link ChainEvent}, and the {@link EvmLogLedger} that makes the merged
 * backfill + live sequence exactly-once and reorg-aware. Pure code: no I/O, no timers.
 */
import type { DecodedLog } from './evmDecode';
import type { ChainEvent } from '../event';
import type { StreamDefinition } from '../stream/stream';

/** A validated log. Numbers are decoded from hex; hashes and addresses are lowercased. */
export interface EvmLog {
  address: string;
  blockHash: string;
  blockNumber: number;
  logIndex: number;
  transactionHash: string;
  transactionIndex?: number;
  topics: string[];
  data: string;
  removed: boolean;
  /** Block time in ms, when the node includes `blockTimestamp` (newer geth/reth do). */
  timestamp?: number;
}

/** The filter object passed to `eth_subscribe("logs", filter)` and `eth_getLogs` (plus fromBlock/toBlock). */
export interface EvmLogFilter {
  address?: string | string[];
  topics?: Array<string | string[] | null>;
}

const hashRe = /^0x[0-9a-fA-F]{64}$/;
const addressRe = /^0x[0-9a-fA-F]{40}$/;

/** Reads a JSON-RPC quantity (`0x1b4`), also tolerating a plain number or decimal string. */
export function parseQuantity(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const n = value.length;
  if (n >= 3 && n <= 15 && value.charCodeAt(0) === 48 && value.charCodeAt(1) === 120) return hexCase(value, n - 2) === HEX_INVALID ? undefined : parseInt(value, 16);
  if (/^[0-9]{1,15}$/.test(value)) return Number(value);
  return undefined;
}

/** Formats a block number as a JSON-RPC quantity. */
export function toQuantity(n: number): string {
  return '0x' + n.toString(16);
}

/** {@link hexCase}: not `0x` + hex digits (of the length asked). */
export const HEX_INVALID = 0;
/** {@link hexCase}: valid, every digit lowercase. */
export const HEX_LOWER = 1;
/** {@link hexCase}: valid, some digit uppercase. */
export const HEX_MIXED = 2;

/**
 * Whether `s` is `0x` followed by hex digits: exactly `digits` of them, or any even number with `digits` = -1 (log
 * data). Returns {@link HEX_INVALID}, {@link HEX_LOWER} or {@link HEX_MIXED}, so a caller lowercases only when it
 * must. One pass over the characters (no regular expression: this runs for every hash of every log).
 */
export function hexCase(s: string, digits: number): number {
  const n = s.length;
  if (digits >= 0 ? n !== digits + 2 : (n & 1) !== 0) return HEX_INVALID;
  if (n < 2 || s.charCodeAt(0) !== 48 || s.charCodeAt(1) !== 120) return HEX_INVALID;
  let upper = false;
  for (let i = 2; i < n; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
    if (c >= 65 && c <= 70) upper = true;
    else return HEX_INVALID;
  }
  return upper ? HEX_MIXED : HEX_LOWER;
}

/** `s` lowercased when {@link hexCase} found it mixed, else `s` itself (no copy). */
function lowerHex(s: string, state: number): string {
  return state === HEX_MIXED ? s.toLowerCase() : s;
}

/**
 * Validates one raw log object. Returns the log, or an error naming the first bad field. Pending logs (no block
 * hash / number yet) are errors: they have no stable identity. Lowercase hex is kept as is (a node's usual form).
 */
export function parseLog(raw: unknown): { log: EvmLog } | { error: string } {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { error: 'log is not an object' };
  const r = raw as Record<string, unknown>;
  const blockHash = r.blockHash;
  const blockHashCase = typeof blockHash === 'string' ? hexCase(blockHash, 64) : HEX_INVALID;
  if (blockHashCase === HEX_INVALID) return { error: 'log has no valid blockHash (pending?)' };
  const blockNumber = parseQuantity(r.blockNumber);
  if (blockNumber === undefined) return { error: 'log has no valid blockNumber' };
  const logIndex = parseQuantity(r.logIndex);
  if (logIndex === undefined) return { error: 'log has no valid logIndex' };
  const txHash = r.transactionHash;
  const txHashCase = typeof txHash === 'string' ? hexCase(txHash, 64) : HEX_INVALID;
  if (txHashCase === HEX_INVALID) return { error: 'log has no valid transactionHash' };
  const address = r.address;
  const addressCase = typeof address === 'string' ? hexCase(address, 40) : HEX_INVALID;
  if (addressCase === HEX_INVALID) return { error: 'log has no valid address' };
  const rawTopics = r.topics;
  if (!Array.isArray(rawTopics) || rawTopics.length > 4) return { error: 'log topics are not 0-4 32-byte hashes' };
  let topicsMixed = false;
  for (let i = 0; i < rawTopics.length; i++) {
    const t: unknown = rawTopics[i];
    const state = typeof t === 'string' ? hexCase(t, 64) : HEX_INVALID;
    if (state === HEX_INVALID) return { error: 'log topics are not 0-4 32-byte hashes' };
    if (state === HEX_MIXED) topicsMixed = true;
  }
  const data = r.data === undefined || r.data === null ? '0x' : r.data;
  const dataCase = typeof data === 'string' ? hexCase(data, -1) : HEX_INVALID;
  if (dataCase === HEX_INVALID) return { error: 'log data is not hex' };
  if (r.removed !== undefined && r.removed !== null && typeof r.removed !== 'boolean') return { error: 'log removed flag is not a boolean' };
  const log: EvmLog = {
    address: lowerHex(address as string, addressCase),
    blockHash: lowerHex(blockHash as string, blockHashCase),
    blockNumber,
    logIndex,
    transactionHash: lowerHex(txHash as string, txHashCase),
    topics: topicsMixed ? (rawTopics as string[]).map((t) => t.toLowerCase()) : (rawTopics as string[]),
    data: lowerHex(data as string, dataCase),
    removed: r.removed === true,
  };
  const txIndex = parseQuantity(r.transactionIndex);
  if (txIndex !== undefined) log.transactionIndex = txIndex;
  const ts = parseQuantity(r.blockTimestamp);
  if (ts !== undefined) log.timestamp = ts * 1000;
  return { log };
}

/** The dedup key of a log: `${blockHash}:${logIndex}` (decimal index). Also the {@link ChainEvent.id} of the event. */
export function logKey(log: Pick<EvmLog, 'blockHash' | 'logIndex'>): string {
  return `${log.blockHash}:${log.logIndex}`;
}

/** Suffix of the id of an event that announces a removal (reorg); the rest of the id is the original event's id. */
export const REMOVED_SUFFIX = ':removed';
/** Suffix of the id of a log that came back after it had been removed (the chain flipped back). */
export const READDED_SUFFIX = ':readded';

/** For any EVM event, the id of the original (live) event it refers to: strips the removal / re-add suffix. */
export function evmOriginalId(id: string): string {
  if (id.endsWith(REMOVED_SUFFIX)) return id.slice(0, -REMOVED_SUFFIX.length);
  if (id.endsWith(READDED_SUFFIX)) return id.slice(0, -READDED_SUFFIX.length);
  return id;
}

/** Ordering of logs on the chain: block number, then log index. */
export function compareLogs(a: EvmLog, b: EvmLog): number {
  return a.blockNumber - b.blockNumber || a.logIndex - b.logIndex;
}

/**
 * The `eth_subscribe` / `eth_getLogs` filter for a definition: lowercase addresses (one or several), topics with
 * trailing `null`s dropped. Throws an Error with a clear message for malformed addresses or topics.
 */
export function buildLogFilter(def: Pick<StreamDefinition, 'address' | 'topics'>): EvmLogFilter {
  const filter: EvmLogFilter = {};
  if (def.address !== undefined) {
    const list = Array.isArray(def.address) ? def.address : [def.address];
    for (const a of list) if (typeof a !== 'string' || !addressRe.test(a)) throw new Error(`invalid address "${String(a)}" (expected 0x + 40 hex digits)`);
    if (list.length === 1) filter.address = list[0].toLowerCase();
    else if (list.length > 1) filter.address = list.map((a) => a.toLowerCase());
  }
  if (def.topics !== undefined) {
    if (!Array.isArray(def.topics) || def.topics.length > 4) throw new Error('topics must be an array of at most 4 positions');
    const topics = def.topics.map((t, i) => {
      if (t === null || t === undefined) return null;
      const list = Array.isArray(t) ? t : [t];
      for (const h of list) if (typeof h !== 'string' || !hashRe.test(h)) throw new Error(`invalid topic at position ${i}: "${String(h)}" (expected 0x + 64 hex digits)`);
      return Array.isArray(t) ? t.map((h) => h.toLowerCase()) : t.toLowerCase();
    });
    while (topics.length > 0 && topics[topics.length - 1] === null) topics.pop();
    if (topics.length > 0) filter.topics = topics;
  }
  return filter;
}

/**
 * Decodes one log's topics and data (the lazily loaded evmDecode module, bound to a stream's ABI and the
 * workspace's artifacts). `origin` (the log's address and block) lets it use the address-scoped artifacts.
 * Returns the decoded form, a warning when the log does not fit its event, or neither when the event is unknown.
 */
export type EvmLogDecoder = (topics: readonly string[], data: string, origin?: { address: string; blockNumber: number }) => { decoded?: DecodedLog; warning?: string };

/** The payload of an EVM {@link ChainEvent}: the raw log fields plus the decoded form, when there is one. */
export interface EvmEventPayload extends Omit<EvmLog, 'timestamp'> {
  decoded?: DecodedLog;
  /** `live` (subscription) or `backfill` (`eth_getLogs` after a reconnect). */
  source: 'live' | 'backfill';
}

const NOTHING_DECODED: { decoded?: DecodedLog; warning?: string } = Object.freeze({});

/**
 * Normalizes a validated log into the shared event model: provider `evm`, kind `log`, id = {@link logKey} (plus a
 * suffix for removals / re-adds), digest = tx hash, checkpoint = block number, sequence = log index,
 * sender = contract address, type = decoded event name (or undefined when unknown or without `decode`),
 * removed = reorged out.
 */
export function normalizeEvmLog(
  stream: string,
  log: EvmLog,
  receivedAt: number,
  opts: { decode?: EvmLogDecoder; source?: 'live' | 'backfill'; idSuffix?: string } = {},
): ChainEvent {
  // the log is its own origin (address and block): no object made per log for it
  const { decoded, warning } = opts.decode?.(log.topics, log.data, log) ?? NOTHING_DECODED;
  const payload: EvmEventPayload = {
    address: log.address,
    blockHash: log.blockHash,
    blockNumber: log.blockNumber,
    logIndex: log.logIndex,
    transactionHash: log.transactionHash,
    topics: log.topics,
    data: log.data,
    removed: log.removed,
    source: opts.source ?? 'live',
  };
  if (log.transactionIndex !== undefined) payload.transactionIndex = log.transactionIndex;
  if (decoded) payload.decoded = decoded;
  const ev: ChainEvent = {
    id: logKey(log) + (opts.idSuffix ?? ''),
    stream,
    provider: 'evm',
    kind: 'log',
    name: 'log',
    digest: log.transactionHash,
    sequence: log.logIndex,
    checkpoint: log.blockNumber,
    sender: log.address,
    receivedAt,
    payload,
  };
  if (decoded) ev.type = decoded.name;
  if (log.removed) ev.removed = true;
  if (log.timestamp !== undefined) ev.timestamp = log.timestamp;
  if (warning) ev.warnings = [warning];
  return ev;
}

/**
 * A reorg the node did not announce: a log arrived in a block whose hash differs from the one already seen at its
 * height, so that earlier block (and every remembered block above it, its descendants) is no longer canonical.
 */
export interface SilentReorg {
  /** Lowest height replaced: the height of the log that revealed the reorg. */
  block: number;
  /** Heights from `block` to the highest orphaned block holding logs this stream showed, inclusive (at least 1). */
  depth: number;
  /** The orphaned blocks' logs, flagged `removed`, newest first (the order a node re-sends them). */
  removed: EvmLog[];
}

/** What the ledger decided for one incoming log. */
export type LedgerVerdict =
  | { kind: 'new'; idSuffix: string; reorg?: SilentReorg }
  | { kind: 'removed'; idSuffix: string; seen: boolean }
  | { kind: 'duplicate' };

/** The verdict of nearly every log (new, no reorg): one shared object, not one per log. */
const NEW_LOG: LedgerVerdict = Object.freeze({ kind: 'new', idSuffix: '' });

interface BlockEntry {
  number: number;
  logs: Map<number, { state: 'live' | 'removed'; log: EvmLog }>;
}

/**
 * Remembers recent logs by block hash so that backfill and live deliveries merge exactly once, removals are matched
 * to the event they remove, and the resume point is known:
 * - {@link accept} decides per log: new, removed (reorg) or duplicate. A live log in a block whose hash differs from
 *   the one already seen at its height is a reorg the node did not announce (hardhat's `evm_revert`, some providers):
 *   the earlier block and the remembered blocks above it are marked removed ({@link SilentReorg}).
 * - {@link resumeFrom} is the first block a reconnect must re-read: the block of the newest processed log,
 *   inclusive (a socket can die between two logs of one block), or the block after the head seen when the
 *   subscription started, whichever is later.
 * - {@link recentBlocks} lists remembered blocks, newest first, to detect reorgs that happened while disconnected.
 * Memory is bounded: at most `maxLogs` logs (default 5,000) are remembered; the oldest blocks are dropped first.
 */
export class EvmLogLedger {
  private readonly blocks = new Map<string, BlockEntry>();
  private logCount = 0;
  private next: number | undefined;
  /** Highest height of any remembered block (may be stale high after a trim: it only saves scans). */
  private highest = -1;

  constructor(private readonly maxLogs = 5_000) {}

  /** First block a reconnect must read with `eth_getLogs`, or undefined before anything was seen. */
  get resumeFrom(): number | undefined {
    return this.next;
  }

  /** Notes that every block up to `head` was covered (the subscription started after it). Never moves backwards. */
  coveredThrough(head: number): void {
    if (this.next === undefined || head + 1 > this.next) this.next = head + 1;
  }

  /** Sets the resume point to `block` whatever it was (the node's chain is shorter than ours: a reset dev chain). */
  resetTo(block: number): void {
    this.next = block;
  }

  /** Moves the resume point back to `block` (a reorg was found there). */
  rewindTo(block: number): void {
    if (this.next === undefined || block < this.next) this.next = block;
  }

  /** Decides what to do with `log` and records it. */
  accept(log: EvmLog): LedgerVerdict {
    let entry = this.blocks.get(log.blockHash);
    let reorg: SilentReorg | undefined;
    if (!entry) {
      if (!log.removed && log.blockNumber <= this.highest) reorg = this.orphanFrom(log.blockNumber);
      entry = { number: log.blockNumber, logs: new Map() };
      this.blocks.set(log.blockHash, entry);
      if (log.blockNumber > this.highest) this.highest = log.blockNumber;
    }
    const prev = entry.logs.get(log.logIndex);
    if (!prev) this.logCount++;
    if (log.removed) {
      entry.logs.set(log.logIndex, { state: 'removed', log: prev?.log ?? log });
      this.trim();
      if (prev?.state === 'removed') return { kind: 'duplicate' };
      return { kind: 'removed', idSuffix: REMOVED_SUFFIX, seen: prev?.state === 'live' };
    }
    if (prev?.state === 'live') return { kind: 'duplicate' };
    entry.logs.set(log.logIndex, { state: 'live', log });
    if (this.next === undefined || log.blockNumber > this.next) this.next = log.blockNumber;
    this.trim();
    if (!reorg && prev === undefined) return NEW_LOG;
    const verdict: LedgerVerdict = { kind: 'new', idSuffix: prev?.state === 'removed' ? READDED_SUFFIX : '' };
    if (reorg) verdict.reorg = reorg;
    return verdict;
  }

  /**
   * A new block hash at `height`, at or below blocks already remembered: every remembered block at `height` or
   * above that still holds live logs is orphaned. Its logs are marked removed and the resume point rewinds to
   * `height`. Undefined when no such block holds live logs (an empty block was replaced: nothing to retract).
   */
  private orphanFrom(height: number): SilentReorg | undefined {
    const orphaned: Array<{ hash: string; number: number }> = [];
    for (const [hash, e] of this.blocks) {
      if (e.number >= height && [...e.logs.values()].some((l) => l.state === 'live')) orphaned.push({ hash, number: e.number });
    }
    if (orphaned.length === 0) return undefined;
    orphaned.sort((a, b) => b.number - a.number);
    const removed: EvmLog[] = [];
    for (const b of orphaned) removed.push(...this.dropBlock(b.hash).reverse());
    this.rewindTo(height);
    return { block: height, depth: orphaned[0].number - height + 1, removed };
  }

  /** Remembered blocks that still hold live logs, newest first. */
  recentBlocks(): Array<{ number: number; hash: string }> {
    const out: Array<{ number: number; hash: string }> = [];
    for (const [hash, e] of this.blocks) if ([...e.logs.values()].some((l) => l.state === 'live')) out.push({ number: e.number, hash });
    return out.sort((a, b) => b.number - a.number);
  }

  /**
   * Marks a remembered block's live logs as removed (the block was reorged out while disconnected) and rewinds
   * the resume point to its height. Returns those logs, flagged `removed`, in log-index order.
   */
  dropBlock(hash: string): EvmLog[] {
    const e = this.blocks.get(hash);
    if (!e) return [];
    const out: EvmLog[] = [];
    for (const [idx, l] of [...e.logs.entries()].sort((a, b) => a[0] - b[0])) {
      if (l.state !== 'live') continue;
      e.logs.set(idx, { state: 'removed', log: l.log });
      out.push({ ...l.log, removed: true });
    }
    this.rewindTo(e.number);
    return out;
  }

  /** Logs remembered (tests, diagnostics). */
  get size(): number {
    return this.logCount;
  }

  private trim(): void {
    if (this.logCount <= this.maxLogs) return;
    // Blocks arrive in chain order (a gap fill's older blocks excepted), so insertion order is age order; evict
    // down to 90 % so a stream at capacity does not evict on every log.
    const target = Math.floor(this.maxLogs * 0.9);
    for (const [hash, e] of this.blocks) {
      if (this.logCount <= target) break;
      this.blocks.delete(hash);
      this.logCount -= e.logs.size;
    }
  }
}
