import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { StreamRegistry } from '../../src/core/stream/streamRegistry';
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
