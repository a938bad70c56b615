/**
 * Move source: the structs a module declares (`struct X has copy, drop { ... }`, Move 2024 `public struct`, positional
 * fields, abilities before or after the fields), their fields and doc comments, and the `event::emit(...)` sites. A
 * struct is an event candidate when it has `copy` and `drop`; it is an event when some emit site names it. Pure: no
 * I/O; bounded; never throws.
 */
import { tokenize } from './sourceLexer';
import type { Token } from './sourceLexer';

/** One field of a struct (`name: Type`; positional fields are named `0`, `1`, ...). */
export interface MoveField {
  name: string;
  type: string;
}

/** One struct declaration. Positions are 0-based (the `struct` keyword, or `public` before it). */
export interface MoveStruct {
  /** The module's address as written (`0x2`, `my_pkg`), when the module declaration has one. */
  address?: string;
  module: string;
  name: string;
  /** Type parameters as written (`T`, `phantom T`). */
  typeParams: string[];
  abilities: string[];
  fields: MoveField[];
  doc?: string;
  line: number;
  column: number;
  nameLine: number;
  nameColumn: number;
  /** `public struct X<T> has copy, drop { a: u64 }`, whitespace collapsed. */
  declaration: string;
}

/** One `emit(...)` call: the struct it emits (last path segment), where. */
export interface MoveEmit {
  module: string;
  /** The emitted struct's name (`Minted` from `event::emit(Minted { .. })` or `emit<Minted>(..)`). */
  struct: string;
  /** The module part of a qualified emitted type (`events` in `event::emit(events::Minted { .. })`), when written. */
  structModule?: string;
  line: number;
  column: number;
}

/** What {@link parseMoveSource} returns. */
export interface MoveParse {
  structs: MoveStruct[];
  emits: MoveEmit[];
  problems: string[];
}

/** Most structs or emit sites kept from one file. */
export const MAX_MOVE_ITEMS = 2_000;

const text = (toks: Token[]) =>
  toks
    .map((t) => t.text)
    .join(' ')
    .replace(/\s*::\s*/g, '::')
    .replace(/\s*([<>,])\s*/g, (_m, c: string) => (c === ',' ? ', ' : c))
    .replace(/ : /g, ': ')
    .replace(/, ([})])/g, ' $1')
    .replace(/\s+/g, ' ')
    .trim();

function matching(tokens: Token[], open: number, o: string, c: string): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k]!;
    if (t.kind !== 'punct') continue;
    if (t.text === o) depth++;
    else if (t.text === c && --depth === 0) return k;
  }
  return -1;
}

function splitTop(tokens: Token[], from: number, to: number): Token[][] {
  const parts: Token[][] = [];
  let cur: Token[] = [];
  let depth = 0;
  for (let k = from; k < to; k++) {
    const t = tokens[k]!;
    if (t.kind === 'punct' && (t.text === '<' || t.text === '(' || t.text === '[')) depth++;
    if (t.kind === 'punct' && (t.text === '>' || t.text === ')' || t.text === ']')) depth--;
    if (depth === 0 && t.kind === 'punct' && t.text === ',') {
      parts.push(cur);
      cur = [];
    } else cur.push(t);
  }
  if (cur.length) parts.push(cur);
  return parts;
}

/** Reads `has a, b, c` at `k`; returns the abilities and the index after them. */
function readAbilities(tokens: Token[], k: number): { abilities: string[]; next: number } {
  if (tokens[k]?.text !== 'has') return { abilities: [], next: k };
  const abilities: string[] = [];
  let j = k + 1;
  while (tokens[j]?.kind === 'ident') {
    abilities.push(tokens[j]!.text);
    j++;
    if (tokens[j]?.text !== ',') break;
    j++;
  }
  return { abilities, next: j };
}

/** Parses the structs and emit sites of a Move file (one or several modules). */
export function parseMoveSource(source: string): MoveParse {
  const structs: MoveStruct[] = [];
  const emits: MoveEmit[] = [];
  const problems: string[] = [];
  try {
    const { tokens, truncated } = tokenize(source);
    if (truncated) problems.push('file too large: parsed only its beginning');
    let address: string | undefined;
    let module = '';
    for (let k = 0; k < tokens.length; k++) {
      const tok = tokens[k]!;
      if (tok.kind !== 'ident') continue;
      if (tok.text === 'module' && tokens[k + 1]?.kind !== 'punct') {
        // module addr::name { ... }  |  module addr::name;  |  module name { ... } (inside `address x { }`)
        if (tokens[k + 2]?.text === '::' && tokens[k + 3]?.kind === 'ident') {
          address = tokens[k + 1]!.text;
          module = tokens[k + 3]!.text;
          k += 3;
        } else if (tokens[k + 1]?.kind === 'ident') {
          module = tokens[k + 1]!.text;
          k += 1;
        }
        continue;
      }
      if (tok.text === 'struct' && tokens[k + 1]?.kind === 'ident') {
        if (structs.length >= MAX_MOVE_ITEMS) continue;
        const nameTok = tokens[k + 1]!;
        let start = tok;
        let startIdx = k;
        if (tokens[k - 1]?.text === 'public') {
          start = tokens[k - 1]!;
          startIdx = k - 1;
        } else if (tokens[k - 1]?.text === ')' && tokens[k - 4]?.text === 'public') {
          start = tokens[k - 4]!; // public(package) struct
          startIdx = k - 4;
        }
        let j = k + 2;
        const typeParams: string[] = [];
        if (tokens[j]?.text === '<') {
          const close = matching(tokens, j, '<', '>');
          if (close === -1) continue;
          for (const p of splitTop(tokens, j + 1, close)) {
            const colon = p.findIndex((t) => t.text === ':');
            typeParams.push(text(colon === -1 ? p : p.slice(0, colon)));
          }
          j = close + 1;
        }
        const before = readAbilities(tokens, j);
        let abilities = before.abilities;
        j = before.next;
        const fields: MoveField[] = [];
        let end = j;
        if (tokens[j]?.text === '{' || tokens[j]?.text === '(') {
          const positional = tokens[j]!.text === '(';
          const close = matching(tokens, j, positional ? '(' : '{', positional ? ')' : '}');
          if (close === -1) {
            problems.push(`struct ${nameTok.text} at line ${nameTok.line + 1} is not closed`);
            continue;
          }
          splitTop(tokens, j + 1, close).forEach((f, idx) => {
            if (!f.length) return;
            if (positional) fields.push({ name: String(idx), type: text(f) });
            else {
              const colon = f.findIndex((t) => t.text === ':');
              if (colon > 0) fields.push({ name: f[colon - 1]!.text, type: text(f.slice(colon + 1)) });
            }
          });
          end = close;
          if (!abilities.length) {
            const after = readAbilities(tokens, close + 1);
            abilities = after.abilities;
            if (abilities.length) end = after.next - 1;
          }
        }
        const declTokens = tokens.slice(startIdx, end + 1);
        structs.push({
          ...(address ? { address } : {}),
          module,
          name: nameTok.text,
          typeParams,
          abilities,
          fields,
          ...(start.doc ? { doc: start.doc } : tok.doc ? { doc: tok.doc } : {}),
          line: start.line,
          column: start.column,
          nameLine: nameTok.line,
          nameColumn: nameTok.column,
          declaration: text(declTokens).slice(0, 500),
        });
        k = Math.max(k, end);
        continue;
      }
      if (tok.text === 'emit' && tokens[k - 1]?.text !== 'fun') {
        if (emits.length >= MAX_MOVE_ITEMS) continue;
        // event::emit(X { .. }) | emit(X { .. }) | event::emit<X>(..) | event::emit(m::X { .. }) | emit_authenticated
        let j = k + 1;
        let typeToks: Token[] = [];
        if (tokens[j]?.text === '<') {
          const close = matching(tokens, j, '<', '>');
          if (close === -1) continue;
          typeToks = tokens.slice(j + 1, close);
          j = close + 1;
        }
        if (tokens[j]?.text !== '(') continue;
        if (!typeToks.length) {
          let m = j + 1;
          while (tokens[m]?.kind === 'ident' && tokens[m + 1]?.text === '::') m += 2;
          if (tokens[m]?.kind === 'ident' && (tokens[m + 1]?.text === '{' || tokens[m + 1]?.text === '(' || tokens[m + 1]?.text === '<')) typeToks = tokens.slice(j + 1, m + 1);
        }
        // for a generic emit<Outer<Inner>> the emitted type is the first path, up to its own type arguments
        const lt = typeToks.findIndex((t) => t.text === '<');
        const path = (lt === -1 ? typeToks : typeToks.slice(0, lt)).filter((t) => t.kind === 'ident');
        const name = path[path.length - 1];
        if (!name) continue;
        const structModule = path.length >= 2 ? path[path.length - 2]!.text : undefined;
        emits.push({ module, struct: name.text, ...(structModule ? { structModule } : {}), line: tok.line, column: tok.column });
      }
    }
  } catch (err) {
    problems.push(`could not parse: ${err instanceof Error ? err.message : String(err)}`);
  }
  return { structs, emits, problems };
}

/** Whether a struct can be an event (`copy` and `drop`). */
export function isEventCandidate(s: MoveStruct): boolean {
  return s.abilities.includes('copy') && s.abilities.includes('drop');
}
