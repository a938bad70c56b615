/**
 * The Covalent client against a real RabbitMQ with Web-STOMP on 127.0.0.1 (started by test/suites/20-stomp.js via
 * test/setup/rabbitmq.sh). The client is the production one; only the destination function (RabbitMQ's
 * `/topic/<percent-encoded path>`) and the CONNECT credentials (guest/guest) differ from Covalent's.
 * Real time here (a real broker), but no sleeps: every wait is on a client event, a socket, or the broker's API.
 *
 * Env: CW_RABBITMQ_WS (default ws://127.0.0.1:15674/ws), CW_RABBITMQ_API (default http://127.0.0.1:15672/api),
 * CW_RABBITMQ_PID: the broker's OS pid, set only when the suite started it; the freeze/restart tests need it.
 */
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as http from 'http';
import { Client } from '@stomp/stompjs';
import WebSocket from 'ws';
import { covalentDestination, rabbitMqDestination } from '../../src/core/covalent/covalentDestination';
import type { CovalentLogItem } from '../../src/core/covalent/covalentEvent';
import { CovalentStream } from '../../src/core/covalent/covalentStream';
import type { CovalentStreamDeps } from '../../src/core/covalent/covalentStream';
import type { StreamDefinition, StreamHandle, StreamStatus } from '../../src/core/stream/stream';
import { CovalentLogGenerator, EVENT_TOPICS } from '../../src/simulator/covalentServer';
import { systemClock } from '../../src/core/clock';
import { collect } from '../unit/support/wait';
import { TcpProxy } from '../evm-node/support/tcpProxy';
import type { GapInfo } from '../../src/core/stream/stream';
import * as fs from 'fs';
import * as os from 'os';
import * as nodePath from 'path';

const WS_URL = process.env.CW_RABBITMQ_WS ?? 'ws://127.0.0.1:15674/ws';
const API = process.env.CW_RABBITMQ_API ?? 'http://127.0.0.1:15672/api';
const BROKER_PID = process.env.CW_RABBITMQ_PID ? Number(process.env.CW_RABBITMQ_PID) : undefined;
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';
const HEARTBEAT_MS = 1_000;

/** GET a management API path as guest; resolves with the parsed JSON. */
function api(pathname: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${API}${pathname}`, { auth: 'guest:guest' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`${pathname}: HTTP ${res.statusCode} ${body.slice(0, 200)}`));
        else resolve(JSON.parse(body));
      });
    });
    req.on('error', reject);
  });
}

/** DELETE a management API path as guest (cleanup); resolves whatever the answer. */
function apiDelete(pathname: string): Promise<void> {
  return new Promise((resolve) => {
    const req = http.request(`${API}${pathname}`, { method: 'DELETE', auth: 'guest:guest' }, (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', () => resolve());
    req.end();
  });
}

/** Resolves once amq.topic has no binding with `routingKey` left (the dropped subscriber's queue is gone). */
async function whenUnbound(routingKey: string, maxPolls = 400): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    const bindings = (await api('/exchanges/%2F/amq.topic/bindings/source')) as Array<{ routing_key: string }>;
    if (!bindings.some((b) => b.routing_key === routingKey)) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`binding for ${routingKey} still there`);
}

/** Resolves with queue `name` as the management API shows it, once it is declared. */
async function whenDeclared(name: string, maxPolls = 400): Promise<{ durable: boolean; auto_delete: boolean }> {
  for (let i = 0; i < maxPolls; i++) {
    try {
      return (await api(`/queues/%2F/${encodeURIComponent(name)}`)) as { durable: boolean; auto_delete: boolean };
    } catch {
      // not declared yet
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`queue ${name} not declared`);
}

/** Resolves once amq.topic has `count` bindings with `routingKey` (each poll awaits the broker's answer). */
async function whenBound(routingKey: string, count = 1, maxPolls = 400): Promise<void> {
  for (let i = 0; i < maxPolls; i++) {
    try {
      const bindings = (await api('/exchanges/%2F/amq.topic/bindings/source')) as Array<{ routing_key: string }>;
      if (bindings.filter((b) => b.routing_key === routingKey).length >= count) return;
    } catch {
      // the management listener is still starting after a restart: ask again
    }
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`no binding for ${routingKey}`);
}

/**
 * A plain stompjs publisher (guest), connected; `send` publishes to amq.topic with the Covalent path as routing key,
 * `sendTo` to any destination (a queue).
 */
async function publisher(): Promise<{ send(path: string, items: CovalentLogItem[]): void; sendTo(destination: string, items: CovalentLogItem[]): void; close(): Promise<void> }> {
  const client = new Client({
    webSocketFactory: () => new WebSocket(WS_URL, ['v12.stomp', 'v11.stomp', 'v10.stomp'], { perMessageDeflate: false }) as never,
    connectHeaders: { login: 'guest', passcode: 'guest' },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 0,
    reconnectDelay: 0,
    debug: () => undefined,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => resolve();
    client.onStompError = (f) => reject(new Error(f.headers.message));
    client.onWebSocketClose = () => reject(new Error('publisher socket closed'));
    client.activate();
  });
  return {
    send(path, items) {
      for (const item of items) client.publish({ destination: `/topic/${encodeURIComponent(path)}`, body: JSON.stringify(item), headers: { 'content-type': 'application/json' } });
    },
    sendTo(destination, items) {
      for (const item of items) client.publish({ destination, body: JSON.stringify(item), headers: { 'content-type': 'application/json', persistent: 'true' } });
    },
    close: () => client.deactivate(),
  };
}

function waitForStatus(h: StreamHandle, pred: (s: StreamStatus) => boolean): Promise<{ status: StreamStatus; at: number }> {
  const now = h.status();
  if (pred(now)) return Promise.resolve({ status: now, at: Date.now() });
  return new Promise((resolve) => {
    const d = h.onStatus((s) => {
      if (pred(s)) {
        d.dispose();
        resolve({ status: s, at: Date.now() });
      }
    });
  });
}

const ids = (items: CovalentLogItem[]) => items.map((i) => `${i.tx_hash}:${i.log_offset}`);

describe('Covalent client against a real RabbitMQ (Web-STOMP)', function () {
  this.timeout(60_000);
  const gen = new CovalentLogGenerator(42, systemClock);
  const streams: CovalentStream[] = [];
  let pub: Awaited<ReturnType<typeof publisher>>;
  let seq = 0;

  function make(def: Partial<StreamDefinition>, deps: Partial<CovalentStreamDeps> = {}): CovalentStream {
    const s = new CovalentStream(
      { id: `rmq${++seq}`, provider: 'covalent', chainId: 1, baseUrl: WS_URL, ...def },
      {
        getKey: async () => 'guest',
        connectHeaders: () => ({ login: 'guest', passcode: 'guest' }),
        destination: rabbitMqDestination,
        backoff: { baseMs: 200, maxMs: 1_000 },
        ...deps,
      },
    );
    streams.push(s);
    return s;
  }

  /** A stream for `def` (chain 1 unless given), connected and live, with the broker's binding for it in place. */
  async function subscribed(def: Partial<StreamDefinition>, deps: Partial<CovalentStreamDeps> = {}) {
    const path = covalentDestination({ id: 'x', provider: 'covalent', chainId: 1, ...def });
    const s = make(def, deps);
    const got = collect(s);
    s.connect();
    await waitForStatus(s, (x) => x.state === 'live');
    await whenBound(path);
    return { s, got, path };
  }

  before(async () => {
    pub = await publisher();
  });
  after(async () => {
    await pub?.close();
  });
  afterEach(() => {
    for (const s of streams.splice(0)) s.dispose();
    if (BROKER_PID) {
      try {
        process.kill(BROKER_PID, 'SIGCONT');
      } catch {
        // not stopped, or gone
      }
    }
  });

  it('subscribes by address and receives published logs in order', async () => {
    const def = { address: USDC };
    const { got, path } = await subscribed(def);
    const items = Array.from({ length: 50 }, () => gen.next(1, 'address', USDC));
    pub.send(path, items);
    await got.until(50);
    assert.deepStrictEqual(got.events.map((e) => e.id), ids(items));
    assert.ok(got.events.every((e) => e.sender === USDC && e.provider === 'covalent'));
  });

  it('subscribes by topic and receives only that topic', async () => {
    const def = { chainId: 8453, topic: EVENT_TOPICS.Swap };
    const { got, path } = await subscribed(def);
    const other = gen.next(8453, 'topics', EVENT_TOPICS.Sync);
    const swaps = Array.from({ length: 5 }, () => gen.next(8453, 'topics', EVENT_TOPICS.Swap));
    pub.send(covalentDestination({ id: 'y', provider: 'covalent', chainId: 8453, topic: EVENT_TOPICS.Sync }), [other]);
    pub.send(path, swaps);
    await got.until(5);
    assert.deepStrictEqual(got.events.map((e) => e.id), ids(swaps));
    assert.ok(got.events.every((e) => e.type === 'Swap'));
  });

  it('a refused destination (a raw Covalent path: "Unknown destination") becomes a readable stopped state', async () => {
    const s = make({ address: USDC }, { destination: covalentDestination });
    s.connect();
    const { status } = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(status.stopReason, 'refused');
    assert.match(status.message!, /^endpoint refused the subscription: Unknown destination/);
  });

  it('a missing queue (RabbitMQ closes with no ERROR frame) becomes a readable stopped state after 3 tries, not a storm', async () => {
    const s = make({ address: USDC }, { destination: () => '/amq/queue/cw-missing-queue' });
    s.connect();
    const { status } = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(status.stopReason, 'refused');
    assert.match(status.message!, /^endpoint refused the subscription: connection closed right after SUBSCRIBE, before any message \(code 1000.*\(3 times in a row\)$/);
  });

  it('wrong credentials are refused, not retried', async () => {
    const s = make({ address: USDC }, { connectHeaders: () => ({ login: 'guest', passcode: 'wrong' }) });
    s.connect();
    const { status } = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(status.stopReason, 'refused');
    assert.match(status.message!, /^endpoint refused the subscription: /);
    assert.ok(!status.message!.includes('wrong'), 'passcode not echoed');
  });

  it('a frozen broker (SIGSTOP) is declared dead within 2x the heart-beat; after SIGCONT the client reconnects and receives', async function () {
    if (!BROKER_PID) this.skip();
    const def = { address: PAIR };
    const { s, got, path } = await subscribed(def, { heartbeatIncomingMs: HEARTBEAT_MS, connectTimeoutMs: 5_000 });
    process.kill(BROKER_PID!, 'SIGSTOP');
    let dead: { status: StreamStatus; at: number };
    try {
      dead = await waitForStatus(s, (x) => x.state === 'reconnecting');
    } finally {
      process.kill(BROKER_PID!, 'SIGCONT');
    }
    const silentMs = Number(/for (\d+) ms/.exec(dead.status.message ?? '')?.[1]);
    assert.match(dead.status.message!, /no heart-beat or message from the server/);
    console.log(`      frozen broker declared dead after ${silentMs} ms of silence (heart-beat ${HEARTBEAT_MS} ms)`);
    assert.ok(silentMs <= 2 * HEARTBEAT_MS, `detected after ${silentMs} ms of silence (client's own clock)`);
    assert.ok(dead.at - dead.status.lastActivityAt! <= 2 * HEARTBEAT_MS + 100, `state changed ${dead.at - dead.status.lastActivityAt!} ms after the last activity`);
    await waitForStatus(s, (x) => x.state === 'live');
    await whenBound(path, 1);
    const items = Array.from({ length: 10 }, () => gen.next(1, 'address', PAIR));
    pub.send(path, items);
    await got.until(10);
    assert.deepStrictEqual(got.events.map((e) => e.id).slice(-10), ids(items));
  });

  it('a broker restart: the client sees the drop, reconnects with backoff, re-subscribes and receives again', async function () {
    if (!BROKER_PID) this.skip();
    const def = { topic: EVENT_TOPICS.Transfer };
    const { s, got, path } = await subscribed(def);
    const down = waitForStatus(s, (x) => x.state === 'reconnecting');
    await pub.close();
    execFileSync('rabbitmqctl', ['stop_app'], { stdio: 'ignore' });
    try {
      await down;
    } finally {
      execFileSync('rabbitmqctl', ['start_app'], { stdio: 'ignore' });
    }
    await waitForStatus(s, (x) => x.state === 'live');
    await whenBound(path);
    pub = await publisher();
    const items = Array.from({ length: 10 }, () => gen.next(1, 'topics', EVENT_TOPICS.Transfer));
    pub.send(path, items);
    await got.until(10);
    assert.deepStrictEqual(got.events.map((e) => e.id), ids(items));
    assert.ok(s.status().attempt >= 1, 'reconnected after at least one failed attempt');
  });
  it('asks for server heart-beats by default: a frozen broker is declared dead without any tuning', async function () {
    if (!BROKER_PID) this.skip();
    const def = { address: '0x' + '5d'.repeat(20) };
    const { s, path } = await subscribed(def, { connectTimeoutMs: 5_000 });
    process.kill(BROKER_PID!, 'SIGSTOP');
    let dead: { status: StreamStatus; at: number };
    try {
      dead = await waitForStatus(s, (x) => x.state === 'reconnecting');
    } finally {
      process.kill(BROKER_PID!, 'SIGCONT');
    }
    const silentMs = Number(/for (\d+) ms/.exec(dead.status.message ?? '')?.[1]);
    console.log(`      default heart-beat: frozen broker declared dead after ${silentMs} ms of silence`);
    assert.match(dead.status.message!, /no heart-beat or message from the server/);
    assert.ok(silentMs >= 10_000 && silentMs <= 16_000, `dead after ${silentMs} ms: 1.5x the 10 s asked for`);
    await waitForStatus(s, (x) => x.state === 'live');
    await whenBound(path, 1);
  });

  describe('through a cutting proxy', () => {
    let proxy: TcpProxy;
    let proxyUrl: string;
    before(async () => {
      proxy = new TcpProxy(Number(new URL(WS_URL).port));
      const port = await proxy.start();
      const u = new URL(WS_URL);
      u.port = String(port);
      proxyUrl = u.toString();
    });
    after(async () => {
      await proxy?.stop();
    });

    it('a topic reconnect: the gap row says what was sent while down is lost, with the window, once, and counts no replay', async () => {
      const def = { topic: EVENT_TOPICS.Approval, baseUrl: proxyUrl };
      const { s, got, path } = await subscribed(def);
      const gaps: GapInfo[] = [];
      s.onGap((g) => void gaps.push(g));
      const before = Array.from({ length: 20 }, () => gen.next(1, 'topics', EVENT_TOPICS.Approval));
      pub.send(path, before);
      await got.until(20);
      proxy.killAll();
      await waitForStatus(s, (x) => x.state === 'reconnecting');
      await whenUnbound(path);
      const lost = Array.from({ length: 10 }, () => gen.next(1, 'topics', EVENT_TOPICS.Approval));
      pub.send(path, lost);
      await waitForStatus(s, (x) => x.state === 'live');
      await whenBound(path);
      const after = Array.from({ length: 10 }, () => gen.next(1, 'topics', EVENT_TOPICS.Approval));
      pub.send(path, after);
      await got.until(30);
      await s.flush();
      assert.deepStrictEqual(got.events.map((e) => e.id), ids([...before, ...after]), 'what was sent with no subscription is gone');
      assert.strictEqual(gaps.length, 1, `stated once (${gaps.length} updates)`);
      const [gap] = gaps;
      assert.strictEqual(gap.continuity, 'not_recoverable');
      assert.strictEqual(gap.replayed, undefined);
      assert.ok(gap.missingFrom! <= gap.missingTo! && gap.missingTo === gap.resumedAt && gap.missingFrom === gap.downAt);
      assert.match(gap.reason!, /STOMP topics do not replay/);
    });

    it('a durable queue: what was in flight at each cut and what was published while down arrive after the reconnect, each once, ACKed after the journal write', async () => {
      const queue = `cw-durable-${process.pid}-${Date.now()}`;
      const destination = `/queue/${queue}`;
      const dir = fs.mkdtempSync(nodePath.join(os.tmpdir(), 'cw-rmq-queue-'));
      try {
        const s = make({ address: PAIR, baseUrl: proxyUrl, destination }, { journalDir: dir });
        const got = collect(s);
        const gaps: GapInfo[] = [];
        s.onGap((g) => void gaps.push(g));
        s.connect();
        await waitForStatus(s, (x) => x.state === 'live');
        const declared = await whenDeclared(queue);
        assert.deepStrictEqual([declared.durable, declared.auto_delete], [true, false], 'RabbitMQ keeps a /queue/ destination across disconnects');
        const chunks = 10;
        const perChunk = 300;
        const all: CovalentLogItem[] = [];
        let cuts = 0;
        for (let c = 0; c < chunks; c++) {
          const items = Array.from({ length: perChunk }, () => gen.next(1, 'address', PAIR));
          all.push(...items);
          if (c === 2 || c === 5 || c === 8) {
            // cut a live connection while messages are on the wire, then publish the next chunk while it is down
            await waitForStatus(s, (x) => x.state === 'live');
            const shown = got.events.length;
            pub.sendTo(destination, items);
            await got.until(shown + 1);
            if (proxy.killAll() > 0) cuts++;
            await waitForStatus(s, (x) => x.state === 'reconnecting');
          } else {
            pub.sendTo(destination, items);
          }
        }
        await got.until(all.length);
        await s.flush();
        const seen = got.events.map((e) => e.id);
        assert.strictEqual(new Set(seen).size, seen.length, 'no event shown twice');
        assert.deepStrictEqual([...seen].sort(), ids(all).sort(), 'every message published arrived, the ones sent while down too');
        const journal = (await s.readJournal()).map((e) => e.id);
        assert.deepStrictEqual([...new Set(journal)].sort(), ids(all).sort(), 'every message is on disk');
        assert.strictEqual(cuts, 3);
        assert.ok(gaps.length >= cuts && gaps.every((g) => g.continuity === 'unverified' && g.replayed === undefined));
        console.log(`      queue: ${all.length} messages, ${cuts} cuts, ${s.duplicatesDropped} redelivered duplicates dropped, ${seen.length} shown`);
      } finally {
        await apiDelete(`/queues/%2F/${encodeURIComponent(queue)}`);
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
