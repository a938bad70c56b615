/** GoldRush `next` data to ChainEvents (pure), with the simulator's realistic items as fixtures. */
import * as assert from 'assert';
import { contentHash, goldRushTime, parseGoldRushData, type GoldRushWalletLogPayload } from '../../src/core/goldrush/goldrushEvent';
import { GoldRushGenerator } from '../../src/simulator/goldrushData';

const NOW = 1_700_000_000_000;
const W = '0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc';

describe('GoldRush events', () => {
  it('one event per log, each with the transaction (decoded details included, logs not repeated)', () => {
    const gen = new GoldRushGenerator(7);
    let tx: Record<string, unknown> = {};
    for (let i = 0; i < 50 && tx.decoded_type !== 'SWAP'; i++) tx = gen.walletTx('BASE_MAINNET', W, NOW);
    assert.strictEqual(tx.decoded_type, 'SWAP');
    const r = parseGoldRushData('s', 'walletTxs', { walletTxs: [tx] }, NOW);
    assert.deepStrictEqual(r.warnings, []);
    assert.strictEqual(r.events.length, 3);
    const hash = String(tx.tx_hash);
    assert.deepStrictEqual(r.events.map((e) => e.id), [`${hash}:0`, `${hash}:1`, `${hash}:2`]);
    const p = r.events[2]!.payload as GoldRushWalletLogPayload;
    assert.strictEqual(p.logCount, 3);
    assert.strictEqual(p.log?.log_offset, 2);
    assert.ok(!('logs' in p.tx), 'the logs array is not copied into every event');
    assert.deepStrictEqual(p.tx.decoded_details, tx.decoded_details);
    assert.strictEqual(r.events[0]!.checkpoint, tx.block_height);
    assert.strictEqual(r.events[0]!.timestamp, Date.parse(String(tx.block_signed_at)));
    assert.strictEqual(r.events[0]!.sequence, 0);
  });

  it('a transaction without logs is one event; a failed one carries a warning', () => {
    const r = parseGoldRushData('s', 'walletTxs', { walletTxs: [{ tx_hash: '0xAB', successful: false, logs: [] }] }, NOW);
    assert.strictEqual(r.events.length, 1);
    assert.strictEqual(r.events[0]!.id, '0xab:tx');
    assert.deepStrictEqual(r.events[0]!.warnings, ['transaction failed on chain']);
  });

  it('malformed data gives warnings in words and keeps what is usable', () => {
    assert.match(parseGoldRushData('s', 'walletTxs', null, NOW).warnings[0]!, /"data" is null/);
    assert.match(parseGoldRushData('s', 'walletTxs', { other: 1 }, NOW).warnings[0]!, /no "walletTxs" in data \(keys: other\)/);
    const r = parseGoldRushData('s', 'walletTxs', { walletTxs: [{ tx_hash: '0x1', logs: [{ log_offset: 4 }] }, 'junk', { nohash: 1 }] }, NOW);
    assert.strictEqual(r.events.length, 1);
    assert.deepStrictEqual(r.warnings, ['malformed GoldRush message: 2 of 3 walletTxs items unusable (not an object with "tx_hash"), skipped']);
    const nooffset = parseGoldRushData('s', 'walletTxs', { walletTxs: [{ tx_hash: '0x2', logs: [{}, {}] }] }, NOW);
    assert.deepStrictEqual(nooffset.events.map((e) => e.id), ['0x2:#0', '0x2:#1']);
  });

  it('candles: the same candle moving is a new event, an identical repeat has the same id', () => {
    const gen = new GoldRushGenerator(3);
    const c1 = gen.candle('BASE_MAINNET', '0x9c087eb773291e50cf6c6a90ef0f4500e349b903', false, 'ONE_MINUTE', 'ONE_HOUR', NOW);
    const c2 = { ...c1, close: (c1.close as number) + 1 };
    const [a, b, again] = [c1, c2, c1].map((c) => parseGoldRushData('s', 'ohlcvCandlesForPair', { ohlcvCandlesForPair: [c] }, NOW).events[0]!);
    assert.strictEqual(a!.kind, 'candle');
    assert.notStrictEqual(a!.id, b!.id);
    assert.strictEqual(a!.id, again!.id);
    assert.strictEqual(a!.type, 'WETH/USDC');
  });

  it('new pairs are keyed by their creation tx; token updates by token', () => {
    const gen = new GoldRushGenerator(4);
    const p = gen.newPair('BASE_MAINNET', 'UNISWAP_V3', NOW);
    const ev = parseGoldRushData('s', 'newPairs', { newPairs: [p] }, NOW).events[0]!;
    assert.strictEqual(ev.id, `newPairs:${String(p.pair_address)}:${String(p.tx_hash)}`);
    assert.strictEqual(ev.digest, p.tx_hash);
    assert.strictEqual(ev.sender, p.deployer_address);
    const t = parseGoldRushData('s', 'updateTokens', { updateTokens: gen.tokenUpdate('BASE_MAINNET', '0x4200000000000000000000000000000000000006', NOW) }, NOW).events[0]!;
    assert.strictEqual(t.kind, 'token');
    assert.match(t.id, /^updateTokens:0x4200000000000000000000000000000000000006:/);
  });

  it('times and hashes', () => {
    assert.strictEqual(goldRushTime('2025-05-29T19:27:25Z'), Date.parse('2025-05-29T19:27:25Z'));
    assert.strictEqual(goldRushTime(1_700_000_000), 1_700_000_000_000);
    assert.strictEqual(goldRushTime('soon'), undefined);
    assert.strictEqual(contentHash('abc'), contentHash('abc'));
    assert.notStrictEqual(contentHash('abc'), contentHash('abd'));
  });
});
