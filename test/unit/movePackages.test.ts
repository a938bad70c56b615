import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { MovePackageIndex, normalizeSuiId, readMovePackage } from '../../src/core/artifacts/movePackages';
import { FIXTURES } from './support/artifactFixtures';

const dir = path.join(FIXTURES, 'move-project');
const read = (p: string) => (fs.existsSync(path.join(dir, p)) ? fs.readFileSync(path.join(dir, p), 'utf8') : undefined);
const pad = (hex: string) => '0x' + hex.padStart(64, '0');

function fixturePackages(): MovePackageIndex {
  const index = new MovePackageIndex();
  index.set('move-project', readMovePackage('move-project', { moveToml: read('Move.toml')!, publishedToml: read('Published.toml')!, moveLock: read('Move.lock')! }));
  index.set('move-project/legacy', readMovePackage('move-project/legacy', { moveToml: read('legacy/Move.toml')! }));
  return index;
}

describe('local Move packages by package id', () => {
  it('normalizes Sui ids and refuses what is not one', () => {
    assert.strictEqual(normalizeSuiId('0x2'), pad('2'));
    assert.strictEqual(normalizeSuiId(' 0xABC '), pad('abc'));
    assert.strictEqual(normalizeSuiId('0x0'), undefined, 'the unpublished placeholder');
    assert.strictEqual(normalizeSuiId('0x' + '1'.repeat(65)), undefined);
    assert.strictEqual(normalizeSuiId('abc'), undefined);
  });

  it('reads the ids of Published.toml and of its own Move.lock environments, not its dependencies', () => {
    const pkg = readMovePackage('move-project', { moveToml: read('Move.toml')!, publishedToml: read('Published.toml')!, moveLock: read('Move.lock')! });
    assert.strictEqual(pkg?.name, 'gallery');
    assert.deepStrictEqual(pkg?.ids, [
      { id: '0x7a1f0000000000000000000000000000000000000000000000000000000000b2', key: 'published-at', env: 'testnet' },
      { id: '0x5e11000000000000000000000000000000000000000000000000000000000001', key: 'original-id', env: 'testnet' },
      { id: pad('abc'), key: 'published-at', env: 'mainnet' },
      { id: pad('de7'), key: 'original-published-id', env: 'devnet' },
    ]);
    assert.ok(!pkg?.ids.some((x) => x.id === pad('2')), '0x2 is a dependency in Move.lock, not this package');
  });

  it('an unpublished package (only 0x0) has no ids; a legacy published-at and own named address count once', () => {
    assert.strictEqual(readMovePackage('x', { moveToml: read('Move.toml')! }), undefined);
    const legacy = readMovePackage('legacy', { moveToml: read('legacy/Move.toml')! });
    assert.deepStrictEqual(legacy?.ids, [{ id: pad('aa'), key: 'published-at' }]);
  });

  it('matches an event type to the package, module and struct, by any of its ids', () => {
    const index = fixturePackages();
    const m = index.match('0x5e11000000000000000000000000000000000000000000000000000000000001::gallery::Listed');
    assert.strictEqual(m?.package.name, 'gallery');
    assert.strictEqual(m?.via.env, 'testnet');
    assert.strictEqual(m?.module, 'gallery');
    assert.strictEqual(m?.struct, 'Listed');
    assert.strictEqual(index.match('0xabc::gallery::Listed<0x2::sui::SUI>')?.struct, 'Listed', 'short ids and type arguments');
    assert.strictEqual(index.match(pad('aa') + '::legacy::Thing')?.package.dir, 'move-project/legacy');
    assert.strictEqual(index.match('0x2::coin::CoinDeposit'), undefined);
    assert.strictEqual(index.match('not a type'), undefined);
    index.set('move-project', undefined);
    assert.strictEqual(index.match('0xabc::gallery::Listed'), undefined, 'removed with its manifest');
    assert.strictEqual(index.size, 1);
  });

  it('never throws on junk manifests', () => {
    assert.doesNotThrow(() => readMovePackage('j', { moveToml: '[[[\n= = =\n"unterminated', publishedToml: '\u0000'.repeat(100), moveLock: 'x'.repeat(10_000) }));
    assert.strictEqual(readMovePackage('j', { moveToml: '[package]\nname = "a"\npublished-at = "0xzz"' }), undefined);
  });
});
