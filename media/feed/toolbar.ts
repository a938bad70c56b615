/**
 * The controls around the grid: the filter bar (text, case, regex, saved filters), pause, relative times, export
 * and clear above it; the "N new" bar and the status line below it. Also the view actions those controls share
 * with the host's commands: pause, jump to latest, clear, export.
 */
import type { ExportFormat, ExportScope, FeedEvent, SavedFilter } from '../../src/feed/protocol';
import { compileFilter, REGEX_SEARCH_MAX_CHARS } from '../../src/feed/filter';
import { escapeInvisible } from '../../src/feed/rowFormat';
import type { FeedRow } from '../../src/feed/row';
import { app, el, icon, iconButton } from './dom';
import { firstVisibleIndex, grid, lastVisibleIndex, requestRender, ROW_H, scrollAtNextRender, scrollToBottom, syncHeight } from './grid';
import { post, saveState, st, view } from './viewState';

/** How long a short outcome ("digest copied") stays in the status line. */
const NOTE_MS = 6000;
/** A host that never answers a resync must not freeze the view for good. */
const SNAPSHOT_WAIT_MS = 5000;

/** The toolbar element. */
export const toolbar = el('div', 'toolbar');
toolbar.setAttribute('role', 'toolbar');
toolbar.setAttribute('aria-label', 'Feed controls');
const filterBox = el('div', 'filter-box');
const filterInput = el('input', 'filter');
filterInput.id = 'filter';
filterInput.type = 'text';
filterInput.spellcheck = false;
filterInput.placeholder = 'Filter: text, type:Swap, sender:0xab, stream:demo, data.amount>1000  (/ to focus)';
filterInput.setAttribute('aria-label', 'Filter events');
const regexBtn = iconButton('regex', 'regex', `Use regular expression (searches the first ${REGEX_SEARCH_MAX_CHARS / 1024} KB of each event)`, true);
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

/** Where a filter that does not parse says why. */
export const filterError = el('div', 'filter-error');
filterError.id = 'filter-error';
filterError.setAttribute('role', 'alert');
filterError.hidden = true;

/** "N new · Jump to latest". */
export const newBar = el('button', 'new-bar');
newBar.id = 'jump';
newBar.type = 'button';
newBar.hidden = true;

// The row counts change many times a second while streaming: not a live region (screen readers would chatter).
// Short outcomes (copied, exported, paused) are announced through `announce` instead.
/** The status line (row counts and the last short outcome). */
export const status = el('div', 'status');
status.id = 'status';
/** The polite live region for short outcomes. */
export const announce = el('div', 'sr-only');
announce.id = 'announce';
announce.setAttribute('role', 'status');
announce.setAttribute('aria-live', 'polite');

/** The export dialog. */
export const exportMenu = el('div', 'export-menu');
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

let statusNote = '';
let statusNoteTimer: ReturnType<typeof setTimeout> | undefined;
let barsKey = '';

// ---------------------------------------------------------------------------------------------------------- bars
/** Brings the "N new" bar, the pause button and the status line up to date (cheap when nothing changed). */
export function updateBars(): void {
  const model = view.model;
  const n = model.paused ? model.newCount : view.unseen;
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

/** Shows a short outcome in the status line for a few seconds and announces it. */
export function note(text: string): void {
  statusNote = text;
  announce.textContent = text;
  if (statusNoteTimer) clearTimeout(statusNoteTimer);
  statusNoteTimer = setTimeout(() => {
    statusNote = '';
    updateBars();
  }, NOTE_MS);
  updateBars();
}

// ---------------------------------------------------------------------------------------------------------- filter
/** Compiles `st.filter` and applies it; `keepAnchor` keeps the top row on screen in place. */
export function applyFilter(keepAnchor = true): void {
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
  view.currentFilter = res.filter;
  updateSaveButton();
  const anchor = keepAnchor && !st.stick ? view.model.visibleAt(firstVisibleIndex()) : undefined;
  view.model.setFilter(view.currentFilter, new Set(st.hidden), view.onlyStream);
  // Scrolling now would force a synchronous layout on every keystroke: the next frame's render does it.
  if (anchor) scrollAtNextRender(view.model.lowerBound(anchor.seq) * ROW_H);
  requestRender();
  saveState();
}

function setToggle(btn: HTMLButtonElement, on: boolean): void {
  btn.setAttribute('aria-pressed', on ? 'true' : 'false');
  btn.classList.toggle('on', on);
}

/** Shows the persisted filter text and toggles in the controls (after `init`). */
export function showPersistedControls(): void {
  filterInput.value = st.filter;
  setToggle(regexBtn, st.regex);
  setToggle(caseBtn, st.caseSensitive);
  setToggle(timeBtn, st.relative);
}

/** Moves the focus to the filter and selects its text. */
export function focusFilter(): void {
  filterInput.focus();
  filterInput.select();
}

/** The saved filter the current filter text is, if any (the save button then removes it). */
function currentSaved(): SavedFilter | undefined {
  return view.savedFilters.find((f) => f.text === st.filter && f.regex === st.regex && f.caseSensitive === st.caseSensitive);
}

function updateSaveButton(): void {
  const saved = currentSaved();
  const label = saved ? `Remove saved filter "${escapeInvisible(saved.name)}"` : 'Save filter';
  if (saveBtn.title === label) return;
  saveBtn.title = label;
  saveBtn.setAttribute('aria-label', label);
  saveBtn.replaceChildren(icon(saved ? 'trash' : 'save'));
}

/** Rebuilds the saved-filters list from `view.savedFilters`. */
export function renderSaved(): void {
  updateSaveButton();
  savedSelect.replaceChildren();
  const head = el('option', undefined, view.savedFilters.length ? 'Saved filters…' : 'No saved filters');
  head.value = '';
  savedSelect.append(head);
  for (const f of view.savedFilters) {
    const o = el('option', undefined, escapeInvisible(f.name));
    o.value = f.name;
    savedSelect.append(o);
  }
}

// Warm the search text of every row in idle time once the user is about to type, so the first keystroke is cheap.
let warmAt = 0;
function warmSearchText(): void {
  const step = (deadline?: IdleDeadline) => {
    const n = view.model.store.length;
    const until = deadline ? () => deadline.timeRemaining() > 1 : (() => {
      const end = performance.now() + 8;
      return () => performance.now() < end;
    })();
    while (warmAt < n && until()) {
      view.model.store.at(warmAt)!.text(!st.caseSensitive);
      warmAt++;
    }
    if (warmAt < n) schedule();
  };
  const schedule = () => (typeof requestIdleCallback === 'function' ? requestIdleCallback(step) : setTimeout(() => step(), 16));
  warmAt = 0;
  schedule();
}

// ---------------------------------------------------------------------------------------------------------- actions
/** Pauses the view (streams keep running; new rows are counted). */
export function pause(): void {
  const model = view.model;
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

/** Resumes a paused view (asking the host for a snapshot) and follows the newest row. */
export function jumpToLatest(): void {
  if (view.model.paused) {
    view.model.resume();
    view.awaitingSnapshot = true;
    setTimeout(() => (view.awaitingSnapshot = false), SNAPSHOT_WAIT_MS);
    post({ type: 'paused', paused: false });
    post({ type: 'resync' });
  }
  st.lastSeenKey = undefined;
  st.stick = true;
  view.unseen = 0;
  syncHeight();
  scrollToBottom();
  requestRender();
  saveState();
}

/** Pause when running, jump to latest when paused. */
export function togglePause(): void {
  if (view.model.paused) jumpToLatest();
  else pause();
}

/** Empties the view (the host keeps its history and the journals keep everything). */
export function clearView(): void {
  view.model.clear();
  view.selectedSeq = view.expandedSeq = -1;
  view.unseen = 0;
  st.stick = true;
  requestRender(true);
}

/** Opens the export dialog. */
export function openExport(): void {
  exportMenu.hidden = false;
  scopeSelect.focus();
}

function exportEvents(scope: ExportScope, format: ExportFormat): void {
  const model = view.model;
  let rows: FeedRow[];
  if (scope === 'all') rows = model.store.all();
  else if (scope === 'filtered') rows = model.visibleRows();
  else rows = model.visibleRange(firstVisibleIndex(), lastVisibleIndex());
  const events: FeedEvent[] = [];
  for (const r of rows) if (r.event) events.push(r.event);
  post({ type: 'export', format, scope, events });
  exportMenu.hidden = true;
  note(`exporting ${events.length.toLocaleString('en-US')} events…`);
}

// ---------------------------------------------------------------------------------------------------------- wiring
document.addEventListener('keydown', (e) => {
  if (e.key === '/' && document.activeElement !== filterInput && !(document.activeElement instanceof HTMLSelectElement)) {
    e.preventDefault();
    focusFilter();
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
  const f = view.savedFilters.find((x) => x.name === savedSelect.value);
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
pauseBtn.addEventListener('click', () => togglePause());
newBar.addEventListener('click', () => jumpToLatest());
timeBtn.addEventListener('click', () => {
  st.relative = !st.relative;
  setToggle(timeBtn, st.relative);
  view.rowVersion++;
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
