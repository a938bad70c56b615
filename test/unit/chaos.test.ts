/**
 * Chaos: 10,000 events through at least 200 disconnects injected at random points (in the middle of a checkpoint,
 * between an event and its ACK), against the local Warp server, client and server sharing one FakeClock.
 * Ids are checkpoint numbers shared by 1 to 6 events, as the service sends them today; the server resumes after
 * the last (or, second run, the first) event carrying the id it is given.
 * Every event is processed exactly once, in order, over WebSocket and SSE, and every cursor sent is an id the
 * server issued.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { warpIdentity, type ChainEvent } from '../../src/core/event';
import type { TransportKind } from '../../src/core/stream/stream';
import { WarpStream } from '../../src/core/warp/warpStream';
import { WarpServer, type WarpSessionInfo } from '../../src/simulator/warpServer';
import { until } from './support/wait';
import { prng } from '../../src/simulator/prng';

const KEY = 'indr_chaos_key';


interface ChaosRun {
  /** Identities of the events the server generated, in order. */
  emitted: string[];
  /** Server ids issued, as text. */
  issued: Set<string>;
  /** Events per checkpoint id. */
  perId: Map<string, number>;
  seen: ChainEvent[];
  sessions: WarpSessionInfo[];
  drops: number;
  stream: WarpStream;
  server: WarpServer;
}

async function chaos(transport: TransportKind, seed: number, sharedIdResume: 'after-last' | 'after-first'): Promise<ChaosRun> {
  const clock = new FakeClock();
  const rnd = prng(seed);
  const sessions: WarpSessionInfo[] = [];
  const server = new WarpServer({ clock, seed, keys: [{ key: KEY }], streams: [{ id: 'chaos', type: 'mixed' }], sharedIdResume, onSession: (i) => sessions.push(i) });
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
  const issued = new Set<string>();
  const perId = new Map<string, number>();
  const target = 10_000;
  let drops = 0;
  const startConnections = server.stats('chaos').connections;
  while (emitted.length < target) {
    const n = Math.min(target - emitted.length, 1 + Math.floor(rnd() * 60));
    const r = rnd();
    if (r < 0.35) server.faults.dropBeforeAck('chaos');
    else if (r < 0.8) server.faults.dropAfter('chaos', Math.floor(rnd() * n));
    for (const ev of server.emit('chaos', n)) {
      const id = String(ev.id);
      emitted.push(warpIdentity(id, ev.event, ev.data)!);
      issued.add(id);
      perId.set(id, (perId.get(id) ?? 0) + 1);
    }
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
        // a lost event never arrives: give up after a bounded wait instead of the default one
      }, `recovery (${seen.length}/${emitted.length}, ${stream.status().state})`, 100_000);
      assert.notStrictEqual(stream.status().state, 'stopped', stream.status().message);
    }
  }
  await stream.flush();
  assert.ok(server.stats('chaos').connections - startConnections >= 200, `only ${server.stats('chaos').connections - startConnections} reconnects`);
  return { emitted, issued, perId, seen, sessions, drops, stream, server };
}

/** The checks both transports share: shared ids really happened, every cursor was server-issued, none lost. */
function checkRun(run: ChaosRun): void {
  const { emitted, issued, perId, seen, sessions, drops } = run;
  assert.ok(drops >= 200, `${drops} drops`);
  const sizes = [...perId.values()];
  assert.ok(Math.max(...sizes) >= 2 && Math.max(...sizes) <= 6 && Math.min(...sizes) >= 1, `events per checkpoint ${Math.min(...sizes)}..${Math.max(...sizes)}`);
  assert.ok(sizes.filter((n) => n > 1).length > 1000, 'most checkpoints carry several events');
  const cursors = sessions.filter((x) => x.lastEventId !== undefined);
  assert.ok(cursors.length >= 150, `${cursors.length} reconnects resumed after an id`);
  for (const x of cursors) {
    assert.ok(issued.has(x.lastEventId!), `cursor ${x.lastEventId} was never issued by the server`);
    assert.strictEqual(x.knownId, true, `cursor ${x.lastEventId} unknown to the server`);
  }
  assert.ok(sessions.every((x) => x.lastEventId !== undefined || x.mode !== null || x === sessions[0]), 'after the first connect, every reconnect resumes');
  const ids = seen.map((e) => e.id);
  assert.strictEqual(new Set(ids).size, ids.length, 'no event processed twice');
  assert.strictEqual(seen.length, emitted.length, 'count');
  assert.deepStrictEqual(ids, emitted, 'every event once, in order');
}

describe('chaos: 10,000 events, 200+ disconnects', function () {
  this.timeout(240_000);

  for (const [transport, seed, resume] of [
    ['websocket', 7, 'after-last'],
    ['sse', 11, 'after-first'],
  ] as const) {
    it(`${transport === 'websocket' ? 'WebSocket' : 'SSE'}, checkpoint ids (server resumes ${resume}): every event processed exactly once, in order`, async () => {
      const run = await chaos(transport, seed, resume);
      try {
        checkRun(run);
        const journal = await run.stream.readJournal();
        assert.strictEqual(journal[journal.length - 1].id, run.emitted[run.emitted.length - 1]);
        if (transport === 'websocket') assert.strictEqual(run.server.stats('chaos').unmatchedAcks, 0, 'every ACK matched an event: numeric ids went back as numbers');
      } finally {
        run.stream.dispose();
        await run.server.stop();
      }
    });
  }
});
