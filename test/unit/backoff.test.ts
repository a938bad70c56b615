import * as assert from 'assert';
import { defaultBackoff, nextDelay } from '../../src/core/stream/backoff';

describe('backoff', () => {
  it('grows exponentially with full jitter and caps at maxMs', () => {
    // random() = 0.999...: the top of each window
    const top = () => 0.999999;
    assert.strictEqual(nextDelay(0, defaultBackoff, top), 999);
    assert.strictEqual(nextDelay(1, defaultBackoff, top), 1999);
    assert.strictEqual(nextDelay(4, defaultBackoff, top), 15999);
    assert.strictEqual(nextDelay(5, defaultBackoff, top), 29999);
    assert.strictEqual(nextDelay(50, defaultBackoff, top), 29999);
  });

  it('never goes below a tenth of the base, even when jitter draws zero', () => {
    for (let a = 0; a < 10; a++) assert.ok(nextDelay(a, defaultBackoff, () => 0) >= 100);
  });

  it('spreads delays across the window (full jitter)', () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
    const samples = Array.from({ length: 2000 }, () => nextDelay(3, defaultBackoff, rnd));
    const max = Math.max(...samples);
    const min = Math.min(...samples);
    assert.ok(max > 7000 && max < 8000, `max ${max}`);
    assert.ok(min < 1000, `min ${min}`);
  });

  it('respects a configured policy', () => {
    const p = { baseMs: 200, maxMs: 1000, resetAfterMs: 5000 };
    assert.strictEqual(nextDelay(10, p, () => 0.5), 500);
  });
});
