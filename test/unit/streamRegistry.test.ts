import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { StreamDefinition, StreamStatus } from '../../src/core/stream/stream';
import {
  StreamRegistry,
  describeStatus,
  streamContextValue,
  validateDefinition,
  isWindowsDeviceName,
  groupDigits,
  shortDuration,
} from '../../src/core/stream/streamRegistry';
import { FakeHandle, ev } from './support/fakeHandle';

const warp = (id: string, extra: Partial<StreamDefinition> = {}): StreamDefinition => ({ id, provider: 'warp', network: 'mainnet', streamId: `s-${id}`, ...extra });

function setup() {
  const clock = new FakeClock(1_000_000);
  const made: FakeHandle[] = [];
  const errors: unknown[] = [];
  const reg = new StreamRegistry({
    clock,
    factory: (def) => {
      const h = new FakeHandle(def);
      made.push(h);
      return h;
    },
    onError: (e) => errors.push(e),
  });
  return { clock, made, reg, errors };
}

describe('StreamRegistry', () => {
  it('sync adds, keeps unchanged handles, rebuilds changed ones and disposes removed ones', () => {
    const { reg, made } = setup();
    let changes = 0;
    reg.onChange(() => changes++);
    const r1 = reg.sync([warp('a'), warp('b')]);
    assert.deepStrictEqual(r1.added, ['a', 'b']);
    assert.strictEqual(made.length, 2);
    assert.strictEqual(changes, 1);
    const a = made[0]!;
    a.connect({ kind: 'live' });
    // same definitions with keys in another order: nothing happens
    const r2 = reg.sync([{ streamId: 's-a', network: 'mainnet', provider: 'warp', id: 'a' }, warp('b')]);
    assert.deepStrictEqual([r2.added, r2.removed, r2.changed], [[], [], []]);
    assert.strictEqual(made.length, 2);
    assert.strictEqual(changes, 1);
    // change a (transport) and remove b
    const r3 = reg.sync([warp('a', { transport: 'sse' })]);
    assert.deepStrictEqual(r3.changed, ['a']);
    assert.deepStrictEqual(r3.removed, ['b']);
    assert.ok(a.disposed, 'old handle of a disposed');
    assert.ok(made[1]!.disposed, 'b disposed');
    const a2 = made[2]!;
    assert.strictEqual(a2.definition.transport, 'sse');
    assert.deepStrictEqual(a2.connects, [{ kind: 'auto' }], 'a running stream reconnects after a change');
    assert.deepStrictEqual(reg.list().map((s) => s.id), ['a']);
  });

  it('skips invalid and duplicate definitions with a clear problem, loading the rest', () => {
    const { reg } = setup();
    const r = reg.sync([warp('ok'), { id: 'bad', provider: 'warp' } as StreamDefinition, warp('ok'), { id: 'x y', provider: 'nope' } as unknown as StreamDefinition]);
    assert.deepStrictEqual(r.added, ['ok']);
    assert.strictEqual(r.problems.length, 3);
    assert.match(r.problems[0]!, /"bad".*streamId/);
    assert.match(r.problems[1]!, /duplicate id "ok"/);
    assert.match(r.problems[2]!, /provider/);
  });

  it('a definition the factory refuses is reported and the others still load', () => {
    const clock = new FakeClock(0);
    const reg = new StreamRegistry({
      clock,
      factory: (def) => {
        if (def.provider === 'evm') throw new Error('unknown provider "evm"');
        return new FakeHandle(def);
      },
    });
    const r = reg.sync([{ id: 'e', provider: 'evm', chainId: 1 }, warp('w')]);
    assert.deepStrictEqual(r.added, ['w']);
    assert.deepStrictEqual(r.problems, ['stream "e": unknown provider "evm"']);
  });

  it('memory streams survive sync and are not replaced by a settings stream with the same id', () => {
    const { reg, made } = setup();
    reg.addMemory(warp('demo', { label: 'Demo (Sui)' }));
    const r = reg.sync([warp('demo'), warp('x')]);
    assert.deepStrictEqual(r.added, ['x']);
    assert.match(r.problems[0]!, /taken by Demo \(Sui\)/);
    reg.sync([]);
    assert.deepStrictEqual(reg.list().map((s) => [s.id, s.origin]), [['demo', 'memory']]);
    assert.ok(reg.remove('demo'));
    assert.ok(made[0]!.disposed);
    assert.strictEqual(reg.remove('demo'), false);
  });

  it('merges events, measures the rate over the window and counts unseen events and errors', () => {
    const { reg, made, clock } = setup();
    reg.sync([warp('a'), warp('b')]);
    const got: string[] = [];
    reg.onEvents((b) => got.push(...b.events.map((e) => `${b.stream}:${e.id}`)));
    const [a, b] = made as [FakeHandle, FakeHandle];
    a.push([ev('a', '1', clock.now()), ev('a', '2', clock.now())]);
    clock.advance(5_000);
    b.push([ev('b', '1', clock.now())]);
    a.push([ev('a', '3', clock.now())]);
    assert.deepStrictEqual(got, ['a:1', 'a:2', 'b:1', 'a:3']);
    assert.strictEqual(reg.rate('a'), 0.3); // 3 events in a 10 s window
    clock.advance(5_000); // the first two leave the window
    assert.strictEqual(reg.rate('a'), 0.1);
    clock.advance(10_000);
    assert.strictEqual(reg.rate('a'), 0);
    assert.deepStrictEqual(reg.unseen(), { events: 4, errors: 0 });
    // connected 2 s ago: the rate is over those 2 s, not the whole window
    a.setState({ state: 'live', connectedSince: clock.now() - 2_000 });
    a.push([ev('a', '4', clock.now()), ev('a', '5', clock.now()), ev('a', '6', clock.now())]);
    assert.strictEqual(reg.rate('a'), 1.5);
    a.setState({ state: 'live', connectedSince: clock.now() - 100 });
    assert.strictEqual(reg.rate('a'), 3, 'at least a 1 s span');
    reg.markSeen();
    b.setState({ state: 'stopped', stopReason: 'quota_exceeded' });
    a.notice({ stream: 'a', level: 'error', message: 'bad frame', at: clock.now() });
    a.notice({ stream: 'a', level: 'warn', message: 'meh', at: clock.now() });
    assert.deepStrictEqual(reg.unseen(), { events: 0, errors: 2 });
    reg.markSeen();
    assert.deepStrictEqual(reg.unseen(), { events: 0, errors: 0 });
  });

  it('summarizes states, sums credits, and connectAll/disconnectAll touch only the right streams', () => {
    const { reg, made } = setup();
    reg.sync([warp('a'), warp('b'), warp('c')]);
    const [a, b, c] = made as [FakeHandle, FakeHandle, FakeHandle];
    a.setState({ state: 'live' });
    b.setState({ state: 'stopped', stopReason: 'quota_exceeded' });
    a.creditsUsed = 10;
    b.creditsUsed = 32;
    const s = reg.summary();
    assert.deepStrictEqual(s, { total: 3, live: 1, connecting: 0, reconnecting: 0, stopped: 1, idle: 1, failed: 1, quotaExceeded: true });
    assert.strictEqual(reg.credits().credits, 42);
    assert.deepStrictEqual(reg.disconnectAll('paused'), ['a']);
    assert.deepStrictEqual(a.disconnects, ['paused']);
    assert.deepStrictEqual(reg.connectAll(), ['a', 'b', 'c']);
    assert.deepStrictEqual(c.connects, [{ kind: 'auto' }]);
  });

  it('a throwing listener does not stop other listeners and is reported', () => {
    const { reg, made, errors, clock } = setup();
    reg.sync([warp('a')]);
    let second = 0;
    reg.onEvents(() => {
      throw new Error('boom');
    });
    reg.onEvents(() => second++);
    made[0]!.push([ev('a', '1', clock.now())]);
    assert.strictEqual(second, 1);
    assert.strictEqual(errors.length, 1);
  });
});

describe('validateDefinition', () => {
  it('accepts valid Warp, Covalent and EVM streams', () => {
    assert.deepStrictEqual(validateDefinition(warp('a')), []);
    assert.deepStrictEqual(validateDefinition({ id: 'c', provider: 'covalent', chainId: 1, address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc' }), []);
    assert.deepStrictEqual(validateDefinition({ id: 'e', provider: 'evm', chainId: 1, address: ['0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc'], baseUrl: 'ws://127.0.0.1:8545' }), []);
  });
  it('names each problem', () => {
    assert.deepStrictEqual(validateDefinition(null), ['not an object']);
    const p = validateDefinition({ id: '', provider: 'covalent', chainId: 0, address: '0x12', baseUrl: 'ftp://x' });
    assert.strictEqual(p.length, 4);
    assert.match(p.join('\n'), /"id"/);
    assert.match(p.join('\n'), /chainId/);
    assert.match(p.join('\n'), /0x12/);
    assert.match(p.join('\n'), /baseUrl/);
    assert.match(validateDefinition({ id: 'w', provider: 'warp', streamId: 'a/b' }).join(), /streamId/);
    assert.match(validateDefinition({ id: 'c', provider: 'covalent', chainId: 1 }).join(), /address" or "topic/);
  });
});

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
});

describe('validateDefinition: hostile ids and endpoints', () => {
  it('rejects Windows device names as stream ids (any case, any extension)', () => {
    for (const id of ['CON', 'nul', 'Com1', 'AUX', 'prn', 'LPT1', 'con.txt', 'NUL.ndjson', 'lpt9.a.b']) {
      assert.match(validateDefinition(warp(id)).join(), /device name on Windows/, id);
      assert.ok(isWindowsDeviceName(id), id);
    }
    for (const id of ['console', 'com10', 'nully', 'aux-1', 'lpt', 'COM']) assert.deepStrictEqual(validateDefinition(warp(id)), [], id);
  });

  it('rejects a baseUrl with a #fragment', () => {
    const p = validateDefinition({ id: 'c', provider: 'covalent', chainId: 1, address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', baseUrl: 'wss://api.covalenthq.com/v1/#x' });
    assert.match(p.join(), /#fragment/);
  });
});
