/**
 * Frame and buffer limits against a hostile server, over real loopback sockets: an oversized Warp WebSocket frame
 * and an SSE line that never ends are connection errors in words, and the stream reconnects and keeps working.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { frameTooLargeMessage, MAX_FRAME_BYTES } from '../../src/core/frameLimits';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { createSseReader } from '../../src/core/warp/sseReader';
import { WarpStream } from '../../src/core/warp/warpStream';
import { frame, moveEvent, ScriptedServer } from './support/scriptedServer';
import { collect, waitForStatus } from './support/wait';

const KEY = 'indr_test_Secret123';

describe('frame limits', () => {
  let server: ScriptedServer;
  let clock: FakeClock;
  let dir: string;
  const streams: WarpStream[] = [];

  function make(def: Partial<StreamDefinition> = {}): WarpStream {
    const s = new WarpStream(
      { id: 'lim1', provider: 'warp', streamId: 'st', baseUrl: server.baseUrl, ...def },
      { clock, journalDir: dir, getKey: async () => KEY, random: () => 0.5, maxFrameBytes: 64 * 1024 },
    );
    streams.push(s);
    return s;
  }

  beforeEach(async () => {
    server = new ScriptedServer();
    await server.start();
    clock = new FakeClock();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-limits-'));
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
  });

  it('the default limit is 16 MiB and the words say what passed it', () => {
    assert.strictEqual(MAX_FRAME_BYTES, 16 * 1024 * 1024);
    assert.strictEqual(frameTooLargeMessage('a WebSocket frame'), 'a WebSocket frame passed the 16 MiB limit (connection dropped)');
  });

  it('Warp WebSocket: a frame over the limit drops the connection with words; the stream reconnects and goes on', async () => {
    const s = make();
    const got = collect(s);
    let next = server.nextSocket();
    s.connect();
    let { ws } = await next;
    ws.send(frame('connected', { connId: 'c1', protocol: 'websocket' }));
    ws.send(frame('event', moveEvent(1), '1_0_0'));
    await got.until(1);
    next = server.nextSocket();
    ws.send(frame('event', { ...moveEvent(2), pad: 'x'.repeat(100 * 1024) }, '2_0_0'));
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.strictEqual(st.lastError, 'a WebSocket frame passed the 65536 bytes limit (connection dropped)');
    clock.advance(st.nextRetryAt! - clock.now());
    ({ ws } = await next);
    ws.send(frame('event', moveEvent(3), '3_0_0'));
    await got.until(2);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), ['1_0_0', '3_0_0']);
  });

  it('Warp SSE: a line that never ends drops the connection with words; the stream reconnects', async () => {
    const s = make({ transport: 'sse' });
    const got = collect(s);
    let next = server.nextSse();
    s.connect();
    let { res } = await next;
    res.write('event: connected\ndata: {}\n\n');
    next = server.nextSse();
    const chunk = 'data: ' + 'y'.repeat(16 * 1024);
    for (let i = 0; i < 8; i++) res.write(i === 0 ? chunk : 'y'.repeat(16 * 1024));
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.strictEqual(st.lastError, 'an SSE line or event without its end passed the 65536 bytes limit (connection dropped)');
    clock.advance(st.nextRetryAt! - clock.now());
    ({ res } = await next);
    res.write(`event: event\nid: e5\ndata: ${JSON.stringify(moveEvent(5))}\n\n`);
    await got.until(1);
    assert.deepStrictEqual(got.events.map((e) => e.messageId), ['e5']);
  });

  it('SSE reader: overflow is reported once, later chunks are ignored, reset starts over', () => {
    const overflows: number[] = [];
    const data: string[] = [];
    const r = createSseReader({ onMessage: (m) => data.push(m.data), onOverflow: (n) => overflows.push(n) }, '', 100);
    r.feed('data: ' + 'z'.repeat(200));
    r.feed('more\n\n');
    assert.deepStrictEqual(overflows, [100]);
    assert.deepStrictEqual(data, []);
    r.reset();
    r.feed('data: ok\n\n');
    assert.deepStrictEqual(data, ['ok']);
  });
});
