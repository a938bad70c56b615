import * as assert from 'assert';
import { FeedStore } from '../../src/feed/store';
import type { FeedItem } from '../../src/feed/protocol';
import { ev, ids, item, items } from './support/feedItems';

describe('FeedStore', () => {
  it('keeps the newest `capacity` rows in order, with contiguous seqs', () => {
    const s = new FeedStore(3);
    const r1 = s.push(items(0, 2));
    assert.deepStrictEqual(ids(r1.added), ['m0', 'm1']);
    const r2 = s.push(items(2, 5));
    assert.deepStrictEqual(ids(r2.evicted), ['m0', 'm1']);
    assert.deepStrictEqual(ids(s.all()), ['m2', 'm3', 'm4']);
    assert.strictEqual(s.firstSeq, 2);
    assert.strictEqual(s.bySeq(3)?.event?.id, 'm3');
    assert.strictEqual(s.bySeq(1), undefined);
  });
  it('a batch larger than capacity reports only the kept rows as added', () => {
    const s = new FeedStore(2);
    const r = s.push(items(0, 5));
    assert.deepStrictEqual(ids(r.added), ['m3', 'm4']);
    assert.strictEqual(r.evicted.length, 3);
  });
  it('updates a gap row in place when the same gap arrives again', () => {
    const s = new FeedStore(10);
    const g = (replayed: number): FeedItem => ({ kind: 'gap', gap: { stream: 'a', gapId: 7, downAt: 0, resumedAt: 1, downMs: 1, mode: 'resume', replayed, continuity: 'unverified', duplicatesDropped: 0 } });
    s.push([g(0), ...items(0, 2)]);
    const r = s.push([g(37)]);
    assert.strictEqual(r.added.length, 0);
    assert.strictEqual(r.updated.length, 1);
    assert.strictEqual(s.length, 3);
    assert.match(s.at(0)!.cells().summary, /37 replayed/);
  });
  it('an EVM removal (reorg) strikes through the original row', () => {
    const s = new FeedStore(10);
    const log = ev(1, { provider: 'evm', kind: 'log', id: '0xblock:3' });
    s.push([item(log), ...items(2, 4)]);
    const r = s.push([item({ ...log, id: '0xblock:3:removed', removed: true })]);
    assert.strictEqual(r.updated.length, 1);
    assert.strictEqual(s.at(0)!.struck, true);
    assert.strictEqual(s.at(1)!.struck, false);
    assert.strictEqual(s.length, 4); // the removal is also a row of its own
  });
  it('stays bounded over many pushes', () => {
    const s = new FeedStore(100);
    for (let i = 0; i < 100; i++) s.push(items(i * 50, i * 50 + 50));
    assert.strictEqual(s.length, 100);
    assert.strictEqual(s.at(99)!.event!.id, 'm4999');
    assert.ok((s as unknown as { rows: unknown[] }).rows.length < 2200, 'backing array compacted');
  });
});
