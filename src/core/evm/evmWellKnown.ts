/**
 * The built-in event table (ERC-20/721 `Transfer` and `Approval`, `ApprovalForAll`, Uniswap V2 `Swap`/`Sync`,
 * Uniswap V3 `Swap`) and the word-by-word decoder of events made of one-word inputs: no viem, no keccak (the topic0s
 * and signatures are written out and checked against viem in the tests). The lazily loaded decoder (evmDecode) builds
 * on it; the journal reads a lean EVM line back with {@link decodeWellKnown} alone, without loading viem.
 */
import type { AbiEvent, AbiEventInput, DecodedLog, DecodedParam, DecodedValue } from './evmDecode';

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

/** `uint`/`int` spelled out (`uint[]` -> `uint256[]`), as the canonical signature needs. */
export function canonicalInput(input: AbiEventInput): AbiEventInput {
  const out: AbiEventInput = { name: input.name, type: input.type.trim().replace(/^(u?int)(?=$|\[)/, '$1256'), indexed: input.indexed === true };
  if (input.components) out.components = input.components.map(canonicalInput);
  return out;
}

/** One input of an event whose every input is one 32-byte word (see {@link planOf}). */
export interface WordInput {
  name: string;
  type: string;
  indexed: boolean;
  kind: 'address' | 'uint' | 'int' | 'bool' | 'bytes';
  /** Bits of a uint/int, bytes of a bytesN. */
  size: number;
}

/** What decoding of an event, computed once per fragment. */
export interface DecodePlan {
  inputs: AbiEventInput[];
  indexed: number;
  /** Set when every input is an elementary static type (address, uint/int, bool, bytes1-32): decoded word by word. */
  words: WordInput[] | undefined;
}

const plans = new WeakMap<AbiEvent, DecodePlan>();

/** The plan of an event fragment, computed once per fragment object. */
export function planOf(event: AbiEvent): DecodePlan {
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
 * without its checksummed addresses (keccak per address) that the general path lowercases again. Undefined when
 * the data is not exactly one word per non-indexed input, or a word is one viem must judge.
 */
export function decodeStatic(words: WordInput[], anonymous: boolean, topics: readonly string[], data: string): DecodedParam[] | undefined {
  let dataWords = 0;
  for (let i = 0; i < words.length; i++) if (!words[i]!.indexed) dataWords++;
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

/** The standards of the built-in table (a decoded log with another `standard` came from an ABI or an artifact). */
export const WELL_KNOWN_STANDARDS: ReadonlySet<string> = new Set(wellKnownEvents.map((e) => e.standard));

/** The canonical signature of a fragment of the built-in table (types are spelled out there already). */
function tableSignature(event: AbiEvent): string {
  return `${event.name}(${event.inputs.map((i) => i.type).join(',')})`;
}

const TABLE_TOPICS: Record<string, string> = {
  Transfer: TOPIC_TRANSFER,
  Approval: TOPIC_APPROVAL,
  ApprovalForAll: TOPIC_APPROVAL_FOR_ALL,
  'Swap(address,uint256,uint256,uint256,uint256,address)': TOPIC_UNISWAP_V2_SWAP,
  Sync: TOPIC_UNISWAP_V2_SYNC,
  'Swap(address,address,int256,int256,uint160,uint128,int24)': TOPIC_UNISWAP_V3_SWAP,
};

/** One entry of the built-in table with its topic0 and signature. */
export interface WellKnownEntry {
  event: AbiEvent;
  standard: string;
  signature: string;
  topic0: string;
}

let byTopic: Map<string, WellKnownEntry[]> | undefined;

/** The built-in table by topic0, in table order (built on first use). */
export function wellKnownByTopic(): ReadonlyMap<string, readonly WellKnownEntry[]> {
  if (byTopic) return byTopic;
  const map = new Map<string, WellKnownEntry[]>();
  for (const e of wellKnownEvents) {
    const signature = tableSignature(e.event);
    const topic0 = TABLE_TOPICS[e.event.name] ?? TABLE_TOPICS[signature]!;
    const list = map.get(topic0) ?? [];
    list.push({ event: e.event, standard: e.standard, signature, topic0 });
    map.set(topic0, list);
  }
  return (byTopic = map);
}

/**
 * Decodes a validated log (lowercase hex topics and data) with the built-in table alone, as the full decoder does
 * for a log no ABI or artifact claims: `{decoded}` for the first entry of its topic0 that fits, `{warning}` when its
 * topic0 is in the table but no entry fits, `{}` when it is not. Undefined when an entry's words are ones only
 * viem's general path judges (a bool word other than 0 or 1, a small int with stray high bits): the caller then
 * shows the log undecoded. Never throws.
 */
export function decodeWellKnown(topics: readonly string[], data: string): { decoded?: DecodedLog; warning?: string } | undefined {
  const candidates = topics.length > 0 ? wellKnownByTopic().get(topics[0]!) : undefined;
  if (!candidates) return {};
  let firstError: string | undefined;
  for (const c of candidates) {
    const plan = planOf(c.event);
    const expected = plan.indexed + 1;
    if (topics.length !== expected) {
      firstError ??= `${c.signature}: expected ${expected} topics, got ${topics.length}`;
      continue;
    }
    const params = plan.words ? decodeStatic(plan.words, false, topics, data) : undefined;
    if (!params) return undefined;
    return { decoded: { name: c.event.name, signature: c.signature, standard: c.standard, params } };
  }
  return { warning: `log does not fit ${firstError}` };
}
