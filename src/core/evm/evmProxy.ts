/**
 * EIP-1967 proxies: the implementation behind a proxy address, read through the stream's node. The implementation
 * slot (`eth_getStorageAt`) first, then the beacon slot and the beacon's `implementation()` (`eth_call`). Results
 * (also "not a proxy") are cached per address and block range, in a bounded cache, and dropped when the proxy logs
 * `Upgraded` / `BeaconUpgraded`. A failed read is cached as "not a proxy" for its range too, so one slow node does not
 * stall every log; it never rejects.
 */
import { toQuantity } from './evmLog';
import type { RpcRequester } from './evmRpc';

/** `bytes32(uint256(keccak256("eip1967.proxy.implementation")) - 1)`. */
export const EIP1967_IMPLEMENTATION_SLOT = '0x360894a13ba1a3210667c828492db98dca3e2076cc3735a920a3ca505d382bbc';
/** `bytes32(uint256(keccak256("eip1967.proxy.beacon")) - 1)`. */
export const EIP1967_BEACON_SLOT = '0xa3f0ad74e5423aebfd80d3ef4346578335a9a72aeaee59ff6cb3582b35133d50';
/** Selector of a beacon's `implementation()`. */
export const IMPLEMENTATION_SELECTOR = '0x5c60da1b';
/** topic0 of `Upgraded(address indexed implementation)`. */
export const TOPIC_UPGRADED = '0xbc7cd75a20ee27fd9adebab32041f755214dbc6bffa90cc0225b39da2e5c2d3b';
/** topic0 of `BeaconUpgraded(address indexed beacon)`. */
export const TOPIC_BEACON_UPGRADED = '0x1cf3b03a6cf19fa2baba4df148e9dcabedea7f8a5c07840e207e5c089be95d3e';

/** What is behind an address at a block. */
export interface ProxyInfo {
  /** The implementation contract, when the address is an EIP-1967 proxy (direct or through a beacon). */
  implementation?: string;
  /** The beacon, for a beacon proxy. */
  beacon?: string;
  /** Why the lookup found nothing usable, when it failed (the node refused, timed out). */
  error?: string;
}

/** Options of a {@link ProxyResolver}. */
export interface ProxyResolverOptions {
  /** Cached answers at most (default 1,000); the oldest go first. */
  maxEntries?: number;
  /** One answer serves this many blocks (default 1,000): an upgrade inside a range is caught by its `Upgraded` log. */
  blockRange?: number;
}

const ZERO_WORD = /^0x0*$/;

/** The address in the low 20 bytes of a 32-byte word, or undefined for zero / not a word. */
export function wordToAddress(word: unknown): string | undefined {
  if (typeof word !== 'string' || !/^0x[0-9a-fA-F]{1,64}$/.test(word) || ZERO_WORD.test(word)) return undefined;
  const hex = word.slice(2).padStart(64, '0');
  if (!/^0{24}/.test(hex)) return undefined;
  return '0x' + hex.slice(24).toLowerCase();
}

/** The proxy cache and reader (see the module comment). One per stream: its node answers for its chain. */
export class ProxyResolver {
  private readonly cache = new Map<string, ProxyInfo>();
  private readonly inflight = new Map<string, Promise<ProxyInfo>>();
  private readonly maxEntries: number;
  private readonly blockRange: number;
  /** Node reads made (tests, diagnostics). */
  reads = 0;

  constructor(opts: ProxyResolverOptions = {}) {
    this.maxEntries = Math.max(1, opts.maxEntries ?? 1_000);
    this.blockRange = Math.max(1, opts.blockRange ?? 1_000);
  }

  private key(address: string, block: number): string {
    return `${address.toLowerCase()}:${Math.floor(block / this.blockRange)}`;
  }

  /** The cached answer for `address` at `block`, or undefined when it must be read. */
  cached(address: string, block: number): ProxyInfo | undefined {
    return this.cache.get(this.key(address, block));
  }

  /** Drops every cached answer for `address` (it logged an upgrade). */
  invalidate(address: string): void {
    const prefix = `${address.toLowerCase()}:`;
    for (const k of [...this.cache.keys()]) if (k.startsWith(prefix)) this.cache.delete(k);
  }

  /** Notes a log: an `Upgraded` / `BeaconUpgraded` from `address` drops what was cached for it. */
  observe(address: string, topic0: string | undefined): void {
    if (topic0 === TOPIC_UPGRADED || topic0 === TOPIC_BEACON_UPGRADED) this.invalidate(address);
  }

  /**
   * What is behind `address` at `block`, read through `rpc` (cached; concurrent calls share one read). State is
   * read at `block`; a node that cannot serve that block's state (pruned) is asked for `latest` instead.
   */
  resolve(rpc: RpcRequester, address: string, block: number): Promise<ProxyInfo> {
    const key = this.key(address, block);
    const hit = this.cache.get(key);
    if (hit) return Promise.resolve(hit);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.read(rpc, address.toLowerCase(), block).then((info) => {
        this.inflight.delete(key);
        this.cache.set(key, info);
        while (this.cache.size > this.maxEntries) this.cache.delete(this.cache.keys().next().value!);
        return info;
      });
      this.inflight.set(key, p);
    }
    return p;
  }

  private async read(rpc: RpcRequester, address: string, block: number): Promise<ProxyInfo> {
    const at = async <T>(method: string, params: unknown[]): Promise<T> => {
      this.reads++;
      try {
        return await rpc.request<T>(method, [...params, toQuantity(block)]);
      } catch {
        this.reads++;
        return await rpc.request<T>(method, [...params, 'latest']);
      }
    };
    try {
      const impl = wordToAddress(await at('eth_getStorageAt', [address, EIP1967_IMPLEMENTATION_SLOT]));
      if (impl) return { implementation: impl };
      const beacon = wordToAddress(await at('eth_getStorageAt', [address, EIP1967_BEACON_SLOT]));
      if (!beacon) return {};
      const implementation = wordToAddress(await at('eth_call', [{ to: beacon, data: IMPLEMENTATION_SELECTOR }]));
      return implementation ? { implementation, beacon } : { beacon };
    } catch (err) {
      return { error: String((err as Error)?.message ?? err).slice(0, 200) };
    }
  }
}
