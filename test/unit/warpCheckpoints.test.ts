/**
 * Warp as the service behaves today: several events share one id (the checkpoint number), the cursor is only ever an
 * id the server issued, a live connect stays live, and every reconnect says what it recovered (the gap ledger).
 * Scripted servers for the wire details; the local Warp server (FakeClock) for the gap-ledger cases.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import type { GapInfo, StreamDefinition } from '../../src/core/stream/stream';
import { WarpStream } from '../../src/core/warp/warpStream';
import { WarpServer } from '../../src/simulator/warpServer';
import { frame, moveEvent, ScriptedServer } from './support/scriptedServer';
import { collect, until, waitForStatus } from './support/wait';

const KEY = 'indr_test_Checkpoint1';
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cp-'));

/** A Move event of checkpoint `cp`, transaction `digest`. */
const cpEvent = (cp: number, digest: string, seq = 0, timestamp = 1_700_000_000_000) => ({ ...moveEvent(cp), checkpoint: cp, txDigest: digest, eventSequence: seq, timestamp });

describe('Warp with checkpoint ids (scripted server)', () => {
  let server: ScriptedServer;
  let clock: FakeClock;
  const streams: WarpStream[] = [];
  const make = (def: Partial<StreamDefinition> = {}) => {
    const s = new WarpStream(
      { id: 'cp', provider: 'warp', streamId: 'cp', baseUrl: server.baseUrl, ...def },
      { clock, journalDir: tmpDir(), getKey: async () => KEY, random: () => 0.5 },
    );
    streams.push(s);
    return s;
  };

  beforeEach(async () => {
    server = new ScriptedServer();
    await server.start();
    clock = new FakeClock();
  });
  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
  });

  it('three events sharing id 22000500 all reach listeners, and each is ACKed with the number 22000500', async () => {
    const s = make();
    const got = collect(s);
    const conn = server.nextSocket();
    s.connect();
    const { ws } = await conn;
    ws.send(frame('connected', {}));
    for (const d of ['DigA', 'DigB', 'DigC']) ws.send(frame('event', cpEvent(22000500, d), 22000500));
    await got.until(3);
    assert.deepStrictEqual(got.events.map((e) => e.digest), ['DigA', 'DigB', 'DigC']);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), ['22000500', '22000500', '22000500']);
    assert.strictEqual(new Set(got.events.map((e) => e.id)).size, 3, 'three identities');
    await until(() => server.received.length === 3, 'three ACKs');
    assert.deepStrictEqual(server.received, Array(3).fill('{"type":"ack","id":22000500}'), 'a numeric id goes back as a number');
  });

  it('resumes after the last complete checkpoint, never a derived id, and drops what the replay repeats', async function () {
    this.timeout(20_000);
    const s = make();
    const got = collect(s);
    let conn = server.nextSocket();
    s.connect();
    let { ws } = await conn;
    ws.send(frame('connected', {}));
    ws.send(frame('event', cpEvent(100, 'D1'), 100));
    ws.send(frame('event', cpEvent(101, 'D2'), 101));
    ws.send(frame('event', cpEvent(101, 'D3'), 101));
    ws.send(frame('event', cpEvent(101, 'D4'))); // no id: identity derived from the digest, never a cursor
    await got.until(4);
    assert.strictEqual(s.status().lastEventId, '100');
    conn = server.nextSocket();
    ws.terminate();
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    clock.advance(st.nextRetryAt! - clock.now());
    ({ ws } = await conn);
    assert.strictEqual(server.attempts[1]!.url.searchParams.get('lastEventId'), '100', 'the checkpoint before the one being received');
    server.received.length = 0;
    ws.send(frame('connected', {}));
    // the server replays checkpoint 101 whole, then 102
    ws.send(frame('event', cpEvent(101, 'D2'), 101));
    ws.send(frame('event', cpEvent(101, 'D3'), 101));
    ws.send(frame('event', cpEvent(101, 'D5'), 101));
    ws.send(frame('event', cpEvent(102, 'D6'), 102));
    await got.until(6);
    assert.deepStrictEqual(got.events.map((e) => e.digest), ['D1', 'D2', 'D3', 'D4', 'D5', 'D6']);
    assert.strictEqual(s.duplicatesDropped, 2);
    // every delivery with an id is ACKed on the new connection, the repeated ones too
    const acks = () => server.received.slice(-4).map((m) => JSON.parse(m).id);
    await until(() => JSON.stringify(acks()) === '[101,101,101,102]', 'the four ACKs of the replay');
  });

  it('a live connect stays live while refused (409), and resumes once an event was processed', async () => {
    let refuse = true;
    server.answer = () => (refuse ? { status: 409 } : 'accept');
    const s = make();
    const got = collect(s);
    s.connect();
    let st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    let conn = server.nextSocket();
    refuse = false;
    clock.advance(st.nextRetryAt! - clock.now());
    const first = await conn;
    const ws = first.ws;
    let attempt = first.attempt;
    assert.strictEqual(attempt.url.searchParams.get('mode'), null, 'the retry is live: no backlog the user declined');
    assert.strictEqual(attempt.url.searchParams.get('lastEventId'), null);
    ws.send(frame('connected', {}));
    ws.send(frame('event', cpEvent(7, 'E1'), 7));
    await got.until(1);
    conn = server.nextSocket();
    ws.terminate();
    st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    clock.advance(st.nextRetryAt! - clock.now());
    ({ attempt } = await conn);
    // checkpoint 7 may not be complete: no id is safe to resume after, so the server's buffer is replayed
    assert.strictEqual(attempt.url.searchParams.get('mode'), 'resume');
    assert.strictEqual(attempt.url.searchParams.get('lastEventId'), null);
  });

  it('SSE: an id a header cannot carry falls back to mode=resume with words, instead of failing every reconnect', async () => {
    const s = make({ transport: 'sse' });
    const got = collect(s);
    const notices: string[] = [];
    s.onNotice((n) => notices.push(n.message));
    let next = server.nextSse();
    s.connect();
    let { res } = await next;
    res.write(`event: event\nid: 5€\ndata: ${JSON.stringify(cpEvent(5, 'S1'))}\n\n`);
    res.write(`event: event\nid: 6€\ndata: ${JSON.stringify(cpEvent(6, 'S2'))}\n\n`);
    await got.until(2);
    assert.strictEqual(s.status().lastEventId, '5€');
    next = server.nextSse();
    res.destroy();
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    clock.advance(st.nextRetryAt! - clock.now());
    const reconnected = await next;
    res = reconnected.res;
    const attempt = reconnected.attempt;
    assert.strictEqual(attempt.url.searchParams.get('mode'), 'resume');
    assert.strictEqual(attempt.headers['last-event-id'], undefined);
    assert.ok(notices.some((n) => /cannot resume after id "5€": .*HTTP header.*mode=resume/.test(n)), notices.join('\n'));
    res.write(`event: event\nid: 6€\ndata: ${JSON.stringify(cpEvent(6, 'S2'))}\n\n`);
    res.write(`event: event\nid: 7\ndata: ${JSON.stringify(cpEvent(7, 'S3'))}\n\n`);
    await got.until(3);
    assert.deepStrictEqual(got.events.map((e) => e.digest), ['S1', 'S2', 'S3']);
  });
});

describe('Warp gap ledger (local server, fake clock)', function () {
  this.timeout(30_000);
  let clock: FakeClock;
  let server: WarpServer;
  let stream: WarpStream;
  let gaps: GapInfo[];

  async function boot(port = 0): Promise<WarpServer> {
    const s = new WarpServer({ clock, port, seed: 3, keys: [{ key: KEY }], streams: [{ id: 'g', type: 'event' }] });
    await s.start();
    return s;
  }

  beforeEach(async () => {
    clock = new FakeClock();
    server = await boot();
    stream = new WarpStream(
      { id: 'g', provider: 'warp', streamId: 'g', baseUrl: server.baseUrl },
      { clock, journalDir: tmpDir(), getKey: async () => KEY, random: () => 0.5 },
    );
    gaps = [];
    stream.onGap((g) => gaps.push(g));
  });
  afterEach(async () => {
    stream.dispose();
    await server.stop();
  });

  /** Connects live and processes `n` events. */
  async function warmUp(n: number): Promise<ReturnType<typeof collect>> {
    const got = collect(stream);
    stream.connect();
    await waitForStatus(stream, (x) => x.state === 'live');
    server.emit('g', n);
    await got.until(n);
    await stream.flush();
    return got;
  }
  const lastGap = () => gaps[gaps.length - 1]!;

  it('a replay that starts right after the cursor: continuity verified', async () => {
    const got = await warmUp(12);
    stream.disconnect('paused');
    await server.whenDisconnected('g');
    server.emit('g', 5);
    clock.advance(60_000);
    stream.connect();
    server.emit('g', 1);
    await got.until(18);
    await until(() => lastGap().continuity === 'verified', `verified (${lastGap().continuity})`);
    assert.strictEqual(got.events.length, 18);
    assert.match(lastGap().reason ?? '', /right after the cursor/);
  });

  it('a restarted server that does not know the cursor: "server did not honour the cursor", duplicates dropped', async () => {
    const got = await warmUp(12);
    const port = server.port;
    await server.stop();
    await waitForStatus(stream, (x) => x.state === 'reconnecting');
    // the same service, restarted: it replays its whole buffer, which starts over from events already processed
    server = await boot(port);
    server.emit('g', 8);
    clock.advance(30_000);
    await waitForStatus(stream, (x) => x.state === 'live');
    await until(() => gaps.length > 0 && lastGap().continuity === 'cursor_not_honoured', `not honoured (${gaps.map((g) => g.continuity).join(',')})`);
    await stream.flush();
    assert.ok(lastGap().duplicatesDropped >= 1, `${lastGap().duplicatesDropped} duplicates`);
    assert.strictEqual(new Set(got.events.map((e) => e.id)).size, got.events.length, 'nothing shown twice');
  });

  it('down 31 minutes, past the 30-minute buffer: "events between … may be missing"', async () => {
    await warmUp(4);
    stream.disconnect('paused');
    const downAt = clock.now();
    await server.whenDisconnected('g');
    clock.advance(31 * 60_000);
    stream.connect();
    await waitForStatus(stream, (x) => x.state === 'live');
    const g = lastGap();
    assert.strictEqual(g.continuity, 'may_be_missing');
    assert.strictEqual(g.missingFrom, downAt);
    assert.strictEqual(g.missingTo, g.resumedAt);
    assert.match(g.reason ?? '', /30-minute buffer/);
  });

  it('2,500 events while down: the replay hits the 2,000-event cap and says events may be missing', async () => {
    const got = await warmUp(3);
    stream.disconnect('paused');
    await server.whenDisconnected('g');
    server.emit('g', 2_500);
    clock.advance(1_000);
    stream.connect();
    await got.until(3 + 2_000);
    // the verdict lands mid-batch; the batch's replay count follows once the batch is processed
    await until(() => lastGap().continuity === 'may_be_missing' && lastGap().replayed === 2_000, `capped (${lastGap().continuity}, ${lastGap().replayed} replayed)`);
    assert.match(lastGap().reason ?? '', /2,000 events, Warp's buffer cap/);
    assert.strictEqual(lastGap().replayed, 2_000);
  });

  it('a live reconnect: the buffer was discarded, and the row says so', async () => {
    await warmUp(2);
    stream.disconnect('paused');
    await server.whenDisconnected('g');
    clock.advance(5_000);
    stream.connect({ kind: 'live' });
    await waitForStatus(stream, (x) => x.state === 'live');
    assert.strictEqual(lastGap().continuity, 'may_be_missing');
    assert.strictEqual(lastGap().replayed, undefined, 'nothing replayed, and the row does not claim a count');
    assert.match(lastGap().reason ?? '', /discarded its buffer/);
  });
});
