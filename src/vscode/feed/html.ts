/**
 * The feed webview's HTML document and Content Security Policy. Pure (no 'vscode' import) so the Chromium safety
 * tests load the real bundle under exactly the policy the extension uses.
 */

/** Where the page's resources come from (webview URIs as strings). */
export interface FeedHtmlParts {
  /** `webview.cspSource`: the origin allowed for styles, fonts and images. */
  cspSource: string;
  /** A fresh random nonce per document (see {@link makeNonce}). */
  nonce: string;
  /** URI of dist/media/feed.js. */
  scriptUri: string;
  /** URI of media/feed.css. */
  styleUri: string;
  /** URI of dist/media/codicons/codicon.css. */
  codiconUri: string;
  /** Document title (for screen readers). Default "Chain Watch Feed". */
  title?: string;
}

/** The CSP: nothing by default; scripts only by nonce; styles, fonts and images only from the extension. */
export function feedCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** A 32-character alphanumeric nonce from `random` (default `Math.random`; the host passes crypto randomness). */
export function makeNonce(random: () => number = Math.random): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (let i = 0; i < 32; i++) out += chars.charAt(Math.floor(random() * chars.length));
  return out;
}

function attr(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The full HTML document. The body is empty: media/feed/main.ts builds the UI with DOM calls. */
export function feedHtml(p: FeedHtmlParts): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${attr(feedCsp(p.cspSource, p.nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${attr(p.codiconUri)}">
<link rel="stylesheet" href="${attr(p.styleUri)}">
<title>${attr(p.title ?? 'Chain Watch Feed')}</title>
</head>
<body>
<script nonce="${attr(p.nonce)}" src="${attr(p.scriptUri)}"></script>
</body>
</html>
`;
}
