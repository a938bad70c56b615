/**
 * Text that came from a server, an event payload or a workspace setting is untrusted: VS Code renders
 * `[text](command:…)` in a notification as a link that runs the command on click, `$(icon)` in a status bar item as
 * an icon, and markdown (links, autolinks, HTML) in tooltips. {@link untrustedText} is the one function such text
 * passes through before it reaches a notification, a status bar item or a tree item's markdown; the full text
 * goes to the log instead.
 */
import { redact } from './redact';

/** Default length of untrusted text in a notification, in characters (the full text is in the log). */
export const NOTICE_MAX_CHARS = 300;

/**
 * Untrusted text is cut to this many characters before anything else looks at it (redaction, logging,
 * notifications). A few KB keeps every later step cheap whatever a server sends.
 */
export const UNTRUSTED_MAX_CHARS = 4096;

// C0/C1 controls and line/paragraph separators become spaces; bidi overrides and zero-width marks are dropped so
// the text reads the way it is stored.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const INVISIBLE = /[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

/**
 * Cuts untrusted text to `maxChars` (default {@link UNTRUSTED_MAX_CHARS}) and says how much was left out.
 * Linear in `maxChars`, not in the length of `text`.
 */
export function capText(text: string, maxChars = UNTRUSTED_MAX_CHARS): string {
  const s = String(text);
  if (s.length <= maxChars) return s;
  return `${s.slice(0, maxChars)}… (${s.length - maxChars} more characters)`;
}

/**
 * Returns `text` as plain words safe for a notification, status bar item or tooltip: cut to a few KB first,
 * redacted, controls turned into spaces, and every piece of link, markdown-link, HTML and icon syntax
 * (`[`, `]`, `<`, `>`, backquote, `$(`) replaced by a look-alike that no renderer treats as syntax; at most
 * `maxChars` characters (default {@link NOTICE_MAX_CHARS}), ending in `…` when cut.
 */
export function untrustedText(text: unknown, maxChars = NOTICE_MAX_CHARS): string {
  const raw = typeof text === 'string' ? text : String(text);
  let s = redact(raw.length > UNTRUSTED_MAX_CHARS ? raw.slice(0, UNTRUSTED_MAX_CHARS) : raw);
  s = s
    .replace(CONTROL, ' ')
    .replace(INVISIBLE, '')
    .replace(/\[/g, '\uff3b')
    .replace(/\]/g, '\uff3d')
    .replace(/</g, '\u2039')
    .replace(/>/g, '\u203a')
    .replace(/`/g, '\u02cb')
    .replace(/\$\(/g, '$\u2009(')
    .trim();
  const cut = s.length > maxChars || raw.length > UNTRUSTED_MAX_CHARS;
  if (!cut) return s;
  return s.slice(0, Math.max(0, maxChars - 1)).trimEnd() + '…';
}

/**
 * {@link untrustedText} for a markdown surface (a tree item's or status bar item's tooltip): additionally every
 * markdown punctuation character is backslash-escaped and `://` and `www.` are broken so that no autolink forms.
 */
export function untrustedMarkdown(text: unknown, maxChars = NOTICE_MAX_CHARS): string {
  return untrustedText(text, maxChars)
    .replace(/:\/\//g, ':/\u200b/')
    .replace(/\bwww\./gi, (m) => `${m.slice(0, 3)}\u200b.`)
    .replace(/[\\*_{}()#+\-.!|~@]/g, '\\$&');
}
