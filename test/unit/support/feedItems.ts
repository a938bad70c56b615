/** Feed rows for the feed model tests: events alternating between streams `even` and `odd`. */
import { compileFilter } from '../../../src/feed/filter';
import type { FeedRow } from '../../../src/feed/row';
import type { FeedEvent, FeedItem } from '../../../src/feed/protocol';

/** Event `m<i>` on stream `odd` or `even`, received at 1000 + i, payload `{ data: { n: i } }`. */
export function ev(i: number, over: Partial<FeedEvent> = {}): FeedEvent {
  return { id: `m${i}`, stream: i % 2 ? 'odd' : 'even', provider: 'warp', kind: 'event', name: 'event', receivedAt: 1000 + i, payload: { data: { n: i } }, ...over };
}
/** The feed item of an event. */
export const item = (e: FeedEvent): FeedItem => ({ kind: 'event', event: e });
/** Items of events `from` .. `to - 1`. */
export const items = (from: number, to: number): FeedItem[] => Array.from({ length: to - from }, (_, k) => item(ev(from + k)));
/** Event ids of rows (the kind for gaps and notices). */
export const ids = (rows: FeedRow[]) => rows.map((r) => r.event?.id ?? r.item.kind);
/** A compiled filter (throws on a bad one). */
export function filter(text: string) {
  const r = compileFilter(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.filter;
}
