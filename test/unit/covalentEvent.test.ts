import * as assert from 'assert';
import { covalentChains, covalentEventId, describeCovalentLog, maxDescriptionChars, normalizeCovalent, parseCovalentBody } from '../../src/core/covalent/covalentEvent';
import type { CovalentLogItem } from '../../src/core/covalent/covalentEvent';

/** The real Uniswap V2 Sync from protocols.md §2 (block 11995619, log_offset 213). */
const SYNC: CovalentLogItem = {
  block_signed_at: '2021-03-07T12:09:27Z',
  block_height: 11995619,
  tx_offset: 134,
  log_offset: 213,
  tx_hash: '0x26337bdeec5badee6f52c571a4785ee1fac956df2e2c29b313ffae0477045f53',
  raw_log_topics: ['0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1'],
  sender_contract_decimals: 18,
  sender_name: 'Uniswap V2',
  sender_contract_ticker_symbol: 'UNI-V2',
  sender_address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc',
  sender_address_label: null,
  sender_logo_url: null,
  raw_log_data: '0x00000000000000000000000000000000000000000000000000003e1b7e1b9c8f000000000000000000000000000000000000000000000b0a2c6e4b0d3f0e9c1c',
  decoded: {
    name: 'Sync',
    signature: 'Sync(uint112 reserve0, uint112 reserve1)',
    params: [
      { name: 'reserve0', type: 'uint112', indexed: false, decoded: true, value: '68290017303695' },
      { name: 'reserve1', type: 'uint112', indexed: false, decoded: true, value: '52045369123357213629468' },
    ],
  },
};

describe('Covalent log normalization', () => {
  it('maps a decoded log to the shared model (id tx_hash:log_offset, block, time, sender, event name)', () => {
    const ev = normalizeCovalent('s1', SYNC, 1_700_000_000_000);
    assert.strictEqual(ev.id, '0x26337bdeec5badee6f52c571a4785ee1fac956df2e2c29b313ffae0477045f53:213');
    assert.strictEqual(ev.provider, 'covalent');
    assert.strictEqual(ev.kind, 'log');
    assert.strictEqual(ev.stream, 's1');
    assert.strictEqual(ev.digest, SYNC.tx_hash);
    assert.strictEqual(ev.checkpoint, 11995619);
    assert.strictEqual(ev.sequence, 213);
    assert.strictEqual(ev.timestamp, Date.parse('2021-03-07T12:09:27Z'));
    assert.strictEqual(ev.sender, '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc');
    assert.strictEqual(ev.type, 'Sync');
    assert.strictEqual(ev.receivedAt, 1_700_000_000_000);
    assert.strictEqual(ev.payload, SYNC, 'payload is the item, untouched');
    assert.strictEqual(ev.warnings, undefined);
  });

  it('uses topic0 as the type when the log is not decoded, and keeps raw topics and data in the payload', () => {
    const raw = { ...SYNC, decoded: null };
    const ev = normalizeCovalent('s1', raw, 1);
    assert.strictEqual(ev.type, SYNC.raw_log_topics![0]);
    assert.deepStrictEqual((ev.payload as CovalentLogItem).raw_log_topics, SYNC.raw_log_topics);
    assert.strictEqual(describeCovalentLog(raw), `log topic0=${SYNC.raw_log_topics![0]} (+0 topics, 64 data bytes)`);
  });

  it('dedup key: lower-cased hash, log_offset given as number or string; missing parts give no key', () => {
    assert.strictEqual(covalentEventId({ tx_hash: '0xABCD', log_offset: '7' }), '0xabcd:7');
    assert.strictEqual(covalentEventId({ tx_hash: '0xabcd', log_offset: 0 }), '0xabcd:0');
    assert.strictEqual(covalentEventId({ tx_hash: '0xabcd' }), undefined);
    assert.strictEqual(covalentEventId({ log_offset: 3 }), undefined);
    assert.strictEqual(covalentEventId('nope'), undefined);
  });

  it('a log without hash/offset still becomes an event, with a warning and a unique id', () => {
    const a = normalizeCovalent('s1', { block_height: 5 }, 1);
    const b = normalizeCovalent('s1', { block_height: 5 }, 1);
    assert.ok(a.warnings && a.warnings[0].includes('tx_hash'));
    assert.notStrictEqual(a.id, b.id);
    assert.strictEqual(a.checkpoint, 5);
  });

  it('non-object items and bad dates become warnings, never exceptions', () => {
    const ev = normalizeCovalent('s1', 42, 1);
    assert.ok(ev.warnings!.some((w) => w.includes('not an object (number)')));
    const bad = normalizeCovalent('s1', { ...SYNC, block_signed_at: 'yesterday' }, 1);
    assert.strictEqual(bad.timestamp, undefined);
    assert.ok(bad.warnings!.includes('block_signed_at is not a date'));
  });

  it('parses one item, a {data:{items}} wrapper, {items}, or an array', () => {
    const one = parseCovalentBody('s', JSON.stringify(SYNC), 1);
    assert.strictEqual(one.events.length, 1);
    const second = { ...SYNC, log_offset: 214 };
    const wrapped = parseCovalentBody('s', JSON.stringify({ data: { items: [SYNC, second] }, error: false }), 1);
    assert.deepStrictEqual(wrapped.events.map((e) => e.sequence), [213, 214]);
    assert.deepStrictEqual(parseCovalentBody('s', JSON.stringify({ items: [second] }), 1).events.map((e) => e.sequence), [214]);
    assert.deepStrictEqual(parseCovalentBody('s', JSON.stringify([SYNC, second]), 1).events.map((e) => e.sequence), [213, 214]);
    assert.deepStrictEqual(wrapped.warnings, []);
  });

  it('invalid JSON and non-object JSON yield a warning and no events', () => {
    const bad = parseCovalentBody('s', '{"tx_hash": "0x12", log_offset', 1);
    assert.strictEqual(bad.events.length, 0);
    assert.strictEqual(bad.warnings[0], 'invalid JSON in MESSAGE body (30 chars), error at position 20');
    const str = parseCovalentBody('s', '"hello"', 1);
    assert.strictEqual(str.events.length, 0);
    assert.match(str.warnings[0], /not a log event \(JSON string\)/);
  });

  it('describes decoded logs as Name(param=value, ...) and caps the length', () => {
    assert.strictEqual(describeCovalentLog(SYNC), 'Sync(reserve0=68290017303695, reserve1=52045369123357213629468)');
    const many = { decoded: { name: 'Big', signature: '', params: Array.from({ length: 50 }, (_, i) => ({ name: `p${i}`, type: 'uint256', indexed: false, decoded: true, value: 'x'.repeat(100) })) } };
    const text = describeCovalentLog(many);
    assert.strictEqual(text.length, maxDescriptionChars);
    assert.ok(text.endsWith('...'));
  });

  it('knows the chain ids of protocols.md', () => {
    assert.strictEqual(covalentChains[1], 'eth-mainnet');
    assert.strictEqual(covalentChains[84532], 'base-sepolia-testnet');
    assert.strictEqual(covalentChains[324], 'zksync-mainnet');
    assert.strictEqual(Object.keys(covalentChains).length, 13);
  });
});
