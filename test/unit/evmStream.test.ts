import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import WebSocket from 'ws';
import { EvmStream, MAX_UNSETTLED_LOGS, type EvmStreamDefinition } from '../../src/core/evm/evmStream';
import { evmEndpointUrl, registerEndpointSecrets } from '../../src/core/evm/evmEndpoint';
import type { EvmBackfillInfo } from '../../src/core/evm/evmBackfill';
import { redact } from '../../src/core/redact';
import { createLogger, MemorySink } from '../../src/core/logger';
import type { StreamNotice } from '../../src/core/stream/stream';
import { CONTRACT, RpcFail, ScriptedNode } from './support/evmScriptedNode';

interface Harness {
  node: ScriptedNode;
  url: string;
  clock: FakeClock;
  stream: EvmStream;
  events: ChainEvent[];
  notices: StreamNotice[];
  backfills: EvmBackfillInfo[];
  sink: MemorySink;
  /** Resolves when `cond` holds, re-checked after every event, notice, status change and backfill. */
  until(cond: () => boolean, what: string): Promise<void>;
  /** What the test is waiting for (shown when it times out). */
  waitingFor?: string;
  /** Fires the pending reconnect timer. */
  retryNow(): void;
}

const harnesses: Harness[] = [];

async function setup(def: Partial<EvmStreamDefinition> = {}, opts: { key?: string; maxBlockRange?: number; maxBackfillBlocks?: number; urlSuffix?: string; socketFactory?: (url: string) => WebSocket } = {}): Promise<Harness> {
  const node = new ScriptedNode();
  const url = (await node.start()) + (opts.urlSuffix ?? '');
  const clock = new FakeClock();
  const sink = new MemorySink();
  let onLog: () => void = () => undefined;
  const logSink = { log: (level: Parameters<MemorySink['log']>[0], message: string) => {
    sink.log(level, message);
    onLog();
  } };
  const stream = new EvmStream(
    { id: 'evm-test', provider: 'evm', chainId: 31337, address: CONTRACT, ...def },
    {
      clock,
      logger: createLogger(logSink),
      getKey: async () => opts.key ?? url,
      backoff: { baseMs: 100, maxMs: 1_000 },
      random: () => 0.5,
      ...(opts.maxBlockRange ? { maxBlockRange: opts.maxBlockRange } : {}),
      ...(opts.maxBackfillBlocks ? { maxBackfillBlocks: opts.maxBackfillBlocks } : {}),
      ...(opts.socketFactory ? { socketFactory: opts.socketFactory } : {}),
    },
  );
  const events: ChainEvent[] = [];
  const notices: StreamNotice[] = [];
  const backfills: EvmBackfillInfo[] = [];
  let waiters: Array<() => void> = [];
  const kick = () => {
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  };
  onLog = kick;
  stream.onEvents((evs) => {
    events.push(...evs);
    kick();
  });
  stream.onNotice((n) => {
    notices.push(n);
    kick();
  });
  stream.onStatus(kick);
  stream.onBackfill((b) => {
    backfills.push(b);
    kick();
  });
  const h: Harness = {
    node,
    url,
    clock,
    stream,
    events,
    notices,
    backfills,
    sink,
    async until(cond, what) {
      // event-driven: every condition used here is about events, notices, status or backfills, and each of those
      // re-checks it; a condition that never comes true fails by mocha's timeout, with `what` in the last status
      h.waitingFor = what;
      while (!cond()) await new Promise<void>((r) => waiters.push(r));
    },
    retryNow() {
      const at = stream.status().nextRetryAt;
      assert.ok(at !== undefined, 'a reconnect is scheduled');
      clock.advance(at - clock.now());
    },
  };
  harnesses.push(h);
  return h;
}

const values = (evs: ChainEvent[]) =>
  evs.filter((e) => !e.removed).map((e) => Number(((e.payload as { decoded?: { params: Array<{ value: unknown }> } }).decoded?.params[2].value) as string));

describe('EvmStream (scripted node)', () => {
  afterEach(async function () {
    for (const h of harnesses.splice(0)) {
      if (this.currentTest?.state === 'failed') console.error(`waiting for ${h.waitingFor}; status ${JSON.stringify(h.stream.status())}`);
      h.stream.dispose();
      await h.node.stop();
    }
  });

  it('streams live logs as decoded, normalized events', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    const block = h.node.mine(2);
    await h.until(() => h.events.length === 2, 'two events');
    const [a, b] = h.events;
    assert.strictEqual(a.id, `${block.hash}:0`);
    assert.strictEqual(b.id, `${block.hash}:1`);
    assert.strictEqual(a.provider, 'evm');
    assert.strictEqual(a.kind, 'log');
    assert.strictEqual(a.type, 'Transfer');
    assert.strictEqual(a.digest, block.logs[0].transactionHash);
    assert.strictEqual(a.checkpoint, block.number);
    assert.strictEqual(b.sequence, 1);
    assert.strictEqual(a.sender, CONTRACT);
    assert.deepStrictEqual(values(h.events), [block.number * 100, block.number * 100 + 1]);
    const sub = h.node.calls.find((c) => c.method === 'eth_subscribe');
    assert.deepStrictEqual(sub?.params, ['logs', { address: CONTRACT }]);
  });

  it('flow control: a burst beyond MAX_UNSETTLED_LOGS pauses reading the socket until half is processed; every log arrives once, in order', async () => {
    let pauses = 0;
    let resumes = 0;
    const h = await setup({}, {
      socketFactory: (url) => {
        const ws = new WebSocket(url, { perMessageDeflate: false });
        const pause = ws.pause.bind(ws);
        const resume = ws.resume.bind(ws);
        ws.pause = () => {
          pauses++;
          pause();
        };
        ws.resume = () => {
          resumes++;
          resume();
        };
        return ws;
      },
    });
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    const perBlock = 500;
    const blocks = Math.ceil((MAX_UNSETTLED_LOGS * 2) / perBlock);
    const mined = Array.from({ length: blocks }, () => h.node.mine(perBlock));
    const total = blocks * perBlock;
    await h.until(() => h.events.length >= total, 'every log');
    assert.strictEqual(h.events.length, total, 'nothing twice');
    assert.deepStrictEqual(h.events.map((e) => e.id), mined.flatMap((b) => b.logs.map((_, i) => `${b.hash}:${i}`)));
    assert.ok(pauses >= 1, 'the socket was paused at least once');
    assert.strictEqual(resumes, pauses, 'and resumed as often');
  });

  it('marks a log re-sent with removed: true as removed, once, and shows the replacement', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    h.node.mine(1);
    const doomed = h.node.mine(2);
    await h.until(() => h.events.length === 3, 'three events');
    h.node.reorgTo(doomed.number - 1, true);
    const replacement = h.node.mine(1);
    await h.until(() => h.events.length === 6, 'two removals and the replacement');
    const removed = h.events.filter((e) => e.removed);
    assert.deepStrictEqual(removed.map((e) => e.id).sort(), [`${doomed.hash}:0:removed`, `${doomed.hash}:1:removed`]);
    for (const e of removed) {
      assert.strictEqual(e.checkpoint, doomed.number);
      assert.strictEqual(e.digest, doomed.logs[e.sequence!].transactionHash);
      assert.strictEqual(e.type, 'Transfer');
    }
    assert.strictEqual(h.events[5].id, `${replacement.hash}:0`);
    assert.strictEqual(h.events[5].removed, undefined);
    // the same removal again is a duplicate; a removal of a log never shown is shown with a warning
    h.node.notifyAll({ ...doomed.logs[0], removed: true });
    const stranger = { ...replacement.logs[0], blockHash: '0x' + 'ee'.repeat(32), removed: true };
    h.node.notifyAll(stranger);
    await h.until(() => h.events.length === 7, 'the unknown removal');
    assert.strictEqual(h.events[6].id, `${stranger.blockHash}:0:removed`);
    assert.match(h.events[6].warnings?.[0] ?? '', /had not shown/);
  });

  it('a reorg the node does not announce (a new block hash at a known height): earlier logs struck, replacement in chain order, words in the feed', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    const kept = h.node.mine(1);
    const doomed = h.node.mine(2);
    const doomedToo = h.node.mine(1);
    await h.until(() => h.events.length === 4, 'four events');
    h.node.reorgTo(kept.number, false);
    const replacement = h.node.mine(1);
    assert.strictEqual(replacement.number, doomed.number);
    await h.until(() => h.events.length === 8, 'three removals and the replacement');
    assert.deepStrictEqual(h.events.slice(4).map((e) => [e.id, e.removed ?? false]), [
      [`${doomedToo.hash}:0:removed`, true],
      [`${doomed.hash}:1:removed`, true],
      [`${doomed.hash}:0:removed`, true],
      [`${replacement.hash}:0`, false],
    ]);
    assert.ok(h.notices.some((n) => n.message === `reorg at block ${doomed.number} (depth 2): 3 logs removed (the node did not announce it)`), JSON.stringify(h.notices));
    // the chain goes on from the replacement: live logs keep coming, once each
    const next = h.node.mine(1);
    await h.until(() => h.events.length === 9, 'the next block');
    assert.strictEqual(h.events[8].id, `${next.hash}:0`);
  });

  it('a reconnect repairs an unannounced reorg that live logs could not reveal (a newer block matches, an older one does not)', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    h.node.mine(1);
    const doomed = h.node.mine(1);
    await h.until(() => h.events.length === 2, 'two events');
    // the fork has no log of ours at the doomed height, and one above it: live, nothing looks wrong yet
    h.node.reorgTo(doomed.number - 1, false);
    h.node.mine(0);
    const above = h.node.mine(1);
    await h.until(() => h.events.length === 3, 'the fork log');
    assert.ok(!h.events.some((e) => e.removed));
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    h.retryNow();
    await h.until(() => h.backfills.length === 1, 'the gap fill');
    await h.until(() => h.events.length === 4, 'the removal');
    assert.deepStrictEqual([h.events[3].id, h.events[3].removed], [`${doomed.hash}:0:removed`, true]);
    assert.strictEqual(h.backfills[0].reorgRemoved, 1);
    assert.ok(h.notices.some((n) => n.message === `reorg at block ${doomed.number} (depth 1): 1 log removed (found after reconnecting)`), JSON.stringify(h.notices.map((n) => n.message)));
    assert.ok(!h.events.some((e) => e.id.startsWith(above.hash) && e.removed), 'the fork block stays');
  });

  it('a gap over the backfill limit: the gap row says older blocks were not read (may be missing), and counts what was backfilled', async () => {
    const h = await setup({}, { maxBackfillBlocks: 3 });
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    const seen = h.node.mine(1);
    await h.until(() => h.events.length === 1, 'one');
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    for (let i = 0; i < 6; i++) h.node.mine(1);
    h.node.push = true;
    h.retryNow();
    await h.until(() => h.backfills.length === 1, 'the gap fill');
    const head = h.node.head;
    assert.deepStrictEqual(h.backfills[0], { stream: 'evm-test', fromBlock: head - 2, toBlock: head, backfilled: 3, reorgRemoved: 0, skippedBlocks: head - 2 - seen.number });
    const gap = h.stream.status().lastGap;
    assert.strictEqual(gap?.continuity, 'may_be_missing');
    assert.strictEqual(gap?.replayed, 3);
    assert.strictEqual(gap?.reason, `the backfill limit was reached: blocks ${seen.number}-${head - 3} (older) were not read; blocks ${head - 2}-${head} read with eth_getLogs`);
  });

  it('skips malformed notifications and frames with a notice and keeps going', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    h.node.sendRaw('this is not json');
    h.node.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: {} }));
    h.node.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: h.node.sockets[0].sub, result: { blockHash: '0x12' } } }));
    h.node.sendRaw(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: h.node.sockets[0].sub, result: null } }));
    h.node.sendRaw(JSON.stringify({ jsonrpc: '2.0', id: 999, result: 'stray' }));
    h.node.sendRaw('[1, "x"]');
    const good = h.node.mine(1);
    await h.until(() => h.events.length === 1, 'the good log');
    assert.strictEqual(h.events[0].id, `${good.hash}:0`);
    const text = h.notices.map((n) => n.message).join('\n');
    assert.match(text, /not JSON/);
    assert.match(text, /without params.subscription/);
    assert.match(text, /blockHash/);
    assert.match(text, /not an object/);
    assert.match(text, /unknown request id/);
    assert.strictEqual(h.stream.status().state, 'live');
  });

  it('stops with a readable reason, without retrying, when the endpoint rejects eth_subscribe', async () => {
    const h = await setup();
    h.node.overrides.eth_subscribe = () => {
      throw new RpcFail(-32601, 'the method eth_subscribe does not exist/is not available');
    };
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'stopped', 'stopped');
    const s = h.stream.status();
    assert.strictEqual(s.stopReason, 'refused');
    assert.match(s.message ?? '', /rejected eth_subscribe.*does not exist/);
    assert.strictEqual(s.nextRetryAt, undefined);
    assert.strictEqual(h.node.connections, 1);
  });

  it('retries when eth_subscribe fails transiently (rate limit)', async () => {
    const h = await setup();
    let fails = 1;
    h.node.overrides.eth_subscribe = (_p, ws) => {
      if (fails-- > 0) throw new RpcFail(-32005, 'daily request count exceeded, request rate limited');
      delete h.node.overrides.eth_subscribe;
      const entry = h.node.sockets.find((s) => s.ws === ws)!;
      entry.sub = '0xabc';
      return entry.sub;
    };
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    h.retryNow();
    await h.until(() => h.stream.status().state === 'live', 'live after retry');
    assert.strictEqual(h.node.connections, 2);
  });

  it('after a drop, fills the gap with eth_getLogs and merges the live stream: every log once, in order', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    h.node.mine(2);
    h.node.mine(1);
    await h.until(() => h.events.length === 3, 'three live events');
    // the socket dies; the chain goes on without us
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    h.node.mine(3);
    h.node.mine(1);
    h.node.mine(2);
    h.node.push = true;
    // on the new connection, the node pushes a log of the last gap block (a duplicate) and a brand-new block
    // right after the subscription, before the gap fill is done
    const head = h.node.head;
    h.node.overrides.eth_blockNumber = (_p, ws) => {
      delete h.node.overrides.eth_blockNumber;
      const entry = h.node.sockets.find((s) => s.ws === ws)!;
      h.node.notify(entry, h.node.blocks[h.node.blocks.length - 1].logs[1]);
      queueMicrotask(() => h.node.mine(1));
      return '0x' + head.toString(16);
    };
    h.retryNow();
    await h.until(() => h.events.length === 10 && h.backfills.length === 1, 'all ten logs');
    const expected = h.node.blocks.flatMap((b) => b.logs.map((l) => `${b.hash}:${parseInt(l.logIndex, 16)}`));
    assert.deepStrictEqual(h.events.map((e) => e.id), expected);
    assert.deepStrictEqual(h.backfills[0], { stream: 'evm-test', fromBlock: 2, toBlock: head, backfilled: 6, reorgRemoved: 0, skippedBlocks: 0 });
    assert.ok(h.notices.some((n) => /6 logs backfilled from blocks 2-5/.test(n.message)));
    const gap = h.stream.status().lastGap;
    assert.deepStrictEqual([gap?.replayed, gap?.continuity, gap?.reason], [6, 'verified', `blocks 2-${head} read with eth_getLogs, from the last processed block to the head`]);
    assert.deepStrictEqual(h.events.slice(3, 9).map((e) => (e.payload as { source: string }).source), Array(6).fill('backfill'));
    assert.strictEqual((h.events[9].payload as { source: string }).source, 'live');
    const getLogs = h.node.calls.filter((c) => c.method === 'eth_getLogs');
    assert.deepStrictEqual(getLogs.map((c) => [c.params[0].fromBlock, c.params[0].toBlock, c.params[0].address]), [['0x2', '0x5', CONTRACT]]);
  });

  it('splits eth_getLogs ranges the node calls too large and retries', async () => {
    const h = await setup({}, { maxBlockRange: 8 });
    h.node.overrides.eth_getLogs = ([f]) => {
      const from = parseInt(f.fromBlock, 16);
      const to = parseInt(f.toBlock, 16);
      if (to - from + 1 > 3) throw new RpcFail(-32602, 'Log response size exceeded. You can make eth_getLogs requests with up to a 3 block range');
      return h.node.logsBetween(from, to);
    };
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    h.node.mine(1);
    await h.until(() => h.events.length === 1, 'first');
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    for (let i = 0; i < 10; i++) h.node.mine(1);
    h.node.push = true;
    h.retryNow();
    await h.until(() => h.backfills.length === 1 && h.events.length === 11, 'backfill');
    assert.deepStrictEqual(values(h.events), h.node.blocks.map((b) => b.number * 100));
    const ranges = h.node.calls.filter((c) => c.method === 'eth_getLogs').map((c) => [parseInt(c.params[0].fromBlock, 16), parseInt(c.params[0].toBlock, 16)]);
    // 1..8 too large, 1..4 too large, then 2-block chunks (the smaller size is kept)
    assert.deepStrictEqual(ranges, [[1, 8], [1, 4], [1, 2], [3, 4], [5, 6], [7, 8], [9, 10], [11, 11]]);
  });

  it('re-emits as removed the logs of a block that was reorged out while disconnected', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    h.node.mine(1);
    const doomed = h.node.mine(2);
    await h.until(() => h.events.length === 3, 'three');
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    h.node.reorgTo(doomed.number - 1, false);
    const fresh = h.node.mine(1);
    h.node.push = true;
    h.retryNow();
    await h.until(() => h.backfills.length === 1 && h.events.length === 6, 'backfill');
    assert.deepStrictEqual(h.events.slice(3).map((e) => [e.id, e.removed ?? false]), [
      [`${doomed.hash}:0:removed`, true],
      [`${doomed.hash}:1:removed`, true],
      [`${fresh.hash}:0`, false],
    ]);
    assert.strictEqual(h.backfills[0].reorgRemoved, 2);
    assert.strictEqual(h.backfills[0].fromBlock, doomed.number);
  });

  it('never shows the endpoint key: status, logs and notices are redacted', async () => {
    const secret = 'sk_live_DoNotLeakThis123';
    const h = await setup({}, { urlSuffix: `/v2/${secret}` });
    h.node.overrides.eth_subscribe = () => {
      throw new RpcFail(-32000, `bad request to ws://node/v2/${secret}`);
    };
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    const everything = JSON.stringify([h.stream.status(), h.sink.lines, h.notices]);
    assert.match(h.stream.status().endpoint ?? '', /^ws:\/\/127\.0\.0\.1:\d+\/v2\/\*\*\*$/, 'the endpoint is shown, its key is not');
    assert.ok(!everything.includes(secret), `the key is not: ${everything}`);
  });

  it('refuses an http:// endpoint and a missing endpoint with clear words', async () => {
    const h = await setup({}, { key: 'https://example.invalid/v2/abc' });
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'stopped', 'stopped');
    assert.match(h.stream.status().message ?? '', /needs a WebSocket endpoint/);
    const bad = await setup({}, { key: 'ws://[nope' });
    bad.stream.connect();
    await bad.until(() => bad.stream.status().state === 'stopped', 'stopped');
    assert.match(bad.stream.status().message ?? '', /invalid endpoint URL/);
    const clock = new FakeClock();
    const s2 = new EvmStream({ id: 'x', provider: 'evm' }, { clock, getKey: async () => undefined });
    let done!: () => void;
    const stopped = new Promise<void>((r) => (done = r));
    s2.onStatus((st) => st.state === 'stopped' && done());
    s2.connect();
    await stopped;
    assert.strictEqual(s2.status().stopReason, 'no_key');
    s2.dispose();
  });

  it('stops with a clear error for a malformed address filter', async () => {
    const h = await setup({ address: '0x123' });
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'stopped', 'stopped');
    assert.match(h.stream.status().message ?? '', /invalid address "0x123"/);
    assert.strictEqual(h.node.connections, 0);
  });

  it('redacts the key part of provider URLs and keeps the rest readable', () => {
    const cases: Array<[string, string]> = [
      ['wss://eth-mainnet.g.alchemy.com/v2/AbCdEfGhIjKlMnOpQrStUvWxYz_-abcd', 'wss://eth-mainnet.g.alchemy.com/v2/***'],
      ['wss://mainnet.infura.io/ws/v3/0123456789abcdef0123456789abcdef', 'wss://mainnet.infura.io/ws/v3/***'],
      ['wss://young-dawn-123.quiknode.pro/4a5b6c7d8e9f00112233445566778899aabbccdd/', 'wss://young-dawn-123.quiknode.pro/***/'],
      ['wss://node.example/ws?apikey=s3cr3tvalue', 'wss://node.example/ws?apikey=***'],
      ['wss://user:pa55word99@node.example/', 'wss://***:***@node.example/'],
    ];
    for (const [url, shown] of cases) {
      registerEndpointSecrets(url);
      assert.strictEqual(redact(`connecting to ${url}`), `connecting to ${shown}`);
    }
    assert.deepStrictEqual(registerEndpointSecrets('ws://127.0.0.1:8545'), []);
  });

  it('takes the endpoint from the saved URL, else the definition', () => {
    const def = { id: 'a', provider: 'evm' as const, baseUrl: 'ws://127.0.0.1:8545' };
    assert.strictEqual(evmEndpointUrl(def, 'wss://x.example/v2/k'), 'wss://x.example/v2/k');
    assert.strictEqual(evmEndpointUrl(def, undefined), 'ws://127.0.0.1:8545');
    assert.strictEqual(evmEndpointUrl(def, 'not-a-url'), 'ws://127.0.0.1:8545');
    assert.strictEqual(evmEndpointUrl({ id: 'a', provider: 'evm' }, undefined), undefined);
  });

  it('moves the resume point on a quiet stream with each keep-alive, so a reconnect reads only recent blocks', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    for (let i = 0; i < 5; i++) h.node.mine(0);
    // first keep-alive: reads head 5 (not trusted yet)
    h.clock.advance(15_000);
    await h.until(() => h.sink.lines.some((l) => l.message.endsWith('head block 5')), 'first head probe');
    for (let i = 0; i < 3; i++) h.node.mine(0);
    // second keep-alive: blocks up to 5 are covered (the socket stayed up for a whole heartbeat since)
    h.clock.advance(15_000);
    await h.until(() => h.sink.lines.some((l) => l.message.endsWith('head block 8')), 'second head probe');
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    const lost = h.node.mine(1);
    h.node.push = true;
    h.retryNow();
    await h.until(() => h.events.length === 1 && h.backfills.length === 1, 'the log mined while down');
    assert.strictEqual(h.events[0].id, `${lost.hash}:0`);
    const ranges = h.node.calls.filter((c) => c.method === 'eth_getLogs').map((c) => [parseInt(c.params[0].fromBlock, 16), parseInt(c.params[0].toBlock, 16)]);
    assert.deepStrictEqual(ranges, [[6, 9]]);
  });

  it('survives a restarted dev chain: old logs marked removed, the new chain read from its start', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    for (let i = 0; i < 4; i++) h.node.mine(1);
    await h.until(() => h.events.length === 4, 'four events');
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    h.node.resetChain();
    const b1 = h.node.mine(1);
    const b2 = h.node.mine(1);
    h.node.push = true;
    h.retryNow();
    await h.until(() => h.backfills.length === 1 && h.events.length === 10, 'four removals and two new logs');
    assert.deepStrictEqual(h.events.slice(4, 8).map((e) => [e.removed, e.checkpoint]), [[true, 4], [true, 3], [true, 2], [true, 1]]);
    assert.deepStrictEqual(h.events.slice(8).map((e) => e.id), [`${b1.hash}:0`, `${b2.hash}:0`]);
  });

  it('continues from the head when the node is behind the resume point and nothing remembered shows it', async () => {
    const h = await setup();
    h.stream.connect();
    await h.until(() => h.stream.status().state === 'live', 'live');
    for (let i = 0; i < 6; i++) h.node.mine(0);
    h.clock.advance(15_000);
    await h.until(() => h.sink.lines.some((l) => l.message.endsWith('head block 6')), 'head probe');
    h.clock.advance(15_000);
    await h.until(() => h.node.calls.filter((c) => c.method === 'eth_blockNumber').length === 3, 'second probe sent');
    h.node.push = false;
    h.node.dropAll();
    await h.until(() => h.stream.status().state === 'reconnecting', 'reconnecting');
    h.node.resetChain();
    h.node.mine(0);
    h.node.mine(0);
    h.node.push = true;
    h.retryNow();
    await h.until(() => h.backfills.length === 1, 'gap handled');
    assert.ok(h.notices.some((n) => /head block 2 is behind the last processed block 6/.test(n.message)));
    const fresh = h.node.mine(1);
    await h.until(() => h.events.length === 1, 'live on the new chain');
    assert.strictEqual(h.events[0].id, `${fresh.hash}:0`);
  });
});
