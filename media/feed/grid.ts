/**
 * The events grid: a virtual scroll (only the rows on screen exist in the DOM, drawn from a pool of row elements),
 * the expanded row's detail under it, selection and expansion, and the render loop (one render per animation frame;
 * fewer while following a fast stream).
 */
import { escapeInvisible, formatRelative, formatTime } from '../../src/feed/rowFormat';
import { isChipValue } from '../../src/feed/row';
import type { FeedRow } from '../../src/feed/row';
import type { IngestResult } from '../../src/feed/model';
import { ROW_SECTION } from '../../src/feed/protocol';
import { el } from './dom';
import { buildDetail, detail, detailSeq, hideDetail } from './detail';
import { saveState, setTopRowKey, st, streamColor, streamLabel, view } from './viewState';
import { sourceTitle } from './sourceHover';

/** Height of one row, in CSS pixels. */
export const ROW_H = 22;
/** Rows drawn above and below the viewport. */
const OVERSCAN = 4;
// While following a fast stream every row changes on every frame, and nobody can read rows that fly by at
// thousands per second: above FAST_ROWS_PER_SEC the view refreshes at most every FOLLOW_FAST_MS instead of every
// frame (at most 9 frames behind at 60 Hz), which keeps the page's frames (scrolling, typing, the rest of the UI) smooth.
const FAST_ROWS_PER_SEC = 120;
const FOLLOW_FAST_MS = 150;

/** The grid element (header row + viewport). */
export const grid = el('div', 'grid');
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
/** The scrolling element. */
export const viewport = el('div', 'viewport');
viewport.id = 'viewport';
const spacer = el('div', 'spacer');
const rowLayer = el('div', 'rows');
viewport.append(spacer, rowLayer);
grid.append(headerRow, viewport);
rowLayer.append(detail);

/** Shown while there are no rows at all. */
export const empty = el('div', 'empty', 'Waiting for events…');
empty.id = 'empty';

let renderQueued = false;
let layoutDirty = true;
/** A scroll position to apply at the next render (set where scrolling at once would force a layout). */
let pendingScrollTop: number | undefined;
let afterRender: () => void = () => undefined;

/** Runs `fn` at the end of every render (the status line and the bars follow the grid). */
export function onAfterRender(fn: () => void): void {
  afterRender = fn;
}

// ---------------------------------------------------------------------------------------------------------- layout
function detailHeight(): number {
  return Math.round(Math.min(420, Math.max(140, viewport.clientHeight * 0.6)));
}
function expandedIndex(): number {
  return view.expandedSeq >= 0 ? view.model.indexOfSeq(view.expandedSeq) : -1;
}
function rowTop(i: number, e: number): number {
  return i * ROW_H + (e >= 0 && i > e ? detailHeight() : 0);
}
function totalHeight(): number {
  return view.model.visibleCount * ROW_H + (expandedIndex() >= 0 ? detailHeight() : 0);
}
/** Sets the scroll height to the rows' height now (before a scroll that must land past the old height). */
export function syncHeight(): void {
  spacer.style.height = `${totalHeight()}px`;
}
/** The visible index of the row at viewport offset `y`. */
export function indexAtY(y: number): number {
  const e = expandedIndex();
  if (e < 0 || y < (e + 1) * ROW_H) return Math.floor(y / ROW_H);
  if (y < (e + 1) * ROW_H + detailHeight()) return e;
  return Math.floor((y - detailHeight()) / ROW_H);
}
/** The visible index of the top row on screen. */
export function firstVisibleIndex(): number {
  return Math.max(0, Math.min(view.model.visibleCount - 1, indexAtY(viewport.scrollTop)));
}
/** The visible index just past the bottom row on screen. */
export function lastVisibleIndex(): number {
  return indexAtY(viewport.scrollTop + viewport.clientHeight - 1) + 1;
}
/** True when the viewport shows the newest row. */
export function atBottom(): boolean {
  return viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_H / 2;
}
/** Scrolls to the newest row. */
export function scrollToBottom(): void {
  viewport.scrollTop = viewport.scrollHeight;
}
/** Scrolls at the next render instead of now (scrolling now would force a layout). */
export function scrollAtNextRender(top: number): void {
  pendingScrollTop = top;
}

setTopRowKey(() => view.model.visibleAt(firstVisibleIndex())?.key);

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

function rowContext(row: FeedRow): string {
  const ev = row.event;
  const ctx: Record<string, string | boolean> = { webviewSection: ROW_SECTION, preventDefaultContextMenuItems: true };
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

/** The time cell's tooltip: the receive time, and the chain time when the event has one (they differ). */
function timeTitle(at: number, chainTime: number | undefined): string {
  const chain = chainTime === undefined ? NaN : new Date(chainTime).getTime();
  return Number.isNaN(chain) ? new Date(at).toISOString() : `chain time ${new Date(chain).toISOString()} · received ${new Date(at).toISOString()}`;
}

function fillRow(p: PooledRow, row: FeedRow, now: number): void {
  const c = row.cells();
  const r = p.root;
  const ev = row.event;
  r.className = `row kind-${row.item.kind === 'event' ? 'event' : row.item.kind === 'gap' ? 'gap' : `notice level-${row.item.notice.level}`}${ev?.removed || row.struck ? ' removed' : ''}`;
  r.dataset.seq = String(row.seq);
  r.setAttribute('data-vscode-context', rowContext(row));
  p.timeText.textContent = st.relative ? formatRelative(row.at, now) : formatTime(row.at);
  p.time.title = timeTitle(row.at, ev?.timestamp);
  const color = streamColor(row.stream);
  p.dot.className = `dot color-${color}`;
  p.streamText.textContent = escapeInvisible(streamLabel(row.stream));
  p.stream.title = p.streamText.textContent;
  p.kind.textContent = c.kind;
  p.type.textContent = c.type;
  p.type.title = sourceTitle(ev, c.typeFull);
  p.digest.textContent = c.digest;
  p.digestCell.title = ev?.digest ? escapeInvisible(String(ev.digest).slice(0, 200)) : '';
  p.digestActions.hidden = !ev || !isChipValue(ev.digest);
  p.senderText.textContent = c.sender;
  p.sender.title = c.senderFull;
  p.senderOpen.hidden = !ev || !isChipValue(ev.sender);
  p.summary.textContent = c.summary;
  p.summary.title = c.summaryFull ?? c.summary;
}

function syncPoolSize(): void {
  const want = Math.ceil(Math.max(viewport.clientHeight, ROW_H * 10) / ROW_H) + OVERSCAN * 2;
  while (pool.length < want) pool.push(makeRow());
  while (pool.length > want) pool.pop()!.root.remove();
}

// ---------------------------------------------------------------------------------------------------------- render
/** Renders at the next animation frame; `layout` when the viewport's size may have changed. */
export function requestRender(layout = false): void {
  if (layout) layoutDirty = true;
  if (renderQueued) return;
  renderQueued = true;
  requestAnimationFrame(render);
}

function render(): void {
  renderQueued = false;
  lastFollowRender = performance.now();
  const model = view.model;
  const count = model.visibleCount;
  if (layoutDirty) {
    syncPoolSize();
    layoutDirty = false;
  }
  syncHeight();
  if (pendingScrollTop !== undefined) {
    viewport.scrollTop = pendingScrollTop;
    pendingScrollTop = undefined;
  } else if (st.stick) scrollToBottom();
  const e = expandedIndex();
  if (e < 0 && view.expandedSeq >= 0 && !model.store.bySeq(view.expandedSeq)) view.expandedSeq = -1;
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
    if (p.seq !== row.seq || p.version !== view.rowVersion) {
      try {
        fillRow(p, row, now);
      } catch (err) {
        // One row that cannot be shown must not take the frame (and every other row) with it.
        p.summary.textContent = `cannot show this row: ${escapeInvisible(err instanceof Error ? err.message : String(err)).slice(0, 120)}`;
      }
      p.seq = row.seq;
      p.version = view.rowVersion;
    }
    if (p.index !== i) {
      p.index = i;
      p.root.setAttribute('aria-rowindex', String(i + 2));
    }
    p.root.style.transform = `translateY(${rowTop(i, e)}px)`;
    const sel = row.seq === view.selectedSeq;
    p.root.classList.toggle('selected', sel);
    p.root.setAttribute('aria-selected', sel ? 'true' : 'false');
    const exp = row.seq === view.expandedSeq;
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
    if (detailSeq() !== row.seq || detail.hidden) buildDetail(row);
    detail.hidden = false;
    detail.style.height = `${detailHeight()}px`;
    detail.style.transform = `translateY(${(e + 1) * ROW_H}px)`;
  } else if (!detail.hidden) hideDetail();
  grid.setAttribute('aria-rowcount', String(count + 1));
  empty.hidden = model.store.length > 0;
  afterRender();
}

// ---------------------------------------------------------------------------------------------------------- follow
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

/** Renders soon: at once when rows come slowly, at most every FOLLOW_FAST_MS when they come fast. */
export function requestFollowRender(): void {
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

/** Keeps the view in place and schedules the render an ingest needs. */
export function afterIngest(res: IngestResult, force = false): void {
  if (res.evictedVisible > 0 && !st.stick) {
    // Rows left at the top: keep what the user is looking at in place.
    viewport.scrollTop = Math.max(0, viewport.scrollTop - res.evictedVisible * ROW_H);
  }
  if (res.appended > 0) noteAppended(res.appended);
  if (res.appended > 0 && !st.stick && !force) view.unseen += res.appended;
  if (res.updated || force) view.rowVersion++;
  if (force || res.updated || (res.evictedVisible > 0 && !st.stick)) requestRender();
  else if (res.appended > 0 || res.evictedVisible > 0 || res.queued > 0) requestFollowRender();
}

// ---------------------------------------------------------------------------------------------------------- selection
/** The selected row, if it is still in the store. */
export function selectedRow(): FeedRow | undefined {
  return view.selectedSeq >= 0 ? view.model.store.bySeq(view.selectedSeq) : undefined;
}

/** Selects the row `seq`; `reveal` scrolls it into view. */
export function setSelected(seq: number, reveal: boolean): void {
  view.selectedSeq = seq;
  if (reveal) {
    const i = view.model.indexOfSeq(seq);
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

/** Expands the row `seq`, or collapses it when it is the expanded one. */
export function toggleExpand(seq: number): void {
  view.expandedSeq = view.expandedSeq === seq ? -1 : seq;
  if (view.expandedSeq >= 0 && st.stick) {
    // Expanding a row means reading it: stop following so it does not scroll away.
    st.stick = false;
  }
  syncHeight();
  requestRender();
  saveState();
}

/** Moves the selection by `delta` visible rows (selecting the first or last row on screen when none is). */
export function moveSelection(delta: number): void {
  const n = view.model.visibleCount;
  if (n === 0) return;
  let i = view.selectedSeq >= 0 ? view.model.indexOfSeq(view.selectedSeq) : -1;
  if (i < 0) i = delta > 0 ? firstVisibleIndex() - 1 : Math.min(n, indexAtY(viewport.scrollTop + viewport.clientHeight));
  i = Math.max(0, Math.min(n - 1, i + delta));
  setSelected(view.model.visibleAt(i)!.seq, true);
}
