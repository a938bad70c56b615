/**
 * The expanded row: a JSON tree of the event (children built lazily when a node opens) or its raw payload, with
 * copy and open buttons. Every string reaches the DOM through `textContent`.
 */
import { escapeInvisible } from '../../src/feed/rowFormat';
import { isChipValue } from '../../src/feed/row';
import type { FeedRow } from '../../src/feed/row';
import { el } from './dom';
import { st } from './viewState';

/** Strings longer than this are cut in the expanded view until "show all" is clicked. */
const DETAIL_STRING_CHARS = 10_000;
const RAW_CHARS = 256 * 1024;
/** Children shown under one node before "Open as JSON" is the way to see the rest. */
const MAX_CHILDREN = 1000;

/** The detail element (the grid places it under the expanded row). */
export const detail = el('div', 'detail');
detail.id = 'detail';
detail.hidden = true;

let shownSeq = -1;
const valueTexts = new WeakMap<HTMLElement, string>();

/** The seq of the row the detail shows, or -1. */
export function detailSeq(): number {
  return shownSeq;
}

/** The text a "copy value" button copies. */
export function valueText(button: HTMLElement): string | undefined {
  return valueTexts.get(button);
}

/** JSON text of any value (bigints as decimal strings); `String(v)` when it cannot be serialized. */
export function jsonText(v: unknown, indent?: number): string {
  try {
    return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x), indent) ?? String(v);
  } catch {
    return String(v);
  }
}

function valueButton(text: string): HTMLElement {
  const b = el('span', 'mini codicon codicon-copy');
  b.dataset.action = 'copy-value';
  b.title = 'Copy value';
  valueTexts.set(b, text);
  return b;
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
      const shown = entries.slice(0, MAX_CHILDREN);
      for (const [k, v] of shown) body.append(jsonNode(k, v, depth + 1));
      if (entries.length > shown.length) body.append(el('div', 'json-meta', `… ${entries.length - shown.length} more (Open as JSON to see all)`));
    };
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

function textButton(label: string, action: string): HTMLButtonElement {
  const b = el('button', 'text-btn', label);
  b.type = 'button';
  b.dataset.action = action;
  return b;
}

/** Fills the detail with `row` (pretty tree or raw JSON, as `st.raw` says). */
export function buildDetail(row: FeedRow): void {
  detail.replaceChildren();
  shownSeq = row.seq;
  const bar = el('div', 'detail-bar');
  const ev = row.event;
  bar.append(textButton(st.raw ? 'Pretty' : 'Raw', 'toggle-raw'));
  if (ev) {
    bar.append(textButton('Copy JSON', 'copy-json'), textButton('Open as JSON', 'open-json'));
    if (isChipValue(ev.digest)) bar.append(textButton('Copy digest', 'copy-digest'), textButton('Open in explorer', 'open-tx'));
  }
  const body = el('div', 'detail-body');
  body.tabIndex = 0;
  const value: unknown = ev ?? row.item;
  if (st.raw) {
    body.append(longText(escapeInvisible(jsonText(ev ? ev.payload : value, 2)), RAW_CHARS, 'raw'));
  } else if (ev) {
    const meta: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ev)) if (k !== 'payload') meta[k] = v;
    body.append(jsonNode('payload', ev.payload, 0), jsonNode('event', meta, 1));
  } else body.append(jsonNode(undefined, value, 0));
  detail.append(bar, body);
}

/** Empties and hides the detail. */
export function hideDetail(): void {
  detail.hidden = true;
  detail.replaceChildren();
  shownSeq = -1;
}
