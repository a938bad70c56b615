/** The batch bound: pure arithmetic, and BaseStream processing a backlog in bounded batches without losing or reordering anything. */
import * as assert from 'assert';
import { BaseStream, type ResolvedMode, type TransportConnection, type TransportSink } from '../../src/core/stream/baseStream';
import { batchLength, MAX_BATCH_EVENTS } from '../../src/core/stream/batchBound';
import { FakeClock } from '../../src/core/clock';
import { setEventSize, type ChainEvent } from '../../src/core/event';

class MemoryStream extends BaseStream {
  sink!: TransportSink;

  protected open(_mode: ResolvedMode, sink: TransportSink): TransportConnection {
    this.sink = sink;
    sink.opened();
    return { endpoint: 'mem://x', transport: 'memory', close: () => undefined };
  }
}

function ev(id: string, bytes = 100): ChainEvent {
  const e: ChainEvent = { id, messageId: id, stream: 'm', provider: 'warp', kind: 'event', name: 'tx', receivedAt: 0, payload: {} };
  setEventSize(e, bytes);
  return e;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('batchLength', () => {
  it('takes at most the event bound', () => {
    const pending = Array.from({ length: 2_500 }, (_, i) => ev(String(i)));
    assert.strictEqual(batchLength(pending), MAX_BATCH_EVENTS);
    assert.strictEqual(batchLength(pending, 300), 300);
    assert.strictEqual(batchLength(pending.slice(0, 7), 300), 7);
  });

  it('stops before the byte bound, but an event larger than the bound goes alone', () => {
    const pending = [ev('a', 400), ev('b', 400), ev('c', 400), ev('d', 400)];
    assert.strictEqual(batchLength(pending, 100, 1_000), 2);
    assert.strictEqual(batchLength(pending, 100, 1_200), 3);
    assert.strictEqual(batchLength([ev('huge', 5_000), ev('b', 10)], 100, 1_000), 1);
  });

  it('is 0 only for nothing pending', () => {
    assert.strictEqual(batchLength([]), 0);
    assert.strictEqual(batchLength([ev('a')], 0, 0), 1);
  });
});

describe('BaseStream bounded batches', () => {
  let s: MemoryStream;
  afterEach(() => s.dispose());

  function make(maxBatchEvents: number, maxBatchBytes = 1 << 30): MemoryStream {
    return new MemoryStream({ id: 'm', provider: 'warp' }, { clock: new FakeClock(0), random: () => 0.5, maxBatchEvents, maxBatchBytes }, { billed: false });
  }

  it('a backlog of 2,500 goes out in batches of at most 1,000, in order, each ACKed only after it was shown', async () => {
    s = make(1_000);
    s.connect();
    await tick();
    const shown: string[] = [];
    const sizes: number[] = [];
    const acked: string[] = [];
    let ackedBeforeShown = 0;
    s.onEvents((batch) => {
      sizes.push(batch.length);
      for (const e of batch) shown.push(e.id);
    });
    for (let i = 0; i < 2_500; i++) {
      const id = String(i);
      s.sink.event(ev(id), () => {
        if (!shown.includes(id)) ackedBeforeShown++;
        acked.push(id);
      });
    }
    await s.flush();
    await tick();
    assert.deepStrictEqual(sizes, [1_000, 1_000, 500]);
    assert.deepStrictEqual(shown, Array.from({ length: 2_500 }, (_, i) => String(i)));
    assert.deepStrictEqual(acked, shown, 'every event ACKed once, in order');
    assert.strictEqual(ackedBeforeShown, 0);
    assert.strictEqual(s.status().eventCount, 2_500);
  });

  it('bounds a batch by bytes too', async () => {
    s = make(1_000, 10_000);
    s.connect();
    await tick();
    const sizes: number[] = [];
    s.onEvents((batch) => sizes.push(batch.length));
    for (let i = 0; i < 10; i++) s.sink.event(ev(String(i), 4_000));
    await s.flush();
    await tick();
    assert.deepStrictEqual(sizes, [2, 2, 2, 2, 2]);
  });

  it('a duplicate ACKs with the batch it arrived in; an id-only cursor moves after the events before it', async () => {
    s = make(2);
    s.connect();
    await tick();
    const order: string[] = [];
    s.onEvents((batch) => order.push(`show ${batch.map((e) => e.id).join(',')}`));
    s.sink.event(ev('a'), () => order.push('ack a'));
    s.sink.event(ev('b'), () => order.push('ack b'));
    s.sink.event(ev('a'), () => order.push('ack dup a'));
    s.sink.event(ev('c'), () => order.push('ack c'));
    s.sink.cursor('c2');
    s.sink.event(ev('d'), () => order.push('ack d'));
    await s.flush();
    await tick();
    assert.deepStrictEqual(order, ['show a,b', 'ack a', 'ack b', 'ack dup a', 'show c,d', 'ack c', 'ack d']);
    assert.strictEqual(s.status().eventCount, 4);
  });
});
