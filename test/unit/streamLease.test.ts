import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { LEASE_TTL_MS, LeasedHandle, StreamLeases } from '../../src/core/stream/streamLease';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { streamKey } from '../../src/core/stream/streamKey';
import { FakeHandle, ev } from './support/fakeHandle';

const def: StreamDefinition = { id: 'a/b', provider: 'warp', streamId: 's' };

describe('StreamLeases / LeasedHandle (one connection per stream across windows)', () => {
  let dir: string;
  let now: number;
  const alive = new Set<number>();
  const leases = (owner: string, pid: number) => {
    alive.add(pid);
    return new StreamLeases(dir, owner, () => now, (p) => alive.has(p), pid);
  };
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lease-'));
    now = 1_000_000;
    alive.clear();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the first window gets the lease; a second waits until it is released, expires, or its process is gone', () => {
    const w1 = leases('w1', 101);
    const w2 = leases('w2', 102);
    assert.ok(w1.acquire('s'));
    assert.ok(!w2.acquire('s'));
    assert.strictEqual(w2.heldElsewhere('s')?.owner, 'w1');
    w1.release('s');
    assert.ok(w2.acquire('s'));
    assert.ok(!w1.acquire('s'));
    now += LEASE_TTL_MS + 1; // w2 stopped renewing
    assert.ok(w1.acquire('s'));
    alive.delete(101); // w1's extension host died
    assert.ok(w2.acquire('s'));
  });

  it('renewAll keeps held leases fresh; releaseAll frees them', () => {
    const w1 = leases('w1', 101);
    const w2 = leases('w2', 102);
    assert.ok(w1.acquire('x'));
    now += LEASE_TTL_MS - 1_000;
    w1.renewAll();
    now += LEASE_TTL_MS - 1_000;
    assert.ok(!w2.acquire('x'), 'renewed, still held');
    w1.releaseAll();
    assert.ok(w2.acquire('x'));
  });

  it('a handle held elsewhere does not connect, says so, and takes over with a fresh inner handle once free', () => {
    const w1 = leases('w1', 101);
    const w2 = leases('w2', 102);
    const made: FakeHandle[] = [];
    const create = (d: StreamDefinition) => {
      const h = new FakeHandle(d);
      made.push(h);
      return h;
    };
    const h1 = new LeasedHandle(def, create, w1);
    const h2 = new LeasedHandle(def, create, w2);
    const states: string[] = [];
    h2.onStatus((s) => states.push(`${s.state}${s.message ? `:${s.message}` : ''}`));
    const got: string[] = [];
    h2.onEvents((e) => got.push(...e.map((x) => x.id)));
    h1.connect({ kind: 'auto' });
    assert.strictEqual(made[0]!.connects.length, 1);
    h2.connect({ kind: 'resume' });
    assert.strictEqual(made[1]!.connects.length, 0, 'no second connection');
    assert.ok(h2.heldElsewhere);
    assert.strictEqual(h2.status().message, 'connected in another VS Code window');
    assert.strictEqual(h2.tryTakeOver(), false);
    h1.disconnect('user');
    assert.ok(h2.tryTakeOver());
    assert.ok(!h2.heldElsewhere);
    assert.ok(made[1]!.disposed, 'the stale inner handle is replaced');
    assert.deepStrictEqual(made[2]!.connects, [{ kind: 'resume' }]);
    made[2]!.push([ev('a/b', '9', now)]);
    assert.deepStrictEqual(got, ['9'], 'listeners follow the new inner handle');
    assert.ok(states.some((s) => s.includes('another VS Code window')));
    h2.dispose();
    assert.ok(w1.acquire(streamKey(def)), 'dispose released the lease');
  });

  it('a fatal stop frees the lease for other windows', () => {
    const w1 = leases('w1', 101);
    const w2 = leases('w2', 102);
    const inner: FakeHandle[] = [];
    const h1 = new LeasedHandle(def, (d) => {
      const h = new FakeHandle(d);
      inner.push(h);
      return h;
    }, w1);
    h1.connect();
    assert.ok(!w2.acquire(streamKey(def)));
    inner[0]!.setState({ state: 'stopped', stopReason: 'quota_exceeded' });
    assert.ok(w2.acquire(streamKey(def)));
  });
});

describe('leases are keyed by what a stream is, not its id', () => {
  it('a workspace stream with the same id but another endpoint does not take the user\'s lease', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-lease-key-'));
    try {
      const now = () => 1_000_000;
      const mine = new StreamLeases(dir, 'w1', now, () => true, 101);
      const theirs = new StreamLeases(dir, 'w2', now, () => true, 102);
      const user: StreamDefinition = { id: 'ethereum-0xa0b8-eb48', provider: 'evm', chainId: 1, address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', baseUrl: 'wss://eth.example/ws' };
      const cloned: StreamDefinition = { ...user, baseUrl: 'ws://127.0.0.1:9999' };
      const a = new LeasedHandle(user, (d) => new FakeHandle(d), mine);
      const b = new LeasedHandle(cloned, (d) => new FakeHandle(d), theirs);
      a.connect();
      b.connect();
      assert.strictEqual(a.heldElsewhere, false);
      assert.strictEqual(b.heldElsewhere, false, 'the other definition has its own lease');
      assert.ok(!theirs.acquire(streamKey(user)), 'the user\'s stream is still held by its window');
      a.dispose();
      b.dispose();
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
