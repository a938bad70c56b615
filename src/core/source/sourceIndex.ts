/**
 * The workspace's event declarations, by what a live event carries: EVM logs by topic0, Sui events by Move type and
 * package id. The host feeds it file texts (Solidity, Move, the Move manifests); it parses them with the source
 * parsers and answers lookups. Pure: no vscode, no I/O; bounded (see {@link MAX_INDEXED_FILES}).
 */
import { isEventCandidate, parseMoveSource } from './moveEvents';
import type { MoveStruct } from './moveEvents';
import { normalizeSuiAddress, readMovePackage } from './movePackage';
import type { MovePackageInfo } from './movePackage';
import { parseSolidityEvents } from './solidityEvents';
import type { SolidityEvent } from './solidityEvents';

/** Most source files the index holds (more are refused, and {@link SourceIndex.full} says so). */
export const MAX_INDEXED_FILES = 5_000;

/** A place in a file. Lines and columns 0-based. */
export interface SourcePlace {
  file: string;
  line: number;
  column: number;
}

/** One event declaration in the workspace. */
export interface EventDeclaration extends SourcePlace {
  language: 'solidity' | 'move';
  name: string;
  /** Line and column of the name (the CodeLens / reveal range). */
  nameLine: number;
  nameColumn: number;
  /** Solidity contract, or Move module. */
  container?: string;
  /** The declaration as text (untrusted: rendered as text only). */
  declaration: string;
  doc?: string;
  /** Solidity: the canonical signature and topic0 (undefined when a parameter type is not declared in the file). */
  signature?: string;
  topic0?: string;
  anonymous?: boolean;
  unknownTypes?: string[];
  /** Move: `<address>::<module>::<Name>` with the package's original id when known, else the address as written. */
  moveType?: string;
  /** Move: the ids the package was published under (normalized), empty when unpublished. */
  packageIds?: string[];
  /** Move: the `emit` sites naming this struct in its package. */
  emitSites?: SourcePlace[];
}

/** What the index knows about a chain event: topic0 for EVM logs, the Move type for Sui events. */
export type EventKey = { topic0: string } | { moveType: string };

/** The answer to a lookup: declarations found, or why none (in words). */
export type LookupResult = { found: EventDeclaration[]; note?: string } | { found: []; reason: string };

interface MoveFile {
  structs: MoveStruct[];
  emits: { struct: string; structModule?: string; module: string; line: number; column: number }[];
}

const slash = (p: string) => p.replace(/\\/g, '/');
const dirOf = (p: string) => slash(p).replace(/\/[^/]*$/, '');

/**
 * The key of a chain event (a structural `ChainEvent`): EVM / Covalent logs by topic0, everything else with a
 * Move-shaped `type` (`0x2::coin::CoinMetadata<..>`) by that type.
 */
export function eventKeyOf(ev: { provider: string; type?: string; payload?: unknown }): EventKey | undefined {
  const p = ev.payload && typeof ev.payload === 'object' ? (ev.payload as Record<string, unknown>) : {};
  const topics = Array.isArray(p.topics) ? p.topics : Array.isArray(p.raw_log_topics) ? p.raw_log_topics : undefined;
  if (topics) return typeof topics[0] === 'string' && /^0x[0-9a-fA-F]{64}$/.test(topics[0]) ? { topic0: topics[0].toLowerCase() } : undefined;
  if (typeof ev.type === 'string' && splitMoveType(ev.type)) return { moveType: ev.type };
  return undefined;
}

/** `0x2::coin::Coin<0x2::sui::SUI>` -> address, module, name (type arguments dropped); undefined when not that shape. */
export function splitMoveType(type: string): { address: string; module: string; name: string } | undefined {
  const m = /^\s*([A-Za-z0-9_]+)::([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)\s*(?:<.*>)?\s*$/s.exec(type.slice(0, 2_000));
  return m ? { address: m[1]!, module: m[2]!, name: m[3]! } : undefined;
}

/** The workspace's event declarations, updated file by file. */
export class SourceIndex {
  private readonly solidity = new Map<string, SolidityEvent[]>();
  /** topic0 -> the Solidity files declaring it (lookups touch only those). */
  private readonly filesByTopic = new Map<string, Set<string>>();
  private readonly move = new Map<string, MoveFile>();
  private readonly packages = new Map<string, MovePackageInfo>();
  private readonly manifests = new Map<string, { moveToml?: string; publishedToml?: string; moveLock?: string }>();
  /** True once a file was refused for the bound. */
  full = false;

  /** Adds or replaces a file: `.sol`, `.move`, or a package manifest (`Move.toml`, `Published.toml`, `Move.lock`). */
  setFile(path: string, text: string): void {
    const file = slash(path);
    const base = file.slice(file.lastIndexOf('/') + 1);
    if (base === 'Move.toml' || base === 'Published.toml' || base === 'Move.lock') {
      const root = dirOf(file);
      const m = this.manifests.get(root) ?? {};
      if (base === 'Move.toml') m.moveToml = text;
      else if (base === 'Published.toml') m.publishedToml = text;
      else m.moveLock = text;
      this.manifests.set(root, m);
      this.packages.set(root, readMovePackage(m));
      return;
    }
    if (!this.solidity.has(file) && !this.move.has(file) && this.solidity.size + this.move.size >= MAX_INDEXED_FILES) {
      this.full = true;
      return;
    }
    if (file.endsWith('.sol')) {
      this.unlinkTopics(file);
      const events = parseSolidityEvents(text).events;
      this.solidity.set(file, events);
      for (const e of events) if (e.topic0) (this.filesByTopic.get(e.topic0) ?? this.filesByTopic.set(e.topic0, new Set()).get(e.topic0)!).add(file);
    }
    else if (file.endsWith('.move')) {
      const r = parseMoveSource(text);
      this.move.set(file, { structs: r.structs, emits: r.emits });
    }
  }

  /** Forgets a file (deleted). */
  removeFile(path: string): void {
    const file = slash(path);
    this.unlinkTopics(file);
    this.solidity.delete(file);
    this.move.delete(file);
    const base = file.slice(file.lastIndexOf('/') + 1);
    const root = dirOf(file);
    const m = this.manifests.get(root);
    if (m && (base === 'Move.toml' || base === 'Published.toml' || base === 'Move.lock')) {
      if (base === 'Move.toml') delete m.moveToml;
      else if (base === 'Published.toml') delete m.publishedToml;
      else delete m.moveLock;
      this.packages.set(root, readMovePackage(m));
    }
  }

  /** Number of source files held. */
  get size(): number {
    return this.solidity.size + this.move.size;
  }

  /** The package root (folder of the nearest `Move.toml`) a Move file belongs to. */
  packageRootOf(path: string): string | undefined {
    let best: string | undefined;
    const file = slash(path);
    for (const root of this.manifests.keys()) if (file.startsWith(root + '/') && (!best || root.length > best.length)) best = root;
    return best;
  }

  /** Every event declaration of one file: Solidity events; Move structs with copy + drop that some emit site names. */
  declarationsIn(path: string): EventDeclaration[] {
    const file = slash(path);
    const sol = this.solidity.get(file);
    if (sol) return sol.map((e) => solidityDeclaration(file, e));
    const mv = this.move.get(file);
    if (!mv) return [];
    const root = this.packageRootOf(file);
    const pkg = root ? this.packages.get(root) : undefined;
    const emits = this.emitsInPackage(root, file);
    const out: EventDeclaration[] = [];
    for (const s of mv.structs) {
      if (!isEventCandidate(s)) continue;
      const sites = emits.filter((e) => e.struct === s.name && (e.structModule ?? e.module) === s.module).map(({ file: f, line, column }) => ({ file: f, line, column }));
      if (!sites.length) continue;
      out.push(moveDeclaration(file, s, pkg, sites));
    }
    return out;
  }

  /** Every declaration in the index. */
  all(): EventDeclaration[] {
    return [...this.solidity.keys(), ...this.move.keys()].flatMap((f) => this.declarationsIn(f));
  }

  /** Finds where an event is declared. */
  lookup(key: EventKey): LookupResult {
    if ('topic0' in key) {
      const t = key.topic0.toLowerCase();
      const found: EventDeclaration[] = [];
      for (const file of this.filesByTopic.get(t) ?? []) for (const e of this.solidity.get(file) ?? []) if (e.topic0 === t) found.push(solidityDeclaration(file, e));
      if (found.length) return found.length > 1 ? { found, note: `${found.length} declarations share this signature` } : { found };
      return { found: [], reason: `no event with topic0 ${t.slice(0, 10)}…${t.slice(-4)} is declared in the workspace's Solidity files` };
    }
    const parts = splitMoveType(key.moveType);
    if (!parts) return { found: [], reason: `"${key.moveType.slice(0, 80)}" is not a Move type` };
    const want = normalizeSuiAddress(parts.address);
    const exact: EventDeclaration[] = [];
    const unpublished: EventDeclaration[] = [];
    const elsewhere: EventDeclaration[] = [];
    for (const file of this.move.keys()) {
      for (const d of this.declarationsIn(file)) {
        if (d.container !== parts.module || d.name !== parts.name) continue;
        const ids = d.packageIds ?? [];
        const written = d.moveType ? normalizeSuiAddress(splitMoveType(d.moveType)?.address ?? '') : undefined;
        if ((want && ids.includes(want)) || (want && written === want)) exact.push(d);
        else if (!ids.length) unpublished.push(d);
        else elsewhere.push(d);
      }
    }
    if (exact.length) return { found: exact };
    if (unpublished.length) return { found: unpublished, note: `matched by module and name: the workspace package has no published id to compare with ${parts.address.slice(0, 10)}…` };
    const name = `${parts.module}::${parts.name}`;
    if (elsewhere.length) return { found: [], reason: `${name} is declared in the workspace, but under another package id than the event's (${parts.address.slice(0, 10)}…)` };
    return { found: [], reason: `no Move struct ${name} emitted as an event is declared in the workspace` };
  }

  private unlinkTopics(file: string): void {
    for (const e of this.solidity.get(file) ?? []) {
      const set = e.topic0 ? this.filesByTopic.get(e.topic0) : undefined;
      set?.delete(file);
      if (set && set.size === 0) this.filesByTopic.delete(e.topic0!);
    }
  }

  private emitsInPackage(root: string | undefined, file: string): Array<MoveFile['emits'][number] & { file: string }> {
    const out: Array<MoveFile['emits'][number] & { file: string }> = [];
    for (const [f, mv] of this.move) {
      if (root ? !f.startsWith(root + '/') : f !== file) continue;
      for (const e of mv.emits) out.push({ ...e, file: f });
    }
    return out;
  }
}

function solidityDeclaration(file: string, e: SolidityEvent): EventDeclaration {
  return {
    language: 'solidity',
    file,
    name: e.name,
    line: e.line,
    column: e.column,
    nameLine: e.nameLine,
    nameColumn: e.nameColumn,
    ...(e.container ? { container: e.container } : {}),
    declaration: e.declaration,
    ...(e.doc ? { doc: e.doc } : {}),
    ...(e.signature ? { signature: e.signature } : {}),
    ...(e.topic0 ? { topic0: e.topic0 } : {}),
    ...(e.anonymous ? { anonymous: true } : {}),
    ...(e.unknownTypes ? { unknownTypes: e.unknownTypes } : {}),
  };
}

function moveDeclaration(file: string, s: MoveStruct, pkg: MovePackageInfo | undefined, emitSites: SourcePlace[]): EventDeclaration {
  // the type's address: the package's original id, else the module's address resolved through [addresses], else as written
  const named = s.address ? (normalizeSuiAddress(s.address) ?? pkg?.addresses[s.address]) : undefined;
  const zero = normalizeSuiAddress('0x0');
  const address = pkg?.originalIds[0] ?? (named && named !== zero ? named : undefined) ?? pkg?.packageIds[0] ?? s.address ?? '_';
  const ids = new Set(pkg?.packageIds ?? []);
  if (named && named !== zero) ids.add(named);
  return {
    language: 'move',
    file,
    name: s.name,
    line: s.line,
    column: s.column,
    nameLine: s.nameLine,
    nameColumn: s.nameColumn,
    container: s.module,
    declaration: s.declaration,
    ...(s.doc ? { doc: s.doc } : {}),
    moveType: `${address}::${s.module}::${s.name}`,
    packageIds: [...ids],
    emitSites,
  };
}
