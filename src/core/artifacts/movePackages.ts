/**
 * Local Move packages by their on-chain ids, so a Sui event's type (`0x<package>::<module>::<Struct>`) can be matched
 * to the package in the workspace that defines it. Ids come from `Move.toml` (`published-at`, and the package's own
 * named address in `[addresses]`), `Published.toml` (`published-at`, `original-id` per environment) and `Move.lock`
 * (`original-published-id`, `latest-published-id` per environment). Reads the few keys it needs line by line (not a
 * full TOML parser); pure, bounded, never throws.
 */

/** One id a local package is known by. */
export interface MovePackageId {
  /** The package id, normalized: `0x` + 64 lowercase hex digits. */
  id: string;
  /** The key that gave it (`published-at`, `original-id`, ...). */
  key: string;
  /** The environment of a `Published.toml` / `Move.lock` entry (`testnet`, `mainnet`), when there is one. */
  env?: string;
}

/** A local Move package. */
export interface MovePackage {
  /** `[package] name`, or undefined when the manifest has none. */
  name?: string;
  /** Workspace-relative folder of the package (where `Move.toml` lies). */
  dir: string;
  ids: MovePackageId[];
}

/** What a Move type matched. */
export interface MoveTypeMatch {
  package: MovePackage;
  /** The id the type named, and where it came from. */
  via: MovePackageId;
  module: string;
  /** The struct name, without type arguments. */
  struct: string;
}

const ID_KEYS = new Set(['published-at', 'original-id', 'original-published-id', 'latest-published-id']);
/** Lines of one manifest read at most (a Move.lock lists dependencies and can be long). */
const MAX_LINES = 20_000;

/** `0x` + 64 lowercase hex digits for a Sui id (`0x2` -> `0x000…002`), or undefined when it is not one (or zero). */
export function normalizeSuiId(text: string): string | undefined {
  const m = /^0x([0-9a-fA-F]{1,64})$/.exec(text.trim());
  if (!m || /^0+$/.test(m[1]!)) return undefined;
  return '0x' + m[1]!.toLowerCase().padStart(64, '0');
}

/** The `[section]` / `key = "value"` pairs of a TOML file that matter here, in order. */
function pairs(text: string): Array<{ section: string; key: string; value: string }> {
  const out: Array<{ section: string; key: string; value: string }> = [];
  let section = '';
  const lines = text.split(/\r?\n/, MAX_LINES);
  for (const raw of lines) {
    const line = raw.replace(/\s+#.*$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    const sec = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (sec) {
      section = sec[1]!.replace(/\s+/g, '');
      continue;
    }
    const kv = /^([A-Za-z0-9_.-]+|"[^"]+")\s*=\s*"([^"]*)"/.exec(line);
    if (kv) out.push({ section, key: kv[1]!.replace(/^"|"$/g, ''), value: kv[2]! });
  }
  return out;
}

/** The environment a section names (`published.testnet`, `env.mainnet`), if any. */
function envOf(section: string): string | undefined {
  const m = /^(?:published|env)\.(.+)$/.exec(section);
  return m ? m[1]!.replace(/^"|"$/g, '') : undefined;
}

/**
 * Reads a package's manifests (any may be missing): `Move.toml`, `Published.toml`, `Move.lock`. Returns the package
 * with every id they state (duplicates kept once), or undefined when no id is stated (an unpublished package).
 */
export function readMovePackage(dir: string, files: { moveToml?: string; publishedToml?: string; moveLock?: string }): MovePackage | undefined {
  const ids: MovePackageId[] = [];
  const add = (value: string, key: string, env?: string) => {
    const id = normalizeSuiId(value);
    if (!id || ids.some((x) => x.id === id && x.env === env)) return;
    ids.push(env ? { id, key, env } : { id, key });
  };
  let name: string | undefined;
  const manifest = pairs(files.moveToml ?? '');
  for (const p of manifest) if (p.section === 'package' && p.key === 'name') name = p.value;
  for (const p of manifest) {
    if (p.section === 'package' && p.key === 'published-at') add(p.value, 'published-at');
    if (p.section === 'addresses' && name !== undefined && p.key === name) add(p.value, `addresses.${name}`);
  }
  for (const p of pairs(files.publishedToml ?? '')) if (ID_KEYS.has(p.key)) add(p.value, p.key, envOf(p.section));
  // Move.lock also lists every dependency's ids under [[move.package]]: only its own [env.*] sections count
  for (const p of pairs(files.moveLock ?? '')) if (ID_KEYS.has(p.key) && envOf(p.section) && p.section.startsWith('env.')) add(p.value, p.key, envOf(p.section));
  if (ids.length === 0) return undefined;
  return name === undefined ? { dir, ids } : { name, dir, ids };
}

/** Local Move packages by id. The host adds and removes packages as their manifests change. */
export class MovePackageIndex {
  private readonly byDir = new Map<string, MovePackage>();

  /** Adds or replaces the package in `dir` (undefined removes it: no longer published, or deleted). */
  set(dir: string, pkg: MovePackage | undefined): void {
    if (pkg) this.byDir.set(dir, pkg);
    else this.byDir.delete(dir);
  }

  /** Packages held. */
  get size(): number {
    return this.byDir.size;
  }

  /**
   * The local package a Move type (`0x…::module::Struct<…>`, as a Sui event's `type`) belongs to, or undefined.
   * When several packages claim the id (copies of one package), the first by folder wins.
   */
  match(moveType: string): MoveTypeMatch | undefined {
    const m = /^\s*(0x[0-9a-fA-F]{1,64})::([A-Za-z_][A-Za-z0-9_]*)::([A-Za-z_][A-Za-z0-9_]*)/.exec(String(moveType).slice(0, 1_000));
    if (!m) return undefined;
    const id = normalizeSuiId(m[1]!);
    if (!id) return undefined;
    for (const dir of [...this.byDir.keys()].sort()) {
      const pkg = this.byDir.get(dir)!;
      const via = pkg.ids.find((x) => x.id === id);
      if (via) return { package: pkg, via, module: m[2]!, struct: m[3]! };
    }
    return undefined;
  }
}
