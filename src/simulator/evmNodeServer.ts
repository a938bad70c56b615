/**
 * A local EVM node for the demo and tests: WebSocket JSON-RPC on 127.0.0.1 with a simulated chain that mines a
 * block every `blockTimeMs` (on the injected clock) carrying realistic ERC-20 `Transfer`/`Approval` and Uniswap V2
 * `Swap`/`Sync` logs for real mainnet contract addresses, deterministic from `seed`.
 *
 * It speaks what `protocols.md` §3 describes: `eth_subscribe("logs", filter)` and `eth_subscribe("newHeads")`
 * with `eth_subscription` notifications, `eth_unsubscribe`, `eth_getLogs` (refused with -32005 beyond
 * `maxLogsRange` blocks, as hosted providers do), `eth_blockNumber`, `eth_chainId`, `eth_getBlockByNumber`,
 * `eth_getBlockByHash`, and batches. Every `reorgEveryBlocks` blocks the head block is replaced: its logs are
 * re-sent with `removed: true`, then the replacement block's logs follow (what geth does on a 1-block reorg).
 * Test hooks: {@link EvmNodeServer.mineBlock}, {@link EvmNodeServer.reorg}, {@link EvmNodeServer.dropConnections}.
 */
import type { AddressInfo } from 'net';
import { WebSocketServer, WebSocket } from 'ws';
import type { RawData } from 'ws';
import { systemClock } from '../core/clock';
import type { Clock, TimerHandle } from '../core/clock';
import { keccak256 as keccakBytes, stringToBytes } from 'viem';
import { nullLogger } from '../core/logger';
import type { Logger } from '../core/logger';
import { prng } from './prng';

/** Options; durations in milliseconds. */
export interface EvmNodeServerOptions {
  /** Default `127.0.0.1`. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Reported by `eth_chainId` (default 31337, the local-node id). */
  chainId?: number;
  /** Number of the first block mined (default 21,000,000, a realistic mainnet height). */
  startBlock?: number;
  /** A block every this many ms (default 2,000); 0 mines only through {@link EvmNodeServer.mineBlock}. */
  blockTimeMs?: number;
  /** Logs per block, inclusive range (default [1, 4]). */
  logsPerBlock?: [number, number];
  /** Replace the head block every N blocks (default 0 = never; the demo uses ~20). */
  reorgEveryBlocks?: number;
  /** `eth_getLogs` refuses wider block ranges with -32005 (default 1,000). */
  maxLogsRange?: number;
  /** PRNG seed (default 1). */
  seed?: number;
  clock?: Clock;
  logger?: Logger;
}

/** A log as the node serves it (quantities in hex). */
export interface SimLog {
  address: string;
  blockHash: string;
  blockNumber: string;
  logIndex: string;
  transactionHash: string;
  transactionIndex: string;
  topics: string[];
  data: string;
  removed: boolean;
}

/** A mined block. */
export interface SimBlock {
  number: number;
  hash: string;
  parentHash: string;
  /** Seconds since epoch. */
  timestamp: number;
  logs: SimLog[];
}

/** Real Ethereum mainnet contracts the simulated logs come from. */
export const EVM_SIM_CONTRACTS = [
  { address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', kind: 'erc20' as const, decimals: 6 }, // USDC
  { address: '0xc02aaa39b223fe8d0a0e5c4f27ead9083c756cc2', kind: 'erc20' as const, decimals: 18 }, // WETH
  { address: '0xdac17f958d2ee523a2206206994597c13d831ec7', kind: 'erc20' as const, decimals: 6 }, // USDT
  { address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', kind: 'pairV2' as const, decimals: 18 }, // USDC/WETH
] as const;

const TOPICS = {
  Transfer: '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
  Approval: '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925',
  Swap: '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822',
  Sync: '0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1',
};

/** Keccak-256 of a UTF-8 string, as 0x-prefixed hex (block, transaction and subscription ids). */
const keccak256 = (text: string): string => keccakBytes(stringToBytes(text));
const hex = (n: number | bigint): string => '0x' + n.toString(16);
const word = (n: bigint): string => n.toString(16).padStart(64, '0');
const addrTopic = (a: string): string => '0x' + a.slice(2).padStart(64, '0');


interface LogFilter {
  address?: string | string[];
  topics?: Array<string | string[] | null>;
}

/** True when `log` matches an `eth_subscribe` / `eth_getLogs` filter (address OR list, topic positions). */
export function logMatches(log: Pick<SimLog, 'address' | 'topics'>, filter: LogFilter | undefined): boolean {
  if (!filter) return true;
  if (filter.address !== undefined) {
    const list = (Array.isArray(filter.address) ? filter.address : [filter.address]).map((a) => String(a).toLowerCase());
    if (list.length > 0 && !list.includes(log.address)) return false;
  }
  const topics = Array.isArray(filter.topics) ? filter.topics : [];
  for (let i = 0; i < topics.length; i++) {
    const want = topics[i];
    if (want === null || want === undefined) continue;
    const list = (Array.isArray(want) ? want : [want]).map((t) => String(t).toLowerCase());
    if (list.length > 0 && !list.includes(log.topics[i] ?? '')) return false;
  }
  return true;
}

interface Sub {
  id: string;
  kind: 'logs' | 'newHeads';
  filter?: LogFilter;
}

class RpcError {
  constructor(readonly code: number, readonly message: string) {}
}

/** The simulated node. */
export class EvmNodeServer {
  private readonly opts: Required<Omit<EvmNodeServerOptions, 'clock' | 'logger'>>;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly random: () => number;
  private wss: WebSocketServer | undefined;
  private readonly subs = new Map<WebSocket, Sub[]>();
  private readonly chain: SimBlock[] = [];
  private timer: TimerHandle | undefined;
  private subSeq = 0;
  private fork = 0;
  private minedSinceReorg = 0;
  /** Blocks kept for eth_getLogs / eth_getBlockBy* (older ones are forgotten, as a pruned node does). */
  private readonly keepBlocks = 20_000;

  constructor(options: EvmNodeServerOptions = {}) {
    this.opts = {
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 0,
      chainId: options.chainId ?? 31337,
      startBlock: options.startBlock ?? 21_000_000,
      blockTimeMs: options.blockTimeMs ?? 2_000,
      logsPerBlock: options.logsPerBlock ?? [1, 4],
      reorgEveryBlocks: options.reorgEveryBlocks ?? 0,
      maxLogsRange: options.maxLogsRange ?? 1_000,
      seed: options.seed ?? 1,
    };
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? nullLogger;
    this.random = prng(this.opts.seed);
  }

  /** `ws://host:port` once started. */
  get url(): string {
    if (!this.wss) throw new Error('EvmNodeServer is not started');
    const a = this.wss.address() as AddressInfo;
    return `ws://${this.opts.host}:${a.port}`;
  }

  /** The head block number (the one before `startBlock` until something is mined). */
  get head(): number {
    return this.chain.length ? this.chain[this.chain.length - 1].number : this.opts.startBlock - 1;
  }

  /** The canonical chain as kept (oldest first). */
  get blocks(): readonly SimBlock[] {
    return this.chain;
  }

  /** Open client connections. */
  get connections(): number {
    return this.subs.size;
  }

  /** Listens and starts mining (when `blockTimeMs` > 0). */
  async start(): Promise<void> {
    const wss = new WebSocketServer({ host: this.opts.host, port: this.opts.port, perMessageDeflate: false, maxPayload: 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      wss.once('listening', () => resolve());
      wss.once('error', reject);
    });
    this.wss = wss;
    wss.on('connection', (ws) => {
      this.subs.set(ws, []);
      ws.on('message', (data: RawData) => this.onMessage(ws, data));
      ws.on('close', () => this.subs.delete(ws));
      ws.on('error', () => ws.terminate());
    });
    this.log.info(`EVM node simulator on ${this.url} (chain ${this.opts.chainId})`);
    this.schedule();
  }

  /** Stops mining, closes every connection and the listener. */
  async stop(): Promise<void> {
    this.clock.clearTimeout(this.timer);
    this.timer = undefined;
    const wss = this.wss;
    this.wss = undefined;
    if (!wss) return;
    for (const ws of this.subs.keys()) ws.terminate();
    this.subs.clear();
    await new Promise<void>((r) => wss.close(() => r()));
  }

  /** Kills every client connection abruptly (the chain goes on). Returns how many. */
  dropConnections(): number {
    const n = this.subs.size;
    for (const ws of this.subs.keys()) ws.terminate();
    return n;
  }

  /** Mines one block now (with `logCount` logs, or a random number in `logsPerBlock`) and notifies subscribers. */
  mineBlock(logCount?: number): SimBlock {
    const block = this.makeBlock(this.head + 1, logCount);
    this.append(block);
    if (this.opts.reorgEveryBlocks > 0 && ++this.minedSinceReorg >= this.opts.reorgEveryBlocks) {
      this.minedSinceReorg = 0;
      this.reorg();
    }
    return block;
  }

  /**
   * Replaces the head block with a different one at the same height: subscribers get its logs again with
   * `removed: true`, then the new block's logs. Returns `[dropped, replacement]`.
   */
  reorg(logCount?: number): [SimBlock, SimBlock] | undefined {
    const dropped = this.chain.pop();
    if (!dropped) return undefined;
    this.fork++;
    for (const l of dropped.logs) this.notifyLog({ ...l, removed: true });
    const replacement = this.makeBlock(dropped.number, logCount);
    this.append(replacement);
    this.log.debug(`reorg at block ${dropped.number}: ${dropped.logs.length} logs removed, ${replacement.logs.length} added`);
    return [dropped, replacement];
  }

  private schedule(): void {
    if (this.opts.blockTimeMs <= 0 || !this.wss) return;
    this.timer = this.clock.setTimeout(() => {
      if (!this.wss) return;
      this.mineBlock();
      this.schedule();
    }, this.opts.blockTimeMs);
  }

  private append(block: SimBlock): void {
    this.chain.push(block);
    if (this.chain.length > this.keepBlocks) this.chain.splice(0, this.chain.length - this.keepBlocks);
    for (const [ws, subs] of this.subs) {
      for (const s of subs) {
        if (s.kind === 'newHeads') this.send(ws, { jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: s.id, result: this.header(block) } });
      }
    }
    for (const l of block.logs) this.notifyLog(l);
  }

  private notifyLog(log: SimLog): void {
    for (const [ws, subs] of this.subs) {
      for (const s of subs) {
        if (s.kind === 'logs' && logMatches(log, s.filter)) this.send(ws, { jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: s.id, result: log } });
      }
    }
  }

  private makeBlock(number: number, logCount?: number): SimBlock {
    const parent = this.chain.length ? this.chain[this.chain.length - 1] : undefined;
    const hash = keccak256(`block:${this.opts.seed}:${this.fork}:${number}`);
    const timestamp = Math.floor(this.clock.now() / 1000);
    const [min, max] = this.opts.logsPerBlock;
    const count = logCount ?? min + Math.floor(this.random() * (max - min + 1));
    const logs: SimLog[] = [];
    let tx = 0;
    while (logs.length < count) {
      const txHash = keccak256(`tx:${hash}:${tx}`);
      for (const entry of this.makeTxLogs(Math.min(2, count - logs.length))) {
        logs.push({
          ...entry,
          blockHash: hash,
          blockNumber: hex(number),
          logIndex: hex(logs.length),
          transactionHash: txHash,
          transactionIndex: hex(tx),
          removed: false,
        });
      }
      tx++;
    }
    return { number, hash, parentHash: parent?.hash ?? keccak256(`block:${this.opts.seed}:genesis`), timestamp, logs };
  }

  /** One transaction's logs: a transfer or approval, or a V2 swap (Sync + Swap) when two logs fit. */
  private makeTxLogs(room: number): Array<Pick<SimLog, 'address' | 'topics' | 'data'>> {
    const r = this.random;
    const someone = () => '0x' + Array.from({ length: 20 }, () => Math.floor(r() * 256).toString(16).padStart(2, '0')).join('');
    const amount = (decimals: number) => BigInt(Math.floor(r() * 5_000 * 100)) * 10n ** BigInt(decimals - 2);
    const contract = EVM_SIM_CONTRACTS[Math.floor(r() * EVM_SIM_CONTRACTS.length)];
    if (contract.kind === 'pairV2' && room >= 2) {
      const sender = '0x7a250d5630b4cf539739df2c5dacb4c659f2488d'; // Uniswap V2 router
      const inUsdc = amount(6);
      const outWeth = (inUsdc * 10n ** 12n) / 3_000n;
      const reserve0 = 40_000_000n * 10n ** 6n + BigInt(Math.floor(r() * 1e12));
      const reserve1 = 13_000n * 10n ** 18n + BigInt(Math.floor(r() * 1e18));
      return [
        { address: contract.address, topics: [TOPICS.Sync], data: '0x' + word(reserve0) + word(reserve1) },
        { address: contract.address, topics: [TOPICS.Swap, addrTopic(sender), addrTopic(someone())], data: '0x' + word(inUsdc) + word(0n) + word(0n) + word(outWeth) },
      ];
    }
    const token = contract.kind === 'erc20' ? contract : EVM_SIM_CONTRACTS[0];
    const topic = r() < 0.85 ? TOPICS.Transfer : TOPICS.Approval;
    return [{ address: token.address, topics: [topic, addrTopic(someone()), addrTopic(someone())], data: '0x' + word(amount(token.decimals)) }];
  }

  private header(b: SimBlock): Record<string, unknown> {
    return { number: hex(b.number), hash: b.hash, parentHash: b.parentHash, timestamp: hex(b.timestamp) };
  }

  private send(ws: WebSocket, msg: unknown): void {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
  }

  private onMessage(ws: WebSocket, data: RawData): void {
    let msg: unknown;
    try {
      msg = JSON.parse(data.toString());
    } catch {
      this.send(ws, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'parse error' } });
      return;
    }
    if (Array.isArray(msg)) {
      if (msg.length === 0) return this.send(ws, { jsonrpc: '2.0', id: null, error: { code: -32600, message: 'empty batch' } });
      this.send(ws, msg.map((m) => this.answer(ws, m)));
      return;
    }
    this.send(ws, this.answer(ws, msg));
  }

  private answer(ws: WebSocket, m: unknown): Record<string, unknown> {
    const req = (m && typeof m === 'object' ? m : {}) as { id?: unknown; method?: unknown; params?: unknown };
    const id = req.id ?? null;
    try {
      if (typeof req.method !== 'string') throw new RpcError(-32600, 'invalid request');
      const params = Array.isArray(req.params) ? req.params : [];
      return { jsonrpc: '2.0', id, result: this.call(ws, req.method, params) };
    } catch (err) {
      const e = err instanceof RpcError ? err : new RpcError(-32603, 'internal error');
      return { jsonrpc: '2.0', id, error: { code: e.code, message: e.message } };
    }
  }

  private call(ws: WebSocket, method: string, params: unknown[]): unknown {
    switch (method) {
      case 'eth_chainId':
        return hex(this.opts.chainId);
      case 'net_version':
        return String(this.opts.chainId);
      case 'eth_blockNumber':
        return hex(this.head);
      case 'eth_subscribe': {
        const kind = params[0];
        if (kind !== 'logs' && kind !== 'newHeads') throw new RpcError(-32602, `unsupported subscription type ${JSON.stringify(kind)}`);
        const sub: Sub = { id: hex(BigInt(keccak256(`sub:${++this.subSeq}`).slice(0, 34))), kind };
        if (kind === 'logs' && params[1] && typeof params[1] === 'object') sub.filter = params[1] as LogFilter;
        this.subs.get(ws)?.push(sub);
        return sub.id;
      }
      case 'eth_unsubscribe': {
        const list = this.subs.get(ws) ?? [];
        const i = list.findIndex((s) => s.id === params[0]);
        if (i >= 0) list.splice(i, 1);
        return i >= 0;
      }
      case 'eth_getLogs':
        return this.getLogs((params[0] ?? {}) as LogFilter & { fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown });
      case 'eth_getBlockByNumber': {
        const n = this.blockTag(params[0]);
        const b = this.chain.find((x) => x.number === n);
        return b ? this.header(b) : null;
      }
      case 'eth_getBlockByHash': {
        const b = this.chain.find((x) => x.hash === String(params[0]).toLowerCase());
        return b ? this.header(b) : null;
      }
      default:
        throw new RpcError(-32601, `the method ${method} does not exist/is not available`);
    }
  }

  private blockTag(tag: unknown): number {
    if (tag === undefined || tag === 'latest' || tag === 'safe' || tag === 'finalized' || tag === 'pending') return this.head;
    if (tag === 'earliest') return this.chain.length ? this.chain[0].number : this.opts.startBlock;
    if (typeof tag === 'string' && /^0x[0-9a-fA-F]+$/.test(tag)) return parseInt(tag, 16);
    throw new RpcError(-32602, `invalid block tag ${JSON.stringify(tag)}`);
  }

  private getLogs(filter: LogFilter & { fromBlock?: unknown; toBlock?: unknown; blockHash?: unknown }): SimLog[] {
    if (typeof filter.blockHash === 'string') {
      const b = this.chain.find((x) => x.hash === String(filter.blockHash).toLowerCase());
      return b ? b.logs.filter((l) => logMatches(l, filter)) : [];
    }
    const from = this.blockTag(filter.fromBlock ?? 'latest');
    const to = this.blockTag(filter.toBlock ?? 'latest');
    if (to < from) return [];
    if (to - from + 1 > this.opts.maxLogsRange) {
      throw new RpcError(-32005, `query exceeds max block range ${this.opts.maxLogsRange}`);
    }
    const out: SimLog[] = [];
    for (const b of this.chain) if (b.number >= from && b.number <= to) for (const l of b.logs) if (logMatches(l, filter)) out.push(l);
    return out;
  }
}
