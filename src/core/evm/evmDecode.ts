/**
 * Decoding EVM logs into named events with viem (`decodeEventLog`, `toEventSelector`): without an ABI for the
 * well-known ones (ERC-20/721 `Transfer` and `Approval`, `ApprovalForAll`, Uniswap V2 `Swap`/`Sync`, Uniswap V3
 * `Swap`) and with an optional ABI JSON per stream for the rest (tuples, arrays, bytes, strings, anonymous events).
 * Log data is attacker-controlled: viem bounds-checks every offset and length (and caps recursive reads), a log that
 * does not fit its event is left undecoded (raw topics and data) with a warning, and nothing here throws on bad
 * input except {@link parseAbi} on JSON that is not an ABI at all.
 *
 * This module (and viem with it) is loaded on the first EVM connection, never at activation.
 */
import { decodeEventLog, toEventSelector, toEventSignature, type AbiEvent as ViemAbiEvent, type Hex } from 'viem';

// the workspace-aware decoding order and the proxy reader load with this module (its chunk), not at activation
export { createWorkspaceDecoder, wantsProxyLookup } from './workspaceDecoder';
export { ProxyResolver } from './evmProxy';

/** topic0 of the well-known events: keccak256 of the canonical signature (verified against viem in the tests). */
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
  /** Solidity type (`address`, `uint256`, `bytes32`, `string`, `uint256[]`, `tuple`, `tuple[2]`, ...). */
  type: string;
  indexed?: boolean;
  /** Components of a `tuple` type. */
  components?: AbiEventInput[];
}

/** An event fragment: a name and its inputs. Anonymous events have no topic0 (all topics are indexed inputs). */
export interface AbiEvent {
  name: string;
  inputs: AbiEventInput[];
  anonymous?: boolean;
}

/**
 * A decoded value: uint/int as decimal strings (no precision loss), addresses/bytes as lowercase hex, bools, arrays,
 * and tuples as an object by component name (an array when a component is unnamed).
 */
export type DecodedValue = string | boolean | DecodedValue[] | { [name: string]: DecodedValue };

/** One decoded parameter. */
export interface DecodedParam {
  name: string;
  type: string;
  indexed: boolean;
  value: DecodedValue;
  /** For indexed dynamic types (string, bytes, arrays, tuples) the topic holds only the keccak hash; `value` is it. */
  hashed?: boolean;
}

/** The decoded form of a log. */
export interface DecodedLog {
  /** Event name, e.g. `Transfer`. */
  name: string;
  /** Canonical signature, e.g. `Transfer(address,address,uint256)`. */
  signature: string;
  /**
   * What the event was recognised as, e.g. `ERC-20`, `ERC-721`, `Uniswap V2`, `abi` for the stream's ABI or
   * `workspace` for a workspace artifact.
   */
  standard: string;
  params: DecodedParam[];
  /** The workspace contract(s) whose artifact decoded it. */
  contract?: string;
  /** Workspace-relative path of that artifact. */
  artifact?: string;
  /** How the ABI was found when not by the log's own address, e.g. `decoded via proxy implementation 0x… (Token)`. */
  via?: string;
}

/** One event a registry can decode. */
export interface RegistryEntry {
  event: AbiEvent;
  standard: string;
  signature: string;
}

/** The events a stream can decode: topic0 -> candidates (several share a topic0, e.g. ERC-20/721 Transfer). */
export interface EventRegistry {
  readonly byTopic: ReadonlyMap<string, ReadonlyArray<RegistryEntry>>;
  /** Anonymous events: tried, in order, on logs whose topic0 matches nothing. */
  readonly anonymous: ReadonlyArray<RegistryEntry>;
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

const typeRe = /^(address|bool|string|tuple|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)(\[\d{0,4}\])*$/;
const nameRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `uint`/`int` spelled out (`uint[]` -> `uint256[]`), as the canonical signature needs. */
function canonicalInput(input: AbiEventInput): AbiEventInput {
  const out: AbiEventInput = { name: input.name, type: input.type.trim().replace(/^(u?int)(?=$|\[)/, '$1256'), indexed: input.indexed === true };
  if (input.components) out.components = input.components.map(canonicalInput);
  return out;
}

function toViem(event: AbiEvent): ViemAbiEvent {
  return { type: 'event', name: event.name, inputs: event.inputs.map(canonicalInput), anonymous: event.anonymous === true } as ViemAbiEvent;
}

/** The canonical signature of an event fragment, e.g. `Swap(address,uint256,uint256,uint256,uint256,address)`. */
export function eventSignature(event: AbiEvent): string {
  return toEventSignature(toViem(event));
}

function buildRegistry(entries: Array<{ event: AbiEvent; standard: string }>): EventRegistry {
  const byTopic = new Map<string, RegistryEntry[]>();
  const anonymous: RegistryEntry[] = [];
  for (const e of entries) {
    const entry = { ...e, signature: eventSignature(e.event) };
    if (e.event.anonymous) {
      anonymous.push(entry);
      continue;
    }
    const topic = toEventSelector(toViem(e.event));
    byTopic.set(topic, [...(byTopic.get(topic) ?? []), entry]);
  }
  return { byTopic, anonymous };
}

let wellKnown: EventRegistry | undefined;

/** The registry of the well-known events, built on the first decode. */
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

function validInput(x: unknown, depth = 0): x is AbiEventInput {
  if (!x || typeof x !== 'object' || depth > 8) return false;
  const i = x as AbiEventInput;
  if (typeof i.type !== 'string' || !typeRe.test(i.type.trim())) return false;
  if (i.type.startsWith('tuple')) return Array.isArray(i.components) && i.components.every((c) => validInput(c, depth + 1));
  return i.components === undefined;
}

function cleanInput(i: AbiEventInput): AbiEventInput {
  const out: AbiEventInput = { name: typeof i.name === 'string' ? i.name : '', type: i.type.trim(), indexed: i.indexed === true };
  if (i.components) out.components = i.components.map(cleanInput);
  return out;
}

/**
 * Parses ABI JSON (a string or an already parsed value: an array of fragments, or `{abi: [...]}` as Hardhat/Foundry
 * artifacts have it) into a registry of its events. Fragments that are not events are ignored; malformed event
 * fragments (bad name, unknown type, tuple without components) are skipped and listed in `warnings`. Throws
 * {@link AbiError} when the input is not JSON or holds no fragment array.
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
    if (typeof f.name !== 'string' || !nameRe.test(f.name) || !Array.isArray(f.inputs)) {
      return warnings.push(`event fragment ${i} has no valid name or inputs`);
    }
    if (!f.inputs.every((x) => validInput(x))) return warnings.push(`event ${f.name} has a malformed input`);
    const anonymous = f.anonymous === true;
    const indexed = (f.inputs as AbiEventInput[]).filter((x) => x.indexed === true).length;
    if (indexed > (anonymous ? 4 : 3)) return warnings.push(`event ${f.name} has ${indexed} indexed inputs (a log has at most ${anonymous ? 4 : 3})`);
    const event: AbiEvent = { name: f.name, inputs: (f.inputs as AbiEventInput[]).map(cleanInput) };
    if (anonymous) event.anonymous = true;
    entries.push({ event, standard: 'abi' });
  });
  return { registry: buildRegistry(entries), events: entries.length, warnings };
}

const hexRe = /^0x([0-9a-fA-F]{2})*$/;
const topicRe = /^0x[0-9a-fA-F]{64}$/;
const isDynamicIndexed = (type: string): boolean => type === 'string' || type === 'bytes' || type.startsWith('tuple') || type.endsWith(']');

/** viem's value as a {@link DecodedValue}: bigints as decimal strings, hex lowercase, tuples by component name. */
function toDecoded(value: unknown, input: AbiEventInput): DecodedValue {
  const arr = /^(.*)\[\d*\]$/.exec(input.type);
  if (arr && Array.isArray(value)) return value.map((v) => toDecoded(v, { ...input, type: arr[1] }));
  if (input.type === 'tuple' && value && typeof value === 'object') {
    const comps = input.components ?? [];
    if (Array.isArray(value) || comps.some((c) => !c.name)) return comps.map((c, i) => toDecoded((value as unknown[])[i], c));
    const out: { [name: string]: DecodedValue } = {};
    for (const c of comps) out[c.name] = toDecoded((value as Record<string, unknown>)[c.name], c);
    return out;
  }
  if (typeof value === 'bigint') return value.toString(10);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') return /^0x[0-9a-fA-F]*$/.test(value) && input.type !== 'string' ? value.toLowerCase() : value;
  return String(value);
}

function shortError(err: unknown): string {
  const e = err as { shortMessage?: unknown; message?: unknown };
  const text = typeof e?.shortMessage === 'string' ? e.shortMessage : typeof e?.message === 'string' ? e.message : String(err);
  return text.split('\n')[0]!.slice(0, 200);
}

/** One input of an event whose every input is one 32-byte word (see {@link planOf}). */
interface WordInput {
  name: string;
  type: string;
  indexed: boolean;
  kind: 'address' | 'uint' | 'int' | 'bool' | 'bytes';
  /** Bits of a uint/int, bytes of a bytesN. */
  size: number;
}

/** What {@link decodeWith} needs of an event, computed once per fragment. */
interface DecodePlan {
  inputs: AbiEventInput[];
  indexed: number;
  /** Set when every input is an elementary static type (address, uint/int, bool, bytes1-32): decoded word by word. */
  words: WordInput[] | undefined;
}

const plans = new WeakMap<AbiEvent, DecodePlan>();

function planOf(event: AbiEvent): DecodePlan {
  let plan = plans.get(event);
  if (plan) return plan;
  const inputs = event.inputs.map(canonicalInput);
  let words: WordInput[] | undefined = [];
  for (const input of inputs) {
    const m = /^(address|bool)$|^(u?int)(\d{1,3})$|^bytes(\d{1,2})$/.exec(input.type);
    if (!m) {
      words = undefined;
      break;
    }
    const indexed = input.indexed === true;
    if (m[1]) words.push({ name: input.name, type: input.type, indexed, kind: m[1] as 'address' | 'bool', size: 0 });
    else if (m[2]) words.push({ name: input.name, type: input.type, indexed, kind: m[2] as 'uint' | 'int', size: Number(m[3]) });
    else words.push({ name: input.name, type: input.type, indexed, kind: 'bytes', size: Number(m[4]) });
  }
  plan = { inputs, indexed: inputs.filter((i) => i.indexed).length, words };
  plans.set(event, plan);
  return plan;
}

const TWO_256 = 1n << 256n;
const ZERO_WORD = '0'.repeat(64);
const ONE_WORD = `${'0'.repeat(63)}1`;

/**
 * One word (64 lowercase hex digits) as viem decodes it, lowercased: an address from its last 20 bytes, a number
 * from all 32 (two's complement for int), bytesN from its first N bytes. Undefined where viem's own path must
 * decide (a bool that is neither 0 nor 1, a small number beyond 2^53).
 */
function decodeWord(w: string, input: WordInput): DecodedValue | undefined {
  switch (input.kind) {
    case 'address':
      return `0x${w.slice(24)}`;
    case 'bytes':
      return `0x${w.slice(0, input.size * 2)}`;
    case 'bool':
      return w === ZERO_WORD ? false : w === ONE_WORD ? true : undefined;
    default: {
      let v = BigInt(`0x${w}`);
      if (input.kind === 'int' && w.charCodeAt(0) >= 56) v -= TWO_256;
      // viem gives a JS number up to 48 bits: past 2^53 it would lose digits, and that is its path to take
      if (input.size <= 48 && (v > BigInt(Number.MAX_SAFE_INTEGER) || v < -BigInt(Number.MAX_SAFE_INTEGER))) return undefined;
      return v.toString(10);
    }
  }
}

/**
 * The word-by-word decoding of an event made of one-word inputs: the same values as viem's (tested against it),
 * without its checksummed addresses (keccak per address) that {@link toDecoded} lowercases again. Undefined when
 * the data is not exactly one word per non-indexed input, or a word is one viem must judge.
 */
function decodeStatic(words: WordInput[], anonymous: boolean, topics: readonly string[], data: string): DecodedParam[] | undefined {
  const dataWords = words.length - words.filter((w) => w.indexed).length;
  if (data.length !== 2 + dataWords * 64) return undefined;
  const params: DecodedParam[] = [];
  let topic = anonymous ? 0 : 1;
  let at = 2;
  for (const input of words) {
    let w: string;
    if (input.indexed) w = topics[topic++]!.slice(2).toLowerCase();
    else {
      w = data.slice(at, at + 64).toLowerCase();
      at += 64;
    }
    const value = decodeWord(w, input);
    if (value === undefined) return undefined;
    params.push({ name: input.name, type: input.type, indexed: input.indexed, value });
  }
  return params;
}

/**
 * Decodes a log against one event fragment (strictly: every topic and every data byte must fit). Returns the
 * params, or an error string when the topics/data do not fit (wrong topic count, data too short or malformed,
 * an offset or length out of bounds). Events made of one-word inputs (Transfer, Approval, Swap, ...) are decoded
 * word by word; `general` forces viem's path for every event (the tests compare the two).
 */
export function decodeWith(event: AbiEvent, topics: readonly string[], data: string, general = false): { params: DecodedParam[] } | { error: string } {
  const plan = planOf(event);
  const inputs = plan.inputs;
  const expected = plan.indexed + (event.anonymous ? 0 : 1);
  if (topics.length !== expected) return { error: `expected ${expected} topics, got ${topics.length}` };
  for (let i = 0; i < topics.length; i++) if (typeof topics[i] !== 'string' || !topicRe.test(topics[i]!)) return { error: `topic ${i} is not 32 bytes of hex` };
  if (typeof data !== 'string' || !hexRe.test(data)) return { error: 'data is not hex' };
  if (plan.words && !general) {
    const params = decodeStatic(plan.words, event.anonymous === true, topics, data);
    if (params) return { params };
  }
  let args: unknown;
  try {
    const viemEvent = toViem(event);
    // viem finds the fragment by topic0; an anonymous event has none, so it is decoded as if its selector led the topics
    const t = (event.anonymous ? [toEventSelector({ ...viemEvent, anonymous: false } as ViemAbiEvent), ...topics] : topics).map((x) => x.toLowerCase()) as [Hex, ...Hex[]];
    const abi = [{ ...viemEvent, anonymous: false }] as const;
    args = decodeEventLog({ abi, topics: t, data: data.toLowerCase() as Hex, strict: true }).args;
  } catch (err) {
    return { error: shortError(err) };
  }
  const named = !inputs.some((i) => !i.name);
  const params: DecodedParam[] = inputs.map((input, i) => {
    const raw = named && args && !Array.isArray(args) ? (args as Record<string, unknown>)[input.name] : (args as unknown[])[i];
    const p: DecodedParam = { name: input.name, type: input.type, indexed: input.indexed === true, value: toDecoded(raw, input) };
    if (input.indexed && isDynamicIndexed(input.type)) {
      p.hashed = true;
      p.value = String(raw).toLowerCase();
    }
    return p;
  });
  return { params };
}

/**
 * Decodes a log by its topic0: first against `registry` (a user ABI), then against the well-known events, then
 * against the registry's anonymous events. Among several fragments with the same topic0 (ERC-20 vs ERC-721
 * `Transfer`) the first that fits wins. Returns `{decoded}` on success, `{warning}` when topic0 is known but the log
 * does not fit, or `{}` when nothing matches (raw topics and data are shown). Never throws.
 */
export function decodeLog(topics: readonly string[], data: string, registry?: EventRegistry): { decoded?: DecodedLog; warning?: string } {
  if (!Array.isArray(topics) || topics.length === 0 || typeof topics[0] !== 'string') return {};
  const topic0 = topics[0].toLowerCase();
  const candidates = [...(registry?.byTopic.get(topic0) ?? []), ...(wellKnownRegistry().byTopic.get(topic0) ?? [])];
  let firstError: string | undefined;
  for (const c of candidates) {
    const r = decodeWith(c.event, topics, data);
    if ('params' in r) return { decoded: { name: c.event.name, signature: c.signature, standard: c.standard, params: r.params } };
    firstError ??= `${c.signature}: ${r.error}`;
  }
  if (firstError) return { warning: `log does not fit ${firstError}` };
  for (const c of registry?.anonymous ?? []) {
    const r = decodeWith(c.event, topics, data);
    if ('params' in r) return { decoded: { name: c.event.name, signature: c.signature, standard: 'abi (anonymous)', params: r.params } };
  }
  return {};
}
