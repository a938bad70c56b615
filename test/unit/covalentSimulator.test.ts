/**
 * The simulator's Covalent endpoint: realistic, self-consistent logs, the seed's destinations, and the same client
 * the RabbitMQ tests use (CovalentStream, default destination function) receiving its automatic emission.
 */
import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { covalentDestination } from '../../src/core/covalent/covalentDestination';
import { covalentChains } from '../../src/core/covalent/covalentEvent';
import type { CovalentLogItem } from '../../src/core/covalent/covalentEvent';
import { CovalentStream } from '../../src/core/covalent/covalentStream';
import { keccak256 as keccakBytes, stringToBytes } from 'viem';
import { CovalentLogGenerator, CovalentServer, EVENT_TOPICS, parseCovalentDestination, SIM_CONTRACTS } from '../../src/simulator/covalentServer';
import { collect, waitForStatus } from './support/wait';

const keccak256 = (text: string): string => keccakBytes(stringToBytes(text));

const PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';
const USDC = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';

function word(v: unknown): string {
  return BigInt(String(v)).toString(16).padStart(64, '0');
}

/** Checks that `decoded` agrees with the raw topics and data, as a real node's log would. */
function assertConsistent(item: CovalentLogItem): void {
  const d = item.decoded!;
  assert.ok(d, 'decoded');
  const canonical = d.signature.replace(/indexed /g, '').replace(/ [a-zA-Z0-9]+(?=[,)])/g, '').replace(/, /g, ',');
  assert.strictEqual(item.raw_log_topics![0], keccak256(canonical), `topic0 of ${canonical}`);
  const indexed = d.params!.filter((p) => p.indexed);
  const plain = d.params!.filter((p) => !p.indexed);
  assert.deepStrictEqual(item.raw_log_topics!.slice(1), indexed.map((p) => `0x${'0'.repeat(24)}${String(p.value).slice(2)}`));
  assert.strictEqual(item.raw_log_data, `0x${plain.map((p) => word(p.value)).join('')}`);
}

describe('Covalent simulator endpoint', () => {
  it('emits topic0 hashes that are the keccak of the canonical signatures', () => {
    assert.strictEqual(EVENT_TOPICS.Transfer, keccak256('Transfer(address,address,uint256)'));
    assert.strictEqual(EVENT_TOPICS.Approval, keccak256('Approval(address,address,uint256)'));
    assert.strictEqual(EVENT_TOPICS.Swap, keccak256('Swap(address,uint256,uint256,uint256,uint256,address)'));
    assert.strictEqual(EVENT_TOPICS.Sync, keccak256('Sync(uint112,uint112)'));
  });

  it('generates realistic, self-consistent logs: ERC-20 for tokens, Swap/Sync for the Uniswap V2 pair', () => {
    const gen = new CovalentLogGenerator(7, new FakeClock());
    const tokenLogs = Array.from({ length: 60 }, () => gen.next(1, 'address', USDC));
    const pairLogs = Array.from({ length: 60 }, () => gen.next(1, 'address', PAIR));
    for (const l of [...tokenLogs, ...pairLogs]) {
      assertConsistent(l);
      assert.match(l.tx_hash!, /^0x[0-9a-f]{64}$/);
      assert.ok(Number.isInteger(l.log_offset) && Number.isInteger(l.block_height));
      assert.ok(!Number.isNaN(Date.parse(l.block_signed_at!)));
    }
    assert.deepStrictEqual(new Set(tokenLogs.map((l) => l.decoded!.name)), new Set(['Transfer', 'Approval']));
    assert.deepStrictEqual(new Set(pairLogs.map((l) => l.decoded!.name)), new Set(['Swap', 'Sync']));
    assert.ok(tokenLogs.every((l) => l.sender_address === USDC && l.sender_contract_decimals === 6 && l.sender_contract_ticker_symbol === 'USDC'));
    // unique dedup keys, ascending log offsets within a block
    const keys = new Set([...tokenLogs, ...pairLogs].map((l) => `${l.tx_hash}:${l.log_offset}`));
    assert.strictEqual(keys.size, 120);
  });

  it('topic subscriptions get that event from the known contracts; unknown topics get undecoded logs', () => {
    const gen = new CovalentLogGenerator(3, new FakeClock());
    const swaps = Array.from({ length: 10 }, () => gen.next(137, 'topics', EVENT_TOPICS.Swap));
    assert.ok(swaps.every((l) => l.decoded!.name === 'Swap' && SIM_CONTRACTS.some((c) => c.kind === 'pairV2' && c.address === l.sender_address)));
    const unknown = '0x' + '12'.repeat(32);
    const raw = gen.next(1, 'topics', unknown);
    assert.strictEqual(raw.decoded, null);
    assert.strictEqual(raw.raw_log_topics![0], unknown);
  });

  it('is deterministic for a seed and moves to a new block every 12 s of clock time', () => {
    const c1 = new FakeClock();
    const c2 = new FakeClock();
    const a = new CovalentLogGenerator(5, c1);
    const b = new CovalentLogGenerator(5, c2);
    assert.deepStrictEqual(a.next(1, 'address', USDC), b.next(1, 'address', USDC));
    const h0 = a.next(1, 'address', USDC).block_height!;
    c1.advance(12_000);
    assert.strictEqual(a.next(1, 'address', USDC).block_height, h0 + 1);
  });

  it('parses only the seed destinations', () => {
    assert.deepStrictEqual(parseCovalentDestination(`/v1/1/events/address/${USDC}/`), { chainId: 1, by: 'address', value: USDC });
    assert.strictEqual(parseCovalentDestination('/topic/x'), undefined);
    assert.strictEqual(parseCovalentDestination('/v1/1/events/address/0x12/'), undefined);
    assert.ok(Object.keys(covalentChains).length > 0);
  });

  describe('over the wire', () => {
    let clock: FakeClock;
    let server: CovalentServer;
    let stream: CovalentStream | undefined;

    beforeEach(async () => {
      clock = new FakeClock();
      server = new CovalentServer({ clock, seed: 11 });
      await server.start();
    });
    afterEach(async () => {
      stream?.dispose();
      stream = undefined;
      await server.stop();
    });

    it('the same client (default destination function) receives the automatic emission, in order', async () => {
      const def = { id: 'sim', provider: 'covalent' as const, chainId: 8453, topic: EVENT_TOPICS.Sync, baseUrl: server.url };
      stream = new CovalentStream(def, { clock, getKey: async () => 'any', random: () => 0.5 });
      const got = collect(stream);
      stream.connect();
      await server.whenSubscribed(covalentDestination(def));
      await waitForStatus(stream, (s) => s.state === 'live');
      server.startAuto(20);
      clock.advance(1_000);
      const events = await got.until(20);
      assert.strictEqual(events.length, 20);
      assert.ok(events.every((e) => e.type === 'Sync' && e.provider === 'covalent'));
      const offsets = events.map((e) => [e.checkpoint!, e.sequence!]);
      const sorted = [...offsets].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
      assert.deepStrictEqual(offsets, sorted, 'ascending block/log offset');
      server.stopAuto();
    });

    it('refuses destinations outside the seed shapes and unknown chains with ERROR frames', async () => {
      const chain = new CovalentStream({ id: 'x', provider: 'covalent', chainId: 999999, address: USDC, baseUrl: server.url }, { clock, getKey: async () => 'k' });
      chain.connect();
      const unsupported = await waitForStatus(chain, (x) => x.state === 'stopped');
      assert.match(unsupported.message!, /endpoint refused the subscription: Unsupported chain/);
      chain.dispose();
      const s = new CovalentStream({ id: 'y', provider: 'covalent', chainId: 1, address: USDC, baseUrl: server.url }, { clock, getKey: async () => 'k', destination: () => '/topic/anything' });
      s.connect();
      const st = await waitForStatus(s, (x) => x.state === 'stopped');
      assert.match(st.message!, /endpoint refused the subscription: Invalid destination/);
      s.dispose();
    });
  });
});
