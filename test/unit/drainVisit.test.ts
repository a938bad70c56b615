// Drain visits and the `continue` connect mode (BaseStream), against the local Warp server on a fake clock.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import type { GapInfo } from '../../src/core/stream/stream';
import { WarpStream } from '../../src/core/warp/warpStream';
import { DEMO_KEY, WarpServer } from '../../src/simulator/warpServer';
import { waitForStatus } from './support/wait';
import { eventIdentity, wireIdentity } from './support/identity';
import { warpJournalEvent } from './support/journalFiles';

describe('BaseStream drain visits (local Warp server, fake clock)', () => {
  let clock: FakeClock;
  let server: WarpServer;
  let dir: string;
  let stream: WarpStream;
  let got: ChainEvent[];

  beforeEach(async () => {
    clock = new FakeClock();
    server = new WarpServer({ clock, streams: [{ id: 'd', type: 'event', eventType: '0x2::coin::Transfer' }] });
    await server.start();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-drain-'));
    stream = new WarpStream({ id: 'd', provider: 'warp', streamId: 'd', baseUrl: server.baseUrl }, { clock, journalDir: dir, getKey: async () => DEMO_KEY, random: () => 0.5 });
    got = [];
    stream.onEvents((e) => got.push(...e));
  });

  afterEach(async () => {
    stream.dispose();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /**
   * Steps fake time until `done` or the fake budget is spent; before each step, real I/O (a connect, a journal
   * write, a few socket turns) is let finish, so fake seconds never pass inside a real millisecond.
   */
  async function run(done: () => boolean, fakeMs = 10_000): Promise<void> {
    for (let t = 0; t < fakeMs && !done(); t += 250) {
      if (stream.status().state === 'connecting') {
        await Promise.race([waitForStatus(stream, (s) => s.state !== 'connecting'), new Promise((r) => setTimeout(r, 1_000))]);
      }
      for (let i = 0; i < 5; i++) await new Promise((r) => setTimeout(r, 1));
      await stream.flush();
      if (done()) return;
      clock.advance(250);
    }
  }

  it('a paused stream with nothing processed resumes with mode=resume (never live), so the buffer is kept', async () => {
    stream.connect();
    await waitForStatus(stream, (s) => s.state === 'live');
    stream.disconnect('paused');
    await server.whenDisconnected('d');
    const published = server.emit('d', 4).map(wireIdentity);
    stream.connect({ kind: 'continue' });
    await waitForStatus(stream, (s) => s.state === 'live');
    assert.strictEqual(stream.status().mode, 'resume');
    await run(() => got.length >= 4);
    assert.deepStrictEqual(got.map(eventIdentity), published);
  });

  it('takes the replay (journaled, flagged drained, ACKed), disconnects and stays paused', async () => {
    stream.connect();
    await waitForStatus(stream, (s) => s.state === 'live');
    server.emit('d', 1);
    await run(() => got.length >= 1);
    stream.disconnect('paused');
    await server.whenDisconnected('d');
    clock.advance(20 * 60_000);
    const published = server.emit('d', 5).map(wireIdentity);
    const visit = stream.drain({ quietMs: 2_000 });
    let result: Awaited<typeof visit> | undefined;
    void visit.then((r) => (result = r));
    await run(() => result !== undefined);
    assert.ok(result, 'the visit ended');
    assert.strictEqual(result.ok, true, result.message);
    assert.strictEqual(result.events, 5);
    assert.deepStrictEqual(got.slice(1).map(eventIdentity), published);
    assert.ok(got.slice(1).every((e) => e.drained === true), 'flagged drained');
    assert.strictEqual(got[0]!.drained, undefined);
    const st = stream.status();
    assert.deepStrictEqual([st.state, st.stopReason, st.draining], ['stopped', 'paused', undefined]);
    await server.whenDisconnected('d');
    const stats = server.stats('d');
    assert.strictEqual(stats.buffered, 0);
    assert.strictEqual(stats.acked + stats.autoAcked, 6, 'every event settled by ACK');
    const file = fs.readdirSync(dir).find((f) => f.endsWith('.ndjson'));
    assert.ok(file, 'a journal was written');
    const lines = fs.readFileSync(path.join(dir, file), 'utf8').trim().split('\n').map((l) => warpJournalEvent(l, 'd'));
    const journal = lines.filter((e): e is ChainEvent => e !== undefined && e.stream === 'd');
    assert.deepStrictEqual(journal.slice(1).map((e) => [eventIdentity(e as ChainEvent), e.drained]), published.map((id) => [id, true]));
    assert.ok(result.endedAt - (result.liveAt ?? 0) <= 3_000, 'a few seconds connected');
  });

  it('a visit ends at the first live event, and a stream that is not paused does not drain', async () => {
    const early = await stream.drain();
    assert.deepStrictEqual([early.ok, early.message], [false, 'the stream is not paused']);
    stream.connect();
    await waitForStatus(stream, (s) => s.state === 'live');
    stream.disconnect('paused');
    await server.whenDisconnected('d');
    clock.advance(60_000);
    server.emit('d', 2);
    clock.advance(1_000);
    let result: Awaited<ReturnType<WarpStream['drain']>> | undefined;
    void stream.drain({ quietMs: 30_000 }).then((r) => (result = r));
    await waitForStatus(stream, (s) => s.state === 'live');
    await run(() => got.length >= 2, 2_000);
    clock.advance(1_000);
    server.emit('d', 1); // stamped after the visit went live: the replay is over
    await run(() => result !== undefined, 5_000);
    assert.ok(result?.ok);
    assert.strictEqual(result.events, 3);
    assert.strictEqual(stream.status().stopReason, 'paused');
  });

  it('a loss noted while paused goes into the resume gap as "may be missing", and a later verdict cannot clear it', async () => {
    const gaps: GapInfo[] = [];
    stream.onGap((g) => gaps.push(g));
    stream.connect();
    await waitForStatus(stream, (s) => s.state === 'live');
    stream.disconnect('paused');
    await server.whenDisconnected('d');
    const from = clock.now();
    clock.advance(100 * 60_000);
    stream.notePossibleLoss(from, clock.now(), 'events between 14:02 and 15:42 may be missing on "d" (the pause outlasted the 30 minutes Warp keeps)');
    stream.connect({ kind: 'continue' });
    await waitForStatus(stream, (s) => s.state === 'live');
    server.emit('d', 1);
    await run(() => got.length >= 1);
    const last = gaps.at(-1)!;
    assert.strictEqual(last.continuity, 'may_be_missing');
    assert.deepStrictEqual([last.missingFrom, last.missingTo], [from, from + 100 * 60_000]);
    assert.match(last.reason ?? '', /outlasted the 30 minutes/);
    assert.strictEqual(stream.status().lastGap?.continuity, 'may_be_missing', 'the tooltip says it too');
  });
});
