/**
 * Sui full-node endpoints and what a gRPC status means for a stream. Pure.
 */
import type { CloseOutcome } from '../stream/baseStream';
import { describeConnectFailure } from '../connectFailure';
import { redact } from '../redact';

/** The networks Add Stream offers. */
export type SuiNetwork = 'mainnet' | 'testnet' | 'devnet' | 'localnet';

/** The public full nodes (whether they serve subscriptions is not promised: a refusal is handled with words). */
export const SUI_NODE_URLS: Readonly<Record<SuiNetwork, string>> = Object.freeze({
  mainnet: 'https://fullnode.mainnet.sui.io:443',
  testnet: 'https://fullnode.testnet.sui.io:443',
  devnet: 'https://fullnode.devnet.sui.io:443',
  localnet: 'http://127.0.0.1:9000',
});

/** Inodra's Sui gRPC endpoint (key in `x-api-key` metadata). */
export const INODRA_SUI_GRPC_URL = 'https://mainnet-grpc.inodra.com:443';

/** The node URL of a definition: its `baseUrl`, else its network's public node (mainnet by default). */
export function suiNodeUrl(def: { network?: string; baseUrl?: string }): string {
  const custom = def.baseUrl?.trim();
  if (custom) return custom;
  return SUI_NODE_URLS[(def.network as SuiNetwork) in SUI_NODE_URLS ? (def.network as SuiNetwork) : 'mainnet'];
}

/** Where a native gRPC channel connects: `host:port`, and whether it uses TLS. */
export interface GrpcTarget {
  host: string;
  tls: boolean;
}

/**
 * The gRPC target of a node URL: `https://h[:443]` is TLS, `http://h:p` plain (for local nodes). Throws an Error in
 * words for anything else.
 */
export function grpcTarget(url: string): GrpcTarget {
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new Error(`"${redact(url)}" is not a URL (e.g. https://fullnode.mainnet.sui.io:443 or http://127.0.0.1:9000)`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`a Sui gRPC endpoint is https:// (or http:// for a local node), not ${u.protocol}//`);
  if (!u.hostname) throw new Error('the endpoint URL needs a host');
  if (u.pathname !== '/' && u.pathname !== '') throw new Error('a gRPC endpoint is a host and port only: remove the path');
  const tls = u.protocol === 'https:';
  const port = u.port || (tls ? '443' : '80');
  return { host: `${u.hostname.includes(':') ? `[${u.hostname}]` : u.hostname}:${port}`, tls };
}

/** Why a custom node URL typed in Add Stream cannot be used, in words, or undefined when it can. */
export function suiEndpointProblem(text: string): string | undefined {
  try {
    grpcTarget(text);
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  const u = new URL(text.trim());
  if (u.username || u.password) return 'Leave credentials out of the URL: a key is saved with Set API Key.';
  return undefined;
}

/** A gRPC failure as the transport reports it: the status name (`UNAVAILABLE`) and the details text. */
export interface GrpcFailure {
  code: string;
  message: string;
}

/** Words that mark a RESOURCE_EXHAUSTED as out of credits (stop) rather than a rate limit (retry later). */
const QUOTA_WORDS = /quota|credit|balance|billing|plan limit|exhausted your/i;

/**
 * What a failed call means for the stream. `call` names the RPC ("SubscribeEvents", "ListEvents"); `url` the node
 * (its host is named in connection failures).
 */
export function suiOutcome(f: GrpcFailure, call: string, url: string): CloseOutcome & { retryAfterMs?: number } {
  const details = redact(f.message || f.code).slice(0, 300);
  switch (f.code) {
    case 'UNIMPLEMENTED':
      return {
        fatal: true,
        reason: 'refused',
        message: `this node does not serve ${call} (${details}). Subscriptions are off on many full nodes: use a node that enables the subscription service (a local \`sui start\` network, your own full node, or a provider's gRPC endpoint such as Inodra's), then Connect again`,
      };
    case 'UNAUTHENTICATED':
      return { fatal: true, reason: 'invalid_key', message: `the node refused the API key (UNAUTHENTICATED: ${details}): set the key for this host with Set API Key` };
    case 'PERMISSION_DENIED':
      return { fatal: true, reason: 'forbidden', message: `the node denies ${call} to this key (PERMISSION_DENIED: ${details})` };
    case 'RESOURCE_EXHAUSTED':
      if (QUOTA_WORDS.test(details)) return { fatal: true, reason: 'quota_exceeded', message: `the node's quota is used up (RESOURCE_EXHAUSTED: ${details})` };
      return { fatal: false, message: `rate limited by the node (RESOURCE_EXHAUSTED: ${details})`, retryAfterMs: 30_000 };
    case 'INVALID_ARGUMENT':
      return { fatal: true, reason: 'error', message: `the node rejected the ${call} request (INVALID_ARGUMENT: ${details}): check the stream's filter` };
    case 'UNAVAILABLE': {
      // grpc-js puts the socket error in the details ("No connection established. Last error: connect ECONNREFUSED ...")
      const reach = /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|CERT_|SELF_SIGNED|UNABLE_TO_/.test(details);
      return { fatal: false, message: reach ? describeConnectFailure(url, new Error(details), 'node') : `node unavailable (UNAVAILABLE: ${details})` };
    }
    default:
      return { fatal: false, message: `${call} failed (${f.code}: ${details})` };
  }
}
