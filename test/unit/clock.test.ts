import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';

describe('FakeClock', () => {
  it('fires timers in due order as time advances, including timers scheduled by timers', () => {
    const c = new FakeClock(0);
    const fired: string[] = [];
    c.setTimeout(() => fired.push('b@20'), 20);
    c.setTimeout(() => {
      fired.push('a@10');
      c.setTimeout(() => fired.push('c@15'), 5);
    }, 10);
    c.advance(9);
    assert.deepStrictEqual(fired, []);
    c.advance(11);
    assert.deepStrictEqual(fired, ['a@10', 'c@15', 'b@20']);
    assert.strictEqual(c.now(), 20);
  });

  it('cancels timers', () => {
    const c = new FakeClock(0);
    let n = 0;
    const h = c.setTimeout(() => n++, 5);
    c.clearTimeout(h);
    c.advance(100);
    assert.strictEqual(n, 0);
    assert.strictEqual(c.pendingTimers, 0);
  });
});
