/**
 * The feed's filter language. Pure: no DOM, no I/O, no 'vscode'. Runs in the webview on every keystroke, so a
 * compiled filter does no allocation per row beyond what the row caches.
 *
 * Syntax: whitespace-separated terms, all of which must match (AND).
 * - `swap`            free text, anywhere in the row's text (the whole payload as JSON plus its meta fields)
 * - `"two words"`     quoted free text (also the way to search for text that contains `:`)
 * - `field:value`     the field contains `value` (`type:Swap`, `sender:0xab`, `stream:demo`); `a|b` = either
 * - `field=value`     the field equals `value`; `field!=value` does not
 * - `field>N` `>=` `<` `<=`  numeric comparison (integers of any size compare exactly, as BigInt)
 * - `-term`           negation of any term
 * Fields: `stream kind name type sender digest id checkpoint seq level provider`, otherwise a dotted path into the
 * payload (`data.amount`, `parsedJson.pool.0`); a path not found in the payload is also tried under `data.`, so
 * `amount>1000` works for coin events (`amount`) and Move events (`data.amount`). Arrays match if any element does.
 * Options: `regex` makes free text and `:` values regular expressions; `caseSensitive` (default false).
 */

/** Why a filter could not be compiled. */
export type FilterErrorType = 'bad_regex' | 'bad_number' | 'unterminated_quote' | 'empty_value';

/** A compile error: what went wrong and where (0-based character offset in the filter text). */
export interface FilterError {
  type: FilterErrorType;
  message: string;
  at: number;
}

/** Options of {@link compileFilter}. */
export interface FilterOptions {
  /** Free text and `field:value` values are regular expressions. Default false. */
  regex?: boolean;
  /** Match case. Default false. */
  caseSensitive?: boolean;
}

/** What a filter is tested against (a feed row implements it; tests can use plain objects). */
export interface FilterSubject {
  /** The row's whole searchable text; `lower` asks for the lower-cased form (implementations cache both). */
  text(lower: boolean): string;
  /** The value of a field or payload path (an array = several values); `undefined` or `[]` when absent. */
  field(name: string): unknown;
}

/** A compiled filter. */
export interface FeedFilter {
  /** True when the text had no terms: every row matches. */
  readonly empty: boolean;
  /** Number of terms. */
  readonly termCount: number;
  /** Whether `subject` matches every term. */
  test(subject: FilterSubject): boolean;
}

/** Result of {@link compileFilter}: a filter, or an error that leaves the previous filter in place. */
export type CompileResult = { ok: true; filter: FeedFilter } | { ok: false; error: FilterError };

/**
 * A regular expression looks at most this many characters of a row's text or of one field value (16 KB): a
 * user's pattern over large payloads would otherwise freeze the feed on every keystroke. Plain text terms search
 * everything.
 */
export const REGEX_SEARCH_MAX_CHARS = 16 * 1024;

/** The part of `text` a regular expression searches. */
function regexSubject(text: string): string {
  return text.length > REGEX_SEARCH_MAX_CHARS ? text.slice(0, REGEX_SEARCH_MAX_CHARS) : text;
}

type Op = ':' | '=' | '!=' | '>' | '>=' | '<' | '<=';

interface RawToken {
  text: string;
  quoted: boolean;
  at: number;
}

type Predicate = (s: FilterSubject) => boolean;

/** Splits on whitespace, honouring double quotes (a quote may start mid-token: `type:"a b"`); `\"` escapes. */
export function tokenize(input: string): RawToken[] | FilterError {
  const out: RawToken[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    while (i < n && /\s/.test(input[i]!)) i++;
    if (i >= n) break;
    const at = i;
    let text = '';
    let quoted = false;
    while (i < n && !/\s/.test(input[i]!)) {
      if (input[i] === '"') {
        quoted = true;
        const qAt = i;
        i++;
        let closed = false;
        while (i < n) {
          const ch = input[i]!;
          if (ch === '\\' && i + 1 < n && (input[i + 1] === '"' || input[i + 1] === '\\')) {
            text += input[i + 1];
            i += 2;
            continue;
          }
          if (ch === '"') {
            closed = true;
            i++;
            break;
          }
          text += ch;
          i++;
        }
        if (!closed) return { type: 'unterminated_quote', message: 'missing closing quote', at: qAt };
      } else {
        text += input[i];
        i++;
      }
    }
    out.push({ text, quoted, at });
  }
  return out;
}

const fieldTerm = /^([A-Za-z_][\w.]*)(>=|<=|!=|:|=|>|<)([\s\S]*)$/;

/** Parses an integer or decimal; integers become BigInt so 10^30 compares exactly. */
function parseNumber(text: string): bigint | number | undefined {
  const t = text.trim();
  if (/^[+-]?\d+$/.test(t)) return BigInt(t);
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return undefined;
  const n = Number(t);
  return Number.isFinite(n) ? n : undefined;
}

function compareNumbers(a: bigint | number, b: bigint | number): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0;
  // A safe integer against a BigInt compares exactly as BigInt.
  if (typeof a === 'number' && typeof b === 'bigint' && Number.isSafeInteger(a)) return compareNumbers(BigInt(a), b);
  if (typeof a === 'bigint' && typeof b === 'number' && Number.isSafeInteger(b)) return compareNumbers(a, BigInt(b));
  const x = Number(a);
  const y = Number(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * Calls `fn` with each scalar a field resolved to (arrays one level deep, objects as compact JSON), without
 * allocating for the common single-scalar case. Stops early when `fn` returns true; returns whether it did.
 */
function someValue(raw: unknown, fn: (v: string | number) => boolean): boolean {
  if (raw === undefined) return false;
  if (Array.isArray(raw)) {
    for (let i = 0; i < raw.length; i++) if (raw[i] !== undefined && fn(scalar(raw[i]))) return true;
    return false;
  }
  return fn(scalar(raw));
}

function scalar(v: unknown): string | number {
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v === null) return 'null';
  if (typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

/** A value as a number for comparisons: plain numbers and short integers without BigInt, the rest exactly. */
function numeric(v: string | number): bigint | number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (v.length > 0 && v.length < 16 && isShortInteger(v)) return Number(v);
  return parseNumber(v);
}

function isShortInteger(v: string): boolean {
  let i = v.charCodeAt(0) === 45 /* - */ ? 1 : 0;
  if (i >= v.length) return false;
  for (; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Compiles filter text. Never throws: a bad regex or number is returned as a {@link FilterError} (the caller keeps
 * the previous filter and shows the message).
 */
export function compileFilter(text: string, options: FilterOptions = {}): CompileResult {
  const regex = options.regex === true;
  const cs = options.caseSensitive === true;
  const tokens = tokenize(text);
  if (!Array.isArray(tokens)) return { ok: false, error: tokens };
  const preds: Predicate[] = [];
  for (const tok of tokens) {
    let body = tok.text;
    let negate = false;
    let at = tok.at;
    // A leading '-' negates, unless the token is just '-' or was written as a quoted "-x".
    if (body.length > 1 && body.startsWith('-') && !(tok.quoted && text[tok.at] === '"')) {
      negate = true;
      body = body.slice(1);
      at++;
    }
    let pred: Predicate | FilterError;
    const m = text[at] === '"' ? null : fieldTerm.exec(body);
    if (m) pred = fieldPredicate(m[1]!, m[2] as Op, m[3]!, at, regex, cs);
    else pred = textPredicate(body, at, regex, cs);
    if (typeof pred !== 'function') return { ok: false, error: pred };
    if (negate) {
      const p = pred;
      preds.push((s) => !p(s));
    } else preds.push(pred);
  }
  const filter: FeedFilter = {
    empty: preds.length === 0,
    termCount: preds.length,
    test(subject) {
      for (let i = 0; i < preds.length; i++) if (!preds[i]!(subject)) return false;
      return true;
    },
  };
  return { ok: true, filter };
}

function makeRegex(source: string, at: number, cs: boolean): RegExp | FilterError {
  try {
    return new RegExp(source, cs ? 'u' : 'iu');
  } catch (err) {
    try {
      // Patterns valid without the unicode flag (e.g. `\-`) are still accepted.
      return new RegExp(source, cs ? '' : 'i');
    } catch {
      return { type: 'bad_regex', message: `invalid regular expression: ${err instanceof Error ? err.message : String(err)}`, at };
    }
  }
}

function textPredicate(body: string, at: number, regex: boolean, cs: boolean): Predicate | FilterError {
  if (regex) {
    const re = makeRegex(body, at, cs);
    if (!(re instanceof RegExp)) return re;
    return (s) => re.test(regexSubject(s.text(false)));
  }
  if (cs) return (s) => s.text(false).includes(body);
  const needle = body.toLowerCase();
  return (s) => s.text(true).includes(needle);
}

function fieldPredicate(field: string, op: Op, value: string, at: number, regex: boolean, cs: boolean): Predicate | FilterError {
  const valueAt = at + field.length + op.length;
  if (op === '>' || op === '>=' || op === '<' || op === '<=') {
    const want = parseNumber(value);
    if (want === undefined) return { type: 'bad_number', message: `"${value}" is not a number (after ${field}${op})`, at: valueAt };
    const cmp = (v: string | number): boolean => {
      const got = numeric(v);
      if (got === undefined) return false;
      const c = compareNumbers(got, want);
      return op === '>' ? c > 0 : op === '>=' ? c >= 0 : op === '<' ? c < 0 : c <= 0;
    };
    return (s) => someValue(s.field(field), cmp);
  }
  if (op === ':' && value === '') return { type: 'empty_value', message: `no value after ${field}:`, at: valueAt };
  let re: RegExp;
  if (op === ':' && regex) {
    const r = makeRegex(value, valueAt, cs);
    if (!(r instanceof RegExp)) return r;
    re = r;
  } else {
    const alts = value.split('|').map(escapeRegex);
    const src = op === ':' ? `(?:${alts.join('|')})` : `^(?:${alts.join('|')})$`;
    re = new RegExp(src, cs ? '' : 'i');
  }
  const userRegex = op === ':' && regex;
  const hit = (v: string | number): boolean => {
    const t = typeof v === 'string' ? v : String(v);
    return re.test(userRegex ? regexSubject(t) : t);
  };
  if (op === '!=') return (s) => !someValue(s.field(field), hit);
  return (s) => someValue(s.field(field), hit);
}
