// EvmStream with the workspace's artifacts (the fixture Foundry project) against the scripted node: address-scoped
// decoding, a proxy's logs decoded via the implementation read from its EIP-1967 slot, arrival order kept while a
// slot read is pending, a named ABI file, and a workspace scan that never finishes.
import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import type { DecodedLog } from '../../src/core/evm/evmDecode';
import { EIP1967_IMPLEMENTATION_SLOT } from '../../src/core/evm/evmProxy';
import { EvmStream, type EvmStreamDefinition, type WorkspaceArtifacts } from '../../src/core/evm/evmStream';
import type { ArtifactIndex } from '../../src/core/artifacts/artifactIndex';
import { createLogger, MemorySink } from '../../src/core/logger';
import { ScriptedNode } from './support/evmScriptedNode';
import { encodeLog, fixtureIndex, PROXY, REGISTRY, TOKEN, UNKNOWN } from './support/artifactFixtures';

const ALICE = '0x00000000000000000000000000000000000a11ce';
const minted = encodeLog('Minted(address indexed to, uint256 amount)', { to: ALICE, amount: 5n });
const word = (addr: string) => '0x' + addr.slice(2).padStart(64, '0');

let logNo = 0;
function rawLog(address: string, block: number, topics = minted.topics, data = minted.data) {
  const i = logNo++;
  return {
    address,
    blockHash: '0x' + block.toString(16).padStart(64, 'b'),
    blockNumber: '0x' + block.toString(16),
    logIndex: '0x' + i.toString(16),
    transactionHash: '0x' + i.toString(16).padStart(64, 'e'),
    transactionIndex: '0x0',
    topics,
    data,
  };
}

const decodedOf = (e: ChainEvent) => (e.payload as { decoded?: DecodedLog }).decoded;

interface Rig {
  node: ScriptedNode;
  stream: EvmStream;
  clock: FakeClock;
  events: ChainEvent[];
  sink: MemorySink;
  until(cond: () => boolean): Promise<void>;
  /** Re-checks pending `until`s (for conditions outside events, status and log lines). */
  kick(): void;
}

const rigs: Rig[] = [];

async function rig(workspace: WorkspaceArtifacts | undefined, def: Partial<EvmStreamDefinition> = {}): Promise<Rig> {
  const node = new ScriptedNode();
  const url = await node.start();
  const clock = new FakeClock();
  const sink = new MemorySink();
  const waiters: Array<() => void> = [];
  const kick = () => {
    for (const w of waiters.splice(0)) w();
  };
  const stream = new EvmStream(
    { id: 'ws-test', provider: 'evm', chainId: 31337, ...def },
    {
      clock,
      logger: createLogger({ log: (l: Parameters<MemorySink['log']>[0], m: string) => (sink.log(l, m), kick()) }),
      getKey: async () => url,
      ...(workspace ? { workspace } : {}),
    },
  );
  const events: ChainEvent[] = [];
  stream.onEvents((evs) => {
    events.push(...evs);
    kick();
  });
  stream.onStatus(kick);
  const r: Rig = {
    node,
    stream,
    clock,
    events,
    sink,
    kick,
    async until(cond) {
      while (!cond()) await new Promise<void>((res) => waiters.push(res));
    },
  };
  rigs.push(r);
  return r;
}

const workspaceOf = (index: ArtifactIndex | undefined, files: Record<string, string> = {}): WorkspaceArtifacts => ({
  index: async () => index,
  readAbiFile: async (p) => {
    if (!(p in files)) throw new Error(`${p} does not exist`);
    return files[p]!;
  },
});

describe('EvmStream with workspace artifacts (scripted node)', () => {
  afterEach(async () => {
    for (const r of rigs.splice(0)) {
      r.stream.dispose();
      await r.node.stop();
    }
  });

  it('decodes a deployed contract by its artifact and a proxy via its implementation, in arrival order', async () => {
    const { index } = fixtureIndex(['foundry-project']);
    const r = await rig(workspaceOf(index));
    // the proxy's slot read is answered only when the test says so: the Token log behind it must wait its turn
    let answer: (() => void) | undefined;
    r.node.overrides.eth_getStorageAt = ([addr, slot, block], ws, id) => {
      const reply = () => ws.send(JSON.stringify({ jsonrpc: '2.0', id, result: addr === PROXY && slot === EIP1967_IMPLEMENTATION_SLOT ? word(REGISTRY) : '0x0' }));
      assert.strictEqual(block, '0x7');
      answer = reply;
      r.kick();
      return undefined;
    };
    r.stream.connect();
    await r.until(() => r.stream.status().state === 'live');
    r.node.notifyAll(rawLog(PROXY, 7));
    r.node.notifyAll(rawLog(TOKEN, 7));
    // both notifications have reached the client (its frame trace shows the Token log) and neither is shown yet
    await r.until(() => answer !== undefined && r.sink.lines.some((l) => l.level === 'trace' && l.message.includes('eth_subscription') && l.message.includes(TOKEN.slice(2))));
    assert.strictEqual(r.events.length, 0, 'the Token log waits behind the proxy log');
    answer!();
    await r.until(() => r.events.length === 2);
    const [viaProxy, token] = r.events.map(decodedOf);
    assert.strictEqual(viaProxy?.via, `decoded via proxy implementation ${REGISTRY} (Registry)`);
    assert.strictEqual(viaProxy?.contract, 'Registry');
    assert.strictEqual(r.events[0]!.type, 'Minted');
    assert.strictEqual(token?.contract, 'Token');
    assert.strictEqual(token?.via, undefined);
    // the next proxy log in the same block range is answered from the cache: no second read
    r.node.notifyAll(rawLog(PROXY, 8));
    await r.until(() => r.events.length === 3);
    assert.strictEqual(r.node.calls.filter((c) => c.method === 'eth_getStorageAt').length, 1);
    assert.strictEqual(decodedOf(r.events[2]!)?.contract, 'Registry');
  });

  it('a slot read that never answers holds a log up only proxyLookupMs, then the log is shown as the workspace can', async () => {
    const { index } = fixtureIndex(['foundry-project']);
    const r = await rig(workspaceOf(index));
    let asked = false;
    r.node.overrides.eth_getStorageAt = () => {
      asked = true;
      r.kick();
      return undefined;
    };
    r.stream.connect();
    await r.until(() => r.stream.status().state === 'live');
    r.node.notifyAll(rawLog(UNKNOWN, 3));
    await r.until(() => asked);
    assert.strictEqual(r.events.length, 0);
    r.clock.advance(5_000);
    await r.until(() => r.events.length === 1);
    assert.strictEqual(decodedOf(r.events[0]!), undefined);
    assert.match(r.events[0]!.warnings?.[0] ?? '', /^ambiguous: 2 workspace events fit this log/);
  });

  it('reads an ABI file the definition names, and says so when it cannot', async () => {
    const abi = JSON.stringify([{ type: 'event', name: 'Minted', inputs: [{ name: 'who', type: 'address', indexed: true }, { name: 'n', type: 'uint256' }] }]);
    const r = await rig(workspaceOf(undefined, { 'abis/Mine.json': abi }), { abi: 'abis/Mine.json' });
    r.stream.connect();
    await r.until(() => r.stream.status().state === 'live');
    r.node.notifyAll(rawLog(UNKNOWN, 2));
    await r.until(() => r.events.length === 1);
    assert.strictEqual(decodedOf(r.events[0]!)?.standard, 'abi');
    assert.deepStrictEqual(decodedOf(r.events[0]!)?.params.map((p) => p.name), ['who', 'n']);
    const missing = await rig(workspaceOf(undefined), { abi: 'abis/Gone.json' });
    missing.stream.connect();
    await missing.until(() => missing.stream.status().state === 'live');
    assert.ok(missing.sink.lines.some((l) => l.message.includes('ABI file "abis/Gone.json" not read: abis/Gone.json does not exist')), missing.sink.lines.map((l) => l.message).join('\n'));
  });

  it('connects without waiting past workspaceWaitMs for a scan that has not finished, and uses the index once it is there', async () => {
    const { index } = fixtureIndex(['foundry-project']);
    let finish: (ix: ArtifactIndex) => void = () => undefined;
    const slow: WorkspaceArtifacts = { index: () => new Promise((res) => (finish = res)), readAbiFile: async () => '' };
    const r = await rig(slow);
    r.stream.connect();
    await new Promise((res) => setImmediate(res));
    r.clock.advance(5_000);
    await r.until(() => r.stream.status().state === 'live');
    r.node.notifyAll(rawLog(TOKEN, 4));
    await r.until(() => r.events.length === 1);
    assert.strictEqual(decodedOf(r.events[0]!), undefined, 'no artifacts yet: Minted is unknown');
    finish(index);
    await r.until(() => r.sink.lines.some((l) => l.message.includes('decoding with')));
    r.node.notifyAll(rawLog(TOKEN, 4));
    await r.until(() => r.events.length === 2);
    assert.strictEqual(decodedOf(r.events[1]!)?.contract, 'Token');
  });
});
