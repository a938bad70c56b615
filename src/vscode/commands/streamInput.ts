/** Validation and parsing of what the user types in Add Stream. Pure: no vscode import. */
import type { Provider } from '../../core/event';
import { isEvmAddress, isTopicHash } from '../../core/stream/streamDefinition';

/** Chains offered for Covalent / EVM streams. */
export const CHAINS: ReadonlyArray<{ id: number; name: string }> = [
  { id: 1, name: 'Ethereum' },
  { id: 11155111, name: 'Ethereum Sepolia' },
  { id: 8453, name: 'Base' },
  { id: 84532, name: 'Base Sepolia' },
  { id: 10, name: 'Optimism' },
  { id: 42161, name: 'Arbitrum One' },
  { id: 137, name: 'Polygon' },
  { id: 56, name: 'BNB Smart Chain' },
  { id: 43114, name: 'Avalanche C-Chain' },
  { id: 100, name: 'Gnosis' },
  { id: 59144, name: 'Linea' },
  { id: 534352, name: 'Scroll' },
  { id: 324, name: 'zkSync Era' },
  { id: 31337, name: 'Local node (Hardhat)' },
];

/** The name of a chain id (`chain <id>` for one not in {@link CHAINS}). */
export function chainName(id: number | undefined): string {
  return CHAINS.find((c) => c.id === id)?.name ?? `chain ${id}`;
}

/** Validates a Warp stream id as typed in Add Stream. */
export function validateStreamId(v: string): string | undefined {
  const s = v.trim();
  if (!s) return 'Enter the stream id shown in the Inodra dashboard.';
  if (!/^[A-Za-z0-9._~-]+$/.test(s)) return 'A stream id holds only letters, digits, ".", "_", "~" and "-".';
  if (s.length > 128) return 'That is too long for a stream id.';
  return undefined;
}

/** The comma-separated parts of a typed list, trimmed, empty ones dropped. */
export function splitList(v: string): string[] {
  return v.split(',').map((p) => p.trim()).filter(Boolean);
}

/**
 * Validates what a log stream watches: Covalent takes one address or one topic hash; an EVM node one or more
 * addresses (comma-separated).
 */
export function validateLogTarget(provider: Extract<Provider, 'covalent' | 'evm'>, v: string): string | undefined {
  const parts = splitList(v);
  if (!parts.length) return 'Enter an address' + (provider === 'covalent' ? ' or a topic hash.' : '.');
  if (provider === 'covalent' && parts.length === 1 && isTopicHash(parts[0] as string)) return undefined;
  if (provider === 'covalent' && parts.length > 1) return 'Covalent takes one address or one topic.';
  const bad = parts.find((p) => !isEvmAddress(p));
  return bad ? `"${bad.slice(0, 80)}" is not 0x + 40 hex digits.` : undefined;
}

/** Validates a node's WebSocket JSON-RPC endpoint. */
export function validateWsUrl(v: string): string | undefined {
  return /^wss?:\/\/[^\s/]+/i.test(v.trim()) ? undefined : 'A ws:// or wss:// URL.';
}

/** Validates a stream label. */
export function validateLabel(v: string): string | undefined {
  return v.trim() ? undefined : 'Enter a label.';
}

/** A stream id for the settings list from a label, unique among `taken`. */
export function slugId(label: string, taken: ReadonlySet<string>): string {
  const base = label.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+|-+$/g, '').slice(0, 48) || 'stream';
  let id = base;
  for (let i = 2; taken.has(id); i++) id = `${base}-${i}`;
  return id;
}
