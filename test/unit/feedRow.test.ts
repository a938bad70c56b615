import * as assert from 'assert';
import { FeedRow, isChipValue, isFeedItem, mergeMissing } from '../../src/feed/row';
import type { FeedItem } from '../../src/feed/protocol';
import { ev, item } from './support/feedItems';

describe('feed row: isFeedItem', () => {
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

describe('feed row: mergeMissing', () => {
  it('folds in the events the history lacks, in time order, without duplicates', () => {
    const notice: FeedItem = { kind: 'notice', notice: { stream: 'even', level: 'info', message: 'n', at: 1005 } };
    const history = [item(ev(4)), notice, item(ev(8))];
    const restored = [item(ev(2)), item(ev(4)), item(ev(6))];
    const merged = mergeMissing(history, restored);
    assert.deepStrictEqual(merged.map((it) => (it.kind === 'event' ? it.event.id : it.kind)), ['m2', 'm4', 'notice', 'm6', 'm8']);
    assert.strictEqual(mergeMissing(history, [item(ev(4))]).length, 3);
  });
});

describe('feed row: chips', () => {
  it('offers chips only for hash-looking values', () => {
    assert.ok(isChipValue('0xabc'));
    assert.ok(isChipValue('AbC1111111111111111111111111111111111111111'));
    assert.ok(!isChipValue('javascript:alert(1)'));
    assert.ok(!isChipValue('<img src=x onerror=alert(1)>'));
    assert.ok(!isChipValue('0x' + 'a'.repeat(200)));
  });
});
