// Against a real node: hardhat@2 started by test/suites/30-evm.js on 127.0.0.1 (CW_EVM_NODE_URL). A contract
// deployed from hand-written bytecode emits one LOG3 (an ERC-20-shaped Transfer with a counter as the value) per
// call; transactions keep coming while the client's WebSocket is killed several times through a loopback proxy.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import type { ChainEvent } from '../../src/core/event';
import { TOPIC_TRANSFER } from '../../src/core/evm/evmDecode';
import { EvmStream } from '../../src/core/evm/evmStream';
import { createLogger, MemorySink } from '../../src/core/logger';
import { keccak256 as keccakBytes, stringToBytes } from 'viem';
import { observeEvm } from '../unit/support/evmObserve';
import { TcpProxy } from './support/tcpProxy';

const keccak256 = (text: string): string => keccakBytes(stringToBytes(text));

const nodeUrl = process.env.CW_EVM_NODE_URL;

/** Runtime: counter = sload(0) + 1; sstore(0, counter); mstore(0, counter); log3(0, 32, Transfer, caller, this). */
function runtimeCode(): string {
  return [
    '600054', // PUSH1 0 SLOAD
    '600101', // PUSH1 1 ADD
    '80', // DUP1
    '600055', // PUSH1 0 SSTORE
    '600052', // PUSH1 0 MSTORE
    '30', // ADDRESS (topic2)
    '33', // CALLER (topic1)
    '7f' + TOPIC_TRANSFER.slice(2), // PUSH32 topic0
    '6020', // PUSH1 32 (size)
    '6000', // PUSH1 0 (offset)
    'a3', // LOG3
    '00', // STOP
  ].join('');
}

/** Init code: CODECOPY the runtime (which follows this 11-byte prefix) to memory 0 and RETURN it. */
function initCode(): string {
  const runtime = runtimeCode();
  const size = runtime.length / 2;
  assert.ok(size < 256);
  const sz = size.toString(16).padStart(2, '0');
  const prefix = `60${sz}80600b600039` + '6000f3';
  assert.strictEqual(prefix.length / 2, 11);
  return '0x' + prefix + runtime;
}

let rpcId = 1;
async function rpc<T = unknown>(method: string, params: unknown[] = []): Promise<T> {
  const res = await fetch(nodeUrl!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: rpcId++, method, params }) });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

interface Receipt {
  contractAddress: string | null;
  blockNumber: string;
  logs: unknown[];
}

describe('EvmStream against a real hardhat node', function () {
  let from: string;
  let contract: string;
  let proxy: TcpProxy;
  let proxyPort: number;
  const cleanups: Array<() => void | Promise<void>> = [];
  /** Re-check functions of the open streams' waits (called after each transaction, too). */
  const kicks = new Set<() => void>();
  let waitingFor = '';
  const logSink = new MemorySink(2000);

  before(async function () {
    if (!nodeUrl) this.skip();
    [from] = await rpc<string[]>('eth_accounts');
    const hash = await rpc<string>('eth_sendTransaction', [{ from, data: initCode(), gas: '0x100000' }]);
    const receipt = await rpc<Receipt>('eth_getTransactionReceipt', [hash]);
    assert.ok(receipt.contractAddress, 'contract deployed');
    contract = receipt.contractAddress!;
    assert.strictEqual(await rpc<string>('eth_getCode', [contract, 'latest']), '0x' + runtimeCode());
    proxy = new TcpProxy(Number(new URL(nodeUrl!).port));
    proxyPort = await proxy.start();
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      console.error(`was waiting for ${waitingFor}\n${logSink.lines.map((l) => `${l.level} ${l.message}`).join('\n')}`);
    }
    logSink.lines.length = 0;
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  after(async () => {
    await proxy?.stop();
  });

  /** Calls the contract; resolves when the transaction is mined (hardhat automines), with its block number. */
  async function poke(gas = '0x30000'): Promise<number> {
    const hash = await rpc<string>('eth_sendTransaction', [{ from, to: contract, gas }]);
    const receipt = await rpc<Receipt>('eth_getTransactionReceipt', [hash]);
    assert.strictEqual(receipt.logs.length, 1);
    for (const k of kicks) k();
    return parseInt(receipt.blockNumber, 16);
  }

  function open(opts: { journalDir?: string; clock?: FakeClock } = {}) {
    const clock = opts.clock ?? new FakeClock();
    const stream = new EvmStream(
      { id: 'hardhat', provider: 'evm', chainId: 31337, address: contract, topics: [TOPIC_TRANSFER] },
      { clock, logger: createLogger(logSink), getKey: async () => `ws://127.0.0.1:${proxyPort}`, backoff: { baseMs: 100, maxMs: 1_000 }, random: () => 0.5, ...(opts.journalDir ? { journalDir: opts.journalDir } : {}) },
    );
    const { events, backfills, kick, until: untilCond } = observeEvm(stream);
    cleanups.push(() => stream.dispose());
    // event-driven: conditions are re-checked on every event, status change, backfill and sent transaction
    const until = async (cond: () => boolean, what: string) => {
      waitingFor = `${what}: ${JSON.stringify(stream.status())}`;
      await untilCond(cond);
    };
    kicks.add(kick);
    cleanups.push(() => void kicks.delete(kick));
    return { clock, stream, events, backfills, until };
  }

  const counter = (e: ChainEvent) => Number((e.payload as { decoded: { params: Array<{ value: string }> } }).decoded.params[2].value);

  it('hashes like the node does (web3_sha3), across keccak block boundaries', async () => {
    for (const text of ['Transfer(address,address,uint256)', 'x'.repeat(135), 'y'.repeat(136), 'z'.repeat(300)]) {
      assert.strictEqual(keccak256(text), await rpc<string>('web3_sha3', ['0x' + Buffer.from(text).toString('hex')]));
    }
  });

  it('keeps every log exactly once, in order, while the socket is killed mid-stream and transactions keep coming', async () => {
    const s = open();
    s.stream.connect();
    await s.until(() => s.stream.status().state === 'live', 'live');
    const total = 45;
    const dropAt = new Set([8, 20, 33]);
    let drops = 0;
    let sent = 0;
    let droppedAt = 0;
    const sender = (async () => {
      for (let i = 1; i <= total; i++) {
        sent = i;
        await poke();
        if (dropAt.has(i) && proxy.killAll() > 0) {
          drops++;
          droppedAt = i;
        }
      }
    })();
    // reconnect whenever the stream notices a drop (a kill can also hit a connection that is not live yet);
    // the sender does not wait for any of it
    let reconnects = 0;
    let senderDone = false;
    void sender.then(() => {
      senderDone = true;
      for (const k of kicks) k();
    });
    for (;;) {
      await s.until(() => s.stream.status().state === 'reconnecting' || (senderDone && s.stream.status().state === 'live'), 'a drop or the end');
      if (s.stream.status().state !== 'reconnecting') break;
      // stay down while a few more transactions are mined, so the gap is real
      await s.until(() => senderDone || sent >= droppedAt + 3, 'transactions while disconnected');
      reconnects++;
      s.clock.advance(s.stream.status().nextRetryAt! - s.clock.now());
    }
    await sender;
    await s.until(() => s.events.length >= total, `${total} events`);
    // after everything arrived, one more log proves the live subscription is still working
    await poke();
    await s.until(() => s.events.length === total + 1, 'one more live event');
    assert.ok(drops >= 2, `the socket was killed (${drops} times)`);
    assert.ok(reconnects >= drops, `${reconnects} reconnects for ${drops} kills`);
    const counters = s.events.map(counter);
    const start = counters[0];
    assert.deepStrictEqual(counters, Array.from({ length: total + 1 }, (_, i) => start + i), 'every counter once, in order');
    assert.strictEqual(new Set(s.events.map((e) => e.id)).size, s.events.length);
    for (let i = 1; i < s.events.length; i++) assert.ok(s.events[i].checkpoint! > s.events[i - 1].checkpoint!, 'chain order');
    assert.ok(s.events.every((e) => e.type === 'Transfer' && e.sender === contract.toLowerCase() && !e.removed));
    const backfilled = s.backfills.reduce((n, b) => n + b.backfilled, 0);
    console.log(`      ${total + 1} logs, ${drops} socket kills, ${reconnects} reconnects, ${backfilled} logs backfilled with eth_getLogs`);
    assert.ok(backfilled > 0, 'some logs came from eth_getLogs');
    assert.strictEqual(s.events.filter((e) => (e.payload as { source: string }).source === 'backfill').length, backfilled);
  });

  it('resumes from its journal after a restart, backfilling what was mined while it was closed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-evm-journal-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const a = open({ journalDir: dir });
    a.stream.connect();
    await a.until(() => a.stream.status().state === 'live', 'live');
    await poke();
    await poke();
    await a.until(() => a.events.length === 2, 'two events');
    await a.stream.flush();
    a.stream.disconnect();
    const lastSeen = counter(a.events[1]);
    await poke();
    await poke();
    await poke();
    const b = open({ journalDir: dir });
    b.stream.connect();
    await b.until(() => b.backfills.length === 1 && b.events.length === 3, 'three backfilled events');
    assert.deepStrictEqual(b.events.map(counter), [lastSeen + 1, lastSeen + 2, lastSeen + 3]);
    assert.strictEqual(b.backfills[0].backfilled, 3);
    await poke();
    await b.until(() => b.events.length === 4, 'live again');
    assert.strictEqual(counter(b.events[3]), lastSeen + 4);
  });

  it('marks logs removed when the chain is reverted while connected (hardhat announces nothing: a new block hash at a shown height)', async () => {
    const s = open();
    const notices: string[] = [];
    s.stream.onNotice((n) => void notices.push(n.message));
    s.stream.connect();
    await s.until(() => s.stream.status().state === 'live', 'live');
    await poke();
    const snapshot = await rpc<string>('evm_snapshot');
    await poke();
    await poke();
    await s.until(() => s.events.length === 3, 'three events');
    const [kept, b, c] = s.events;
    assert.strictEqual(await rpc<boolean>('evm_revert', [snapshot]), true);
    const height = await poke('0x30001');
    assert.strictEqual(height, b.checkpoint, 'the replacement is mined at a height the feed already showed');
    await s.until(() => s.events.length === 6, 'two removals and the replacement');
    assert.strictEqual(s.stream.status().state, 'live', 'no reconnect was needed');
    assert.deepStrictEqual(s.events.slice(3, 5).map((e) => [e.id, e.removed]), [[`${c.id}:removed`, true], [`${b.id}:removed`, true]]);
    const replacement = s.events[5];
    assert.strictEqual(replacement.removed, undefined);
    assert.strictEqual(replacement.checkpoint, b.checkpoint);
    assert.strictEqual(counter(replacement), counter(kept) + 1);
    assert.ok(notices.includes(`reorg at block ${b.checkpoint} (depth 2): 2 logs removed (the node did not announce it)`), notices.join('\n'));
    // the new chain goes on live, and a later reconnect finds nothing left to repair
    await poke();
    await s.until(() => s.events.length === 7, 'the next live log');
    assert.strictEqual(counter(s.events[6]), counter(kept) + 2);
    proxy.killAll();
    await s.until(() => s.stream.status().state === 'reconnecting', 'reconnecting');
    s.clock.advance(s.stream.status().nextRetryAt! - s.clock.now());
    await s.until(() => s.backfills.length === 1, 'the gap fill');
    assert.strictEqual(s.backfills[0].reorgRemoved, 0);
    assert.strictEqual(s.events.length, 7);
  });

  it('a reconnect repairs a revert the live logs could not reveal (the new chain has no log at the reverted heights)', async () => {
    const s = open();
    s.stream.connect();
    await s.until(() => s.stream.status().state === 'live', 'live');
    await poke();
    const snapshot = await rpc<string>('evm_snapshot');
    await poke();
    await s.until(() => s.events.length === 2, 'two events');
    const doomed = s.events[1];
    assert.strictEqual(await rpc<boolean>('evm_revert', [snapshot]), true);
    // an empty block at the doomed height, then a log above it: live, nothing looks wrong yet
    await rpc('evm_mine');
    await poke();
    await s.until(() => s.events.length === 3, 'the log above');
    assert.ok(!s.events.some((e) => e.removed));
    proxy.killAll();
    await s.until(() => s.stream.status().state === 'reconnecting', 'reconnecting');
    s.clock.advance(s.stream.status().nextRetryAt! - s.clock.now());
    await s.until(() => s.backfills.length === 1 && s.events.length === 4, 'the removal');
    assert.deepStrictEqual([s.events[3].id, s.events[3].removed], [`${doomed.id}:removed`, true]);
    assert.strictEqual(s.backfills[0].reorgRemoved, 1);
  });

  it('marks logs removed when the chain was reverted (a reorg) while the socket was down', async () => {
    const s = open();
    s.stream.connect();
    await s.until(() => s.stream.status().state === 'live', 'live');
    await poke();
    const snapshot = await rpc<string>('evm_snapshot');
    await poke();
    await poke();
    await s.until(() => s.events.length === 3, 'three events');
    const [kept, b, c] = s.events;
    proxy.killAll();
    await s.until(() => s.stream.status().state === 'reconnecting', 'reconnecting');
    assert.strictEqual(await rpc<boolean>('evm_revert', [snapshot]), true);
    // a different transaction at b's height: a different block there
    const height = await poke('0x30001');
    assert.strictEqual(height, b.checkpoint);
    s.clock.advance(s.stream.status().nextRetryAt! - s.clock.now());
    await s.until(() => s.backfills.length === 1 && s.events.length === 6, 'two removals and the replacement');
    assert.deepStrictEqual(s.events.slice(3, 5).map((e) => [e.id, e.removed]), [[`${c.id}:removed`, true], [`${b.id}:removed`, true]]);
    const replacement = s.events[5];
    assert.strictEqual(replacement.removed, undefined);
    assert.strictEqual(replacement.checkpoint, b.checkpoint);
    assert.notStrictEqual(replacement.id, b.id);
    assert.strictEqual(counter(replacement), counter(kept) + 1, 'the reverted state counts again from the kept log');
    assert.strictEqual(s.backfills[0].reorgRemoved, 2);
  });
});
