import * as assert from 'assert';
import { toEventSelector } from 'viem';
import { broadcastAddresses } from '../../src/core/artifacts/artifactFiles';
import { ArtifactIndex } from '../../src/core/artifacts/artifactIndex';
import { parseAbi } from '../../src/core/evm/evmDecode';
import { fixtureIndex, HH_DEPLOYED, PROXY, REGISTRY, TOKEN, UNKNOWN } from './support/artifactFixtures';

describe('artifact index: where a contract is deployed (for Watch this event)', () => {
  it('names the deployed address of the contract declaring the event, with its chain, after the proxy the broadcast created for it', () => {
    const { index } = fixtureIndex(['foundry-project']);
    assert.deepStrictEqual(index.deploymentsOf('Token', toEventSelector('Minted(address,uint256)')), [
      { address: PROXY, chainId: 31337, implementation: TOKEN },
      { address: TOKEN, chainId: 31337 },
    ]);
  });

  it('a proxy is known from its constructor argument only for the ERC-1967 proxy contracts, on the chain of its implementation', () => {
    const tx = (contractName: string, contractAddress: string, args: unknown) => ({ transactionType: 'CREATE', contractName, contractAddress, arguments: args });
    const b = broadcastAddresses({ chain: 8453, transactions: [tx('ERC1967Proxy', PROXY, [TOKEN, '0x']), tx('TransparentUpgradeableProxy', UNKNOWN, [TOKEN.toUpperCase().replace('0X', '0x'), '0xab', '0x']), tx('Vault', REGISTRY, [TOKEN]), tx('ERC1967Proxy', HH_DEPLOYED, ['not an address'])] }, 'broadcast/D.s.sol/8453/run-latest.json');
    assert.deepStrictEqual(b.map((d) => [d.address, d.implementation]), [[PROXY, TOKEN], [UNKNOWN, TOKEN], [REGISTRY, undefined], [HH_DEPLOYED, undefined]]);
    const index = new ArtifactIndex(parseAbi);
    index.update('out/Token.sol/Token.json', JSON.stringify({ abi: [{ type: 'event', name: 'Minted', inputs: [{ name: 'to', type: 'address', indexed: true }, { name: 'amount', type: 'uint256', indexed: false }] }] }));
    index.update('broadcast/A.s.sol/1/run-latest.json', JSON.stringify({ chain: 1, transactions: [tx('Token', TOKEN, null)] }));
    index.update('broadcast/B.s.sol/10/run-latest.json', JSON.stringify({ chain: 10, transactions: [tx('ERC1967Proxy', PROXY, [TOKEN, '0x'])] }));
    assert.deepStrictEqual(index.deploymentsOf('Token', toEventSelector('Minted(address,uint256)')), [{ address: TOKEN, chainId: 1 }], 'a proxy on another chain than the implementation is not offered');
  });

  it('names none for an event the contract does not declare, or a contract never deployed', () => {
    const { index } = fixtureIndex(['foundry-project']);
    assert.deepStrictEqual(index.deploymentsOf('Token', toEventSelector('Nope(uint256)')), []);
    assert.deepStrictEqual(index.deploymentsOf('Lonely', toEventSelector('Minted(address,uint256)')), []);
  });
});
