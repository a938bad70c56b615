/**
 * The live events feed webview: a virtualized grid of rows (only the visible rows exist in the DOM), a filter bar,
 * pause with "N new", jump to latest, expandable JSON, stream toggles with rate sparklines, export.
 *
 * Plain DOM, no framework. Event data is attacker-controlled: every piece of it reaches the DOM through
 * `textContent`, `title` or `setAttribute` of a non-URL attribute, never `innerHTML`; links go through the host.
 * Talks to the host only through the unions in src/feed/protocol.ts.
 */
import type { ExportFormat, ExportScope, FeedEvent, FeedItem, FeedStream, FromFeed, SavedFilter, ToFeed } from '../../src/feed/protocol';
import { compileFilter } from '../../src/feed/filter';
import type { FeedFilter } from '../../src/feed/filter';
import { FeedModel } from '../../src/feed/model';
import { RateMeter } from '../../src/feed/rateMeter';
import { defaultMaxEvents, escapeInvisible, formatRelative, formatTime } from '../../src/feed/rowFormat';
import { isChipValue, isFeedItem, rowKey } from '../../src/feed/row';
import type { FeedRow } from '../../src/feed/row';
import type { IngestResult } from '../../src/feed/model';

interface VsCodeApi {
  postMessage(msg: FromFeed): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** What survives hiding the view (webview state). */
interface PersistedState {
  filter: string;
  regex: boolean;
  caseSensitive: boolean;
  hidden: string[];
  paused: boolean;
  /** Newest row key when paused: rows after it arrive as "new". */
  lastSeenKey?: string;
  /** Key of the top visible row when not following the newest row. */
  anchorKey?: string;
  stick: boolean;
  relative: boolean;
  selectedKey?: string;
  expandedKey?: string;
  raw: boolean;
}

const ROW_H = 22;
const OVERSCAN = 4;
/** Strings longer than this are cut in the expanded view until "show all" is clicked. */
const DETAIL_STRING_CHARS = 10_000;
const RAW_CHARS = 256 * 1024;
const PALETTE_SIZE = 8;

const vscode = acquireVsCodeApi();
const post = (m: FromFeed): void => vscode.postMessage(m);

// ---------------------------------------------------------------------------------------------------------- DOM
function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}
function icon(name: string): HTMLElement {
  const i = el('span', `codicon codicon-${name}`);
  i.setAttribute('aria-hidden', 'true');
  return i;
}
function iconButton(id: string, name: string, label: string, toggle = false): HTMLButtonElement {
  const b = el('button', 'icon-btn');
  b.id = id;
  b.type = 'button';
  b.title = label;
  b.setAttribute('aria-label', label);
  if (toggle) b.setAttribute('aria-pressed', 'false');
  b.append(icon(name));
  return b;
}

const app = el('div', 'feed');
app.id = 'feed';
document.body.append(app);

const toolbar = el('div', 'toolbar');
toolbar.setAttribute('role', 'toolbar');
toolbar.setAttribute('aria-label', 'Feed controls');
const filterBox = el('div', 'filter-box');
const filterInput = el('input', 'filter');
filterInput.id = 'filter';
filterInput.type = 'text';
filterInput.spellcheck = false;
filterInput.placeholder = 'Filter: text, type:Swap, sender:0xab, stream:demo, data.amount>1000  (/ to focus)';
filterInput.setAttribute('aria-label', 'Filter events');
const regexBtn = iconButton('regex', 'regex', 'Use regular expression', true);
const caseBtn = iconButton('case', 'case-sensitive', 'Match case', true);
filterBox.append(filterInput, caseBtn, regexBtn);
const savedSelect = el('select', 'saved');
savedSelect.id = 'saved';
savedSelect.title = 'Saved filters';
savedSelect.setAttribute('aria-label', 'Saved filters');
const saveBtn = iconButton('save-filter', 'save', 'Save filter');
const pauseBtn = iconButton('pause', 'debug-pause', 'Pause the view (streams keep running)', true);
const timeBtn = iconButton('time', 'watch', 'Relative times', true);
const exportBtn = iconButton('export', 'export', 'Export events');
const clearBtn = iconButton('clear', 'clear-all', 'Clear the view');
toolbar.append(filterBox, savedSelect, saveBtn, pauseBtn, timeBtn, exportBtn, clearBtn);

const filterError = el('div', 'filter-error');
filterError.id = 'filter-error';
filterError.setAttribute('role', 'alert');
filterError.hidden = true;

const streamBar = el('div', 'streams');
streamBar.id = 'streams';
streamBar.setAttribute('aria-label', 'Streams');

const grid = el('div', 'grid');
grid.id = 'grid';
grid.setAttribute('role', 'grid');
grid.setAttribute('aria-label', 'Events');
grid.setAttribute('aria-readonly', 'true');
grid.tabIndex = 0;
const headerRow = el('div', 'row header');
headerRow.setAttribute('role', 'row');
headerRow.setAttribute('aria-rowindex', '1');
const columns: Array<[string, string]> = [
  ['c-time', 'Time'],
  ['c-stream', 'Stream'],
  ['c-type', 'Kind · type'],
  ['c-digest', 'Digest'],
  ['c-sender', 'Sender'],
  ['c-summary', 'Summary'],
];
for (const [cls, label] of columns) {
  const h = el('span', `cell ${cls}`, label);
  h.setAttribute('role', 'columnheader');
  headerRow.append(h);
}
const viewport = el('div', 'viewport');
viewport.id = 'viewport';
const spacer = el('div', 'spacer');
const rowLayer = el('div', 'rows');
viewport.append(spacer, rowLayer);
grid.append(headerRow, viewport);

const empty = el('div', 'empty', 'Waiting for events…');
empty.id = 'empty';

const newBar = el('button', 'new-bar');
newBar.id = 'jump';
newBar.type = 'button';
newBar.hidden = true;

// The row counts change many times a second while streaming: not a live region (screen readers would chatter).
// Short outcomes (copied, exported, paused) are announced through `announce` instead.
const status = el('div', 'status');
status.id = 'status';
const announce = el('div', 'sr-only');
announce.id = 'announce';
announce.setAttribute('role', 'status');
announce.setAttribute('aria-live', 'polite');

const exportMenu = el('div', 'export-menu');
exportMenu.id = 'export-menu';
exportMenu.hidden = true;
exportMenu.setAttribute('role', 'dialog');
exportMenu.setAttribute('aria-label', 'Export');
const scopeSelect = el('select');
scopeSelect.id = 'export-scope';
scopeSelect.setAttribute('aria-label', 'Rows to export');
for (const [v, l] of [['filtered', 'Filtered rows'], ['visible', 'Rows on screen'], ['all', 'All rows']] as const) {
  const o = el('option', undefined, l);
  o.value = v;
  scopeSelect.append(o);
}
const formatSelect = el('select');
formatSelect.id = 'export-format';
formatSelect.setAttribute('aria-label', 'Format');
for (const [v, l] of [['ndjson', 'NDJSON'], ['json', 'JSON'], ['csv', 'CSV']] as const) {
  const o = el('option', undefined, l);
  o.value = v;
  formatSelect.append(o);
}
const exportGo = el('button', 'text-btn', 'Export…');
exportGo.id = 'export-go';
exportGo.type = 'button';
exportMenu.append(scopeSelect, formatSelect, exportGo);

app.append(toolbar, filterError, streamBar, grid, empty, newBar, status, announce, exportMenu);

// ---------------------------------------------------------------------------------------------------------- state
const saved = (vscode.getState() ?? {}) as Partial<PersistedState>;
const st: PersistedState = {
  filter: typeof saved.filter === 'string' ? saved.filter : '',
  regex: saved.regex === true,
  caseSensitive: saved.caseSensitive === true,
  hidden: Array.isArray(saved.hidden) ? saved.hidden.filter((x) => typeof x === 'string') : [],
  paused: saved.paused === true,
  lastSeenKey: saved.lastSeenKey,
  anchorKey: saved.anchorKey,
  stick: saved.stick !== false,
  relative: saved.relative === true,
  selectedKey: saved.selectedKey,
  expandedKey: saved.expandedKey,
  raw: saved.raw === true,
};

let model = new FeedModel(defaultMaxEvents);
const rates = new RateMeter(60);
let streams: FeedStream[] = [];
let onlyStream: string | undefined;
let currentFilter: FeedFilter | undefined;
let initialized = false;
let selectedSeq = -1;
let expandedSeq = -1;
/** Rows appended while the user was scrolled away from the newest row (not paused). */
let unseen = 0;
let renderQueued = false;
/** A scroll position to apply at the next render (set where scrolling at once would force a layout). */
let pendingScrollTop: number | undefined;
let layoutDirty = true;
let saveTimer: ReturnType<typeof setTimeout> | undefined;
let statusNote = '';
let statusNoteTimer: ReturnType<typeof setTimeout> | undefined;

function saveState(): void {
  if (saveTimer) return;
  saveTimer = setTimeout(() => {
    saveTimer = undefined;
    st.paused = model.paused;
    const sel = selectedSeq >= 0 ? model.store.bySeq(selectedSeq) : undefined;
    st.selectedKey = sel?.key;
    const exp = expandedSeq >= 0 ? model.store.bySeq(expandedSeq) : undefined;
    st.expandedKey = exp?.key;
    if (!st.stick) {
      const top = model.visibleAt(firstVisibleIndex());
      st.anchorKey = top?.key;
    } else st.anchorKey = undefined;
    vscode.setState(st);
  }, 150);
}

// ---------------------------------------------------------------------------------------------------------- layout
function detailHeight(): number {
  return Math.round(Math.min(420, Math.max(140, viewport.clientHeight * 0.6)));
}
function expandedIndex(): number {
  return expandedSeq >= 0 ? model.indexOfSeq(expandedSeq) : -1;
}
function rowTop(i: number, e: number): number {
  return i * ROW_H + (e >= 0 && i > e ? detailHeight() : 0);
}
function totalHeight(): number {
  return model.visibleCount * ROW_H + (expandedIndex() >= 0 ? detailHeight() : 0);
}
function indexAtY(y: number): number {
  const e = expandedIndex();
  if (e < 0 || y < (e + 1) * ROW_H) return Math.floor(y / ROW_H);
  if (y < (e + 1) * ROW_H + detailHeight()) return e;
  return Math.floor((y - detailHeight()) / ROW_H);
}
function firstVisibleIndex(): number {
  return Math.max(0, Math.min(model.visibleCount - 1, indexAtY(viewport.scrollTop)));
}
function atBottom(): boolean {
  return viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_H / 2;
}
function scrollToBottom(): void {
  viewport.scrollTop = viewport.scrollHeight;
}

// ---------------------------------------------------------------------------------------------------------- rows
interface PooledRow {
  root: HTMLDivElement;
  time: HTMLSpanElement;
  twisty: HTMLSpanElement;
  timeText: HTMLSpanElement;
  stream: HTMLSpanElement;
  streamText: HTMLSpanElement;
  dot: HTMLSpanElement;
  kind: HTMLSpanElement;
  type: HTMLSpanElement;
  digestCell: HTMLSpanElement;
  digest: HTMLSpanElement;
  digestActions: HTMLSpanElement;
  sender: HTMLSpanElement;
  senderText: HTMLSpanElement;
  senderOpen: HTMLSpanElement;
  summary: HTMLSpanElement;
  seq: number;
  /** Visible index it was last placed at (for aria-rowindex). */
  index: number;
  version: number;
}
const pool: PooledRow[] = [];
let rowVersion = 0;
let poolId = 0;

function makeRow(): PooledRow {
  const root = el('div', 'row') as HTMLDivElement;
  root.setAttribute('role', 'row');
  root.id = `row-${poolId++}`;
  root.hidden = true;
  const time = el('span', 'cell c-time');
  const twisty = el('span', 'twisty codicon codicon-chevron-right');
  twisty.dataset.action = 'toggle';
  twisty.setAttribute('aria-hidden', 'true');
  const timeText = el('span', 'time-text');
  time.append(twisty, timeText);
  const stream = el('span', 'cell c-stream');
  const dot = el('span', 'dot');
  const streamText = el('span', 'stream-text');
  stream.append(dot, streamText);
  const typeCell = el('span', 'cell c-type');
  const kind = el('span', 'kind');
  const type = el('span', 'type-text');
  typeCell.append(kind, type);
  const digestCell = el('span', 'cell c-digest');
  const digest = el('span', 'chip');
  const digestActions = el('span', 'chip-actions');
  const copy = el('span', 'mini codicon codicon-copy');
  copy.dataset.action = 'copy-digest';
  copy.title = 'Copy transaction digest';
  const open = el('span', 'mini codicon codicon-link-external');
  open.dataset.action = 'open-tx';
  open.title = 'Open in explorer';
  digestActions.append(copy, open);
  digestCell.append(digest, digestActions);
  const sender = el('span', 'cell c-sender');
  const senderText = el('span', 'sender-text');
  const senderOpen = el('span', 'mini codicon codicon-link-external sender-open');
  senderOpen.dataset.action = 'open-sender';
  senderOpen.title = 'Open address in explorer';
  sender.append(senderText, senderOpen);
  const summary = el('span', 'cell c-summary');
  for (const c of [time, stream, typeCell, digestCell, sender, summary]) c.setAttribute('role', 'gridcell');
  root.append(time, stream, typeCell, digestCell, sender, summary);
  rowLayer.append(root);
  return { root, time, twisty, timeText, stream, streamText, dot, kind, type, digestCell, digest, digestActions, sender, senderText, senderOpen, summary, seq: -1, index: -1, version: -1 };
}

function streamColor(id: string): number {
  const s = streams.find((x) => x.id === id);
  if (s) return ((s.color % PALETTE_SIZE) + PALETTE_SIZE) % PALETTE_SIZE;
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) | 0;
  return Math.abs(h) % PALETTE_SIZE;
}
function streamLabel(id: string): string {
  return streams.find((x) => x.id === id)?.label ?? id;
}

function rowContext(row: FeedRow): string {
  const ev = row.event;
  const ctx: Record<string, string | boolean> = { webviewSection: 'chainWatchRow', preventDefaultContextMenuItems: true };
  if (ev) {
    ctx.chainWatchStream = ev.stream;
    ctx.chainWatchEventId = ev.id.length <= 512 ? ev.id : '';
    if (isChipValue(ev.digest)) {
      ctx.chainWatchDigest = ev.digest;
      ctx.chainWatchHasDigest = true;
    }
    ctx.chainWatchIsEvent = true;
  }
  return JSON.stringify(ctx);
}

function fillRow(p: PooledRow, row: FeedRow, now: number): void {
  const c = row.cells();
  const r = p.root;
  const ev = row.event;
  r.className = `row kind-${row.item.kind === 'event' ? 'event' : row.item.kind === 'gap' ? 'gap' : `notice level-${row.item.notice.level}`}${ev?.removed || row.struck ? ' removed' : ''}`;
  r.dataset.seq = String(row.seq);
  r.setAttribute('data-vscode-context', rowContext(row));
  p.timeText.textContent = st.relative ? formatRelative(row.at, now) : formatTime(row.at);
  p.time.title = new Date(row.at).toISOString();
  const color = streamColor(row.stream);
  p.dot.className = `dot color-${color}`;
  p.streamText.textContent = escapeInvisible(streamLabel(row.stream));
  p.stream.title = p.streamText.textContent;
  p.kind.textContent = c.kind;
  p.type.textContent = c.type;
  p.type.title = c.typeFull;
  p.digest.textContent = c.digest;
  p.digestCell.title = ev?.digest ? escapeInvisible(String(ev.digest).slice(0, 200)) : '';
  p.digestActions.hidden = !ev || !isChipValue(ev.digest);
  p.senderText.textContent = c.sender;
  p.sender.title = c.senderFull;
  p.senderOpen.hidden = !ev || !isChipValue(ev.sender);
  p.summary.textContent = c.summary;
  p.summary.title = c.summary;
}

function syncPoolSize(): void {
  const want = Math.ceil(Math.max(viewport.clientHeight, ROW_H * 10) / ROW_H) + OVERSCAN * 2;
  while (pool.length < want) pool.push(makeRow());
  while (pool.length > want) pool.pop()!.root.remove();
}

// ---------------------------------------------------------------------------------------------------------- detail
const detail = el('div', 'detail');
detail.id = 'detail';
detail.hidden = true;
rowLayer.append(detail);
let detailSeq = -1;
let detailRaw = st.raw;

function valueButton(text: string): HTMLElement {
  const b = el('span', 'mini codicon codicon-copy');
  b.dataset.action = 'copy-value';
  b.title = 'Copy value';
  valueTexts.set(b, text);
  return b;
}
const valueTexts = new WeakMap<HTMLElement, string>();
const lazyChildren = new WeakMap<HTMLElement, () => void>();

function jsonText(v: unknown, indent?: number): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), indent) ?? String(v);
  } catch {
    return String(v);
  }
}

function longText(full: string, limit: number, cls: string): HTMLElement {
  const wrap = el('span', cls);
  if (full.length <= limit) {
    wrap.textContent = full;
    return wrap;
  }
  wrap.textContent = full.slice(0, limit);
  const more = el('button', 'text-btn more', `… show all (${full.length.toLocaleString('en-US')} chars)`);
  more.type = 'button';
  more.addEventListener('click', (e) => {
    e.stopPropagation();
    wrap.textContent = full;
  });
  const outer = el('span');
  outer.append(wrap, more);
  return outer;
}

function jsonNode(key: string | undefined, value: unknown, depth: number): HTMLElement {
  const line = el('div', 'json-line');
  const keyEl = key === undefined ? undefined : el('span', 'json-key', `${escapeInvisible(key)}: `);
  if (value !== null && typeof value === 'object') {
    const isArr = Array.isArray(value);
    const entries = isArr ? (value as unknown[]).map((v, i) => [String(i), v] as const) : Object.entries(value as object);
    const det = el('details', 'json-node');
    const sum = el('summary');
    if (keyEl) sum.append(keyEl);
    sum.append(el('span', 'json-meta', isArr ? `[${entries.length}]` : `{${entries.length}}`), valueButton(jsonText(value, 2)));
    det.append(sum);
    const body = el('div', 'json-children');
    det.append(body);
    let filled = false;
    const fill = () => {
      if (filled) return;
      filled = true;
      const shown = entries.slice(0, 1000);
      for (const [k, v] of shown) body.append(jsonNode(k, v, depth + 1));
      if (entries.length > shown.length) body.append(el('div', 'json-meta', `… ${entries.length - shown.length} more (Open as JSON to see all)`));
    };
    lazyChildren.set(det, fill);
    det.addEventListener('toggle', () => {
      if (det.open) fill();
    });
    if (depth < 2 && entries.length <= 50) {
      det.open = true;
      fill();
    }
    line.append(det);
    return line;
  }
  if (keyEl) line.append(keyEl);
  const t = value === null ? 'null' : typeof value;
  const text = typeof value === 'string' ? JSON.stringify(value) : String(value);
  line.append(longText(escapeInvisible(text), DETAIL_STRING_CHARS, `json-val json-${t}`));
  line.append(valueButton(typeof value === 'string' ? value : String(value)));
  return line;
}

function buildDetail(row: FeedRow): void {
  detail.replaceChildren();
  detailSeq = row.seq;
  const bar = el('div', 'detail-bar');
  const ev = row.event;
  const rawBtn = el('button', 'text-btn', detailRaw ? 'Pretty' : 'Raw');
  rawBtn.type = 'button';
  rawBtn.dataset.action = 'toggle-raw';
  bar.append(rawBtn);
  if (ev) {
    const copyJson = el('button', 'text-btn', 'Copy JSON');
    copyJson.type = 'button';
    copyJson.dataset.action = 'copy-json';
    const openJson = el('button', 'text-btn', 'Open as JSON');
    openJson.type = 'button';
    openJson.dataset.action = 'open-json';
    bar.append(copyJson, openJson);
    if (isChipValue(ev.digest)) {
      const cd = el('button', 'text-btn', 'Copy digest');
      cd.type = 'button';
      cd.dataset.action = 'copy-digest';
      const ox = el('button', 'text-btn', 'Open in explorer');
      ox.type = 'button';
      ox.dataset.action = 'open-tx';
      bar.append(cd, ox);
    }
  }
  const body = el('div', 'detail-body');
  body.tabIndex = 0;
  const value: unknown = ev ?? row.item;
  if (detailRaw) {
    body.append(longText(escapeInvisible(jsonText(ev ? ev.payload : value, 2)), RAW_CHARS, 'raw'));
  } else if (ev) {
    const meta: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ev)) if (k !== 'payload') meta[k] = v;
    body.append(jsonNode('payload', ev.payload, 0), jsonNode('event', meta, 1));
  } else body.append(jsonNode(undefined, value, 0));
  detail.append(bar, body);
}

// ---------------------------------------------------------------------------------------------------------- render
function requestRender(layout = false): void {
  if (layout) layoutDirty = true;
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function render(): void {
  renderQueued = false;
  lastFollowRender = performance.now();
  const count = model.visibleCount;
  if (layoutDirty) {
    syncPoolSize();
    layoutDirty = false;
  }
  spacer.style.height = `${totalHeight()}px`;
  if (pendingScrollTop !== undefined) {
    viewport.scrollTop = pendingScrollTop;
    pendingScrollTop = undefined;
  } else if (st.stick) scrollToBottom();
  const e = expandedIndex();
  if (e < 0 && expandedSeq >= 0 && !model.store.bySeq(expandedSeq)) expandedSeq = -1;
  const first = Math.max(0, indexAtY(viewport.scrollTop) - OVERSCAN);
  const now = Date.now();
  let activeId = '';
  // Keyed by row: a row that stays on screen keeps its element (only its position changes), so following a stream
  // re-fills just the rows that came in, not every row on screen.
  const last = Math.min(count, first + pool.length);
  const wanted = new Map<number, FeedRow>();
  for (let i = first; i < last; i++) {
    const row = model.visibleAt(i);
    if (row) wanted.set(row.seq, row);
  }
  const bound = new Map<number, PooledRow>();
  const free: PooledRow[] = [];
  for (const p of pool) {
    if (p.seq !== -1 && wanted.has(p.seq) && !bound.has(p.seq)) bound.set(p.seq, p);
    else free.push(p);
  }
  let nextFree = 0;
  for (let i = first; i < last; i++) {
    const row = model.visibleAt(i);
    if (!row) continue;
    let p = bound.get(row.seq);
    if (!p) {
      p = free[nextFree++]!;
      p.seq = -1;
    }
    p.root.hidden = false;
    if (p.seq !== row.seq || p.version !== rowVersion) {
      try {
        fillRow(p, row, now);
      } catch (err) {
        // One row that cannot be shown must not take the frame (and every other row) with it.
        p.summary.textContent = `cannot show this row: ${escapeInvisible(err instanceof Error ? err.message : String(err)).slice(0, 120)}`;
      }
      p.seq = row.seq;
      p.version = rowVersion;
    }
    if (p.index !== i) {
      p.index = i;
      p.root.setAttribute('aria-rowindex', String(i + 2));
    }
    p.root.style.transform = `translateY(${rowTop(i, e)}px)`;
    const sel = row.seq === selectedSeq;
    p.root.classList.toggle('selected', sel);
    p.root.setAttribute('aria-selected', sel ? 'true' : 'false');
    const exp = row.seq === expandedSeq;
    p.root.classList.toggle('expanded', exp);
    p.root.setAttribute('aria-expanded', exp ? 'true' : 'false');
    if (sel) activeId = p.root.id;
  }
  for (; nextFree < free.length; nextFree++) {
    const p = free[nextFree]!;
    if (!p.root.hidden) p.root.hidden = true;
    p.seq = -1;
    p.index = -1;
  }
  if (activeId) grid.setAttribute('aria-activedescendant', activeId);
  else grid.removeAttribute('aria-activedescendant');
  if (e >= 0) {
    const row = model.visibleAt(e)!;
    if (detailSeq !== row.seq || detail.hidden) buildDetail(row);
    detail.hidden = false;
    detail.style.height = `${detailHeight()}px`;
    detail.style.transform = `translateY(${(e + 1) * ROW_H}px)`;
  } else if (!detail.hidden) {
    detail.hidden = true;
    detail.replaceChildren();
    detailSeq = -1;
  }
  grid.setAttribute('aria-rowcount', String(count + 1));
  empty.hidden = model.store.length > 0;
  updateBars();
}

let barsKey = '';
function updateBars(): void {
  const n = model.paused ? model.newCount : unseen;
  const total = model.store.length;
  const shown = model.visibleCount;
  const showNew = model.paused || (!st.stick && n > 0);
  const key = `${n}|${showNew}|${model.paused}|${total}|${shown}|${statusNote}`;
  if (key === barsKey) return;
  barsKey = key;
  if (showNew) {
    newBar.hidden = false;
    newBar.replaceChildren(icon('arrow-down'), el('span', undefined, `${n.toLocaleString('en-US')} new · Jump to latest`));
  } else newBar.hidden = true;
  if (pauseBtn.getAttribute('aria-pressed') !== String(model.paused)) {
    pauseBtn.setAttribute('aria-pressed', model.paused ? 'true' : 'false');
    pauseBtn.replaceChildren(icon(model.paused ? 'debug-continue' : 'debug-pause'));
    pauseBtn.title = model.paused ? 'Resume the view' : 'Pause the view (streams keep running)';
    app.classList.toggle('paused', model.paused);
  }
  status.textContent = `${shown.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows${model.paused ? ` · paused, ${model.newCount.toLocaleString('en-US')} new` : ''}${statusNote ? ` · ${statusNote}` : ''}`;
}

function note(text: string): void {
  statusNote = text;
  announce.textContent = text;
  if (statusNoteTimer) clearTimeout(statusNoteTimer);
  statusNoteTimer = setTimeout(() => {
    statusNote = '';
    updateBars();
  }, 6000);
  updateBars();
}

// ---------------------------------------------------------------------------------------------------------- streams
const sparkNs = 'http://www.w3.org/2000/svg';
const streamEls = new Map<string, { btn: HTMLButtonElement; line: SVGPolylineElement; rate: HTMLSpanElement }>();

function renderStreams(): void {
  streamBar.replaceChildren();
  streamEls.clear();
  const list = onlyStream ? streams.filter((s) => s.id === onlyStream) : streams;
  for (const s of list) {
    const btn = el('button', 'stream-toggle');
    btn.type = 'button';
    btn.dataset.stream = s.id;
    const on = !st.hidden.includes(s.id);
    btn.setAttribute('aria-pressed', on ? 'true' : 'false');
    const simulated = s.simulated ? ' · simulated locally: its events and credits are not real' : '';
    btn.title = `${escapeInvisible(s.label)}${s.state ? ` (${s.state})` : ''}${simulated}: click to ${on ? 'hide' : 'show'}`;
    const dot = el('span', `dot color-${streamColor(s.id)}`);
    const label = el('span', 'stream-label', escapeInvisible(s.label));
    const svg = document.createElementNS(sparkNs, 'svg');
    svg.setAttribute('class', `spark color-${streamColor(s.id)}`);
    svg.setAttribute('viewBox', '0 0 60 16');
    svg.setAttribute('preserveAspectRatio', 'none');
    svg.setAttribute('aria-hidden', 'true');
    const line = document.createElementNS(sparkNs, 'polyline');
    svg.append(line);
    const rate = el('span', 'rate');
    btn.append(dot, label, svg, rate);
    if (s.simulated) btn.insertBefore(el('span', 'sim-tag', 'simulated'), svg);
    streamBar.append(btn);
    streamEls.set(s.id, { btn, line, rate });
  }
  streamBar.hidden = list.length === 0;
  updateSparks();
}

function updateSparks(): void {
  const now = Date.now();
  for (const [id, e] of streamEls) {
    const series = rates.series(id, now);
    const max = Math.max(1, ...series);
    e.line.setAttribute('points', series.map((v, i) => `${i},${(16 - (v / max) * 15).toFixed(1)}`).join(' '));
    const last = series[series.length - 2] ?? 0; // the last complete second
    e.rate.textContent = `${last.toLocaleString('en-US')}/s`;
  }
}

// ---------------------------------------------------------------------------------------------------------- filter
function applyFilter(keepAnchor = true): void {
  const res = compileFilter(st.filter, { regex: st.regex, caseSensitive: st.caseSensitive });
  if (!res.ok) {
    filterError.hidden = false;
    filterError.textContent = `${res.error.message} (at column ${res.error.at + 1})`;
    filterInput.classList.add('invalid');
    filterInput.setAttribute('aria-invalid', 'true');
    return;
  }
  filterError.hidden = true;
  filterInput.classList.remove('invalid');
  filterInput.removeAttribute('aria-invalid');
  currentFilter = res.filter;
  updateSaveButton();
  const anchor = keepAnchor && !st.stick ? model.visibleAt(firstVisibleIndex()) : undefined;
  model.setFilter(currentFilter, new Set(st.hidden), onlyStream);
  // Scrolling now would force a synchronous layout on every keystroke: the next frame's render does it.
  if (anchor) pendingScrollTop = model.lowerBound(anchor.seq) * ROW_H;
  requestRender();
  saveState();
}

function setToggle(btn: HTMLButtonElement, on: boolean): void {
  btn.setAttribute('aria-pressed', on ? 'true' : 'false');
  btn.classList.toggle('on', on);
}

let savedFilters: SavedFilter[] = [];
/** The saved filter the current filter text is, if any (the save button then removes it). */
function currentSaved(): SavedFilter | undefined {
  return savedFilters.find((f) => f.text === st.filter && f.regex === st.regex && f.caseSensitive === st.caseSensitive);
}

function updateSaveButton(): void {
  const saved = currentSaved();
  const label = saved ? `Remove saved filter "${escapeInvisible(saved.name)}"` : 'Save filter';
  if (saveBtn.title === label) return;
  saveBtn.title = label;
  saveBtn.setAttribute('aria-label', label);
  saveBtn.replaceChildren(icon(saved ? 'trash' : 'save'));
}

function renderSaved(): void {
  updateSaveButton();
  savedSelect.replaceChildren();
  const head = el('option', undefined, savedFilters.length ? 'Saved filters…' : 'No saved filters');
  head.value = '';
  savedSelect.append(head);
  for (const f of savedFilters) {
    const o = el('option', undefined, escapeInvisible(f.name));
    o.value = f.name;
    savedSelect.append(o);
  }
}

// Warm the search text of every row in idle time once the user is about to type, so the first keystroke is cheap.
let warmAt = 0;
function warmSearchText(): void {
  const step = (deadline?: IdleDeadline) => {
    const n = model.store.length;
    const until = deadline ? () => deadline.timeRemaining() > 1 : (() => {
      const end = performance.now() + 8;
      return () => performance.now() < end;
    })();
    while (warmAt < n && until()) {
      model.store.at(warmAt)!.text(!st.caseSensitive);
      warmAt++;
    }
    if (warmAt < n) schedule();
  };
  const schedule = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(step) : setTimeout(() => step(), 16));
  warmAt = 0;
  schedule();
}

// ---------------------------------------------------------------------------------------------------------- actions
function selectedRow(): FeedRow | undefined {
  return selectedSeq >= 0 ? model.store.bySeq(selectedSeq) : undefined;
}

function setSelected(seq: number, reveal: boolean): void {
  selectedSeq = seq;
  if (reveal) {
    const i = model.indexOfSeq(seq);
    if (i >= 0) {
      const e = expandedIndex();
      const top = rowTop(i, e);
      if (top < viewport.scrollTop) viewport.scrollTop = top;
      else if (top + ROW_H > viewport.scrollTop + viewport.clientHeight) viewport.scrollTop = top + ROW_H - viewport.clientHeight;
      st.stick = atBottom();
    }
  }
  requestRender();
  saveState();
}

function toggleExpand(seq: number): void {
  expandedSeq = expandedSeq === seq ? -1 : seq;
  if (expandedSeq >= 0 && st.stick) {
    // Expanding a row means reading it: stop following so it does not scroll away.
    st.stick = false;
  }
  spacer.style.height = `${totalHeight()}px`;
  requestRender();
  saveState();
}

function pause(): void {
  if (model.paused) return;
  // The newest row with a stable identity (notices have none across a reload).
  st.lastSeenKey = undefined;
  for (let i = model.store.length - 1; i >= 0; i--) {
    const r = model.store.at(i)!;
    if (r.item.kind !== 'notice') {
      st.lastSeenKey = r.key;
      break;
    }
  }
  model.pause();
  announce.textContent = 'View paused; new events are counted';
  post({ type: 'paused', paused: true });
  requestRender();
  saveState();
}

/** True between asking the host for a snapshot and receiving it: batches in between are in the snapshot. */
let awaitingSnapshot = false;

function jumpToLatest(): void {
  if (model.paused) {
    model.resume();
    awaitingSnapshot = true;
    // A host that never answers must not freeze the view for good.
    setTimeout(() => (awaitingSnapshot = false), 5000);
    post({ type: 'paused', paused: false });
    post({ type: 'resync' });
  }
  st.lastSeenKey = undefined;
  st.stick = true;
  unseen = 0;
  spacer.style.height = `${totalHeight()}px`;
  scrollToBottom();
  requestRender();
  saveState();
}

function copyDigest(row: FeedRow | undefined): void {
  const d = row?.event?.digest;
  if (isChipValue(d)) {
    post({ type: 'copy', what: 'digest', text: d });
    note('digest copied');
  }
}

function openTx(row: FeedRow | undefined): void {
  const ev = row?.event;
  if (ev && isChipValue(ev.digest)) post({ type: 'openExplorer', stream: ev.stream, target: 'tx', value: ev.digest });
}

function exportEvents(scope: ExportScope, format: ExportFormat): void {
  let rows: FeedRow[];
  if (scope === 'all') rows = model.store.all();
  else if (scope === 'filtered') rows = model.visibleRows();
  else {
    const first = firstVisibleIndex();
    rows = model.visibleRange(first, indexAtY(viewport.scrollTop + viewport.clientHeight - 1) + 1);
  }
  const events: FeedEvent[] = [];
  for (const r of rows) if (r.event) events.push(r.event);
  post({ type: 'export', format, scope, events });
  exportMenu.hidden = true;
  note(`exporting ${events.length.toLocaleString('en-US')} events…`);
}

function clearView(): void {
  model.clear();
  selectedSeq = expandedSeq = -1;
  unseen = 0;
  st.stick = true;
  requestRender(true);
}

// ---------------------------------------------------------------------------------------------------------- ingest
// While following a fast stream every row changes on every frame, and nobody can read rows that fly by at
// thousands per second: above FAST_ROWS_PER_SEC the view refreshes at most every FOLLOW_FAST_MS instead of every
// frame (at most 9 frames behind at 60 Hz), which keeps the page's frames (scrolling, typing, the rest of the UI) smooth.
const FAST_ROWS_PER_SEC = 120;
const FOLLOW_FAST_MS = 150;
let appendWindowStart = 0;
let appendWindowCount = 0;
let appendRate = 0;
let lastFollowRender = 0;
let followTimer: ReturnType<typeof setTimeout> | undefined;

function noteAppended(n: number): void {
  const now = performance.now();
  if (now - appendWindowStart >= 1000) {
    appendRate = (appendWindowCount * 1000) / Math.max(1000, now - appendWindowStart);
    appendWindowStart = now;
    appendWindowCount = 0;
  }
  appendWindowCount += n;
  appendRate = Math.max(appendRate, appendWindowCount);
}

function requestFollowRender(): void {
  const interval = appendRate > FAST_ROWS_PER_SEC ? FOLLOW_FAST_MS : 0;
  const wait = lastFollowRender + interval - performance.now();
  if (wait <= 0) {
    requestRender();
    return;
  }
  if (!followTimer) {
    followTimer = setTimeout(() => {
      followTimer = undefined;
      requestRender();
    }, wait);
  }
}

function afterIngest(res: IngestResult, force = false): void {
  if (res.evictedVisible > 0 && !st.stick) {
    // Rows left at the top: keep what the user is looking at in place.
    viewport.scrollTop = Math.max(0, viewport.scrollTop - res.evictedVisible * ROW_H);
  }
  if (res.appended > 0) noteAppended(res.appended);
  if (res.appended > 0 && !st.stick && !force) unseen += res.appended;
  if (res.updated || force) rowVersion++;
  if (force || res.updated || (res.evictedVisible > 0 && !st.stick)) requestRender();
  else if (res.appended > 0 || res.evictedVisible > 0 || res.queued > 0) requestFollowRender();
}

let malformed = 0;

/** The well-formed items of a host message; the rest are counted and reported once in the status line. */
function validItems(raw: unknown): FeedItem[] {
  if (!Array.isArray(raw)) {
    malformed++;
    return [];
  }
  const ok = raw.filter(isFeedItem);
  if (ok.length !== raw.length) {
    malformed += raw.length - ok.length;
    note(`${malformed.toLocaleString('en-US')} malformed row${malformed === 1 ? '' : 's'} skipped`);
    post({ type: 'error', message: `skipped ${raw.length - ok.length} malformed feed item(s)` });
  }
  return ok;
}

function ingest(raw: unknown): void {
  const items = validItems(raw);
  for (const it of items) if (it.kind === 'event') rates.add(it.event.stream, it.event.receivedAt);
  const res = model.ingest(items);
  afterIngest(res);
  // Counts in the status line change even when no visible row does (hidden stream, filtered out).
  if (items.length && res.appended === 0 && res.evictedVisible === 0) requestFollowRender();
}

function init(msg: Extract<ToFeed, { type: 'init' }>): void {
  initialized = true;
  msg = { ...msg, items: validItems(msg.items), streams: Array.isArray(msg.streams) ? msg.streams : [], savedFilters: Array.isArray(msg.savedFilters) ? msg.savedFilters : [] };
  onlyStream = msg.onlyStream;
  model = new FeedModel(msg.maxEvents > 0 ? msg.maxEvents : defaultMaxEvents);
  streams = msg.streams;
  savedFilters = msg.savedFilters;
  renderSaved();
  filterInput.value = st.filter;
  setToggle(regexBtn, st.regex);
  setToggle(caseBtn, st.caseSensitive);
  setToggle(timeBtn, st.relative);
  const res = compileFilter(st.filter, { regex: st.regex, caseSensitive: st.caseSensitive });
  currentFilter = res.ok ? res.filter : undefined;
  model.setFilter(currentFilter, new Set(st.hidden), onlyStream);
  for (const it of msg.items) if (it.kind === 'event') rates.add(it.event.stream, it.event.receivedAt);
  let split = msg.items.length;
  if (st.paused && st.lastSeenKey) {
    const k = msg.items.findIndex((it) => it.kind !== 'notice' && rowKey(it, 0) === st.lastSeenKey);
    if (k >= 0) split = k + 1;
  }
  model.ingest(msg.items.slice(0, split));
  if (st.paused) {
    // Rows that arrived after the pause are only counted, as they would have been had the view stayed open.
    model.pause();
    model.ingest(msg.items.slice(split));
  }
  if (st.selectedKey) selectedSeq = model.findKey(st.selectedKey)?.seq ?? -1;
  if (st.expandedKey) expandedSeq = model.findKey(st.expandedKey)?.seq ?? -1;
  renderStreams();
  applyFilter(false);
  layoutDirty = true;
  spacer.style.height = `${totalHeight()}px`;
  if (!st.stick && st.anchorKey) {
    const a = model.findKey(st.anchorKey);
    if (a) viewport.scrollTop = model.lowerBound(a.seq) * ROW_H;
    else st.stick = true;
  }
  if (st.stick) scrollToBottom();
  app.classList.toggle('single', !!onlyStream);
  requestRender(true);
}

window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToFeed;
  if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
  try {
    handle(msg);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});

function handle(msg: ToFeed): void {
  switch (msg.type) {
    case 'init':
      init(msg);
      break;
    case 'items':
      if (initialized && !awaitingSnapshot) ingest(msg.items);
      break;
    case 'snapshot': {
      awaitingSnapshot = false;
      const keep = (seq: number) => (seq >= 0 ? model.store.bySeq(seq)?.key : undefined);
      const selKey = keep(selectedSeq);
      const expKey = keep(expandedSeq);
      model.replaceAll(validItems(msg.items));
      selectedSeq = selKey ? (model.findKey(selKey)?.seq ?? -1) : -1;
      expandedSeq = expKey ? (model.findKey(expKey)?.seq ?? -1) : -1;
      rowVersion++;
      if (st.stick) unseen = 0;
      requestRender(true);
      break;
    }
    case 'streams': {
      const labelsBefore = streams.map((x) => `${x.id}\u0000${x.label}\u0000${x.color}`).join('\u0001');
      streams = Array.isArray(msg.streams) ? msg.streams : [];
      renderStreams();
      // Rows show labels and colours only: re-fill them only when one of those changed (not for a state change).
      if (streams.map((x) => `${x.id}\u0000${x.label}\u0000${x.color}`).join('\u0001') !== labelsBefore) {
        rowVersion++;
        requestRender();
      }
      break;
    }
    case 'config':
      model.setCapacity(msg.maxEvents);
      requestRender();
      break;
    case 'savedFilters':
      savedFilters = msg.filters;
      renderSaved();
      break;
    case 'command':
      switch (msg.command) {
        case 'focusFilter':
          filterInput.focus();
          filterInput.select();
          break;
        case 'togglePause':
          if (model.paused) jumpToLatest();
          else pause();
          break;
        case 'jumpToLatest':
          jumpToLatest();
          break;
        case 'clear':
          clearView();
          break;
        case 'export':
          exportMenu.hidden = false;
          scopeSelect.focus();
          break;
        default:
          assertNever(msg.command);
      }
      break;
    case 'exported':
      note(msg.message);
      break;
    default:
      assertNever(msg);
  }
}

function assertNever(x: never): never {
  throw new Error(`unexpected message ${JSON.stringify(x)}`);
}

// ---------------------------------------------------------------------------------------------------------- events
viewport.addEventListener('scroll', () => {
  const bottom = atBottom();
  if (bottom !== st.stick) {
    st.stick = bottom;
    if (bottom) unseen = 0;
  }
  requestRender();
  saveState();
});

viewport.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
  const inDetail = target.closest('.detail');
  const rowEl = target.closest<HTMLElement>('.row');
  const row = inDetail ? model.store.bySeq(detailSeq) : rowEl ? model.store.bySeq(Number(rowEl.dataset.seq)) : undefined;
  if (!row) return;
  if (!inDetail) setSelected(row.seq, false);
  switch (action) {
    case 'toggle':
      toggleExpand(row.seq);
      break;
    case 'copy-digest':
      copyDigest(row);
      break;
    case 'open-tx':
      openTx(row);
      break;
    case 'open-sender': {
      const ev = row.event;
      if (ev?.sender && isChipValue(ev.sender)) post({ type: 'openExplorer', stream: ev.stream, target: 'address', value: ev.sender });
      break;
    }
    case 'copy-value': {
      const t = valueTexts.get(target);
      if (t !== undefined) {
        post({ type: 'copy', what: 'value', text: t });
        note('value copied');
      }
      break;
    }
    case 'copy-json':
      if (row.event) {
        post({ type: 'copy', what: 'json', text: jsonText(row.event, 2) });
        note('JSON copied');
      }
      break;
    case 'open-json':
      if (row.event) post({ type: 'openJson', stream: row.event.stream, id: row.event.id });
      break;
    case 'toggle-raw':
      detailRaw = !detailRaw;
      st.raw = detailRaw;
      buildDetail(row);
      saveState();
      break;
  }
});

viewport.addEventListener('dblclick', (e) => {
  const target = e.target as HTMLElement;
  if (target.closest('.detail') || target.closest('[data-action]')) return;
  const rowEl = target.closest<HTMLElement>('.row');
  if (rowEl) toggleExpand(Number(rowEl.dataset.seq));
});

// Right-click selects the row so the context-menu commands act on what the user sees highlighted.
viewport.addEventListener('contextmenu', (e) => {
  const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
  if (rowEl) setSelected(Number(rowEl.dataset.seq), false);
});

function moveSelection(delta: number): void {
  const n = model.visibleCount;
  if (n === 0) return;
  let i = selectedSeq >= 0 ? model.indexOfSeq(selectedSeq) : -1;
  if (i < 0) i = delta > 0 ? firstVisibleIndex() - 1 : Math.min(n, indexAtY(viewport.scrollTop + viewport.clientHeight));
  i = Math.max(0, Math.min(n - 1, i + delta));
  setSelected(model.visibleAt(i)!.seq, true);
}

grid.addEventListener('keydown', (e) => {
  if ((e.target as HTMLElement).closest('.detail') && e.key !== 'Escape') return;
  const page = Math.max(1, Math.floor(viewport.clientHeight / ROW_H) - 1);
  switch (e.key) {
    case 'ArrowDown':
      moveSelection(1);
      break;
    case 'ArrowUp':
      moveSelection(-1);
      break;
    case 'PageDown':
      moveSelection(page);
      break;
    case 'PageUp':
      moveSelection(-page);
      break;
    case 'Home':
      moveSelection(-Number.MAX_SAFE_INTEGER);
      break;
    case 'End':
      moveSelection(Number.MAX_SAFE_INTEGER);
      break;
    case 'Enter':
    case ' ':
      if (selectedSeq >= 0) toggleExpand(selectedSeq);
      break;
    case 'Escape':
      if (expandedSeq >= 0) toggleExpand(expandedSeq);
      grid.focus();
      break;
    case 'c':
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      copyDigest(selectedRow());
      break;
    default:
      return;
  }
  e.preventDefault();
});

document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== filterInput && !(document.activeElement instanceof HTMLSelectElement)) {
    e.preventDefault();
    filterInput.focus();
    filterInput.select();
  }
});

filterInput.addEventListener('input', () => {
  st.filter = filterInput.value;
  applyFilter();
});
filterInput.addEventListener('focus', () => warmSearchText());
filterInput.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' || e.key === 'ArrowDown') {
    e.preventDefault();
    grid.focus();
  }
});
regexBtn.addEventListener('click', () => {
  st.regex = !st.regex;
  setToggle(regexBtn, st.regex);
  applyFilter();
});
caseBtn.addEventListener('click', () => {
  st.caseSensitive = !st.caseSensitive;
  setToggle(caseBtn, st.caseSensitive);
  applyFilter();
});
savedSelect.addEventListener('change', () => {
  const f = savedFilters.find((x) => x.name === savedSelect.value);
  savedSelect.value = '';
  if (!f) return;
  st.filter = f.text;
  st.regex = f.regex;
  st.caseSensitive = f.caseSensitive;
  filterInput.value = f.text;
  setToggle(regexBtn, st.regex);
  setToggle(caseBtn, st.caseSensitive);
  applyFilter();
});
saveBtn.addEventListener('click', () => {
  const saved = currentSaved();
  if (saved) post({ type: 'deleteFilter', name: saved.name });
  else if (st.filter.trim() !== '') post({ type: 'saveFilter', filter: { text: st.filter, regex: st.regex, caseSensitive: st.caseSensitive } });
});
pauseBtn.addEventListener('click', () => (model.paused ? jumpToLatest() : pause()));
newBar.addEventListener('click', () => jumpToLatest());
timeBtn.addEventListener('click', () => {
  st.relative = !st.relative;
  setToggle(timeBtn, st.relative);
  rowVersion++;
  requestRender();
  saveState();
});
exportBtn.addEventListener('click', () => {
  exportMenu.hidden = !exportMenu.hidden;
  if (!exportMenu.hidden) scopeSelect.focus();
});
exportGo.addEventListener('click', () => exportEvents(scopeSelect.value as ExportScope, formatSelect.value as ExportFormat));
exportMenu.addEventListener('keydown', (e) => {
  if (e.key === 'Escape') {
    exportMenu.hidden = true;
    exportBtn.focus();
  }
});
clearBtn.addEventListener('click', () => clearView());
streamBar.addEventListener('click', (e) => {
  const btn = (e.target as HTMLElement).closest<HTMLElement>('.stream-toggle');
  const id = btn?.dataset.stream;
  if (id === undefined) return;
  st.hidden = st.hidden.includes(id) ? st.hidden.filter((x) => x !== id) : [...st.hidden, id];
  renderStreams();
  applyFilter();
});

new ResizeObserver(() => requestRender(true)).observe(viewport);

setInterval(() => {
  if (document.visibilityState !== 'visible') return;
  updateSparks();
  if (st.relative) {
    rowVersion++;
    requestRender();
  }
}, 1000);

post({ type: 'ready' });
