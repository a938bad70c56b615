import * as assert from 'assert';
import { keccak256 } from '../../src/core/evm/evmKeccak';
import {
  AbiError,
  decodeLog,
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

describe('evm decoding', () => {
  it('topic constants are keccak256 of their signatures', () => {
    assert.strictEqual(TOPIC_TRANSFER, keccak256('Transfer(address,address,uint256)'));
    assert.strictEqual(TOPIC_APPROVAL, keccak256('Approval(address,address,uint256)'));
    assert.strictEqual(TOPIC_APPROVAL_FOR_ALL, keccak256('ApprovalForAll(address,address,bool)'));
    assert.strictEqual(TOPIC_UNISWAP_V2_SWAP, keccak256('Swap(address,uint256,uint256,uint256,uint256,address)'));
    assert.strictEqual(TOPIC_UNISWAP_V2_SYNC, keccak256('Sync(uint112,uint112)'));
    assert.strictEqual(TOPIC_UNISWAP_V3_SWAP, keccak256('Swap(address,address,int256,int256,uint160,uint128,int24)'));
    const topics = new Set(wellKnownEvents.map((e) => keccak256(eventSignature(e.event))));
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
    const data = '0x' + w(-1000n) + w(2000n) + w(1n << 96n) + w(777n) + w(-887272n);
    const r = decodeLog([TOPIC_UNISWAP_V3_SWAP, addrTopic(A), addrTopic(B)], data);
    assert.strictEqual(r.decoded?.standard, 'Uniswap V3');
    assert.deepStrictEqual(r.decoded?.params.map((p) => p.value), [A, B, '-1000', '2000', (1n << 96n).toString(), '777', '-887272']);
  });

  it('leaves logs that do not fit undecoded, with a warning, never throwing', () => {
    assert.match(decodeLog([TOPIC_TRANSFER, addrTopic(A), addrTopic(B)], '0x1234').warning ?? '', /does not fit/);
    assert.match(decodeLog([TOPIC_TRANSFER, addrTopic(A)], '0x' + w(1)).warning ?? '', /topics/);
    assert.match(decodeLog([TOPIC_TRANSFER, addrTopic(A), addrTopic(B)], 'zz').warning ?? '', /not hex/);
    assert.match(decodeLog([TOPIC_TRANSFER, 'nope', addrTopic(B)], '0x' + w(1)).warning ?? '', /topic 1/);
    assert.deepStrictEqual(decodeLog(['0x' + 'ab'.repeat(32)], '0x'), {});
    assert.deepStrictEqual(decodeLog([], '0x'), {});
    assert.deepStrictEqual(decodeLog([42 as unknown as string], '0x'), {});
  });

  it('decodes with a user ABI: strings, bytes, arrays, indexed dynamic values as hashes', () => {
    const abi = JSON.stringify({
      abi: [
        { type: 'function', name: 'foo', inputs: [] },
        {
          type: 'event',
          name: 'Note',
          inputs: [
            { name: 'who', type: 'address', indexed: true },
            { name: 'tag', type: 'string', indexed: true },
            { name: 'text', type: 'string', indexed: false },
            { name: 'ids', type: 'uint[]', indexed: false },
            { name: 'raw', type: 'bytes', indexed: false },
            { name: 'flag', type: 'bool', indexed: false },
          ],
        },
        { type: 'event', name: 'Anon', inputs: [], anonymous: true },
        { type: 'event', name: 'bad name!', inputs: [] },
      ],
    });
    const { registry, events, warnings } = parseAbi(abi);
    assert.strictEqual(events, 1);
    assert.strictEqual(warnings.length, 2);
    const topic0 = keccak256('Note(address,string,string,uint256[],bytes,bool)');
    const tagHash = keccak256('hello');
    const text = Buffer.from('héllo wörld').toString('hex');
    const textLen = Buffer.from('héllo wörld').length;
    // head: text offset, ids offset, raw offset, flag
    const head = w(4 * 32) + w(4 * 32 + 64) + w(4 * 32 + 64 + 96) + w(1);
    const textPart = w(textLen) + text.padEnd(64, '0');
    const idsPart = w(2) + w(7) + w(8);
    const rawPart = w(3) + 'abcdef'.padEnd(64, '0');
    const r = decodeLog([topic0, addrTopic(A), tagHash], '0x' + head + textPart + idsPart + rawPart, registry);
    assert.strictEqual(r.decoded?.signature, 'Note(address,string,string,uint256[],bytes,bool)');
    assert.strictEqual(r.decoded?.standard, 'abi');
    const byName = Object.fromEntries(r.decoded!.params.map((p) => [p.name, p]));
    assert.strictEqual(byName.who.value, A);
    assert.strictEqual(byName.tag.value, tagHash);
    assert.strictEqual(byName.tag.hashed, true);
    assert.strictEqual(byName.text.value, 'héllo wörld');
    assert.deepStrictEqual(byName.ids.value, ['7', '8']);
    assert.strictEqual(byName.raw.value, '0xabcdef');
    assert.strictEqual(byName.flag.value, true);
    // Without the ABI the same log is unknown.
    assert.deepStrictEqual(decodeLog([topic0, addrTopic(A), tagHash], '0x' + head), {});
  });

  it('rejects offsets and lengths that point outside the data (attacker-controlled)', () => {
    const { registry } = parseAbi([{ type: 'event', name: 'S', inputs: [{ name: 's', type: 'string' }] }]);
    const t = keccak256('S(string)');
    assert.match(decodeLog([t], '0x' + w(1n << 200n), registry).warning ?? '', /beyond/);
    assert.match(decodeLog([t], '0x' + w(32) + w(1000), registry).warning ?? '', /beyond|bounds/);
    const arr = parseAbi([{ type: 'event', name: 'U', inputs: [{ name: 'u', type: 'uint256[]' }] }]);
    assert.match(decodeLog([keccak256('U(uint256[])')], '0x' + w(32) + w(3) + w(1), arr.registry).warning ?? '', /bounds/);
  });

  it('throws a typed AbiError on input that is not an ABI', () => {
    assert.throws(() => parseAbi('{nope'), (e: unknown) => e instanceof AbiError && e.type === 'invalid_json');
    assert.throws(() => parseAbi('{"a":1}'), (e: unknown) => e instanceof AbiError && e.type === 'not_an_abi');
    assert.strictEqual(parseAbi([null, 5, { type: 'event', name: 'X', inputs: [{ nope: 1 }] }]).warnings.length, 3);
  });
});
