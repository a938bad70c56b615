/**
 * What a workspace JSON file is to the artifact index, judged by its path (workspace-relative, `/`-separated):
 * a Foundry or Hardhat compiler artifact, a deployment record (Foundry broadcast, hardhat-deploy, Ignition) or
 * nothing the index reads. Plus the parsers of the deployment records. Pure: no I/O, never throws.
 */

/** The kinds of file the index reads. */
export type ArtifactFileKind =
  /** Foundry `out/<File>.sol/<Contract>.json`: `abi` plus bytecode and metadata. */
  | 'foundry'
  /** Hardhat `artifacts/<source>/<Contract>.json` (`hh-sol-artifact-1`), also an Ignition deployment's `artifacts/`. */
  | 'hardhat'
  /** Foundry `broadcast/<Script>/<chainId>/run-latest.json`: the contracts a script created, with their addresses. */
  | 'broadcast'
  /** hardhat-deploy `deployments/<network>/<Name>.json`: `address` and `abi` in one file. */
  | 'hardhatDeploy'
  /** Ignition `ignition/deployments/<id>/deployed_addresses.json`: future id -> address. */
  | 'ignition'
  /** An ABI JSON named by a stream definition (array of fragments, or `{abi: [...]}`). */
  | 'abi';

/**
 * The glob the host finds candidate files with (relative to each workspace folder), and the one it leaves out.
 * The path classifier below decides what each found file is; anything it does not recognise is not read.
 */
export const ARTIFACT_INCLUDE_GLOB = '**/{out,artifacts,broadcast,deployments}/**/*.json';
/** The folder names in {@link ARTIFACT_INCLUDE_GLOB}. */
export const ARTIFACT_ROOT_FOLDERS: ReadonlySet<string> = new Set(['out', 'artifacts', 'broadcast', 'deployments']);

/**
 * Whether a newly created folder at `path` (workspace-relative) is worth scanning for artifacts: it is an artifact
 * root or inside one, and not a dependency's or a cache's. A file watcher can miss the first files written into a
 * folder it has not started watching yet.
 */
export function folderMayHoldArtifacts(path: string): boolean {
  const segs = path.replace(/\\/g, '/').split('/').filter(Boolean);
  if (segs.length === 0 || segs[segs.length - 1]!.endsWith('.json')) return false;
  if (segs.some((s) => s === 'node_modules' || s === '.git' || s === 'cache' || s === 'build-info')) return false;
  return segs.some((s) => ARTIFACT_ROOT_FOLDERS.has(s));
}
/** Folders never searched: dependencies and their build output. */
export const ARTIFACT_EXCLUDE_GLOB = '{**/node_modules/**,**/lib/**/out/**,**/.git/**}';

/**
 * The kind of the file at `path`, or undefined when the index does not read it: `*.dbg.json` and `build-info/`
 * (Hardhat and Foundry debug output: large, no ABI), broadcast runs other than `run-latest.json`, cache folders.
 */
export function classifyArtifactPath(path: string): ArtifactFileKind | undefined {
  const p = path.replace(/\\/g, '/');
  if (!p.endsWith('.json') || p.endsWith('.dbg.json')) return undefined;
  const segs = p.split('/');
  if (segs.includes('build-info') || segs.includes('node_modules') || segs.includes('cache')) return undefined;
  const file = segs[segs.length - 1]!;
  const at = (name: string) => segs.lastIndexOf(name, segs.length - 2);
  const ign = segs.indexOf('ignition');
  if (ign >= 0 && segs[ign + 1] === 'deployments') {
    if (file === 'deployed_addresses.json' && segs.length === ign + 4) return 'ignition';
    if (segs[ign + 3] === 'artifacts' && segs.length === ign + 5) return 'hardhat';
    return undefined;
  }
  // a dry run's addresses were never deployed
  if (at('broadcast') >= 0) return file === 'run-latest.json' && !segs.includes('dry-run') ? 'broadcast' : undefined;
  if (at('deployments') >= 0) return segs.length - at('deployments') === 3 && !file.startsWith('.') ? 'hardhatDeploy' : undefined;
  if (at('artifacts') >= 0) return 'hardhat';
  if (at('out') >= 0) return 'foundry';
  return undefined;
}

/** A contract's address as a deployment record states it. */
export interface DeployedAddress {
  address: string;
  /** The contract's name (Foundry `contractName`; the part after `#` of an Ignition future id). */
  contractName?: string;
  /** Ignition future id (`LockModule#Lock`), which names the artifact in the deployment's `artifacts/`. */
  futureId?: string;
  /** Chain id, when the record says (broadcast `chain` or path, Ignition `chain-<id>`). */
  chainId?: number;
  /** For a proxy the record created: the implementation its constructor was given (the logs come from the proxy). */
  implementation?: string;
}

/** Proxy contracts whose first constructor argument is the implementation (OpenZeppelin's ERC-1967 proxies). */
const PROXY_CONTRACTS = new Set(['ERC1967Proxy', 'TransparentUpgradeableProxy']);

const addressRe = /^0x[0-9a-fA-F]{40}$/;

function chainFromPath(path: string, re: RegExp): number | undefined {
  const m = re.exec(path);
  const n = m ? Number(m[1]) : NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

/**
 * The contracts a Foundry broadcast created (`CREATE` / `CREATE2` transactions and their `additionalContracts`
 * with a `contractName`), on the chain the file or its folder names; for an `ERC1967Proxy` or
 * `TransparentUpgradeableProxy`, the implementation its constructor was given. Malformed entries are skipped.
 */
export function broadcastAddresses(json: unknown, path: string): DeployedAddress[] {
  const obj = json && typeof json === 'object' ? (json as Record<string, unknown>) : {};
  const chainId = typeof obj.chain === 'number' && obj.chain > 0 ? obj.chain : chainFromPath(path, /\/(\d+)\/run-latest\.json$/);
  const out: DeployedAddress[] = [];
  const txs = Array.isArray(obj.transactions) ? obj.transactions : [];
  for (const tx of txs.slice(0, 10_000)) {
    if (!tx || typeof tx !== 'object') continue;
    const t = tx as Record<string, unknown>;
    if ((t.transactionType === 'CREATE' || t.transactionType === 'CREATE2') && typeof t.contractAddress === 'string' && addressRe.test(t.contractAddress)) {
      const d: DeployedAddress = { address: t.contractAddress.toLowerCase() };
      if (typeof t.contractName === 'string' && t.contractName) d.contractName = t.contractName;
      if (chainId !== undefined) d.chainId = chainId;
      const args = Array.isArray(t.arguments) ? t.arguments : [];
      if (d.contractName && PROXY_CONTRACTS.has(d.contractName) && typeof args[0] === 'string' && addressRe.test(args[0])) d.implementation = args[0].toLowerCase();
      out.push(d);
    }
  }
  return out;
}

/** The future ids and addresses of an Ignition `deployed_addresses.json`, on the chain its folder names. */
export function ignitionAddresses(json: unknown, path: string): DeployedAddress[] {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return [];
  const chainId = chainFromPath(path, /\/chain-(\d+)\/deployed_addresses\.json$/);
  const out: DeployedAddress[] = [];
  for (const [futureId, address] of Object.entries(json as Record<string, unknown>).slice(0, 10_000)) {
    if (typeof address !== 'string' || !addressRe.test(address)) continue;
    const d: DeployedAddress = { address: address.toLowerCase(), futureId, contractName: futureId.slice(futureId.lastIndexOf('#') + 1) };
    if (chainId !== undefined) d.chainId = chainId;
    out.push(d);
  }
  return out;
}

/** The folder of an Ignition deployment a path lies in (`…/ignition/deployments/chain-31337`), or undefined. */
export function ignitionDeploymentDir(path: string): string | undefined {
  const m = /^(.*\/?ignition\/deployments\/[^/]+)\//.exec(path);
  return m ? m[1] : undefined;
}

/** The address of a hardhat-deploy record (`{address, abi}`), lowercased, or undefined. */
export function hardhatDeployAddress(json: unknown): string | undefined {
  const a = json && typeof json === 'object' ? (json as Record<string, unknown>).address : undefined;
  return typeof a === 'string' && addressRe.test(a) ? a.toLowerCase() : undefined;
}

/** The contract name of a compiler artifact: Hardhat's `contractName`, else the file name without `.json`. */
export function artifactContractName(json: unknown, path: string): string {
  const n = json && typeof json === 'object' ? (json as Record<string, unknown>).contractName : undefined;
  if (typeof n === 'string' && n) return n;
  const file = path.slice(path.lastIndexOf('/') + 1);
  return file.replace(/\.json$/, '');
}
