/**
 * CovalentStream (the engine + STOMP session) against the simulator's Covalent endpoint on 127.0.0.1.
 * Time is a FakeClock (backoff, liveness); waits are on real socket events.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { CovalentStream } from '../../src/core/covalent/covalentStream';
import type { CovalentStreamDeps } from '../../src/core/covalent/covalentStream';
import { createLogger, MemorySink } from '../../src/core/logger';
import type { GapInfo, StreamDefinition, StreamNotice } from '../../src/core/stream/stream';
import { CovalentServer } from '../../src/simulator/covalentServer';
import { collect, until, waitForStatus } from './support/wait';

const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';
const DEST = `/v1/1/events/address/${USDC}/`;
const KEY = 'cqt_unit_Secret987';

describe('Covalent stream (engine + STOMP) against the simulator', () => {
  let server: CovalentServer;
  let clock: FakeClock;
  let sink: MemorySink;
  let dir: string;
  const streams: CovalentStream[] = [];

  function make(def: Partial<StreamDefinition> = {}, deps: Partial<CovalentStreamDeps> = {}): { s: CovalentStream; notices: StreamNotice[] } {
    const s = new CovalentStream(
      { id: 'c1', provider: 'covalent', chainId: 1, address: USDC, baseUrl: server.url, ...def },
      { clock, logger: createLogger(sink), journalDir: dir, getKey: async () => KEY, random: () => 0.5, ...deps },
    );
    const notices: StreamNotice[] = [];
    s.onNotice((n) => notices.push(n));
    streams.push(s);
    return { s, notices };
  }

  beforeEach(async () => {
    clock = new FakeClock();
    sink = new MemorySink();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-cov-'));
    server = new CovalentServer({ clock, heartbeatMs: 1_000 });
    await server.start();
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('connects with the key as ?key= and login, subscribes, and delivers normalized logs in order, journaled', async () => {
    const { s } = make();
    const got = collect(s);
    s.connect();
    await waitForStatus(s, (st) => st.state === 'live');
    await server.whenSubscribed(DEST);
    assert.deepStrictEqual(server.connects, [{ key: KEY, login: KEY, heartBeat: '10000,10000', version: '1.2' }], 'server heart-beats are asked for by default');
    const items = server.emit(DEST, 20);
    await got.until(20);
    assert.deepStrictEqual(got.events.map((e) => e.id), items.map((i) => `${i.tx_hash}:${i.log_offset}`));
    const first = got.events[0];
    assert.strictEqual(first.provider, 'covalent');
    assert.strictEqual(first.kind, 'log');
    assert.strictEqual(first.sender, USDC);
    assert.ok(first.type === 'Transfer' || first.type === 'Approval');
    assert.strictEqual(first.checkpoint, items[0].block_height);
    await s.flush();
    const journal = await s.readJournal();
    assert.strictEqual(journal.length, 20);
    const status = s.status();
    assert.strictEqual(status.transport, 'stomp');
    assert.ok(!status.endpoint!.includes(KEY), 'endpoint is redacted');
    assert.ok(!sink.lines.some((l) => l.message.includes(KEY)), 'the key never reaches the log');
  });

  it('deduplicates by tx_hash + log_offset', async () => {
    const { s } = make();
    const got = collect(s);
    s.connect();
    await server.whenSubscribed(DEST);
    const [item] = server.generate(DEST, 1);
    const [other] = server.generate(DEST, 1);
    server.publish(DEST, JSON.stringify(item));
    server.publish(DEST, JSON.stringify({ ...item, tx_hash: item.tx_hash!.toUpperCase().replace('0X', '0x') }));
    server.publish(DEST, JSON.stringify(other));
    await got.until(2);
    await until(() => s.duplicatesDropped === 1, 'duplicate dropped');
    assert.deepStrictEqual(got.events.map((e) => e.sequence), [item.log_offset, other.log_offset]);
  });

  it('invalid JSON bodies become warnings and the stream goes on; wrapper bodies are accepted', async function () {
    // a 2.1 MB body goes through stompjs's byte-at-a-time parser: seconds on a loaded machine (not a timing check)
    this.timeout(15_000);
    const { s, notices } = make();
    const got = collect(s);
    s.connect();
    await server.whenSubscribed(DEST);
    const [a, b, c] = server.generate(DEST, 3);
    server.publish(DEST, JSON.stringify(a));
    server.publish(DEST, '{"tx_hash": "0x12", "log_offset": ');
    server.publish(DEST, JSON.stringify({ data: { items: [b, c] } }));
    await got.until(3);
    assert.deepStrictEqual(got.events.map((e) => e.id), [a, b, c].map((i) => `${i.tx_hash}:${i.log_offset}`));
    assert.ok(notices.some((n) => n.level === 'warn' && n.message.startsWith('invalid JSON in MESSAGE body (34 chars)')), JSON.stringify(notices));
    assert.strictEqual(s.status().state, 'live');
    const [big] = server.generate(DEST, 1);
    server.publish(DEST, JSON.stringify({ ...big, raw_log_data: '0x' + 'ab'.repeat(1_100_000) }));
    await got.until(4);
    assert.ok(notices.some((n) => n.message === 'large MESSAGE body (2.1 MB)'), JSON.stringify(notices.map((n) => n.message)));
  });

  it('reconnects with backoff after a drop: new socket, CONNECT, re-SUBSCRIBE, events flow again; the gap row says what was lost', async () => {
    const { s, notices } = make();
    const got = collect(s);
    const gaps: GapInfo[] = [];
    s.onGap((g) => gaps.push(g));
    s.connect();
    await server.whenSubscribed(DEST);
    await waitForStatus(s, (st) => st.state === 'live');
    server.emit(DEST, 3);
    await got.until(3);
    assert.ok(!notices.some((n) => n.message.includes('does not replay')), 'a fresh live start has no gap');
    server.dropConnections();
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    const downAt = clock.now();
    assert.strictEqual(st.nextRetryAt! - clock.now(), 500, 'first retry after base 1 s x jitter 0.5');
    clock.advance(499);
    assert.strictEqual(server.connects.length, 1);
    clock.advance(1);
    await waitForStatus(s, (x) => x.state === 'live');
    await until(() => server.subscriberCount(DEST) === 1, 're-subscribed');
    assert.deepStrictEqual(server.subscribes, [DEST, DEST]);
    assert.strictEqual(server.connects.length, 2);
    // events published before the drop carry block times long before the reconnect: none of them is a "replay"
    server.emit(DEST, 2);
    await got.until(5);
    await s.flush();
    assert.strictEqual(gaps.length, 1, 'one row, stated once, never relabelled per event');
    assert.strictEqual(gaps[0].continuity, 'not_recoverable');
    assert.strictEqual(gaps[0].missingFrom, downAt);
    assert.strictEqual(gaps[0].missingTo, gaps[0].resumedAt);
    assert.strictEqual(gaps[0].replayed, undefined, 'STOMP never replays: no replay count');
    assert.match(gaps[0].reason ?? '', /STOMP topics do not replay/);
    assert.ok(!notices.some((n) => n.message.includes('does not replay')), 'the gap row says it; no second notice');
  });

  it('a start after a restart (no gap row) says in a notice that Covalent did not replay what was sent while stopped', async () => {
    const first = make();
    first.s.connect();
    await server.whenSubscribed(DEST);
    server.emit(DEST, 1);
    await collect(first.s).until(1);
    await first.s.flush();
    first.s.dispose();
    const { s, notices } = make();
    s.connect();
    await waitForStatus(s, (x) => x.state === 'live');
    assert.ok(notices.some((n) => n.message.startsWith('Covalent does not replay')), JSON.stringify(notices.map((n) => n.message)));
  });

  it('a server that declines heart-beats is named in a notice (a silent death cannot be detected)', async () => {
    await server.stop();
    server = new CovalentServer({ clock, heartbeatMs: 0 });
    await server.start();
    const { s, notices } = make();
    s.connect();
    await waitForStatus(s, (x) => x.state === 'live');
    assert.ok(notices.some((n) => n.message === 'the endpoint sends no heart-beats: a connection that dies without closing cannot be detected'), JSON.stringify(notices.map((n) => n.message)));
    const asked = make({ id: 'c3' }, { heartbeatIncomingMs: 0 });
    asked.s.connect();
    await waitForStatus(asked.s, (x) => x.state === 'live');
    assert.ok(!asked.notices.some((n) => n.message.includes('heart-beats')), 'not asked for: nothing to say');
  });

  it('an ERROR frame stops the stream with a readable reason and never retries', async () => {
    server.refuse(DEST, 'Unknown destination');
    const { s } = make();
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'refused');
    assert.match(st.message!, /^endpoint refused the subscription: Unknown destination/);
    clock.advance(10 * 60_000);
    await new Promise((r) => setImmediate(r));
    assert.strictEqual(server.connects.length, 1, 'no reconnect storm');
    assert.strictEqual(s.status().state, 'stopped');
  });

  it('a close right after CONNECT stops the stream as refused', async () => {
    await server.stop();
    server = new CovalentServer({ clock, closeAfterConnect: true });
    await server.start();
    const { s } = make({ baseUrl: server.url });
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'refused');
    assert.match(st.message!, /connection closed right after CONNECT/);
    clock.advance(10 * 60_000);
    assert.strictEqual(server.connects.length, 1);
  });

  it('abnormal closes right after CONNECT retry with backoff, and count as a refusal the third time in a row', async () => {
    await server.stop();
    server = new CovalentServer({ clock, closeAfterConnect: 'abort' });
    await server.start();
    const { s } = make({ baseUrl: server.url });
    s.connect();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
      assert.match(st.message!, /connection closed right after CONNECT \(code 1006\)/);
      assert.strictEqual(server.connects.length, attempt);
      clock.advance(st.nextRetryAt! - clock.now());
      await waitForStatus(s, (x) => x.state !== 'reconnecting');
    }
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'refused');
    assert.strictEqual(st.message, 'endpoint refused the subscription: connection closed right after CONNECT (code 1006) (3 times in a row)');
    clock.advance(10 * 60_000);
    assert.strictEqual(server.connects.length, 3);
  });

  it('a bare close right after SUBSCRIBE (no ERROR frame, no message) retries, then counts as a refusal the third time', async () => {
    server.refuse(DEST, 'STOMP died', 'close');
    const { s } = make();
    s.connect();
    for (let attempt = 1; attempt <= 2; attempt++) {
      const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
      assert.match(st.message!, /connection closed right after SUBSCRIBE, before any message \(code 1000: STOMP died\)/);
      clock.advance(st.nextRetryAt! - clock.now());
      await waitForStatus(s, (x) => x.state !== 'reconnecting');
    }
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'refused');
    assert.match(st.message!, /^endpoint refused the subscription: connection closed right after SUBSCRIBE.*\(3 times in a row\)$/);
    assert.strictEqual(server.connects.length, 3);
  });

  it('a close after messages flowed is an ordinary drop, however often it happens', async () => {
    const { s } = make();
    const got = collect(s);
    s.connect();
    for (let round = 1; round <= 4; round++) {
      await waitForStatus(s, (x) => x.state === 'live');
      await until(() => server.subscriberCount(DEST) === 1, 'subscribed');
      server.emit(DEST, 1);
      await got.until(round);
      server.dropConnections();
      const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
      clock.advance(st.nextRetryAt! - clock.now());
    }
    await waitForStatus(s, (x) => x.state === 'live');
    assert.strictEqual(server.connects.length, 5);
  });

  it('a wrong key is refused by the endpoint (ERROR frame) and the key is not echoed', async () => {
    await server.stop();
    server = new CovalentServer({ clock, requireKey: true, keys: ['cqt_other'] });
    await server.start();
    const { s } = make({ baseUrl: server.url });
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'refused');
    assert.match(st.message!, /Invalid API key/);
    assert.ok(!JSON.stringify(s.status()).includes(KEY));
  });

  it('no saved key stops with no_key before connecting; a bad definition stops with a readable error', async () => {
    const { s } = make({}, { getKey: async () => undefined });
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'no_key');
    const bad = make({ id: 'c2', address: '0x12' }).s;
    bad.connect();
    const st2 = await waitForStatus(bad, (x) => x.state === 'stopped');
    assert.strictEqual(st2.stopReason, 'error');
    assert.match(st2.message!, /address must be 0x followed by 40 hex digits/);
    assert.strictEqual(server.connects.length, 0);
  });

  it('with server heart-beats asked for, a silent server is declared dead at 1.5x and the stream reconnects', async () => {
    const { s } = make({}, { heartbeatIncomingMs: 1_000 });
    s.connect();
    await server.whenSubscribed(DEST);
    await waitForStatus(s, (x) => x.state === 'live');
    clock.advance(1_000);
    const beat = clock.now();
    await until(() => s.status().lastActivityAt === beat, 'heart-beat seen by the engine');
    server.silence();
    clock.advance(1_499);
    assert.strictEqual(s.status().state, 'live');
    clock.advance(1);
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.message!, /no heart-beat or message from the server for 1500 ms/);
    server.silence(false);
    clock.advance(st.nextRetryAt! - clock.now());
    await waitForStatus(s, (x) => x.state === 'live');
    await until(() => server.subscribes.length === 2, 're-subscribed');
  });

  it('disconnect() closes the socket and stays stopped', async () => {
    const { s } = make();
    s.connect();
    await server.whenSubscribed(DEST);
    s.disconnect();
    await until(() => server.connectionCount === 0, 'socket closed');
    assert.strictEqual(s.status().state, 'stopped');
    assert.strictEqual(s.status().stopReason, 'user');
    clock.advance(60_000);
    assert.strictEqual(server.connects.length, 1);
  });
});
