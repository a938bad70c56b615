/**
 * Where a Covalent stream subscribes and connects: the STOMP destination (one replaceable function, so tests can map
 * it onto a broker's naming) and the WebSocket endpoint URL (with the key as `?key=`).
 */
import type { StreamDefinition } from '../stream/stream';

/** Maps a stream definition to the one STOMP destination it subscribes to. Throws a readable Error on a bad definition. */
export type DestinationFn = (def: StreamDefinition) => string;

/** Covalent's public STOMP endpoint (a beta feature that may have been retired). */
export const defaultCovalentUrl = 'wss://api.covalenthq.com/v1/';

const addressRe = /^0x[0-9a-fA-F]{40}$/;
const topicRe = /^0x[0-9a-fA-F]{64}$/;

/**
 * Covalent's raw path destination, as the official sample uses it:
 * `/v1/{chainId}/events/address/{address}/` when `address` is set (it takes precedence), else
 * `/v1/{chainId}/events/topics/{topic}/`. Hex is lower-cased. Throws when the chain id, address or topic is invalid.
 */
export const covalentDestination: DestinationFn = (def) => {
  const chainId = def.chainId;
  if (typeof chainId !== 'number' || !Number.isSafeInteger(chainId) || chainId <= 0) {
    throw new Error(`stream "${def.id}": chainId must be a positive integer (got ${JSON.stringify(chainId ?? null)})`);
  }
  const address = Array.isArray(def.address) ? def.address[0] : def.address;
  if (Array.isArray(def.address) && def.address.length !== 1) {
    throw new Error(`stream "${def.id}": a Covalent stream watches exactly one address (got ${def.address.length})`);
  }
  if (address !== undefined && address !== '') {
    if (!addressRe.test(address)) throw new Error(`stream "${def.id}": address must be 0x followed by 40 hex digits`);
    return `/v1/${chainId}/events/address/${address.toLowerCase()}/`;
  }
  if (def.topic !== undefined && def.topic !== '') {
    if (!topicRe.test(def.topic)) throw new Error(`stream "${def.id}": topic must be 0x followed by 64 hex digits`);
    return `/v1/${chainId}/events/topics/${def.topic.toLowerCase()}/`;
  }
  throw new Error(`stream "${def.id}": a Covalent stream needs an address or a topic`);
};

/**
 * The destination a stream subscribes to: `def.destination` when set (checked: it must start with `/` and hold no
 * control characters, since it is sent as a STOMP header), else `fallback(def)` ({@link covalentDestination} by
 * default). Throws a readable Error on a bad one.
 */
export function streamDestination(def: StreamDefinition, fallback: DestinationFn = covalentDestination): string {
  const explicit = def.destination?.trim();
  if (explicit === undefined || explicit === '') return fallback(def);
  if (!isStompDestination(explicit)) {
    throw new Error(`stream "${def.id}": destination must start with "/" and hold no control characters (up to 512)`);
  }
  return explicit;
}

/** Whether `s` (trimmed) is safe to send as a STOMP `destination` header: starts with `/`, no control characters, at most 512. */
export function isStompDestination(s: string): boolean {
  const t = s.trim();
  return t.startsWith('/') && t.length <= 512 && ![...t].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/**
 * Whether a destination is a queue that outlives the subscription (RabbitMQ `/queue/<name>`, `/amq/queue/<name>`):
 * messages published while disconnected wait in it, and unacknowledged ones are redelivered. Topics do neither.
 */
export function isDurableQueue(destination: string): boolean {
  return /^\/(amq\/)?queue\/[^/]/.test(destination);
}

/**
 * RabbitMQ's naming for the same subscription: `/topic/<percent-encoded Covalent path>`, which matches messages
 * published with the Covalent path as routing key (RabbitMQ rejects raw path destinations as "Unknown destination").
 */
export const rabbitMqDestination: DestinationFn = (def) => `/topic/${encodeURIComponent(covalentDestination(def))}`;

/**
 * The WebSocket URL to open: `def.baseUrl` (default {@link defaultCovalentUrl}) with `key=<apiKey>` added to the query
 * when a key is given. The result contains the key: pass it through `redact()` before printing it.
 */
export function covalentEndpoint(def: StreamDefinition, apiKey?: string): string {
  const base = def.baseUrl && def.baseUrl.trim() !== '' ? def.baseUrl.trim() : defaultCovalentUrl;
  let url: URL;
  try {
    url = new URL(base);
  } catch {
    throw new Error(`stream "${def.id}": base URL is not a valid URL`);
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') throw new Error(`stream "${def.id}": base URL must be ws:// or wss://`);
  if (url.hash || base.includes('#')) throw new Error(`stream "${def.id}": base URL must not have a #fragment`);
  if (apiKey) url.searchParams.set('key', apiKey);
  return url.toString();
}
