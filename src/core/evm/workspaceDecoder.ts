/**
 * The order an EVM log is decoded in: the stream's own ABI, then the workspace artifact deployed at the log's
 * address, then the artifact deployed at its EIP-1967 implementation (when the address is a proxy), then every
 * workspace artifact by topic0 (only when one layout fits: two events sharing a signature with different indexed
 * inputs are ambiguous without an address), then the well-known events, then anonymous events. Never throws.
 *
 * The decoder functions come from the lazily loaded evmDecode module, passed in, so this module loads nothing heavy.
 */
import type * as EvmDecodeModule from './evmDecode';
import type { DecodedLog, EventRegistry, RegistryEntry } from './evmDecode';
import type { ArtifactIndex, IndexedEvent } from '../artifacts/artifactIndex';
import type { ProxyResolver } from './evmProxy';

/** The functions of the decoder module this needs. */
export type DecodeTools = Pick<typeof EvmDecodeModule, 'decodeWith' | 'wellKnownRegistry'>;

/** Where a log comes from, for the address-scoped tables and the proxy cache. */
export interface LogOrigin {
  address: string;
  blockNumber: number;
}

/** What a workspace-aware decoder uses besides the tools. All optional. */
export interface WorkspaceDecoderOptions {
  /** The stream definition's own ABI (inline or a named file), tried first. */
  stream?: EventRegistry;
  /** The workspace artifacts. */
  index?: ArtifactIndex;
  /** Proxy answers (only the cache is read here; the stream fills it before decoding). */
  proxies?: ProxyResolver;
  /** The stream's chain, to match deployment records of that chain only. */
  chainId?: number;
}

/** A decoder as {@link WorkspaceDecoderOptions} configures it; `origin` enables the address-scoped tables. */
export type WorkspaceLogDecoder = (topics: readonly string[], data: string, origin?: LogOrigin) => { decoded?: DecodedLog; warning?: string };

/**
 * The first of `entries` that fits the log, as a decoded log (with `extra`'s fields), or the first misfit's error
 * (`signature: why`), or undefined for no entries. Module-level: nothing is made per log but the result.
 */
function tryEntries(tools: DecodeTools, entries: readonly RegistryEntry[], topics: readonly string[], data: string, extra: Partial<DecodedLog> | undefined): DecodedLog | string | undefined {
  let firstError: string | undefined;
  for (const c of entries) {
    const r = tools.decodeWith(c.event, topics, data);
    if ('params' in r) {
      const d: DecodedLog = { name: c.event.name, signature: c.signature, standard: c.standard, params: r.params };
      return extra ? Object.assign(d, extra) : d;
    }
    firstError ??= `${c.signature}: ${r.error}`;
  }
  return firstError;
}

const NO_ENTRIES: readonly RegistryEntry[] = [];

/** What the workspace's artifacts make of a log: a fit, or the first misfit's error and an ambiguity warning. */
interface IndexVerdict {
  decoded?: DecodedLog;
  firstError?: string;
  warning?: string;
}

/** The artifact lookups of one log (address-scoped, through a proxy, then the global table), in that order. */
function decodeByIndex(tools: DecodeTools, opts: WorkspaceDecoderOptions, index: ArtifactIndex, topics: readonly string[], data: string, topic0: string, origin: LogOrigin | undefined): IndexVerdict {
  const out: IndexVerdict = {};
  const fromArtifact = (events: IndexedEvent[], via?: string): DecodedLog | undefined => {
    for (const e of events) {
      const r = tryEntries(tools, [e.entry], topics, data, { standard: 'workspace', contract: e.contract, artifact: e.path, ...(via ? { via } : {}) });
      if (typeof r === 'object') return r;
      out.firstError ??= r;
    }
    return undefined;
  };
  if (origin) {
    const scoped = index.lookup(origin.address, topic0, opts.chainId);
    if (scoped.scope === 'address') {
      const d = fromArtifact(scoped.events);
      if (d) return { decoded: d };
    }
    // a proxy's own artifact (ERC1967Proxy) declares only its admin events: the rest are its implementation's
    const impl = opts.proxies?.cached(origin.address, origin.blockNumber)?.implementation;
    const viaImpl = impl ? index.lookup(impl, topic0, opts.chainId) : undefined;
    if (viaImpl?.scope === 'address') {
      const d = fromArtifact(viaImpl.events, `decoded via proxy implementation ${impl} (${viaImpl.contract})`);
      if (d) return { decoded: d };
    }
  }
  const global = index.byTopic(topic0);
  if (global.scope === 'global') {
    const fits: Array<{ decoded: DecodedLog; contracts: string[] }> = [];
    for (const l of global.layouts) {
      const d = fromArtifact([l.event]);
      if (d) fits.push({ decoded: { ...d, contract: l.contracts.join(', ') }, contracts: l.contracts });
    }
    if (fits.length === 1) return { decoded: fits[0]!.decoded };
    if (fits.length > 1) {
      const who = fits.map((f) => `${f.decoded.signature} in ${f.contracts.slice(0, 3).join(', ')}`).join('; ');
      out.warning = `ambiguous: ${fits.length} workspace events fit this log with different indexed inputs (${who}); no deployment record names ${origin?.address ?? 'its address'}`;
    }
  }
  return out;
}

/** Builds the decoder (see the module comment). No closure or list is made per log on the way to a built-in event. */
export function createWorkspaceDecoder(tools: DecodeTools, opts: WorkspaceDecoderOptions = {}): WorkspaceLogDecoder {
  return (topics, data, origin) => {
    if (!Array.isArray(topics) || topics.length === 0 || typeof topics[0] !== 'string') return {};
    const topic0 = topics[0].toLowerCase();
    let firstError: string | undefined;
    const ownEntries = opts.stream?.byTopic.get(topic0);
    if (ownEntries) {
      const own = tryEntries(tools, ownEntries, topics, data, undefined);
      if (typeof own === 'object') return { decoded: own };
      firstError = own;
    }
    let globalWarning: string | undefined;
    if (opts.index) {
      const v = decodeByIndex(tools, opts, opts.index, topics, data, topic0, origin);
      if (v.decoded) return { decoded: v.decoded };
      firstError ??= v.firstError;
      globalWarning = v.warning;
    }
    const wellKnown = tryEntries(tools, tools.wellKnownRegistry().byTopic.get(topic0) ?? NO_ENTRIES, topics, data, undefined);
    if (typeof wellKnown === 'object' && !globalWarning) return { decoded: wellKnown };
    if (typeof wellKnown === 'string') firstError ??= wellKnown;
    if (globalWarning) return { warning: globalWarning };
    if (firstError) return { warning: `log does not fit ${firstError}` };

    for (const c of opts.stream?.anonymous ?? NO_ENTRIES) {
      const d = tryEntries(tools, [c], topics, data, { standard: 'abi (anonymous)' });
      if (typeof d === 'object') return { decoded: d };
    }
    for (const e of opts.index?.anonymousEvents() ?? []) {
      const d = tryEntries(tools, [e.entry], topics, data, { standard: 'workspace (anonymous)', contract: e.contract, artifact: e.path });
      if (typeof d === 'object') return { decoded: d };
    }
    return {};
  };
}

/**
 * Whether a log from `address` with `topic0` could decode better once its proxy implementation is known (worth a
 * node read): the workspace knows some deployed addresses, the artifact at `address` (if any) does not declare
 * the event, and nothing is cached for the address at `blockNumber` yet.
 */
export function wantsProxyLookup(opts: WorkspaceDecoderOptions, address: string, topic0: string | undefined, blockNumber: number): boolean {
  const { index, proxies } = opts;
  if (!index || !proxies || topic0 === undefined || !index.hasDeployments()) return false;
  if (index.contractAt(address, opts.chainId)?.registry.byTopic.has(topic0.toLowerCase())) return false;
  return proxies.cached(address, blockNumber) === undefined;
}
