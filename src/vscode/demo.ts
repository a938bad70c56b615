/**
 * The demo: a local Warp-compatible simulator inside the extension host on 127.0.0.1, and an in-memory
 * "Demo (Sui)" stream (never written to settings) whose key is the simulator's local key, kept in memory only.
 * The EVM demo adds a local `eth_subscribe` node (ERC-20 / Uniswap logs, a reorg every 20 blocks) and an in-memory
 * "Demo (EVM)" stream; Try the Demo starts both, Stop Demo ends both. The simulators load on first use.
 */
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { StreamDefinition } from '../core/stream/stream';
import type { Logger } from '../core/logger';
import type { EvmNodeServer } from '../simulator/evmNodeServer';
import type { WarpServer } from '../simulator/warpServer';
import type { KeyStore } from './secrets';
import { hostOf } from './settings';

/** Local id of the demo stream. */
export const DEMO_STREAM_ID = 'demo';

/** Events per second the demo stream produces. */
export const DEMO_RATE_PER_SEC = 3;

/** Local id of the EVM demo stream. */
export const EVM_DEMO_STREAM_ID = 'demo-evm';

/** A block every this many ms on the EVM demo node, and a reorg every this many blocks. */
export const EVM_DEMO_BLOCK_MS = 2_000;
export const EVM_DEMO_REORG_EVERY_BLOCKS = 20;

/** The simulators, read and run only when a demo first starts (a chunk of its own in the package). */
const loadServers = () => import('../simulator/demoServers');

/** Starts and stops the demo. */
export class Demo {
  private server: WarpServer | undefined;
  private evmServer: EvmNodeServer | undefined;
  private starting: Promise<string> | undefined;
  private evmStarting: Promise<string> | undefined;

  constructor(
    private readonly registry: StreamRegistry,
    private readonly keys: KeyStore,
    private readonly logger: Logger,
    private readonly onState: (running: boolean) => void,
  ) {}

  /** The running simulator (tests use it to inject faults and quotas). */
  get demoServer(): WarpServer | undefined {
    return this.server;
  }

  /** True while a simulator runs. */
  get running(): boolean {
    return this.server !== undefined || this.evmServer !== undefined;
  }

  /** Try the Demo: starts the Sui and the EVM demo together. Resolves with the Sui demo stream's id. */
  async startAll(): Promise<string> {
    const [sui] = await Promise.all([this.start(), this.startEvm()]);
    return sui;
  }

  /** Starts the local EVM node (if needed), adds the "Demo (EVM)" stream and connects it. Resolves with its id. */
  startEvm(): Promise<string> {
    if (this.evmStarting) return this.evmStarting;
    this.evmStarting = this.doStartEvm().finally(() => {
      this.evmStarting = undefined;
    });
    return this.evmStarting;
  }

  private async doStartEvm(): Promise<string> {
    if (!this.evmServer) {
      const { EvmNodeServer } = await loadServers();
      const server = new EvmNodeServer({ blockTimeMs: EVM_DEMO_BLOCK_MS, reorgEveryBlocks: EVM_DEMO_REORG_EVERY_BLOCKS, logger: this.logger });
      await server.start();
      this.evmServer = server;
      this.logger.info(`EVM demo node listening on ${server.url}`);
    }
    const def: StreamDefinition = { id: EVM_DEMO_STREAM_ID, provider: 'evm', label: 'Demo (EVM)', chainId: 31337, baseUrl: this.evmServer.url };
    const existing = this.registry.get(EVM_DEMO_STREAM_ID);
    const handle = existing && existing.origin === 'memory' && existing.handle.definition.baseUrl === def.baseUrl ? existing.handle : this.registry.addMemory(def);
    const st = handle.status().state;
    if (st !== 'live' && st !== 'connecting') handle.connect({ kind: 'live' });
    this.onState(true);
    return EVM_DEMO_STREAM_ID;
  }

  /** Starts the simulator (if needed), adds the demo stream and connects it. Resolves with the stream id. */
  start(): Promise<string> {
    if (this.starting) return this.starting;
    this.starting = this.doStart().finally(() => {
      this.starting = undefined;
    });
    return this.starting;
  }

  private async doStart(): Promise<string> {
    const { DEMO_KEY, WarpServer } = await loadServers();
    if (!this.server) {
      const server = new WarpServer({
        host: '127.0.0.1',
        port: 0,
        streams: [{ id: DEMO_STREAM_ID, type: 'mixed', ratePerSec: DEMO_RATE_PER_SEC }],
        logger: this.logger,
      });
      await server.start();
      this.server = server;
      this.logger.info(`demo simulator listening on ${server.baseUrl}`);
    }
    const host = hostOf(this.server.baseUrl) as string;
    this.keys.setMemoryKey('warp', host, DEMO_KEY);
    const def: StreamDefinition = {
      id: DEMO_STREAM_ID,
      provider: 'warp',
      label: 'Demo (Sui)',
      network: 'mainnet',
      streamId: DEMO_STREAM_ID,
      transport: 'websocket',
      baseUrl: this.server.baseUrl,
    };
    const existing = this.registry.get(DEMO_STREAM_ID);
    const handle = existing && existing.origin === 'memory' && existing.handle.definition.baseUrl === def.baseUrl ? existing.handle : this.registry.addMemory(def);
    const st = handle.status().state;
    // a fresh simulator knows none of the ids a previous one sent: start live
    if (st !== 'live' && st !== 'connecting') handle.connect({ kind: 'live' });
    this.onState(true);
    return DEMO_STREAM_ID;
  }

  /** Removes the demo streams and stops the simulators. */
  async stop(): Promise<void> {
    const evm = this.evmServer;
    this.evmServer = undefined;
    const e = this.registry.get(EVM_DEMO_STREAM_ID);
    if (e && e.origin === 'memory') {
      await e.handle.flush().catch(() => undefined);
      this.registry.remove(EVM_DEMO_STREAM_ID);
    }
    if (evm) {
      await evm.stop();
      this.logger.info('EVM demo node stopped');
    }
    const server = this.server;
    this.server = undefined;
    const s = this.registry.get(DEMO_STREAM_ID);
    if (s && s.origin === 'memory') {
      await s.handle.flush().catch(() => undefined);
      this.registry.remove(DEMO_STREAM_ID);
    }
    if (server) {
      const host = hostOf(server.baseUrl);
      if (host) this.keys.clearMemoryKey('warp', host);
      await server.stop();
      this.logger.info('demo simulator stopped');
    }
    this.onState(false);
  }
}
