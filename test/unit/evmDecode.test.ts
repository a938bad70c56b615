// Vectors are computed with viem (encodeEventTopics, encodeAbiParameters, toEventSelector), never typed in.
import * as assert from 'assert';
import { encodeAbiParameters, encodeEventTopics, keccak256, parseAbiItem, stringToBytes, toEventSelector, type AbiEvent as ViemEvent, type Hex } from 'viem';
import {
  AbiError,
  decodeLog,
  decodeWith,
  eventSignature,
  parseAbi,
  TOPIC_APPROVAL,
  TOPIC_APPROVAL_FOR_ALL,
  TOPIC_TRANSFER,
  TOPIC_UNISWAP_V2_SWAP,
  TOPIC_UNISWAP_V2_SYNC,
  TOPIC_UNISWAP_V3_SWAP,
  wellKnownEvents,
} from '../../src/core/evm/evmDecode';

const w = (v: bigint | number): string => BigInt.asUintN(256, BigInt(v)).toString(16).padStart(64, '0');
const addrTopic = (a: string): string => '0x' + a.slice(2).toLowerCase().padStart(64, '0');
const A = '0x' + '11'.repeat(20);
const B = '0x' + '22'.repeat(20);
const ZERO = '0'.repeat(64);
const ONE = '0'.repeat(63) + '1';

/** A log for `event` with `args`, encoded by viem: topics (selector + indexed) and data (the rest). */
function encodeLog(event: ViemEvent, args: Record<string, unknown>): { topics: string[]; data: string } {
  const topics = (encodeEventTopics({ abi: [event], eventName: event.name, args } as never) as (Hex | null)[]).map((t) => t as string);
  const rest = event.inputs.filter((i) => !i.indexed);
  const data = encodeAbiParameters(rest, rest.map((i) => args[i.name!]) as never);
  return { topics, data };
}

describe('evm decoding', () => {
  it('topic constants are the selectors of their signatures', () => {
    const sel = (s: string) => toEventSelector(s);
    assert.strictEqual(TOPIC_TRANSFER, sel('Transfer(address,address,uint256)'));
    assert.strictEqual(TOPIC_APPROVAL, sel('Approval(address,address,uint256)'));
    assert.strictEqual(TOPIC_APPROVAL_FOR_ALL, sel('ApprovalForAll(address,address,bool)'));
    assert.strictEqual(TOPIC_UNISWAP_V2_SWAP, sel('Swap(address,uint256,uint256,uint256,uint256,address)'));
    assert.strictEqual(TOPIC_UNISWAP_V2_SYNC, sel('Sync(uint112,uint112)'));
    assert.strictEqual(TOPIC_UNISWAP_V3_SWAP, sel('Swap(address,address,int256,int256,uint160,uint128,int24)'));
    const topics = new Set(wellKnownEvents.map((e) => sel(eventSignature(e.event))));
    assert.deepStrictEqual(
      [...topics].sort(),
      [TOPIC_TRANSFER, TOPIC_APPROVAL, TOPIC_APPROVAL_FOR_ALL, TOPIC_UNISWAP_V2_SWAP, TOPIC_UNISWAP_V2_SYNC, TOPIC_UNISWAP_V3_SWAP].sort(),
    );
  });

  it('tells ERC-20 from ERC-721 Transfer by the number of topics', () => {
    const erc20 = decodeLog([TOPIC_TRANSFER, addrTopic(A), addrTopic(B)], '0x' + w(10n ** 24n));
    assert.strictEqual(erc20.decoded?.standard, 'ERC-20');
    assert.deepStrictEqual(erc20.decoded?.params.map((p) => [p.name, p.value]), [['from', A], ['to', B], ['value', '1000000000000000000000000']]);
    const erc721 = decodeLog([TOPIC_TRANSFER.toUpperCase().replace('0X', '0x'), addrTopic(A), addrTopic(B), '0x' + w(42)], '0x');
    assert.strictEqual(erc721.decoded?.standard, 'ERC-721');
    assert.strictEqual(erc721.decoded?.params[2].value, '42');
    assert.strictEqual(erc721.decoded?.params[2].indexed, true);
  });

  it('decodes Approval, ApprovalForAll and Uniswap V2 Swap/Sync', () => {
    assert.strictEqual(decodeLog([TOPIC_APPROVAL, addrTopic(A), addrTopic(B)], '0x' + w(5)).decoded?.params[2].value, '5');
    assert.strictEqual(decodeLog([TOPIC_APPROVAL_FOR_ALL, addrTopic(A), addrTopic(B)], '0x' + w(1)).decoded?.params[2].value, true);
    const swap = decodeLog([TOPIC_UNISWAP_V2_SWAP, addrTopic(A), addrTopic(B)], '0x' + w(1) + w(0) + w(0) + w(2));
    assert.strictEqual(swap.decoded?.standard, 'Uniswap V2');
    assert.deepStrictEqual(swap.decoded?.params.map((p) => p.value), [A, '1', '0', '0', '2', B]);
    const sync = decodeLog([TOPIC_UNISWAP_V2_SYNC], '0x' + w(123456789n) + w((1n << 112n) - 1n));
    assert.strictEqual(sync.decoded?.name, 'Sync');
    assert.deepStrictEqual(sync.decoded?.params.map((p) => p.value), ['123456789', ((1n << 112n) - 1n).toString()]);
  });

  it('decodes Uniswap V3 Swap with negative int256 and int24 values', () => {
    const ev = parseAbiItem('event Swap(address indexed sender, address indexed recipient, int256 amount0, int256 amount1, uint160 sqrtPriceX96, uint128 liquidity, int24 tick)');
    const { topics, data } = encodeLog(ev, { sender: A, recipient: B, amount0: -1000n, amount1: 2000n, sqrtPriceX96: 1n << 96n, liquidity: 777n, tick: -887272 });
    const r = decodeLog(topics, data);
    assert.strictEqual(r.decoded?.standard, 'Uniswap V3');
    assert.deepStrictEqual(r.decoded?.params.map((p) => p.value), [A, B, '-1000', '2000', (1n << 96n).toString(), '777', '-887272']);
  });

  it('leaves logs that do not fit undecoded, with a warning, never throwing', () => {
    assert.match(decodeLog([TOPIC_TRANSFER, addrTopic(A), addrTopic(B)], '0x1234').warning ?? '', /does not fit.*too small/);
    assert.match(decodeLog([TOPIC_TRANSFER, addrTopic(A)], '0x' + w(1)).warning ?? '', /topics/);
    assert.match(decodeLog([TOPIC_TRANSFER, addrTopic(A), addrTopic(B)], 'zz').warning ?? '', /not hex/);
    assert.match(decodeLog([TOPIC_TRANSFER, 'nope', addrTopic(B)], '0x' + w(1)).warning ?? '', /topic 1/);
    assert.deepStrictEqual(decodeLog(['0x' + 'ab'.repeat(32)], '0x'), {});
    assert.deepStrictEqual(decodeLog([], '0x'), {});
    assert.deepStrictEqual(decodeLog([42 as unknown as string], '0x'), {});
    assert.deepStrictEqual(decodeLog(undefined as unknown as string[], '0x'), {});
  });

  it('decodes with a user ABI: tuples, nested arrays, strings, bytes, indexed dynamic values as hashes', () => {
    const ev = parseAbiItem(
      'event Note(address indexed who, string indexed tag, (uint256 id, string label, bytes32[2] keys) order, string text, uint[] ids, bytes raw, bool flag, (uint8 a, address b)[] legs)',
    );
    const args = {
      who: A,
      tag: 'hello',
      order: { id: 7n, label: 'ordre №1', keys: ['0x' + 'aa'.repeat(32), '0x' + 'bb'.repeat(32)] },
      text: 'héllo wörld',
      ids: [7n, 8n],
      raw: '0xabcdef',
      flag: true,
      legs: [{ a: 1, b: B }, { a: 255, b: A }],
    };
    const { topics, data } = encodeLog(ev, args);
    const abi = JSON.stringify({ abi: [{ type: 'function', name: 'foo', inputs: [] }, ev, { type: 'event', name: 'bad name!', inputs: [] }] });
    const { registry, events, warnings } = parseAbi(abi);
    assert.strictEqual(events, 1);
    assert.deepStrictEqual(warnings, ['event fragment 2 has no valid name or inputs']);
    const r = decodeLog(topics, data, registry);
    assert.strictEqual(r.decoded?.signature, 'Note(address,string,(uint256,string,bytes32[2]),string,uint256[],bytes,bool,(uint8,address)[])');
    assert.strictEqual(r.decoded?.standard, 'abi');
    const byName = Object.fromEntries(r.decoded!.params.map((p) => [p.name, p]));
    assert.strictEqual(byName.who.value, A);
    assert.strictEqual(byName.tag.value, keccak256(stringToBytes('hello')));
    assert.strictEqual(byName.tag.hashed, true);
    assert.deepStrictEqual(byName.order.value, { id: '7', label: 'ordre №1', keys: ['0x' + 'aa'.repeat(32), '0x' + 'bb'.repeat(32)] });
    assert.strictEqual(byName.text.value, 'héllo wörld');
    assert.deepStrictEqual(byName.ids.value, ['7', '8']);
    assert.strictEqual(byName.raw.value, '0xabcdef');
    assert.strictEqual(byName.flag.value, true);
    assert.deepStrictEqual(byName.legs.value, [{ a: '1', b: B }, { a: '255', b: A }]);
    // Without the ABI the same log is unknown.
    assert.deepStrictEqual(decodeLog(topics, data), {});
  });

  it('an indexed tuple or array is shown as its topic hash', () => {
    const ev = parseAbiItem('event Pinned(uint256[] indexed ids, (uint256 x) indexed p, uint256 n)');
    const ids = keccak256(encodeAbiParameters([{ type: 'uint256[]' }], [[1n, 2n]]).slice(130) as Hex);
    const p = keccak256(encodeAbiParameters([{ type: 'uint256' }], [3n]));
    const topics = [toEventSelector(ev), ids, p];
    const r = decodeLog(topics, encodeAbiParameters([{ type: 'uint256' }], [4n]), parseAbi([ev]).registry);
    assert.deepStrictEqual(r.decoded?.params.map((x) => [x.name, x.value, x.hashed]), [['ids', ids, true], ['p', p, true], ['n', '4', undefined]]);
  });

  it('decodes anonymous events (no topic0) from the ABI when nothing else matches', () => {
    const named = parseAbiItem('event Ping(address indexed from, uint256 indexed round, string memo)');
    const ev = { ...named, anonymous: true };
    const { topics: withSelector, data } = encodeLog(named, { from: A, round: 9n, memo: 'anon' });
    const topics = withSelector.slice(1);
    const { registry, events } = parseAbi([ev]);
    assert.strictEqual(events, 1);
    const r = decodeLog(topics, data, registry);
    assert.strictEqual(r.decoded?.name, 'Ping');
    assert.strictEqual(r.decoded?.standard, 'abi (anonymous)');
    assert.deepStrictEqual(r.decoded?.params.map((p) => p.value), [A, '9', 'anon']);
    // a log with another number of topics does not fit the anonymous event: left raw, silently (it may be anything)
    assert.deepStrictEqual(decodeLog(topics.slice(0, 1), data, registry), {});
  });

  it('rejects offsets and lengths that point outside the data (attacker-controlled)', () => {
    const { registry } = parseAbi([{ type: 'event', name: 'S', inputs: [{ name: 's', type: 'string' }] }]);
    const t = toEventSelector('S(string)');
    const good = encodeAbiParameters([{ type: 'string' }], ['fits']);
    assert.strictEqual(decodeLog([t], good, registry).decoded?.params[0].value, 'fits');
    for (const data of ['0x' + w(1n << 200n) + w(0), '0x' + w(32) + w(1000), '0x' + w(32) + w(1n << 255n)]) {
      const r = decodeLog([t], data, registry);
      assert.strictEqual(r.decoded, undefined, data);
      assert.match(r.warning ?? '', /does not fit S\(string\): /);
    }
    const arr = parseAbi([{ type: 'event', name: 'U', inputs: [{ name: 'u', type: 'uint256[]' }] }]);
    const u = toEventSelector('U(uint256[])');
    assert.match(decodeLog([u], '0x' + w(32) + w(3) + w(1), arr.registry).warning ?? '', /does not fit/);
    // a claimed array of 2^64 elements is refused quickly instead of being read
    assert.match(decodeLog([u], '0x' + w(32) + w(1n << 64n), arr.registry).warning ?? '', /does not fit/);
  });

  it('throws a typed AbiError on input that is not an ABI, warns on malformed events', () => {
    assert.throws(() => parseAbi('{nope'), (e: unknown) => e instanceof AbiError && e.type === 'invalid_json');
    assert.throws(() => parseAbi('{"a":1}'), (e: unknown) => e instanceof AbiError && e.type === 'not_an_abi');
    const r = parseAbi([
      null,
      5,
      { type: 'event', name: 'X', inputs: [{ nope: 1 }] },
      { type: 'event', name: 'Y', inputs: [{ name: 'a', type: 'uint7' }] },
      { type: 'event', name: 'Z', inputs: [{ name: 't', type: 'tuple' }] },
      { type: 'event', name: 'W', inputs: [1, 2, 3, 4].map((i) => ({ name: `a${i}`, type: 'uint256', indexed: true })) },
    ]);
    assert.strictEqual(r.events, 0);
    assert.strictEqual(r.warnings.length, 6);
    assert.match(r.warnings[5], /4 indexed inputs/);
  });

  it('word-by-word decoding of one-word events gives exactly what the general (viem) path gives, dirty words included', () => {
    const event = {
      name: 'Mixed',
      inputs: [
        { name: 'who', type: 'address', indexed: true },
        { name: 'n8', type: 'int8', indexed: true },
        { name: 'u', type: 'uint', indexed: false },
        { name: 'i', type: 'int256', indexed: false },
        { name: 'small', type: 'uint48', indexed: false },
        { name: 's', type: 'int24', indexed: false },
        { name: 'flag', type: 'bool', indexed: false },
        { name: 'tag', type: 'bytes4', indexed: false },
        { name: 'to', type: 'address', indexed: false },
      ],
    };
    const selector = toEventSelector('event Mixed(address indexed who, int8 indexed n8, uint256 u, int256 i, uint48 small, int24 s, bool flag, bytes4 tag, address to)');
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const hexWord = (): string => Array.from({ length: 64 }, () => '0123456789abcdefABCDEF'[Math.floor(rnd() * 22)]).join('');
    const words = [ZERO, ONE, 'f'.repeat(64), '8' + '0'.repeat(63), '0'.repeat(52) + 'ffffffffffff', '0'.repeat(24) + 'ab'.repeat(20)];
    const pick = (): string => (rnd() < 0.5 ? words[Math.floor(rnd() * words.length)]! : hexWord());
    let fast = 0;
    for (let n = 0; n < 400; n++) {
      const topics = [selector, '0x' + pick(), '0x' + pick()];
      const dataWords = Array.from({ length: 7 }, pick);
      // a bool that is neither 0 nor 1 fails the whole log: mostly valid ones, so most logs decode
      if (rnd() < 0.9) dataWords[4] = rnd() < 0.5 ? ZERO : ONE;
      // small numbers: viem refuses ones past 2^53 (so does this path), so mostly in range, negative ones sign-extended
      const small = (): string => (rnd() < 0.5 ? '0'.repeat(56) : 'f'.repeat(56)) + hexWord().slice(0, 8);
      if (rnd() < 0.9) dataWords[2] = '0'.repeat(52) + hexWord().slice(0, 12);
      if (rnd() < 0.9) dataWords[3] = small();
      if (rnd() < 0.9) topics[2] = '0x' + small();
      const data = '0x' + dataWords.join('');
      const general = decodeWith(event, topics, data, true);
      const quick = decodeWith(event, topics, data);
      assert.deepStrictEqual(quick, general, `log ${n}`);
      if ('params' in quick) fast++;
    }
    assert.ok(fast > 20, `some logs decode (${fast})`);
    // the well-known events agree too (Transfer with dirty address padding)
    const transfer = wellKnownEvents.find((e) => e.standard === 'ERC-20' && e.event.name === 'Transfer')!.event;
    const dirty = ['0x' + 'ff'.repeat(12) + '11'.repeat(20), addrTopic(B)];
    for (const data of ['0x' + w(5), '0x' + w(5) + w(6), '0x']) {
      assert.deepStrictEqual(decodeWith(transfer, [TOPIC_TRANSFER, ...dirty], data), decodeWith(transfer, [TOPIC_TRANSFER, ...dirty], data, true), data);
    }
  });
});
