/**
 * Solidity `event` declarations from source text: name, parameters (`indexed`), `anonymous`, the doc comment, the
 * enclosing contract, position, and the canonical signature and topic0 (viem's `toEventSelector`). Struct, enum,
 * contract/interface and user-defined value types are resolved when declared in the same file; otherwise the event
 * says which type is unknown and has no selector. Pure: no I/O; bounded; never throws.
 */
import { toEventSelector } from 'viem';
import { tokenize } from './sourceLexer';
import type { Token } from './sourceLexer';

/** One parameter as written, and its canonical ABI type when known. */
export interface SolidityEventParam {
  /** The type as written (`uint`, `IERC20`, `Types.Order[]`). */
  type: string;
  /** Canonical ABI type (`uint256`, `address`, `(address,uint256)[]`), when it could be resolved. */
  abiType?: string;
  name?: string;
  indexed: boolean;
}

/** One `event` declaration. Positions are 0-based (line, column of the `event` keyword). */
export interface SolidityEvent {
  name: string;
  /** The contract, interface or library it is declared in (undefined at file level). */
  container?: string;
  params: SolidityEventParam[];
  anonymous: boolean;
  /** The doc comment (`///` lines or `/** *\/`), markers stripped. */
  doc?: string;
  line: number;
  column: number;
  /** Line of the name token (for a CodeLens range). */
  nameLine: number;
  nameColumn: number;
  /** The declaration, whitespace collapsed: `event Transfer(address indexed from, address indexed to, uint256 value)`. */
  declaration: string;
  /** Canonical signature (`Transfer(address,address,uint256)`), when every parameter type resolved. */
  signature?: string;
  /** keccak256 of {@link signature}, lowercase 0x-hex. Set for anonymous events too (they do not emit it as a topic). */
  topic0?: string;
  /** Why there is no signature: the parameter types that are not declared in this file. */
  unknownTypes?: string[];
}

/** What {@link parseSolidityEvents} returns. */
export interface SolidityParse {
  events: SolidityEvent[];
  /** Problems in words (file cut at a bound, an unterminated declaration). Never fatal. */
  problems: string[];
}

/** Most events kept from one file. */
export const MAX_EVENTS_PER_FILE = 2_000;
/** Largest struct nesting resolved (deeper, or recursive, structs leave the type unknown). */
const MAX_STRUCT_DEPTH = 16;

interface TypeDecl {
  kind: 'struct' | 'enum' | 'contract' | 'udvt';
  /** struct: the member types as token lists; udvt: the underlying type. */
  members?: Token[][];
  underlying?: string;
  container?: string;
}

const ELEMENTARY = /^(?:address|bool|string|bytes|bytes([1-9]|[12][0-9]|3[0-2])|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?|u?fixed([0-9]+x[0-9]+)?|byte)$/;

function canonicalElementary(t: string): string | undefined {
  if (!ELEMENTARY.test(t)) return undefined;
  if (t === 'uint') return 'uint256';
  if (t === 'int') return 'int256';
  if (t === 'byte') return 'bytes1';
  if (t === 'fixed') return 'fixed128x18';
  if (t === 'ufixed') return 'ufixed128x18';
  return t;
}

/** Finds the index of the token closing the bracket opened at `open` (or -1). */
function matching(tokens: Token[], open: number, o: string, c: string): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!.text;
    if (tokens[k]!.kind !== 'punct') continue;
    if (t === o) depth++;
    else if (t === c && --depth === 0) return k;
  }
  return -1;
}

/** Splits tokens[from..to) on top-level commas (or `;` for struct members). */
function splitTop(tokens: Token[], from: number, to: number, sep: string): Token[][] {
  const parts: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const tok = tokens[k]!;
    if (tok.kind === 'punct' && (tok.text === '(' || tok.text === '[')) depth++;
    if (tok.kind === 'punct' && (tok.text === ')' || tok.text === ']')) depth--;
    if (depth === 0 && tok.kind === 'punct' && tok.text === sep) {
      parts.push(cur);
      cur = [];
    } else cur.push(tok);
  }
  if (cur.length) parts.push(cur);
  return parts;
}

/** A parameter's type tokens: the leading `a.b.c` path plus `payable` and array suffixes; returns the rest too. */
function splitTypeTokens(param: Token[]): { type: Token[]; rest: Token[] } {
  let k = 0;
  if (param[k]?.kind === 'ident') k++;
  while (param[k]?.text === '.' && param[k + 1]?.kind === 'ident') k += 2;
  if (param[k]?.text === 'payable') k++;
  while (param[k]?.text === '[') {
    let j = k + 1;
    while (j < param.length && param[j]!.text !== ']') j++;
    k = Math.min(param.length, j + 1);
  }
  return { type: param.slice(0, k), rest: param.slice(k) };
}

const typeText = (toks: Token[]) => toks.map((t) => t.text).join('').replace(/payable$/, ' payable');

/** Parses every `event` declaration in a Solidity file. */
export function parseSolidityEvents(text: string): SolidityParse {
  const problems: string[] = [];
  const events: SolidityEvent[] = [];
  try {
    const { tokens, truncated } = tokenize(text);
    if (truncated) problems.push('file too large: parsed only its beginning');
    const decls = new Map<string, TypeDecl[]>();
    const addDecl = (name: string, d: TypeDecl) => {
      const list = decls.get(name) ?? [];
      list.push(d);
      decls.set(name, list);
    };
    // containers: a stack of (name, brace depth at which it opened)
    const stack: { name: string; depth: number }[] = [];
    let depth = 0;
    const raw: { start: number; close: number; container?: string }[] = [];
    for (let k = 0; k < tokens.length; k++) {
      const tok = tokens[k]!;
      if (tok.kind === 'punct') {
        if (tok.text === '{') depth++;
        else if (tok.text === '}') {
          depth--;
          while (stack.length && stack[stack.length - 1]!.depth > depth) stack.pop();
        }
        continue;
      }
      if (tok.kind !== 'ident') continue;
      const prev = tokens[k - 1];
      const atStatement = !prev || (prev.kind === 'punct' && (prev.text === ';' || prev.text === '{' || prev.text === '}')) || prev.text === 'abstract';
      const next = tokens[k + 1];
      const container = stack[stack.length - 1]?.name;
      if ((tok.text === 'contract' || tok.text === 'interface' || tok.text === 'library') && atStatement && next?.kind === 'ident') {
        addDecl(next.text, { kind: 'contract' });
        let j = k + 2;
        while (j < tokens.length && tokens[j]!.text !== '{' && tokens[j]!.text !== ';') j++;
        if (tokens[j]?.text === '{') {
          depth++;
          stack.push({ name: next.text, depth });
          k = j;
        }
        continue;
      }
      if (tok.text === 'struct' && atStatement && next?.kind === 'ident' && tokens[k + 2]?.text === '{') {
        const close = matching(tokens, k + 2, '{', '}');
        if (close === -1) continue;
        const members = splitTop(tokens, k + 3, close, ';').map((m) => splitTypeTokens(m).type).filter((m) => m.length);
        addDecl(next.text, { kind: 'struct', members, ...(container ? { container } : {}) });
        k = close;
        continue;
      }
      if (tok.text === 'enum' && atStatement && next?.kind === 'ident' && tokens[k + 2]?.text === '{') {
        const close = matching(tokens, k + 2, '{', '}');
        addDecl(next.text, { kind: 'enum', ...(container ? { container } : {}) });
        if (close !== -1) k = close;
        continue;
      }
      if (tok.text === 'type' && atStatement && next?.kind === 'ident' && tokens[k + 2]?.text === 'is' && tokens[k + 3]?.kind === 'ident') {
        addDecl(next.text, { kind: 'udvt', underlying: tokens[k + 3]!.text, ...(container ? { container } : {}) });
        continue;
      }
      if (tok.text === 'event' && atStatement && next?.kind === 'ident' && tokens[k + 2]?.text === '(') {
        const close = matching(tokens, k + 2, '(', ')');
        if (close === -1) {
          problems.push(`event ${next.text} at line ${tok.line + 1} has no closing ")"`);
          continue;
        }
        raw.push({ start: k, close, ...(container ? { container } : {}) });
        k = close;
      }
    }

    const resolve = (typeToks: Token[], container: string | undefined, seen: number): string | undefined => {
      if (!typeToks.length || seen > MAX_STRUCT_DEPTH) return undefined;
      // array suffixes
      let base = typeToks;
      let suffix = '';
      const firstBracket = typeToks.findIndex((t) => t.text === '[');
      if (firstBracket !== -1) {
        base = typeToks.slice(0, firstBracket);
        suffix = typeToks.slice(firstBracket).map((t) => t.text).join('');
      }
      base = base.filter((t) => t.text !== 'payable');
      const path = base.filter((t) => t.kind === 'ident').map((t) => t.text);
      if (!path.length) return undefined;
      if (path.length === 1) {
        const el = canonicalElementary(path[0]!);
        if (el) return el + suffix;
      }
      const name = path[path.length - 1]!;
      const qualifier = path.length > 1 ? path[path.length - 2] : undefined;
      const candidates = decls.get(name) ?? [];
      const pick =
        (qualifier ? candidates.find((d) => d.container === qualifier) : undefined) ??
        candidates.find((d) => d.container === container) ??
        candidates.find((d) => d.container === undefined) ??
        (candidates.length === 1 ? candidates[0] : undefined);
      if (!pick) return undefined;
      if (pick.kind === 'contract') return 'address' + suffix;
      if (pick.kind === 'enum') return 'uint8' + suffix;
      if (pick.kind === 'udvt') {
        const el = canonicalElementary(pick.underlying ?? '');
        return el ? el + suffix : undefined;
      }
      const parts: string[] = [];
      for (const m of pick.members ?? []) {
        const r = resolve(m, pick.container, seen + 1);
        if (!r) return undefined;
        parts.push(r);
      }
      return `(${parts.join(',')})${suffix}`;
    };

    for (const r of raw) {
      if (events.length >= MAX_EVENTS_PER_FILE) {
        problems.push(`more than ${MAX_EVENTS_PER_FILE} events: the rest are not listed`);
        break;
      }
      const kw = tokens[r.start]!;
      const nameTok = tokens[r.start + 1]!;
      const params: SolidityEventParam[] = [];
      const unknownTypes: string[] = [];
      for (const p of splitTop(tokens, r.start + 3, r.close, ',')) {
        if (!p.length) continue;
        const { type, rest } = splitTypeTokens(p);
        const indexed = rest.some((t) => t.text === 'indexed');
        const nameToken = rest.filter((t) => t.kind === 'ident' && t.text !== 'indexed').pop();
        const written = typeText(type);
        const abiType = resolve(type, r.container, 0);
        if (!abiType) unknownTypes.push(written);
        params.push({ type: written, ...(abiType ? { abiType } : {}), ...(nameToken ? { name: nameToken.text } : {}), indexed });
      }
      const anonymous = tokens[r.close + 1]?.text === 'anonymous';
      const paramText = params.map((p) => [p.type, p.indexed ? 'indexed' : '', p.name ?? ''].filter(Boolean).join(' ')).join(', ');
      const ev: SolidityEvent = {
        name: nameTok.text,
        ...(r.container ? { container: r.container } : {}),
        params,
        anonymous,
        ...(kw.doc ? { doc: kw.doc } : {}),
        line: kw.line,
        column: kw.column,
        nameLine: nameTok.line,
        nameColumn: nameTok.column,
        declaration: `event ${nameTok.text}(${paramText})${anonymous ? ' anonymous' : ''}`,
      };
      if (unknownTypes.length) ev.unknownTypes = unknownTypes;
      else {
        ev.signature = `${nameTok.text}(${params.map((p) => p.abiType).join(',')})`;
        ev.topic0 = toEventSelector(ev.signature).toLowerCase();
      }
      events.push(ev);
    }
  } catch (err) {
    problems.push(`could not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { events, problems };
}
