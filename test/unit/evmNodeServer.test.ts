import * as assert from 'assert';
import WebSocket from 'ws';
import { FakeClock } from '../../src/core/clock';
import { EvmRpcConnection, RpcError } from '../../src/core/evm/evmRpc';
import { EvmStream } from '../../src/core/evm/evmStream';
import { EvmNodeServer, EVM_SIM_CONTRACTS, logMatches } from '../../src/simulator/evmNodeServer';
import { observeEvm } from './support/evmObserve';

const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';

async function connect(url: string, clock: FakeClock, onNotification?: (sub: string, result: unknown) => void): Promise<EvmRpcConnection> {
  let opened!: () => void;
  const p = new Promise<void>((r) => (opened = r));
  const rpc = new EvmRpcConnection(url, { onOpen: () => opened(), ...(onNotification ? { onNotification } : {}) }, { clock });
  await p;
  return rpc;
}

describe('EVM node simulator', () => {
  let server: EvmNodeServer;
  let clock: FakeClock;
  const closers: Array<() => void> = [];

  beforeEach(async () => {
    clock = new FakeClock();
    server = new EvmNodeServer({ clock, blockTimeMs: 1_000, maxLogsRange: 5, seed: 7, startBlock: 100 });
    await server.start();
  });

  afterEach(async () => {
    for (const c of closers.splice(0)) c();
    await server.stop();
  });

  it('mines on the injected clock and answers the basic methods', async () => {
    const rpc = await connect(server.url, clock);
    closers.push(() => rpc.close());
    assert.strictEqual(await rpc.request('eth_chainId', []), '0x7a69');
    assert.strictEqual(await rpc.request('eth_blockNumber', []), '0x63');
    clock.advance(3_000);
    assert.strictEqual(server.head, 102);
    assert.strictEqual(await rpc.request('eth_blockNumber', []), '0x66');
    const block = (await rpc.request('eth_getBlockByNumber', ['0x65', false])) as { hash: string; parentHash: string };
    assert.strictEqual(block.hash, server.blocks[1].hash);
    assert.strictEqual(block.parentHash, server.blocks[0].hash);
    assert.deepStrictEqual(await rpc.request('eth_getBlockByHash', [server.blocks[2].hash, false]), { number: '0x66', hash: server.blocks[2].hash, parentHash: server.blocks[1].hash, timestamp: '0x' + Math.floor(clock.now() / 1000).toString(16) });
    assert.strictEqual(await rpc.request('eth_getBlockByNumber', ['0x999', false]), null);
    await assert.rejects(rpc.request('eth_foo', []), (e: unknown) => e instanceof RpcError && e.code === -32601);
  });

  it('serves eth_getLogs with filters and refuses ranges over the limit with -32005', async () => {
    const rpc = await connect(server.url, clock);
    closers.push(() => rpc.close());
    clock.advance(6_000);
    const all = server.blocks.flatMap((b) => b.logs);
    assert.ok(all.length >= 6);
    const logs = (await rpc.request('eth_getLogs', [{ fromBlock: '0x64', toBlock: '0x68' }])) as unknown[];
    assert.deepStrictEqual(logs, server.blocks.filter((b) => b.number <= 104).flatMap((b) => b.logs));
    const usdc = EVM_SIM_CONTRACTS[0].address;
    const filtered = (await rpc.request('eth_getLogs', [{ fromBlock: '0x64', toBlock: '0x68', address: [usdc], topics: [TRANSFER] }])) as Array<{ address: string; topics: string[] }>;
    assert.ok(filtered.every((l) => l.address === usdc && l.topics[0] === TRANSFER));
    await assert.rejects(rpc.request('eth_getLogs', [{ fromBlock: '0x64', toBlock: '0x69' }]), (e: unknown) => e instanceof RpcError && e.code === -32005);
  });

  it('matches filters like a node: address OR list, topic positions with null and OR lists', () => {
    const log = { address: '0xaa', topics: ['0x1', '0x2', '0x3'] };
    assert.ok(logMatches(log, {}));
    assert.ok(logMatches(log, { address: ['0xbb', '0xAA'] }));
    assert.ok(!logMatches(log, { address: '0xbb' }));
    assert.ok(logMatches(log, { topics: [null, ['0x9', '0x2']] }));
    assert.ok(!logMatches(log, { topics: [null, null, '0x4'] }));
    assert.ok(!logMatches(log, { topics: [null, null, null, '0x4'] }));
  });

  it('pushes logs and heads to subscribers, and a reorg as removed logs then the replacement', async () => {
    const got: Array<{ sub: string; result: { removed?: boolean; blockHash?: string; number?: string } }> = [];
    let arrived: () => void = () => undefined;
    const rpc = await connect(server.url, clock, (sub, result) => {
      got.push({ sub, result: result as never });
      arrived();
    });
    closers.push(() => rpc.close());
    const logsSub = await rpc.request<string>('eth_subscribe', ['logs', {}]);
    const headsSub = await rpc.request<string>('eth_subscribe', ['newHeads']);
    const block = server.mineBlock(2);
    const [dropped, replacement] = server.reorg(1)!;
    assert.strictEqual(dropped.hash, block.hash);
    const expected = 1 + 2 + 2 + 1 + 1; // head + 2 logs, 2 removals, replacement head + 1 log
    while (got.length < expected) await new Promise<void>((r) => (arrived = r));
    assert.deepStrictEqual(
      got.map((g) => [g.sub === logsSub ? 'log' : g.sub === headsSub ? 'head' : '?', g.result.removed ?? null, g.result.blockHash ?? g.result.number]),
      [
        ['head', null, '0x64'],
        ['log', false, block.hash],
        ['log', false, block.hash],
        ['log', true, block.hash],
        ['log', true, block.hash],
        ['head', null, '0x64'],
        ['log', false, replacement.hash],
      ],
    );
  });

  it('answers batches, bad JSON and bad requests', async () => {
    const ws = new WebSocket(server.url);
    closers.push(() => ws.terminate());
    await new Promise<void>((r) => ws.once('open', () => r()));
    const replies: unknown[] = [];
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())));
    ws.send(JSON.stringify([{ jsonrpc: '2.0', id: 1, method: 'eth_chainId' }, { jsonrpc: '2.0', id: 2, method: 'nope' }]));
    ws.send('{not json');
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: 3 }));
    while (replies.length < 3) await new Promise<void>((r) => ws.once('message', () => r()));
    assert.deepStrictEqual(replies[0], [
      { jsonrpc: '2.0', id: 1, result: '0x7a69' },
      { jsonrpc: '2.0', id: 2, error: { code: -32601, message: 'the method nope does not exist/is not available' } },
    ]);
    assert.deepStrictEqual(replies[1], { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
    assert.deepStrictEqual(replies[2], { jsonrpc: '2.0', id: 3, error: { code: -32600, message: 'invalid request' } });
  });

  it('drives EvmStream end to end: reorgs, a dropped socket, a range limit; every log once, removals matched', async () => {
    await server.stop();
    server = new EvmNodeServer({ clock, blockTimeMs: 1_000, maxLogsRange: 2, seed: 3, reorgEveryBlocks: 4, startBlock: 500 });
    await server.start();
    const stream = new EvmStream({ id: 'sim', provider: 'evm', chainId: 1 }, { clock, getKey: async () => server.url, backoff: { baseMs: 100, maxMs: 1_000 }, random: () => 0.5, maxBlockRange: 8 });
    closers.push(() => stream.dispose());
    const { events, backfills, until } = observeEvm(stream);
    stream.connect();
    await until(() => stream.status().state === 'live');
    // live, with reorgs every 4 blocks
    for (let i = 0; i < 8; i++) clock.advance(1_000);
    const liveLogs = () => server.blocks.flatMap((b) => b.logs).length;
    await until(() => events.filter((e) => !e.removed).length - events.filter((e) => e.removed).length === liveLogs());
    // drop; 9 blocks are mined while down (the gap fill needs ranges of 2)
    server.dropConnections();
    await until(() => stream.status().state === 'reconnecting');
    for (let i = 0; i < 9; i++) server.mineBlock();
    clock.advance(stream.status().nextRetryAt! - clock.now());
    await until(() => backfills.length === 1 && events.filter((e) => !e.removed).length - events.filter((e) => e.removed).length === liveLogs());
    const canonical = server.blocks.flatMap((b) => b.logs.map((l) => `${l.blockHash}:${parseInt(l.logIndex, 16)}`));
    const removedIds = new Set(events.filter((e) => e.removed).map((e) => e.id.replace(/:removed$/, '')));
    const shown = events.filter((e) => !e.removed && !removedIds.has(e.id)).map((e) => e.id);
    assert.deepStrictEqual(shown, canonical, 'what is still live is exactly the canonical chain, in order');
    assert.strictEqual(new Set(events.map((e) => e.id)).size, events.length, 'no event twice');
    assert.ok(removedIds.size > 0, 'reorgs were shown');
    for (const id of removedIds) assert.ok(events.some((e) => e.id === id && !e.removed), `removal ${id} matches a shown log`);
    assert.ok(events.some((e) => e.type === 'Transfer') && events.some((e) => e.type === 'Sync' || e.type === 'Swap'));
  });
});
