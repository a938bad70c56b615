import * as assert from 'assert';
import { RateMeter } from '../../src/feed/rateMeter';

describe('RateMeter', () => {
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
