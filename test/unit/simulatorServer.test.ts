// The local Warp server over real loopback sockets: raw `ws` clients and `http.get` + eventsource-parser.
// All server time is a FakeClock; tests wait only for socket events (promises), never for wall-clock time.
import * as assert from 'assert';
import * as http from 'http';
import { createParser } from 'eventsource-parser';
import WebSocket from 'ws';
import { FakeClock } from '../../src/core/clock';
import { DEMO_KEY, WarpServer } from '../../src/simulator/warpServer';
import type { WarpServerOptions, WarpWireEvent } from '../../src/simulator/warpServer';

interface WsMsg {
  text: string;
  binary: boolean;
  json?: { id?: string; event?: string; data?: Record<string, unknown> };
}

/** Collects anything that arrives in order; `next()` resolves with the next item. */
class Inbox<T> {
  private items: T[] = [];
  private waiters: Array<(v: T) => void> = [];
  push(v: T): void {
    const w = this.waiters.shift();
    if (w) w(v);
    else this.items.push(v);
  }
  next(): Promise<T> {
    const v = this.items.shift();
    if (v !== undefined) return Promise.resolve(v);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
  get pending(): number {
    return this.items.length;
  }
}

class WsClient {
  readonly inbox = new Inbox<WsMsg>();
  pings = 0;
  pongs = 0;
  private pongWaiters: Array<() => void> = [];
  private pingWaiters: Array<{ n: number; resolve: () => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (raw: WebSocket.RawData, binary: boolean) => {
      const text = raw.toString();
      let json: WsMsg['json'];
      if (!binary) {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
      }
      this.inbox.push({ text, binary, json });
    });
    ws.on('ping', () => {
      this.pings++;
      for (const w of this.pingWaiters.filter((p) => this.pings >= p.n)) w.resolve();
      this.pingWaiters = this.pingWaiters.filter((p) => this.pings < p.n);
    });
    ws.on('pong', () => {
      this.pongs++;
      this.pongWaiters.shift()?.();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Opens a socket; rejects with `{status, body}` when the upgrade is refused. */
  static open(url: string): Promise<WsClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false });
      ws.on('error', () => undefined);
      const client = new WsClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body, headers: res.headers })));
      });
    });
  }

  async next(): Promise<WsMsg> {
    return this.inbox.next();
  }

  /** The next data message (fails on anything else). */
  async nextEvent(): Promise<WarpWireEvent> {
    const m = await this.next();
    assert.ok(m.json && typeof m.json.id === 'string', `expected a data message, got ${m.text.slice(0, 200)}`);
    return m.json as WarpWireEvent;
  }

  async events(n: number): Promise<WarpWireEvent[]> {
    const out: WarpWireEvent[] = [];
    for (let i = 0; i < n; i++) out.push(await this.nextEvent());
    return out;
  }

  ack(id: string | number): void {
    this.ws.send(JSON.stringify({ type: 'ack', id }));
  }

  /** Round trip: everything sent before it has been processed by the server when this resolves. */
  barrier(): Promise<void> {
    return new Promise((resolve) => {
      this.pongWaiters.push(resolve);
      this.ws.ping();
    });
  }

  untilPings(n: number): Promise<void> {
    if (this.pings >= n) return Promise.resolve();
    return new Promise((resolve) => this.pingWaiters.push({ n, resolve }));
  }

  async close(): Promise<void> {
    this.ws.close(1000);
    await this.closed;
  }
}

type SseItem = { type: 'event'; event?: string; id?: string; data: string } | { type: 'comment'; text: string } | { type: 'retry'; ms: number };

class SseClient {
  readonly inbox = new Inbox<SseItem>();
  readonly ended: Promise<void>;
  private constructor(
    readonly req: http.ClientRequest,
    readonly res: http.IncomingMessage,
  ) {
    const parser = createParser({
      onEvent: (e) => this.inbox.push({ type: 'event', event: e.event, id: e.id, data: e.data }),
      onComment: (text) => this.inbox.push({ type: 'comment', text }),
      onRetry: (ms) => this.inbox.push({ type: 'retry', ms }),
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    this.ended = new Promise((resolve) => {
      res.on('end', () => resolve());
      res.on('close', () => resolve());
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const req = http.get(url, { headers }, (res) => {
        if (res.statusCode !== 200) {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode, body })));
          return;
        }
        resolve(new SseClient(req, res));
      });
      req.on('error', reject);
    });
  }

  /** The next SSE event (comments and retry skipped). */
  async nextEvent(): Promise<{ event?: string; id?: string; data: string }> {
    for (;;) {
      const item = await this.inbox.next();
      if (item.type === 'event') return item;
    }
  }

  async dataEvents(n: number): Promise<WarpWireEvent[]> {
    const out: WarpWireEvent[] = [];
    while (out.length < n) {
      const e = await this.nextEvent();
      assert.ok(e.id, `expected a data event with an id, got ${e.event}`);
      out.push({ id: e.id as string, event: e.event as string, data: JSON.parse(e.data) });
    }
    return out;
  }

  close(): void {
    this.req.destroy();
  }
}

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
  });
}

async function refused(p: Promise<unknown>): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  try {
    const c = await p;
    if (c instanceof WsClient) await c.close();
    if (c instanceof SseClient) c.close();
  } catch (err) {
    return err as { status: number; body: string; headers: http.IncomingHttpHeaders };
  }
  throw new Error('expected the connection to be refused');
}

describe('simulator: Warp server', function () {
  let clock: FakeClock;
  let server: WarpServer;
  const open: Array<WsClient | SseClient> = [];

  async function boot(opts: Partial<WarpServerOptions> = {}): Promise<void> {
    clock = new FakeClock();
    server = new WarpServer({
      clock,
      heartbeatMs: 1000,
      // these cases are about delivery, with one id per event; shared checkpoint ids have their own cases below
      ids: 'granular',
      keys: [{ key: 'indr_test_key' }],
      streams: [
        { id: 's1', type: 'event', eventType: '0x2::coin::Transfer' },
        { id: 's2', type: 'coin' },
      ],
      ...opts,
    });
    await server.start();
  }

  const wsUrl = (id: string, query = '', key = DEMO_KEY) =>
    `${server.baseUrl.replace('http', 'ws')}/v1/warp/${id}/ws?api_key=${encodeURIComponent(key)}${query}`;
  const sseUrl = (id: string, query = '') => `${server.baseUrl}/v1/warp/${id}/stream${query}`;

  async function ws(id = 's1', query = '', key = DEMO_KEY): Promise<WsClient> {
    const c = await WsClient.open(wsUrl(id, query, key));
    open.push(c);
    return c;
  }

  async function sse(id = 's1', query = '', headers: Record<string, string> = { 'x-api-key': DEMO_KEY }): Promise<SseClient> {
    const c = await SseClient.open(sseUrl(id, query), headers);
    open.push(c);
    return c;
  }

  /** Connects and checks the `connected` message. */
  async function wsConnected(id = 's1', query = '', key = DEMO_KEY): Promise<WsClient> {
    const c = await ws(id, query, key);
    const hello = await c.next();
    assert.strictEqual(hello.json?.event, 'connected', hello.text);
    return c;
  }

  async function drop(c: WsClient, id = 's1'): Promise<void> {
    await c.close();
    await server.whenDisconnected(id);
  }

  afterEach(async () => {
    for (const c of open.splice(0)) {
      if (c instanceof WsClient) c.ws.terminate();
      else c.close();
    }
    await server?.stop();
  });

  describe('routes and refusals', () => {
    beforeEach(() => boot());

    it('answers /healthz and 404s unknown paths', async () => {
      assert.strictEqual((await get(`${server.baseUrl}/healthz`)).status, 200);
      const r = await get(`${server.baseUrl}/nope`);
      assert.strictEqual(r.status, 404);
      assert.ok(JSON.parse(r.body).error);
    });

    it('401 for a missing or unknown key (WS upgrade and SSE), with a JSON error body', async () => {
      const noKey = await refused(WsClient.open(`${server.baseUrl.replace('http', 'ws')}/v1/warp/s1/ws`));
      assert.strictEqual(noKey.status, 401);
      assert.match(JSON.parse(noKey.body).error, /missing API key/);
      const bad = await refused(WsClient.open(wsUrl('s1', '', 'indr_wrong')));
      assert.strictEqual(bad.status, 401);
      assert.match(JSON.parse(bad.body).error, /invalid API key/);
      assert.strictEqual((await refused(SseClient.open(sseUrl('s1')))).status, 401);
      assert.strictEqual((await refused(SseClient.open(sseUrl('s1'), { 'x-api-key': 'indr_wrong' }))).status, 401);
      assert.strictEqual(server.stats('s1').connections, 0);
    });

    it('SSE accepts the key from x-api-key, Authorization: Bearer, or ?api_key=', async () => {
      for (const [query, headers] of [
        ['', { 'x-api-key': 'indr_test_key' }],
        ['', { authorization: 'Bearer indr_test_key' }],
        ['?api_key=indr_test_key', {}],
      ] as Array<[string, Record<string, string>]>) {
        const c = await sse('s1', query, headers);
        const hello = await c.nextEvent();
        assert.strictEqual(hello.event, 'connected');
        c.close();
        await server.whenDisconnected('s1');
      }
      assert.strictEqual(server.stats('s1').connections, 3);
    });

    it('404 for an unknown stream (WS and SSE), also for a malformed path escape', async () => {
      assert.strictEqual((await refused(WsClient.open(wsUrl('missing')))).status, 404);
      assert.strictEqual((await refused(WsClient.open(wsUrl('%E0%A4%A')))).status, 404);
      assert.strictEqual((await get(`${server.baseUrl}/v1/warp/%E0%A4%A/stream?api_key=${DEMO_KEY}`)).status, 404);
      assert.strictEqual((await refused(SseClient.open(sseUrl('missing'), { 'x-api-key': DEMO_KEY }))).status, 404);
    });

    it('409 for a second concurrent connection (WS or SSE), accepted again after the first ends', async () => {
      const first = await wsConnected('s1');
      const second = await refused(WsClient.open(wsUrl('s1')));
      assert.strictEqual(second.status, 409);
      assert.match(JSON.parse(second.body).error, /already has an active connection/);
      assert.strictEqual((await refused(SseClient.open(sseUrl('s1'), { 'x-api-key': DEMO_KEY }))).status, 409);
      // another stream is independent
      await wsConnected('s2');
      await drop(first);
      await wsConnected('s1');
      assert.strictEqual(server.stats('s1').connections, 2);
    });
  });

  describe('WebSocket delivery', () => {
    beforeEach(() => boot());

    it('sends `connected` first with the documented fields, then data envelopes {id, event, data}', async () => {
      const c = await ws('s1');
      const hello = (await c.next()).json;
      assert.strictEqual(hello?.event, 'connected');
      assert.strictEqual(hello?.id, undefined, 'control messages carry no id');
      const d = hello?.data as Record<string, unknown>;
      assert.match(String(d.connId), /^conn_/);
      assert.deepStrictEqual(
        [d.subscriptionId, d.subscriptionType, d.protocol, d.eventType, d.heartbeatIntervalMs],
        ['sub_s1', 'event', 'websocket', '0x2::coin::Transfer', 1000],
      );
      const sent = server.emit('s1', 2);
      const got = await c.events(2);
      assert.deepStrictEqual(got, sent);
      assert.deepStrictEqual(Object.keys(got[0]), ['id', 'event', 'data']);
      assert.strictEqual(got[0].event, 'event');
      assert.strictEqual((got[0].data as Record<string, unknown>).type, '0x2::coin::Transfer');
    });

    it('live connect discards the buffer; resume replays it; lastEventId replays after the id', async () => {
      const buffered = server.emit('s1', 5);
      assert.strictEqual(server.stats('s1').buffered, 5);
      // live
      let c = await wsConnected('s1');
      assert.strictEqual(server.stats('s1').buffered, 0);
      const live = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), live[0]);
      c.ack(live[0].id);
      await c.barrier();
      await drop(c);
      // resume
      const more = server.emit('s1', 3);
      c = await wsConnected('s1', '&mode=resume');
      assert.deepStrictEqual(await c.events(3), more);
      await drop(c);
      assert.strictEqual(server.stats('s1').buffered, 3, 'un-ACKed events are back in the buffer');
      // lastEventId (mode ignored)
      const again = server.emit('s1', 2);
      c = await wsConnected('s1', `&mode=live&lastEventId=${encodeURIComponent(more[1].id)}`);
      assert.deepStrictEqual(await c.events(3), [more[2], ...again]);
      const next = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), next[0], 'then live');
      assert.notDeepStrictEqual(buffered[0], live[0]);
    });

    it('an unknown lastEventId replays the whole buffer', async () => {
      const evs = server.emit('s1', 3);
      const c = await wsConnected('s1', '&lastEventId=never-issued');
      assert.deepStrictEqual(await c.events(3), evs);
    });

    it('coin ids (opaque, with :: and a signed amount) work as lastEventId', async () => {
      const evs = server.emit('s2', 4);
      assert.ok(String(evs[0].id).includes('::'), String(evs[0].id));
      const c = await wsConnected('s2', `&lastEventId=${encodeURIComponent(evs[1].id)}`);
      assert.deepStrictEqual(await c.events(2), evs.slice(2));
    });

    it('ACKed events are never redelivered; un-ACKed ones return in order before newer ones', async () => {
      let c = await wsConnected('s1');
      const evs = server.emit('s1', 4);
      await c.events(4);
      c.ack(evs[0].id);
      c.ack(evs[2].id);
      await c.barrier();
      assert.strictEqual(server.stats('s1').acked, 2);
      await drop(c);
      const newer = server.emit('s1', 1);
      assert.strictEqual(server.stats('s1').buffered, 3);
      c = await wsConnected('s1', '&mode=resume');
      assert.deepStrictEqual(await c.events(3), [evs[1], evs[3], newer[0]]);
      const st = server.stats('s1');
      assert.strictEqual(st.redelivered, 2);
      assert.strictEqual(st.sent, 7);
    });

    it('auto-ACKs after 60 s without an ACK (then no redelivery)', async () => {
      const c = await wsConnected('s1');
      const evs = server.emit('s1', 2);
      await c.events(2);
      clock.advance(30_000);
      const late = server.emit('s1', 1);
      await c.nextEvent();
      clock.advance(29_999);
      assert.strictEqual(server.stats('s1').autoAcked, 0);
      clock.advance(1);
      assert.strictEqual(server.stats('s1').autoAcked, 2);
      c.ack(evs[0].id); // too late: already settled, ignored
      c.ack(late[0].id);
      await c.barrier();
      assert.deepStrictEqual([server.stats('s1').acked, server.stats('s1').autoAcked], [1, 2]);
      await drop(c);
      assert.strictEqual(server.stats('s1').buffered, 0);
    });

    it('ignores invalid client frames and keeps streaming', async () => {
      const c = await wsConnected('s1');
      c.ws.send('not json {');
      c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
      c.ws.send(JSON.stringify({ type: 'nack', id: 'x' }));
      c.ws.send(JSON.stringify({ type: 'ack', id: 42 }));
      c.ws.send(JSON.stringify({ type: 'ack', id: 'unknown-id' }));
      c.ws.send('null');
      await c.barrier();
      const evs = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), evs[0]);
      c.ack(evs[0].id);
      await c.barrier();
      assert.strictEqual(server.stats('s1').acked, 1);
    });

    it('closes with 1009 on a client frame over 1 MiB; its un-ACKed events go back to the buffer', async () => {
      const c = await wsConnected('s1');
      const evs = server.emit('s1', 1);
      await c.nextEvent();
      c.ws.send('x'.repeat(1024 * 1024 + 1));
      assert.strictEqual((await c.closed).code, 1009);
      await server.whenDisconnected('s1');
      const r = await wsConnected('s1', '&mode=resume');
      assert.deepStrictEqual(await r.nextEvent(), evs[0]);
    });

    it('sends a ping frame every heartbeatMs', async () => {
      const c = await wsConnected('s1');
      clock.advance(999);
      const e1 = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), e1[0]);
      assert.strictEqual(c.pings, 0, 'no ping before the interval');
      clock.advance(1);
      await c.untilPings(1);
      clock.advance(1000);
      await c.untilPings(2);
      clock.advance(999);
      const e2 = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), e2[0]);
      assert.strictEqual(c.pings, 2);
    });
  });

  describe('buffering', () => {
    beforeEach(() => boot());

    it('addStream changes the rate of an existing stream but refuses to change its type', () => {
      server.addStream({ id: 's1', type: 'event', eventType: '0x2::coin::Transfer', ratePerSec: 10 });
      clock.advance(1_000);
      assert.strictEqual(server.stats('s1').buffered, 10);
      assert.throws(() => server.addStream({ id: 's1', type: 'coin' }), /only ratePerSec can change/);
      assert.throws(() => server.addStream({ id: 'bad/id', type: 'coin' }), /invalid stream id/);
      assert.throws(() => server.emit('nope'), /unknown stream "nope"/);
    });

    it('keeps at most 2,000 events, dropping the oldest', async () => {
      const evs = server.emit('s1', 2_005);
      assert.strictEqual(server.stats('s1').buffered, 2_000);
      const c = await wsConnected('s1', '&mode=resume');
      const got = await c.events(2_000);
      assert.deepStrictEqual(got[0], evs[5]);
      assert.deepStrictEqual(got[1_999], evs[2_004]);
    });

    it('deletes the buffer after 30 minutes with no connection and stops buffering until a connect', async () => {
      server.emit('s1', 3);
      clock.advance(30 * 60_000 - 1);
      assert.strictEqual(server.stats('s1').buffered, 3);
      clock.advance(1);
      assert.strictEqual(server.stats('s1').buffered, 0);
      server.emit('s1', 2);
      assert.strictEqual(server.stats('s1').buffered, 0, 'not buffering any more');
      const c = await wsConnected('s1', '&mode=resume');
      const live = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), live[0], 'nothing replayed, live flows');
      c.ack(live[0].id);
      await c.barrier();
      await drop(c);
      server.emit('s1', 1);
      assert.strictEqual(server.stats('s1').buffered, 1, 'buffering again after a connection');
    });

    it('expires buffered events older than 30 minutes (returned un-ACKed events too)', async () => {
      const c = await wsConnected('s1');
      server.emit('s1', 1);
      await c.nextEvent();
      clock.advance(40_000);
      await drop(c);
      server.emit('s1', 1);
      assert.strictEqual(server.stats('s1').buffered, 2);
      clock.advance(30 * 60_000 - 40_000);
      assert.strictEqual(server.stats('s1').buffered, 1, 'the event generated 30 min ago expired');
    });

    it('generates at ratePerSec on the injected clock, deterministically', async () => {
      server.addStream({ id: 'gen', type: 'mixed', ratePerSec: 3 });
      clock.advance(999);
      assert.strictEqual(server.stats('gen').buffered, 2);
      clock.advance(1);
      assert.strictEqual(server.stats('gen').buffered, 3);
      clock.advance(9_000);
      assert.strictEqual(server.stats('gen').buffered, 30);
      const c = await wsConnected('gen', '&mode=resume');
      const got = await c.events(30);
      // an identical server with the same seed produces the same events
      const twin = new WarpServer({ clock: new FakeClock(), ids: 'granular', streams: [{ id: 'gen', type: 'mixed' }] });
      const expected = twin.emit('gen', 30);
      assert.deepStrictEqual(
        got.map((e) => e.id),
        expected.map((e) => e.id),
      );
      await twin.stop();
    });
  });

  describe('credits and quota', () => {
    beforeEach(() => boot());

    it('charges 4 per started 5-second interval and 2 per event sent', async () => {
      server.setQuota('indr_metered', 1_000);
      const c = await wsConnected('s1', '', 'indr_metered');
      assert.deepStrictEqual(server.credits('indr_metered'), { used: 4, remaining: 996 });
      server.emit('s1', 3);
      await c.events(3);
      clock.advance(4_999);
      assert.strictEqual(server.credits('indr_metered').used, 10);
      clock.advance(1);
      assert.strictEqual(server.credits('indr_metered').used, 14);
      clock.advance(5_000);
      assert.strictEqual(server.credits('indr_metered').used, 18);
      assert.strictEqual(server.credits(DEMO_KEY).remaining, undefined);
    });

    it('quota_exceeded {remaining:0, eventCount} then close 1008 QUOTA_EXCEEDED; the unpaid event stays buffered', async () => {
      server.setQuota('indr_small', 10);
      const c = await wsConnected('s1', '', 'indr_small');
      const evs = server.emit('s1', 4);
      assert.deepStrictEqual(await c.events(3), evs.slice(0, 3));
      const q = await c.next();
      assert.deepStrictEqual(q.json, { event: 'quota_exceeded', data: { remaining: 0, eventCount: 3 } });
      assert.deepStrictEqual(await c.closed, { code: 1008, reason: 'QUOTA_EXCEEDED' });
      await server.whenDisconnected('s1');
      assert.deepStrictEqual(server.credits('indr_small'), { used: 10, remaining: 0 });
      assert.strictEqual(server.stats('s1').buffered, 4, '3 un-ACKed + 1 unpaid');
      // a connect with an exhausted quota gets connected, then the same message and close
      const again = await wsConnected('s1', '&mode=resume', 'indr_small');
      assert.deepStrictEqual((await again.next()).json, { event: 'quota_exceeded', data: { remaining: 0, eventCount: 0 } });
      assert.strictEqual((await again.closed).code, 1008);
      await server.whenDisconnected('s1');
      assert.strictEqual(server.stats('s1').buffered, 4, 'a refused connect leaves the buffer alone');
    });

    it('connection-time billing can exhaust the quota with no events', async () => {
      server.setQuota('indr_tiny', 7);
      const c = await wsConnected('s1', '', 'indr_tiny');
      clock.advance(5_000);
      assert.deepStrictEqual((await c.next()).json, { event: 'quota_exceeded', data: { remaining: 0, eventCount: 0 } });
      assert.deepStrictEqual(await c.closed, { code: 1008, reason: 'QUOTA_EXCEEDED' });
    });

    it('SSE: sends quota_exceeded then ends the response', async () => {
      server.setQuota('indr_sse', 8);
      const c = await sse('s1', '', { 'x-api-key': 'indr_sse' });
      assert.strictEqual((await c.nextEvent()).event, 'connected');
      server.emit('s1', 3);
      await c.dataEvents(2);
      const q = await c.nextEvent();
      assert.strictEqual(q.event, 'quota_exceeded');
      assert.deepStrictEqual(JSON.parse(q.data), { remaining: 0, eventCount: 2 });
      await c.ended;
    });
  });

  describe('SSE', () => {
    beforeEach(() => boot());

    it('frames retry, connected, and event/id/data blocks (parsed with eventsource-parser)', async () => {
      const c = await sse('s1');
      assert.deepStrictEqual(await c.inbox.next(), { type: 'retry', ms: 1000 });
      const hello = await c.inbox.next();
      assert.ok(hello.type === 'event' && hello.event === 'connected' && hello.id === undefined);
      assert.strictEqual(JSON.parse(hello.data).protocol, 'sse');
      const evs = server.emit('s1', 2);
      assert.deepStrictEqual(await c.dataEvents(2), evs);
      assert.strictEqual(server.stats('s1').sent, 2);
    });

    it('sends `: heartbeat` comments every heartbeatMs', async () => {
      const c = await sse('s1');
      await c.nextEvent();
      clock.advance(999);
      const e = server.emit('s1', 1);
      assert.deepStrictEqual(await c.dataEvents(1), e);
      clock.advance(1);
      assert.deepStrictEqual(await c.inbox.next(), { type: 'comment', text: 'heartbeat' });
      clock.advance(1000);
      assert.deepStrictEqual(await c.inbox.next(), { type: 'comment', text: 'heartbeat' });
    });

    it('Last-Event-ID replays recently sent events and the buffer; mode=resume replays only the buffer', async () => {
      let c = await sse('s1');
      await c.nextEvent();
      const sent = server.emit('s1', 3);
      await c.dataEvents(3);
      c.close();
      await server.whenDisconnected('s1');
      assert.strictEqual(server.stats('s1').buffered, 0, 'SSE has no ACKs: written = delivered');
      const buffered = server.emit('s1', 2);
      c = await sse('s1', '', { 'x-api-key': DEMO_KEY, 'last-event-id': String(sent[0].id) });
      await c.nextEvent();
      assert.deepStrictEqual(await c.dataEvents(4), [sent[1], sent[2], ...buffered]);
      c.close();
      await server.whenDisconnected('s1');
      const more = server.emit('s1', 1);
      c = await sse('s1', '?mode=resume');
      await c.nextEvent();
      const live = server.emit('s1', 1);
      assert.deepStrictEqual(await c.dataEvents(2), [more[0], live[0]]);
    });
  });

  describe('faults', () => {
    beforeEach(() => boot());

    it('dropAfter(n): abrupt termination after n more events; unsent and un-ACKed go back to the buffer', async () => {
      const c = await wsConnected('s1');
      server.faults.dropAfter('s1', 2);
      const evs = server.emit('s1', 3);
      assert.deepStrictEqual(await c.events(2), evs.slice(0, 2));
      assert.strictEqual((await c.closed).code, 1006, 'no close frame: abnormal closure');
      await server.whenDisconnected('s1');
      assert.strictEqual(server.stats('s1').buffered, 3);
      const r = await wsConnected('s1', '&mode=resume');
      assert.deepStrictEqual(await r.events(3), evs);
    });

    it('dropAfter(0) with nobody connected drops the next connection right after `connected`', async () => {
      server.faults.dropAfter('s1', 0);
      const c = await wsConnected('s1');
      assert.strictEqual((await c.closed).code, 1006);
      await server.whenDisconnected('s1');
      const ok = await wsConnected('s1');
      const e = server.emit('s1', 1);
      assert.deepStrictEqual(await ok.nextEvent(), e[0]);
    });

    it('dropBeforeAck: the event is sent, its ACK is never read, and it is redelivered on resume', async () => {
      const c = await wsConnected('s1');
      server.faults.dropBeforeAck('s1');
      const evs = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), evs[0]);
      c.ack(evs[0].id);
      assert.strictEqual((await c.closed).code, 1006);
      await server.whenDisconnected('s1');
      assert.strictEqual(server.stats('s1').acked, 0);
      const r = await wsConnected('s1', `&lastEventId=never`);
      assert.deepStrictEqual(await r.nextEvent(), evs[0]);
      assert.strictEqual(server.stats('s1').redelivered, 1);
    });

    it('stall: nothing at all (no events, no pings, no pongs) until it ends, then everything in order', async () => {
      const c = await wsConnected('s1');
      server.faults.stall('s1', true);
      const evs = server.emit('s1', 3);
      clock.advance(3_000);
      c.ws.ping();
      server.faults.stall('s1', false);
      assert.deepStrictEqual(await c.events(3), evs);
      assert.strictEqual(c.pings, 0, 'no heartbeat while stalled');
      assert.strictEqual(c.pongs, 0, 'no pong while stalled');
      await c.barrier();
      clock.advance(1_000);
      await c.untilPings(1);
    });

    it('stall over SSE holds events and heartbeats', async () => {
      const c = await sse('s1');
      await c.nextEvent();
      server.faults.stall('s1', true);
      const evs = server.emit('s1', 2);
      clock.advance(2_000);
      server.faults.stall('s1', false);
      const first = await c.inbox.next();
      assert.strictEqual(first.type, 'event', 'the first thing after the stall is an event, not a heartbeat');
      assert.deepStrictEqual((first as { id?: string }).id, evs[0].id);
    });

    it('sendRaw: malformed, binary and huge frames reach the client; the stream goes on', async () => {
      const c = await wsConnected('s1');
      server.faults.sendRaw('s1', '{"id": "broken"');
      server.faults.sendRaw('s1', Buffer.from([0xde, 0xad]), true);
      const huge = 'x'.repeat(2 * 1024 * 1024);
      server.faults.sendRaw('s1', huge);
      const m1 = await c.next();
      assert.deepStrictEqual([m1.text, m1.json], ['{"id": "broken"', undefined]);
      assert.strictEqual((await c.next()).binary, true);
      assert.strictEqual((await c.next()).text.length, huge.length);
      const e = server.emit('s1', 1);
      assert.deepStrictEqual(await c.nextEvent(), e[0]);
      assert.throws(() => server.faults.sendRaw('s2', 'x'), /no client connected/);
    });

    it('rejectNext: the next connect attempts get the HTTP status, then connects work', async () => {
      server.faults.rejectNext('s1', 500, 2);
      assert.strictEqual((await refused(WsClient.open(wsUrl('s1')))).status, 500);
      assert.strictEqual((await refused(SseClient.open(sseUrl('s1'), { 'x-api-key': DEMO_KEY }))).status, 500);
      server.faults.rejectNext('s1', 429);
      const r = await refused(WsClient.open(wsUrl('s1')));
      assert.deepStrictEqual([r.status, r.headers['retry-after']], [429, '1']);
      await wsConnected('s1');
      assert.strictEqual(server.stats('s1').connections, 1);
    });
  });

  it('binds 127.0.0.1 by default and stop() closes clients and the listener', async () => {
    await boot();
    assert.match(server.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    const c = await wsConnected('s1');
    const s = await sse('s2');
    await s.nextEvent();
    const port = server.port;
    await server.stop();
    assert.strictEqual((await c.closed).code, 1006);
    await s.ended;
    await assert.rejects(get(`http://127.0.0.1:${port}/healthz`), /ECONNREFUSED/);
    server = new WarpServer({ clock }); // afterEach stops this one (never started)
  });
});
