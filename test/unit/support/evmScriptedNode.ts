// A scripted WebSocket JSON-RPC "node" on 127.0.0.1 for EvmStream tests: a tiny chain of blocks with logs,
// eth_subscribe("logs") pushing new logs, eth_getLogs / eth_blockNumber / eth_getBlockByNumber / eth_getBlockByHash,
// per-method overrides (to return errors or garbage), raw frames, reorgs (removed: true) and dropped sockets.
import type { AddressInfo } from 'net';
import WebSocket, { WebSocketServer } from 'ws';
import type { SimLog } from '../../../src/simulator/evmNodeServer';

export const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
export const CONTRACT = '0x' + 'c0'.repeat(20);

/** A log as a node sends it: the simulator's shape, with `removed` optional as real nodes leave it out. */
export type RawLog = Omit<SimLog, 'removed'> & { removed?: boolean };

export interface Block {
  number: number;
  hash: string;
  logs: RawLog[];
}

const hex64 = (prefix: string, n: number): string => '0x' + prefix + n.toString(16).padStart(64 - prefix.length, '0');
const word = (n: number | bigint): string => BigInt(n).toString(16).padStart(64, '0');

/** Thrown from a method override to answer with a JSON-RPC error. */
export class RpcFail {
  constructor(readonly code: number, readonly message: string) {}
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON-RPC params are whatever each test sends
type Handler = (params: any[], ws: WebSocket, id: number) => unknown;

export class ScriptedNode {
  readonly blocks: Block[] = [];
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON-RPC params are whatever each test sends
  readonly calls: Array<{ method: string; params: any[] }> = [];
  readonly overrides: Record<string, Handler> = {};
  /** Sockets with their subscription id, in connection order. */
  readonly sockets: Array<{ ws: WebSocket; sub?: string }> = [];
  connections = 0;
  /** When false, new blocks are not pushed to subscribers (as if the socket were dead). */
  push = true;
  private wss!: WebSocketServer;
  private subSeq = 0;
  private fork = 0;
  private waiters: Array<() => void> = [];

  async start(): Promise<string> {
    this.wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => this.wss.once('listening', () => r()));
    this.wss.on('connection', (ws) => {
      this.connections++;
      const entry: { ws: WebSocket; sub?: string } = { ws };
      this.sockets.push(entry);
      ws.on('message', (data) => this.onMessage(entry, data.toString()));
      for (const w of this.waiters.splice(0)) w();
    });
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}`;
  }

  /** Resolves once `n` connections in total have been made. */
  async connected(n: number): Promise<void> {
    while (this.connections < n) await new Promise<void>((r) => this.waiters.push(r));
  }

  get head(): number {
    return this.blocks.length === 0 ? 0 : this.blocks[this.blocks.length - 1].number;
  }

  /** Mines a block with `count` Transfer logs (values numbered globally) and pushes them to subscribers. */
  mine(count = 1, valueStart?: number): Block {
    const number = this.head + 1;
    const hash = hex64(this.fork ? 'f' + this.fork : '', number);
    const logs: RawLog[] = [];
    for (let i = 0; i < count; i++) {
      const value = valueStart !== undefined ? valueStart + i : number * 100 + i;
      logs.push({
        address: CONTRACT,
        blockHash: hash,
        blockNumber: '0x' + number.toString(16),
        logIndex: '0x' + i.toString(16),
        transactionHash: hex64('7' + (this.fork ? 'f' + this.fork : ''), number * 100 + i),
        transactionIndex: '0x' + i.toString(16),
        topics: [TRANSFER, '0x' + word(1), '0x' + word(2)],
        data: '0x' + word(value),
      });
    }
    const block = { number, hash, logs };
    this.blocks.push(block);
    if (this.push) for (const l of logs) this.notifyAll(l);
    return block;
  }

  /** Replaces blocks above `height` with a fork; pushes `removed: true` for the abandoned logs when `announce`. */
  reorgTo(height: number, announce: boolean): Block[] {
    const idx = this.blocks.findIndex((b) => b.number > height);
    const dropped = idx < 0 ? [] : this.blocks.splice(idx);
    this.fork++;
    if (announce) for (const b of dropped.reverse()) for (const l of b.logs) this.notifyAll({ ...l, removed: true });
    return dropped;
  }

  /** Throws the whole chain away, as a restarted dev node does. */
  resetChain(): void {
    this.blocks.length = 0;
    this.fork++;
  }

  notifyAll(result: unknown): void {
    for (const s of this.sockets) if (s.sub && s.ws.readyState === WebSocket.OPEN) this.notify(s, result);
  }

  notify(s: { ws: WebSocket; sub?: string }, result: unknown, sub = s.sub): void {
    s.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'eth_subscription', params: { subscription: sub, result } }));
  }

  /** Sends a raw frame to every open socket. */
  sendRaw(text: string): void {
    for (const s of this.sockets) if (s.ws.readyState === WebSocket.OPEN) s.ws.send(text);
  }

  /** Kills every socket abruptly (no close frame). */
  dropAll(): void {
    for (const s of this.sockets) s.ws.terminate();
  }

  async stop(): Promise<void> {
    this.dropAll();
    await new Promise<void>((r) => this.wss.close(() => r()));
  }

  logsBetween(from: number, to: number): RawLog[] {
    return this.blocks.filter((b) => b.number >= from && b.number <= to).flatMap((b) => b.logs);
  }

  private onMessage(entry: { ws: WebSocket; sub?: string }, text: string): void {
    const msg = JSON.parse(text);
    this.calls.push({ method: msg.method, params: msg.params });
    const reply = (body: object) => entry.ws.readyState === WebSocket.OPEN && entry.ws.send(JSON.stringify({ jsonrpc: '2.0', id: msg.id, ...body }));
    try {
      const handler = this.overrides[msg.method] ?? this.defaultHandler(msg.method, entry);
      const result = handler(msg.params, entry.ws, msg.id);
      if (result === undefined) return; // the override answers by itself (or never)
      reply({ result });
    } catch (err) {
      if (err instanceof RpcFail) reply({ error: { code: err.code, message: err.message } });
      else reply({ error: { code: -32603, message: String(err) } });
    }
  }

  private defaultHandler(method: string, entry: { ws: WebSocket; sub?: string }): Handler {
    switch (method) {
      case 'eth_subscribe':
        return () => {
          entry.sub = '0x5b' + (++this.subSeq).toString(16);
          return entry.sub;
        };
      case 'eth_blockNumber':
        return () => '0x' + this.head.toString(16);
      case 'eth_getLogs':
        return ([f]) => this.logsBetween(parseInt(f.fromBlock, 16), parseInt(f.toBlock, 16));
      case 'eth_getBlockByNumber':
        return ([n]) => {
          const b = this.blocks.find((x) => x.number === parseInt(n, 16));
          return b ? { number: '0x' + b.number.toString(16), hash: b.hash } : null;
        };
      case 'eth_getBlockByHash':
        return ([h]) => {
          const b = this.blocks.find((x) => x.hash === h);
          return b ? { number: '0x' + b.number.toString(16), hash: b.hash } : null;
        };
      default:
        return () => {
          throw new RpcFail(-32601, `the method ${method} does not exist/is not available`);
        };
    }
  }
}
