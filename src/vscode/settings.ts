/**
 * Reading and writing the `chainWatch.*` settings. In an untrusted workspace VS Code itself hides workspace values
 * of the restricted settings (streams, every URL), so what this returns is safe to connect with.
 */
import * as vscode from 'vscode';
import type { StreamDefinition } from '../core/stream/stream';
import type { ExplorerOptions, SuiExplorer } from '../core/explorers';
import { isLocalEndpoint } from '../core/explorers';
import { DEFAULT_IDLE_MINUTES, type CreditGuardSettings } from '../core/stream/creditGuard';
import { defaultCovalentUrl } from '../core/covalent/covalentDestination';
import { WARP_HOSTS } from '../core/warp/warpStream';
import { GOLDRUSH_URL } from '../core/goldrush/goldrushQuery';
import { INODRA_SUI_GRPC_URL, SUI_NODE_URLS, suiNodeUrl } from '../core/sui/suiOutcome';

/** Settings section. */
export const SECTION = 'chainWatch';

/** Default endpoints: the engine's own (a unit test checks package.json declares the same defaults). */
export const DEFAULT_URLS = {
  warpMainnet: WARP_HOSTS.mainnet as string,
  warpTestnet: WARP_HOSTS.testnet as string,
  covalent: defaultCovalentUrl,
  goldrush: GOLDRUSH_URL,
};

function cfg(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SECTION);
}

/** `chainWatch.covalent.heartbeatMs`: server heart-beats to ask Covalent STOMP endpoints for, ms (0 = none). */
export function covalentHeartbeatMs(): number {
  return cfg().get<number>('covalent.heartbeatMs') ?? 10_000;
}

/** The stream definitions as configured (unvalidated: the registry reports bad entries). */
export function readStreams(): StreamDefinition[] {
  const v = cfg().get<unknown>('streams');
  return Array.isArray(v) ? (v.filter((d) => d && typeof d === 'object') as StreamDefinition[]) : [];
}

/** The endpoint a definition connects to when it has no `baseUrl`: from the URL settings, by provider/network. */
export function defaultBaseUrl(def: StreamDefinition): string | undefined {
  const c = cfg();
  switch (def.provider) {
    case 'warp':
      return def.network === 'testnet'
        ? c.get<string>('warp.testnetUrl') || DEFAULT_URLS.warpTestnet
        : c.get<string>('warp.mainnetUrl') || DEFAULT_URLS.warpMainnet;
    case 'covalent':
      return c.get<string>('covalent.url') || DEFAULT_URLS.covalent;
    case 'evm':
      return c.get<string>('evm.defaultUrl') || undefined;
    case 'goldrush':
      return c.get<string>('goldrush.url') || DEFAULT_URLS.goldrush;
    case 'sui':
      return suiNodeUrl(def);
    default:
      return undefined;
  }
}

/** The definition with `baseUrl` filled in from the settings, so the engine and `getKey` agree on the host. */
export function effectiveDefinition(def: StreamDefinition): StreamDefinition {
  if (def.baseUrl && def.baseUrl.trim()) return def;
  const base = defaultBaseUrl(def);
  return base ? { ...def, baseUrl: base } : def;
}

/** `host[:port]` of a URL, lower-case; undefined when it does not parse. */
export function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** The endpoint URL settings, by provider. */
const URL_SETTINGS: ReadonlyArray<{ key: string; provider: StreamDefinition['provider']; builtIn: string }> = [
  { key: 'warp.mainnetUrl', provider: 'warp', builtIn: DEFAULT_URLS.warpMainnet },
  { key: 'warp.testnetUrl', provider: 'warp', builtIn: DEFAULT_URLS.warpTestnet },
  { key: 'covalent.url', provider: 'covalent', builtIn: DEFAULT_URLS.covalent },
  { key: 'evm.defaultUrl', provider: 'evm', builtIn: '' },
  { key: 'goldrush.url', provider: 'goldrush', builtIn: DEFAULT_URLS.goldrush },
];

/** Each endpoint URL setting: its effective value, what a workspace sets, and what the user (or built-in) value is. */
export function endpointSettings(): Array<{ id: string; provider: StreamDefinition['provider']; effective: string | undefined; workspace: string | undefined; userOrDefault: string | undefined }> {
  const c = cfg();
  return URL_SETTINGS.map((u) => {
    const i = c.inspect<string>(u.key);
    const workspace = i?.workspaceFolderValue ?? i?.workspaceValue;
    return { id: `${SECTION}.${u.key}`, provider: u.provider, effective: c.get<string>(u.key) || undefined, workspace, userOrDefault: i?.globalValue || u.builtIn || undefined };
  });
}

/** The real default endpoints of a provider (built in, never from settings), with a word on each. */
export function builtInEndpoints(provider: StreamDefinition['provider']): Array<{ url: string; what: string }> {
  if (provider === 'sui') return [{ url: INODRA_SUI_GRPC_URL, what: 'Inodra Sui gRPC' }, ...(['mainnet', 'testnet', 'devnet'] as const).map((n) => ({ url: SUI_NODE_URLS[n], what: `Sui ${n} full node` }))];
  return URL_SETTINGS.filter((u) => u.provider === provider && u.builtIn).map((u) => ({ url: u.builtIn, what: u.key.replace(/Url$|\.url$/i, '').replace('.', ' ') }));
}

/** Ids of the streams defined by the workspace's settings (not the user's). */
export function workspaceStreamIds(): Set<string> {
  const i = cfg().inspect<unknown[]>('streams');
  const ids = new Set<string>();
  for (const list of [i?.workspaceValue, i?.workspaceFolderValue]) {
    if (Array.isArray(list)) for (const d of list) if (d && typeof (d as { id?: unknown }).id === 'string') ids.add((d as { id: string }).id);
  }
  return ids;
}

/** Sui explorer for Open in Explorer. */
export function suiExplorer(): SuiExplorer {
  return cfg().get<string>('explorer.sui') === 'suivision' ? 'suivision' : 'suiscan';
}

/**
 * Explorer options for a stream: the Sui explorer setting, its network or chain id, and `local` when it
 * connects to a loopback endpoint (the demo, the local simulator, a local node), so no public explorer link is built for it.
 */
export function explorerOptionsFor(def: StreamDefinition | undefined): ExplorerOptions {
  const opts: ExplorerOptions = { sui: suiExplorer() };
  if (def?.network) opts.network = def.network;
  if (def?.chainId) opts.chainId = def.chainId;
  if (def && isLocalEndpoint(effectiveDefinition(def).baseUrl)) opts.local = true;
  return opts;
}

/** Credit guard settings (defaults 5 min, no budget, Free plan quota, drain visits on). */
export function guardSettings(): CreditGuardSettings {
  const c = cfg();
  return {
    pauseWhenIdleMinutes: Math.max(0, Number(c.get<number>('credits.pauseWhenIdleMinutes') ?? DEFAULT_IDLE_MINUTES) || 0),
    dailyBudget: Math.max(0, Number(c.get<number>('credits.dailyBudget') ?? 0) || 0),
    monthlyQuota: Math.max(0, Number(c.get<number>('credits.monthlyQuota') ?? 1_000_000) || 0),
    drainWhilePaused: c.get<boolean>('credits.drainWhilePaused') !== false,
  };
}

/** Recent events listed under a stream (default 20). */
export function recentEventsInTree(): number {
  const n = Number(cfg().get<number>('tree.recentEvents') ?? 20);
  return Number.isFinite(n) ? Math.min(200, Math.max(1, Math.floor(n))) : 20;
}

/** Where the stream list lives: the workspace when it already defines streams, else the user settings. */
function streamsTarget(): vscode.ConfigurationTarget {
  const i = cfg().inspect<unknown[]>('streams');
  if (i?.workspaceValue !== undefined) return vscode.ConfigurationTarget.Workspace;
  return vscode.ConfigurationTarget.Global;
}

/** Appends a definition to `chainWatch.streams` (where the list is defined). */
export async function appendStream(def: StreamDefinition): Promise<void> {
  const target = streamsTarget();
  const i = cfg().inspect<StreamDefinition[]>('streams');
  const current = (target === vscode.ConfigurationTarget.Workspace ? i?.workspaceValue : i?.globalValue) ?? [];
  await cfg().update('streams', [...current, def], target);
}

/** Removes a definition by id from every level that defines it. Returns true when one was removed. */
export async function removeStreamSetting(id: string): Promise<boolean> {
  const i = cfg().inspect<StreamDefinition[]>('streams');
  let removed = false;
  const levels: Array<[StreamDefinition[] | undefined, vscode.ConfigurationTarget]> = [
    [i?.globalValue, vscode.ConfigurationTarget.Global],
    [i?.workspaceValue, vscode.ConfigurationTarget.Workspace],
  ];
  for (const [list, target] of levels) {
    if (!Array.isArray(list) || !list.some((d) => d && d.id === id)) continue;
    await cfg().update('streams', list.filter((d) => !d || d.id !== id), target);
    removed = true;
  }
  return removed;
}
