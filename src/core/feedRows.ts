/**
 * The feed's row model. Pure: no DOM, no I/O, no 'vscode'; used by the webview (media/feed.ts) and by the host
 * (src/vscode/feedView.ts, which keeps the same bounded history to send as a snapshot).
 *
 * - {@link FeedRow}: one row (event, gap or notice), with display cells and search text computed lazily and cached,
 *   so ingesting thousands of events per second costs almost nothing until a row is shown or searched.
 * - {@link FeedStore}: a bounded ring of rows (oldest evicted first); gap rows update in place.
 * - {@link FeedModel}: store + filter + stream toggles + pause (with its "N new" queue), as indexes the view renders.
 * - {@link RateMeter}: per-stream events per second over the last minute (the header sparklines).
 * - {@link FeedBatcher}: the host's "at most one message per 50 ms" batching, on an injected clock.
 */
import type { FeedEvent, FeedGap, FeedItem } from '../feedProtocol';
import type { FeedFilter, FilterSubject } from './feedFilter';
import type { Clock, TimerHandle } from './clock';

/** Default number of rows kept (setting `chainWatch.feed.maxEvents`). */
export const defaultMaxEvents = 10_000;
/** Longest text of one value in a row's summary, in characters. */
export const maxCellChars = 48;
/** Longest summary line, in characters. */
export const maxSummaryChars = 160;

// C0/C1 controls (except tab), bidi embeddings/overrides/isolates, marks, zero-width and BOM characters: these can
// reorder or hide text ("Trojan source"), so the feed shows them as visible escapes instead.
const invisible = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/** Replaces invisible and direction-changing characters with a visible `\u202e`-style escape. */
export function escapeInvisible(text: string): string {
  return text.replace(invisible, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * One line of display text: newlines become `⏎`, invisible characters become escapes, and the result is cut to
 * `max` characters (with `…`). Only the first `4 * max` characters are examined, so a 1 MB string costs nothing.
 */
export function displayText(value: string, max: number): string {
  const head = value.length > max * 4 ? value.slice(0, max * 4) : value;
  let s = escapeInvisible(head.replace(/\r\n|\r|\n/g, '⏎').replace(/\t/g, ' '));
  if (s.length > max || head.length < value.length) s = s.slice(0, Math.max(1, max - 1)) + '…';
  return s;
}

/** Shortens a Move type by dropping package addresses: `0x2::coin::Coin<0xab…::usdc::USDC>` -> `coin::Coin<usdc::USDC>`. */
export function shortType(type: string): string {
  return type.replace(/0x[0-9a-fA-F]+::/g, '');
}

/** Shortens a hash or address for a chip: `0x1234…cdef`; short values unchanged. */
export function shortHash(value: string): string {
  const v = displayText(value, 200);
  return v.length > 16 ? `${v.slice(0, 8)}…${v.slice(-6)}` : v;
}

/** A short one-line rendering of any value (objects and arrays as their size, not their content). */
export function shortValue(v: unknown, max = maxCellChars): string {
  if (v === null) return 'null';
  if (v === undefined) return '';
  if (typeof v === 'string') return displayText(v, max);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v)) return `[${v.length}]`;
  if (typeof v === 'object') return `{${Object.keys(v as object).length}}`;
  return displayText(String(v), max);
}

/** `HH:MM:SS.mmm` in local time. */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** Relative time: `now`, `4.2 s ago`, `3 m ago`, `2 h ago`, `5 d ago` (a future time counts as `now`). */
export function formatRelative(ms: number, nowMs: number): string {
  const d = nowMs - ms;
  if (d < 1000) return 'now';
  if (d < 60_000) return `${(d / 1000).toFixed(1)} s ago`;
  if (d < 3_600_000) return `${Math.floor(d / 60_000)} m ago`;
  if (d < 86_400_000) return `${Math.floor(d / 3_600_000)} h ago`;
  return `${Math.floor(d / 86_400_000)} d ago`;
}

/** Seconds with one decimal: `12.4 s`; minutes past 120 s: `3.5 min`. */
export function formatDuration(ms: number): string {
  return ms >= 120_000 ? `${(ms / 60_000).toFixed(1)} min` : `${(ms / 1000).toFixed(1)} s`;
}

/** The gap row's text: `down 12.4 s · resumed from <id> · 37 replayed`. */
export function gapLabel(gap: FeedGap): string {
  const parts = [`down ${formatDuration(gap.downMs)}`];
  if (gap.resumedFrom) parts.push(`resumed from ${displayText(gap.resumedFrom, 64)}`);
  else parts.push(gap.mode === 'live' ? 'resumed live (events while down are not replayed)' : `resumed (${displayText(gap.mode, 16)})`);
  parts.push(`${gap.replayed} replayed`);
  return parts.join(' · ');
}

function rec(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

// Keys that are already shown in their own column, so the summary skips them.
const metaKeys = new Set([
  'activityType', 'txDigest', 'tx_digest', 'digest', 'eventSequence', 'checkpoint', 'timestamp', 'timestampMs',
  'type', 'sender', 'transactionHash', 'tx_hash', 'blockHash', 'blockNumber', 'block_height', 'logIndex', 'log_offset',
  'tx_offset', 'block_signed_at', 'transactionIndex', 'removed',
]);

function summarizeEntries(obj: Record<string, unknown>, skip: Set<string>, limit: number): string[] {
  const out: string[] = [];
  let n = 0;
  for (const k in obj) {
    if (n >= limit) {
      out.push('…');
      break;
    }
    if (skip.has(k)) continue;
    out.push(`${displayText(k, 24)}=${shortValue(obj[k])}`);
    n++;
  }
  return out;
}

/** The one-line summary of an event's key fields (already display-safe and at most {@link maxSummaryChars}). */
export function summarize(ev: FeedEvent): string {
  const p = rec(ev.payload);
  let parts: string[];
  if (!p) parts = [shortValue(ev.payload)];
  else
    switch (ev.kind) {
      case 'coin':
        parts = [`${shortValue(p.amount)} ${shortType(shortValue(p.coin_type ?? p.coinType, 80))}`];
        break;
      case 'object':
        parts = [shortValue(p.writeKind), shortValue(p.transactionDirection), shortValue(p.object_id ?? p.objectId), `owner=${shortValue(p.owner)}`];
        break;
      case 'address':
        parts = [shortValue(p.activityType), shortValue(p.objectId ?? p.object_id), shortValue(p.objectType ?? p.object_type)];
        break;
      case 'event': {
        const data = rec(p.data);
        parts = data ? summarizeEntries(data, new Set(), 5) : summarizeEntries(p, metaKeys, 5);
        break;
      }
      case 'log': {
        const decoded = rec(p.decoded);
        const params = decoded && Array.isArray(decoded.params) ? decoded.params : undefined;
        if (params) parts = params.slice(0, 5).map((x) => `${shortValue(rec(x)?.name, 24)}=${shortValue(rec(x)?.value)}`);
        else parts = summarizeEntries(p, new Set([...metaKeys, 'topics', 'raw_log_topics']), 4);
        break;
      }
      default:
        parts = summarizeEntries(p, metaKeys, 5);
    }
  if (ev.removed) parts.unshift('REMOVED (reorg)');
  if (ev.warnings && ev.warnings.length) parts.push(`⚠ ${displayText(ev.warnings[0]!, 60)}`);
  return displayText(parts.filter((x) => x !== '').join('  '), maxSummaryChars);
}

/** A row's display cells (all strings are display-safe: escaped and truncated). */
export interface RowCells {
  /** Kind label: `event`, `coin`, ..., `gap`, `info`, `warn`, `error`. */
  kind: string;
  /** Short type or event name; full text in `typeFull`. */
  type: string;
  typeFull: string;
  /** Digest chip text (shortened); empty when none. */
  digest: string;
  /** Sender / address (shortened). */
  sender: string;
  senderFull: string;
  summary: string;
}

/** A digest or address is offered to copy / open only when it looks like one (base58 or 0x-hex, bounded length). */
export function isChipValue(value: string | undefined): value is string {
  return typeof value === 'string' && /^(0x[0-9a-fA-F]{1,128}|[1-9A-HJ-NP-Za-km-z]{20,100})$/.test(value);
}

/** One feed row. Display cells and search text are computed on first use and cached. */
export class FeedRow implements FilterSubject {
  /** An EVM log that a later row reports as removed by a reorg: shown struck through. */
  struck = false;
  private _cells: RowCells | undefined;
  private _text: string | undefined;
  private _lower: string | undefined;

  constructor(
    /** Position in arrival order, unique within one {@link FeedStore}. */
    readonly seq: number,
    public item: FeedItem,
  ) {}

  /** `stream \0 id` for events, `gap \0 stream \0 gapId` for gaps, `notice \0 seq` for notices. */
  get key(): string {
    return rowKey(this.item, this.seq);
  }

  get stream(): string {
    const it = this.item;
    return it.kind === 'event' ? it.event.stream : it.kind === 'gap' ? it.gap.stream : it.notice.stream;
  }

  /** When the row happened (receive time, resume time, notice time), ms since epoch. */
  get at(): number {
    const it = this.item;
    return it.kind === 'event' ? it.event.receivedAt : it.kind === 'gap' ? it.gap.resumedAt : it.notice.at;
  }

  /** The event, when this is an event row. */
  get event(): FeedEvent | undefined {
    return this.item.kind === 'event' ? this.item.event : undefined;
  }

  /** Replaces the item (a gap update) and drops the caches. */
  update(item: FeedItem): void {
    this.item = item;
    this._cells = this._text = this._lower = undefined;
  }

  /** The display cells (computed once). A value that cannot be shown yields a row saying so, never an exception. */
  cells(): RowCells {
    if (this._cells) return this._cells;
    try {
      this._cells = this.computeCells();
    } catch (err) {
      const msg = displayText(err instanceof Error ? err.message : String(err), 80);
      this._cells = { kind: '?', type: '(unreadable)', typeFull: '(unreadable)', digest: '', sender: '', senderFull: '', summary: `cannot show this row: ${msg}` };
    }
    return this._cells;
  }

  private computeCells(): RowCells {
    const it = this.item;
    let c: RowCells;
    if (it.kind === 'event') {
      const ev = it.event;
      const typeFull = String(ev.type ?? ev.name);
      c = {
        kind: ev.kind === 'unknown' ? displayText(ev.name, 16) : ev.kind,
        type: displayText(shortType(typeFull), 60),
        typeFull: displayText(typeFull, 400),
        digest: ev.digest ? shortHash(String(ev.digest)) : '',
        sender: ev.sender ? shortHash(String(ev.sender)) : '',
        senderFull: ev.sender ? displayText(String(ev.sender), 200) : '',
        summary: summarize(ev),
      };
    } else if (it.kind === 'gap') {
      const label = gapLabel(it.gap);
      c = { kind: 'gap', type: 'reconnected', typeFull: 'reconnected', digest: '', sender: '', senderFull: '', summary: label };
    } else {
      const msg = displayText(it.notice.message, maxSummaryChars);
      c = { kind: displayText(String(it.notice.level), 8), type: 'notice', typeFull: 'notice', digest: '', sender: '', senderFull: '', summary: msg };
    }
    return c;
  }

  text(lower: boolean): string {
    if (this._text === undefined) this._text = rowText(this.item);
    if (!lower) return this._text;
    if (this._lower === undefined) this._lower = this._text.toLowerCase();
    return this._lower;
  }

  field(name: string): unknown {
    return rowField(this.item, name);
  }
}

/**
 * Whether an item has the shape the feed relies on (the kind's object with its string ids and numeric times).
 * The host sends normalized events, but the webview checks anyway: a malformed item is dropped (and counted), it
 * never breaks the rows around it.
 */
export function isFeedItem(value: unknown): value is FeedItem {
  if (!value || typeof value !== 'object') return false;
  const it = value as { kind?: unknown; event?: unknown; gap?: unknown; notice?: unknown };
  const obj = (v: unknown): Record<string, unknown> | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined);
  if (it.kind === 'event') {
    const e = obj(it.event);
    return !!e && typeof e.id === 'string' && typeof e.stream === 'string' && typeof e.kind === 'string' && typeof e.name === 'string' && typeof e.receivedAt === 'number';
  }
  if (it.kind === 'gap') {
    const g = obj(it.gap);
    return !!g && typeof g.stream === 'string' && typeof g.gapId === 'number' && typeof g.downMs === 'number' && typeof g.resumedAt === 'number' && typeof g.replayed === 'number';
  }
  if (it.kind === 'notice') {
    const n = obj(it.notice);
    return !!n && typeof n.stream === 'string' && typeof n.message === 'string' && typeof n.at === 'number' && typeof n.level === 'string';
  }
  return false;
}

/** When an item happened: receive time (events), resume time (gaps), notice time; ms since epoch. */
export function itemTime(item: FeedItem): number {
  return item.kind === 'event' ? item.event.receivedAt : item.kind === 'gap' ? item.gap.resumedAt : item.notice.at;
}

/**
 * `items` plus those `extra` events whose stream + id `items` lacks, in time order (stable: equal times keep their
 * order, `items` first). Used to fold events restored from a journal (which arrive without a live notification)
 * into the feed's history.
 */
export function mergeMissing(items: readonly FeedItem[], extra: readonly FeedItem[]): FeedItem[] {
  const have = new Set<string>();
  for (const it of items) if (it.kind === 'event') have.add(rowKey(it, 0));
  const missing = extra.filter((it) => it.kind === 'event' && !have.has(rowKey(it, 0)));
  if (missing.length === 0) return [...items];
  return [...items, ...missing].sort((a, b) => itemTime(a) - itemTime(b));
}

/** The identity of an item: events by stream + id, gaps by stream + gapId; notices are unique by position. */
export function rowKey(item: FeedItem, seq: number): string {
  if (item.kind === 'event') return `${item.event.stream}\u0000${item.event.id}`;
  if (item.kind === 'gap') return `gap\u0000${item.gap.stream}\u0000${item.gap.gapId}`;
  return `notice\u0000${seq}`;
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return String(v);
  }
}

/** The searchable text of an item: the whole payload as JSON plus the meta fields. */
export function rowText(item: FeedItem): string {
  if (item.kind === 'event') {
    const e = item.event;
    return [e.stream, e.kind, e.name, e.type ?? '', e.sender ?? '', e.digest ?? '', e.id, safeJson(e.payload)].join(' ');
  }
  if (item.kind === 'gap') return `${item.gap.stream} gap ${gapLabel(item.gap)}`;
  return `${item.notice.stream} ${item.notice.level} ${item.notice.message}`;
}

/** Resolves a dotted path in a value; arrays are searched element-wise unless the segment is an index. */
export function resolvePath(root: unknown, path: string[]): unknown[] {
  let cur: unknown[] = [root];
  for (const seg of path) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (Array.isArray(v)) {
        if (/^\d+$/.test(seg)) {
          if (Number(seg) < v.length) next.push(v[Number(seg)]);
        } else
          for (const el of v) {
            const o = rec(el);
            if (o && Object.prototype.hasOwnProperty.call(o, seg)) next.push(o[seg]);
          }
      } else {
        const o = rec(v);
        if (o && Object.prototype.hasOwnProperty.call(o, seg)) next.push(o[seg]);
      }
    }
    if (next.length === 0) return [];
    cur = next;
  }
  return cur.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

// Event fields a filter can name directly (anything else is a payload path).
const metaFields: Record<string, (e: FeedEvent) => unknown> = {
  stream: (e) => e.stream,
  kind: (e) => e.kind,
  name: (e) => e.name,
  type: (e) => e.type ?? e.name,
  sender: (e) => e.sender,
  digest: (e) => e.digest,
  tx: (e) => e.digest,
  id: (e) => e.id,
  checkpoint: (e) => e.checkpoint,
  block: (e) => e.checkpoint,
  seq: (e) => e.sequence,
  sequence: (e) => e.sequence,
  provider: (e) => e.provider,
  level: (e) => (e.warnings && e.warnings.length ? 'warn' : 'info'),
};

interface ParsedField {
  lower: string;
  /** Reader for a meta field, or undefined for a payload path. */
  meta: ((e: FeedEvent) => unknown) | undefined;
  segs: string[];
}
const parsedFields = new Map<string, ParsedField>();
let lastName = '';
let lastParsed: ParsedField | undefined;

// A filter asks for the same field of every row in turn: remember the last one parsed.
function parseField(name: string): ParsedField {
  if (name === lastName && lastParsed) return lastParsed;
  let p = parsedFields.get(name);
  if (!p) {
    const segs = name.split('.').filter((x) => x !== '');
    if (segs[0] === 'payload') segs.shift();
    const lower = name.toLowerCase();
    p = { lower, meta: Object.prototype.hasOwnProperty.call(metaFields, lower) ? metaFields[lower] : undefined, segs };
    if (parsedFields.size > 256) parsedFields.clear();
    parsedFields.set(name, p);
  }
  lastName = name;
  lastParsed = p;
  return p;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Walks a path through plain objects; falls back to {@link resolvePath} when an array is on the way. */
function resolveField(root: unknown, segs: string[]): unknown {
  let cur: unknown = root;
  for (let i = 0; i < segs.length; i++) {
    if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) return resolvePath(cur, segs.slice(i));
    const seg = segs[i]!;
    if (!hasOwn.call(cur, seg)) return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}

/** The value(s) of a filter field for an item (see the field list in feedFilter.ts); an array means several. */
export function rowField(item: FeedItem, name: string): unknown {
  const pf = parseField(name);
  if (item.kind !== 'event') {
    const f = pf.lower;
    if (f === 'stream') return item.kind === 'gap' ? item.gap.stream : item.notice.stream;
    if (f === 'kind') return item.kind === 'gap' ? 'gap' : 'notice';
    if (f === 'level') return item.kind === 'gap' ? 'gap' : item.notice.level;
    return undefined;
  }
  const e = item.event;
  if (pf.meta) return pf.meta(e);
  const found = resolveField(e.payload, pf.segs);
  if (found !== undefined || pf.segs[0] === 'data') return found;
  const data = e.payload !== null && typeof e.payload === 'object' ? (e.payload as Record<string, unknown>).data : undefined;
  return data === undefined ? undefined : resolveField(data, pf.segs);
}

/** What {@link FeedStore.push} did. */
export interface PushResult {
  /** Rows appended, oldest first. */
  added: FeedRow[];
  /** Rows evicted from the front (oldest first). */
  evicted: FeedRow[];
  /** Existing rows updated in place (gap updates). */
  updated: FeedRow[];
}

/** Id suffix of an EVM event announcing that the log with the rest of the id was removed (see evmLog.ts). */
const removedSuffix = ':removed';
/** How far back a removal looks for the row it strikes through (reorgs are recent). */
const reorgSearchRows = 5_000;

/** A bounded ring of rows in arrival order. Gap items with a known stream + gapId update their row in place. */
export class FeedStore {
  private rows: FeedRow[] = [];
  private head = 0;
  private nextSeq = 0;
  private readonly gaps = new Map<string, FeedRow>();

  /** `capacity`: most rows kept (at least 1). */
  constructor(private cap: number = defaultMaxEvents) {
    this.cap = Math.max(1, Math.floor(cap));
  }

  get capacity(): number {
    return this.cap;
  }

  get length(): number {
    return this.rows.length - this.head;
  }

  /** Seq of the oldest row kept (equals the next seq when empty). */
  get firstSeq(): number {
    return this.length ? this.rows[this.head]!.seq : this.nextSeq;
  }

  /** The i-th oldest row kept. */
  at(i: number): FeedRow | undefined {
    return this.rows[this.head + i];
  }

  /** The row with this seq, if still kept (O(1): seqs are contiguous). */
  bySeq(seq: number): FeedRow | undefined {
    const r = this.rows[this.head + (seq - this.firstSeq)];
    return r && r.seq === seq ? r : undefined;
  }

  /** All rows kept, oldest first (a copy). */
  all(): FeedRow[] {
    return this.rows.slice(this.head);
  }

  /** Appends items (evicting the oldest beyond capacity); gap updates replace the existing gap row. */
  push(items: readonly FeedItem[]): PushResult {
    const res: PushResult = { added: [], evicted: [], updated: [] };
    for (const item of items) {
      if (item.kind === 'gap') {
        const k = rowKey(item, 0);
        const existing = this.gaps.get(k);
        if (existing) {
          existing.update(item);
          res.updated.push(existing);
          continue;
        }
      }
      if (item.kind === 'event' && item.event.removed && item.event.id.endsWith(removedSuffix)) {
        const original = this.findEvent(item.event.stream, item.event.id.slice(0, -removedSuffix.length), reorgSearchRows);
        if (original && !original.struck) {
          original.struck = true;
          res.updated.push(original);
        }
      }
      const row = new FeedRow(this.nextSeq++, item);
      this.rows.push(row);
      if (item.kind === 'gap') this.gaps.set(row.key, row);
      res.added.push(row);
    }
    this.trimTo(this.cap, res.evicted);
    // An evicted row may have been added in this same call; report it only as evicted.
    if (res.evicted.length && res.added.length && res.evicted[res.evicted.length - 1]!.seq >= res.added[0]!.seq) {
      const firstKept = this.firstSeq;
      res.added = res.added.filter((r) => r.seq >= firstKept);
    }
    return res;
  }

  /** The newest kept event row of `stream` with `id`, looking back at most `limit` rows. */
  findEvent(stream: string, id: string, limit = Infinity): FeedRow | undefined {
    const stop = Math.max(this.head, this.rows.length - limit);
    for (let i = this.rows.length - 1; i >= stop; i--) {
      const it = this.rows[i]!.item;
      if (it.kind === 'event' && it.event.id === id && it.event.stream === stream) return this.rows[i];
    }
    return undefined;
  }

  /** Changes the capacity; returns the rows evicted by a smaller one. */
  setCapacity(capacity: number): FeedRow[] {
    this.cap = Math.max(1, Math.floor(capacity));
    const ev: FeedRow[] = [];
    this.trimTo(this.cap, ev);
    return ev;
  }

  /** Removes every row. */
  clear(): void {
    this.rows = [];
    this.head = 0;
    this.gaps.clear();
  }

  private trimTo(cap: number, evicted: FeedRow[]): void {
    while (this.length > cap) {
      const r = this.rows[this.head]!;
      this.rows[this.head] = undefined as unknown as FeedRow;
      this.head++;
      if (r.item.kind === 'gap') this.gaps.delete(r.key);
      evicted.push(r);
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }
}

/** What {@link FeedModel.ingest} changed, for the view. */
export interface IngestResult {
  /** Rows appended to the visible (filtered) list. */
  appended: number;
  /** Visible rows evicted from the front of the list. */
  evictedVisible: number;
  /** A visible row changed in place (a gap update). */
  updated: boolean;
  /** Items only counted because the view is paused. */
  queued: number;
}

/**
 * The feed's state as the view needs it: every row kept, the indexes of those that pass the filter and stream
 * toggles (in order), and pause. While paused, new items are counted, not kept (the host holds them); on resume
 * the view takes the host's snapshot ({@link replaceAll}).
 */
export class FeedModel {
  readonly store: FeedStore;
  private visible: number[] = [];
  private vhead = 0;
  private filter: FeedFilter | undefined;
  private hidden: ReadonlySet<string> = new Set();
  private only: string | undefined;
  private _paused = false;
  private _newCount = 0;

  constructor(capacity: number = defaultMaxEvents) {
    this.store = new FeedStore(capacity);
  }

  /** True while paused. */
  get paused(): boolean {
    return this._paused;
  }

  /** Items received since the pause. */
  get newCount(): number {
    return this._newCount;
  }

  /** Number of rows passing the filter. */
  get visibleCount(): number {
    return this.visible.length - this.vhead;
  }

  /** The i-th visible row (oldest first). */
  visibleAt(i: number): FeedRow | undefined {
    const seq = this.visible[this.vhead + i];
    return seq === undefined ? undefined : this.store.bySeq(seq);
  }

  /** Visible rows [from, to), oldest first. */
  visibleRange(from: number, to: number): FeedRow[] {
    const out: FeedRow[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.visibleCount); i++) out.push(this.visibleAt(i)!);
    return out;
  }

  /** Index of a row (by seq) in the visible list, or -1. Binary search. */
  indexOfSeq(seq: number): number {
    let lo = this.vhead;
    let hi = this.visible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.visible[mid]!;
      if (v === seq) return mid - this.vhead;
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index in the visible list of the first row with seq >= `seq` (visibleCount when none). */
  lowerBound(seq: number): number {
    let lo = this.vhead;
    let hi = this.visible.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.visible[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.vhead;
  }

  /** Finds a kept row by key (linear; for restoring a scroll anchor). */
  findKey(key: string): FeedRow | undefined {
    for (let i = this.store.length - 1; i >= 0; i--) {
      const r = this.store.at(i)!;
      if (r.key === key) return r;
    }
    return undefined;
  }

  /** Visible rows, oldest first. */
  visibleRows(): FeedRow[] {
    return this.visibleRange(0, this.visibleCount);
  }

  /** Whether a row passes the current filter and toggles. */
  passes(row: FeedRow): boolean {
    const s = row.stream;
    if (this.only !== undefined && s !== this.only) return false;
    if (this.hidden.has(s)) return false;
    return !this.filter || this.filter.test(row);
  }

  /** Sets the filter (undefined = none), hidden streams and the single stream to show; re-filters every row. */
  setFilter(filter: FeedFilter | undefined, hidden: ReadonlySet<string> = this.hidden, only: string | undefined = this.only): void {
    this.filter = filter && !filter.empty ? filter : undefined;
    this.hidden = hidden;
    this.only = only;
    this.refilter();
  }

  private refilter(): void {
    const out: number[] = [];
    const n = this.store.length;
    for (let i = 0; i < n; i++) {
      const r = this.store.at(i)!;
      if (this.passes(r)) out.push(r.seq);
    }
    this.visible = out;
    this.vhead = 0;
  }

  /**
   * Adds items to the rows (and the visible list). While paused nothing is kept: new items are only counted (the
   * host keeps them, and sends a fresh snapshot when the view resumes); a gap update for a row already shown still
   * changes that row in place.
   */
  ingest(items: readonly FeedItem[]): IngestResult {
    if (this._paused) {
      let updated = false;
      let queued = 0;
      for (const it of items) {
        if (it.kind === 'gap') {
          const existing = this.findGap(it.gap);
          if (existing) {
            existing.update(it);
            updated = updated || this.indexOfSeq(existing.seq) >= 0;
            continue;
          }
        }
        this._newCount++;
        queued++;
      }
      return { appended: 0, evictedVisible: 0, updated, queued };
    }
    return this.apply(items);
  }

  private findGap(g: FeedGap): FeedRow | undefined {
    // Gap rows are few; scanning from the newest end is cheap in practice.
    for (let i = this.store.length - 1; i >= 0; i--) {
      const r = this.store.at(i)!;
      if (r.item.kind === 'gap' && r.item.gap.stream === g.stream && r.item.gap.gapId === g.gapId) return r;
    }
    return undefined;
  }

  private apply(items: readonly FeedItem[]): IngestResult {
    const res = this.store.push(items);
    let evictedVisible = 0;
    const firstKept = this.store.firstSeq;
    while (this.vhead < this.visible.length && this.visible[this.vhead]! < firstKept) {
      this.vhead++;
      evictedVisible++;
    }
    if (this.vhead > 4096 && this.vhead * 2 > this.visible.length) {
      this.visible = this.visible.slice(this.vhead);
      this.vhead = 0;
    }
    let appended = 0;
    for (const r of res.added) {
      if (this.passes(r)) {
        this.visible.push(r.seq);
        appended++;
      }
    }
    let updated = false;
    for (const r of res.updated) {
      const vis = this.indexOfSeq(r.seq) >= 0;
      const should = this.passes(r);
      if (vis !== should) {
        this.refilter();
        updated = true;
        break;
      }
      if (vis) updated = true;
    }
    return { appended, evictedVisible, updated, queued: 0 };
  }

  /** Freezes the view: from now on new items are counted, not kept. */
  pause(): void {
    if (this._paused) return;
    this._paused = true;
    this._newCount = 0;
  }

  /**
   * Unfreezes and resets the counter; returns how many items arrived while paused. The caller then replaces the
   * rows with the host's snapshot ({@link replaceAll}), which holds them.
   */
  resume(): number {
    const n = this._newCount;
    this._paused = false;
    this._newCount = 0;
    return n;
  }

  /** Replaces every row with `items` (a snapshot), keeping the filter. Seqs continue, so they never repeat. */
  replaceAll(items: readonly FeedItem[]): void {
    this.store.clear();
    this.visible = [];
    this.vhead = 0;
    this.apply(items);
  }

  /** Changes the capacity (evicting the oldest rows). */
  setCapacity(capacity: number): void {
    this.store.setCapacity(capacity);
    this.refilter();
  }

  /** Drops every row and the queue. */
  clear(): void {
    this.store.clear();
    this._newCount = 0;
    this.visible = [];
    this.vhead = 0;
  }
}

/** Events per second, per stream, over the last `windowSec` seconds (default 60). */
export class RateMeter {
  private readonly buckets = new Map<string, { sec: Int32Array; count: Int32Array }>();

  constructor(readonly windowSec = 60) {}

  /** Counts `n` events of `stream` at `atMs`. Events older than the window are ignored by {@link series}. */
  add(stream: string, atMs: number, n = 1): void {
    let b = this.buckets.get(stream);
    if (!b) {
      b = { sec: new Int32Array(this.windowSec).fill(-1), count: new Int32Array(this.windowSec) };
      this.buckets.set(stream, b);
    }
    const s = Math.floor(atMs / 1000);
    const i = ((s % this.windowSec) + this.windowSec) % this.windowSec;
    if (b.sec[i] !== s) {
      b.sec[i] = s;
      b.count[i] = 0;
    }
    b.count[i]! += n;
  }

  /** Counts for the `windowSec` whole seconds ending at `nowMs` (oldest first; the last is the current second). */
  series(stream: string, nowMs: number): number[] {
    const out = new Array<number>(this.windowSec).fill(0);
    const b = this.buckets.get(stream);
    if (!b) return out;
    const now = Math.floor(nowMs / 1000);
    for (let k = 0; k < this.windowSec; k++) {
      const s = now - (this.windowSec - 1 - k);
      const i = ((s % this.windowSec) + this.windowSec) % this.windowSec;
      if (b.sec[i] === s) out[k] = b.count[i]!;
    }
    return out;
  }

  /** Streams seen. */
  streams(): string[] {
    return [...this.buckets.keys()];
  }
}

/**
 * Collects items and hands them to `sink` in one batch at most every `intervalMs` (default 50): the first item
 * after a quiet period starts a timer, everything arriving before it fires goes into the same batch.
 */
export class FeedBatcher<T> {
  private buf: T[] = [];
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly sink: (batch: T[]) => void,
    readonly intervalMs = 50,
  ) {}

  /** Queues items; schedules a flush if none is scheduled. */
  push(...items: T[]): void {
    if (items.length === 0) return;
    for (const it of items) this.buf.push(it);
    if (!this.timer) this.timer = this.clock.setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Number of queued items. */
  get size(): number {
    return this.buf.length;
  }

  /** Sends what is queued now (nothing when empty) and cancels the timer. */
  flush(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    if (this.buf.length === 0) return;
    const b = this.buf;
    this.buf = [];
    this.sink(b);
  }

  /** Drops what is queued and cancels the timer. */
  clear(): void {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    this.buf = [];
  }
}
