import * as assert from 'assert';
import { toEventSelector } from 'viem';
import { ARTIFACT_INCLUDE_GLOB, ARTIFACT_ROOT_FOLDERS, classifyArtifactPath, broadcastAddresses, folderMayHoldArtifacts, ignitionAddresses } from '../../src/core/artifacts/artifactFiles';
import { ArtifactIndex } from '../../src/core/artifacts/artifactIndex';
import { parseAbi } from '../../src/core/evm/evmDecode';
import { fixtureIndex, HH_DEPLOYED, IGNITION_VAULT, PROXY, REGISTRY, TOKEN, UNKNOWN } from './support/artifactFixtures';

const MINTED = toEventSelector('Minted(address,uint256)');
const DEPOSITED = toEventSelector('Deposited(address,uint256)');

describe('artifact files: what a path is', () => {
  it('reads compiler artifacts and deployment records, and skips debug output, build-info, caches and old runs', () => {
    const cases: Array<[string, string | undefined]> = [
      ['out/Token.sol/Token.json', 'foundry'],
      ['packages/contracts/out/Token.sol/Token.json', 'foundry'],
      ['artifacts/contracts/Vault.sol/Vault.json', 'hardhat'],
      ['artifacts/contracts/Vault.sol/Vault.dbg.json', undefined],
      ['artifacts/build-info/x.json', undefined],
      ['out/build-info/0123.json', undefined],
      ['broadcast/Deploy.s.sol/31337/run-latest.json', 'broadcast'],
      ['broadcast/Deploy.s.sol/31337/run-1733000000.json', undefined],
      ['broadcast/Deploy.s.sol/31337/dry-run/run-latest.json', undefined],
      ['deployments/localhost/Vault.json', 'hardhatDeploy'],
      ['deployments/localhost/solcInputs/abc.json', undefined],
      ['ignition/deployments/chain-31337/deployed_addresses.json', 'ignition'],
      ['ignition/deployments/chain-31337/artifacts/VaultModule#Vault.json', 'hardhat'],
      ['ignition/deployments/chain-31337/artifacts/VaultModule#Vault.dbg.json', undefined],
      ['ignition/deployments/chain-31337/journal.jsonl', undefined],
      ['node_modules/x/out/A.sol/A.json', undefined],
      ['src/Token.sol', undefined],
      ['package.json', undefined],
    ];
    for (const [p, kind] of cases) assert.strictEqual(classifyArtifactPath(p), kind, p);
  });

  it('a created folder is worth scanning inside an artifact root only (not a dependency, cache or file)', () => {
    for (const p of ['out', 'out/Token.sol', 'packages/contracts/artifacts', 'artifacts/contracts/Vault.sol', 'broadcast/Deploy.s.sol/31337', 'deployments/localhost']) assert.ok(folderMayHoldArtifacts(p), p);
    for (const p of ['', 'src', 'lib/forge-std/src', 'node_modules/x/out', 'out/build-info', 'cache/out', 'out/Token.sol/Token.json', '.git/out']) assert.ok(!folderMayHoldArtifacts(p), p);
    for (const f of ARTIFACT_ROOT_FOLDERS) assert.ok(ARTIFACT_INCLUDE_GLOB.includes(f), `${f} is in the include glob`);
  });

  it('broadcast and Ignition records give addresses with their chain, skipping what is not a deployment', () => {
    const b = broadcastAddresses({ transactions: [{ transactionType: 'CALL', contractAddress: TOKEN }, { transactionType: 'CREATE', contractName: 'A', contractAddress: TOKEN.toUpperCase().replace('0X', '0x') }, null, { transactionType: 'CREATE', contractAddress: 'nope' }] }, 'broadcast/D.s.sol/8453/run-latest.json');
    assert.deepStrictEqual(b, [{ address: TOKEN, contractName: 'A', chainId: 8453 }]);
    assert.deepStrictEqual(ignitionAddresses({ 'M#Vault': IGNITION_VAULT, bad: 12 }, 'ignition/deployments/chain-1/deployed_addresses.json'), [
      { address: IGNITION_VAULT, futureId: 'M#Vault', contractName: 'Vault', chainId: 1 },
    ]);
    assert.deepStrictEqual(broadcastAddresses('not an object', 'x'), []);
    assert.deepStrictEqual(ignitionAddresses([1, 2], 'x'), []);
  });
});

describe('ArtifactIndex on the fixture projects', () => {
  it('holds the artifacts and records, counts what it skipped, and never throws on malformed files', () => {
    const { index, read } = fixtureIndex();
    assert.ok(!read.some((p) => p.includes('build-info') || p.endsWith('.dbg.json') || p.includes('run-1733000000')), 'skipped by path');
    const s = index.stats();
    // Token, Registry, ERC1967Proxy, Lonely, Bad; Vault, Vault (hardhat-deploy), Vault (Ignition)
    assert.strictEqual(s.contracts, 8);
    assert.ok(s.problems.some((p) => p.startsWith('foundry-project/out/Broken.sol/Broken.json: not valid JSON')), s.problems.join('\n'));
    assert.ok(s.problems.some((p) => p.includes('Bad.json') && p.includes('malformed input')), 'the bad fragment is named');
    assert.ok(!s.problems.some((p) => p.includes('cache.json')), 'a non-artifact JSON under out/ is silently not an artifact');
    assert.deepStrictEqual(s.limitsHit, []);
    // the good event of the artifact with one bad fragment is still indexed
    assert.strictEqual(index.byTopic(toEventSelector('Good(uint8)')).scope, 'global');
  });

  it('a known address answers with its own contract only, and an unknown one with every layout of the signature', () => {
    const { index } = fixtureIndex(['foundry-project']);
    const token = index.lookup(TOKEN, MINTED, 31337);
    assert.strictEqual(token.scope, 'address');
    assert.ok(token.scope === 'address' && token.contract === 'Token' && token.events.length === 1 && token.events[0]!.entry.event.inputs[0]!.indexed === true);
    const registry = index.lookup(REGISTRY, MINTED);
    assert.ok(registry.scope === 'address' && registry.contract === 'Registry' && registry.events[0]!.entry.event.inputs[1]!.indexed === true);
    const unknown = index.lookup(UNKNOWN, MINTED);
    assert.strictEqual(unknown.scope, 'global');
    assert.deepStrictEqual(unknown.scope === 'global' && unknown.layouts.map((l) => l.contracts), [['Registry'], ['Token']]);
    // the proxy's own artifact has no Minted: scoped to the address, with no events (the caller falls back)
    const proxy = index.lookup(PROXY, MINTED);
    assert.ok(proxy.scope === 'address' && proxy.contract === 'ERC1967Proxy' && proxy.events.length === 0);
    assert.strictEqual(index.lookup(UNKNOWN, '0x' + '12'.repeat(32)).scope, 'none');
    assert.ok(index.hasDeployments());
  });

  it('deployment records of another chain do not count for a stream on this one', () => {
    const { index } = fixtureIndex(['foundry-project']);
    assert.strictEqual(index.contractAt(TOKEN, 1), undefined);
    assert.strictEqual(index.contractAt(TOKEN, 31337)?.name, 'Token');
    assert.strictEqual(index.contractAt(TOKEN)?.name, 'Token');
    assert.strictEqual(index.contractAt('0x9000000000000000000000000000000000000009'), undefined, 'an old run and a dry run name no address');
  });

  it('hardhat-deploy records carry their own ABI, and an Ignition deployment uses its own artifact of the future', () => {
    const { index } = fixtureIndex(['hardhat-project']);
    const dep = index.lookup(HH_DEPLOYED, DEPOSITED, 31337);
    assert.ok(dep.scope === 'address' && dep.path === 'hardhat-project/deployments/localhost/Vault.json');
    const ign = index.contractAt(IGNITION_VAULT, 31337);
    assert.strictEqual(ign?.path, 'hardhat-project/ignition/deployments/chain-31337/artifacts/VaultModule#Vault.json');
    assert.ok(ign?.registry.byTopic.has(toEventSelector('IgnitionOnly(uint256)')));
    assert.strictEqual(index.byTopic(toEventSelector('Huge(uint256)')).scope, 'none', 'build-info is never read');
  });

  it('updates and removals change the answers (a rebuilt artifact, a deleted record)', () => {
    const { index } = fixtureIndex(['foundry-project']);
    const v = index.version;
    index.remove('foundry-project/broadcast/Deploy.s.sol/31337/run-latest.json');
    assert.ok(index.version > v);
    assert.strictEqual(index.lookup(TOKEN, MINTED).scope, 'global');
    assert.ok(!index.hasDeployments());
    index.update('foundry-project/out/Registry.sol/Registry.json', '{"abi": []}');
    const after = index.lookup(UNKNOWN, MINTED);
    assert.ok(after.scope === 'global' && after.layouts.length === 1 && after.layouts[0]!.contracts[0] === 'Token');
    index.update('foundry-project/out/Token.sol/Token.json', 'garbage');
    assert.strictEqual(index.lookup(UNKNOWN, MINTED).scope, 'none', 'a file that turned malformed is forgotten, not kept stale');
    index.removeUnder('foundry-project/');
    assert.strictEqual(index.stats().files, 0);
  });

  it('a deleted path forgets that file, or every file under a deleted folder, and nothing beside it', () => {
    const { index } = fixtureIndex(['foundry-project']);
    const files = () => index.stats().files;
    const all = files();
    index.update('foundry-project/outer/out/A.sol/A.json', '{"abi": []}');
    assert.strictEqual(files(), all + 1);
    index.forgetPath('foundry-project/out/Token.sol/Token.json');
    assert.strictEqual(files(), all, 'the deleted file');
    assert.strictEqual(index.contractFile('foundry-project/out/Token.sol/Token.json'), undefined);
    assert.ok(index.contractFile('foundry-project/out/Registry.sol/Registry.json'), 'its neighbour stays');
    index.forgetPath('foundry-project/out/');
    assert.ok(files() > 1, 'broadcast and outer/ stay');
    assert.strictEqual(index.contractFile('foundry-project/out/Registry.sol/Registry.json'), undefined);
    assert.ok(index.contractFile('foundry-project/outer/out/A.sol/A.json'), 'a sibling sharing the prefix "out" stays');
    index.forgetPath('foundry-project');
    assert.strictEqual(files(), 0);
  });

  it('stays inside its limits and says which were hit', () => {
    const few = fixtureIndex(['foundry-project'], { maxFiles: 3 });
    assert.strictEqual(few.index.stats().files, 3);
    assert.match(few.index.stats().limitsHit.join(), /file limit of 3 reached: \d+ more not read/);
    const small = fixtureIndex(['foundry-project'], { maxFileBytes: 600 });
    assert.match(small.index.stats().limitsHit.join(), /1 file\(s\) over the 600-byte per-file limit not read|\d+ file\(s\) over the 600-byte per-file limit not read/);
    assert.ok(small.index.stats().problems.some((p) => p.includes('per-file limit')));
    const total = fixtureIndex(['foundry-project'], { maxTotalBytes: 2_000 });
    assert.ok(total.index.stats().bytes <= 2_000);
    assert.match(total.index.stats().limitsHit.join(), /total size limit/);
    const index = new ArtifactIndex(parseAbi, { maxFileBytes: 10 });
    assert.strictEqual(index.admit('out/A.sol/A.json', 11), false);
    assert.strictEqual(index.admit('out/A.sol/A.json', 10), true);
  });

  it('a plain ABI file named by a stream is read whatever its path, and says so when it is not an ABI', () => {
    const index = new ArtifactIndex(parseAbi);
    assert.strictEqual(index.update('abis/Thing.json', '[{"type":"event","name":"Minted","inputs":[{"name":"to","type":"address","indexed":true},{"name":"amount","type":"uint256"}]}]', 'abi'), true);
    assert.strictEqual(index.contractFile('abis/Thing.json')?.name, 'Thing');
    assert.strictEqual(index.update('abis/Other.json', '{"hello": 1}', 'abi'), false);
    assert.ok(index.stats().problems.includes('abis/Other.json: no "abi" array'));
    assert.strictEqual(index.update('abis/Thing.json', '[1]', undefined), false, 'a path the classifier does not know is not read without a kind');
  });
});
