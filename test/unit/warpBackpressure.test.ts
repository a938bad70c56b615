/**
 * Backpressure on Warp WebSocket, over real loopback sockets: reading pauses while too many events wait to be
 * processed (and nothing is lost), and a server that never reads its ACKs is dropped instead of buffered forever.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { createLogger, MemorySink } from '../../src/core/logger';
import { ReadGate } from '../../src/core/warp/readGate';
import { WarpStream, type WarpStreamDeps } from '../../src/core/warp/warpStream';
import { frame, moveEvent, ScriptedServer } from './support/scriptedServer';
import { collect, waitForStatus } from './support/wait';

describe('ReadGate', () => {
  it('pauses at the bound, resumes at half of it, once each', () => {
    const calls: string[] = [];
    const g = new ReadGate(4, () => calls.push('pause'), () => calls.push('resume'));
    for (let i = 0; i < 6; i++) g.received();
    assert.deepStrictEqual(calls, ['pause']);
    assert.strictEqual(g.pending, 6);
    g.processed();
    g.processed();
    g.processed();
    assert.deepStrictEqual(calls, ['pause']);
    g.processed();
    assert.deepStrictEqual(calls, ['pause', 'resume']);
    assert.strictEqual(g.paused, false);
    assert.strictEqual(g.pauses, 1);
  });
});

describe('Warp WebSocket backpressure', () => {
  let server: ScriptedServer;
  let sink: MemorySink;
  const streams: WarpStream[] = [];

  function make(extra: Partial<WarpStreamDeps>): WarpStream {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bp-'));
    const s = new WarpStream(
      { id: 'bp1', provider: 'warp', streamId: 'st', baseUrl: server.baseUrl },
      { clock: new FakeClock(), logger: createLogger(sink), journalDir: dir, getKey: async () => 'indr_k_123456', random: () => 0.5, ...extra },
    );
    streams.push(s);
    return s;
  }

  beforeEach(async () => {
    server = new ScriptedServer();
    await server.start();
    sink = new MemorySink();
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
  });

  it('pauses reading while the pending events pass the bound, then delivers every event in order', async () => {
    const s = make({ maxPendingEvents: 8 });
    const got = collect(s);
    const next = server.nextSocket();
    s.connect();
    const { ws } = await next;
    const burst = Array.from({ length: 300 }, (_, i) => frame('event', moveEvent(i + 1), `${i + 1}_0_0`)).join('\n');
    for (const f of burst.split('\n')) ws.send(f);
    await got.until(300);
    assert.deepStrictEqual(got.events.map((e) => e.id.split('~')[0]), Array.from({ length: 300 }, (_, i) => `${i + 1}_0_0`));
    assert.ok(sink.lines.some((l) => /reading paused: \d+ events waiting/.test(l.message)), 'reading was paused');
    assert.ok(sink.lines.some((l) => /reading resumed/.test(l.message)), 'and resumed');
  });

  it('a server that does not read its ACKs is dropped with words once the unsent ACKs pass the limit', async function () {
    this.timeout(20_000);
    const s = make({ maxUnsentAckBytes: 256 * 1024 });
    const next = server.nextSocket();
    s.connect();
    const { ws } = await next;
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const longId = (i: number) => `${i}_${'x'.repeat(64 * 1024)}`;
    for (let i = 0; i < 200; i++) ws.send(frame('event', moveEvent(i + 1), longId(i)));
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.lastError ?? '', /the server is not reading its ACKs \(\d+\.\d MiB unsent\): connection dropped/);
  });
});

describe('Warp SSE backpressure', () => {
  let server: ScriptedServer;
  let sink: MemorySink;
  let stream: WarpStream | undefined;

  beforeEach(async () => {
    server = new ScriptedServer();
    await server.start();
    sink = new MemorySink();
  });

  afterEach(async () => {
    stream?.dispose();
    await server.stop();
  });

  it('pauses reading the response while the pending events pass the bound, then delivers every event in order', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bp-sse-'));
    const s = new WarpStream(
      { id: 'bp2', provider: 'warp', streamId: 'st', baseUrl: server.baseUrl, transport: 'sse' },
      { clock: new FakeClock(), logger: createLogger(sink), journalDir: dir, getKey: async () => 'indr_k_123456', random: () => 0.5, maxPendingEvents: 8 },
    );
    stream = s;
    const got = collect(s);
    const next = server.nextSse();
    s.connect();
    const { res } = await next;
    let text = '';
    for (let i = 0; i < 300; i++) text += `id: ${i + 1}_0_0\nevent: event\ndata: ${JSON.stringify(moveEvent(i + 1))}\n\n`;
    res.write(text);
    await got.until(300);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), Array.from({ length: 300 }, (_, i) => `${i + 1}_0_0`));
    assert.ok(sink.lines.some((l) => /reading paused: \d+ events waiting/.test(l.message)), 'reading was paused');
    assert.ok(sink.lines.some((l) => /reading resumed/.test(l.message)), 'and resumed');
  });
});
