/**
 * Explorer URL builders for every provider: Sui (Suiscan, SuiVision) and EVM chains by chain id.
 * Event data is attacker-controlled, so every value is validated against its format before it goes into a URL:
 * a digest or address that does not look like one yields `undefined`, never a link somewhere unexpected.
 */
import type { ChainEvent } from './event';
import { isLoopbackHost } from './transportSecurity';

/** Which Sui explorer to link to (setting `chainWatch.explorer.sui`). */
export type SuiExplorer = 'suiscan' | 'suivision';

/** Options shared by the URL builders. */
export interface ExplorerOptions {
  /** Sui network (default `mainnet`). */
  network?: string;
  /** Sui explorer (default `suiscan`). */
  sui?: SuiExplorer;
  /** EVM chain id (from the stream definition; logs do not carry it). */
  chainId?: number;
  /** Extra or overriding EVM explorer base URLs by chain id (no trailing slash), e.g. `{31337: 'http://127.0.0.1:5100'}`. */
  evmExplorers?: Record<number, string>;
  /**
   * The stream's events come from a local endpoint, the demo's simulators or a local node (see
   * {@link isLocalEndpoint}): no public explorer has them, so no public explorer link is built (only an
   * `evmExplorers` override for the chain id is used).
   */
  local?: boolean;
}

/** What the UI says instead of opening an explorer for an event from a local endpoint. */
export const LOCAL_EXPLORER_MESSAGE = 'this event comes from a local endpoint (the demo, the simulator or a node on this machine), so no public explorer has it';

/**
 * True when a stream's endpoint is on this machine (`127.0.0.1`, `localhost`, `::1`): the demo, `npm run simulator`
 * or a local dev node. Its digests are not on mainnet or testnet. An unparsable or missing URL is not local.
 */
export function isLocalEndpoint(url: string | undefined): boolean {
  if (!url) return false;
  try {
    return isLoopbackHost(new URL(url).hostname);
  } catch {
    return false;
  }
}

/** Etherscan-style explorers by EVM chain id (`{base}/tx/{hash}`, `{base}/address/{addr}`, `{base}/block/{n}`). */
export const evmExplorerBases: Readonly<Record<number, string>> = Object.freeze({
  1: 'https://etherscan.io',
  11155111: 'https://sepolia.etherscan.io',
  10: 'https://optimistic.etherscan.io',
  137: 'https://polygonscan.com',
  8453: 'https://basescan.org',
  84532: 'https://sepolia.basescan.org',
  42161: 'https://arbiscan.io',
  56: 'https://bscscan.com',
  43114: 'https://snowtrace.io',
  100: 'https://gnosisscan.io',
  59144: 'https://lineascan.build',
  534352: 'https://scrollscan.com',
});

const evmTxRe = /^0x[0-9a-fA-F]{64}$/;
const evmAddressRe = /^0x[0-9a-fA-F]{40}$/;
/** Sui digests are 32 bytes in base58: 43-44 characters of the Bitcoin alphabet (accept 32-44 to be tolerant). */
const suiDigestRe = /^[1-9A-HJ-NP-Za-km-z]{32,44}$/;
const suiAddressRe = /^0x[0-9a-fA-F]{1,64}$/;
const suiCoinTypeRe = /^0x[0-9a-fA-F]{1,64}::[A-Za-z_][A-Za-z0-9_]*::[A-Za-z_][A-Za-z0-9_]*(<[A-Za-z0-9_:<>, ]+>)?$/;

/** The EVM explorer base URL for a chain id, or undefined when the chain has no known explorer. */
export function evmExplorerBase(chainId: number | undefined, opts: ExplorerOptions = {}): string | undefined {
  if (chainId === undefined) return undefined;
  const own = opts.evmExplorers?.[chainId];
  return own ?? (opts.local ? undefined : evmExplorerBases[chainId]);
}

/** The Sui networks the explorers have pages for (Suiscan: `suiscan.xyz/<network>/…`; SuiVision: `<network>.suivision.xyz`). */
function suiNetwork(opts: ExplorerOptions): 'mainnet' | 'testnet' | 'devnet' {
  return opts.network === 'testnet' || opts.network === 'devnet' ? opts.network : 'mainnet';
}

function suiVisionBase(opts: ExplorerOptions): string {
  const network = suiNetwork(opts);
  return network === 'mainnet' ? 'https://suivision.xyz' : `https://${network}.suivision.xyz`;
}

/** Link to a Sui transaction (digest in base58). */
export function suiTxUrl(digest: string, opts: ExplorerOptions = {}): string | undefined {
  if (opts.local) return undefined;
  if (!suiDigestRe.test(digest)) return undefined;
  return opts.sui === 'suivision' ? `${suiVisionBase(opts)}/txblock/${digest}` : `https://suiscan.xyz/${suiNetwork(opts)}/tx/${digest}`;
}

/** Link to a Sui account (address `0x` + up to 64 hex). */
export function suiAccountUrl(address: string, opts: ExplorerOptions = {}): string | undefined {
  if (opts.local) return undefined;
  if (!suiAddressRe.test(address)) return undefined;
  return opts.sui === 'suivision' ? `${suiVisionBase(opts)}/account/${address}` : `https://suiscan.xyz/${suiNetwork(opts)}/account/${address}`;
}

/** Link to a Sui object (id `0x` + up to 64 hex). */
export function suiObjectUrl(objectId: string, opts: ExplorerOptions = {}): string | undefined {
  if (opts.local) return undefined;
  if (!suiAddressRe.test(objectId)) return undefined;
  return opts.sui === 'suivision' ? `${suiVisionBase(opts)}/object/${objectId}` : `https://suiscan.xyz/${suiNetwork(opts)}/object/${objectId}`;
}

/** Link to a Sui coin type on Suiscan (SuiVision has no coin page by type; Suiscan is used for both). */
export function suiCoinUrl(coinType: string, opts: ExplorerOptions = {}): string | undefined {
  if (opts.local) return undefined;
  if (!suiCoinTypeRe.test(coinType)) return undefined;
  return `https://suiscan.xyz/${suiNetwork(opts)}/coin/${encodeURIComponent(coinType).replace(/%3A/g, ':')}`;
}

/** Link to a Sui checkpoint on Suiscan. */
export function suiCheckpointUrl(checkpoint: number, opts: ExplorerOptions = {}): string | undefined {
  if (opts.local) return undefined;
  if (!Number.isSafeInteger(checkpoint) || checkpoint < 0) return undefined;
  return `https://suiscan.xyz/${suiNetwork(opts)}/checkpoint/${checkpoint}`;
}

/** Link to an EVM transaction on the chain's explorer. */
export function evmTxUrl(hash: string, chainId: number | undefined, opts: ExplorerOptions = {}): string | undefined {
  const base = evmExplorerBase(chainId, opts);
  return base && evmTxRe.test(hash) ? `${base}/tx/${hash.toLowerCase()}` : undefined;
}

/** Link to an EVM address (account or contract) on the chain's explorer. */
export function evmAddressUrl(address: string, chainId: number | undefined, opts: ExplorerOptions = {}): string | undefined {
  const base = evmExplorerBase(chainId, opts);
  return base && evmAddressRe.test(address) ? `${base}/address/${address}` : undefined;
}

/** Link to an EVM block on the chain's explorer. */
export function evmBlockUrl(block: number, chainId: number | undefined, opts: ExplorerOptions = {}): string | undefined {
  const base = evmExplorerBase(chainId, opts);
  return base && Number.isSafeInteger(block) && block >= 0 ? `${base}/block/${block}` : undefined;
}

/** Whether a provider's events are on Sui (Warp streams and Sui full nodes). */
export function isSuiProvider(provider: ChainEvent['provider']): boolean {
  return provider === 'warp' || provider === 'sui';
}

/**
 * The explorer link for an event's transaction: Sui tx for `warp`, the chain's explorer for `evm`/`covalent`
 * (`opts.chainId` from the stream definition). Undefined when the event has no digest, the digest is malformed,
 * or the chain has no known explorer.
 */
export function explorerTxUrl(event: ChainEvent, opts: ExplorerOptions = {}): string | undefined {
  if (!event.digest) return undefined;
  return isSuiProvider(event.provider) ? suiTxUrl(event.digest, opts) : evmTxUrl(event.digest, opts.chainId, opts);
}

/**
 * The explorer link for an address on a provider's chain: a Sui account for `warp`, an EVM address otherwise.
 */
export function explorerAddressUrl(provider: ChainEvent['provider'], address: string, opts: ExplorerOptions = {}): string | undefined {
  return isSuiProvider(provider) ? suiAccountUrl(address, opts) : evmAddressUrl(address, opts.chainId, opts);
}

/**
 * Guesses what a string from a payload is and links to it: an EVM tx hash or address (needs `chainId`), a Sui
 * digest, a Sui address / object id (linked as an object), or a Sui coin type. For digest/address chips in the feed.
 */
export function explorerUrlForValue(provider: ChainEvent['provider'], value: string, opts: ExplorerOptions = {}): string | undefined {
  if (isSuiProvider(provider)) {
    if (suiCoinTypeRe.test(value)) return suiCoinUrl(value, opts);
    if (/^0x[0-9a-fA-F]{64}$/.test(value)) return suiObjectUrl(value, opts);
    if (suiDigestRe.test(value)) return suiTxUrl(value, opts);
    return undefined;
  }
  if (evmTxRe.test(value)) return evmTxUrl(value, opts.chainId, opts);
  if (evmAddressRe.test(value)) return evmAddressUrl(value, opts.chainId, opts);
  return undefined;
}
