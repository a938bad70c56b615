/**
 * What the simulator's banner prints for Chain Watch: the exact `chainWatch.streams` entries that point at this
 * simulator (a Warp stream, a Covalent-compatible subscription, an `eth_subscribe` node), ready to paste into
 * settings.json, and the keys to save for their hosts. Pure: URLs in, text out.
 */
import type { StreamDefinition } from '../core/stream/stream';

/** The endpoints a running simulator serves. */
export interface SimulatorEndpoints {
  /** Warp base URL, e.g. `http://127.0.0.1:7777`. */
  warp: string;
  /** Covalent-compatible STOMP endpoint, e.g. `ws://127.0.0.1:61613/v1/`. */
  covalent: string;
  /** `eth_subscribe` node, e.g. `ws://127.0.0.1:8545`. */
  evm: string;
}

/** A contract both local EVM endpoints emit logs for (the USDC/WETH Uniswap V2 pair). */
export const SNIPPET_PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';

/** The stream definitions for this simulator, one per provider. */
export function simulatorStreams(e: SimulatorEndpoints): StreamDefinition[] {
  return [
    { id: 'local-sui', provider: 'warp', label: 'Local Sui (simulator)', streamId: 'demo', transport: 'websocket', baseUrl: e.warp, autoConnect: true },
    { id: 'local-covalent', provider: 'covalent', label: 'Local Covalent (simulator)', chainId: 1, address: SNIPPET_PAIR, baseUrl: e.covalent, autoConnect: true },
    { id: 'local-evm', provider: 'evm', label: 'Local EVM node (simulator)', chainId: 31337, address: SNIPPET_PAIR, baseUrl: e.evm, autoConnect: true },
  ];
}

/** `host:port` of a URL (what Set API Key asks for). */
function hostPort(url: string): string {
  return new URL(url).host;
}

/**
 * The banner's paste-ready block: the `"chainWatch.streams"` setting as JSON, then which key to save for which host
 * (Chain Watch: Set API Key..., "Other host...").
 */
export function streamSnippet(e: SimulatorEndpoints, keys: { warp: string; covalent: string }): string {
  const json = JSON.stringify({ 'chainWatch.streams': simulatorStreams(e) }, null, 2);
  return [
    'To watch it in Chain Watch, paste into settings.json (User or Workspace):',
    json.slice(1, -1).replace(/^\n|\n$/g, ''),
    `then run "Chain Watch: Set API Key...", pick "Other host..." and save ${keys.warp} for ${hostPort(e.warp)} (Inodra Warp) and ${keys.covalent} for ${hostPort(e.covalent)} (Covalent); the EVM node needs no key.`,
  ].join('\n');
}
