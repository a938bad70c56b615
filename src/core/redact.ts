/**
 * The one place secrets are removed from text. Every log line and every error message that can reach a person
 * (output channel, notification, tooltip, webview) goes through {@link redact}.
 */

const secrets = new Set<string>();

/** Registers a secret (an API key, a provider URL with a key in it) so that {@link redact} removes it everywhere. */
export function registerSecret(secret: string | undefined): void {
  if (secret && secret.length >= 4) secrets.add(secret);
}

/** Forgets a secret registered with {@link registerSecret}. */
export function forgetSecret(secret: string | undefined): void {
  if (secret) secrets.delete(secret);
}

// Every quantifier that can meet a long run of ordinary characters is bounded (and nothing is nested), so one pass
// over hostile text such as `a.a.a.a…` (160 KB) is linear instead of quadratic.
const patterns: Array<[RegExp, string]> = [
  // query parameters that carry keys: api_key=, apiKey=, key=, token=, access_token=, login=, passcode=
  [/([?&;](?:api[_-]?key|apikey|key|token|access[_-]?token|auth|login|passcode)=)[^&#\s"'<>]*/gi, '$1***'],
  // headers
  [/((?:x-api-key|authorization|login|passcode)\s{0,8}[:=]\s{0,8}"?)(?:bearer\s{1,8})?[^\s",}]+/gi, '$1***'],
  [/\b(bearer\s{1,8})[A-Za-z0-9._~+/=-]+/gi, '$1***'],
  // Inodra keys wherever they appear
  [/\bindr_[A-Za-z0-9_-]+/g, 'indr_***'],
  // user:password@ in URLs (a scheme is at most 32 characters, userinfo at most 512)
  [/(\b[a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]{1,512}:[^/\s@]{1,512}@/gi, '$1***:***@'],
];

/** Returns `text` with every registered secret and every key-looking parameter, header or token replaced by `***`. */
export function redact(text: string): string {
  let out = String(text);
  for (const s of secrets) {
    if (out.includes(s)) out = out.split(s).join('***');
  }
  for (const [re, rep] of patterns) out = out.replace(re, rep);
  return out;
}

/** Formats any thrown value as a single redacted line. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return redact(cut(err.message || err.name));
  if (typeof err === 'string') return redact(cut(err));
  try {
    return redact(cut(JSON.stringify(err) ?? String(err)));
  } catch {
    return redact(cut(String(err)));
  }
}

/** Longest error text {@link describeError} returns, in characters: errors carry server text of any size. */
export const ERROR_MAX_CHARS = 4096;

function cut(text: string): string {
  return text.length > ERROR_MAX_CHARS ? `${text.slice(0, ERROR_MAX_CHARS)}… (${text.length - ERROR_MAX_CHARS} more characters)` : text;
}
