/**
 * A small tokenizer shared by the Solidity and Move source parsers: identifiers, numbers, strings, punctuation, with
 * 0-based line and column, and the doc comment (`///` lines or a `/** *\/` block) that precedes each token. Pure and
 * bounded: it never throws, stops at {@link MAX_TOKENS}, and skips what it does not know one character at a time.
 */

/** Token kinds. `punct` is one character, except `::` (Move paths). */
export type TokenKind = 'ident' | 'number' | 'string' | 'punct';

/** One token with its position (0-based line and column, UTF-16 units). */
export interface Token {
  kind: TokenKind;
  text: string;
  line: number;
  column: number;
  /** The doc comment right before this token (markers stripped, lines joined with `\n`), when there is one. */
  doc?: string;
}

/** Most tokens one file yields (larger files are cut there; the caller says so). */
export const MAX_TOKENS = 400_000;
/** Longest doc comment kept, in characters. */
export const MAX_DOC_CHARS = 2_000;

/** Result of {@link tokenize}: the tokens, and whether the file was cut at {@link MAX_TOKENS}. */
export interface Tokens {
  tokens: Token[];
  truncated: boolean;
}

const identStart = /[A-Za-z_$]/;
const identPart = /[A-Za-z0-9_$]/;

function cleanBlockDoc(body: string): string {
  return body
    .split(/\r?\n/)
    .map((l) => l.replace(/^\s*\*\s?/, '').trimEnd())
    .join('\n')
    .trim();
}

/** Splits `text` into tokens. Comments are dropped; doc comments attach to the next token. */
export function tokenize(text: string): Tokens {
  const tokens: Token[] = [];
  let i = 0;
  let line = 0;
  let col = 0;
  let doc: string[] = [];
  let lineDocContinues = false;
  const n = text.length;
  const advance = (count: number) => {
    for (let k = 0; k < count && i < n; k++, i++) {
      if (text.charCodeAt(i) === 10) {
        line++;
        col = 0;
      } else col++;
    }
  };
  const push = (kind: TokenKind, t: string, l: number, c: number) => {
    const tok: Token = { kind, text: t, line: l, column: c };
    if (doc.length) {
      const joined = doc.join('\n').trim();
      if (joined) tok.doc = joined.slice(0, MAX_DOC_CHARS);
    }
    doc = [];
    lineDocContinues = false;
    tokens.push(tok);
  };
  while (i < n) {
    if (tokens.length >= MAX_TOKENS) return { tokens, truncated: true };
    const ch = text[i]!;
    if (ch === '\n') {
      advance(1);
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\f' || ch === '\v') {
      advance(1);
      continue;
    }
    if (ch === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      const body = text.slice(i, stop);
      if (body.startsWith('///') && !body.startsWith('////')) {
        if (!lineDocContinues) doc = [];
        doc.push(body.slice(3).replace(/^ /, '').trimEnd());
        lineDocContinues = true;
      } else {
        doc = [];
        lineDocContinues = false;
      }
      advance(stop - i);
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      const body = text.slice(i, stop);
      if (body.startsWith('/**') && !body.startsWith('/**/')) {
        doc = [cleanBlockDoc(body.slice(3, end === -1 ? undefined : body.length - 2))];
      } else doc = [];
      lineDocContinues = false;
      advance(stop - i);
      continue;
    }
    const l = line;
    const c = col;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      while (j < n && text[j] !== ch && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      const stop = Math.min(n, j + 1);
      push('string', text.slice(i, stop), l, c);
      advance(stop - i);
      continue;
    }
    if (identStart.test(ch)) {
      let j = i + 1;
      while (j < n && identPart.test(text[j]!)) j++;
      push('ident', text.slice(i, j), l, c);
      advance(j - i);
      continue;
    }
    if (ch >= '0' && ch <= '9') {
      let j = i + 1;
      while (j < n && /[0-9A-Za-z_.]/.test(text[j]!)) j++;
      push('number', text.slice(i, j), l, c);
      advance(j - i);
      continue;
    }
    if (ch === ':' && text[i + 1] === ':') {
      push('punct', '::', l, c);
      advance(2);
      continue;
    }
    push('punct', ch, l, c);
    advance(1);
  }
  return { tokens, truncated: false };
}
