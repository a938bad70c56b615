/**
 * The live events feed webview: a virtualized grid of rows (only the visible rows exist in the DOM), a filter bar,
 * pause with "N new", jump to latest, expandable JSON, stream toggles with rate sparklines, export.
 *
 * Plain DOM, no framework. Event data is attacker-controlled: every piece of it reaches the DOM through
 * `textContent`, `title` or `setAttribute` of a non-URL attribute, never `innerHTML`; links go through the host.
 * Talks to the host only through the unions in src/feed/protocol.ts.
 *
 * This file wires the parts together and holds the host message switch. The parts: viewState (the one state
 * object), toolbar (filter bar, pause, export, status line), streamBar, grid (virtual scroll and row pool) and
 * detail (the JSON tree of the expanded row).
 */
import { assertNever } from '../../src/feed/protocol';
import type { FeedItem, ToFeed } from '../../src/feed/protocol';
import { compileFilter } from '../../src/feed/filter';
import { FeedModel } from '../../src/feed/model';
import { defaultMaxEvents } from '../../src/feed/rowFormat';
import { isChipValue, isFeedItem, rowKey } from '../../src/feed/row';
import type { FeedRow } from '../../src/feed/row';
import { app } from './dom';
import { detailSeq, buildDetail, jsonText, valueText } from './detail';
import { afterIngest, atBottom, empty, grid, moveSelection, onAfterRender, requestFollowRender, requestRender, ROW_H, scrollToBottom, selectedRow, setSelected, syncHeight, toggleExpand, viewport } from './grid';
import { onStreamToggle, renderStreams, streamBar, updateSparks } from './streamBar';
import { announce, applyFilter, clearView, exportMenu, filterError, focusFilter, jumpToLatest, newBar, note, openExport, renderSaved, showPersistedControls, status, togglePause, toolbar, updateBars } from './toolbar';
import { post, saveState, st, view } from './viewState';
import { applySourceInfo, installSourceHover, storeSourceInfo } from './sourceHover';

app.append(toolbar, filterError, streamBar, grid, empty, newBar, status, announce, exportMenu);
onAfterRender(updateBars);
onStreamToggle(() => applyFilter());

// ---------------------------------------------------------------------------------------------------------- ingest
/** The well-formed items of a host message; the rest are counted and reported once in the status line. */
function validItems(raw: unknown): FeedItem[] {
  if (!Array.isArray(raw)) {
    view.malformed++;
    return [];
  }
  const ok = raw.filter(isFeedItem);
  if (ok.length !== raw.length) {
    view.malformed += raw.length - ok.length;
    note(`${view.malformed.toLocaleString('en-US')} malformed row${view.malformed === 1 ? '' : 's'} skipped`);
    post({ type: 'error', message: `skipped ${raw.length - ok.length} malformed feed item(s)` });
  }
  return ok;
}

function ingest(raw: unknown): void {
  const items = validItems(raw);
  for (const it of items) if (it.kind === 'event') view.rates.add(it.event.stream, it.event.receivedAt);
  const res = view.model.ingest(items);
  afterIngest(res);
  // Counts in the status line change even when no visible row does (hidden stream, filtered out).
  if (items.length && res.appended === 0 && res.evictedVisible === 0) requestFollowRender();
}

function init(msg: Extract<ToFeed, { type: 'init' }>): void {
  view.initialized = true;
  msg = { ...msg, items: validItems(msg.items), streams: Array.isArray(msg.streams) ? msg.streams : [], savedFilters: Array.isArray(msg.savedFilters) ? msg.savedFilters : [] };
  view.onlyStream = msg.onlyStream;
  const model = (view.model = new FeedModel(msg.maxEvents > 0 ? msg.maxEvents : defaultMaxEvents));
  view.streams = msg.streams;
  view.savedFilters = msg.savedFilters;
  renderSaved();
  showPersistedControls();
  const res = compileFilter(st.filter, { regex: st.regex, caseSensitive: st.caseSensitive });
  view.currentFilter = res.ok ? res.filter : undefined;
  model.setFilter(view.currentFilter, new Set(st.hidden), view.onlyStream);
  for (const it of msg.items) if (it.kind === 'event') view.rates.add(it.event.stream, it.event.receivedAt);
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
  if (st.selectedKey) view.selectedSeq = model.findKey(st.selectedKey)?.seq ?? -1;
  if (st.expandedKey) view.expandedSeq = model.findKey(st.expandedKey)?.seq ?? -1;
  renderStreams();
  applyFilter(false);
  syncHeight();
  if (!st.stick && st.anchorKey) {
    const a = model.findKey(st.anchorKey);
    if (a) viewport.scrollTop = model.lowerBound(a.seq) * ROW_H;
    else st.stick = true;
  }
  if (st.stick) scrollToBottom();
  app.classList.toggle('single', !!view.onlyStream);
  app.classList.toggle('in-view', msg.inView === true);
  // the host shows Pause or Resume in the view's title bar after this
  post({ type: 'paused', paused: model.paused });
  requestRender(true);
}

// ---------------------------------------------------------------------------------------------------------- host
window.addEventListener('message', (e: MessageEvent) => {
  const msg = e.data as ToFeed;
  if (!msg || typeof msg !== 'object' || typeof msg.type !== 'string') return;
  try {
    handle(msg);
  } catch (err) {
    post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
  }
});

/** Labels and colours of the streams, the only part of them the rows show. */
function rowLooks(): string {
  return view.streams.map((x) => `${x.id}\u0000${x.label}\u0000${x.color}`).join('\u0001');
}

function handle(msg: ToFeed): void {
  switch (msg.type) {
    case 'init':
      init(msg);
      break;
    case 'items':
      if (view.initialized && !view.awaitingSnapshot) ingest(msg.items);
      break;
    case 'snapshot': {
      view.awaitingSnapshot = false;
      const model = view.model;
      const keep = (seq: number) => (seq >= 0 ? model.store.bySeq(seq)?.key : undefined);
      const selKey = keep(view.selectedSeq);
      const expKey = keep(view.expandedSeq);
      model.replaceAll(validItems(msg.items));
      view.selectedSeq = selKey ? (model.findKey(selKey)?.seq ?? -1) : -1;
      view.expandedSeq = expKey ? (model.findKey(expKey)?.seq ?? -1) : -1;
      view.rowVersion++;
      if (st.stick) view.unseen = 0;
      requestRender(true);
      break;
    }
    case 'streams': {
      const looksBefore = rowLooks();
      view.streams = Array.isArray(msg.streams) ? msg.streams : [];
      renderStreams();
      // Rows show labels and colours only: re-fill them only when one of those changed (not for a state change).
      if (rowLooks() !== looksBefore) {
        view.rowVersion++;
        requestRender();
      }
      break;
    }
    case 'config':
      view.model.setCapacity(msg.maxEvents);
      requestRender();
      break;
    case 'savedFilters':
      view.savedFilters = msg.filters;
      renderSaved();
      break;
    case 'command':
      switch (msg.command) {
        case 'focusFilter':
          focusFilter();
          break;
        case 'togglePause':
          togglePause();
          break;
        case 'jumpToLatest':
          jumpToLatest();
          break;
        case 'clear':
          clearView();
          break;
        case 'export':
          openExport();
          break;
        default:
          assertNever(msg.command);
      }
      break;
    case 'exported':
      note(msg.message);
      break;
    case 'sourceInfo':
      storeSourceInfo(String(msg.stream), String(msg.id), String(msg.text));
      applySourceInfo(viewport, eventAt, String(msg.stream), String(msg.id));
      break;
    default:
      assertNever(msg);
  }
}

// ---------------------------------------------------------------------------------------------------------- row actions
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

viewport.addEventListener('scroll', () => {
  const bottom = atBottom();
  // While the rows are held only leaving them decides whether to follow again: the scroll event of the last
  // follow-scroll can arrive after the hold began, at the bottom, and must not start following under the pointer.
  if (bottom !== st.stick && !heldFollow) {
    st.stick = bottom;
    if (bottom) view.unseen = 0;
  }
  requestRender();
  saveState();
});

// Rows hold still under the pointer: while it is over the rows the view stops following (new rows are counted in
// "N new", the rows on screen stay where they are), so a click or an inline action lands on the row it aimed at.
// When the pointer leaves, following resumes, unless the user scrolled away meanwhile. The hold starts on a pointer
// move, not on "enter": a pointer left resting where "Jump to latest" was must not stop the jump it just made.
let heldFollow = false;
let scrolledWhileHeld = false;
viewport.addEventListener('pointermove', () => {
  if (heldFollow || !st.stick || view.model.paused) return;
  heldFollow = true;
  scrolledWhileHeld = false;
  st.stick = false;
  app.classList.add('held');
});
viewport.addEventListener('wheel', () => {
  if (heldFollow) scrolledWhileHeld = true;
});
viewport.addEventListener('pointerleave', () => {
  if (!heldFollow) return;
  heldFollow = false;
  app.classList.remove('held');
  if (view.model.paused || (scrolledWhileHeld && !atBottom())) return;
  st.stick = true;
  view.unseen = 0;
  syncHeight();
  scrollToBottom();
  requestRender();
});

viewport.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const action = target.closest<HTMLElement>('[data-action]')?.dataset.action;
  const inDetail = target.closest('.detail');
  const rowEl = target.closest<HTMLElement>('.row');
  const store = view.model.store;
  const row = inDetail ? store.bySeq(detailSeq()) : rowEl ? store.bySeq(Number(rowEl.dataset.seq)) : undefined;
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
      const t = valueText(target);
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
      st.raw = !st.raw;
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

// Hover on an event's type asks the host once for its declaration in the workspace (shown in the cell's title)
const eventAt = (seq: number) => view.model.store.bySeq(seq)?.event;
installSourceHover(viewport, eventAt, (stream, id) => post({ type: 'describeSource', stream, id }));

// Right-click selects the row so the context-menu commands act on what the user sees highlighted.
viewport.addEventListener('contextmenu', (e) => {
  const rowEl = (e.target as HTMLElement).closest<HTMLElement>('.row');
  if (rowEl) setSelected(Number(rowEl.dataset.seq), false);
});

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
      if (view.selectedSeq >= 0) toggleExpand(view.selectedSeq);
      break;
    case 'Escape':
      if (view.expandedSeq >= 0) toggleExpand(view.expandedSeq);
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

new ResizeObserver(() => requestRender(true)).observe(viewport);

setInterval(() => {
  if (document.visibilityState !== 'visible') return;
  updateSparks();
  if (st.relative) {
    view.rowVersion++;
    requestRender();
  }
}, 1000);

post({ type: 'ready' });
