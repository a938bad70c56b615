/**
 * Chaos: 10,000 events through at least 200 disconnects injected at random points (including between an event
 * and its ACK), against the local Warp server, client and server sharing one FakeClock.
 * WebSocket: every event processed exactly once, in order. SSE: none lost, none shown twice.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import type { TransportKind } from '../../src/core/stream/stream';
import { WarpStream } from '../../src/core/warp/warpStream';
import { WarpServer } from '../../src/simulator/warpServer';
import { until } from './support/wait';
import { prng } from '../../src/simulator/prng';

const KEY = 'indr_chaos_key';


async function chaos(transport: TransportKind, seed: number): Promise<{ emitted: string[]; seen: ChainEvent[]; drops: number; stream: WarpStream; server: WarpServer }> {
  const clock = new FakeClock();
  const rnd = prng(seed);
  const server = new WarpServer({ clock, seed, keys: [{ key: KEY }], streams: [{ id: 'chaos', type: 'mixed' }] });
  await server.start();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chaos-'));
  const stream = new WarpStream(
    { id: 'chaos', provider: 'warp', streamId: 'chaos', baseUrl: server.baseUrl, transport },
    { clock, journalDir: dir, getKey: async () => KEY, random: rnd, journalMaxEvents: 3_000 },
  );
  const seen: ChainEvent[] = [];
  stream.onEvents((b) => seen.push(...b));
  stream.connect({ kind: 'live' });
  await until(() => stream.status().state === 'live', 'first connect');

  const emitted: string[] = [];
  const target = 10_000;
  let drops = 0;
  const startConnections = server.stats('chaos').connections;
  while (emitted.length < target) {
    const n = Math.min(target - emitted.length, 1 + Math.floor(rnd() * 60));
    const r = rnd();
    if (r < 0.35) server.faults.dropBeforeAck('chaos');
    else if (r < 0.8) server.faults.dropAfter('chaos', Math.floor(rnd() * n));
    for (const ev of server.emit('chaos', n)) emitted.push(ev.id);
    // wait until everything emitted is processed, or the client noticed the drop
    await until(() => seen.length === emitted.length || stream.status().state === 'reconnecting', 'progress or drop');
    while (stream.status().state !== 'live' || seen.length < emitted.length) {
      const st = stream.status();
      if (st.state === 'reconnecting') {
        drops++;
        clock.advance(Math.max(0, (st.nextRetryAt ?? clock.now()) - clock.now()));
      }
      await until(() => {
        const s = stream.status().state;
        return (s === 'live' && seen.length >= emitted.length) || s === 'reconnecting';
      }, `recovery (${seen.length}/${emitted.length}, ${stream.status().state})`);
      assert.notStrictEqual(stream.status().state, 'stopped', stream.status().message);
    }
  }
  await stream.flush();
  assert.ok(server.stats('chaos').connections - startConnections >= 200, `only ${server.stats('chaos').connections - startConnections} reconnects`);
  return { emitted, seen, drops, stream, server };
}

describe('chaos: 10,000 events, 200+ disconnects', function () {
  this.timeout(240_000);

  it('WebSocket: every event processed exactly once, in order', async () => {
    const { emitted, seen, drops, stream, server } = await chaos('websocket', 7);
    try {
      assert.ok(drops >= 200, `${drops} drops`);
      assert.strictEqual(seen.length, emitted.length, 'count');
      assert.deepStrictEqual(seen.map((e) => e.id), emitted, 'same ids, same order');
      const journal = await stream.readJournal();
      assert.strictEqual(journal[journal.length - 1].id, emitted[emitted.length - 1]);
    } finally {
      stream.dispose();
      await server.stop();
    }
  });

  it('SSE: none lost, none shown twice', async () => {
    const { emitted, seen, drops, stream, server } = await chaos('sse', 11);
    try {
      assert.ok(drops >= 200, `${drops} drops`);
      const ids = seen.map((e) => e.id);
      assert.strictEqual(new Set(ids).size, ids.length, 'no duplicates shown');
      assert.deepStrictEqual([...ids].sort(), [...emitted].sort(), 'none lost');
      assert.deepStrictEqual(ids, emitted, 'and in order');
    } finally {
      stream.dispose();
      await server.stop();
    }
  });
});
