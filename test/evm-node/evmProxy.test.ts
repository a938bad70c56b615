// Against a real node (hardhat@2, started by test/suites/30-evm.js on 127.0.0.1, CW_EVM_NODE_URL): an ERC-1967 proxy
// and its implementation, deployed from hand-assembled bytecode (each opcode is listed below, so the "source" is
// right here). A call to the proxy delegate-calls the implementation, which logs Minted(caller, counter) from the
// proxy's address. The workspace knows the implementation's address (a hardhat-deploy record) and also holds another
// artifact declaring Minted(address,uint256) with the other input indexed: only the proxy's implementation slot,
// read through the stream's node, says which one the log is.
import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import { ArtifactIndex } from '../../src/core/artifacts/artifactIndex';
import { parseAbi, type DecodedLog } from '../../src/core/evm/evmDecode';
import { EIP1967_IMPLEMENTATION_SLOT } from '../../src/core/evm/evmProxy';
import { EvmStream, type WorkspaceArtifacts } from '../../src/core/evm/evmStream';
import { createLogger, MemorySink } from '../../src/core/logger';
import { toEventSelector } from 'viem';
import { observeEvm } from '../unit/support/evmObserve';

const nodeUrl = process.env.CW_EVM_NODE_URL;
const MINTED = toEventSelector('Minted(address,uint256)');

/** Implementation runtime: counter = sload(0) + 1; sstore(0, counter); mstore(0, counter); log2(0, 32, Minted, caller). */
const implRuntime = [
  '600054', // PUSH1 0 SLOAD (the proxy's storage: this runs by DELEGATECALL)
  '600101', // PUSH1 1 ADD
  '80', // DUP1
  '600055', // PUSH1 0 SSTORE
  '600052', // PUSH1 0 MSTORE
  '33', // CALLER (topic1: the original caller under DELEGATECALL)
  '7f' + MINTED.slice(2), // PUSH32 topic0
  '6020', // PUSH1 32 (size)
  '6000', // PUSH1 0 (offset)
  'a2', // LOG2
  '00', // STOP
].join('');

/** Proxy runtime: delegatecall(gas, sload(IMPLEMENTATION_SLOT), 0, 0, 0, 0); stop. */
const proxyRuntime = [
  '6000', // PUSH1 0 (retSize)
  '6000', // PUSH1 0 (retOffset)
  '6000', // PUSH1 0 (argsSize)
  '6000', // PUSH1 0 (argsOffset)
  '7f' + EIP1967_IMPLEMENTATION_SLOT.slice(2), // PUSH32 slot
  '54', // SLOAD (the implementation)
  '5a', // GAS
  'f4', // DELEGATECALL
  '50', // POP
  '00', // STOP
].join('');

/** `setup` then CODECOPY the runtime (which follows the 11-byte copier) to memory 0 and RETURN it. */
function initCode(runtime: string, setup = ''): string {
  const size = runtime.length / 2;
  assert.ok(size < 256);
  const offset = setup.length / 2 + 11;
  const hex = (n: number) => n.toString(16).padStart(2, '0');
  // PUSH1 size, DUP1, PUSH1 offset, PUSH1 0, CODECOPY, PUSH1 0, RETURN
  return '0x' + setup + `60${hex(size)}8060${hex(offset)}600039` + '6000f3' + runtime;
}

let rpcId = 1;
async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(nodeUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

async function deploy(from: string, data: string): Promise<string> {
  const hash = await rpc<string>('eth_sendTransaction', [{ from, data, gas: '0x100000' }]);
  const receipt = await rpc<{ contractAddress: string | null }>('eth_getTransactionReceipt', [hash]);
  assert.ok(receipt.contractAddress, 'deployed');
  return receipt.contractAddress!.toLowerCase();
}

const mintedAbi = (toIndexed: boolean) => [
  { type: 'event', name: 'Minted', inputs: [{ name: 'to', type: 'address', indexed: toIndexed }, { name: 'amount', type: 'uint256', indexed: !toIndexed }] },
];

describe('EIP-1967 proxy logs decoded via the implementation, against a real hardhat node', function () {
  let from: string;
  let impl: string;
  let proxy: string;
  const disposers: Array<() => void> = [];
  const logSink = new MemorySink(2000);

  before(async function () {
    if (!nodeUrl) this.skip();
    [from] = await rpc<string[]>('eth_accounts');
    from = from.toLowerCase();
    impl = await deploy(from, initCode(implRuntime));
    // constructor: sstore(IMPLEMENTATION_SLOT, impl) = PUSH20 impl, PUSH32 slot, SSTORE
    proxy = await deploy(from, initCode(proxyRuntime, '73' + impl.slice(2) + '7f' + EIP1967_IMPLEMENTATION_SLOT.slice(2) + '55'));
    const slot = await rpc<string>('eth_getStorageAt', [proxy, EIP1967_IMPLEMENTATION_SLOT, 'latest']);
    assert.strictEqual(BigInt(slot), BigInt(impl), 'the proxy holds its implementation in the EIP-1967 slot');
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.error(logSink.lines.map((l) => `${l.level} ${l.message}`).join('\n'));
    logSink.lines.length = 0;
    for (const d of disposers.splice(0)) d();
  });

  function workspace(withImplRecord: boolean): WorkspaceArtifacts {
    const index = new ArtifactIndex(parseAbi);
    if (withImplRecord) index.update('deployments/localhost/MintImpl.json', JSON.stringify({ address: impl, abi: mintedAbi(true) }));
    // two artifacts, one layout each: a log from an address no record names is ambiguous between them
    index.update('out/MintImpl.sol/MintImpl.json', JSON.stringify({ abi: mintedAbi(true) }));
    index.update('out/Registry.sol/Registry.json', JSON.stringify({ abi: mintedAbi(false) }));
    return { index: async () => index, readAbiFile: async () => Promise.reject(new Error('none')) };
  }

  async function watchOneMint(ws: WorkspaceArtifacts): Promise<ChainEvent> {
    const stream = new EvmStream(
      { id: 'proxy', provider: 'evm', chainId: 31337, address: proxy, topics: [MINTED] },
      { clock: new FakeClock(), logger: createLogger(logSink), getKey: async () => nodeUrl!.replace(/^http/, 'ws'), workspace: ws },
    );
    disposers.push(() => stream.dispose());
    const { events, until, kick } = observeEvm(stream);
    stream.connect();
    await until(() => stream.status().state === 'live');
    const hash = await rpc<string>('eth_sendTransaction', [{ from, to: proxy, gas: '0x30000' }]);
    const receipt = await rpc<{ logs: Array<{ address: string }> }>('eth_getTransactionReceipt', [hash]);
    assert.strictEqual(receipt.logs.length, 1);
    assert.strictEqual(receipt.logs[0]!.address.toLowerCase(), proxy, 'the log comes from the proxy address');
    kick();
    await until(() => events.length === 1);
    return events[0]!;
  }

  it('reads the implementation slot through the stream node and decodes with the implementation artifact', async () => {
    const ev = await watchOneMint(workspace(true));
    const decoded = (ev.payload as { decoded?: DecodedLog }).decoded;
    assert.ok(decoded, `decoded (warnings: ${ev.warnings?.join('; ')})`);
    assert.strictEqual(decoded.via, `decoded via proxy implementation ${impl} (MintImpl)`);
    assert.strictEqual(decoded.contract, 'MintImpl');
    assert.strictEqual(ev.type, 'Minted');
    const to = decoded.params.find((p) => p.name === 'to');
    assert.strictEqual(to?.value, from, 'the indexed input is the caller, as the implementation artifact says');
    assert.ok(Number(decoded.params.find((p) => p.name === 'amount')?.value) >= 1);
    assert.strictEqual(ev.sender, proxy);
  });

  it('without a record of the implementation the same log is ambiguous and stays raw, saying why', async () => {
    const ev = await watchOneMint(workspace(false));
    assert.strictEqual((ev.payload as { decoded?: DecodedLog }).decoded, undefined);
    assert.match(ev.warnings?.[0] ?? '', /^ambiguous: 2 workspace events fit this log/);
  });
});
