/**
 * What a stream *is*, as opposed to what it is called. Stream ids are predictable (`ethereum-0xa0b8-eb48`) and
 * global storage is shared by every workspace, so journals and leases are keyed by a hash of the effective
 * definition (provider, host, stream or filter) instead: a cloned repository defining a stream with the same id
 * but another endpoint gets its own journal and its own lease.
 */
import { createHash } from 'crypto';
import type { StreamDefinition } from './stream';

/**
 * The fields that decide which events a stream receives, normalized: provider, network (Warp, default mainnet),
 * base URL (scheme and host lower-cased, no trailing slash), Warp stream id, chain, addresses (lower-cased,
 * sorted), topics, an explicit STOMP destination, the GoldRush subscription and the Sui node filter (events and transactions). Labels, `autoConnect` and the Warp
 * transport (the same events either way) are left out.
 */
export function streamIdentity(def: StreamDefinition): Record<string, unknown> {
  const out: Record<string, unknown> = { provider: def.provider };
  if (def.provider === 'warp') out.network = def.network ?? 'mainnet';
  else if (def.network !== undefined) out.network = def.network;
  const base = normalizeBaseUrl(def.baseUrl);
  if (base !== undefined) out.baseUrl = base;
  if (def.streamId !== undefined) out.streamId = def.streamId;
  if (def.chainId !== undefined) out.chainId = def.chainId;
  if (def.address !== undefined) out.address = (Array.isArray(def.address) ? def.address : [def.address]).map((a) => String(a).toLowerCase()).sort();
  if (def.topic !== undefined) out.topic = def.topic.toLowerCase();
  if (def.topics !== undefined) out.topics = def.topics.map((t) => (t === null ? null : Array.isArray(t) ? t.map((x) => x.toLowerCase()).sort() : t.toLowerCase()));
  if (def.destination !== undefined && def.destination.trim() !== '') out.destination = def.destination.trim();
  for (const k of ['subscription', 'chainName', 'protocols', 'interval', 'timeframe', 'eventType', 'emitModule', 'sender', 'affectedAddress', 'affectedObject', 'moveCall', 'packageWrite'] as const) {
    if (def[k] !== undefined) out[k] = def[k];
  }
  return out;
}

function normalizeBaseUrl(url: string | undefined): string | undefined {
  const t = url?.trim();
  if (!t) return undefined;
  try {
    const u = new URL(t);
    return `${u.protocol}//${u.host}${u.pathname.replace(/\/+$/, '')}${u.search}`;
  } catch {
    return t;
  }
}

/**
 * The key a stream's journal and lease are stored under: its id (for people reading the folder) and 16 hex digits
 * of the SHA-256 of {@link streamIdentity}, e.g. `ethereum-0xa0b8-eb48.3f2a9c1b0d4e5f60`.
 */
export function streamKey(def: StreamDefinition): string {
  const hash = createHash('sha256').update(JSON.stringify(streamIdentity(def))).digest('hex').slice(0, 16);
  return `${def.id}.${hash}`;
}
