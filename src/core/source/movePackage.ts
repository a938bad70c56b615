/**
 * A Move package's identity from its manifest files: the package name and named addresses from `Move.toml`
 * (`[package] name`, `published-at`, `[addresses]`), the ids recorded per environment in `Published.toml`
 * (`[published.<env>] published-at`, `original-id`) and in `Move.lock` (`[env.<env>] original-published-id`,
 * `latest-published-id`). A small line reader for the TOML these files use (sections and `key = "value"`), not a
 * full TOML parser. Pure; bounded; never throws.
 */

/** The ids under which a package's types may appear on chain (normalized: 0x + 64 lowercase hex). */
export interface MovePackageInfo {
  name?: string;
  /** Named addresses from `[addresses]` (`my_pkg = "0x..."`; `"_"` placeholders left out), normalized. */
  addresses: Record<string, string>;
  /** Every package id found (published-at, original ids, per environment), normalized, without duplicates. */
  packageIds: string[];
  /** The id event types carry (the original id: types keep the id of the version that first defined them). */
  originalIds: string[];
}

/** Longest manifest read, in characters. */
export const MAX_MANIFEST_CHARS = 1_000_000;

/** `0x2` -> `0x000...0002`; anything not hex -> undefined. */
export function normalizeSuiAddress(value: string): string | undefined {
  const m = /^0x([0-9a-fA-F]{1,64})$/.exec(value.trim());
  return m ? '0x' + m[1]!.toLowerCase().padStart(64, '0') : undefined;
}

/** Reads `[section]` headers and `key = "value"` lines: returns `section -> key -> value` (strings only). */
export function readTomlStrings(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let section = '';
  const get = (s: string) => {
    let m = out.get(s);
    if (!m) out.set(s, (m = new Map()));
    return m;
  };
  for (const rawLine of text.slice(0, MAX_MANIFEST_CHARS).split(/\r?\n/)) {
    const line = rawLine.replace(/(^|\s)#.*$/, '').trim();
    if (!line) continue;
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?$/.exec(line);
    if (header) {
      section = header[1]!.replace(/\s*\.\s*/g, '.').replace(/"/g, '');
      continue;
    }
    const kv = /^("?)([A-Za-z0-9_.-]+)\1\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(line);
    if (kv) get(section).set(kv[2]!, kv[3] ?? kv[4] ?? '');
  }
  return out;
}

/** Combines the package's manifest files (pass what exists). */
export function readMovePackage(files: { moveToml?: string; publishedToml?: string; moveLock?: string }): MovePackageInfo {
  const info: MovePackageInfo = { addresses: {}, packageIds: [], originalIds: [] };
  const ids = new Set<string>();
  const originals = new Set<string>();
  const add = (v: string | undefined, original: boolean) => {
    const n = v === undefined ? undefined : normalizeSuiAddress(v);
    if (!n) return;
    ids.add(n);
    if (original) originals.add(n);
  };
  if (files.moveToml) {
    const t = readTomlStrings(files.moveToml);
    const pkg = t.get('package');
    const name = pkg?.get('name');
    if (name) info.name = name;
    add(pkg?.get('published-at'), false);
    for (const [k, v] of t.get('addresses') ?? []) {
      const n = normalizeSuiAddress(v);
      if (n) info.addresses[k] = n;
    }
    // a published package's own named address is its original id
    if (name && info.addresses[name] && info.addresses[name] !== normalizeSuiAddress('0x0')) add(info.addresses[name], true);
  }
  if (files.publishedToml) {
    for (const [section, kv] of readTomlStrings(files.publishedToml)) {
      if (!section.startsWith('published')) continue;
      add(kv.get('original-id'), true);
      add(kv.get('published-at'), !kv.has('original-id'));
    }
  }
  if (files.moveLock) {
    for (const [section, kv] of readTomlStrings(files.moveLock)) {
      if (!section.startsWith('env.')) continue;
      add(kv.get('original-published-id'), true);
      add(kv.get('latest-published-id'), false);
    }
  }
  info.packageIds = [...ids];
  info.originalIds = [...originals];
  return info;
}
