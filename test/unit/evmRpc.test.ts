import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { toQuantity } from '../../src/core/evm/evmLog';
import { EvmRpcConnection, fetchLogsInRanges, isRangeTooLarge, RpcError, type RpcRequester } from '../../src/core/evm/evmRpc';
import { ScriptedNode } from './support/evmScriptedNode';

const H = (n: number) => '0x' + n.toString(16).padStart(64, '0');
function rawLog(block: number, index: number) {
  return { address: '0x' + '11'.repeat(20), blockHash: H(block), blockNumber: toQuantity(block), logIndex: toQuantity(index), transactionHash: H(1000 + block), topics: [], data: '0x' };
}

/** A requester that answers eth_getLogs from a script; records the ranges asked. */
function scripted(answer: (from: number, to: number) => unknown): RpcRequester & { ranges: Array<[number, number]> } {
  const ranges: Array<[number, number]> = [];
  return {
    ranges,
    async request<T>(method: string, params: unknown[]): Promise<T> {
      assert.strictEqual(method, 'eth_getLogs');
      const f = params[0] as { fromBlock: string; toBlock: string };
      const from = parseInt(f.fromBlock, 16);
      const to = parseInt(f.toBlock, 16);
      ranges.push([from, to]);
      return answer(from, to) as T;
    },
  };
}

describe('evm JSON-RPC', () => {
  it('recognises the providers\' range-too-large errors and nothing else', () => {
    const rpc = (code: number, message: string) => new RpcError('rpc', message, code);
    for (const e of [
      rpc(-32005, 'query returned more than 10000 results'),
      rpc(-32602, 'Log response size exceeded. You can make eth_getLogs requests with up to a 2K block range'),
      rpc(-32000, 'exceed maximum block range: 5000'),
      rpc(-32000, 'block range is too wide'),
      rpc(-32614, 'eth_getLogs is limited to a 10,000 range'),
      rpc(-32000, 'query timeout exceeded'),
    ]) assert.ok(isRangeTooLarge(e), e.message);
    for (const e of [rpc(-32601, 'the method eth_getLogs does not exist'), rpc(-32000, 'header not found'), new RpcError('timeout', 'x'), new Error('range too large')]) {
      assert.ok(!isRangeTooLarge(e), e.message);
    }
  });

  it('reads a range in bounded chunks, sorted, skipping invalid logs', async () => {
    const req = scripted((from, to) => {
      const out: unknown[] = [];
      for (let b = to; b >= from; b--) out.push(rawLog(b, 1), rawLog(b, 0));
      if (from === 1) out.push({ junk: true });
      return out;
    });
    const seen: string[] = [];
    const invalid: string[] = [];
    const n = await fetchLogsInRanges(req, {}, 1, 10, {
      maxBlockRange: 4,
      onChunk: (logs) => {
        seen.push(...logs.map((l) => `${l.blockNumber}.${l.logIndex}`));
      },
      onInvalid: (r) => invalid.push(r),
    });
    assert.strictEqual(n, 20);
    assert.deepStrictEqual(req.ranges, [[1, 4], [5, 8], [9, 10]]);
    assert.deepStrictEqual(seen.slice(0, 4), ['1.0', '1.1', '2.0', '2.1']);
    assert.strictEqual(seen[19], '10.1');
    assert.strictEqual(invalid.length, 1);
  });

  it('splits a too-large range down to one block, and fails when one block is still too large', async () => {
    const tooLarge = () => Promise.reject(new RpcError('rpc', 'query returned more than 10000 results', -32005));
    const req = scripted((from, to) => (to - from >= 1 && from <= 4 && to >= 4 ? tooLarge() : [rawLog(from, 0)]));
    const splits: Array<[number, number]> = [];
    await fetchLogsInRanges(req, {}, 1, 6, { maxBlockRange: 6, onChunk: () => undefined, onSplit: (a, b) => splits.push([a, b]) });
    assert.deepStrictEqual(splits, [[1, 6], [4, 6]]);
    assert.deepStrictEqual(req.ranges, [[1, 6], [1, 3], [4, 6], [4, 4], [5, 5], [6, 6]]);
    const always = scripted(() => tooLarge());
    await assert.rejects(fetchLogsInRanges(always, {}, 1, 4, { maxBlockRange: 4, onChunk: () => undefined }), /more than 10000/);
    assert.deepStrictEqual(always.ranges, [[1, 4], [1, 2], [1, 1]]);
  });

  it('passes other errors and non-array results through as failures', async () => {
    await assert.rejects(
      fetchLogsInRanges(scripted(() => Promise.reject(new RpcError('rpc', 'header not found', -32000))), {}, 1, 2, { onChunk: () => undefined }),
      /header not found/,
    );
    await assert.rejects(fetchLogsInRanges(scripted(() => ({ nope: 1 })), {}, 1, 2, { onChunk: () => undefined }), /not an array/);
  });

  it('times requests out on the injected clock and fails pending requests on close', async () => {
    const node = new ScriptedNode();
    const url = await node.start();
    node.overrides.eth_chainId = () => undefined; // never answers
    const clock = new FakeClock();
    let opened!: () => void;
    const open = new Promise<void>((r) => (opened = r));
    let closes = 0;
    const rpc = new EvmRpcConnection(url, { onOpen: () => opened(), onClose: () => closes++ }, { clock, requestTimeoutMs: 5_000 });
    await open;
    const slow = rpc.request('eth_chainId', []);
    clock.advance(4_999);
    const blockNumber = await rpc.request('eth_blockNumber', []);
    assert.strictEqual(blockNumber, '0x0');
    clock.advance(1);
    await assert.rejects(slow, (e: unknown) => e instanceof RpcError && e.type === 'timeout');
    const pending = rpc.request('eth_chainId', []);
    rpc.close();
    await assert.rejects(pending, (e: unknown) => e instanceof RpcError && e.type === 'closed');
    await assert.rejects(rpc.request('eth_blockNumber', []), (e: unknown) => e instanceof RpcError && e.type === 'closed');
    assert.strictEqual(closes, 1);
    await node.stop();
  });
});
