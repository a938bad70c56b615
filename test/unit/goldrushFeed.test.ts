/** The feed's one-line summaries of GoldRush events (a swap's amounts, a candle's OHLC, a pair's rate), safe text. */
import * as assert from 'assert';
import { parseGoldRushData } from '../../src/core/goldrush/goldrushEvent';
import { gapContinuityText, summarize } from '../../src/feed/rowFormat';
import type { FeedGap } from '../../src/feed/protocol';

const NOW = 1_700_000_000_000;
const tok = (sym: string) => ({ contract_address: '0x4200000000000000000000000000000000000006', contract_decimals: 18, contract_ticker_symbol: sym });

describe('GoldRush feed summaries', () => {
  it('a swap shows its amounts and tokens, then which log of the transaction this row is', () => {
    const tx = {
      tx_hash: '0x01', decoded_type: 'SWAP', successful: true,
      decoded_details: { token_in: tok('WETH'), token_out: tok('TOSHI'), amount_in: '2588', amount_out: '66094' },
      logs: [{ emitter_address: '0x4200000000000000000000000000000000000006', log_offset: 0 }, { emitter_address: '0x14b2f229097df3c92b43ea871860e3fae08d7f06', log_offset: 1 }],
    };
    const [first, second] = parseGoldRushData('s', 'walletTxs', { walletTxs: [tx] }, NOW).events;
    assert.match(summarize(first!), /^SWAP {2}2588 WETH → 66094 TOSHI {2}log 0\/2 by 0x4200/);
    assert.match(summarize(second!), /log 1\/2 by 0x14b2/);
  });

  it('a transfer shows amount, token, USD value and recipient; a failed one says FAILED', () => {
    const tx = {
      tx_hash: '0x02', decoded_type: 'TRANSFER', successful: false,
      decoded_details: { amount: '1000000', quote_usd: 1.0, to: '0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc', contract_metadata: tok('USDC') },
      logs: [],
    };
    const s = summarize(parseGoldRushData('s', 'walletTxs', { walletTxs: [tx] }, NOW).events[0]!);
    assert.match(s, /^TRANSFER {2}1000000 USDC {2}\$1 {2}to=0x198e/);
    assert.match(s, /FAILED/);
  });

  it('a candle shows open, high, low, close and volume; pair and token updates show side, rate, change and volume', () => {
    const candle = { pair_address: '0x9c', interval: 'ONE_MINUTE', timestamp: '2025-05-29T19:53:00Z', open: 1, high: 2, low: 0.5, close: 1.5, volume_usd: 10 };
    const c = summarize(parseGoldRushData('s', 'ohlcvCandlesForPair', { ohlcvCandlesForPair: [candle] }, NOW).events[0]!);
    assert.strictEqual(c, 'O 1  H 2  L 0.5  C 1.5  vol $10  ONE_MINUTE 2025-05-29T19:53:00Z');
    // the updatePairs shape since GoldRush's March 2026 rebuild: a swap with rolling-window metrics
    const m = (current_value: number, pct_change: number) => ({ current_value, previous_value: 0, pct_change });
    const upd = {
      id: '0xab', pair_address: '0x9c', quote_rate_usd: 1.39, liquidity: 5, direction: 'buy', base_token: tok('VIRTUAL'), quote_token: tok('WETH'),
      last_5m: { price: m(1.39, 0.5), volume_usd: m(10, 1) }, last_24hr: { price: m(1.39, -9.1), volume_usd: m(975, 3) },
    };
    assert.strictEqual(summarize(parseGoldRushData('s', 'updatePairs', { updatePairs: [upd] }, NOW).events[0]!), 'VIRTUAL/WETH  buy  rate $1.39  -9.10% 24h  vol $975 24h  liquidity $5');
    const tokenRow = summarize(parseGoldRushData('s', 'updateTokens', { updateTokens: [{ ...upd, direction: 'sell' }] }, NOW).events[0]!);
    assert.strictEqual(tokenRow, 'VIRTUAL  sell  price $1.39  +0.50% 5m  liquidity $5');
    const np = { pair_address: '0xa7', tx_hash: '0x53', protocol: 'uniswap', protocol_version: '3', liquidity: 177.5, base_token: tok('GOAT'), quote_token: tok('ZORA') };
    assert.match(summarize(parseGoldRushData('s', 'newPairs', { newPairs: [np] }, NOW).events[0]!), /^new GOAT\/ZORA {2}uniswap v3 {2}liquidity \$177\.5/);
  });

  it('hostile text in a payload stays text (no newlines, bounded length)', () => {
    const tx = { tx_hash: '0x03', decoded_type: 'SWAP\n<img src=x>', decoded_details: { token_in: tok('A'.repeat(500)), amount_in: '1\u202e2' }, logs: [] };
    const s = summarize(parseGoldRushData('s', 'walletTxs', { walletTxs: [tx] }, NOW).events[0]!);
    assert.ok(!s.includes('\n'));
    assert.ok(!s.includes('\u202e'));
    assert.ok(s.length <= 300);
  });

  it('the gap row of a GoldRush reconnect says the window cannot be recovered', () => {
    const gap: FeedGap = { stream: 's', gapId: 1, downAt: NOW, resumedAt: NOW + 12_000, downMs: 12_000, mode: 'after', continuity: 'not_recoverable', missingFrom: NOW, missingTo: NOW + 12_000, duplicatesDropped: 0 };
    assert.match(gapContinuityText(gap), /cannot be recovered \(no replay\)/);
  });
});
