/**
 * STOMP framing edge cases and session classification, over real sockets on 127.0.0.1 against the simulator's
 * endpoint (hand-built frames through `sendRaw`). Time is a FakeClock; waits are on socket events only.
 */
import * as assert from 'assert';
import * as http from 'http';
import { FakeClock } from '../../src/core/clock';
import { bytesAfterLastNul, defaultStompSocket, describeErrorFrame, StompSession } from '../../src/core/covalent/stompSession';
import type { StompClosedInfo, StompSessionOptions } from '../../src/core/covalent/stompSession';
import { CovalentServer, stompFrame } from '../../src/simulator/covalentServer';
import { until } from './support/wait';

const DEST = '/v1/1/events/address/0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48/';

describe('STOMP session', () => {
  let server: CovalentServer;
  let clock: FakeClock;
  let session: StompSession | undefined;
  let bodies: string[];
  let closed: StompClosedInfo | undefined;
  let connected: boolean;

  /** The settle callbacks of messages not settled yet (when `hold` is set, the handler keeps them instead of calling them). */
  let unsettled: Array<() => void>;
  let hold: boolean;

  function open(opts: Partial<StompSessionOptions> = {}): StompSession {
    bodies = [];
    unsettled = [];
    closed = undefined;
    connected = false;
    session = new StompSession(
      { destinations: [DEST], clock, connectHeaders: { login: 'k1', passcode: '' }, ...opts, url: opts.url ?? server.url },
      {
        onConnected: () => {
          connected = true;
        },
        onMessage: (body, _destination, _at, settle) => {
          bodies.push(body);
          if (hold) unsettled.push(settle);
          else settle();
        },
        onClosed: (info) => {
          closed = info;
        },
      },
    );
    session.open();
    return session;
  }

  async function openSubscribed(opts: Partial<StompSessionOptions> = {}): Promise<string> {
    open(opts);
    await server.whenSubscribed(DEST);
    await until(() => connected, 'onConnected');
    return server.subscriptionId(DEST)!;
  }

  beforeEach(async () => {
    hold = false;
    clock = new FakeClock();
    server = new CovalentServer({ clock, heartbeatMs: 1_000 });
    await server.start();
  });

  afterEach(async () => {
    session?.close();
    session = undefined;
    await server.stop();
  });

  it('sends CONNECT with heart-beat 10000,0 by default and the login header, then SUBSCRIBEs', async () => {
    await openSubscribed();
    assert.deepStrictEqual(server.connects, [{ login: 'k1', heartBeat: '10000,0', version: '1.2' }]);
    assert.deepStrictEqual(server.subscribes, [DEST]);
    assert.strictEqual(session!.livenessGraceMs, 0, 'no server heart-beats asked for: no liveness watchdog');
  });

  it('NUL followed by newline: several frames in one WebSocket message all arrive, in order', async () => {
    const sub = await openSubscribed();
    const f = (body: string) => stompFrame('MESSAGE', { subscription: sub, destination: DEST, 'message-id': body }, body);
    server.sendRaw(f('{"n":1}') + f('{"n":2}') + '\n\n' + f('{"n":3}'));
    await until(() => bodies.length === 3, 'three bodies');
    assert.deepStrictEqual(bodies, ['{"n":1}', '{"n":2}', '{"n":3}']);
  });

  it('repeated content-length: the first one wins (and the next frame still parses)', async () => {
    const sub = await openSubscribed();
    const body = '{"a":"x\\u0000y"}';
    const raw =
      `MESSAGE\nsubscription:${sub}\ndestination:${DEST}\nmessage-id:1\ncontent-length:${Buffer.byteLength(body)}\ncontent-length:3\n\n${body}\0\n` +
      stompFrame('MESSAGE', { subscription: sub, destination: DEST, 'message-id': '2' }, '{"b":2}');
    server.sendRaw(raw);
    await until(() => bodies.length === 2, 'two bodies');
    assert.deepStrictEqual(bodies, [body, '{"b":2}']);
  });

  it('a body with a NUL inside is read whole when content-length says so', async () => {
    const sub = await openSubscribed();
    const body = 'ab\0cd';
    server.sendRaw(`MESSAGE\nsubscription:${sub}\ndestination:${DEST}\nmessage-id:1\ncontent-length:5\n\n${body}\0\n`);
    await until(() => bodies.length === 1, 'one body');
    assert.strictEqual(bodies[0], body);
  });

  it('a frame split across WebSocket messages (even inside a UTF-8 character) is reassembled', async () => {
    const sub = await openSubscribed();
    const body = JSON.stringify({ sender_name: 'Zürich €uro 🚀 token', n: 1 });
    const bytes = Buffer.from(stompFrame('MESSAGE', { subscription: sub, destination: DEST, 'message-id': '1', 'content-length': Buffer.byteLength(body) }, body));
    const rocket = bytes.indexOf(Buffer.from('🚀'));
    const cuts = [5, 40, rocket + 2, bytes.length - 1];
    let prev = 0;
    for (const c of cuts) {
      server.sendRaw(bytes.subarray(prev, c));
      prev = c;
    }
    server.sendRaw(bytes.subarray(prev));
    await until(() => bodies.length === 1, 'reassembled body');
    assert.strictEqual(bodies[0], body);
  });

  it('a 5 MB body arrives intact', async function () {
    // stompjs parses the 5 MB byte by byte: seconds on a loaded machine (not a timing check)
    this.timeout(15_000);
    const sub = await openSubscribed();
    const data = '0x' + 'ab'.repeat(2_500_000);
    const body = JSON.stringify({ tx_hash: '0x01', log_offset: 1, raw_log_data: data });
    assert.ok(Buffer.byteLength(body) > 5_000_000);
    server.publish(DEST, body);
    void sub;
    await until(() => bodies.length === 1, '5 MB body');
    assert.strictEqual(bodies[0].length, body.length);
    assert.strictEqual(JSON.parse(bodies[0]).raw_log_data, data);
  });

  it('an ERROR frame is a refusal with the server message, and the session reports it once', async () => {
    server.refuse(DEST, 'Unknown destination');
    open();
    await until(() => closed !== undefined, 'closed');
    assert.strictEqual(closed!.kind, 'refused');
    assert.strictEqual(closed!.message, `endpoint refused the subscription: Unknown destination: Subscription to ${DEST} refused.`);
    assert.strictEqual(closed!.wasConnected, true);
  });

  it('a close right after CONNECT is a refusal, not a lost connection', async () => {
    await server.stop();
    server = new CovalentServer({ clock, closeAfterConnect: true });
    await server.start();
    open();
    await until(() => closed !== undefined, 'closed');
    assert.strictEqual(closed!.kind, 'refused');
    assert.match(closed!.message, /^endpoint refused the subscription: connection closed right after CONNECT/);
    assert.strictEqual(closed!.wasConnected, false);
  });

  it('a bare close right after SUBSCRIBE is lost and early (RabbitMQ: missing queue); later closes are not early', async () => {
    server.refuse(DEST, 'STOMP died', 'close');
    open();
    await until(() => closed !== undefined, 'closed');
    assert.strictEqual(closed!.kind, 'lost');
    assert.strictEqual(closed!.early, true);
    assert.strictEqual(closed!.message, 'connection closed right after SUBSCRIBE, before any message (code 1000: STOMP died)');
    await server.stop();
    server = new CovalentServer({ clock });
    await server.start();
    await openSubscribed({ earlyCloseWindowMs: 2_000 });
    clock.advance(2_001);
    server.dropConnections();
    await until(() => closed !== undefined, 'closed');
    assert.strictEqual(closed!.early, false, 'outside the window');
  });

  it('an HTTP 4xx on the handshake is a refusal; a refused TCP connect is a lost (retryable) connection', async () => {
    open({ url: server.url.replace('/v1/', '/v2/') });
    await until(() => closed !== undefined, 'closed');
    assert.strictEqual(closed!.kind, 'refused');
    assert.strictEqual(closed!.httpStatus, 404);
    const port = server.port;
    await server.stop();
    open({ url: `ws://127.0.0.1:${port}/v1/` });
    await until(() => closed !== undefined, 'closed');
    assert.strictEqual(closed!.kind, 'lost');
    assert.strictEqual(closed!.message, `cannot reach 127.0.0.1:${port} (connection refused): is the broker running?`);
  });

  it('server heart-beats keep the session alive; silence for 1.5x the interval ends it as dead', async () => {
    await openSubscribed({ heartbeatIncomingMs: 1_000 });
    assert.strictEqual(server.connects[0].heartBeat, '10000,1000');
    assert.strictEqual(session!.livenessGraceMs, 1_500);
    for (let i = 0; i < 5; i++) {
      clock.advance(1_000);
      const beatAt = clock.now();
      await until(() => session!.lastActivityAt === beatAt, `heart-beat ${i}`);
    }
    assert.strictEqual(closed, undefined);
    server.silence();
    const lastAt = session!.lastActivityAt!;
    clock.advance(1_499);
    assert.strictEqual(closed, undefined, 'not yet: 1,499 ms of silence');
    clock.advance(1);
    // the assertions above narrowed `closed` to undefined for the compiler; the callback has set it since
    const info = closed as StompClosedInfo | undefined;
    assert.ok(info, 'declared dead at 1,500 ms');
    assert.strictEqual(info.kind, 'heartbeat');
    assert.strictEqual(info.at - lastAt, 1_500);
    assert.match(info.message, /no heart-beat or message from the server for 1500 ms/);
  });

  it('flow control: with maxUnsettled messages unsettled the socket is paused; settling half resumes it; nothing is lost', async () => {
    let ws: ReturnType<typeof defaultStompSocket> | undefined;
    hold = true;
    await openSubscribed({ maxUnsettled: 8, createSocket: (url, protocols) => (ws = defaultStompSocket(url, protocols)) });
    const total = 40;
    for (let i = 0; i < total; i++) server.publish(DEST, JSON.stringify({ n: i }));
    await until(() => bodies.length >= 8, 'eight bodies');
    assert.ok(session!.readingPaused, 'paused at 8 unsettled');
    assert.strictEqual(ws!.isPaused, true, 'the socket itself is paused');
    // what was already read when the pause came is still handed on: settle all but 5 (more than half of 8)
    for (const settle of unsettled.splice(0, unsettled.length - 5)) settle();
    assert.strictEqual(ws!.isPaused, true, 'still paused at 5 unsettled');
    unsettled.splice(0, 1)[0]!();
    assert.strictEqual(session!.readingPaused, false, 'resumed at 4 unsettled (half)');
    assert.strictEqual(ws!.isPaused, false);
    hold = false;
    for (const settle of unsettled.splice(0)) settle();
    await until(() => bodies.length === total, 'every body');
    assert.deepStrictEqual(bodies.map((b) => (JSON.parse(b) as { n: number }).n), Array.from({ length: total }, (_, i) => i));
    assert.strictEqual(session!.readingPaused, false);
  });

  it('flow control: time spent paused is not silence (no heart-beat death); silence counts again from the resume', async () => {
    hold = true;
    await openSubscribed({ heartbeatIncomingMs: 1_000, maxUnsettled: 2 });
    server.publish(DEST, '{"n":1}');
    server.publish(DEST, '{"n":2}');
    await until(() => session!.readingPaused, 'paused');
    server.silence();
    clock.advance(10_000);
    assert.strictEqual(closed, undefined, 'paused by us for 10 s: not declared dead');
    for (const settle of unsettled.splice(0)) settle();
    assert.strictEqual(session!.readingPaused, false);
    clock.advance(1_499);
    assert.strictEqual(closed, undefined, '1,499 ms of silence after the resume');
    clock.advance(1_000);
    const info = closed as StompClosedInfo | undefined;
    assert.ok(info, 'declared dead once 1,500 ms passed after the resume');
    assert.strictEqual(info.kind, 'heartbeat');
  });

  it('no CONNECTED within the connect timeout ends the attempt as a timeout', async () => {
    // a WebSocket server that accepts the socket and never answers CONNECT
    const { WebSocketServer } = await import('ws');
    const httpServer = http.createServer();
    const wss = new WebSocketServer({ server: httpServer, handleProtocols: () => 'v12.stomp' });
    let frames = 0;
    wss.on('connection', (ws) => ws.on('message', () => frames++));
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', () => r()));
    const port = (httpServer.address() as { port: number }).port;
    try {
      open({ url: `ws://127.0.0.1:${port}/`, connectTimeoutMs: 5_000 });
      await until(() => frames === 1, 'CONNECT sent');
      clock.advance(5_000);
      assert.strictEqual(closed?.kind, 'timeout');
    } finally {
      session?.close();
      wss.close();
      httpServer.closeAllConnections();
      await new Promise<void>((r) => httpServer.close(() => r()));
    }
  });

  it('close() ends the session quietly (no onClosed) and the server sees the socket go', async () => {
    await openSubscribed();
    session!.close();
    await until(() => server.connectionCount === 0, 'server saw the close');
    assert.strictEqual(closed, undefined);
  });

  it('describes ERROR frames without leaking keys', () => {
    const text = describeErrorFrame({ headers: { message: 'bad login' }, body: 'login=secret123&x=1 rejected\nmore' });
    assert.ok(text.startsWith('bad login: '), text);
    assert.ok(!text.includes('secret123'), text);
    assert.ok(!text.includes('more'), 'only the first body line');
  });

  it('a body that never gets its NUL ends the session as lost with words once it passes maxFrameBytes', async () => {
    const sub = await openSubscribed({ maxFrameBytes: 64 * 1024 });
    server.sendRaw(`MESSAGE\nsubscription:${sub}\ndestination:${DEST}\nmessage-id:1\n\n`);
    const chunk = 'x'.repeat(16 * 1024);
    for (let i = 0; i < 5 && !closed; i++) {
      server.sendRaw(chunk);
      await until(() => closed !== undefined || session!.lastActivityAt !== undefined, 'chunk');
    }
    await until(() => closed !== undefined, 'session closed');
    assert.strictEqual(closed!.kind, 'lost');
    assert.match(closed!.message, /STOMP frame without its end \(NUL\) passed the 64 KiB|STOMP frame without its end \(NUL\) passed the 65536 bytes limit/);
    assert.deepStrictEqual(bodies, []);
  });

  it('frames that end keep the unterminated count at zero (a long healthy session is never cut)', async () => {
    const sub = await openSubscribed({ maxFrameBytes: 4 * 1024 });
    const f = (n: number) => stompFrame('MESSAGE', { subscription: sub, destination: DEST, 'message-id': String(n) }, `{"n":${n},"pad":"${'p'.repeat(1000)}"}`);
    for (let n = 0; n < 20; n++) server.sendRaw(f(n) + '\n');
    await until(() => bodies.length === 20, 'twenty bodies');
    assert.strictEqual(closed, undefined);
  });

  it('the default socket has a maxPayload: a larger WebSocket message is a lost connection with words', async () => {
    await openSubscribed({ maxFrameBytes: 2048 });
    server.sendRaw('y'.repeat(4096) + '\0');
    await until(() => closed !== undefined, 'session closed');
    assert.strictEqual(closed!.kind, 'lost');
    assert.match(closed!.message, /WebSocket message passed the 2048 bytes limit/);
  });

  it('a socket factory that throws ends the session as refused (no unhandled rejection, no silent retry)', async () => {
    const rejections: unknown[] = [];
    const onRejection = (r: unknown) => rejections.push(r);
    process.on('unhandledRejection', onRejection);
    try {
      open({
        createSocket: () => {
          throw new SyntaxError('The URL contains a fragment identifier');
        },
      });
      await until(() => clock.nextDueAt() === clock.now(), 'the factory ran');
      clock.advance(0);
      assert.strictEqual(closed!.kind, 'refused');
      assert.match(closed!.message, /could not open a WebSocket to this endpoint: The URL contains a fragment identifier/);
      await new Promise((r) => setImmediate(r));
      assert.deepStrictEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('bytesAfterLastNul counts only the unfinished frame and ignores heart-beats between frames', () => {
    assert.strictEqual(bytesAfterLastNul(Buffer.from('abc\0de'), 100), 2);
    assert.strictEqual(bytesAfterLastNul(Buffer.from('abc'), 5), 8);
    assert.strictEqual(bytesAfterLastNul(Buffer.from('\n\r\n'), 0), 0);
    assert.strictEqual(bytesAfterLastNul([Buffer.from('a\0'), Buffer.from('bcd')], 9), 3);
  });
});
