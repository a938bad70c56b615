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
export { TOPIC_APPROVAL, TOPIC_APPROVAL_FOR_ALL, TOPIC_TRANSFER, TOPIC_UNISWAP_V2_SWAP, TOPIC_UNISWAP_V2_SYNC, TOPIC_UNISWAP_V3_SWAP, wellKnownEvents } from './evmWellKnown';
import { canonicalInput, decodeStatic, planOf, wellKnownEvents } from './evmWellKnown';
import { hexCase, HEX_INVALID } from './evmLog';

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

const typeRe = /^(address|bool|string|tuple|bytes([1-9]|[12][0-9]|3[0-2])?|u?int(8|16|24|32|40|48|56|64|72|80|88|96|104|112|120|128|136|144|152|160|168|176|184|192|200|208|216|224|232|240|248|256)?)(\[\d{0,4}\])*$/;
const nameRe = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

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
  for (let i = 0; i < topics.length; i++) if (typeof topics[i] !== 'string' || hexCase(topics[i]!, 64) === HEX_INVALID) return { error: `topic ${i} is not 32 bytes of hex` };
  if (typeof data !== 'string' || hexCase(data, -1) === HEX_INVALID) return { error: 'data is not hex' };
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
