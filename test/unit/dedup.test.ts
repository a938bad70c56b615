import * as assert from 'assert';
import { DedupWindow } from '../../src/core/stream/dedup';

describe('DedupWindow', () => {
  it('reports repeats within the window and forgets the oldest beyond it', () => {
    const d = new DedupWindow(3);
    assert.deepStrictEqual(['a', 'b', 'a', 'c', 'd'].map((id) => d.seen(id)), [false, false, true, false, false]);
    assert.strictEqual(d.size, 3);
    assert.ok(!d.has('a'), 'oldest evicted');
    assert.ok(d.has('b') && d.has('c') && d.has('d'));
    assert.strictEqual(d.seen('a'), false, 'seen again after eviction');
    assert.ok(!d.has('b'));
  });

  it('stays exact over many evictions (1,000,000 ids through a window of 10,000)', () => {
    const d = new DedupWindow(10_000);
    for (let i = 0; i < 1_000_000; i++) assert.strictEqual(d.seen(`id_${i}`), false);
    assert.strictEqual(d.size, 10_000);
    assert.strictEqual(d.seen('id_999999'), true);
    assert.strictEqual(d.seen('id_990000'), true);
    assert.strictEqual(d.seen('id_989999'), false, 'just outside the window');
  });
});
