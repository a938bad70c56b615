/**
 * The demo: a local Warp-compatible simulator inside the extension host on 127.0.0.1, and an in-memory
 * "Demo (Sui)" stream (never written to settings) whose key is the simulator's local key, kept in memory only.
 * The EVM demo adds a local `eth_subscribe` node (ERC-20 / Uniswap logs, a reorg every 20 blocks) and an in-memory
 * "Demo (EVM)" stream. The GoldRush demo adds a local GoldRush-Streaming-compatible server (graphql-ws) and two
 * in-memory streams: wallet activity and DEX pair updates on a simulated BASE_MAINNET. The Sui node demo adds a local
 * Sui full node serving gRPC (SubscribeEvents, ListEvents) and an in-memory "Demo (Sui node)" stream. Try the Demo
 * starts the Sui, Sui node and EVM demos; Stop Demo ends them all. The simulators load on first use (their own
 * chunks in the package).
 */
import type { StreamRegistry } from '../core/stream/streamRegistry';
import type { StreamDefinition } from '../core/stream/stream';
import type { Logger } from '../core/logger';
import type { EvmNodeServer } from '../simulator/evmNodeServer';
import type { GoldRushServer } from '../simulator/goldrushServer';
import type { SuiNodeServer } from '../simulator/suiNodeServer';
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

/** Local ids of the GoldRush demo streams (wallet activity, pair updates). */
export const GOLDRUSH_DEMO_STREAM_ID = 'demo-goldrush';
export const GOLDRUSH_DEMO_PAIRS_STREAM_ID = 'demo-goldrush-pairs';

/** Local id of the Sui full-node demo stream. */
export const SUI_NODE_DEMO_STREAM_ID = 'demo-sui-node';

/** The simulators, read and run only when a demo first starts (a chunk of its own in the package). */
const loadServers = () => import('../simulator/demoServers');
/** The local Sui gRPC node, with the generated protobuf definitions it serves (its own chunk). */
const loadSuiNode = () => import('../simulator/suiNodeServer');

/** Starts and stops the demo. */
export class Demo {
  private server: WarpServer | undefined;
  private evmServer: EvmNodeServer | undefined;
  private goldRushServer: GoldRushServer | undefined;
  private suiNodeServer: SuiNodeServer | undefined;
  private suiNodeStarting: Promise<string> | undefined;
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

  /**
   * True when the stream is one the demo started on one of its own running simulators: its data is simulated and
   * the UI says so. A stream the user pointed at a local node or `npm run simulator` is local, not simulated (its
   * explorer links are left out all the same, see `explorerOptionsFor`).
   */
  simulates(id: string): boolean {
    const entry = this.registry.get(id);
    if (!entry || entry.origin !== 'memory') return false;
    const url = entry.handle.definition.baseUrl;
    return url !== undefined && [this.server?.baseUrl, this.evmServer?.url, this.goldRushServer?.url, this.suiNodeServer?.url].includes(url);
  }

  /** True while a simulator runs. */
  get running(): boolean {
    return this.server !== undefined || this.evmServer !== undefined || this.goldRushServer !== undefined || this.suiNodeServer !== undefined;
  }

  /** The running GoldRush simulator (tests inject faults through it). */
  get goldRushDemoServer(): GoldRushServer | undefined {
    return this.goldRushServer;
  }

  /**
   * Starts the local GoldRush server (if needed), adds the "Demo (GoldRush wallets)" and "Demo (GoldRush pairs)"
   * streams with the simulator's key (in memory only) and connects them. Resolves with the wallet stream's id.
   */
  async startGoldRush(): Promise<string> {
    const { GOLDRUSH_DEMO, GOLDRUSH_DEMO_KEY, GoldRushServer } = await loadServers();
    if (!this.goldRushServer) {
      const server = new GoldRushServer({ intervalMs: 1_500, overlapOnSubscribe: 2, logger: this.logger });
      await server.start();
      server.startAuto();
      this.goldRushServer = server;
      this.logger.info(`GoldRush demo server listening on ${server.url}`);
    }
    const url = this.goldRushServer.url;
    this.keys.setMemoryKey('goldrush', hostOf(url) as string, GOLDRUSH_DEMO_KEY);
    const defs: StreamDefinition[] = [
      { id: GOLDRUSH_DEMO_STREAM_ID, provider: 'goldrush', label: 'Demo (GoldRush wallets)', subscription: 'walletTxs', chainName: GOLDRUSH_DEMO.chain, address: [...GOLDRUSH_DEMO.wallets], baseUrl: url },
      { id: GOLDRUSH_DEMO_PAIRS_STREAM_ID, provider: 'goldrush', label: 'Demo (GoldRush pairs)', subscription: 'updatePairs', chainName: GOLDRUSH_DEMO.chain, address: [...GOLDRUSH_DEMO.pairs], baseUrl: url },
    ];
    for (const def of defs) {
      const existing = this.registry.get(def.id);
      const handle = existing && existing.origin === 'memory' && existing.handle.definition.baseUrl === def.baseUrl ? existing.handle : this.registry.addMemory(def);
      const st = handle.status().state;
      if (st !== 'live' && st !== 'connecting') handle.connect({ kind: 'live' });
    }
    this.onState(true);
    return GOLDRUSH_DEMO_STREAM_ID;
  }

  /** The running Sui gRPC node (tests inject faults through it). */
  get suiNodeDemoServer(): SuiNodeServer | undefined {
    return this.suiNodeServer;
  }

  /** Try the Demo: starts the Sui, the Sui node and the EVM demo together. Resolves with the Sui demo stream's id. */
  async startAll(): Promise<string> {
    const [sui] = await Promise.all([this.start(), this.startSuiNode(), this.startEvm()]);
    return sui;
  }

  /** Starts the local Sui gRPC node (if needed), adds the "Demo (Sui node)" stream and connects it. Resolves with its id. */
  startSuiNode(): Promise<string> {
    if (this.suiNodeStarting) return this.suiNodeStarting;
    this.suiNodeStarting = this.doStartSuiNode().finally(() => {
      this.suiNodeStarting = undefined;
    });
    return this.suiNodeStarting;
  }

  private async doStartSuiNode(): Promise<string> {
    if (!this.suiNodeServer) {
      const { SuiNodeServer } = await loadSuiNode();
      const server = new SuiNodeServer({ intervalMs: 1_000, logger: this.logger });
      await server.start();
      server.startAuto();
      this.suiNodeServer = server;
      this.logger.info(`Sui node demo (gRPC) listening on ${server.url}`);
    }
    const def: StreamDefinition = { id: SUI_NODE_DEMO_STREAM_ID, provider: 'sui', label: 'Demo (Sui node)', network: 'localnet', baseUrl: this.suiNodeServer.url };
    const existing = this.registry.get(SUI_NODE_DEMO_STREAM_ID);
    const handle = existing && existing.origin === 'memory' && existing.handle.definition.baseUrl === def.baseUrl ? existing.handle : this.registry.addMemory(def);
    const st = handle.status().state;
    // a fresh node's cursors say nothing about a previous one's: start live
    if (st !== 'live' && st !== 'connecting') handle.connect({ kind: 'live' });
    this.onState(true);
    return SUI_NODE_DEMO_STREAM_ID;
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
    const gr = this.goldRushServer;
    this.goldRushServer = undefined;
    for (const id of [GOLDRUSH_DEMO_STREAM_ID, GOLDRUSH_DEMO_PAIRS_STREAM_ID]) {
      const g = this.registry.get(id);
      if (g && g.origin === 'memory') {
        await g.handle.flush().catch(() => undefined);
        this.registry.remove(id);
      }
    }
    if (gr) {
      const host = hostOf(gr.url);
      if (host) this.keys.clearMemoryKey('goldrush', host);
      await gr.stop();
      this.logger.info('GoldRush demo server stopped');
    }
    const suiNode = this.suiNodeServer;
    this.suiNodeServer = undefined;
    const n = this.registry.get(SUI_NODE_DEMO_STREAM_ID);
    if (n && n.origin === 'memory') {
      await n.handle.flush().catch(() => undefined);
      this.registry.remove(SUI_NODE_DEMO_STREAM_ID);
    }
    if (suiNode) {
      await suiNode.stop();
      this.logger.info('Sui node demo stopped');
    }
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
