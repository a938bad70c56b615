/** One feed row ({@link FeedRow}: cells and search text computed lazily and cached) and the item helpers around it. Pure. */
import type { FeedEvent, FeedItem } from './protocol';
import type { FilterSubject } from './filter';
import { maxSummaryChars, displayText, shortType, shortHash, gapLabel, gapTooltip, summarize, rec, drainedLabel } from './rowFormat';

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
  /** The summary's tooltip when it says more than the summary (gap rows); else the summary itself is used. */
  summaryFull?: string;
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
        summary: ev.drained ? `${drainedLabel(ev)} · ${summarize(ev)}` : summarize(ev),
      };
    } else if (it.kind === 'gap') {
      const label = gapLabel(it.gap);
      c = { kind: 'gap', type: 'reconnected', typeFull: 'reconnected', digest: '', sender: '', senderFull: '', summary: label, summaryFull: gapTooltip(it.gap) };
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
    return !!g && typeof g.stream === 'string' && typeof g.gapId === 'number' && typeof g.downMs === 'number' && typeof g.resumedAt === 'number' && (g.replayed === undefined || typeof g.replayed === 'number') && (g.continuity === undefined || typeof g.continuity === 'string') && (g.duplicatesDropped === undefined || typeof g.duplicatesDropped === 'number');
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

/** The searchable text of an item: the whole payload as JSON plus the meta fields (the type also as shown). */
export function rowText(item: FeedItem): string {
  if (item.kind === 'event') {
    const e = item.event;
    const type = e.type ?? '';
    const short = shortType(type);
    return [e.stream, e.kind, e.name, type, short === type ? '' : short, e.sender ?? '', e.digest ?? '', e.id, safeJson(e.payload)].join(' ');
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

// The type as written and as the row shows it (package addresses dropped): `type:` matches either, so a type copied
// from a row finds its rows. Cached per event: a filter asks every row on every keystroke.
const typeCache = new WeakMap<FeedEvent, string | string[]>();
function typeForms(e: FeedEvent): string | string[] {
  let v = typeCache.get(e);
  if (v === undefined) {
    const full = e.type ?? e.name;
    const short = shortType(full);
    v = short === full ? full : [full, short];
    typeCache.set(e, v);
  }
  return v;
}

// Event fields a filter can name directly (anything else is a payload path).
const metaFields: Record<string, (e: FeedEvent) => unknown> = {
  stream: (e) => e.stream,
  kind: (e) => e.kind,
  name: (e) => e.name,
  type: typeForms,
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

/** The value(s) of a filter field for an item (see the field list in filter.ts); an array means several. */
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

