import * as assert from 'assert';
import { toEventSelector } from 'viem';
import { fixtureIndex, TOKEN } from './support/artifactFixtures';

describe('artifact index: where a contract is deployed (for Watch this event)', () => {
  it('names the deployed address of the contract declaring the event, with its chain', () => {
    const { index } = fixtureIndex(['foundry-project']);
    assert.deepStrictEqual(index.deploymentsOf('Token', toEventSelector('Minted(address,uint256)')), [{ address: TOKEN, chainId: 31337 }]);
  });

  it('names none for an event the contract does not declare, or a contract never deployed', () => {
    const { index } = fixtureIndex(['foundry-project']);
    assert.deepStrictEqual(index.deploymentsOf('Token', toEventSelector('Nope(uint256)')), []);
    assert.deepStrictEqual(index.deploymentsOf('Lonely', toEventSelector('Minted(address,uint256)')), []);
  });
});
