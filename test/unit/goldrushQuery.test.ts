/** GoldRush subscription documents, limits and the classification of GoldRush failures (pure). */
import * as assert from 'assert';
import { buildSchema, parse, validate } from 'graphql';
import { buildGoldRushRequest, goldRushIntervals, goldRushTimeframes, MAX_WALLET_ADDRESSES, validateGoldRush } from '../../src/core/goldrush/goldrushQuery';
import { GOLDRUSH_SIM_SDL } from '../../src/simulator/goldrushServer';
import { outcomeForClose, outcomeForGraphQLErrors, outcomeForSinkError } from '../../src/core/goldrush/goldrushOutcome';
import { validateDefinition } from '../../src/core/stream/streamDefinition';
import type { StreamDefinition } from '../../src/core/stream/stream';

const W = '0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc';
const def = (d: Partial<StreamDefinition>): StreamDefinition => ({ id: 'g', provider: 'goldrush', subscription: 'walletTxs', chainName: 'BASE_MAINNET', address: W, ...d });
const addrs = (n: number) => Array.from({ length: n }, (_, i) => `0x${(i + 1).toString(16).padStart(40, '0')}`);

describe('GoldRush subscriptions', () => {
  it('builds a parseable walletTxs document with the addresses, decoded details and logs', () => {
    const r = buildGoldRushRequest(def({ address: [W, addrs(1)[0]!] }));
    const doc = parse(r.query);
    assert.strictEqual(doc.definitions.length, 1);
    assert.match(r.query, /walletTxs\(chain_name: BASE_MAINNET, wallet_addresses: \["0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc", "0x0+1"\]\)/);
    assert.match(r.query, /\.\.\. on SwapTransaction \{ token_in \{/);
    assert.match(r.query, /logs \{ emitter_address log_offset data topics \}/);
  });

  it('builds each kind with its own arguments and defaults', () => {
    assert.match(buildGoldRushRequest(def({ subscription: 'newPairs', address: undefined })).query, /newPairs\(chain_name: BASE_MAINNET, protocols: \[UNISWAP_V2, UNISWAP_V3\]\)/);
    assert.match(buildGoldRushRequest(def({ subscription: 'updatePairs' })).query, /updatePairs\(chain_name: BASE_MAINNET, pair_addresses: \[/);
    assert.match(buildGoldRushRequest(def({ subscription: 'updateTokens' })).query, /updateTokens\(chain_name: BASE_MAINNET, token_addresses: \[/);
    const c = buildGoldRushRequest(def({ subscription: 'ohlcvCandlesForToken', interval: 'FIVE_MINUTES' })).query;
    assert.match(c, /token_addresses: \[.*\], interval: FIVE_MINUTES, timeframe: ONE_HOUR\)/);
    assert.match(c, /open high low close/);
    for (const kind of ['newPairs', 'updatePairs', 'updateTokens', 'ohlcvCandlesForPair', 'ohlcvCandlesForToken'] as const) {
      parse(buildGoldRushRequest(def({ subscription: kind, address: kind === 'newPairs' ? undefined : W })).query);
    }
  });

  it('asks updatePairs and updateTokens for the rolling-window metrics GoldRush serves since March 2026, not the removed fields', () => {
    for (const kind of ['updatePairs', 'updateTokens'] as const) {
      const q = buildGoldRushRequest(def({ subscription: kind })).query;
      for (const f of ['id', 'sender', 'trader', 'direction', 'market_cap', 'liquidity']) assert.match(q, new RegExp(`\\b${f}\\b`), `${kind} selects ${f}`);
      for (const w of ['last_5m', 'last_1hr', 'last_6hr', 'last_24hr']) {
        assert.match(q, new RegExp(`${w} \\{ volume \\{ current_value previous_value pct_change \\}.* price \\{ current_value previous_value pct_change \\} \\}`), `${kind} ${w}`);
      }
      assert.doesNotMatch(q, /price_deltas|swap_counts/);
    }
  });

  it('offers the interval and timeframe enums of client-sdk 3.0.6, and every document fits the local server\'s schema', () => {
    assert.deepStrictEqual([...goldRushIntervals], ['ONE_SECOND', 'FIVE_SECONDS', 'FIFTEEN_SECONDS', 'ONE_MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'ONE_HOUR', 'FOUR_HOURS', 'ONE_DAY']);
    assert.deepStrictEqual([...goldRushTimeframes], ['ONE_MINUTE', 'FIVE_MINUTES', 'FIFTEEN_MINUTES', 'ONE_HOUR', 'FOUR_HOURS', 'ONE_DAY', 'SEVEN_DAYS']);
    const schema = buildSchema(GOLDRUSH_SIM_SDL);
    const docs = [
      ...(['walletTxs', 'updatePairs', 'updateTokens'] as const).map((k) => buildGoldRushRequest(def({ subscription: k })).query),
      buildGoldRushRequest(def({ subscription: 'newPairs', address: undefined })).query,
      ...goldRushIntervals.map((interval) => buildGoldRushRequest(def({ subscription: 'ohlcvCandlesForPair', interval, timeframe: 'SEVEN_DAYS' })).query),
      ...goldRushTimeframes.map((timeframe) => buildGoldRushRequest(def({ subscription: 'ohlcvCandlesForToken', timeframe })).query),
    ];
    for (const q of docs) assert.deepStrictEqual(validate(schema, parse(q)).map((e) => e.message), [], q.slice(0, 80));
  });

  it('walletTxs on Solana and HyperCore takes more than the EVM limit of 100, up to Chain Watch\'s bound of 1,000', () => {
    assert.deepStrictEqual(validateGoldRush(def({ chainName: 'HYPERCORE_MAINNET', address: addrs(101) }) as never), []);
    assert.deepStrictEqual(validateGoldRush(def({ chainName: 'HYPERCORE_MAINNET', address: addrs(1_000) }) as never), []);
    assert.deepStrictEqual(validateGoldRush(def({ chainName: 'HYPERCORE_MAINNET', address: addrs(1_001) }) as never), [
      'too many addresses: Chain Watch sends at most 1000 wallet addresses in one "walletTxs" subscription, this stream has 1001; split them over several streams',
    ]);
    assert.strictEqual(validateGoldRush(def({ chainName: 'ETH_MAINNET', address: addrs(101) }) as never).length, 1, 'EVM chains keep 100');
  });

  it('updatePairs takes at most 5 pairs; OHLCV pair candles more', () => {
    assert.deepStrictEqual(validateGoldRush(def({ subscription: 'updatePairs', address: addrs(5) }) as never), []);
    assert.match(validateGoldRush(def({ subscription: 'updatePairs', address: addrs(6) }) as never)[0]!, /"updatePairs" takes at most 5 pair addresses per subscription, this stream has 6/);
    assert.deepStrictEqual(validateGoldRush(def({ subscription: 'ohlcvCandlesForPair', address: addrs(6) }) as never), []);
  });

  it('accepts 100 wallets and refuses 101 with words', () => {
    assert.deepStrictEqual(validateGoldRush(def({ address: addrs(MAX_WALLET_ADDRESSES) }) as never), []);
    const p = validateGoldRush(def({ address: addrs(101) }) as never);
    assert.deepStrictEqual(p, ['too many addresses: GoldRush\'s "walletTxs" takes at most 100 wallet addresses per subscription, this stream has 101; split them over several streams']);
    assert.throws(() => buildGoldRushRequest(def({ address: addrs(101) })), /at most 100 wallet addresses/);
  });

  it('refuses more than 5 tokens, a Covalent slug, a missing kind, and values that could change the document', () => {
    assert.match(validateGoldRush(def({ subscription: 'updateTokens', address: addrs(6) }) as never)[0]!, /at most 5 token addresses/);
    assert.match(validateGoldRush(def({ chainName: 'base-mainnet' }) as never)[0]!, /enum name \(e\.g\. BASE_MAINNET\), not the Covalent slug "base-mainnet"/);
    assert.match(validateGoldRush(def({ subscription: undefined }) as never)[0]!, /needs "subscription"/);
    assert.match(validateGoldRush(def({ address: '0x") { x } #' }) as never)[0]!, /is not a 0x \+ 40 hex address/);
    assert.match(validateGoldRush(def({ chainName: 'BASE_MAINNET) { x' }) as never)[0]!, /not a GoldRush chain name/);
    assert.match(validateGoldRush(def({ subscription: 'newPairs', address: undefined, protocols: ['UNISWAP_V2]'] }) as never)[0]!, /protocol enum names/);
    assert.match(validateGoldRush(def({ interval: 'ONE_MINUTE' }) as never)[0]!, /only applies to OHLCV/);
  });

  it('is part of the settings validation', () => {
    assert.deepStrictEqual(validateDefinition(def({})), []);
    assert.ok(validateDefinition(def({ address: addrs(101) })).some((p) => /too many addresses/.test(p)));
    assert.ok(validateDefinition({ id: 'x', provider: 'nope' }).some((p) => /"goldrush"/.test(p)));
  });

  it('takes base58 addresses on Solana and price-feed names for token candles', () => {
    assert.deepStrictEqual(validateGoldRush(def({ chainName: 'SOLANA_MAINNET', subscription: 'ohlcvCandlesForPair', address: '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2' }) as never), []);
    assert.deepStrictEqual(validateGoldRush(def({ chainName: 'MEGAETH_MAINNET', subscription: 'ohlcvCandlesForToken', address: 'REDSTONE-BTC' }) as never), []);
    assert.strictEqual(validateGoldRush(def({ address: '58oQChx4yWmvKdwLLZzBi4ChoCc2fqCUWBkwMihLYQo2' }) as never).length, 1, 'base58 only on Solana');
  });
});

describe('GoldRush outcomes', () => {
  it('a key refusal stops with invalid_key, by code or by words', () => {
    assert.strictEqual(outcomeForGraphQLErrors([{ message: 'nope', extensions: { code: 'UNAUTHENTICATED' } }]).fatal, true);
    const o = outcomeForGraphQLErrors([{ message: 'Invalid API key provided' }]);
    assert.ok(o.fatal && o.reason === 'invalid_key');
    assert.ok(outcomeForClose(4401, 'Unauthorized').fatal);
    assert.ok(outcomeForClose(4403, 'Forbidden').fatal);
  });

  it('an unknown chain, too many addresses and a rejected document stop with words', () => {
    const chain = outcomeForGraphQLErrors([{ message: 'Value "FOO" does not exist in "ChainName" enum.' }]);
    assert.ok(chain.fatal && chain.reason === 'refused');
    assert.match(chain.message, /does not stream this chain/);
    const many = outcomeForGraphQLErrors([{ message: 'Too many addresses: walletTxs accepts at most 100' }]);
    assert.ok(many.fatal);
    assert.match(many.message, /refused the addresses/);
    assert.ok(outcomeForGraphQLErrors([{ message: 'Cannot query field "x" on type "Subscription".' }]).fatal);
  });

  it('a rate limit retries after a minute; other errors and drops retry at once', () => {
    const r = outcomeForGraphQLErrors([{ message: 'Rate limit exceeded' }]);
    assert.strictEqual(r.fatal, false);
    assert.strictEqual(r.retryAfterMs, 60_000);
    assert.strictEqual(outcomeForClose(4429, undefined).retryAfterMs, 60_000);
    assert.deepStrictEqual(outcomeForGraphQLErrors([{ message: 'Internal error' }]), { fatal: false, message: 'GoldRush error: Internal error' });
    assert.strictEqual(outcomeForClose(1006, '').fatal, false);
    assert.strictEqual(outcomeForSinkError({ code: 4004, reason: 'Invalid message received' }).fatal, false);
    const refused = new Error('connect ECONNREFUSED 127.0.0.1:1');
    assert.strictEqual(outcomeForSinkError(refused, 'ws://127.0.0.1:1/graphql').message, 'cannot reach 127.0.0.1:1 (connection refused): is the server running?');
    assert.strictEqual(outcomeForSinkError({ type: 'error', error: refused }, 'ws://127.0.0.1:1/graphql').message, 'cannot reach 127.0.0.1:1 (connection refused): is the server running?');
    assert.match(outcomeForSinkError(refused).message, /^GoldRush connection failed: connect ECONNREFUSED/);
  });
});
