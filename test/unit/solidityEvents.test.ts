import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { toEventSelector } from 'viem';
import { parseSolidityEvents } from '../../src/core/source/solidityEvents';

const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'source');
const read = (p: string) => fs.readFileSync(path.join(fixtures, p), 'utf8');

describe('solidity event parser', () => {
  const foundry = parseSolidityEvents(read('foundry/src/Token.sol'));
  const byName = (n: string) => foundry.events.find((e) => e.name === n)!;

  it('finds every event declaration with its contract, position and no problems', () => {
    assert.deepStrictEqual(foundry.events.map((e) => e.name), ['Minted', 'Transfer', 'Batch', 'Logged', 'External']);
    assert.ok(foundry.events.every((e) => e.container === 'Token'));
    assert.deepStrictEqual(foundry.problems, []);
    const minted = byName('Minted');
    // line 21 (1-based) of the fixture, indented by 4
    assert.strictEqual(minted.line, 20);
    assert.strictEqual(minted.column, 4);
    assert.strictEqual(minted.nameColumn, 10);
  });

  it('computes the canonical signature and topic0 as viem does', () => {
    const t = byName('Transfer');
    assert.strictEqual(t.signature, 'Transfer(address,address,uint256)');
    assert.strictEqual(t.topic0, '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef');
    assert.strictEqual(byName('Minted').topic0, toEventSelector('Minted(address,uint256)'));
    assert.deepStrictEqual(t.params.map((p) => [p.name, p.indexed]), [['from', true], ['to', true], ['value', false]]);
  });

  it('resolves structs, enums, contracts/interfaces and user-defined value types declared in the file', () => {
    const b = byName('Batch');
    assert.strictEqual(b.signature, 'Batch((address,uint256)[],uint8,address,uint128,string)');
    assert.strictEqual(b.topic0, toEventSelector('Batch((address,uint256)[],uint8,address,uint128,string)'));
  });

  it('keeps doc comments (/// lines joined, /** */ cleaned) and drops plain comments', () => {
    assert.strictEqual(byName('Minted').doc, 'Emitted when tokens are minted.\n@param to who receives them');
    assert.strictEqual(byName('Transfer').doc, 'Emitted on every transfer.');
    assert.strictEqual(byName('Batch').doc, undefined);
  });

  it('marks anonymous events (their selector is computed but not emitted as a topic)', () => {
    const l = byName('Logged');
    assert.strictEqual(l.anonymous, true);
    assert.strictEqual(l.declaration, 'event Logged(bytes32 indexed topic, bytes data) anonymous');
  });

  it('says the selector is unknown when a type is declared elsewhere', () => {
    const e = byName('External');
    assert.strictEqual(e.topic0, undefined);
    assert.strictEqual(e.signature, undefined);
    assert.deepStrictEqual(e.unknownTypes, ['Other.Thing']);
  });

  it('resolves library-qualified structs, address payable and int in a Hardhat project', () => {
    const { events } = parseSolidityEvents(read('hardhat/contracts/Market.sol'));
    const placed = events.find((e) => e.name === 'OrderPlaced')!;
    assert.strictEqual(placed.container, 'Base');
    assert.strictEqual(placed.signature, 'OrderPlaced((address,uint256[],bytes32),address,int256)');
    assert.strictEqual(placed.topic0, toEventSelector('OrderPlaced((address,uint256[],bytes32),address,int256)'));
    assert.strictEqual(placed.params[1]!.type, 'address payable');
    assert.strictEqual(events.find((e) => e.name === 'Cancelled')!.container, 'Market');
  });

  it('ignores `event` inside strings and comments, and never throws on bad input', () => {
    const r = parseSolidityEvents('string s = "event Fake(uint)"; /* event Hidden(uint) */ event Real(uint a);');
    assert.deepStrictEqual(r.events.map((e) => e.name), ['Real']);
    for (const bad of ['event', 'event X(', 'event X(uint indexed', '\u0000'.repeat(100), 'contract { event ( ) }']) {
      const out = parseSolidityEvents(bad);
      assert.ok(Array.isArray(out.events));
    }
    assert.match(parseSolidityEvents('contract C { event Open(uint a').problems[0]!, /Open.*no closing/);
  });

  it('bounds a recursive struct instead of looping', () => {
    const r = parseSolidityEvents('struct A { B b; } struct B { A a; } event E(A a);');
    assert.deepStrictEqual(r.events[0]!.unknownTypes, ['A']);
  });
});
