/**
 * A local GoldRush-Streaming-compatible endpoint: GraphQL subscriptions over WebSocket (`graphql-transport-ws`,
 * served by `graphql-ws/use/ws`) at `/graphql`, with a schema for `walletTxs`, `newPairs`, `updatePairs`,
 * `updateTokens`, `ohlcvCandlesForPair` and `ohlcvCandlesForToken` as GoldRush documents them (chains and DEX
 * protocols are enums; documents are validated by `graphql`, so an unknown chain is refused as the real server does).
 *
 * - The key is read from `connection_init`'s `GOLDRUSH_API_KEY`. An unknown key is refused *after*
 *   `connection_ack` by default (an `error` message on each subscription, as GoldRush can do); `authMode:
 *   'onConnect'` refuses it at `connection_init` instead (close 4403), `'closeAfterAck'` acks then closes with 4401.
 * - `walletTxs` takes at most 100 addresses, `updatePairs`/`updateTokens`/`ohlcvCandlesForToken` at most 5: more is
 *   an `error`.
 * - Items are emitted on the injected clock every `intervalMs` per subscription ({@link startAuto}) or on demand
 *   ({@link emit}); each wallet's transactions are kept, and a new `walletTxs` subscription first receives the last
 *   `overlapOnSubscribe` of them again (a delivery overlap across a reconnect, which the client must deduplicate).
 * - Fault injection: {@link sendRaw}, {@link sendError}, {@link completeAll}, {@link dropConnections},
 *   {@link rateLimit}, {@link silence} (stop pings' pongs and data, as a frozen server), and stop/start on one port.
 */
import * as http from 'http';
import { buildSchema, GraphQLError } from 'graphql';
import { WebSocketServer, type WebSocket } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { systemClock, type Clock, type TimerHandle } from '../core/clock';
import { nullLogger, type Logger } from '../core/logger';
import { GoldRushGenerator, GOLDRUSH_SIM_PAIRS, GOLDRUSH_SIM_TOKENS } from './goldrushData';

/** The key the demo uses. */
export const GOLDRUSH_DEMO_KEY = 'cqt_goldrush_demo';

const chainNames = ['BASE_MAINNET', 'ETH_MAINNET', 'BSC_MAINNET', 'POLYGON_MAINNET', 'SONIC_MAINNET', 'MONAD_MAINNET', 'HYPEREVM_MAINNET', 'HYPERCORE_MAINNET', 'MEGAETH_MAINNET', 'SOLANA_MAINNET'];

// The DEX protocols of `StreamingProtocol` in @covalenthq/client-sdk 3.0.6 (CLANKER_V3 is sent as CLANKER).
const protocolNames = [
  'UNISWAP_V2', 'UNISWAP_V3', 'VIRTUALS_V2', 'CLANKER', 'RAYDIUM_AMM', 'RAYDIUM_CLMM', 'RAYDIUM_CPMM', 'PUMP_DOT_FUN', 'PUMP_FUN_AMM',
  'MOONSHOT', 'RAYDIUM_LAUNCH_LAB', 'METEORA_DAMM', 'METEORA_DLMM', 'METEORA_DBC', 'PANCAKESWAP_V2', 'PANCAKESWAP_V3', 'SHADOW_V2',
  'SHADOW_V3', 'OCTOSWAP_V2', 'OCTOSWAP_V3', 'QUICKSWAP_V2', 'QUICKSWAP_V3', 'SUSHISWAP_V2', 'PROJECT_X', 'KUMBAYA_V1', 'JOE_V2',
];

/** The schema, in SDL: only what the six subscriptions need (types as client-sdk 3.0.6 queries them). */
export const GOLDRUSH_SIM_SDL = `
enum ChainName { ${chainNames.join(' ')} }
enum ProtocolName { ${protocolNames.join(' ')} }
enum OhlcvTimeInterval { ONE_SECOND FIVE_SECONDS FIFTEEN_SECONDS ONE_MINUTE FIVE_MINUTES FIFTEEN_MINUTES ONE_HOUR FOUR_HOURS ONE_DAY }
enum OhlcvTimeFrame { ONE_MINUTE FIVE_MINUTES FIFTEEN_MINUTES ONE_HOUR FOUR_HOURS ONE_DAY SEVEN_DAYS }
type ContractMetadata { contract_name: String contract_address: String contract_decimals: Int contract_ticker_symbol: String }
type TransferTransaction { from: String to: String amount: String quote_usd: Float quote_rate_usd: Float contract_metadata: ContractMetadata }
type SwapTransaction { token_in: ContractMetadata token_out: ContractMetadata amount_in: String amount_out: String }
type BridgeTransaction { type: String typeString: String from: String to: String amount: String quote_usd: Float quote_rate_usd: Float contract_metadata: ContractMetadata }
type DepositTransaction { from: String to: String amount: String quote_usd: Float quote_rate_usd: Float contract_metadata: ContractMetadata }
type WithdrawTransaction { from: String to: String amount: String quote_usd: Float quote_rate_usd: Float contract_metadata: ContractMetadata }
type ApproveTransaction { spender: String amount: String quote_usd: Float quote_rate_usd: Float contract_metadata: ContractMetadata }
type ErrorDetails { message: String }
union DecodedDetails = TransferTransaction | SwapTransaction | BridgeTransaction | DepositTransaction | WithdrawTransaction | ApproveTransaction | ErrorDetails
type Log { emitter_address: String log_offset: Int data: String topics: [String] }
type WalletTransaction {
  tx_hash: String from_address: String to_address: String value: Float chain_name: String block_signed_at: String
  block_height: Int block_hash: String miner_address: String gas_used: Int tx_offset: Int successful: Boolean
  decoded_type: String decoded_details: DecodedDetails logs: [Log]
}
type NewPair {
  chain_name: String protocol: String protocol_version: String pair_address: String deployer_address: String tx_hash: String
  block_signed_at: String liquidity: Float supply: Float market_cap: Float event_name: String quote_rate: Float quote_rate_usd: Float
  base_token: ContractMetadata quote_token: ContractMetadata pair: ContractMetadata
}
type MetricValue { current_value: Float previous_value: Float pct_change: Float }
type TimeframeMetrics {
  volume: MetricValue volume_usd: MetricValue buy_volume: MetricValue sell_volume: MetricValue swap_count: MetricValue
  buy_count: MetricValue sell_count: MetricValue unique_buyers: MetricValue unique_sellers: MetricValue price: MetricValue
}
type SwapUpdate {
  id: String chain_name: String pair_address: String timestamp: String quote_rate: Float quote_rate_usd: Float market_cap: Float
  liquidity: Float sender: String trader: String direction: String base_token: ContractMetadata quote_token: ContractMetadata
  last_5m: TimeframeMetrics last_1hr: TimeframeMetrics last_6hr: TimeframeMetrics last_24hr: TimeframeMetrics
}
type Candle {
  chain_name: String pair_address: String interval: String timeframe: String timestamp: String open: Float high: Float low: Float
  close: Float volume: Float volume_usd: Float quote_rate: Float quote_rate_usd: Float base_token: ContractMetadata quote_token: ContractMetadata
}
type Query { health: String }
type Subscription {
  walletTxs(chain_name: ChainName!, wallet_addresses: [String!]!): [WalletTransaction]
  newPairs(chain_name: ChainName!, protocols: [ProtocolName!]!): [NewPair]
  updatePairs(chain_name: ChainName!, pair_addresses: [String!]!): [SwapUpdate]
  updateTokens(chain_name: ChainName!, token_addresses: [String!]!): [SwapUpdate]
  ohlcvCandlesForPair(chain_name: ChainName!, pair_addresses: [String!]!, interval: OhlcvTimeInterval!, timeframe: OhlcvTimeFrame!, limit: Int): [Candle]
  ohlcvCandlesForToken(chain_name: ChainName!, token_addresses: [String!]!, interval: OhlcvTimeInterval!, timeframe: OhlcvTimeFrame!, limit: Int): [Candle]
}
`;

/** Options; durations in ms. */
export interface GoldRushServerOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 0 (a free port); kept across stop/start. */
  port?: number;
  clock?: Clock;
  logger?: Logger;
  /** Accepted keys (default [{@link GOLDRUSH_DEMO_KEY}]). */
  keys?: string[];
  /** How an unknown key is refused (default `afterAck`). */
  authMode?: 'afterAck' | 'onConnect' | 'closeAfterAck';
  /** Generator seed (default 1). */
  seed?: number;
  /** Emission interval per subscription with {@link startAuto} (default 1,000). */
  intervalMs?: number;
  /** Transactions a new `walletTxs` subscription receives again from the wallet's history (default 0). */
  overlapOnSubscribe?: number;
}

interface Sub {
  id: string;
  socket: WebSocket;
  field: string;
  args: Record<string, unknown>;
  push(value: unknown): void;
  end(): void;
}

type Waiter = (r: IteratorResult<unknown>) => void;

/** A push queue exposed as an async iterator (the subscription's source stream). Bounded: oldest dropped past 1,000. */
function pushQueue(onReturn: () => void): { iterator: AsyncIterableIterator<unknown>; push(v: unknown): void; end(): void } {
  const items: unknown[] = [];
  const waiters: Waiter[] = [];
  let done = false;
  const iterator: AsyncIterableIterator<unknown> = {
    next: () => {
      if (items.length) return Promise.resolve({ value: items.shift(), done: false });
      if (done) return Promise.resolve({ value: undefined, done: true });
      return new Promise<IteratorResult<unknown>>((resolve) => waiters.push(resolve));
    },
    return: () => {
      done = true;
      onReturn();
      for (const w of waiters.splice(0)) w({ value: undefined, done: true });
      return Promise.resolve({ value: undefined, done: true });
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return {
    iterator,
    push(v) {
      if (done) return;
      const w = waiters.shift();
      if (w) w({ value: v, done: false });
      else {
        items.push(v);
        if (items.length > 1000) items.shift();
      }
    },
    end() {
      done = true;
      for (const w of waiters.splice(0)) w({ value: undefined, done: true });
    },
  };
}

/** The local GoldRush endpoint. */
export class GoldRushServer {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly gen: GoldRushGenerator;
  private readonly keys: Set<string>;
  private http: http.Server | undefined;
  private wss: WebSocketServer | undefined;
  private disposeWs: { dispose(): void | Promise<void> } | undefined;
  private port: number;
  private readonly subs = new Set<Sub>();
  private readonly history = new Map<string, Record<string, unknown>[]>();
  private autoTimer: TimerHandle | undefined;
  private rateLimitedUntil = 0;
  private silent = false;
  private readonly subWaiters = new Set<{ n: number; resolve: () => void }>();
  /** `connection_init` messages accepted so far (tests count sockets with it). */
  connectionCount = 0;
  /** Subscriptions started so far. */
  subscribeCount = 0;

  constructor(private readonly opts: GoldRushServerOptions = {}) {
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger ?? nullLogger;
    this.gen = new GoldRushGenerator(opts.seed ?? 1);
    this.keys = new Set(opts.keys ?? [GOLDRUSH_DEMO_KEY]);
    this.port = opts.port ?? 0;
  }

  /** `ws://host:port/graphql`. */
  get url(): string {
    return `ws://${this.opts.host ?? '127.0.0.1'}:${this.port}/graphql`;
  }

  /** Active subscriptions. */
  get activeSubscriptions(): number {
    return this.subs.size;
  }

  /**
   * Resolves once at least `n` subscriptions are active. The client reports live at `connection_ack` and then sends
   * `subscribe`; graphql-transport-ws has no subscribe acknowledgement, so a test that emits must wait for this.
   */
  whenSubscribed(n: number): Promise<void> {
    if (this.subs.size >= n) return Promise.resolve();
    return new Promise((resolve) => this.subWaiters.add({ n, resolve }));
  }

  /** Starts listening (again, on the same port after {@link stop}). */
  async start(): Promise<void> {
    if (this.http) return;
    const server = http.createServer((_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not found: this endpoint speaks graphql-transport-ws at /graphql"}');
    });
    const wss = new WebSocketServer({ server, path: '/graphql' });
    const schema = buildSchema(GOLDRUSH_SIM_SDL);
    const authMode = this.opts.authMode ?? 'afterAck';
    const keyOf = (params: unknown) => (params && typeof params === 'object' ? (params as Record<string, unknown>).GOLDRUSH_API_KEY : undefined);
    this.disposeWs = useServer(
      {
        schema,
        roots: { subscription: this.roots() },
        context: (ctx, id) => ({ key: keyOf(ctx.connectionParams), socket: ctx.extra.socket, id }),
        onConnect: (ctx) => {
          const key = keyOf(ctx.connectionParams);
          const ok = typeof key === 'string' && this.keys.has(key);
          if (this.clock.now() < this.rateLimitedUntil) {
            ctx.extra.socket.close(4429, 'Too many requests: rate limited');
            return false;
          }
          if (!ok && authMode === 'onConnect') return false;
          this.connectionCount++;
          if (!ok && authMode === 'closeAfterAck') setImmediate(() => ctx.extra.socket.close(4401, 'Unauthorized: invalid GOLDRUSH_API_KEY'));
          return true;
        },
        onSubscribe: (ctx) => {
          const key = keyOf(ctx.connectionParams);
          if (typeof key !== 'string' || !this.keys.has(key)) return [new GraphQLError('Unauthorized: invalid or missing GOLDRUSH_API_KEY', { extensions: { code: 'UNAUTHENTICATED' } })];
          if (this.clock.now() < this.rateLimitedUntil) return [new GraphQLError('Rate limit exceeded: too many requests', { extensions: { code: 'RATE_LIMITED' } })];
          return undefined;
        },
      },
      wss,
      // ws-level ping interval, not the protocol's ping/pong
      60_000,
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    const addr = server.address();
    if (addr && typeof addr === 'object') this.port = addr.port;
    wss.on('connection', (socket) => {
      // a silenced server answers nothing, not even the protocol's pings
      const orig = socket.send.bind(socket);
      socket.send = ((data: unknown, ...rest: unknown[]) => {
        if (this.silent) return;
        (orig as (...a: unknown[]) => void)(data, ...rest);
      }) as typeof socket.send;
    });
    this.http = server;
    this.wss = wss;
    this.log.info(`GoldRush simulator on ${this.url}`);
  }

  /** Stops listening and closes every socket (history is kept, so a restart can overlap deliveries). */
  async stop(): Promise<void> {
    this.stopAuto();
    for (const s of [...this.subs]) s.end();
    this.subs.clear();
    for (const c of this.wss?.clients ?? []) c.terminate();
    await this.disposeWs?.dispose();
    this.disposeWs = undefined;
    this.wss?.close();
    const server = this.http;
    this.http = undefined;
    this.wss = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Emits one round of items to every subscription now, then every `intervalMs` until {@link stopAuto}. */
  startAuto(): void {
    this.stopAuto();
    const tick = () => {
      this.emitRound();
      this.autoTimer = this.clock.setTimeout(tick, this.opts.intervalMs ?? 1_000);
    };
    tick();
  }

  stopAuto(): void {
    this.clock.clearTimeout(this.autoTimer);
    this.autoTimer = undefined;
  }

  /** One item for every active subscription. Returns how many were sent. */
  emitRound(): number {
    let n = 0;
    for (const s of this.subs) {
      const items = this.itemsFor(s);
      if (items.length) {
        s.push({ [s.field]: items });
        n++;
      }
    }
    return n;
  }

  /** Sends `items` to every subscription of `field` (already shaped as the schema's type). */
  emit(field: string, items: unknown[]): void {
    for (const s of this.subs) if (s.field === field) s.push({ [field]: items });
  }

  /** Sends `text` as is on every socket (malformed frames). */
  sendRaw(text: string): void {
    for (const c of this.wss?.clients ?? []) c.send(text);
  }

  /** Sends a `next` message with `payload` as is (any shape) for every active subscription. */
  sendNext(payload: unknown): void {
    for (const s of this.subs) s.socket.send(JSON.stringify({ type: 'next', id: s.id, payload }));
  }

  /** Sends an `error` message with `message` for every active subscription (their streams end). */
  sendError(message: string, code?: string): void {
    for (const s of [...this.subs]) {
      const payload = [{ message, ...(code ? { extensions: { code } } : {}) }];
      s.socket.send(JSON.stringify({ type: 'error', id: s.id, payload }));
      this.subs.delete(s);
    }
  }

  /** Ends every subscription from the server's side (`complete` messages). */
  completeAll(): void {
    for (const s of [...this.subs]) s.end();
  }

  /** Terminates every socket (a network drop). */
  dropConnections(): void {
    for (const c of this.wss?.clients ?? []) c.terminate();
  }

  /** Refuses new connections and subscriptions for `ms` (rate limit). */
  rateLimit(ms: number): void {
    this.rateLimitedUntil = this.clock.now() + ms;
  }

  /** Stops answering anything (pongs included) while on. */
  silence(on: boolean): void {
    this.silent = on;
  }

  private itemsFor(s: Sub): unknown[] {
    const now = this.clock.now();
    const chain = String(s.args.chain_name);
    const list = (name: string) => (Array.isArray(s.args[name]) ? (s.args[name] as string[]) : []);
    switch (s.field) {
      case 'walletTxs': {
        const wallets = list('wallet_addresses');
        const wallet = wallets[Math.floor(Math.random() * wallets.length)] ?? '0x0000000000000000000000000000000000000000';
        const tx = this.gen.walletTx(chain, wallet, now);
        this.remember(chain, wallet, tx);
        return [tx];
      }
      case 'newPairs':
        return [this.gen.newPair(chain, list('protocols')[0] ?? 'UNISWAP_V2', now)];
      case 'updatePairs':
        return list('pair_addresses').map((p) => this.gen.pairUpdate(chain, p, now));
      case 'updateTokens':
        return list('token_addresses').map((t) => this.gen.tokenUpdate(chain, t, now));
      case 'ohlcvCandlesForPair':
      case 'ohlcvCandlesForToken': {
        const isToken = s.field === 'ohlcvCandlesForToken';
        return list(isToken ? 'token_addresses' : 'pair_addresses').map((a) => this.gen.candle(chain, a, isToken, String(s.args.interval), String(s.args.timeframe), now));
      }
      default:
        return [];
    }
  }

  private remember(chain: string, wallet: string, tx: Record<string, unknown>): void {
    const k = `${chain}:${wallet.toLowerCase()}`;
    const h = this.history.get(k) ?? [];
    h.push(tx);
    if (h.length > 100) h.shift();
    this.history.set(k, h);
  }

  private roots(): Record<string, (args: Record<string, unknown>, ctx: { socket: WebSocket; id: string }) => AsyncIterableIterator<unknown>> {
    const make = (field: string, max: number, listArg: string | undefined) => (args: Record<string, unknown>, ctx: { socket: WebSocket; id: string }) => {
      const addrs = listArg && Array.isArray(args[listArg]) ? (args[listArg] as unknown[]) : [];
      // walletTxs on Solana and HyperCore takes thousands of wallets, as GoldRush documents
      const limit = field === 'walletTxs' && (args.chain_name === 'SOLANA_MAINNET' || args.chain_name === 'HYPERCORE_MAINNET') ? 10_000 : max;
      if (listArg && addrs.length > limit) {
        throw new GraphQLError(`Too many addresses: ${field} accepts at most ${limit} ${listArg} per subscription (got ${addrs.length})`);
      }
      if (listArg && addrs.length === 0) throw new GraphQLError(`${listArg} must not be empty`);
      const sub: Sub = { id: ctx.id, socket: ctx.socket, field, args, push: () => undefined, end: () => undefined };
      const q = pushQueue(() => this.subs.delete(sub));
      sub.push = q.push;
      sub.end = () => {
        this.subs.delete(sub);
        q.end();
      };
      this.subs.add(sub);
      this.subscribeCount++;
      for (const w of [...this.subWaiters]) {
        if (this.subs.size >= w.n) {
          this.subWaiters.delete(w);
          w.resolve();
        }
      }
      if (field === 'walletTxs' && this.opts.overlapOnSubscribe) {
        const chain = String(args.chain_name);
        const past = addrs.flatMap((w) => this.history.get(`${chain}:${String(w).toLowerCase()}`) ?? []);
        const again = past.slice(-this.opts.overlapOnSubscribe);
        if (again.length) q.push({ walletTxs: again });
      }
      return q.iterator;
    };
    return {
      walletTxs: make('walletTxs', 100, 'wallet_addresses'),
      newPairs: make('newPairs', 0, undefined),
      updatePairs: make('updatePairs', 5, 'pair_addresses'),
      updateTokens: make('updateTokens', 5, 'token_addresses'),
      ohlcvCandlesForPair: make('ohlcvCandlesForPair', 100, 'pair_addresses'),
      ohlcvCandlesForToken: make('ohlcvCandlesForToken', 5, 'token_addresses'),
    };
  }
}

/** Addresses the demo watches: a Base wallet-like address set and the simulator's pairs and tokens. */
export const GOLDRUSH_DEMO = {
  chain: 'BASE_MAINNET',
  wallets: ['0x198ef79f1f515f02dfe9e3115ed9fc07183f02fc', '0xd2216ed62a5c84f285a051839e808902fe8fc90b'],
  pairs: GOLDRUSH_SIM_PAIRS.BASE_MAINNET as readonly string[],
  tokens: (GOLDRUSH_SIM_TOKENS.BASE_MAINNET ?? []).map((t) => t.contract_address),
};
