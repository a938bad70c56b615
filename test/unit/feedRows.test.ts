import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { compileFilter } from '../../src/feed/filter';
import { FeedBatcher } from '../../src/vscode/feed/batcher';
import { FeedModel } from '../../src/feed/model';
import { FeedRow, isChipValue, isFeedItem, mergeMissing } from '../../src/feed/row';
import { FeedStore } from '../../src/feed/store';
import { RateMeter } from '../../src/feed/rateMeter';
import { displayText, escapeInvisible, formatRelative, formatTime, gapLabel, gapTooltip, shortHash, shortType, summarize } from '../../src/feed/rowFormat';
import type { FeedEvent, FeedItem } from '../../src/feed/protocol';

function ev(i: number, over: Partial<FeedEvent> = {}): FeedEvent {
  return { id: `m${i}`, stream: i % 2 ? 'odd' : 'even', provider: 'warp', kind: 'event', name: 'event', receivedAt: 1000 + i, payload: { data: { n: i } }, ...over };
}
const item = (e: FeedEvent): FeedItem => ({ kind: 'event', event: e });
const items = (from: number, to: number): FeedItem[] => Array.from({ length: to - from }, (_, k) => item(ev(from + k)));
const ids = (rows: FeedRow[]) => rows.map((r) => r.event?.id ?? r.item.kind);
function filter(text: string) {
  const r = compileFilter(text);
  if (!r.ok) throw new Error(r.error.message);
  return r.filter;
}

describe('feedRows: display text', () => {
  it('escapes bidi overrides and control characters instead of rendering them', () => {
    assert.strictEqual(escapeInvisible('a\u202Eb\u0000c\u2066'), 'a\\u202eb\\u0000c\\u2066');
    assert.strictEqual(displayText('x\ny', 10), 'x⏎y');
  });
  it('truncates long text to max chars, reading only a bounded prefix of a 1 MB string', () => {
    const big = 'A'.repeat(1 << 20);
    const out = displayText(big, 48);
    assert.strictEqual(out.length, 48);
    assert.ok(out.endsWith('…'));
    assert.strictEqual(displayText('short', 48), 'short');
  });
  it('shortens Move types and hashes', () => {
    assert.strictEqual(shortType('0x2::coin::Coin<0xdba34672e30cb065b1f93e3ab55318768fd6fef66c15942c9f7cb846e2f900e7::usdc::USDC>'), 'coin::Coin<usdc::USDC>');
    assert.strictEqual(shortHash('0x1234567890abcdef1234567890abcdef'), '0x123456…abcdef');
    assert.strictEqual(shortHash('0x12'), '0x12');
  });
  it('formats times with milliseconds and relative times', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    assert.strictEqual(formatTime(t), '03:04:05.067');
    assert.strictEqual(formatRelative(t, t + 500), 'now');
    assert.strictEqual(formatRelative(t, t + 4_200), '4.2 s ago');
    assert.strictEqual(formatRelative(t, t + 3 * 60_000 + 5), '3 m ago');
  });
  it('labels a gap like the spec', () => {
    assert.strictEqual(
      gapLabel({ stream: 's', gapId: 1, downAt: 0, resumedAt: 12_400, downMs: 12_400, resumedFrom: '123_4_0', mode: 'after', replayed: 37, continuity: 'verified', duplicatesDropped: 0 }),
      'down 12.4 s · 37 replayed · resumed from 123_4_0 · continuity verified',
    );
    const live = gapLabel({ stream: 's', gapId: 1, downAt: 0, resumedAt: 1000, downMs: 1000, mode: 'live', continuity: 'may_be_missing', missingFrom: 0, missingTo: 1000, duplicatesDropped: 0 });
    assert.match(live, /resumed live · events between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d may be missing$/);
    assert.ok(!/replayed/.test(live), 'a live reconnect replays nothing and does not claim to');
  });
  it('says in words which case each gap is, with the details in the tooltip', () => {
    const t0 = new Date(2026, 0, 2, 14, 2, 0).getTime();
    const base = { stream: 's', gapId: 1, downAt: t0, resumedAt: t0 + 39 * 60_000, downMs: 39 * 60_000, mode: 'after', resumedFrom: '22000500', replayed: 30, duplicatesDropped: 0 };
    assert.match(gapLabel({ ...base, continuity: 'cursor_not_honoured', duplicatesDropped: 12 }), /· server did not honour the cursor, 12 duplicates dropped$/);
    assert.match(gapLabel({ ...base, continuity: 'may_be_missing', missingFrom: t0, missingTo: t0 + 39 * 60_000 }), /· events between 14:02 and 14:41 may be missing$/);
    assert.match(gapLabel({ ...base, continuity: 'not_recoverable', missingFrom: t0, missingTo: t0 + 39 * 60_000 }), /cannot be recovered \(no replay\)$/);
    assert.match(gapLabel({ ...base, continuity: 'unverified' }), /continuity not verified$/);
    const tip = gapTooltip({ ...base, continuity: 'may_be_missing', missingFrom: t0, missingTo: t0, duplicatesDropped: 3, reason: 'down longer than the\u202e 30-minute buffer' });
    assert.match(tip, /^Down 39\.0 min: lost 14:02:00, live again 14:41:00$/m);
    assert.match(tip, /^Resumed after id 22000500$/m);
    assert.match(tip, /^Duplicates dropped: 3/m);
    assert.match(tip, /^Why: down longer than the\\u202e 30-minute buffer$/m);
  });
  it('summarizes key fields per kind, safely', () => {
    assert.strictEqual(summarize(ev(1, { kind: 'coin', payload: { amount: '-5', coin_type: '0x2::sui::SUI' } })), '-5 sui::SUI');
    assert.strictEqual(summarize(ev(1, { payload: { data: { a: 1, b: 'x\u202Ey', c: { d: 1 }, e: [1, 2] } } })), 'a=1  b=x\\u202ey  c={1}  e=[2]');
    const s = summarize(ev(1, { payload: { data: { big: 'Z'.repeat(1 << 20) } } }));
    assert.ok(s.length <= 160, `summary is ${s.length} chars`);
    assert.match(summarize(ev(1, { removed: true, kind: 'log', payload: { decoded: { params: [{ name: 'reserve0', value: '10' }] } } })), /^REMOVED \(reorg\)  reserve0=10$/);
  });
  it('offers chips only for hash-looking values', () => {
    assert.ok(isChipValue('0xabc'));
    assert.ok(isChipValue('AbC1111111111111111111111111111111111111111'));
    assert.ok(!isChipValue('javascript:alert(1)'));
    assert.ok(!isChipValue('<img src=x onerror=alert(1)>'));
    assert.ok(!isChipValue('0x' + 'a'.repeat(200)));
  });
});

describe('feedRows: isFeedItem', () => {
  it('accepts well-formed events, gaps and notices and rejects the rest', () => {
    assert.ok(isFeedItem(item(ev(1))));
    assert.ok(isFeedItem({ kind: 'gap', gap: { stream: 's', gapId: 1, downAt: 0, resumedAt: 1, downMs: 1, mode: 'live', continuity: 'may_be_missing', duplicatesDropped: 0 } }));
    assert.ok(isFeedItem({ kind: 'notice', notice: { stream: 's', level: 'warn', message: 'm', at: 1 } }));
    for (const bad of [null, 1, 'x', {}, { kind: 'weird' }, { kind: 'event' }, { kind: 'event', event: { ...ev(1), id: 5 } }, { kind: 'event', event: [] }, { kind: 'gap', gap: { stream: 's' } }, { kind: 'notice', notice: { stream: 's', message: 1, at: 1, level: 'info' } }]) {
      assert.strictEqual(isFeedItem(bad), false, JSON.stringify(bad));
    }
  });
  it('a row whose fields have the wrong types shows as unreadable instead of throwing', () => {
    const row = new FeedRow(0, item({ ...ev(1), type: { toString: null } as unknown as string }));
    assert.match(row.cells().summary, /^cannot show this row/);
  });
});

describe('feedRows: mergeMissing', () => {
  it('folds in the events the history lacks, in time order, without duplicates', () => {
    const notice: FeedItem = { kind: 'notice', notice: { stream: 'even', level: 'info', message: 'n', at: 1005 } };
    const history = [item(ev(4)), notice, item(ev(8))];
    const restored = [item(ev(2)), item(ev(4)), item(ev(6))];
    const merged = mergeMissing(history, restored);
    assert.deepStrictEqual(merged.map((it) => (it.kind === 'event' ? it.event.id : it.kind)), ['m2', 'm4', 'notice', 'm6', 'm8']);
    assert.strictEqual(mergeMissing(history, [item(ev(4))]).length, 3);
  });
});

describe('feedRows: FeedStore', () => {
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

describe('feedRows: FeedModel', () => {
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

describe('feedRows: RateMeter', () => {
  it('counts per stream per second over the last minute', () => {
    const r = new RateMeter(60);
    r.add('a', 10_000);
    r.add('a', 10_500, 2);
    r.add('a', 12_100);
    r.add('b', 12_100);
    const s = r.series('a', 12_900);
    assert.strictEqual(s.length, 60);
    assert.deepStrictEqual(s.slice(-3), [3, 0, 1]);
    // a minute later the old buckets no longer count
    assert.deepStrictEqual(r.series('a', 71_500).reduce((x, y) => x + y, 0), 1);
    assert.deepStrictEqual(r.series('a', 80_000).reduce((x, y) => x + y, 0), 0);
  });
});

describe('feedRows: FeedBatcher', () => {
  it('sends at most one batch per interval on the injected clock', () => {
    const clock = new FakeClock(0);
    const batches: number[][] = [];
    const b = new FeedBatcher<number>(clock, (x) => batches.push(x), 50);
    b.push(1);
    b.push(2, 3);
    clock.advance(49);
    assert.deepStrictEqual(batches, []);
    clock.advance(1);
    assert.deepStrictEqual(batches, [[1, 2, 3]]);
    b.push(4);
    clock.advance(50);
    assert.deepStrictEqual(batches, [[1, 2, 3], [4]]);
    clock.advance(500);
    assert.strictEqual(batches.length, 2);
  });
  it('flush sends now; clear drops', () => {
    const clock = new FakeClock(0);
    const batches: number[][] = [];
    const b = new FeedBatcher<number>(clock, (x) => batches.push(x));
    b.push(1);
    b.flush();
    b.push(2);
    b.clear();
    clock.advance(100);
    assert.deepStrictEqual(batches, [[1]]);
  });
});
