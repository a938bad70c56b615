/**
 * GoldRushStream (engine + shared graphql-ws socket) against the simulator's GoldRush endpoint on 127.0.0.1.
 * Time is a FakeClock (backoff, liveness, credits); waits are on real socket events.
 */
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { GoldRushStream, type GoldRushStreamDeps } from '../../src/core/goldrush/goldrushStream';
import { GoldRushSocketPool } from '../../src/core/goldrush/goldrushSocket';
import type { GoldRushWalletLogPayload } from '../../src/core/goldrush/goldrushEvent';
import { createLogger, MemorySink } from '../../src/core/logger';
import type { GapInfo, StreamDefinition, StreamNotice } from '../../src/core/stream/stream';
import { GoldRushServer, GOLDRUSH_DEMO, type GoldRushServerOptions } from '../../src/simulator/goldrushServer';
import { gapLabel, gapTooltip } from '../../src/feed/rowFormat';
import { collect, until, waitForStatus } from './support/wait';

const KEY = 'cqt_unit_GoldSecret42';
const WALLET = GOLDRUSH_DEMO.wallets[0] as string;

describe('GoldRush stream (engine + graphql-ws) against the simulator', () => {
  let server: GoldRushServer;
  let clock: FakeClock;
  let sink: MemorySink;
  let dir: string;
  let pool: GoldRushSocketPool;
  const streams: GoldRushStream[] = [];

  async function startServer(opts: GoldRushServerOptions = {}): Promise<void> {
    server = new GoldRushServer({ clock, keys: [KEY], ...opts });
    await server.start();
  }

  function make(def: Partial<StreamDefinition> = {}, deps: Partial<GoldRushStreamDeps> = {}): { s: GoldRushStream; notices: StreamNotice[] } {
    const s = new GoldRushStream(
      { id: `g${streams.length + 1}`, provider: 'goldrush', subscription: 'walletTxs', chainName: 'BASE_MAINNET', address: WALLET, baseUrl: server.url, ...def },
      { clock, logger: createLogger(sink), journalDir: dir, getKey: async () => KEY, random: () => 0.5, pool, keepAliveMs: 5_000, ...deps },
    );
    const notices: StreamNotice[] = [];
    s.onNotice((n) => notices.push(n));
    streams.push(s);
    return { s, notices };
  }

  async function live(s: GoldRushStream): Promise<void> {
    s.connect();
    await waitForStatus(s, (st) => st.state === 'live');
  }

  beforeEach(async () => {
    clock = new FakeClock();
    sink = new MemorySink();
    pool = new GoldRushSocketPool();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-gold-'));
    await startServer();
  });

  afterEach(async () => {
    for (const s of streams.splice(0)) s.dispose();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('subscribes walletTxs and delivers one event per log with the decoded transaction, ids tx_hash:log_offset', async () => {
    const { s } = make();
    const got = collect(s);
    const subscribed = server.whenSubscribed(1);
    await live(s);
    // live at connection_ack; the subscribe (which the protocol does not acknowledge) lands just after
    await subscribed;
    assert.strictEqual(server.activeSubscriptions, 1);
    for (let i = 0; i < 5; i++) server.emitRound();
    await until(() => got.events.length >= 5, 'events');
    const ev = got.events[0]!;
    assert.strictEqual(ev.provider, 'goldrush');
    assert.strictEqual(ev.kind, 'walletTx');
    const p = ev.payload as GoldRushWalletLogPayload;
    assert.ok(p.log, 'the log is in the payload');
    assert.strictEqual(ev.id, `${String(p.tx.tx_hash).toLowerCase()}:${String(p.log.log_offset)}`);
    assert.strictEqual(ev.digest, p.tx.tx_hash);
    assert.ok(['TRANSFER', 'SWAP', 'APPROVE'].includes(String(ev.type)));
    assert.ok(p.tx.decoded_details && typeof p.tx.decoded_details === 'object', 'decoded details travel with each log');
    assert.strictEqual(new Set(got.events.map((e) => e.id)).size, got.events.length, 'ids are unique');
    await s.flush();
    const journal = await s.readJournal();
    assert.ok(journal.length >= 5);
    assert.ok(!sink.lines.some((l) => l.message.includes(KEY)), 'the key never reaches a log line');
  });

  it('shares one socket between the subscriptions of one key, and opens another for another key', async () => {
    await server.stop();
    await startServer({ keys: [KEY, 'cqt_other_key_77'] });
    const a = make().s;
    const b = make({ subscription: 'newPairs', address: undefined }).s;
    const c = make({}, { getKey: async () => 'cqt_other_key_77' }).s;
    await Promise.all([live(a), live(b), live(c)]);
    await until(() => server.activeSubscriptions === 3, 'three subscriptions');
    assert.strictEqual(server.connectionCount, 2, 'two sockets: one per key');
    assert.strictEqual(pool.size, 2);
  });

  it('stops with invalid_key when the key is refused after connection_ack (error message)', async () => {
    const { s, notices } = make({}, { getKey: async () => 'cqt_wrong_key_1' });
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'invalid_key');
    assert.match(st.message ?? '', /GoldRush rejected the API key/);
    assert.strictEqual(server.connectionCount, 1, 'the socket was acknowledged before the refusal');
    assert.ok(notices.some((n) => n.level === 'error'));
    clock.advance(120_000);
    assert.strictEqual(s.status().state, 'stopped', 'never retries on its own');
  });

  it('stops with invalid_key when the server acks and then closes 4401, or refuses at connection_init (4403)', async () => {
    await server.stop();
    await startServer({ authMode: 'closeAfterAck' });
    const a = make({}, { getKey: async () => 'cqt_wrong_key_2' }).s;
    a.connect();
    const sa = await waitForStatus(a, (x) => x.state === 'stopped');
    assert.strictEqual(sa.stopReason, 'invalid_key');
    assert.match(sa.message ?? '', /4401/);
    await server.stop();
    await startServer({ authMode: 'onConnect' });
    const b = make({}, { getKey: async () => 'cqt_wrong_key_3' }).s;
    b.connect();
    const sb = await waitForStatus(b, (x) => x.state === 'stopped');
    assert.strictEqual(sb.stopReason, 'invalid_key');
    assert.match(sb.message ?? '', /4403/);
  });

  it('an endpoint that refuses the connection is told in the shared words (cannot reach host: is the server running?)', async () => {
    const url = server.url;
    await server.stop();
    const { s } = make({ baseUrl: url });
    s.connect();
    const st = await waitForStatus(s, (x) => /cannot reach/.test(x.lastError ?? ''));
    const host = new URL(url).host;
    assert.strictEqual(st.lastError, `cannot reach ${host} (connection refused): is the server running?`);
    assert.ok(!(st.lastError ?? '').includes(KEY));
  });

  it('after a server kill, re-subscribes every subscription, drops the overlap as duplicates and names the missed window', async () => {
    await server.stop();
    await startServer({ overlapOnSubscribe: 3 });
    const { s: a } = make();
    const gaps: GapInfo[] = [];
    a.onGap((g) => gaps.push(g));
    const { s: b } = make({ address: GOLDRUSH_DEMO.wallets[1] });
    const ga = collect(a);
    const gb = collect(b);
    await Promise.all([live(a), live(b)]);
    await until(() => server.activeSubscriptions === 2, 'two subscriptions');
    for (let i = 0; i < 4; i++) server.emitRound();
    await until(() => ga.events.length >= 4 && gb.events.length >= 4, 'first events');
    const before = new Set([...ga.events, ...gb.events].map((e) => e.id));
    await server.stop();
    await waitForStatus(a, (x) => x.state === 'reconnecting');
    await waitForStatus(b, (x) => x.state === 'reconnecting');
    await server.start();
    clock.advance(12_000);
    await waitForStatus(a, (x) => x.state === 'live');
    await waitForStatus(b, (x) => x.state === 'live');
    await until(() => server.activeSubscriptions === 2, 'both re-subscribed');
    assert.strictEqual(server.connectionCount, 2, 'one new shared socket after the restart');
    await until(() => a.duplicatesDropped > 0 && b.duplicatesDropped > 0, 'overlap dropped');
    const had = ga.events.length;
    server.emitRound();
    await until(() => ga.events.length > had, 'new events after the restart');
    assert.ok(ga.events.slice(had).every((e) => !before.has(e.id)));
    const all = [...ga.events, ...gb.events].map((e) => e.id);
    assert.strictEqual(new Set(all).size, all.length, 'no event delivered twice across the boundary');
    const gap = gaps[gaps.length - 1];
    assert.ok(gap, 'a gap was reported');
    assert.strictEqual(gap.continuity, 'not_recoverable');
    assert.strictEqual(gap.resumedFrom, undefined, 'no cursor: nothing is claimed as a resume point');
    assert.strictEqual(gap.missingTo! - gap.missingFrom!, 12_000, 'the window is the time down');
    assert.match(gap.reason ?? '', /^down 12 s: events in that window are not recoverable from GoldRush/);
    assert.strictEqual(a.status().mode, 'live', 'no cursor is claimed in the status either');
    // the feed's gap row names the window; its tooltip gives GoldRush's reason
    assert.match(gapLabel(gap), /^down 12(\.0)? s · resumed live · events sent between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d cannot be recovered \(no replay\)$/);
    assert.match(gapTooltip(gap), /\nWhy: down 12 s: events in that window are not recoverable from GoldRush/);
  });

  it('a next payload that is not shaped as documented gives a warning and keeps the subscription', async () => {
    const { s, notices } = make();
    const got = collect(s);
    await live(s);
    await until(() => server.activeSubscriptions === 1, 'subscription');
    server.sendNext({ data: { walletTxs: 'not a list of transactions' } });
    server.sendNext({ data: { somethingElse: [] } });
    server.sendNext({ data: { walletTxs: [{ no_hash: true }] } });
    await until(() => notices.filter((n) => /malformed GoldRush message/.test(n.message)).length >= 3, 'three warnings');
    server.emitRound();
    await got.until(1);
    assert.strictEqual(s.status().state, 'live');
  });

  it('a frame that breaks the protocol closes the socket; the stream says so and reconnects', async () => {
    const { s } = make();
    await live(s);
    await until(() => server.activeSubscriptions === 1, 'subscription');
    server.sendRaw('{"type":"next","id":');
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.message ?? '', /malformed message on the GoldRush socket|GoldRush/);
    clock.advance(5_000);
    await waitForStatus(s, (x) => x.state === 'live');
  });

  it('an error message retries unless it names the key; complete re-subscribes', async () => {
    const { s } = make();
    await live(s);
    await until(() => server.activeSubscriptions === 1, 'subscription');
    server.sendError('Internal server error');
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.message ?? '', /GoldRush error: Internal server error/);
    clock.advance(5_000);
    await waitForStatus(s, (x) => x.state === 'live');
    await until(() => server.activeSubscriptions === 1, 'subscribed again');
    server.completeAll();
    const st2 = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st2.message ?? '', /ended the subscription \(complete\)/);
    clock.advance(5_000);
    await waitForStatus(s, (x) => x.state === 'live');
    await until(() => server.activeSubscriptions === 1, 'subscribed after complete');
    server.sendError('API key revoked', 'UNAUTHENTICATED');
    const st3 = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st3.stopReason, 'invalid_key');
  });

  it('refuses 101 wallet addresses with words before connecting', async () => {
    const many = Array.from({ length: 101 }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);
    const { s } = make({ address: many });
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'error');
    assert.match(st.message ?? '', /too many addresses: GoldRush's "walletTxs" takes at most 100 wallet addresses per subscription, this stream has 101/);
    assert.strictEqual(server.connectionCount, 0, 'nothing was sent');
  });

  it('an unknown chain is refused by the server and stops the stream with words', async () => {
    const { s } = make({ chainName: 'NOT_A_CHAIN' });
    s.connect();
    const st = await waitForStatus(s, (x) => x.state === 'stopped');
    assert.strictEqual(st.stopReason, 'refused');
    assert.match(st.message ?? '', /GoldRush does not stream this chain: .*NOT_A_CHAIN/);
  });

  it('a rate limit waits a minute before the next attempt', async () => {
    const { s } = make();
    await live(s);
    await until(() => server.activeSubscriptions === 1, 'subscription');
    server.sendError('Rate limit exceeded: too many requests', 'RATE_LIMITED');
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.message ?? '', /rate limit/);
    assert.ok((st.nextRetryAt ?? 0) - clock.now() >= 30_000, 'waits (capped by the backoff maximum)');
  });

  it('a silent server is declared dead by liveness (3x keepAlive) and the stream reconnects', async () => {
    const { s } = make();
    await live(s);
    server.silence(true);
    clock.advance(15_000);
    const st = await waitForStatus(s, (x) => x.state === 'reconnecting');
    assert.match(st.message ?? '', /connection dead/);
  });

  it('counts estimated GoldRush credits per started live minute, apart from Warp credits', async () => {
    const { s } = make({}, { keepAliveMs: 600_000 });
    await live(s);
    clock.advance(150_000);
    const c = s.credits();
    assert.strictEqual(c.credits, 0, 'no Warp credits');
    assert.strictEqual(c.estimatedGoldRush, 3);
    s.disconnect();
    clock.advance(600_000);
    assert.strictEqual(s.credits().estimatedGoldRush, 3, 'nothing counted while disconnected');
  });

  it('delivers pairs, token updates and candles with their own kinds', async () => {
    const pairs = make({ subscription: 'updatePairs', address: [...GOLDRUSH_DEMO.pairs] }).s;
    const candles = make({ subscription: 'ohlcvCandlesForPair', address: GOLDRUSH_DEMO.pairs[0], interval: 'ONE_MINUTE', timeframe: 'ONE_HOUR' }).s;
    const tokens = make({ subscription: 'updateTokens', address: GOLDRUSH_DEMO.tokens[0] }).s;
    const fresh = make({ subscription: 'newPairs', address: undefined, protocols: ['UNISWAP_V3'] }).s;
    const gs = [pairs, candles, tokens, fresh].map((x) => collect(x));
    await Promise.all([pairs, candles, tokens, fresh].map((x) => live(x)));
    await until(() => server.activeSubscriptions === 4, 'four subscriptions');
    server.emitRound();
    await Promise.all(gs.map((g) => g.until(1)));
    assert.deepStrictEqual(gs.map((g) => g.events[0]!.kind), ['pair', 'candle', 'token', 'pair']);
    const candle = gs[1]!.events[0]!.payload as Record<string, unknown>;
    for (const k of ['open', 'high', 'low', 'close']) assert.strictEqual(typeof candle[k], 'number');
    assert.strictEqual(gs[3]!.events[0]!.name, 'newPairs');
  });
});
