/**
 * The workspace's contract artifacts as an event table: every event of every Foundry / Hardhat artifact (and ABI
 * JSON a stream names) by topic0, and by (address, topic0) for the contracts whose deployed address a deployment
 * record states (Foundry broadcast `run-latest.json`, hardhat-deploy `deployments/`, Ignition
 * `deployed_addresses.json`). A lookup prefers the address-scoped events: a signature shared by two events with
 * different indexed inputs is ambiguous in the global table and only the address tells them apart.
 *
 * Fed by the host (file text in, no I/O here), bounded (files, bytes per file, bytes in all: a file over a limit is
 * not read and {@link ArtifactIndex.stats} says so), and never throws on what a file holds: malformed JSON and
 * non-artifacts are counted as problems and skipped.
 */
import type { AbiEvent, EventRegistry, RegistryEntry } from '../evm/evmDecode';
import {
  artifactContractName,
  broadcastAddresses,
  classifyArtifactPath,
  hardhatDeployAddress,
  ignitionAddresses,
  ignitionDeploymentDir,
  type ArtifactFileKind,
  type DeployedAddress,
} from './artifactFiles';

/** The ABI parser the index uses (the lazily loaded decoder's `parseAbi`, passed in so this module stays light). */
export type AbiParser = (abi: unknown) => { registry: EventRegistry; events: number; warnings: string[] };

/** Bounds of an {@link ArtifactIndex}. */
export interface ArtifactLimits {
  /** Files held at most (default 5,000); more are refused. */
  maxFiles: number;
  /** Bytes of one file at most (default 16 MiB: a Foundry artifact with its AST can be several MiB). */
  maxFileBytes: number;
  /** Bytes of all held files' text together at most (default 256 MiB; only the events are kept, not the text). */
  maxTotalBytes: number;
}

/** Default {@link ArtifactLimits}. */
export const DEFAULT_ARTIFACT_LIMITS: ArtifactLimits = { maxFiles: 5_000, maxFileBytes: 16 * 1024 * 1024, maxTotalBytes: 256 * 1024 * 1024 };

/** One contract artifact the index holds. */
export interface ContractArtifact {
  /** Workspace-relative path of the file. */
  path: string;
  kind: ArtifactFileKind;
  /** Contract name (`Counter`), or the file name for a plain ABI. */
  name: string;
  registry: EventRegistry;
  /** Address a hardhat-deploy record gives this very ABI. */
  address?: string;
  /** The Ignition future id, for an artifact of an Ignition deployment. */
  futureId?: string;
}

/** An event the index can decode with, and where it comes from. */
export interface IndexedEvent {
  entry: RegistryEntry;
  /** Contract name. */
  contract: string;
  /** Workspace-relative path of its artifact. */
  path: string;
}

/** Where a contract is deployed, from the workspace's deployment records (see {@link ArtifactIndex.deploymentsOf}). */
export interface ContractDeployment {
  address: string;
  chainId?: number;
  /** Set when `address` is a proxy the records created for the contract: the implementation it was given. */
  implementation?: string;
}

/** What {@link ArtifactIndex.lookup} found for a log. */
export type ArtifactLookup =
  /** The log's address is a known deployment: these are its contract's events with this topic0 (maybe none). */
  | { scope: 'address'; contract: string; path: string; events: IndexedEvent[] }
  /**
   * The address is unknown: every workspace event with this topic0, one per distinct layout (signature plus which
   * inputs are indexed), each with every contract that declares it. Several layouts = ambiguous.
   */
  | { scope: 'global'; layouts: Array<{ event: IndexedEvent; contracts: string[] }> }
  | { scope: 'none' };

/** What the index holds and what it refused, for the output and the tests. */
export interface ArtifactStats {
  files: number;
  contracts: number;
  events: number;
  /** Deployed addresses that resolve to an artifact. */
  addresses: number;
  bytes: number;
  /** Files skipped for what they hold (not JSON, no ABI), with the reason; at most 50 kept. */
  problems: string[];
  /** Limits hit, in words ("file limit of 5,000 reached: 12 files not read"); empty when none. */
  limitsHit: string[];
}

interface HeldFile {
  bytes: number;
  contract?: ContractArtifact;
  deployed?: DeployedAddress[];
}

const MAX_PROBLEMS = 50;

/** The layout of an event: its signature plus which inputs are indexed (two events with one topic0 may differ). */
export function eventLayout(event: AbiEvent, signature: string): string {
  return `${signature}|${event.inputs.map((i) => (i.indexed ? 'i' : 'd')).join('')}${event.anonymous ? '|anon' : ''}`;
}

/** The artifact index (see the module comment). Long-lived: the host updates it as files change. */
export class ArtifactIndex {
  private readonly limits: ArtifactLimits;
  private readonly files = new Map<string, HeldFile>();
  private totalBytes = 0;
  private problems: string[] = [];
  private readonly refused = new Map<string, number>();
  private derived:
    | {
        global: Map<string, IndexedEvent[]>;
        byAddress: Map<string, Array<{ contract: ContractArtifact; chainId?: number }>>;
        /** implementation address -> the proxies the records created for it */
        proxies: Map<string, Array<{ proxy: string; chainId?: number }>>;
      }
    | undefined;
  private versionNo = 0;

  constructor(
    private readonly parseAbi: AbiParser,
    limits: Partial<ArtifactLimits> = {},
  ) {
    this.limits = { ...DEFAULT_ARTIFACT_LIMITS, ...limits };
  }

  /** Increases on every change (callers cache per version). */
  get version(): number {
    return this.versionNo;
  }

  /**
   * Whether a file of `bytes` at `path` may be read (the host asks before reading it). False when it is over a
   * limit: the refusal is counted in {@link stats}. A file already held may always be re-read within the per-file limit.
   */
  admit(path: string, bytes: number): boolean {
    const held = this.files.get(path);
    if (bytes > this.limits.maxFileBytes) return this.refuse('file', path);
    if (!held && this.files.size >= this.limits.maxFiles) return this.refuse('count', path);
    if (this.totalBytes - (held?.bytes ?? 0) + bytes > this.limits.maxTotalBytes) return this.refuse('total', path);
    return true;
  }

  private refuse(limit: 'file' | 'count' | 'total', path: string): false {
    this.refused.set(limit, (this.refused.get(limit) ?? 0) + 1);
    if (limit === 'file') this.problem(`${path}: over the ${mib(this.limits.maxFileBytes)} per-file limit, not read`);
    return false;
  }

  private problem(text: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(text);
  }

  /**
   * Adds or replaces the file at `path` (workspace-relative) with its text. `kind` overrides what the path says
   * (a stream's ABI file is `abi` wherever it lies). Returns false when the file was not taken (a limit, not an
   * artifact, malformed); the reason is in {@link stats}. Never throws.
   */
  update(path: string, text: string, kind: ArtifactFileKind | undefined = classifyArtifactPath(path)): boolean {
    this.remove(path);
    if (!kind) return false;
    if (!this.admit(path, text.length)) return false;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      this.problem(`${path}: not valid JSON (${String((err as Error).message).slice(0, 80)})`);
      return false;
    }
    const held: HeldFile = { bytes: text.length };
    switch (kind) {
      case 'broadcast':
        held.deployed = broadcastAddresses(json, path);
        break;
      case 'ignition':
        held.deployed = ignitionAddresses(json, path);
        break;
      default: {
        const contract = this.contractOf(json, path, kind);
        if (!contract) return false;
        held.contract = contract;
      }
    }
    this.files.set(path, held);
    this.totalBytes += held.bytes;
    this.changed();
    return true;
  }

  private contractOf(json: unknown, path: string, kind: ArtifactFileKind): ContractArtifact | undefined {
    const abi = Array.isArray(json) ? json : json && typeof json === 'object' ? (json as { abi?: unknown }).abi : undefined;
    if (!Array.isArray(abi)) {
      // Foundry's out/ and Hardhat's artifacts/ hold other JSON too (caches, metadata): not a problem worth listing
      if (kind === 'abi') this.problem(`${path}: no "abi" array`);
      return undefined;
    }
    let parsed: ReturnType<AbiParser>;
    try {
      parsed = this.parseAbi(abi);
    } catch (err) {
      this.problem(`${path}: ${String((err as Error).message).slice(0, 120)}`);
      return undefined;
    }
    for (const w of parsed.warnings.slice(0, 3)) this.problem(`${path}: ${w}`);
    const contract: ContractArtifact = { path, kind, name: artifactContractName(Array.isArray(json) ? undefined : json, path), registry: parsed.registry };
    if (kind === 'hardhatDeploy') {
      const address = hardhatDeployAddress(json);
      if (address) contract.address = address;
    }
    if (kind === 'hardhat' && ignitionDeploymentDir(path)) contract.futureId = contract.name.includes('#') ? contract.name : path.slice(path.lastIndexOf('/') + 1, -'.json'.length);
    return contract;
  }

  /** Forgets the file at `path` (deleted, or no longer an artifact). */
  remove(path: string): void {
    const held = this.files.get(path);
    if (!held) return;
    this.files.delete(path);
    this.totalBytes -= held.bytes;
    this.problems = this.problems.filter((p) => !p.startsWith(`${path}:`));
    this.changed();
  }

  /** Forgets what a deleted path held: the file itself, or every file under it when it was a folder. */
  forgetPath(path: string): void {
    const p = path.replace(/\/+$/, '');
    this.remove(p);
    this.removeUnder(`${p}/`);
  }

  /** Forgets every file whose path starts with `prefix` (a workspace folder removed); everything when empty. */
  removeUnder(prefix: string): void {
    for (const path of [...this.files.keys()]) if (path.startsWith(prefix)) this.remove(path);
    if (prefix === '') this.refused.clear();
  }

  private changed(): void {
    this.derived = undefined;
    this.versionNo++;
  }

  /** Whether any deployed address resolves to an artifact (else proxy lookups cannot help and are skipped). */
  hasDeployments(): boolean {
    return this.derive().byAddress.size > 0;
  }

  /** The artifact deployed at `address` on `chainId` (records without a chain id match every chain), or undefined. */
  contractAt(address: string, chainId?: number): ContractArtifact | undefined {
    const list = this.derive().byAddress.get(address.toLowerCase()) ?? [];
    return list.find((c) => chainId === undefined || c.chainId === undefined || c.chainId === chainId)?.contract;
  }

  /**
   * Where a contract is deployed (Foundry broadcasts, Hardhat deployments): the addresses whose artifact is named
   * `contract` and declares an event with `topic0`, with the chain id when the record has one; first the proxies
   * the records created with one of those addresses as their implementation (no network: from the records only).
   */
  deploymentsOf(contract: string, topic0: string): ContractDeployment[] {
    const t = topic0.toLowerCase();
    const { byAddress, proxies } = this.derive();
    const direct: ContractDeployment[] = [];
    const behind: ContractDeployment[] = [];
    for (const [address, list] of byAddress) {
      for (const c of list) {
        if (c.contract.name !== contract || !c.contract.registry.byTopic.has(t)) continue;
        direct.push({ address, ...(c.chainId !== undefined ? { chainId: c.chainId } : {}) });
        for (const p of proxies.get(address) ?? []) {
          if (c.chainId === undefined || p.chainId === undefined || p.chainId === c.chainId) behind.push({ address: p.proxy, ...(p.chainId !== undefined ? { chainId: p.chainId } : {}), implementation: address });
        }
      }
    }
    // a proxy's logs carry the proxy's address: the records' proxies come first
    return [...behind, ...direct];
  }

  /**
   * The events a log of `address` with `topic0` may be (see {@link ArtifactLookup}). A known address answers with
   * its own contract's events only (possibly none, then the caller falls back to other tables).
   */
  lookup(address: string, topic0: string, chainId?: number): ArtifactLookup {
    const t = topic0.toLowerCase();
    const contract = this.contractAt(address, chainId);
    if (contract) {
      const events = (contract.registry.byTopic.get(t) ?? []).map((entry) => ({ entry, contract: contract.name, path: contract.path }));
      return { scope: 'address', contract: contract.name, path: contract.path, events };
    }
    return this.byTopic(t);
  }

  /** Every workspace event with `topic0`, whatever the address, one entry per layout (see {@link ArtifactLookup}). */
  byTopic(topic0: string): Exclude<ArtifactLookup, { scope: 'address' }> {
    const all = this.derive().global.get(topic0.toLowerCase());
    if (!all || all.length === 0) return { scope: 'none' };
    const layouts = new Map<string, { event: IndexedEvent; contracts: string[] }>();
    for (const e of all) {
      const key = eventLayout(e.entry.event, e.entry.signature);
      const l = layouts.get(key);
      if (!l) layouts.set(key, { event: e, contracts: [e.contract] });
      else if (!l.contracts.includes(e.contract)) l.contracts.push(e.contract);
    }
    return { scope: 'global', layouts: [...layouts.values()] };
  }

  /** Anonymous events of every artifact (tried on logs whose topic0 matches nothing), one per layout. */
  anonymousEvents(): IndexedEvent[] {
    const seen = new Set<string>();
    const out: IndexedEvent[] = [];
    for (const [path, f] of this.files) {
      for (const entry of f.contract?.registry.anonymous ?? []) {
        const key = eventLayout(entry.event, entry.signature);
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ entry, contract: f.contract!.name, path });
      }
    }
    return out;
  }

  /** The contract artifact held for `path`, if any (a stream's named ABI file). */
  contractFile(path: string): ContractArtifact | undefined {
    return this.files.get(path)?.contract;
  }

  /** What the index holds and refused. */
  stats(): ArtifactStats {
    const d = this.derive();
    let contracts = 0;
    let events = 0;
    for (const f of this.files.values()) {
      if (!f.contract) continue;
      contracts++;
      for (const list of f.contract.registry.byTopic.values()) events += list.length;
      events += f.contract.registry.anonymous.length;
    }
    const limitsHit: string[] = [];
    const n = (k: string) => this.refused.get(k) ?? 0;
    if (n('count')) limitsHit.push(`file limit of ${this.limits.maxFiles.toLocaleString('en-US')} reached: ${n('count')} more not read`);
    if (n('total')) limitsHit.push(`total size limit of ${mib(this.limits.maxTotalBytes)} reached: ${n('total')} more not read`);
    if (n('file')) limitsHit.push(`${n('file')} file(s) over the ${mib(this.limits.maxFileBytes)} per-file limit not read`);
    return { files: this.files.size, contracts, events, addresses: d.byAddress.size, bytes: this.totalBytes, problems: [...this.problems], limitsHit };
  }

  private derive(): NonNullable<ArtifactIndex['derived']> {
    if (this.derived) return this.derived;
    const global = new Map<string, IndexedEvent[]>();
    const byName = new Map<string, ContractArtifact[]>();
    const byFuture = new Map<string, ContractArtifact>();
    const byAddress = new Map<string, Array<{ contract: ContractArtifact; chainId?: number }>>();
    const proxies = new Map<string, Array<{ proxy: string; chainId?: number }>>();
    const addAt = (address: string, contract: ContractArtifact, chainId?: number) => {
      const list = byAddress.get(address) ?? [];
      if (!list.some((x) => x.contract === contract && x.chainId === chainId)) list.push(chainId === undefined ? { contract } : { contract, chainId });
      byAddress.set(address, list);
    };
    // sorted by path so that which artifact wins a tie does not depend on the order files were found in
    const paths = [...this.files.keys()].sort();
    for (const path of paths) {
      const c = this.files.get(path)!.contract;
      if (!c) continue;
      for (const [topic, entries] of c.registry.byTopic) {
        const list = global.get(topic) ?? [];
        for (const entry of entries) list.push({ entry, contract: c.name, path });
        global.set(topic, list);
      }
      if (c.kind === 'foundry' || c.kind === 'hardhat') {
        if (c.futureId) byFuture.set(`${ignitionDeploymentDir(path)}/${c.futureId}`, c);
        else byName.set(c.name, [...(byName.get(c.name) ?? []), c]);
      }
      if (c.address) addAt(c.address, c);
    }
    for (const path of paths) {
      for (const d of this.files.get(path)!.deployed ?? []) {
        const own = d.futureId ? byFuture.get(`${ignitionDeploymentDir(path)}/${d.futureId}`) : undefined;
        const named = own ? [own] : d.contractName ? (byName.get(d.contractName) ?? []) : [];
        // two artifacts of one name (same contract name in two source files): both may be it, the first in path order is used
        if (named[0]) addAt(d.address, named[0], d.chainId);
        if (d.implementation) proxies.set(d.implementation, [...(proxies.get(d.implementation) ?? []), d.chainId === undefined ? { proxy: d.address } : { proxy: d.address, chainId: d.chainId }]);
      }
    }
    this.derived = { global, byAddress, proxies };
    return this.derived;
  }
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / (1024 * 1024))} MiB` : `${bytes.toLocaleString('en-US')}-byte`;
}
