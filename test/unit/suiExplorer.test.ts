import * as assert from 'assert';
import type { ChainEvent } from '../../src/core/event';
import { explorerAddressUrl, explorerTxUrl, explorerUrlForValue } from '../../src/core/explorers';
import { normalizeSuiEvent } from '../../src/core/sui/suiEvent';

const DIGEST = '4vJ9JU1bJJE96FWSJKvHsmmFADCg4gpZQff4P3bkLKi';
const ADDR = '0x' + 'ab'.repeat(32);

describe('Sui full-node events: explorer links and normalization', () => {
  it('a sui event links to Suiscan or SuiVision like a Warp event, and never for a local node', () => {
    const ev = { provider: 'sui', digest: DIGEST } as ChainEvent;
    assert.strictEqual(explorerTxUrl(ev, { network: 'testnet' }), `https://suiscan.xyz/testnet/tx/${DIGEST}`);
    assert.strictEqual(explorerTxUrl(ev, { sui: 'suivision' }), `https://suivision.xyz/txblock/${DIGEST}`);
    assert.strictEqual(explorerAddressUrl('sui', ADDR, {}), `https://suiscan.xyz/mainnet/account/${ADDR}`);
    assert.strictEqual(explorerUrlForValue('sui', ADDR, {}), `https://suiscan.xyz/mainnet/object/${ADDR}`);
    assert.strictEqual(explorerTxUrl(ev, { local: true }), undefined);
  });

  it('a devnet event links to the devnet pages of both explorers, not to mainnet where it does not exist', () => {
    const ev = { provider: 'sui', digest: DIGEST } as ChainEvent;
    assert.strictEqual(explorerTxUrl(ev, { network: 'devnet' }), `https://suiscan.xyz/devnet/tx/${DIGEST}`);
    assert.strictEqual(explorerTxUrl(ev, { network: 'devnet', sui: 'suivision' }), `https://devnet.suivision.xyz/txblock/${DIGEST}`);
    assert.strictEqual(explorerAddressUrl('sui', ADDR, { network: 'devnet' }), `https://suiscan.xyz/devnet/account/${ADDR}`);
  });

  it('identity digest:eventIndex, the frame cursor as resume id, json as the payload; a missing identity warns', () => {
    const e = normalizeSuiEvent('s', { transactionDigest: DIGEST, eventIndex: 2, checkpoint: 7n, transactionIndex: 3n, sender: ADDR, eventType: '0x2::coin::Transfer', json: { kind: { oneofKind: 'listValue', listValue: { values: [{ kind: { oneofKind: 'boolValue', boolValue: true } }, { kind: { oneofKind: 'nullValue', nullValue: 0 } }] } } } as never }, 'AAE=', 1);
    assert.deepStrictEqual([e.id, e.messageId, e.checkpoint, e.sequence, e.sender, e.type], [`${DIGEST}:2`, 'AAE=', 7, 2, ADDR, '0x2::coin::Transfer']);
    assert.deepStrictEqual((e.payload as { json: unknown; transactionIndex: string }).json, [true, null]);
    assert.strictEqual((e.payload as { transactionIndex: string }).transactionIndex, '3');
    const bare = normalizeSuiEvent('s', {}, 'AAI=', 1);
    assert.strictEqual(bare.id, '~AAI=');
    assert.match(bare.warnings![0]!, /without transaction digest/);
  });
});
