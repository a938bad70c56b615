/**
 * Hover on an event's type: the first time the pointer rests on it, the webview asks the host for the event's
 * declaration in the workspace (`describeSource`); the answer (`sourceInfo`, plain text) is kept per event and shown
 * in the type cell's `title` under the type. Text only: the answer never becomes markup.
 */
import type { FeedEvent } from '../../src/feed/protocol';

/** Most answers kept (oldest dropped first). */
const MAX_CACHED = 500;
const answers = new Map<string, string>();
const asked = new Set<string>();

const keyOf = (stream: string, id: string) => `${stream}\u0000${id}`;

/** The type cell's title: the full type, then the declaration when the host has answered. */
export function sourceTitle(ev: FeedEvent | undefined, typeFull: string): string {
  const text = ev ? answers.get(keyOf(ev.stream, ev.id)) : undefined;
  return text ? `${typeFull}\n\n${text}` : typeFull;
}

/** Stores an answer; returns the title text for the event's cell. */
export function storeSourceInfo(stream: string, id: string, text: string): void {
  const key = keyOf(stream, id);
  answers.delete(key);
  answers.set(key, String(text).slice(0, 2_000));
  while (answers.size > MAX_CACHED) answers.delete(answers.keys().next().value as string);
}

/**
 * Listens for the pointer on type cells under `root`; `eventAt(seq)` finds a row's event, `ask` posts the request.
 * Each event is asked about once (until its answer is dropped from the cache).
 */
export function installSourceHover(root: HTMLElement, eventAt: (seq: number) => FeedEvent | undefined, ask: (stream: string, id: string) => void): void {
  root.addEventListener('pointerover', (e) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.c-type');
    const rowEl = cell?.closest<HTMLElement>('.row');
    if (!cell || !rowEl) return;
    const ev = eventAt(Number(rowEl.dataset.seq));
    if (!ev) return;
    const key = keyOf(ev.stream, ev.id);
    if (answers.has(key) || asked.has(key)) return;
    asked.add(key);
    if (asked.size > MAX_CACHED * 2) asked.clear();
    ask(ev.stream, ev.id);
  });
}

/** Applies an answer to the rows on screen showing that event. */
export function applySourceInfo(root: HTMLElement, eventAt: (seq: number) => FeedEvent | undefined, stream: string, id: string): void {
  root.querySelectorAll<HTMLElement>('.row').forEach((rowEl) => {
    const ev = eventAt(Number(rowEl.dataset.seq));
    if (!ev || ev.stream !== stream || ev.id !== id) return;
    const type = rowEl.querySelector('.type-text') as HTMLElement | null;
    if (type) type.title = sourceTitle(ev, type.title.split('\n\n')[0] ?? '');
  });
}
