/**
 * Decoding EVM logs into named events, without an ABI for the well-known ones (ERC-20/721 `Transfer` and
 * `Approval`, `ApprovalForAll`, Uniswap V2 `Swap`/`Sync`, Uniswap V3 `Swap`) and with an optional ABI JSON per
 * stream for the rest. Log data is attacker-controlled: every offset and length is bounds-checked, a log that does
 * not fit its event's layout is left undecoded (raw topics and data) with a warning, and nothing here throws on
 * bad input except {@link parseAbi} on JSON that is not an ABI at all.
 */
import { keccak256 } from './evmKeccak';

/** topic0 of the well-known events: keccak256 of the canonical signature (verified against keccak in the tests). */
export const TOPIC_TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
/** `Approval(address,address,uint256)` (ERC-20 and ERC-721). */
export const TOPIC_APPROVAL = '0x8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b925';
/** `ApprovalForAll(address,address,bool)` (ERC-721 / ERC-1155). */
export const TOPIC_APPROVAL_FOR_ALL = '0x17307eab39ab6107e8899845ad3d59bd9653f200f220920489ca2b5937696c31';
/** Uniswap V2 `Swap(address,uint256,uint256,uint256,uint256,address)`. */
export const TOPIC_UNISWAP_V2_SWAP = '0xd78ad95fa46c994b6551d0da85fc275fe613ce37657fb8d5e3d130840159d822';
/** Uniswap V2 `Sync(uint112,uint112)`. */
export const TOPIC_UNISWAP_V2_SYNC = '0x1c411e9a96e071241c2f21f7726b17ae89e3cab4c78be50e062b03a9fffbbad1';
/** Uniswap V3 `Swap(address,address,int256,int256,uint160,uint128,int24)`. */
export const TOPIC_UNISWAP_V3_SWAP = '0xc42079f94a6350d7e6235f29174924f928cc2ac818eb64fed8004e115fbcca67';

/** One input of an event, as in ABI JSON. */
export interface AbiEventInput {
  name: string;
  /** Solidity type (`address`, `uint256`, `bytes32`, `string`, `uint256[]`, `tuple`, ...). */
  type: string;
  indexed?: boolean;
  /** Components of a `tuple` type (only used to build the signature; tuples are not decoded). */
  components?: AbiEventInput[];
}

/** An event fragment: a name and its inputs. */
export interface AbiEvent {
  name: string;
  inputs: AbiEventInput[];
  anonymous?: boolean;
}

/** A decoded value: uint/int as decimal strings (no precision loss), addresses/bytes as lowercase hex, bools, arrays. */
export type DecodedValue = string | boolean | DecodedValue[];

/** One decoded parameter. */
export interface DecodedParam {
  name: string;
  type: string;
  indexed: boolean;
  value: DecodedValue;
  /** For indexed dynamic types the topic holds only the keccak hash of the value; `value` is that hash. */
  hashed?: boolean;
}

/** The decoded form of a log. */
export interface DecodedLog {
  /** Event name, e.g. `Transfer`. */
  name: string;
  /** Canonical signature, e.g. `Transfer(address,address,uint256)`. */
  signature: string;
  /** What the event was recognised as, e.g. `ERC-20`, `ERC-721`, `Uniswap V2`, or `abi` for a user ABI. */
  standard: string;
  params: DecodedParam[];
}

/** The events a stream can decode: topic0 -> candidate fragments (several share a topic0, e.g. ERC-20/721 Transfer). */
export interface EventRegistry {
  readonly byTopic: ReadonlyMap<string, ReadonlyArray<{ event: AbiEvent; standard: string; signature: string }>>;
}

const ix = (name: string, type: string): AbiEventInput => ({ name, type, indexed: true });
const dt = (name: string, type: string): AbiEventInput => ({ name, type, indexed: false });

/** The built-in table, by standard. ERC-20 and ERC-721 variants differ only in which inputs are indexed. */
export const wellKnownEvents: ReadonlyArray<{ standard: string; event: AbiEvent }> = [
  { standard: 'ERC-20', event: { name: 'Transfer', inputs: [ix('from', 'address'), ix('to', 'address'), dt('value', 'uint256')] } },
  { standard: 'ERC-721', event: { name: 'Transfer', inputs: [ix('from', 'address'), ix('to', 'address'), ix('tokenId', 'uint256')] } },
  { standard: 'ERC-20', event: { name: 'Approval', inputs: [ix('owner', 'address'), ix('spender', 'address'), dt('value', 'uint256')] } },
  { standard: 'ERC-721', event: { name: 'Approval', inputs: [ix('owner', 'address'), ix('approved', 'address'), ix('tokenId', 'uint256')] } },
  { standard: 'ERC-721', event: { name: 'ApprovalForAll', inputs: [ix('owner', 'address'), ix('operator', 'address'), dt('approved', 'bool')] } },
  {
    standard: 'Uniswap V2',
    event: {
      name: 'Swap',
      inputs: [ix('sender', 'address'), dt('amount0In', 'uint256'), dt('amount1In', 'uint256'), dt('amount0Out', 'uint256'), dt('amount1Out', 'uint256'), ix('to', 'address')],
    },
  },
  { standard: 'Uniswap V2', event: { name: 'Sync', inputs: [dt('reserve0', 'uint112'), dt('reserve1', 'uint112')] } },
  {
    standard: 'Uniswap V3',
    event: {
      name: 'Swap',
      inputs: [ix('sender', 'address'), ix('recipient', 'address'), dt('amount0', 'int256'), dt('amount1', 'int256'), dt('sqrtPriceX96', 'uint160'), dt('liquidity', 'uint128'), dt('tick', 'int24')],
    },
  },
];

function canonicalType(input: AbiEventInput): string {
  const t = input.type.trim();
  if (t.startsWith('tuple')) return `(${(input.components ?? []).map(canonicalType).join(',')})${t.slice(5)}`;
  return t.replace(/^uint(?=$|\[)/, 'uint256').replace(/^int(?=$|\[)/, 'int256');
}

/** The canonical signature of an event fragment, e.g. `Swap(address,uint256,uint256,uint256,uint256,address)`. */
export function eventSignature(event: AbiEvent): string {
  return `${event.name}(${event.inputs.map(canonicalType).join(',')})`;
}

function buildRegistry(entries: Array<{ event: AbiEvent; standard: string }>): EventRegistry {
  const byTopic = new Map<string, Array<{ event: AbiEvent; standard: string; signature: string }>>();
  for (const e of entries) {
    const signature = eventSignature(e.event);
    const topic = keccak256(signature);
    const list = byTopic.get(topic) ?? [];
    list.push({ ...e, signature });
    byTopic.set(topic, list);
  }
  return { byTopic };
}

let wellKnown: EventRegistry | undefined;

/** The registry of the well-known events, built on the first decode (hashing their signatures never runs at activation). */
export function wellKnownRegistry(): EventRegistry {
  return (wellKnown ??= buildRegistry(wellKnownEvents.map((e) => ({ ...e }))));
}

/** An error in a user-supplied ABI. `type` is stable for tests and UI. */
export class AbiError extends Error {
  constructor(readonly type: 'invalid_json' | 'not_an_abi', message: string) {
    super(message);
    this.name = 'AbiError';
  }
}

/**
 * Parses ABI JSON (a string or an already parsed value: an array of fragments, or `{abi: [...]}` as Hardhat/Foundry
 * artifacts have it) into a registry of its non-anonymous events. Fragments that are not events are ignored;
 * malformed event fragments are skipped and listed in `warnings`. Throws {@link AbiError} when the input is not
 * JSON or holds no fragment array.
 */
export function parseAbi(abi: unknown): { registry: EventRegistry; events: number; warnings: string[] } {
  let value = abi;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new AbiError('invalid_json', `ABI is not valid JSON (${(err as Error).message})`);
    }
  }
  if (value && typeof value === 'object' && !Array.isArray(value) && Array.isArray((value as { abi?: unknown }).abi)) {
    value = (value as { abi: unknown[] }).abi;
  }
  if (!Array.isArray(value)) throw new AbiError('not_an_abi', 'ABI must be an array of fragments (or an artifact with an "abi" array)');
  const warnings: string[] = [];
  const entries: Array<{ event: AbiEvent; standard: string }> = [];
  value.forEach((frag, i) => {
    if (!frag || typeof frag !== 'object') return warnings.push(`fragment ${i} is not an object`);
    const f = frag as Record<string, unknown>;
    if (f.type !== 'event') return;
    if (typeof f.name !== 'string' || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(f.name) || !Array.isArray(f.inputs)) {
      return warnings.push(`event fragment ${i} has no valid name or inputs`);
    }
    if (f.anonymous === true) return warnings.push(`event ${f.name} is anonymous (no topic0): not decoded`);
    const inputs: AbiEventInput[] = [];
    const okInput = (x: unknown): x is AbiEventInput =>
      !!x && typeof x === 'object' && typeof (x as AbiEventInput).type === 'string' &&
      (!(x as AbiEventInput).components || ((x as AbiEventInput).components as unknown[]).every(okInput));
    for (const inp of f.inputs as unknown[]) {
      if (!okInput(inp)) return warnings.push(`event ${f.name} has a malformed input`);
      inputs.push({ name: typeof inp.name === 'string' ? inp.name : '', type: inp.type, indexed: inp.indexed === true, components: inp.components });
    }
    entries.push({ event: { name: f.name, inputs }, standard: 'abi' });
  });
  return { registry: buildRegistry(entries), events: entries.length, warnings };
}

// ---- word-level decoding --------------------------------------------------------------------------------------

const MAX_ARRAY_ITEMS = 1_000;

class Words {
  constructor(private readonly hex: string) {}
  get byteLength(): number {
    return this.hex.length / 2;
  }
  word(byteOffset: number): string {
    if (!Number.isSafeInteger(byteOffset) || byteOffset < 0 || byteOffset + 32 > this.byteLength) throw new RangeError('out of bounds');
    return this.hex.slice(byteOffset * 2, byteOffset * 2 + 64);
  }
  bytes(byteOffset: number, length: number): string {
    if (!Number.isSafeInteger(byteOffset + length) || byteOffset < 0 || length < 0 || byteOffset + length > this.byteLength) throw new RangeError('out of bounds');
    return this.hex.slice(byteOffset * 2, (byteOffset + length) * 2);
  }
  /** A word read as an offset or length (must fit a safe integer). */
  size(byteOffset: number): number {
    const v = BigInt('0x' + this.word(byteOffset));
    if (v > BigInt(this.byteLength)) throw new RangeError('offset or length beyond the data');
    return Number(v);
  }
}

const elementaryRe = /^(address|bool|string|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)$/;

function isDynamic(type: string): boolean {
  return type === 'string' || type === 'bytes' || type.endsWith('[]') || type.startsWith('(') || /\[\d+\]$/.test(type) && isDynamic(type.replace(/\[\d+\]$/, ''));
}

/** Decodes one static elementary value from a 32-byte word (64 hex chars). */
function decodeWord(type: string, word: string): DecodedValue {
  if (type === 'address') return '0x' + word.slice(24);
  if (type === 'bool') return BigInt('0x' + word) !== 0n;
  const bytesN = /^bytes(\d+)$/.exec(type);
  if (bytesN) return '0x' + word.slice(0, Number(bytesN[1]) * 2);
  const intN = /^(u?)int(\d*)$/.exec(type);
  if (intN) {
    const bits = BigInt(intN[2] || '256');
    let v = BigInt('0x' + word);
    if (intN[1] === '') {
      v = BigInt.asIntN(256, v);
      v = BigInt.asIntN(Number(bits), v);
    } else {
      v = BigInt.asUintN(Number(bits), v);
    }
    return v.toString(10);
  }
  throw new TypeError(`unsupported type ${type}`);
}

function decodeAt(type: string, data: Words, base: number, headOffset: number): DecodedValue {
  const fixed = /^(.*)\[(\d+)\]$/.exec(type);
  if (fixed && !isDynamic(type)) {
    const n = Number(fixed[2]);
    if (n > MAX_ARRAY_ITEMS) throw new RangeError('array too long');
    const out: DecodedValue[] = [];
    for (let i = 0; i < n; i++) out.push(decodeAt(fixed[1], data, base, headOffset + i * 32));
    return out;
  }
  if (!isDynamic(type)) {
    if (!elementaryRe.test(type)) throw new TypeError(`unsupported type ${type}`);
    return decodeWord(type, data.word(base + headOffset));
  }
  const start = base + data.size(base + headOffset);
  if (type === 'string' || type === 'bytes') {
    const len = data.size(start);
    const hex = data.bytes(start + 32, len);
    if (type === 'bytes') return '0x' + hex;
    return new TextDecoder('utf-8', { fatal: false }).decode(Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16)));
  }
  const dyn = /^(.*)\[\]$/.exec(type);
  if (dyn && !isDynamic(dyn[1])) {
    const n = data.size(start);
    if (n > MAX_ARRAY_ITEMS) throw new RangeError('array too long');
    const out: DecodedValue[] = [];
    for (let i = 0; i < n; i++) out.push(decodeAt(dyn[1], data, start + 32, i * 32));
    return out;
  }
  throw new TypeError(`unsupported type ${type}`);
}

function headSize(type: string): number {
  const fixed = /^(.*)\[(\d+)\]$/.exec(type);
  if (fixed && !isDynamic(type)) return Number(fixed[2]) * headSize(fixed[1]);
  return 32;
}

function cleanHex(value: string): string | undefined {
  if (typeof value !== 'string' || !/^0x([0-9a-fA-F]{2})*$/.test(value)) return undefined;
  return value.slice(2).toLowerCase();
}

/**
 * Decodes a log against one event fragment. Returns the params, or an error string when the topics/data do not
 * fit the fragment (wrong indexed count, data too short, unsupported type, out-of-bounds offset).
 */
export function decodeWith(event: AbiEvent, topics: readonly string[], data: string): { params: DecodedParam[] } | { error: string } {
  const indexed = event.inputs.filter((i) => i.indexed);
  if (topics.length !== indexed.length + 1) return { error: `expected ${indexed.length + 1} topics, got ${topics.length}` };
  const hex = cleanHex(data);
  if (hex === undefined) return { error: 'data is not hex' };
  const words = new Words(hex);
  const params: DecodedParam[] = [];
  let topicIdx = 1;
  let head = 0;
  try {
    for (const input of event.inputs) {
      const type = canonicalType(input);
      if (input.indexed) {
        const t = cleanHex(topics[topicIdx++]);
        if (t === undefined || t.length !== 64) return { error: `topic ${topicIdx - 1} is not 32 bytes of hex` };
        if (isDynamic(type) || /\[\d+\]$/.test(type)) params.push({ name: input.name, type, indexed: true, value: '0x' + t, hashed: true });
        else if (!elementaryRe.test(type)) return { error: `unsupported type ${type}` };
        else params.push({ name: input.name, type, indexed: true, value: decodeWord(type, t) });
      } else {
        params.push({ name: input.name, type, indexed: false, value: decodeAt(type, words, 0, head) });
        head += isDynamic(type) ? 32 : headSize(type);
      }
    }
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
  return { params };
}

/**
 * Decodes a log by its topic0: first against `registry` (a user ABI), then against the well-known events.
 * Among several fragments with the same topic0 (ERC-20 vs ERC-721 `Transfer`) the one whose indexed count fits
 * wins. Returns `{decoded}` on success, `{warning}` when topic0 is known but the log does not fit, or `{}` when
 * topic0 is unknown (raw topics and data are shown).
 */
export function decodeLog(topics: readonly string[], data: string, registry?: EventRegistry): { decoded?: DecodedLog; warning?: string } {
  if (!Array.isArray(topics) || topics.length === 0 || typeof topics[0] !== 'string') return {};
  const topic0 = topics[0].toLowerCase();
  const candidates = [...(registry?.byTopic.get(topic0) ?? []), ...(wellKnownRegistry().byTopic.get(topic0) ?? [])];
  if (candidates.length === 0) return {};
  let firstError: string | undefined;
  for (const c of candidates) {
    const r = decodeWith(c.event, topics, data);
    if ('params' in r) return { decoded: { name: c.event.name, signature: c.signature, standard: c.standard, params: r.params } };
    firstError ??= `${c.signature}: ${r.error}`;
  }
  return { warning: `log does not fit ${firstError}` };
}
