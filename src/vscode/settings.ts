/**
 * Reading and writing the `chainWatch.*` settings. In an untrusted workspace VS Code itself hides workspace values
 * of the restricted settings (streams, every URL), so what this returns is safe to connect with.
 */
import * as vscode from 'vscode';
import type { StreamDefinition } from '../core/stream/stream';
import type { ExplorerOptions, SuiExplorer } from '../core/explorers';
import { isSimulatedEndpoint } from '../core/explorers';
import type { CreditGuardSettings } from '../core/stream/creditGuard';
import { defaultCovalentUrl } from '../core/covalent/covalentDestination';
import { WARP_HOSTS } from '../core/warp/warpStream';
import { GOLDRUSH_URL } from '../core/goldrush/goldrushQuery';

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

/** Sui explorer for Open in Explorer. */
export function suiExplorer(): SuiExplorer {
  return cfg().get<string>('explorer.sui') === 'suivision' ? 'suivision' : 'suiscan';
}

/**
 * Explorer options for a stream: the Sui explorer setting, its network or chain id, and `simulated` when it
 * connects to a loopback endpoint (the demo, the local simulator), so no public explorer link is built for it.
 */
export function explorerOptionsFor(def: StreamDefinition | undefined): ExplorerOptions {
  const opts: ExplorerOptions = { sui: suiExplorer() };
  if (def?.network) opts.network = def.network;
  if (def?.chainId) opts.chainId = def.chainId;
  if (def && isSimulatedEndpoint(effectiveDefinition(def).baseUrl)) opts.simulated = true;
  return opts;
}

/** Credit guard settings (defaults 15 min, no budget). */
export function guardSettings(): CreditGuardSettings {
  const c = cfg();
  return {
    pauseWhenIdleMinutes: Math.max(0, Number(c.get<number>('credits.pauseWhenIdleMinutes') ?? 15) || 0),
    dailyBudget: Math.max(0, Number(c.get<number>('credits.dailyBudget') ?? 0) || 0),
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
