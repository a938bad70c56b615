import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { FeedBatcher } from '../../src/vscode/feed/batcher';

describe('FeedBatcher', () => {
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
