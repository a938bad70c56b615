import * as assert from 'assert';
import { FeedModel } from '../../src/feed/model';
import type { FeedItem } from '../../src/feed/protocol';
import { filter, ids, items } from './support/feedItems';

describe('FeedModel', () => {
  it('filters incrementally and on setFilter, and binary-searches indexes', () => {
    const m = new FeedModel(100);
    m.setFilter(filter('stream:odd'));
    const r = m.ingest(items(0, 10));
    assert.strictEqual(r.appended, 5);
    assert.deepStrictEqual(ids(m.visibleRows()), ['m1', 'm3', 'm5', 'm7', 'm9']);
    assert.strictEqual(m.indexOfSeq(7), 3);
    assert.strictEqual(m.indexOfSeq(6), -1);
    assert.strictEqual(m.lowerBound(6), 3);
    m.setFilter(undefined);
    assert.strictEqual(m.visibleCount, 10);
    m.setFilter(undefined, new Set(['even']));
    assert.strictEqual(m.visibleCount, 5);
  });
  it('reports visible rows evicted from the front', () => {
    const m = new FeedModel(4);
    m.setFilter(filter('stream:even'));
    m.ingest(items(0, 4)); // m0 m2 visible
    const r = m.ingest(items(4, 7)); // evicts m0 m1 m2; adds m4 m6
    assert.strictEqual(r.evictedVisible, 2);
    assert.strictEqual(r.appended, 2);
    assert.deepStrictEqual(ids(m.visibleRows()), ['m4', 'm6']);
  });
  it('pause freezes the rows and counts N new without keeping them; resume takes a snapshot', () => {
    const m = new FeedModel(100);
    m.setFilter(filter('stream:odd'));
    m.ingest(items(0, 3));
    m.pause();
    const r = m.ingest(items(3, 8));
    assert.strictEqual(r.queued, 5);
    assert.strictEqual(m.newCount, 5);
    assert.strictEqual(m.store.length, 3, 'nothing kept while paused');
    assert.deepStrictEqual(ids(m.visibleRows()), ['m1']);
    assert.strictEqual(m.resume(), 5);
    assert.strictEqual(m.newCount, 0);
    const seqBefore = m.store.at(0)!.seq;
    m.replaceAll(items(0, 8));
    assert.deepStrictEqual(ids(m.visibleRows()), ['m1', 'm3', 'm5', 'm7'], 'the filter still applies');
    assert.ok(m.store.at(0)!.seq > seqBefore, 'seqs never repeat');
  });
  it('memory stays bounded while paused, however much arrives', () => {
    const m = new FeedModel(10);
    m.ingest(items(0, 10));
    m.pause();
    for (let k = 1; k <= 100; k++) m.ingest(items(k * 100, k * 100 + 100));
    assert.strictEqual(m.newCount, 10_000);
    assert.strictEqual(m.store.length, 10);
    assert.strictEqual(m.store.at(9)!.event!.id, 'm9');
  });
  it('a paused gap update changes the shown row in place instead of queueing', () => {
    const m = new FeedModel(10);
    const g = (replayed: number): FeedItem => ({ kind: 'gap', gap: { stream: 'a', gapId: 1, downAt: 0, resumedAt: 1, downMs: 1, mode: 'resume', replayed, continuity: 'unverified', duplicatesDropped: 0 } });
    m.ingest([g(0)]);
    m.pause();
    const r = m.ingest([g(5)]);
    assert.strictEqual(r.queued, 0);
    assert.strictEqual(m.newCount, 0);
    assert.strictEqual(r.updated, true);
    assert.match(m.visibleAt(0)!.cells().summary, /5 replayed/);
  });
  it('onlyStream restricts the view to one stream', () => {
    const m = new FeedModel(100);
    m.setFilter(undefined, new Set(), 'odd');
    m.ingest(items(0, 6));
    assert.deepStrictEqual(ids(m.visibleRows()), ['m1', 'm3', 'm5']);
  });
});
