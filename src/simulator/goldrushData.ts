/**
 * Realistic GoldRush Streaming items for the local server: wallet transactions (Transfer, Swap, Approve with real
 * ERC-20 `Transfer`/`Approval` and Uniswap `Swap` log topics), new and updated DEX pairs, token updates and OHLCV
 * candles, shaped as GoldRush documents them. Deterministic from the seed; timestamps from the caller's clock.
 */
import { prng } from './prng';

/** A token the simulator trades. */
export interface SimToken {
  contract_name: string;
  contract_address: string;
  contract_decimals: number;
  contract_ticker_symbol: string;
}

/** Real token contracts per chain (other chains reuse Ethereum's: the simulator does not pretend to know them). */
export const GOLDRUSH_SIM_TOKENS: Record<string, readonly SimToken[]> = {
  BASE_MAINNET: [
    { contract_name: 'Wrapped Ether', contract_address: '0x4200000000000000000000000000000000000006', contract_decimals: 18, contract_ticker_symbol: 'WETH' },
    { contract_name: 'USD Coin', contract_address: '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', contract_decimals: 6, contract_ticker_symbol: 'USDC' },
    { contract_name: 'Virtual Protocol', contract_address: '0x0b3e328455c4059eeb9e3f84b5543f74e24e7e1b', contract_decimals: 18, contract_ticker_symbol: 'VIRTUAL' },
    { contract_name: 'Toshi', contract_address: '0xac1bd2486aaf3b5c0fc3fd868558b082a531b2b4', contract_decimals: 18, contract_ticker_symbol: 'TOSHI' },
  ],
  ETH_MAINNET: [
    { contract_name: 'Wrapped Ether', contract_address: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', contract_decimals: 18, contract_ticker_symbol: 'WETH' },
    { contract_name: 'USD Coin', contract_address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', contract_decimals: 6, contract_ticker_symbol: 'USDC' },
    { contract_name: 'Tether USD', contract_address: '0xdac17f958d2ee523a2206206994597c13d831ec7', contract_decimals: 6, contract_ticker_symbol: 'USDT' },
    { contract_name: 'Dai Stablecoin', contract_address: '0x6b175474e89094c44da98b954eedeac495271d0f', contract_decimals: 18, contract_ticker_symbol: 'DAI' },
  ],
};

/** Real pool addresses (Base: VIRTUAL/WETH and TOSHI/WETH as in GoldRush's examples; Ethereum: Uniswap V2 USDC/WETH, DAI/WETH). */
export const GOLDRUSH_SIM_PAIRS: Record<string, readonly string[]> = {
  BASE_MAINNET: ['0x9c087eb773291e50cf6c6a90ef0f4500e349b903', '0x4b0aaf3ebb163dd45f663b38b6d93f6093ebc2d3'],
  ETH_MAINNET: ['0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', '0xa478c2975ab1ea89e8196811f51a7b7ade33eb11'],
};

const TRANSFER_TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const APPROVAL_TOPIC = '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925';
const SWAP_V3_TOPIC = '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67';

function tokensOf(chain: string): readonly SimToken[] {
  return GOLDRUSH_SIM_TOKENS[chain] ?? (GOLDRUSH_SIM_TOKENS.ETH_MAINNET as readonly SimToken[]);
}

function pairsOf(chain: string): readonly string[] {
  return GOLDRUSH_SIM_PAIRS[chain] ?? (GOLDRUSH_SIM_PAIRS.ETH_MAINNET as readonly string[]);
}

function word(addr: string): string {
  return `0x${addr.replace(/^0x/, '').toLowerCase().padStart(64, '0')}`;
}

/** Generates items; one instance per server (its block height and randomness move forward). */
export class GoldRushGenerator {
  private readonly rnd: () => number;
  private block = 30_878_749;

  constructor(seed = 1) {
    this.rnd = prng(seed);
  }

  private hex(bytes: number): string {
    let s = '0x';
    for (let i = 0; i < bytes; i++) s += Math.floor(this.rnd() * 256).toString(16).padStart(2, '0');
    return s;
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.rnd() * list.length)] as T;
  }

  private amount(decimals: number): string {
    const whole = Math.floor(this.rnd() * 5000) + 1;
    return (BigInt(whole) * 10n ** BigInt(decimals) + BigInt(Math.floor(this.rnd() * 1e6))).toString();
  }

  /** One transaction touching `wallet` on `chain`, signed at `now` (ms). */
  walletTx(chain: string, wallet: string, now: number): Record<string, unknown> {
    this.block += 1 + Math.floor(this.rnd() * 3);
    const tokens = tokensOf(chain);
    const a = this.pick(tokens);
    const b = this.pick(tokens.filter((t) => t !== a));
    const other = this.hex(20);
    const roll = this.rnd();
    const kind = roll < 0.5 ? 'TRANSFER' : roll < 0.85 ? 'SWAP' : 'APPROVE';
    const base = {
      tx_hash: this.hex(32),
      from_address: wallet.toLowerCase(),
      to_address: kind === 'SWAP' ? pairsOf(chain)[0] : a.contract_address,
      value: 0,
      chain_name: chain,
      block_signed_at: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      block_height: this.block,
      block_hash: this.hex(32),
      miner_address: '0x4200000000000000000000000000000000000011',
      gas_used: 21_000 + Math.floor(this.rnd() * 180_000),
      tx_offset: Math.floor(this.rnd() * 200),
      successful: this.rnd() > 0.03,
      decoded_type: kind,
    };
    const price = 0.5 + this.rnd() * 3000;
    if (kind === 'TRANSFER') {
      const amount = this.amount(a.contract_decimals);
      return {
        ...base,
        decoded_details: { __typename: 'TransferTransaction', from: wallet.toLowerCase(), to: other, amount, quote_usd: (Number(amount) / 10 ** a.contract_decimals) * price, quote_rate_usd: price, contract_metadata: a },
        logs: [{ emitter_address: a.contract_address, log_offset: 0, data: word(BigInt(amount).toString(16)), topics: [TRANSFER_TOPIC, word(wallet), word(other)] }],
      };
    }
    if (kind === 'APPROVE') {
      const amount = this.amount(a.contract_decimals);
      return {
        ...base,
        decoded_details: { __typename: 'ApproveTransaction', spender: other, amount, quote_usd: (Number(amount) / 10 ** a.contract_decimals) * price, quote_rate_usd: price, contract_metadata: a },
        logs: [{ emitter_address: a.contract_address, log_offset: 0, data: word(BigInt(amount).toString(16)), topics: [APPROVAL_TOPIC, word(wallet), word(other)] }],
      };
    }
    const pool = pairsOf(chain)[0] as string;
    const amountIn = this.amount(a.contract_decimals);
    const amountOut = this.amount(b.contract_decimals);
    const meta = (t: SimToken) => ({ contract_address: t.contract_address, contract_decimals: t.contract_decimals, contract_ticker_symbol: t.contract_ticker_symbol });
    return {
      ...base,
      decoded_details: { __typename: 'SwapTransaction', token_in: meta(a), token_out: meta(b), amount_in: amountIn, amount_out: amountOut },
      logs: [
        { emitter_address: a.contract_address, log_offset: 0, data: word(BigInt(amountIn).toString(16)), topics: [TRANSFER_TOPIC, word(wallet), word(pool)] },
        { emitter_address: b.contract_address, log_offset: 1, data: word(BigInt(amountOut).toString(16)), topics: [TRANSFER_TOPIC, word(pool), word(wallet)] },
        { emitter_address: pool, log_offset: 2, data: this.hex(160), topics: [SWAP_V3_TOPIC, word(wallet), word(wallet)] },
      ],
    };
  }

  /** A pair created on `chain` by `protocol` at `now`. */
  newPair(chain: string, protocol: string, now: number): Record<string, unknown> {
    const quote = tokensOf(chain)[0] as SimToken;
    const sym = ['GOAT', 'MOON', 'FROG', 'BLOCK', 'NOVA', 'KITE'][Math.floor(this.rnd() * 6)] as string;
    const baseToken: SimToken = { contract_name: sym, contract_address: this.hex(20), contract_decimals: 18, contract_ticker_symbol: sym };
    const pairAddress = this.hex(20);
    const rate = this.rnd() / 1e4;
    return {
      chain_name: chain,
      protocol: protocol.split('_')[0]?.toLowerCase() ?? protocol,
      protocol_version: protocol.endsWith('V3') ? '3' : '2',
      pair_address: pairAddress,
      deployer_address: this.hex(20),
      tx_hash: this.hex(32),
      block_signed_at: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      liquidity: Math.round(this.rnd() * 50_000 * 100) / 100,
      supply: 1_000_000_000,
      market_cap: Math.round(rate * 1e9 * 100) / 100,
      event_name: protocol.endsWith('V3') ? 'PoolCreated' : 'PairCreated',
      quote_rate: rate,
      quote_rate_usd: rate * 3000,
      base_token: baseToken,
      quote_token: quote,
      pair: { contract_name: `${sym}-${quote.contract_ticker_symbol} Pool`, contract_address: pairAddress, contract_decimals: 18, contract_ticker_symbol: `${sym}-${quote.contract_ticker_symbol}` },
    };
  }

  /** `current_value`, `previous_value` and `pct_change` of one metric around `current`. */
  private metric(current: number, integer = false): Record<string, number> {
    const round = (v: number) => (integer ? Math.round(v) : v);
    const cur = round(current);
    const prev = round(current * (0.6 + this.rnd() * 0.8));
    return { current_value: cur, previous_value: prev, pct_change: prev === 0 ? 0 : ((cur - prev) / prev) * 100 };
  }

  /** One rolling window of GoldRush's `TimeframeMetrics`; `scale` grows counts and volumes with the window. */
  private window(price: number, scale: number): Record<string, unknown> {
    const buys = Math.floor(this.rnd() * 40 * scale);
    const sells = Math.floor(this.rnd() * 40 * scale);
    const buyVol = this.rnd() * 50_000 * scale;
    const sellVol = this.rnd() * 50_000 * scale;
    return {
      volume: this.metric((buyVol + sellVol) / price),
      volume_usd: this.metric(buyVol + sellVol),
      buy_volume: this.metric(buyVol),
      sell_volume: this.metric(sellVol),
      swap_count: this.metric(buys + sells, true),
      buy_count: this.metric(buys, true),
      sell_count: this.metric(sells, true),
      unique_buyers: this.metric(Math.ceil(buys * 0.7), true),
      unique_sellers: this.metric(Math.ceil(sells * 0.7), true),
      price: this.metric(price),
    };
  }

  /** One swap update (GoldRush's `updatePairs`/`updateTokens` item) on `pair` at `now`. */
  private swapUpdate(chain: string, pair: string, base: SimToken, quote: SimToken, now: number): Record<string, unknown> {
    const rate = base === quote ? 1 : 0.0001 + this.rnd() * 3;
    const quoteUsd = quote.contract_ticker_symbol === 'WETH' ? 3000 : 1;
    const trader = this.hex(20);
    return {
      id: this.hex(32),
      chain_name: chain,
      pair_address: pair,
      timestamp: new Date(now).toISOString(),
      quote_rate: rate,
      quote_rate_usd: rate * quoteUsd,
      market_cap: this.rnd() * 1e9,
      liquidity: this.rnd() * 5e6,
      sender: this.hex(20),
      trader,
      direction: this.rnd() < 0.5 ? 'buy' : 'sell',
      base_token: base,
      quote_token: quote,
      last_5m: this.window(rate * quoteUsd, 1),
      last_1hr: this.window(rate * quoteUsd, 12),
      last_6hr: this.window(rate * quoteUsd, 72),
      last_24hr: this.window(rate * quoteUsd, 288),
    };
  }

  /** An update of `pair` on `chain` at `now` (a swap on it, with the pair's rolling metrics). */
  pairUpdate(chain: string, pair: string, now: number): Record<string, unknown> {
    const tokens = tokensOf(chain);
    const i = Math.max(0, pairsOf(chain).indexOf(pair.toLowerCase()));
    const quote = tokens[0] as SimToken;
    const base = (tokens[(i % (tokens.length - 1)) + 1] ?? quote) as SimToken;
    return this.swapUpdate(chain, pair, base, quote, now);
  }

  /** An update of `token` on `chain` at `now`: a swap on its highest-volume pool (the chain's first simulated pair). */
  tokenUpdate(chain: string, token: string, now: number): Record<string, unknown> {
    const tokens = tokensOf(chain);
    const known = tokens.find((t) => t.contract_address === token.toLowerCase());
    const base = known ?? { contract_name: 'Token', contract_address: token.toLowerCase(), contract_decimals: 18, contract_ticker_symbol: 'TKN' };
    const quote = (tokens.find((t) => t !== known && t.contract_ticker_symbol === 'WETH') ?? tokens.find((t) => t !== known)) as SimToken;
    return this.swapUpdate(chain, pairsOf(chain)[0] as string, base, quote, now);
  }

  /** The current candle of `address` (a pair, or a token) at `now`, for `interval`. */
  candle(chain: string, address: string, isToken: boolean, interval: string, timeframe: string, now: number): Record<string, unknown> {
    const [base, quote] = tokensOf(chain) as [SimToken, SimToken];
    const minute = Math.floor(now / 60_000) * 60_000;
    const open = 1000 + this.rnd() * 2000;
    const close = open * (1 + (this.rnd() - 0.5) / 50);
    const high = Math.max(open, close) * (1 + this.rnd() / 100);
    const low = Math.min(open, close) * (1 - this.rnd() / 100);
    return {
      chain_name: chain,
      pair_address: isToken ? pairsOf(chain)[0] : address,
      interval,
      timeframe,
      timestamp: new Date(minute).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      open,
      high,
      low,
      close,
      volume: this.rnd() * 500,
      volume_usd: this.rnd() * 1e6,
      quote_rate: close,
      quote_rate_usd: close,
      base_token: isToken ? (tokensOf(chain).find((t) => t.contract_address === address.toLowerCase()) ?? base) : base,
      quote_token: quote,
    };
  }
}
