import * as assert from 'assert';
import type { FeedEvent, FeedItem } from '../../src/feed/protocol';
import { FeedStore } from '../../src/feed/store';
import { FEED_MAX_BYTES, FEED_PAYLOAD_MAX_BYTES, feedRowBytes, summarizeForFeed } from '../../src/feed/summary';

function ev(i: number, payload: unknown = { n: i }): FeedEvent {
  return { id: `e${i}`, stream: 's', provider: 'warp', kind: 'event', name: 'event', receivedAt: i, payload };
}

describe('feed byte budget', () => {
  it('a payload over the per-event size becomes a summary; the event itself is untouched', () => {
    const small = ev(1);
    assert.strictEqual(summarizeForFeed(small, 100), small);
    const big = ev(2, { blob: 'x' });
    const s = summarizeForFeed(big, 1.5 * 1048576);
    assert.notStrictEqual(s, big);
    assert.strictEqual(s.payloadOmitted, 1.5 * 1048576);
    assert.match(JSON.stringify(s.payload), /payload of 1\.5 MB is not kept in the feed: Open as JSON reads it from the journal/);
    assert.deepStrictEqual(big.payload, { blob: 'x' });
    assert.strictEqual(s.id, big.id);
    assert.strictEqual(summarizeForFeed(big, FEED_PAYLOAD_MAX_BYTES), big, 'exactly the limit still fits');
  });

  it('330 events of 1.5 MB held as summaries cost well under a megabyte', () => {
    const size = () => 1.5 * 1048576;
    const store = new FeedStore(10_000, FEED_MAX_BYTES, (item) => feedRowBytes(item, size));
    store.push(Array.from({ length: 330 }, (_, i): FeedItem => ({ kind: 'event', event: summarizeForFeed(ev(i), size()) })));
    assert.strictEqual(store.length, 330);
    assert.ok(store.bytes < 1048576, String(store.bytes));
  });

  it('rows are evicted by bytes as well as by count, oldest first, and the newest row always stays', () => {
    const store = new FeedStore(10_000, 10_000, (item) => (item.kind === 'event' ? Number((item.event.payload as { size: number }).size) : 0));
    const r = store.push(Array.from({ length: 10 }, (_, i): FeedItem => ({ kind: 'event', event: ev(i, { size: 3_000 }) })));
    assert.strictEqual(store.length, 3);
    assert.strictEqual(store.bytes, 9_000);
    assert.deepStrictEqual(store.all().map((x) => (x.item.kind === 'event' ? x.item.event.id : '')), ['e7', 'e8', 'e9']);
    assert.strictEqual(r.evicted.length, 7);
    store.push([{ kind: 'event', event: ev(99, { size: 50_000 }) }]);
    assert.strictEqual(store.length, 1, 'a row larger than the budget evicts the others but stays');
    store.clear();
    assert.strictEqual(store.bytes, 0);
  });
});
