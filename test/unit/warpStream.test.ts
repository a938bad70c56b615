import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { createLogger, MemorySink } from '../../src/core/logger';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { WarpStream, warpWsUrl } from '../../src/core/warp/warpStream';
import { frame, moveEvent, ScriptedServer } from './support/scriptedServer';
import { collect, until, waitForStatus } from './support/wait';
import { journalEventLines, warpJournalEvent } from './support/journalFiles';

const KEY = 'indr_test_Secret123';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'cw-warp-'));
}

describe('Warp WebSocket client', () => {
  let server: ScriptedServer;
  let clock: FakeClock;
  let sink: MemorySink;
  let dir: string;
  const streams: WarpStream[] = [];

  function make(def: Partial<StreamDefinition> = {}, opts: { key?: string | undefined } = { key: KEY }): WarpStream {
    const key = opts.key;
    const s = new WarpStream(
      { id: 's1', provider: 'warp', streamId: 'stream-1', baseUrl: server.baseUrl, ...def },
      { clock, logger: createLogger(sink), journalDir: dir, getKey: async () => key, random: () => 0.5, heartbeatMs: 5_000 },
    );
    streams.push(s);
    return s;
  }

  beforeEach(async () => {
    server = new ScriptedServer();
    await server.start();
    clock = new FakeClock();
    sink = new MemorySink();
    dir = tmpDir();
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
  });

  it('builds the seed URL for each connect mode, key as api_key', () => {
    const def: StreamDefinition = { id: 'x', provider: 'warp', streamId: 'abc' };
    assert.strictEqual(warpWsUrl(def, 'K', { kind: 'live' }), 'wss://mainnet-api.inodra.com/v1/warp/abc/ws?api_key=K');
    assert.strictEqual(warpWsUrl(def, 'K', { kind: 'resume' }), 'wss://mainnet-api.inodra.com/v1/warp/abc/ws?api_key=K&mode=resume');
    assert.strictEqual(warpWsUrl({ ...def, network: 'testnet' }, 'K', { kind: 'after', id: '12_4_0' }), 'wss://testnet-api.inodra.com/v1/warp/abc/ws?api_key=K&lastEventId=12_4_0');
  });

  it('processes events, journals them, and ACKs each only after it is journaled and handed to listeners', async () => {
    const s = make();
    const got = collect(s);
    const journalAtAck: number[] = [];
    const conn = server.nextSocket();
    s.connect();
    const { ws, attempt } = await conn;
    assert.strictEqual(attempt.url.pathname, '/v1/warp/stream-1/ws');
    assert.strictEqual(attempt.url.searchParams.get('api_key'), KEY);
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString());
      assert.strictEqual(msg.type, 'ack');
      const lines = journalEventLines(dir);
      journalAtAck.push(lines.findIndex((l) => warpJournalEvent(l, 'w')?.messageId === msg.id));
      // the listener saw it before the ACK
      assert.ok(got.events.some((e) => e.messageId === msg.id), `ack for ${msg.id} before listeners saw it`);
    });
    ws.send(frame('connected', { connId: 'c1', protocol: 'websocket', heartbeatIntervalMs: 5000 }));
    for (let i = 1; i <= 5; i++) ws.send(frame('event', moveEvent(i), `100${i}_0_0`));
    await got.until(5);
    await until(() => journalAtAck.length === 5, '5 acks');
    assert.deepStrictEqual(journalAtAck, [0, 1, 2, 3, 4]);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), ['1001_0_0', '1002_0_0', '1003_0_0', '1004_0_0', '1005_0_0']);
    assert.strictEqual(s.status().state, 'live');
    // the resume cursor is the last id whose group is complete: more events may carry 1005_0_0
    assert.strictEqual(s.status().lastEventId, '1004_0_0');
  });

  it('stops with "invalid API key" after one attempt on 401 and never retries', async () => {
    server.answer = () => ({ status: 401, body: '{"error":"invalid api key"}' });
    const s = make();
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'invalid_key');
    assert.match(st.message ?? '', /invalid API key/);
    clock.advance(3_600_000);
    assert.strictEqual(server.attempts.length, 1);
    assert.strictEqual(s.status().state, 'stopped');
  });

  it('stops with "stream not found" on 404', async () => {
    server.answer = () => ({ status: 404 });
    const s = make();
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'stream_not_found');
    assert.match(st.message ?? '', /stream not found/);
    clock.advance(3_600_000);
    assert.strictEqual(server.attempts.length, 1);
  });

  it('stops with "no API key saved" when there is no key, without connecting', async () => {
    const s = make({}, {});
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'no_key');
    assert.match(st.message ?? '', /no API key saved for 127\.0\.0\.1:\d+/);
    assert.strictEqual(server.attempts.length, 0);
  });

  it('quota_exceeded + close 1008: stopped "quota exceeded", zero reconnects over an hour of fake time', async () => {
    const s = make();
    const got = collect(s);
    const conn = server.nextSocket();
    s.connect();
    const { ws } = await conn;
    ws.send(frame('connected', {}));
    ws.send(frame('event', moveEvent(1), '1_0_0'));
    await got.until(1);
    ws.send(frame('quota_exceeded', { remaining: 0, eventCount: 150 }));
    ws.close(1008, 'QUOTA_EXCEEDED');
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'quota_exceeded');
    assert.strictEqual(st.message, 'quota exceeded');
    assert.strictEqual(s.credits().remaining, 0);
    for (let m = 0; m < 60; m++) clock.advance(60_000);
    assert.strictEqual(server.attempts.length, 1);
    assert.strictEqual(got.events.length, 1, 'the event before the quota stop is kept');
  });

  it('bad input becomes warnings; the stream keeps going and loses nothing', async function () {
    // a 5 MB frame is parsed and journaled: slow on a loaded machine
    this.timeout(10_000);
    const s = make();
    const got = collect(s);
    const notices: string[] = [];
    s.onNotice((n) => notices.push(n.message));
    const conn = server.nextSocket();
    s.connect();
    const { ws } = await conn;
    ws.send(frame('connected', {}));
    ws.send(frame('event', moveEvent(1), 'a1'));
    ws.send('{not json');
    ws.send(Buffer.from([1, 2, 3]), { binary: true });
    const huge = { ...moveEvent(2), data: { blob: 'x'.repeat(5 * 1024 * 1024) } };
    ws.send(frame('event', huge, 'a2'));
    ws.send(frame('mystery_event', { txDigest: 'M1', foo: 1 }, 'a3'));
    ws.send(frame('event', moveEvent(4)));
    ws.send('[1,2,3]');
    ws.send(frame('error', { code: 'E1', message: 'something odd' }));
    ws.send(frame('event', moveEvent(5), 'a5'));
    await got.until(5);
    assert.deepStrictEqual(got.events.map((e) => e.kind), ['event', 'event', 'unknown', 'event', 'event']);
    assert.strictEqual(got.events[2].name, 'mystery_event');
    assert.ok(got.events[3].id.startsWith('~'), 'derived identity for a message without id');
    assert.strictEqual(got.events[3].messageId, undefined, 'and no server id: it is never a cursor');
    const text = notices.join('\n');
    assert.match(text, /invalid JSON/);
    assert.match(text, /binary frame ignored \(3 bytes\)/);
    assert.match(text, /large frame \(5\.0 MB\)/);
    assert.match(text, /unknown event "mystery_event"/);
    assert.match(text, /without id/);
    assert.match(text, /without an event name/);
    assert.match(text, /server error: E1: something odd/);
    assert.strictEqual(s.status().state, 'live');
    assert.ok(!sink.lines.some((l) => l.message.includes(KEY)), 'key never logged');
  });

  it('reconnects with backoff after an abnormal close, resuming after the last id whose group is complete', async () => {
    const s = make();
    const got = collect(s);
    let conn = server.nextSocket();
    s.connect();
    let { ws } = await conn;
    ws.send(frame('connected', {}));
    ws.send(frame('event', moveEvent(1), '11_0_0'));
    ws.send(frame('event', moveEvent(2), '12_0_0'));
    await got.until(2);
    conn = server.nextSocket();
    ws.terminate();
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.ok(st.nextRetryAt! - clock.now() >= 100 && st.nextRetryAt! - clock.now() <= 1000, 'first retry within the 1 s base');
    clock.advance(1000);
    ({ ws } = await conn);
    assert.strictEqual(server.attempts[1].url.searchParams.get('lastEventId'), '11_0_0');
    assert.strictEqual(server.attempts[1].url.searchParams.get('mode'), null);
    const gaps: Array<number | undefined> = [];
    s.onGap((g) => gaps.push(g.replayed));
    ws.send(frame('connected', {}));
    // the server replays after 11_0_0: 12_0_0 again (already processed: dropped), then what is new
    ws.send(frame('event', moveEvent(2), '12_0_0'));
    ws.send(frame('event', moveEvent(3, clock.now() - 500), '13_0_0'));
    await got.until(3);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), ['11_0_0', '12_0_0', '13_0_0']);
    assert.strictEqual(s.duplicatesDropped, 1);
    assert.ok(gaps.length >= 1);
  });

  it('a dead server (no pong, no data) is declared dead after 3x the heartbeat interval', async () => {
    server.stalled = true;
    const s = make();
    const conn = server.nextSocket();
    s.connect();
    const { ws } = await conn;
    ws.send(frame('connected', { heartbeatIntervalMs: 5000 }));
    await waitForStatus(s, (x) => x.state === 'live');
    clock.advance(10_000);
    assert.strictEqual(s.status().state, 'live', 'not dead after 2 intervals');
    clock.advance(5_000);
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.message ?? '', /connection dead/);
  });

  it('never storms: a server that keeps dropping connections sees backoff-spaced attempts', async () => {
    server.answer = () => ({ status: 503 });
    const s = new WarpStream(
      { id: 'storm', provider: 'warp', streamId: 'x', baseUrl: server.baseUrl },
      { clock, journalDir: dir, getKey: async () => KEY, random: () => 0.999 },
    );
    streams.push(s);
    s.connect();
    const delays: number[] = [];
    for (let i = 0; i < 12; i++) {
      const st = await waitForStatus(s, (x) => x.state === 'reconnecting' && x.attempt === i + 1);
      delays.push(st.nextRetryAt! - clock.now());
      clock.advance(st.nextRetryAt! - clock.now());
    }
    assert.deepStrictEqual(delays.slice(0, 6), [999, 1998, 3996, 7992, 15984, 29970]);
    assert.ok(delays.slice(6).every((d) => d <= 30_000 && d >= 29_000), `capped at 30 s: ${delays}`);
    assert.strictEqual(server.attempts.length, 12);
  });

  it('a restarted client resumes from its journal with nothing lost or duplicated', async () => {
    const a = make();
    const gotA = collect(a);
    let conn = server.nextSocket();
    a.connect();
    let { ws } = await conn;
    ws.send(frame('connected', {}));
    for (let i = 1; i <= 3; i++) ws.send(frame('event', moveEvent(i), `r${i}`));
    await gotA.until(3);
    await a.flush();
    a.dispose();
    const b = make();
    const gotB = collect(b);
    await b.ready;
    assert.deepStrictEqual(b.recent().map((e) => e.messageId), ['r1', 'r2', 'r3'], 'recent events restored');
    conn = server.nextSocket();
    b.connect();
    ({ ws } = await conn);
    assert.strictEqual(server.attempts[1].url.searchParams.get('lastEventId'), 'r2', 'the last complete group, from the journal');
    ws.send(frame('connected', {}));
    // the server replays r3 (processed before the restart): shown once
    ws.send(frame('event', moveEvent(3), 'r3'));
    ws.send(frame('event', moveEvent(4), 'r4'));
    await gotB.until(1);
    await until(() => server.received.filter((m) => m.includes('"r3"')).length >= 2, 'ack of the duplicate');
    assert.deepStrictEqual(gotB.events.map((e) => e.messageId), ['r4']);
    assert.strictEqual(b.duplicatesDropped, 1);
  });
});

describe('Warp SSE client', () => {
  let server: ScriptedServer;
  let clock: FakeClock;
  let dir: string;
  const streams: WarpStream[] = [];

  beforeEach(async () => {
    server = new ScriptedServer();
    await server.start();
    clock = new FakeClock();
    dir = tmpDir();
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
  });

  function make(): WarpStream {
    const s = new WarpStream(
      { id: 'sse1', provider: 'warp', streamId: 'st', baseUrl: server.baseUrl, transport: 'sse' },
      { clock, journalDir: dir, getKey: async () => KEY, random: () => 0.5 },
    );
    streams.push(s);
    return s;
  }

  it('sends the key in x-api-key, parses named events, resumes with Last-Event-ID and shows each event once', async () => {
    const s = make();
    const got = collect(s);
    let next = server.nextSse();
    s.connect();
    let { res, attempt } = await next;
    assert.strictEqual(attempt.headers['x-api-key'], KEY);
    assert.strictEqual(attempt.url.searchParams.get('api_key'), null, 'key not in the URL');
    res.write('retry: 2000\n\nevent: connected\ndata: {"protocol":"sse"}\n\n');
    res.write(`event: coin\nid: c1\ndata: ${JSON.stringify({ activityType: 'balance_change', address: '0x1', coin_type: '0x2::sui::SUI', amount: '-5', txDigest: 'T1', checkpoint: 7, timestamp: 1 })}\n\n`);
    res.write(`event: event\nid: c2\ndata: ${JSON.stringify(moveEvent(2))}\n\n: heartbeat\n\n`);
    await got.until(2);
    assert.strictEqual(got.events[0].type, '0x2::sui::SUI');
    next = server.nextSse();
    res.destroy();
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.ok(st.nextRetryAt! - clock.now() >= 2000, 'honours the server retry: value');
    clock.advance(st.nextRetryAt! - clock.now());
    ({ res, attempt } = await next);
    assert.strictEqual(attempt.headers['last-event-id'], 'c1', 'the last id whose group is complete');
    // the server replays after c1: c2 again
    res.write(`event: event\nid: c2\ndata: ${JSON.stringify(moveEvent(2))}\n\n`);
    res.write(`event: event\nid: c3\ndata: ${JSON.stringify(moveEvent(3))}\n\n`);
    await got.until(3);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), ['c1', 'c2', 'c3']);
    assert.strictEqual(s.duplicatesDropped, 1);
  });

  it('keeps a UTF-8 character whole when a chunk boundary splits it', async () => {
    const s = make();
    const got = collect(s);
    const next = server.nextSse();
    s.connect();
    const { res } = await next;
    const bytes = Buffer.from(`event: event\nid: u1\ndata: ${JSON.stringify({ ...moveEvent(1), type: '0x2::涼::Émoji🚀' })}\n\n`, 'utf8');
    const cut = bytes.indexOf(Buffer.from('🚀', 'utf8')) + 2;
    res.write(bytes.subarray(0, cut));
    await new Promise((r) => setImmediate(r));
    res.write(bytes.subarray(cut));
    await got.until(1);
    assert.strictEqual(got.events[0].type, '0x2::涼::Émoji🚀');
  });

  it('uses ?mode=resume for a resume connect and stops on quota_exceeded', async () => {
    const s = make();
    const next = server.nextSse();
    s.connect({ kind: 'resume' });
    const { res, attempt } = await next;
    assert.strictEqual(attempt.url.searchParams.get('mode'), 'resume');
    res.write('event: quota_exceeded\ndata: {"remaining":0,"eventCount":3}\n\n');
    res.end();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'quota_exceeded');
    clock.advance(3_600_000);
    assert.strictEqual(server.attempts.length, 1);
  });
});
