/**
 * One vocabulary for "the endpoint could not be reached", shared by every provider: the host, the cause in words,
 * and what to check, e.g. `cannot reach 127.0.0.1:8545 (connection refused): is the node running?`.
 * Pure: it reads the error's Node `code` (or the code inside its message) and the URL's host, nothing else.
 */
import { describeError, redact } from './redact';
import { isLoopbackHost } from './transportSecurity';

/** What listens at the endpoint, for the hint: an EVM node, a Warp server, a STOMP broker. */
export type ServiceKind = 'node' | 'server' | 'broker';

/** Node socket error codes the words below know. */
const codeRe = /\b(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|CERT_[A-Z_]+|UNABLE_TO_[A-Z_]+|SELF_SIGNED_CERT_[A-Z_]+|DEPTH_ZERO_SELF_SIGNED_CERT|ERR_TLS_[A-Z_]+)\b/;

/** The socket error code of `err` (its `code`, or one named in its message), or undefined. */
export function socketErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && codeRe.test(code)) return code;
  return codeRe.exec(describeError(err))?.[1];
}

/** `host[:port]` of a URL (never its path or query, which may carry a key); the redacted text when it does not parse. */
export function endpointHost(url: string): string {
  try {
    return new URL(url).host || redact(url);
  } catch {
    return redact(url);
  }
}

/**
 * The sentence for an endpoint that could not be reached:
 * `cannot reach <host> (<cause>): <what to check>`. A refused connection on this machine asks whether the
 * service is running; elsewhere it asks to check the URL. An error the words do not know keeps its own text.
 */
export function describeConnectFailure(url: string, err: unknown, service: ServiceKind): string {
  const host = endpointHost(url);
  let local = false;
  try {
    local = isLoopbackHost(new URL(url).hostname);
  } catch {
    local = false;
  }
  const code = socketErrorCode(err);
  const text = /timed out|timeout/i.test(describeError(err)) && !code ? 'ETIMEDOUT' : code;
  switch (text) {
    case 'ECONNREFUSED':
      return `cannot reach ${host} (connection refused): ${local ? `is the ${service} running?` : `is the ${service} up and the URL right?`}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot reach ${host} (host not found): check the URL and your network`;
    case 'ETIMEDOUT':
      return `cannot reach ${host} (timed out): check your network, proxy or firewall`;
    case 'ECONNRESET':
    case 'EPIPE':
      return `cannot reach ${host} (connection reset by the ${service})`;
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return `cannot reach ${host} (network unreachable): check your network`;
    case undefined:
      return `cannot reach ${host} (${describeError(err)})`;
    default:
      return `cannot reach ${host} (TLS certificate problem: ${text}): check the URL, or the proxy's certificate`;
  }
}
