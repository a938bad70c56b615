import * as assert from 'assert';
import { keccak256, stringToBytes, toEventSelector } from 'viem';
import * as decodeModule from '../../src/core/evm/evmDecode';
import { EIP1967_BEACON_SLOT, EIP1967_IMPLEMENTATION_SLOT, IMPLEMENTATION_SELECTOR, ProxyResolver, TOPIC_BEACON_UPGRADED, TOPIC_UPGRADED, wordToAddress } from '../../src/core/evm/evmProxy';
import { createWorkspaceDecoder, wantsProxyLookup } from '../../src/core/evm/workspaceDecoder';
import type { RpcRequester } from '../../src/core/evm/evmRpc';
import { encodeLog, fixtureIndex, PROXY, REGISTRY, TOKEN, UNKNOWN } from './support/artifactFixtures';

const ALICE = '0x00000000000000000000000000000000000a11ce';
const BOB = '0x0000000000000000000000000000000000000b0b';
const word = (addr: string) => '0x' + addr.slice(2).padStart(64, '0');

/** A log that fits both `Minted` layouts: two topics, one word of data. Token reads (to=ALICE, 5); Registry (to=0x05, ALICE). */
const minted = encodeLog('Minted(address indexed to, uint256 amount)', { to: ALICE, amount: 5n });

function params(d: decodeModule.DecodedLog | undefined): Record<string, unknown> {
  return Object.fromEntries((d?.params ?? []).map((p) => [p.name, p.value]));
}

/** A node that answers storage reads and calls from tables, counting requests. */
function scriptedRpc(storage: Record<string, string>, calls: Record<string, string> = {}, opts: { failAtBlock?: boolean } = {}): RpcRequester & { requests: unknown[][] } {
  const requests: unknown[][] = [];
  return {
    requests,
    async request<T>(method: string, params: unknown[]): Promise<T> {
      requests.push([method, ...params]);
      if (opts.failAtBlock && params[params.length - 1] !== 'latest') throw new Error('missing trie node (pruned)');
      if (method === 'eth_getStorageAt') return (storage[`${String(params[0]).toLowerCase()}:${String(params[1])}`] ?? '0x0') as T;
      if (method === 'eth_call') {
        const c = params[0] as { to: string; data: string };
        return (calls[`${c.to.toLowerCase()}:${c.data}`] ?? '0x') as T;
      }
      throw new Error(`unexpected ${method}`);
    },
  };
}

describe('EIP-1967 proxy resolution', () => {
  it('the slot and selector constants are what the standard derives', () => {
    const slot = (label: string) => '0x' + (BigInt(keccak256(stringToBytes(label))) - 1n).toString(16).padStart(64, '0');
    assert.strictEqual(EIP1967_IMPLEMENTATION_SLOT, slot('eip1967.proxy.implementation'));
    assert.strictEqual(EIP1967_BEACON_SLOT, slot('eip1967.proxy.beacon'));
    assert.strictEqual(IMPLEMENTATION_SELECTOR, keccak256(stringToBytes('implementation()')).slice(0, 10));
    assert.strictEqual(TOPIC_UPGRADED, toEventSelector('Upgraded(address)'));
    assert.strictEqual(TOPIC_BEACON_UPGRADED, toEventSelector('BeaconUpgraded(address)'));
  });

  it('reads a word as an address only when it is one', () => {
    assert.strictEqual(wordToAddress(word(TOKEN)), TOKEN);
    assert.strictEqual(wordToAddress('0x0'), undefined);
    assert.strictEqual(wordToAddress('0x' + '0'.repeat(64)), undefined);
    assert.strictEqual(wordToAddress('0x' + 'ff'.repeat(32)), undefined, 'upper bytes set: not an address');
    assert.strictEqual(wordToAddress(42), undefined);
  });

  it('finds the implementation slot, caches it per block range, and shares one read between concurrent lookups', async () => {
    const rpc = scriptedRpc({ [`${PROXY}:${EIP1967_IMPLEMENTATION_SLOT}`]: word(TOKEN) });
    const proxies = new ProxyResolver({ blockRange: 100 });
    const [a, b] = await Promise.all([proxies.resolve(rpc, PROXY, 150), proxies.resolve(rpc, PROXY, 199)]);
    assert.deepStrictEqual(a, { implementation: TOKEN });
    assert.strictEqual(a, b);
    assert.strictEqual(rpc.requests.length, 1);
    assert.deepStrictEqual(rpc.requests[0], ['eth_getStorageAt', PROXY, EIP1967_IMPLEMENTATION_SLOT, '0x96']);
    assert.deepStrictEqual(proxies.cached(PROXY, 120), { implementation: TOKEN });
    assert.strictEqual(proxies.cached(PROXY, 200), undefined, 'another block range is read again');
    proxies.observe(PROXY, TOPIC_UPGRADED);
    assert.strictEqual(proxies.cached(PROXY, 120), undefined, 'an Upgraded log drops the cached answer');
  });

  it('follows the beacon slot to the beacon implementation(), and says "not a proxy" for a plain contract', async () => {
    const beacon = '0x00000000000000000000000000000000000bea c0'.replace(' ', '');
    const rpc = scriptedRpc({ [`${PROXY}:${EIP1967_BEACON_SLOT}`]: word(beacon) }, { [`${beacon}:${IMPLEMENTATION_SELECTOR}`]: word(REGISTRY) });
    const proxies = new ProxyResolver();
    assert.deepStrictEqual(await proxies.resolve(rpc, PROXY, 1), { implementation: REGISTRY, beacon });
    assert.deepStrictEqual(await proxies.resolve(rpc, UNKNOWN, 1), {});
  });

  it('asks for latest state when the node cannot serve the block, and caches a failure instead of rejecting', async () => {
    const pruned = scriptedRpc({ [`${PROXY}:${EIP1967_IMPLEMENTATION_SLOT}`]: word(TOKEN) }, {}, { failAtBlock: true });
    assert.deepStrictEqual(await new ProxyResolver().resolve(pruned, PROXY, 5), { implementation: TOKEN });
    assert.deepStrictEqual(pruned.requests.map((r) => r[r.length - 1]), ['0x5', 'latest']);
    const down: RpcRequester = { request: () => Promise.reject(new Error('connection closed')) };
    const proxies = new ProxyResolver();
    const info = await proxies.resolve(down, PROXY, 5);
    assert.match(info.error ?? '', /connection closed/);
    assert.strictEqual(proxies.cached(PROXY, 5), info);
  });

  it('holds at most maxEntries answers', async () => {
    const rpc = scriptedRpc({});
    const proxies = new ProxyResolver({ maxEntries: 2, blockRange: 1 });
    for (let b = 0; b < 5; b++) await proxies.resolve(rpc, PROXY, b);
    assert.strictEqual(proxies.cached(PROXY, 0), undefined);
    assert.ok(proxies.cached(PROXY, 4));
    assert.ok(proxies.cached(PROXY, 3));
    assert.strictEqual(proxies.cached(PROXY, 2), undefined);
  });
});

describe('workspace decoder: which ABI decodes a log', () => {
  const { index } = fixtureIndex(['foundry-project']);

  it('the address-scoped artifact wins over the ambiguous global table', () => {
    const decode = createWorkspaceDecoder(decodeModule, { index, chainId: 31337 });
    const t = decode(minted.topics, minted.data, { address: TOKEN, blockNumber: 1 });
    assert.strictEqual(t.decoded?.contract, 'Token');
    assert.strictEqual(t.decoded?.standard, 'workspace');
    assert.strictEqual(t.decoded?.artifact, 'foundry-project/out/Token.sol/Token.json');
    assert.deepStrictEqual(params(t.decoded), { to: ALICE, amount: '5' });
    const r = decode(minted.topics, minted.data, { address: REGISTRY, blockNumber: 1 });
    assert.strictEqual(r.decoded?.contract, 'Registry');
    assert.deepStrictEqual(params(r.decoded), { to: '0x0000000000000000000000000000000000000005', amount: BigInt(ALICE).toString() });
  });

  it('an unknown address with two fitting layouts stays raw with a warning that names both', () => {
    const decode = createWorkspaceDecoder(decodeModule, { index });
    const u = decode(minted.topics, minted.data, { address: UNKNOWN, blockNumber: 1 });
    assert.strictEqual(u.decoded, undefined);
    assert.match(u.warning ?? '', /^ambiguous: 2 workspace events fit this log with different indexed inputs \(Minted\(address,uint256\) in Registry; Minted\(address,uint256\) in Token\); no deployment record names 0x7000/);
  });

  it('an unknown address with one fitting layout decodes from the global table', () => {
    const pinged = encodeLog('Pinged(uint256 n)', { n: 7n });
    const d = createWorkspaceDecoder(decodeModule, { index })(pinged.topics, pinged.data, { address: UNKNOWN, blockNumber: 1 });
    assert.strictEqual(d.decoded?.contract, 'Lonely');
    assert.deepStrictEqual(params(d.decoded), { n: '7' });
    // only one layout fits when the other needs a different topic count
    const three = encodeLog('Minted(address indexed to, uint256 indexed amount)', { to: ALICE, amount: 1n });
    assert.match(createWorkspaceDecoder(decodeModule, { index })(three.topics, three.data).warning ?? '', /log does not fit Minted\(address,uint256\): expected 2 topics, got 3/);
  });

  it('tuples, arrays and indexed strings from an artifact decode; a log that does not fit stays raw with a warning', () => {
    const note = encodeLog('Note(string indexed what, uint256[] tags, (uint256 a, bytes32 b) pair)', { what: 'hi', tags: [1n, 2n], pair: { a: 3n, b: '0x' + '11'.repeat(32) } });
    const d = createWorkspaceDecoder(decodeModule, { index })(note.topics, note.data, { address: TOKEN, blockNumber: 1 });
    assert.deepStrictEqual(params(d.decoded), { what: keccak256(stringToBytes('hi')), tags: ['1', '2'], pair: { a: '3', b: '0x' + '11'.repeat(32) } });
    const short = createWorkspaceDecoder(decodeModule, { index })(note.topics, '0x1234', { address: TOKEN, blockNumber: 1 });
    assert.strictEqual(short.decoded, undefined);
    assert.match(short.warning ?? '', /^log does not fit Note\(string,uint256\[\],\(uint256,bytes32\)\)/);
  });

  it('a proxy address decodes with its implementation artifact and says so', () => {
    const proxies = new ProxyResolver();
    const decode = createWorkspaceDecoder(decodeModule, { index, proxies, chainId: 31337 });
    const opts = { index, proxies, chainId: 31337 };
    assert.strictEqual(wantsProxyLookup(opts, PROXY, minted.topics[0], 10), true, 'the proxy artifact has no Minted: read the slot');
    assert.strictEqual(wantsProxyLookup(opts, TOKEN, minted.topics[0], 10), false, 'a known implementation needs no read');
    // before the slot is read: ambiguous
    assert.match(decode(minted.topics, minted.data, { address: PROXY, blockNumber: 10 }).warning ?? '', /^ambiguous/);
    return proxies.resolve(scriptedRpc({ [`${PROXY}:${EIP1967_IMPLEMENTATION_SLOT}`]: word(REGISTRY) }), PROXY, 10).then(() => {
      const d = decode(minted.topics, minted.data, { address: PROXY, blockNumber: 10 });
      assert.strictEqual(d.decoded?.via, `decoded via proxy implementation ${REGISTRY} (Registry)`);
      assert.strictEqual(d.decoded?.contract, 'Registry');
      assert.strictEqual(wantsProxyLookup(opts, PROXY, minted.topics[0], 10), false, 'answered from the cache');
    });
  });

  it('the stream ABI comes first; the well-known events still decode; nothing throws on junk', () => {
    const own = decodeModule.parseAbi([{ type: 'event', name: 'Minted', inputs: [{ name: 'who', type: 'address', indexed: true }, { name: 'n', type: 'uint256' }] }]).registry;
    const decode = createWorkspaceDecoder(decodeModule, { index, stream: own });
    const d = decode(minted.topics, minted.data, { address: UNKNOWN, blockNumber: 1 });
    assert.strictEqual(d.decoded?.standard, 'abi');
    assert.deepStrictEqual(params(d.decoded), { who: ALICE, n: '5' });
    const transfer = encodeLog('Transfer(address indexed from, address indexed to, uint256 value)', { from: ALICE, to: BOB, value: 9n });
    const w = createWorkspaceDecoder(decodeModule, {})(transfer.topics, transfer.data);
    assert.strictEqual(w.decoded?.standard, 'ERC-20');
    // Token declares the ERC-20 Transfer too: at its address it is the workspace's
    assert.strictEqual(createWorkspaceDecoder(decodeModule, { index })(transfer.topics, transfer.data, { address: TOKEN, blockNumber: 1 }).decoded?.contract, 'Token');
    assert.deepStrictEqual(decode([], '0x'), {});
    assert.deepStrictEqual(decode(['nope' as string], 'zz'), {});
    assert.doesNotThrow(() => decode([minted.topics[0]!, 'x'], 'zz', { address: 'bad', blockNumber: NaN }));
  });
});
