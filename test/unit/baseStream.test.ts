/** BaseStream's state machine with an in-memory transport and a FakeClock: no sockets at all. */
import * as assert from 'assert';
import { BaseStream, ConnectError, type ResolvedMode, type TransportConnection, type TransportSink } from '../../src/core/stream/baseStream';
import { FakeClock } from '../../src/core/clock';
import { setEventSize, type ChainEvent } from '../../src/core/event';
import type { GapInfo } from '../../src/core/stream/stream';
import { createLogger, MemorySink } from '../../src/core/logger';

class MemoryStream extends BaseStream {
  readonly opens: Array<{ mode: ResolvedMode; sink: TransportSink; closed: boolean }> = [];
  behaviour: 'open' | 'hang' | 'nokey' = 'open';

  protected open(mode: ResolvedMode, sink: TransportSink): TransportConnection {
    if (this.behaviour === 'nokey') throw new ConnectError({ fatal: true, reason: 'no_key', message: 'no key' });
    const entry = { mode, sink, closed: false };
    this.opens.push(entry);
    if (this.behaviour === 'open') sink.opened();
    return { endpoint: 'mem://x?api_key=secret', transport: 'memory', close: () => (entry.closed = true) };
  }

  get sink(): TransportSink {
    return this.opens[this.opens.length - 1].sink;
  }
}

function ev(id: string, timestamp?: number): ChainEvent {
  return { id, stream: 'm', provider: 'evm', kind: 'log', name: 'log', receivedAt: 0, payload: {}, ...(timestamp !== undefined ? { timestamp } : {}) };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('BaseStream', () => {
  let clock: FakeClock;
  let s: MemoryStream;
  beforeEach(() => {
    clock = new FakeClock(0);
    s = new MemoryStream({ id: 'm', provider: 'evm' }, { clock, random: () => 0.5, backoff: { resetAfterMs: 10_000 } }, { billed: false });
  });
  afterEach(() => s.dispose());

  it('redacts the endpoint and reports the transport', async () => {
    s.connect();
    await tick();
    assert.strictEqual(s.status().endpoint, 'mem://x?api_key=***');
    assert.strictEqual(s.status().transport, 'memory');
  });

  it('counts backfilled events into the gap of the reconnect that fetched them', async () => {
    const gaps: GapInfo[] = [];
    s.onGap((g) => gaps.push(g));
    s.connect();
    await tick();
    s.sink.event(ev('a'));
    await s.flush();
    clock.advance(5_000);
    s.sink.closed({ fatal: false, message: 'lost' });
    clock.advance(s.status().nextRetryAt! - clock.now());
    await tick();
    await tick();
    assert.strictEqual(s.opens.length, 2);
    assert.deepStrictEqual(s.opens[1].mode, { kind: 'after', id: 'a' });
    s.sink.replayed(12);
    assert.strictEqual(gaps.length, 2);
    assert.strictEqual(gaps[1].replayed, 12);
    assert.strictEqual(gaps[0].gapId, gaps[1].gapId);
    assert.strictEqual(gaps[0].downMs, 500);
    assert.strictEqual(gaps[0].continuity, 'unverified', 'a replay is unverified until the provider judges it');
    s.sink.continuity({ continuity: 'verified', reason: 'replay started right after the cursor' });
    assert.strictEqual(gaps.length, 3);
    assert.strictEqual(gaps[2].continuity, 'verified');
    assert.strictEqual(gaps[2].replayed, 12);
    assert.strictEqual(s.status().lastGap?.continuity, 'verified', 'the status carries the latest gap for the tooltip');
  });

  it('a live reconnect states that events sent while down may be missing, and claims no replay', async () => {
    const gaps: GapInfo[] = [];
    s.onGap((g) => gaps.push(g));
    s.connect({ kind: 'live' });
    await tick();
    clock.advance(1_000);
    s.sink.closed({ fatal: false, message: 'lost' });
    const downAt = clock.now();
    s.connect({ kind: 'live' });
    await tick();
    await tick();
    assert.strictEqual(gaps.length, 1);
    assert.strictEqual(gaps[0].continuity, 'may_be_missing');
    assert.strictEqual(gaps[0].missingFrom, downAt);
    assert.strictEqual(gaps[0].missingTo, gaps[0].resumedAt);
    assert.strictEqual(gaps[0].replayed, undefined);
  });

  it('events still pending when the stream is disposed reach the listeners before the emitters close', async () => {
    const seen: string[] = [];
    s.onEvents((b) => seen.push(...b.map((e) => e.id)));
    s.connect();
    await tick();
    s.sink.event(ev('p1'));
    s.sink.event(ev('p2'));
    s.dispose();
    await s.flush();
    await tick();
    assert.deepStrictEqual(seen, ['p1', 'p2']);
  });

  it('the resume cursor is only a server-issued id: an event without one never moves it', async () => {
    s.connect();
    await tick();
    s.sink.event({ ...ev('k1'), messageId: 'm1' });
    s.sink.event({ ...ev('~derived'), provider: 'warp' });
    await s.flush();
    assert.strictEqual(s.status().lastEventId, 'm1');
  });

  describe('replay counts: only where the provider replays, and a bounded number of row updates', () => {
    async function reconnectAndSend(replay: 'buffer' | 'backfill' | 'none', batches: number, perBatch: number): Promise<{ gaps: GapInfo[]; stream: MemoryStream }> {
      const stream = new MemoryStream({ id: 'r', provider: 'evm' }, { clock, random: () => 0.5 }, { billed: false, replay });
      const gaps: GapInfo[] = [];
      stream.onGap((g) => gaps.push(g));
      stream.connect();
      await tick();
      stream.sink.event(ev('first'));
      await stream.flush();
      stream.sink.closed({ fatal: false, message: 'lost' });
      clock.advance(stream.status().nextRetryAt! - clock.now());
      await tick();
      await tick();
      // everything below carries a chain time before the reconnect, then one event after it
      let n = 0;
      for (let b = 0; b < batches; b++) {
        for (let i = 0; i < perBatch; i++) stream.sink.event(ev(`old${n++}`, clock.now() - 60_000));
        await stream.flush();
      }
      stream.sink.event(ev('new', clock.now() + 1));
      await stream.flush();
      return { gaps, stream };
    }

    it('buffer (Warp): events from before the reconnect count; 2,000 of them in 200 batches update the row 13 times, not 200', async () => {
      const { gaps, stream } = await reconnectAndSend('buffer', 200, 10);
      try {
        assert.strictEqual(gaps[gaps.length - 1].replayed, 2_000);
        const updates = gaps.length - 1;
        assert.ok(updates <= 13, `${updates} updates`);
        const counts = gaps.slice(1).map((g) => g.replayed);
        assert.deepStrictEqual(counts, [...counts].sort((a, b) => a! - b!), 'counts only grow');
      } finally {
        stream.dispose();
      }
    });

    it('backfill (EVM): chain times count for nothing; only what the provider reports it backfilled', async () => {
      const { gaps, stream } = await reconnectAndSend('backfill', 5, 10);
      try {
        assert.strictEqual(gaps.length, 1);
        assert.strictEqual(gaps[0].replayed, 0);
        stream.sink.replayed(7);
        assert.strictEqual(gaps[gaps.length - 1].replayed, 7);
      } finally {
        stream.dispose();
      }
    });

    it('none (Covalent): no replay count at all, and the row is not relabelled as events arrive', async () => {
      const { gaps, stream } = await reconnectAndSend('none', 50, 10);
      try {
        assert.strictEqual(gaps.length, 1);
        assert.strictEqual(gaps[0].replayed, undefined);
      } finally {
        stream.dispose();
      }
    });
  });

  it('gives up on an attempt that never becomes live after the connect timeout, then retries', async () => {
    s.behaviour = 'hang';
    s.connect();
    await tick();
    clock.advance(14_999);
    assert.strictEqual(s.status().state, 'connecting');
    clock.advance(1);
    assert.strictEqual(s.status().state, 'reconnecting');
    assert.match(s.status().message ?? '', /timed out/);
    assert.ok(s.opens[0].closed, 'the hanging attempt was closed');
  });

  it('resets the attempt counter only after a connection stayed healthy', async () => {
    s.connect();
    await tick();
    for (let i = 0; i < 3; i++) {
      s.sink.closed({ fatal: false, message: 'flap' });
      clock.advance(s.status().nextRetryAt! - clock.now());
      await tick();
      await tick();
    }
    assert.strictEqual(s.status().attempt, 3, 'quick flaps keep the backoff growing');
    s.sink.activity();
    for (let t = 0; t < 10; t++) {
      clock.advance(1_000);
      s.sink.activity();
    }
    assert.strictEqual(s.status().attempt, 0, 'reset after 10 s healthy');
  });

  it('disconnect stops every retry; a fatal outcome before connecting stops with its reason', async () => {
    s.connect();
    await tick();
    s.sink.closed({ fatal: false, message: 'lost' });
    s.disconnect();
    clock.advance(3_600_000);
    assert.strictEqual(s.opens.length, 1);
    assert.strictEqual(s.status().stopReason, 'user');
    s.behaviour = 'nokey';
    s.connect();
    await tick();
    await tick();
    assert.strictEqual(s.status().stopReason, 'no_key');
  });

  it('keeps recent events within a byte budget, so a run of huge payloads cannot hold unbounded memory', async () => {
    const big = new MemoryStream({ id: 'b', provider: 'evm' }, { clock, recentLimit: 500, recentMaxBytes: 10 * 1024 * 1024 }, { billed: false });
    try {
      big.connect();
      await tick();
      for (let i = 0; i < 50; i++) {
        const e = ev(`big${i}`);
        setEventSize(e, 1024 * 1024);
        big.sink.event(e);
      }
      await big.flush();
      const kept = big.recent();
      assert.ok(kept.length >= 9 && kept.length <= 10, `${kept.length} of 50 one-MiB events kept`);
      assert.strictEqual(kept[kept.length - 1].id, 'big49', 'the newest is kept');
      assert.strictEqual(big.status().eventCount, 50, 'all were processed');
      const huge = ev('huge');
      setEventSize(huge, 64 * 1024 * 1024);
      big.sink.event(huge);
      await big.flush();
      assert.deepStrictEqual(big.recent().map((e) => e.id), ['huge'], 'one event over the budget is still shown');
    } finally {
      big.dispose();
    }
  });

  it('a throwing listener does not stop the others or the stream', async () => {
    const got: string[] = [];
    s.onEvents(() => {
      throw new Error('boom');
    });
    s.onEvents((b) => got.push(...b.map((e) => e.id)));
    s.connect();
    await tick();
    s.sink.event(ev('x'));
    s.sink.event(ev('y'));
    await s.flush();
    assert.deepStrictEqual(got, ['x', 'y']);
    assert.strictEqual(s.status().state, 'live');
  });

  it('writes each state line to the log once (live, reconnecting, stopped)', async () => {
    const sink = new MemorySink();
    const t = new MemoryStream({ id: 'one', provider: 'evm' }, { clock, random: () => 0.5, logger: createLogger(sink) }, { billed: false });
    t.connect();
    await tick();
    t.sink.closed({ fatal: false, message: 'lost' });
    clock.advance(t.status().nextRetryAt! - clock.now());
    await tick();
    await tick();
    t.sink.closed({ fatal: true, reason: 'invalid_key', message: 'key rejected' });
    const count = (re: RegExp) => sink.lines.filter((l) => re.test(l.message)).length;
    assert.strictEqual(count(/\blive \(/), 2, sink.lines.map((l) => l.message).join('\n'));
    assert.strictEqual(count(/reconnecting in/), 1);
    assert.strictEqual(count(/key rejected/), 1, sink.lines.map((l) => l.message).join('\n'));
    t.dispose();
  });
});
