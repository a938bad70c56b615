/**
 * An EVM stream's log decoding: the decoder module (and viem with it) loaded on the first connection, never at
 * activation, bound to the stream's ABI (inline or a named workspace file), the workspace's artifacts and a cache of
 * proxy implementations; and the proxy slot reads that let a log decode with its implementation's artifact.
 */
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import { describeError } from '../redact';
import type * as EvmDecodeModule from './evmDecode';
import type { EvmLog, EvmLogDecoder } from './evmLog';
import type { RpcRequester } from './evmRpc';
import type { EvmStreamDefinition, EvmStreamDeps } from './evmStream';
import type { WorkspaceDecoderOptions } from './workspaceDecoder';

/** What a proxy read needs of a connection: its requests, and whether it is still current. */
export interface ProxyReadConnection {
  readonly rpc: RpcRequester | undefined;
  readonly cancelled: boolean;
}

/** One stream's decoder, loaded on first use (see the module comment). */
export class EvmDecoding {
  private decodeFn: EvmLogDecoder | undefined;
  /** What the decoder uses (the index arrives when the workspace scan is done; proxies fill as logs come). */
  private readonly opts: WorkspaceDecoderOptions = {};
  /** The decoder module's proxy test, once it is loaded (no proxy read before: there is no index either). */
  private wantsProxy: typeof EvmDecodeModule.wantsProxyLookup | undefined;

  constructor(
    private readonly definition: EvmStreamDefinition,
    private readonly deps: Pick<EvmStreamDeps, 'workspace' | 'workspaceWaitMs' | 'proxyLookupMs'>,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** The decoder, once {@link load} has run (undefined before, or when the module could not be loaded). */
  get decode(): EvmLogDecoder | undefined {
    return this.decodeFn;
  }

  /** Notes that a log came from `log.address` with its topic0 (the proxy cache learns which addresses are busy). */
  observe(log: EvmLog): void {
    this.opts.proxies?.observe(log.address, log.topics[0]);
  }

  /**
   * Loads the decoder module (viem with it) on first use, never at activation, and binds it to the stream's ABI
   * (inline or a named workspace file), the workspace's artifacts and a proxy cache.
   */
  async load(): Promise<void> {
    if (this.decodeFn) return;
    let mod: typeof EvmDecodeModule;
    try {
      mod = await import('./evmDecode');
    } catch (err) {
      this.log.warn(`log decoder not loaded, logs are shown raw: ${describeError(err)}`);
      return;
    }
    const opts = this.opts;
    opts.chainId = this.definition.chainId;
    const abi = await this.streamAbi();
    if (abi !== undefined && abi !== null && abi !== '') {
      try {
        const parsed = mod.parseAbi(abi);
        opts.stream = parsed.registry;
        for (const w of parsed.warnings) this.log.warn(`ABI: ${w}`);
      } catch (err) {
        this.log.warn(`ABI ignored: ${describeError(err)}`);
      }
    }
    const workspace = this.deps.workspace;
    if (workspace) {
      opts.proxies = new mod.ProxyResolver();
      this.wantsProxy = mod.wantsProxyLookup;
      const found = workspace.index().then((index) => {
        if (!index) return;
        opts.index = index;
        const s = index.stats();
        this.log.info(`decoding with ${s.contracts} workspace artifact(s), ${s.addresses} deployed address(es)`);
        for (const l of s.limitsHit) this.log.warn(`workspace artifacts: ${l}`);
      });
      // a large workspace's first scan does not hold the connection up: its artifacts apply once it is done
      await this.within(found, this.deps.workspaceWaitMs ?? 5_000);
    }
    this.decodeFn = mod.createWorkspaceDecoder(mod, opts);
  }

  /** The definition's ABI: inline, or read from the workspace file it names. */
  private async streamAbi(): Promise<unknown> {
    const abi = this.definition.abi;
    if (typeof abi !== 'string' || /^\s*[[{]/.test(abi) || abi.trim() === '') return abi;
    if (!this.deps.workspace) {
      this.log.warn(`ABI file "${abi.slice(0, 200)}" ignored: no workspace to read it from`);
      return undefined;
    }
    try {
      return await this.deps.workspace.readAbiFile(abi.trim());
    } catch (err) {
      this.log.warn(`ABI file "${abi.slice(0, 200)}" not read: ${describeError(err)}`);
      return undefined;
    }
  }

  /** Waits for `p` at most `ms` on the stream's clock (it goes on in the background after that). Never rejects. */
  private within(p: Promise<unknown>, ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = this.clock.setTimeout(resolve, ms);
      p.then(
        () => {
          this.clock.clearTimeout(timer);
          resolve();
        },
        (err) => {
          this.log.warn(`workspace artifacts not used: ${describeError(err)}`);
          this.clock.clearTimeout(timer);
          resolve();
        },
      );
    });
  }

  /** Whether `log` waits for its proxy's implementation slot before it is decoded (the workspace could decode it then). */
  needsProxyRead(log: EvmLog): boolean {
    if (log.removed || this.deps.workspace?.mayReadProxies?.() === false) return false;
    return this.wantsProxy?.(this.opts, log.address, log.topics[0], log.blockNumber) ?? false;
  }

  /** Reads the implementation behind `log`'s address when that could decode it; waits at most `proxyLookupMs`. */
  async readProxy(conn: ProxyReadConnection, log: EvmLog): Promise<void> {
    const proxies = this.opts.proxies;
    const rpc = conn.rpc;
    if (!proxies || !rpc || conn.cancelled || !this.needsProxyRead(log)) return;
    const read = proxies.resolve(rpc, log.address, log.blockNumber).then((info) => {
      if (info.implementation) this.log.debug(`${log.address} is a proxy of ${info.implementation}${info.beacon ? ` (beacon ${info.beacon})` : ''}`);
      else if (info.error) this.log.debug(`proxy slots of ${log.address} not read: ${info.error}`);
    });
    await this.within(read, this.deps.proxyLookupMs ?? 5_000);
  }
}
