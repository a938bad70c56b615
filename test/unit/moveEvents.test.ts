import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { isEventCandidate, parseMoveSource } from '../../src/core/source/moveEvents';
import { normalizeSuiAddress, readMovePackage } from '../../src/core/source/movePackage';

const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'source', 'move');
const read = (p: string) => fs.readFileSync(path.join(fixtures, p), 'utf8');

describe('move source parser', () => {
  const parsed = parseMoveSource(read('sources/coin_demo.move'));
  const struct = (n: string) => parsed.structs.find((s) => s.name === n)!;

  it('reads Move 2024 public structs with fields, abilities, type parameters and doc comments', () => {
    assert.deepStrictEqual(parsed.structs.map((s) => s.name), ['Minted', 'Burned', 'Pair', 'Treasury', 'Unused']);
    const m = struct('Minted');
    assert.strictEqual(m.address, 'coin_demo');
    assert.strictEqual(m.module, 'coin_demo');
    assert.deepStrictEqual(m.abilities, ['copy', 'drop']);
    assert.deepStrictEqual(m.fields, [{ name: 'amount', type: 'u64' }, { name: 'recipient', type: 'address' }]);
    assert.strictEqual(m.doc, 'Emitted when a coin is minted.\nAmounts are in MIST.');
    assert.strictEqual(m.line, 6);
    assert.strictEqual(m.nameLine, 6);
    assert.strictEqual(m.declaration, 'public struct Minted has copy, drop { amount: u64, recipient: address }');
    assert.deepStrictEqual(struct('Burned').typeParams, ['phantom T']);
    assert.strictEqual(struct('Burned').doc, 'A burn.');
  });

  it('reads positional structs whose abilities follow the fields', () => {
    const p = struct('Pair');
    assert.deepStrictEqual(p.fields, [{ name: '0', type: 'u64' }, { name: '1', type: 'vector<u8>' }]);
    assert.deepStrictEqual(p.abilities, ['copy', 'drop']);
  });

  it('tells event candidates (copy + drop) from objects', () => {
    assert.strictEqual(isEventCandidate(struct('Minted')), true);
    assert.strictEqual(isEventCandidate(struct('Treasury')), false);
  });

  it('finds the emit sites: event::emit(X { }), sui::event::emit(X(..)), emit<X<T>>(..)', () => {
    assert.deepStrictEqual(parsed.emits.map((e) => [e.struct, e.line]), [['Minted', 27], ['Pair', 28], ['Burned', 32]]);
  });

  it('reads legacy modules (address::name { }) and a bare emit after `use sui::event::emit`', () => {
    const legacy = parseMoveSource(read('sources/legacy.move'));
    assert.strictEqual(legacy.structs[0]!.address, '0xa1');
    assert.strictEqual(legacy.structs[0]!.module, 'legacy');
    assert.deepStrictEqual(legacy.structs[0]!.abilities, ['copy', 'drop', 'store']);
    assert.deepStrictEqual(legacy.emits.map((e) => e.struct), ['Ping']);
  });

  it('never throws on truncated or hostile input', () => {
    for (const bad of ['struct', 'public struct X has', 'struct X<T { a: u64', 'event::emit(', 'module', '}}}{{{', '"'.repeat(50)]) {
      const r = parseMoveSource(bad);
      assert.ok(Array.isArray(r.structs) && Array.isArray(r.emits));
    }
    assert.match(parseMoveSource('module a::b; public struct S has copy, drop { a: u64').problems[0]!, /S.*not closed/);
  });
});

describe('move package ids', () => {
  it('reads published-at and named addresses from Move.toml and original-id from Published.toml', () => {
    const info = readMovePackage({ moveToml: read('Move.toml'), publishedToml: read('Published.toml') });
    assert.strictEqual(info.name, 'coin_demo');
    assert.strictEqual(info.addresses.sui, normalizeSuiAddress('0x2'));
    assert.deepStrictEqual(info.originalIds, [normalizeSuiAddress('0xa1')]);
    assert.deepStrictEqual(new Set(info.packageIds), new Set([normalizeSuiAddress('0xb2'), normalizeSuiAddress('0xa1')]));
  });

  it('reads Move.lock environments', () => {
    const info = readMovePackage({ moveLock: '[env.mainnet]\nchain-id = "35834a8a"\noriginal-published-id = "0xc3"\nlatest-published-id = "0xd4"\n' });
    assert.deepStrictEqual(info.originalIds, [normalizeSuiAddress('0xc3')]);
    assert.strictEqual(info.packageIds.length, 2);
  });

  it('normalizes addresses and rejects what is not hex', () => {
    assert.strictEqual(normalizeSuiAddress('0x2'), '0x' + '0'.repeat(63) + '2');
    assert.strictEqual(normalizeSuiAddress('coin_demo'), undefined);
    assert.deepStrictEqual(readMovePackage({ moveToml: '[package\nname = ' }).packageIds, []);
  });
});
