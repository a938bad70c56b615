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

const patterns: Array<[RegExp, string]> = [
  // query parameters that carry keys: api_key=, apiKey=, key=, token=, access_token=, login=, passcode=
  [/([?&;](?:api[_-]?key|apikey|key|token|access[_-]?token|auth|login|passcode)=)[^&#\s"'<>]*/gi, '$1***'],
  // headers
  [/((?:x-api-key|authorization|login|passcode)\s*[:=]\s*"?)(?:bearer\s+)?[^\s",}]+/gi, '$1***'],
  [/\b(bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1***'],
  // Inodra keys wherever they appear
  [/\bindr_[A-Za-z0-9_-]+/g, 'indr_***'],
  // user:password@ in URLs
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s:@]+:[^/\s@]+@/gi, '$1***:***@'],
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
  if (err instanceof Error) return redact(err.message || err.name);
  if (typeof err === 'string') return redact(err);
  try {
    return redact(JSON.stringify(err));
  } catch {
    return redact(String(err));
  }
}
