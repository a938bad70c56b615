import * as assert from 'assert';
import { AckQueue } from '../../src/core/warp/ackQueue';

describe('AckQueue', () => {
  it('gives the ids back in the order they came, an event without an id included', () => {
    const q = new AckQueue<string | number>();
    q.push('a');
    q.push(undefined);
    q.push(7);
    assert.deepStrictEqual([q.shift(), q.shift(), q.shift(), q.shift()], ['a', undefined, 7, undefined]);
    assert.strictEqual(q.size, 0);
  });

  it('holds only what is pending on a connection that never fully drains', () => {
    const q = new AckQueue<number>();
    let next = 0;
    let expected = 0;
    for (let i = 0; i < 500; i++) q.push(next++);
    // 200,000 events, each processed while about 500 others are still pending
    for (let i = 0; i < 200_000; i++) {
      q.push(next++);
      assert.strictEqual(q.shift(), expected++);
      assert.ok(q.slots <= 2 * q.size + 1100, `${q.slots} slots for ${q.size} pending`);
    }
    assert.strictEqual(q.size, 500);
  });
});
