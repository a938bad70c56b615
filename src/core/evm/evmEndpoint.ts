/**
 * An EVM stream's endpoint: the URL it connects to, the key-bearing parts of that URL registered for redaction, and
 * what the node's refusals mean (an `eth_subscribe` error, an HTTP status on the upgrade). Pure but for
 * {@link registerSecret}.
 */
import type { CloseOutcome } from '../stream/baseStream';
import type { StreamDefinition } from '../stream/stream';
import { registerSecret } from '../redact';
import { RpcError } from './evmRpc';

/** The endpoint URL for a definition: the saved secret when it is a ws(s) URL, else `baseUrl`. */
export function evmEndpointUrl(def: StreamDefinition, saved: string | undefined): string | undefined {
  const s = saved?.trim();
  if (s && /^[a-z][a-z0-9+.-]*:\/\//i.test(s)) return s;
  return def.baseUrl?.trim() || undefined;
}

/**
 * Path segments and query values that name an API shape, not a key: never registered (they would redact ordinary
 * words such as "mainnet" everywhere). Everything else in a saved secret URL is.
 */
const COMMON_URL_WORDS = /^(?:v\d{1,2}|ws|wss|rpc|api|http|https|graphql|stream|streams|jsonrpc|json-rpc|ext|public|node|nodes|mainnet|testnet|devnet|sepolia|holesky|goerli|eth|ethereum|polygon|arbitrum|optimism|base|bsc|avalanche|true|false|\d{1,10})$/i;

/**
 * Registers the key-bearing parts of a saved endpoint URL with {@link registerSecret}: user and password, and
 * every path segment and query value (short or punctuated keys such as `/v2/abcDEFgh` or `…+…=` included) except
 * the common API words in {@link COMMON_URL_WORDS}; each raw and percent-decoded (`registerSecret` ignores values
 * under 4 characters). The rest of the URL stays readable (`wss://eth-mainnet.g.alchemy.com/v2/***`). An
 * unparsable URL is registered whole. Returns the parts registered.
 */
export function registerEndpointSecrets(url: string): string[] {
  const parts: string[] = [];
  const add = (raw: string, decoded: string) => {
    if (raw && !COMMON_URL_WORDS.test(decoded)) parts.push(raw, decoded);
  };
  try {
    const u = new URL(url);
    add(u.username, safeDecode(u.username));
    add(u.password, safeDecode(u.password));
    for (const seg of u.pathname.split('/')) add(seg, safeDecode(seg));
    for (const [, v] of u.searchParams) add(encodeURIComponent(v), v);
    for (const pair of u.search.slice(1).split('&')) {
      const raw = pair.slice(pair.indexOf('=') + 1);
      if (pair.includes('=')) add(raw, safeDecode(raw));
    }
  } catch {
    parts.push(url);
  }
  const unique = [...new Set(parts.filter((p) => p.length >= 4))];
  for (const p of unique) registerSecret(p);
  return unique;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** True when an `eth_subscribe` error means the endpoint cannot do subscriptions at all (retrying is pointless). */
export function isSubscribeRefusal(err: unknown): boolean {
  if (!(err instanceof RpcError) || err.type !== 'rpc') return false;
  if (err.code === -32601 || err.code === -32600 || err.code === -32602) return true;
  return /not (supported|available|found|allowed)|unsupported|does not exist|notifications|unknown method|method .*not/i.test(err.message);
}

/** What an HTTP status refusing the WebSocket upgrade means: fatal (key, forbidden, no endpoint) or worth a retry. */
export function outcomeForStatus(status: number): CloseOutcome {
  if (status === 401) return { fatal: true, reason: 'invalid_key', message: 'endpoint refused the key in its URL (HTTP 401)' };
  if (status === 403) return { fatal: true, reason: 'forbidden', message: 'endpoint forbids this request (HTTP 403)' };
  if (status === 404) return { fatal: true, reason: 'refused', message: 'no WebSocket JSON-RPC endpoint at this URL (HTTP 404)' };
  if (status === 429) return { fatal: false, message: 'rate limited (HTTP 429)' };
  if (status >= 500) return { fatal: false, message: `server error (HTTP ${status})` };
  return { fatal: true, reason: 'refused', message: `connection refused (HTTP ${status})` };
}
