import * as assert from 'assert';
import type { StreamStatus } from '../../src/core/stream/stream';
import { describeStatus, groupDigits, shortDuration, streamContextValue, typeName } from '../../src/core/stream/streamText';

describe('describeStatus / streamContextValue', () => {
  const now = 2_000_000;
  const base: StreamStatus = { state: 'live', attempt: 0, eventCount: 1204, connectedSince: now - 5_000, lastEventAt: now - 1_000 };
  it('formats live, quiet, reconnecting, stopped and idle', () => {
    assert.strictEqual(describeStatus(base, now, 3.2), 'live · 1,204 · 3.2/s');
    assert.strictEqual(describeStatus({ ...base, lastEventAt: now - 4 * 60_000 }, now, 0), 'quiet 4m · 1,204');
    assert.strictEqual(describeStatus({ ...base, lastEventAt: now - 30_000 }, now, 0), 'live · 1,204 · 0.0/s');
    assert.strictEqual(describeStatus({ ...base, state: 'reconnecting', nextRetryAt: now + 8_000 }, now, 0), 'reconnecting in 8s');
    assert.strictEqual(describeStatus({ ...base, state: 'reconnecting', nextRetryAt: now - 1 }, now, 0), 'reconnecting…');
    assert.strictEqual(describeStatus({ ...base, state: 'stopped', stopReason: 'quota_exceeded' }, now, 0), 'quota exceeded');
    assert.strictEqual(describeStatus({ ...base, state: 'stopped', stopReason: 'paused' }, now, 0), 'paused · 1,204');
    assert.strictEqual(describeStatus({ ...base, state: 'stopped', stopReason: 'no_key' }, now, 0), 'no API key');
    assert.strictEqual(describeStatus({ state: 'idle', attempt: 0, eventCount: 0 }, now, 0), 'idle');
    assert.strictEqual(describeStatus({ ...base, state: 'connecting' }, now, 0), 'connecting…');
  });
  it('builds context values the menus match on', () => {
    assert.strictEqual(streamContextValue(base, 'settings'), 'stream.live.user');
    assert.strictEqual(streamContextValue({ ...base, state: 'stopped', stopReason: 'paused' }, 'memory'), 'stream.stopped.paused.memory');
    assert.strictEqual(streamContextValue({ ...base, state: 'stopped' }, 'settings'), 'stream.stopped.user.user');
  });
  it('groups digits and shortens durations', () => {
    assert.strictEqual(groupDigits(1234567), '1,234,567');
    assert.strictEqual(groupDigits(12), '12');
    assert.strictEqual(shortDuration(45_000), '45s');
    assert.strictEqual(shortDuration(3 * 3_600_000), '3h');
    assert.strictEqual(shortDuration(72 * 3_600_000), '3d');
  });
  it('names a Move type by its last segment', () => {
    assert.strictEqual(typeName('0x2::coin::Coin<0x2::sui::SUI>', 'coin'), 'Coin<…>');
    assert.strictEqual(typeName('0xab::pool::Swap', 'event'), 'Swap');
    assert.strictEqual(typeName(undefined, 'log'), 'log');
  });
});
