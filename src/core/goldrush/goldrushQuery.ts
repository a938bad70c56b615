/**
 * GoldRush Streaming subscriptions: which kinds exist, what each one takes, the limits GoldRush documents, and the
 * GraphQL document Chain Watch sends for a stream definition. Pure: no I/O.
 *
 * Facts (GoldRush Streaming API docs): chains are enum names (`BASE_MAINNET`, not Covalent's `base-mainnet` slug);
 * `walletTxs` takes up to 100 wallet addresses per subscription on EVM chains (thousands on Solana and HyperCore);
 * `updatePairs`, `updateTokens` and
 * `ohlcvCandlesForToken` take up to 5 addresses; there is no stream by contract or topic and no resume cursor.
 * Selection sets follow `@covalenthq/client-sdk` 3.0.6 (`updatePairs`/`updateTokens` carry rolling-window metrics
 * since GoldRush rebuilt them in March 2026: the older `price_deltas`/`swap_counts` fields are gone).
 */
import type { StreamDefinition } from '../stream/stream';

/** The GraphQL subscription fields Chain Watch can stream. */
export type GoldRushKind = 'walletTxs' | 'newPairs' | 'updatePairs' | 'updateTokens' | 'ohlcvCandlesForPair' | 'ohlcvCandlesForToken';

/** Every kind, in the order Add Stream offers them. */
export const goldRushKinds: readonly GoldRushKind[] = ['walletTxs', 'newPairs', 'updatePairs', 'updateTokens', 'ohlcvCandlesForPair', 'ohlcvCandlesForToken'];

/** Words for each kind (Add Stream, tooltips). */
export const goldRushKindLabels: Record<GoldRushKind, string> = {
  walletTxs: 'Wallet activity (transactions and their logs)',
  newPairs: 'New DEX pairs',
  updatePairs: 'DEX pair updates (price, volume, liquidity)',
  updateTokens: 'Token updates (price, volume of the top pool)',
  ohlcvCandlesForPair: 'OHLCV candles for pairs',
  ohlcvCandlesForToken: 'OHLCV candles for tokens',
};

/** Chains GoldRush Streaming documents (the server's enum may grow: other enum-shaped names are passed through). */
export const goldRushChains: readonly string[] = [
  'BASE_MAINNET', 'ETH_MAINNET', 'BSC_MAINNET', 'POLYGON_MAINNET', 'SONIC_MAINNET', 'MONAD_MAINNET',
  'HYPEREVM_MAINNET', 'HYPERCORE_MAINNET', 'MEGAETH_MAINNET', 'SOLANA_MAINNET',
];

/** DEX protocols for `newPairs` (an enum list; the default when a definition names none). */
export const goldRushDefaultProtocols: readonly string[] = ['UNISWAP_V2', 'UNISWAP_V3'];

/** Candle intervals offered by Add Stream (GoldRush's `StreamingInterval` enum, client-sdk 3.0.6). */
export const goldRushIntervals: readonly string[] = [
  'ONE_SECOND', 'FIVE_SECONDS', 'FIFTEEN_SECONDS', 'ONE_MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'ONE_HOUR', 'FOUR_HOURS', 'ONE_DAY',
];

/** Candle lookbacks (GoldRush's `StreamingTimeframe` enum, client-sdk 3.0.6). */
export const goldRushTimeframes: readonly string[] = ['ONE_MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'ONE_HOUR', 'FOUR_HOURS', 'ONE_DAY', 'SEVEN_DAYS'];

/** Most wallet addresses one `walletTxs` subscription takes on an EVM chain. */
export const MAX_WALLET_ADDRESSES = 100;
/** Most token addresses one `updateTokens` / `ohlcvCandlesForToken` subscription takes. */
export const MAX_TOKEN_ADDRESSES = 5;
/** Most pair addresses one `updatePairs` subscription takes (GoldRush's Update Pairs reference: "maximum of 5"). */
export const MAX_UPDATE_PAIR_ADDRESSES = 5;
/** Most pair addresses Chain Watch sends in one OHLCV-pair subscription (GoldRush documents no limit there). */
export const MAX_PAIR_ADDRESSES = 100;

/** Estimated GoldRush credits per started minute per live subscription (documented for walletTxs, updateTokens, OHLCV). */
export const GOLDRUSH_CREDITS_PER_MINUTE = 1;

/** The production endpoint. */
export const GOLDRUSH_URL = 'wss://streaming.goldrushdata.com/graphql';

const enumName = /^[A-Z][A-Z0-9_]{0,63}$/;
const evmAddress = /^0x[0-9a-fA-F]{40}$/;
const base58Address = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
/** Price-feed names that `ohlcvCandlesForToken` takes in place of an address (`REDSTONE-BTC`). */
const feedName = /^[A-Z][A-Z0-9]*-[A-Z0-9]{2,16}$/;

function isKind(v: unknown): v is GoldRushKind {
  return typeof v === 'string' && (goldRushKinds as readonly string[]).includes(v);
}

/** The addresses of a definition as a list (a single string becomes one item). */
export function addressList(def: { address?: unknown }): unknown[] {
  return def.address === undefined ? [] : Array.isArray(def.address) ? def.address : [def.address];
}

/** What the addresses of a kind are called, for messages. */
function addressNoun(kind: GoldRushKind): string {
  if (kind === 'walletTxs') return 'wallet';
  if (kind === 'updateTokens' || kind === 'ohlcvCandlesForToken') return 'token';
  return 'pair';
}

/**
 * Chains whose `walletTxs` is not held to the EVM limit of 100: GoldRush documents thousands of wallets per
 * subscription on Solana and on Hyperliquid's HyperCore.
 */
export const goldRushManyWalletChains: readonly string[] = ['SOLANA_MAINNET', 'HYPERCORE_MAINNET'];
/** Chain Watch's own bound on the wallets of one subscription on {@link goldRushManyWalletChains}. */
export const MAX_MANY_WALLET_ADDRESSES = 1_000;

/** The most addresses `kind` takes (on `chainName`, when given), or 0 when it takes none. */
export function maxAddresses(kind: GoldRushKind, chainName?: unknown): number {
  switch (kind) {
    case 'walletTxs':
      return typeof chainName === 'string' && goldRushManyWalletChains.includes(chainName) ? MAX_MANY_WALLET_ADDRESSES : MAX_WALLET_ADDRESSES;
    case 'updateTokens':
    case 'ohlcvCandlesForToken':
      return MAX_TOKEN_ADDRESSES;
    case 'newPairs':
      return 0;
    case 'updatePairs':
      return MAX_UPDATE_PAIR_ADDRESSES;
    default:
      return MAX_PAIR_ADDRESSES;
  }
}

/**
 * Problems with the GoldRush part of a definition (empty when valid), in words a user can act on. Checked before
 * anything is sent, so a 101st address or a Covalent chain slug never reaches the server.
 */
export function validateGoldRush(d: Record<string, unknown>): string[] {
  const problems: string[] = [];
  if (!isKind(d.subscription)) {
    problems.push(`a GoldRush stream needs "subscription": one of ${goldRushKinds.join(', ')}`);
    return problems;
  }
  const kind = d.subscription;
  if (typeof d.chainName !== 'string' || d.chainName === '') problems.push(`a GoldRush stream needs "chainName", e.g. ${goldRushChains.slice(0, 3).join(', ')}`);
  else if (!enumName.test(d.chainName)) {
    const slug = /^[a-z0-9]+(-[a-z0-9]+)+$/.test(d.chainName);
    problems.push(
      slug
        ? `"chainName" takes GoldRush's enum name (e.g. ${d.chainName.toUpperCase().replace(/-/g, '_')}), not the Covalent slug "${d.chainName}"`
        : `"chainName" ${JSON.stringify(d.chainName)} is not a GoldRush chain name (capitals, digits and "_", e.g. BASE_MAINNET)`,
    );
  }
  const addrs = addressList(d);
  const max = maxAddresses(kind, d.chainName);
  const noun = addressNoun(kind);
  if (max === 0) {
    if (addrs.length) problems.push('"newPairs" takes no addresses (it reports every new pair of the chosen protocols)');
  } else if (addrs.length === 0) problems.push(`"${kind}" needs at least one ${noun} address in "address"`);
  else if (addrs.length > max) {
    const who = max === MAX_MANY_WALLET_ADDRESSES ? `Chain Watch sends at most ${max} wallet addresses in one "${kind}" subscription` : `GoldRush's "${kind}" takes at most ${max} ${noun} addresses per subscription`;
    problems.push(`too many addresses: ${who}, this stream has ${addrs.length}; split them over several streams`);
  }
  const solana = d.chainName === 'SOLANA_MAINNET';
  for (const a of addrs) {
    const ok = typeof a === 'string' && (evmAddress.test(a) || (solana && base58Address.test(a)) || (kind === 'ohlcvCandlesForToken' && feedName.test(a)));
    if (!ok) problems.push(`"address" ${JSON.stringify(a)} is not ${solana ? 'a 0x + 40 hex or base58 address' : 'a 0x + 40 hex address'}`);
  }
  if (d.protocols !== undefined) {
    if (kind !== 'newPairs') problems.push('"protocols" only applies to "newPairs"');
    else if (!Array.isArray(d.protocols) || d.protocols.length === 0 || d.protocols.some((p) => typeof p !== 'string' || !enumName.test(p))) {
      problems.push('"protocols" must be a list of protocol enum names, e.g. ["UNISWAP_V2", "UNISWAP_V3"]');
    }
  }
  const ohlcv = kind === 'ohlcvCandlesForPair' || kind === 'ohlcvCandlesForToken';
  for (const field of ['interval', 'timeframe'] as const) {
    const v = d[field];
    if (v === undefined) continue;
    if (!ohlcv) problems.push(`"${field}" only applies to OHLCV candles`);
    else if (typeof v !== 'string' || !enumName.test(v)) problems.push(`"${field}" must be an enum name such as ${field === 'interval' ? 'ONE_MINUTE' : 'ONE_HOUR'}`);
  }
  return problems;
}

const tokenFields = 'contract_name contract_address contract_decimals contract_ticker_symbol';
const amountFields = `amount quote_usd quote_rate_usd contract_metadata { ${tokenFields} }`;

const metric = '{ current_value previous_value pct_change }';
/** GoldRush's `TimeframeMetrics`: each metric of one rolling window. */
const windowFields = ['volume', 'volume_usd', 'buy_volume', 'sell_volume', 'swap_count', 'buy_count', 'sell_count', 'unique_buyers', 'unique_sellers', 'price']
  .map((m) => `${m} ${metric}`)
  .join(' ');
/** One swap update of `updatePairs` / `updateTokens` (the same type), with its four rolling windows. */
const swapUpdateFields = [
  'id chain_name pair_address timestamp quote_rate quote_rate_usd market_cap liquidity sender trader direction',
  `base_token { ${tokenFields} } quote_token { ${tokenFields} }`,
  ...['last_5m', 'last_1hr', 'last_6hr', 'last_24hr'].map((w) => `${w} { ${windowFields} }`),
].join(' ');

/** The selection set of each kind: the fields GoldRush documents, nothing guessed. */
const selections: Record<GoldRushKind, string> = {
  walletTxs: [
    'tx_hash from_address to_address value chain_name block_signed_at block_height block_hash miner_address gas_used',
    'tx_offset successful decoded_type',
    'decoded_details {',
    `... on TransferTransaction { from to ${amountFields} }`,
    '... on SwapTransaction { token_in { contract_address contract_decimals contract_ticker_symbol } token_out { contract_address contract_decimals contract_ticker_symbol } amount_in amount_out }',
    `... on BridgeTransaction { type typeString from to ${amountFields} }`,
    `... on DepositTransaction { from to ${amountFields} }`,
    `... on WithdrawTransaction { from to ${amountFields} }`,
    `... on ApproveTransaction { spender ${amountFields} }`,
    '... on ErrorDetails { message }',
    '}',
    'logs { emitter_address log_offset data topics }',
  ].join(' '),
  newPairs: `chain_name protocol protocol_version pair_address deployer_address tx_hash block_signed_at liquidity supply market_cap event_name quote_rate quote_rate_usd base_token { ${tokenFields} } quote_token { ${tokenFields} } pair { ${tokenFields} }`,
  updatePairs: swapUpdateFields,
  updateTokens: swapUpdateFields,
  ohlcvCandlesForPair: `chain_name pair_address interval timeframe timestamp open high low close volume volume_usd quote_rate quote_rate_usd base_token { ${tokenFields} } quote_token { ${tokenFields} }`,
  ohlcvCandlesForToken: `chain_name pair_address interval timeframe timestamp open high low close volume volume_usd quote_rate quote_rate_usd base_token { ${tokenFields} } quote_token { ${tokenFields} }`,
};

/** A subscription ready to send: the document and, for messages, what it asks for. */
export interface GoldRushRequest {
  kind: GoldRushKind;
  /** The GraphQL document (arguments inline, as GoldRush's examples; every value was validated first). */
  query: string;
  chainName: string;
}

/**
 * The GraphQL subscription for a definition. Throws an Error whose message lists the problems when the definition
 * is not valid (see {@link validateGoldRush}). Values are inlined only after validation: enum names and addresses
 * cannot carry quotes or braces, so nothing in a setting can change the document's shape.
 */
export function buildGoldRushRequest(def: StreamDefinition): GoldRushRequest {
  const problems = validateGoldRush(def as unknown as Record<string, unknown>);
  if (problems.length) throw new Error(problems.join('; '));
  const kind = def.subscription as GoldRushKind;
  const chain = def.chainName as string;
  const addrs = addressList(def).map((a) => JSON.stringify(a));
  const args: string[] = [`chain_name: ${chain}`];
  switch (kind) {
    case 'walletTxs':
      args.push(`wallet_addresses: [${addrs.join(', ')}]`);
      break;
    case 'newPairs':
      args.push(`protocols: [${(def.protocols ?? goldRushDefaultProtocols).join(', ')}]`);
      break;
    case 'updatePairs':
      args.push(`pair_addresses: [${addrs.join(', ')}]`);
      break;
    case 'updateTokens':
      args.push(`token_addresses: [${addrs.join(', ')}]`);
      break;
    case 'ohlcvCandlesForPair':
    case 'ohlcvCandlesForToken':
      args.push(`${kind === 'ohlcvCandlesForPair' ? 'pair' : 'token'}_addresses: [${addrs.join(', ')}]`);
      args.push(`interval: ${def.interval ?? 'ONE_MINUTE'}`, `timeframe: ${def.timeframe ?? 'ONE_HOUR'}`);
      break;
  }
  return { kind, chainName: chain, query: `subscription { ${kind}(${args.join(', ')}) { ${selections[kind]} } }` };
}

/** Short words for what a definition watches (`walletTxs on BASE_MAINNET, 3 wallets`). */
export function describeGoldRush(def: StreamDefinition): string {
  const kind = def.subscription ?? '?';
  const n = addressList(def).length;
  const what = kind === 'newPairs' ? (def.protocols ?? goldRushDefaultProtocols).join('/') : `${n} address${n === 1 ? '' : 'es'}`;
  return `${kind} on ${def.chainName ?? '?'}, ${what}`;
}
