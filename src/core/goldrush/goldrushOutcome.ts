/**
 * What a GoldRush failure means for a stream, in words: a socket close code, GraphQL `error` messages, or errors
 * inside a `next` payload. Pure. GoldRush can reject a key after `connection_ack` (as an `error` message or a
 * close), so every path is classified the same way.
 */
import type { CloseOutcome } from '../stream/baseStream';
import { describeConnectFailure, socketErrorCode } from '../connectFailure';

/** A classified failure; `retryAfterMs` asks the engine to wait at least that long before the next attempt. */
export type GoldRushOutcome = CloseOutcome & { retryAfterMs?: number };

/** How long to wait after GoldRush says "rate limited", ms (its limits are per minute). */
export const RATE_LIMIT_RETRY_MS = 60_000;

const authWords = /\b(api[ _-]?key|unauthori[sz]ed|unauthenticated|not authenticated|authentication|invalid key|invalid token|forbidden|access denied)\b/i;
const rateWords = /\b(rate[ -]?limit(ed)?|too many requests|throttl(ed|ing))\b/i;
const quotaWords = /\b(out of credits|insufficient credits|credit limit|quota)\b/i;
const chainWords = /\b(chain|ChainName)\b/i;
const enumMiss = /does not exist in "?ChainName"? enum|unknown chain|unsupported chain|chain[^.]{0,40}not supported|invalid chain/i;
const tooManyWords = /\b(too many (wallet |token |pair )?addresses|maximum of \d+|at most \d+ addresses|address(es)? limit)\b/i;

/** Text of one GraphQL error, with its `extensions.code` when present. */
function errorText(e: unknown): { message: string; code?: string } {
  if (e && typeof e === 'object') {
    const o = e as Record<string, unknown>;
    const message = typeof o.message === 'string' ? o.message : JSON.stringify(o).slice(0, 200);
    const ext = o.extensions && typeof o.extensions === 'object' ? (o.extensions as Record<string, unknown>) : undefined;
    const code = typeof ext?.code === 'string' ? ext.code : undefined;
    return code === undefined ? { message } : { message, code };
  }
  return { message: String(e) };
}

/** Classifies GraphQL errors (from an `error` message, or the `errors` of a `next` payload). */
export function outcomeForGraphQLErrors(errors: readonly unknown[]): GoldRushOutcome {
  const parts = errors.map(errorText);
  const text = parts.map((p) => p.message).join('; ') || 'unknown error';
  const codes = parts.map((p) => (p.code ?? '').toUpperCase());
  if (codes.some((c) => c === 'UNAUTHENTICATED' || c === 'UNAUTHORIZED') || (authWords.test(text) && !/forbidden/i.test(text))) {
    return { fatal: true, reason: 'invalid_key', message: `GoldRush rejected the API key: ${text}` };
  }
  if (codes.includes('FORBIDDEN') || /forbidden|access denied/i.test(text)) return { fatal: true, reason: 'forbidden', message: `GoldRush refused access: ${text}` };
  if (codes.some((c) => c === 'RATE_LIMITED' || c === 'TOO_MANY_REQUESTS') || rateWords.test(text)) {
    return { fatal: false, message: `GoldRush rate limit: ${text}; waiting ${RATE_LIMIT_RETRY_MS / 1000} s`, retryAfterMs: RATE_LIMIT_RETRY_MS };
  }
  if (quotaWords.test(text)) return { fatal: true, reason: 'quota_exceeded', message: `GoldRush credits exhausted: ${text}` };
  if (enumMiss.test(text) || (chainWords.test(text) && /not|invalid|unknown/i.test(text))) {
    return { fatal: true, reason: 'refused', message: `GoldRush does not stream this chain: ${text}` };
  }
  if (tooManyWords.test(text)) return { fatal: true, reason: 'refused', message: `GoldRush refused the addresses: ${text}` };
  if (codes.includes('GRAPHQL_VALIDATION_FAILED') || /^(Cannot query field|Unknown argument|Unknown type|Field ".*" argument|Expected value of type)/.test(text)) {
    return { fatal: true, reason: 'refused', message: `GoldRush rejected the subscription: ${text}` };
  }
  return { fatal: false, message: `GoldRush error: ${text}` };
}

/** Classifies the close of the shared socket (a `CloseEvent`-like object: `code`, `reason`). */
export function outcomeForClose(code: number | undefined, reason: string | undefined): GoldRushOutcome {
  const why = reason ? `: ${reason}` : '';
  switch (code) {
    case 4401:
      return { fatal: true, reason: 'invalid_key', message: `GoldRush rejected the API key (close 4401${why})` };
    case 4403:
      return { fatal: true, reason: 'invalid_key', message: `GoldRush rejected the API key (close 4403 Forbidden${why})` };
    case 4429:
      return { fatal: false, message: `GoldRush: too many connection attempts (close 4429${why}); waiting ${RATE_LIMIT_RETRY_MS / 1000} s`, retryAfterMs: RATE_LIMIT_RETRY_MS };
    case 4406:
      return { fatal: true, reason: 'refused', message: `the endpoint does not speak graphql-transport-ws (close 4406${why})` };
    case 4004:
    case 4400:
      return { fatal: false, message: `malformed message on the GoldRush socket (close ${code}${why})` };
    case 4499:
      return { fatal: false, message: `GoldRush socket terminated${why}` };
    case undefined:
      return { fatal: false, message: `GoldRush socket closed${why}` };
    default: {
      if (reason && (authWords.test(reason) || rateWords.test(reason))) return outcomeForGraphQLErrors([{ message: reason }]);
      return { fatal: false, message: `GoldRush socket closed (code ${code}${why})` };
    }
  }
}

/**
 * Classifies whatever a graphql-ws sink's `error` received: GraphQL errors, a close event, or an Error (or the
 * socket's error event, which carries one). A socket that could not reach `url` is told in the words every provider
 * uses (`cannot reach host (connection refused): is the server running?`).
 */
export function outcomeForSinkError(err: unknown, url?: string): GoldRushOutcome {
  if (Array.isArray(err)) return outcomeForGraphQLErrors(err);
  if (err && typeof err === 'object' && 'code' in err && typeof (err as { code: unknown }).code === 'number') {
    const e = err as { code: number; reason?: unknown };
    return outcomeForClose(e.code, typeof e.reason === 'string' ? e.reason : undefined);
  }
  const isErrorEvent = !!err && typeof err === 'object' && 'type' in err && (err as { type: unknown }).type === 'error';
  const cause = isErrorEvent ? ((err as { error?: unknown; message?: unknown }).error ?? (err as { message?: unknown }).message) : err;
  if (url && cause !== undefined && socketErrorCode(cause)) {
    return { fatal: false, message: describeConnectFailure(url, cause, 'server') };
  }
  if (err instanceof Error) return { fatal: false, message: `GoldRush connection failed: ${err.message || err.name}` };
  if (isErrorEvent) return { fatal: false, message: 'GoldRush connection failed (socket error)' };
  return { fatal: false, message: `GoldRush connection failed: ${String(err)}` };
}
