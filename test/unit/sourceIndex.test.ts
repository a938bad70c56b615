import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { toEventSelector } from 'viem';
import { eventKeyOf, MAX_INDEXED_FILES, SourceIndex, splitMoveType } from '../../src/core/source/sourceIndex';
import { normalizeSuiAddress } from '../../src/core/source/movePackage';

const fixtures = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'source');
const files = ['foundry/src/Token.sol', 'hardhat/contracts/Market.sol', 'move/Move.toml', 'move/Published.toml', 'move/sources/coin_demo.move', 'move/sources/legacy.move'];

function fixtureIndex(only = files): SourceIndex {
  const index = new SourceIndex();
  for (const f of only) index.setFile(path.join(fixtures, f), fs.readFileSync(path.join(fixtures, f), 'utf8'));
  return index;
}

describe('workspace source index', () => {
  it('finds a Solidity event by the topic0 of a log', () => {
    const index = fixtureIndex();
    const key = eventKeyOf({ provider: 'evm', payload: { topics: [toEventSelector('Minted(address,uint256)').toUpperCase().replace('0X', '0x'), '0x' + '0'.repeat(64)] } });
    assert.deepStrictEqual(key, { topic0: toEventSelector('Minted(address,uint256)') });
    const r = index.lookup(key!);
    assert.strictEqual(r.found.length, 1);
    assert.strictEqual(r.found[0]!.name, 'Minted');
    assert.ok(r.found[0]!.file.endsWith('foundry/src/Token.sol'));
    assert.strictEqual(r.found[0]!.line, 20);
  });

  it('says in words when a topic0 is not declared', () => {
    const r = fixtureIndex().lookup({ topic0: '0x' + 'ab'.repeat(32) });
    assert.strictEqual(r.found.length, 0);
    assert.match((r as { reason: string }).reason, /no event with topic0 0xabababab…abab is declared/);
  });

  it('finds a Move event by type when the package id matches (original id from Published.toml)', () => {
    const index = fixtureIndex();
    const type = `${normalizeSuiAddress('0xa1')}::coin_demo::Minted`;
    assert.deepStrictEqual(eventKeyOf({ provider: 'warp', type, payload: {} }), { moveType: type });
    const r = index.lookup({ moveType: type });
    assert.strictEqual(r.found.length, 1);
    assert.strictEqual(r.found[0]!.line, 6);
    assert.deepStrictEqual(r.found[0]!.emitSites!.map((s) => s.line), [27]);
    assert.strictEqual(index.lookup({ moveType: '0xa1::coin_demo::Burned<0x2::sui::SUI>' }).found[0]!.name, 'Burned');
  });

  it('refuses a Move type of another package, and one that is not emitted', () => {
    const index = fixtureIndex();
    assert.match((index.lookup({ moveType: '0xdead::coin_demo::Minted' }) as { reason: string }).reason, /another package id/);
    assert.match((index.lookup({ moveType: '0xa1::coin_demo::Unused' }) as { reason: string }).reason, /no Move struct coin_demo::Unused emitted as an event/);
    assert.match((index.lookup({ moveType: 'not a type' }) as { reason: string }).reason, /not a Move type/);
  });

  it('matches an unpublished package by module and name, and says so', () => {
    const index = fixtureIndex(['move/sources/coin_demo.move']);
    const r = index.lookup({ moveType: '0x99::coin_demo::Minted' });
    assert.strictEqual(r.found.length, 1);
    assert.match((r as { note: string }).note, /matched by module and name/);
  });

  it('lists a file\'s lenses: Solidity events, and Move structs emitted as events only', () => {
    const index = fixtureIndex();
    assert.deepStrictEqual(index.declarationsIn(path.join(fixtures, 'move/sources/coin_demo.move')).map((d) => d.name), ['Minted', 'Burned', 'Pair']);
    const minted = index.declarationsIn(path.join(fixtures, 'move/sources/coin_demo.move'))[0]!;
    assert.strictEqual(minted.moveType, `${normalizeSuiAddress('0xa1')}::coin_demo::Minted`);
    assert.strictEqual(index.declarationsIn(path.join(fixtures, 'foundry/src/Token.sol')).length, 5);
    index.removeFile(path.join(fixtures, 'foundry/src/Token.sol'));
    assert.strictEqual(index.declarationsIn(path.join(fixtures, 'foundry/src/Token.sol')).length, 0);
  });

  it('a changed file replaces its declarations in topic0 lookups', () => {
    const index = new SourceIndex();
    index.setFile('/w/A.sol', 'event Ping(uint256 a);');
    index.setFile('/w/B.sol', 'event Ping(uint256 b);');
    const ping = toEventSelector('Ping(uint256)');
    assert.strictEqual(index.lookup({ topic0: ping }).found.length, 2);
    index.setFile('/w/A.sol', 'event Pong(uint256 a);');
    assert.deepStrictEqual(index.lookup({ topic0: ping }).found.map((d) => d.file), ['/w/B.sol']);
    index.removeFile('/w/B.sol');
    assert.strictEqual(index.lookup({ topic0: ping }).found.length, 0);
    assert.strictEqual(index.lookup({ topic0: toEventSelector('Pong(uint256)') }).found[0]!.file, '/w/A.sol');
  });

  it('is bounded in files', () => {
    const index = new SourceIndex();
    for (let i = 0; i < MAX_INDEXED_FILES + 3; i++) index.setFile(`/w/f${i}.sol`, 'event E(uint a);');
    assert.strictEqual(index.size, MAX_INDEXED_FILES);
    assert.strictEqual(index.full, true);
  });

  it('keys events: logs without topics and non-Move types have none', () => {
    assert.strictEqual(eventKeyOf({ provider: 'evm', payload: { topics: [] } }), undefined);
    assert.strictEqual(eventKeyOf({ provider: 'warp', type: 'SwapEvent', payload: {} }), undefined);
    assert.deepStrictEqual(eventKeyOf({ provider: 'covalent', payload: { raw_log_topics: ['0x' + '1'.repeat(64)] } }), { topic0: '0x' + '1'.repeat(64) });
    assert.deepStrictEqual(splitMoveType('0x2::coin::Coin<0x2::sui::SUI>'), { address: '0x2', module: 'coin', name: 'Coin' });
  });
});
