import * as assert from 'assert';
import { CreditMeter, intervalsBetween, totalCredits } from '../../src/core/stream/credits';

describe('CreditMeter', () => {
  it('bills 2 per event and 4 per started 5-second connected interval', () => {
    const m = new CreditMeter();
    const t0 = 1_000_000;
    m.connected(t0);
    assert.strictEqual(m.snapshot(t0).credits, 4, 'the first interval starts at connect');
    m.eventsReceived(10, t0 + 1000);
    assert.strictEqual(m.snapshot(t0 + 4999).credits, 4 + 20);
    assert.strictEqual(m.snapshot(t0 + 5001).credits, 8 + 20);
    m.disconnected(t0 + 60_000);
    const s = m.snapshot(t0 + 3_600_000);
    assert.strictEqual(s.intervals, 12);
    assert.strictEqual(s.credits, 12 * 4 + 20);
    assert.strictEqual(s.events, 10);
  });

  it('accumulates across connections and reports ~48 credits per connected minute as burn rate', () => {
    const m = new CreditMeter();
    m.connected(0);
    m.disconnected(7_000); // 2 intervals
    m.connected(100_000);
    const snap = m.snapshot(160_000);
    assert.strictEqual(snap.intervals, 2 + 12);
    const idle = new CreditMeter();
    idle.connected(0);
    const r = idle.snapshot(600_000).perHour;
    assert.ok(Math.abs(r - 48 * 60) < 1, `connected-only burn ${r}/h`);
  });

  it('counts at least one interval for any connection, and sums streams', () => {
    assert.strictEqual(intervalsBetween(5, 5), 1);
    assert.strictEqual(intervalsBetween(0, 10_001), 3);
    const t = totalCredits([
      { credits: 10, events: 3, intervals: 1, perHour: 5 },
      { credits: 6, events: 1, intervals: 1, perHour: 1 },
    ]);
    assert.deepStrictEqual(t, { credits: 16, events: 4, intervals: 2, perHour: 6 });
  });
});
