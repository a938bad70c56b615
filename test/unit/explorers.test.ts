import * as assert from 'assert';
import type { ChainEvent } from '../../src/core/event';
import {
  evmAddressUrl,
  evmBlockUrl,
  evmExplorerBases,
  explorerAddressUrl,
  explorerTxUrl,
  explorerUrlForValue,
  isLocalEndpoint,
  LOCAL_EXPLORER_MESSAGE,
  suiCheckpointUrl,
  suiCoinUrl,
  suiObjectUrl,
} from '../../src/core/explorers';

const suiDigest = '5KmRGqv9tQrPwSsLMhEJvB8uhpWrCGQFkzA4hHTLT4mX';
const evmHash = '0x26337bdeec5badee6f52c571a4785ee1fac956df2e2c29b313ffae0477045f53';
const evmAddr = '0xB4e16d0168e52d35CaCD2c6185b44281Ec28C9Dc';
const suiAddr = '0x' + 'ab'.repeat(32);

function ev(provider: ChainEvent['provider'], digest?: string): ChainEvent {
  return { id: 'x', stream: 's', provider, kind: provider === 'warp' ? 'event' : 'log', name: 'x', receivedAt: 0, payload: {}, digest };
}

describe('explorers', () => {
  it('links Sui transactions on Suiscan (default) and SuiVision, mainnet and testnet', () => {
    assert.strictEqual(explorerTxUrl(ev('warp', suiDigest)), `https://suiscan.xyz/mainnet/tx/${suiDigest}`);
    assert.strictEqual(explorerTxUrl(ev('warp', suiDigest), { network: 'testnet' }), `https://suiscan.xyz/testnet/tx/${suiDigest}`);
    assert.strictEqual(explorerTxUrl(ev('warp', suiDigest), { sui: 'suivision' }), `https://suivision.xyz/txblock/${suiDigest}`);
    assert.strictEqual(
      explorerTxUrl(ev('warp', suiDigest), { sui: 'suivision', network: 'testnet' }),
      `https://testnet.suivision.xyz/txblock/${suiDigest}`,
    );
  });

  it('links Sui accounts, objects, coins and checkpoints', () => {
    assert.strictEqual(explorerAddressUrl('warp', suiAddr), `https://suiscan.xyz/mainnet/account/${suiAddr}`);
    assert.strictEqual(explorerAddressUrl('warp', suiAddr, { sui: 'suivision' }), `https://suivision.xyz/account/${suiAddr}`);
    assert.strictEqual(suiObjectUrl(suiAddr, { sui: 'suivision', network: 'testnet' }), `https://testnet.suivision.xyz/object/${suiAddr}`);
    assert.strictEqual(suiCoinUrl('0x2::sui::SUI'), 'https://suiscan.xyz/mainnet/coin/0x2::sui::SUI');
    assert.strictEqual(suiCheckpointUrl(12345678, { network: 'testnet' }), 'https://suiscan.xyz/testnet/checkpoint/12345678');
    assert.strictEqual(suiCheckpointUrl(-1), undefined);
  });

  it('links EVM transactions and addresses for every chain in protocols.md §4', () => {
    const expected: Record<number, string> = {
      1: 'https://etherscan.io', 11155111: 'https://sepolia.etherscan.io', 10: 'https://optimistic.etherscan.io',
      137: 'https://polygonscan.com', 8453: 'https://basescan.org', 84532: 'https://sepolia.basescan.org',
      42161: 'https://arbiscan.io', 56: 'https://bscscan.com', 43114: 'https://snowtrace.io', 100: 'https://gnosisscan.io',
      59144: 'https://lineascan.build', 534352: 'https://scrollscan.com',
    };
    assert.deepStrictEqual({ ...evmExplorerBases }, expected);
    for (const [id, base] of Object.entries(expected)) {
      assert.strictEqual(explorerTxUrl(ev('evm', evmHash), { chainId: Number(id) }), `${base}/tx/${evmHash}`);
      assert.strictEqual(explorerAddressUrl('evm', evmAddr, { chainId: Number(id) }), `${base}/address/${evmAddr}`);
    }
    assert.strictEqual(explorerTxUrl(ev('covalent', evmHash), { chainId: 8453 }), `https://basescan.org/tx/${evmHash}`);
    assert.strictEqual(evmBlockUrl(11995619, 1), 'https://etherscan.io/block/11995619');
  });

  it('returns undefined for unknown chains and honours overrides', () => {
    assert.strictEqual(explorerTxUrl(ev('evm', evmHash), { chainId: 31337 }), undefined);
    assert.strictEqual(explorerTxUrl(ev('evm', evmHash)), undefined);
    assert.strictEqual(evmAddressUrl(evmAddr, 31337, { evmExplorers: { 31337: 'http://127.0.0.1:5100' } }), `http://127.0.0.1:5100/address/${evmAddr}`);
  });

  it('never builds a link from a malformed (attacker-controlled) value', () => {
    assert.strictEqual(explorerTxUrl(ev('evm', '0x12/../../evil'), { chainId: 1 }), undefined);
    assert.strictEqual(explorerTxUrl(ev('evm', evmHash + '?x=1'), { chainId: 1 }), undefined);
    assert.strictEqual(explorerTxUrl(ev('warp', 'abc/../x')), undefined);
    assert.strictEqual(explorerTxUrl(ev('warp', '0OIl' + suiDigest.slice(4))), undefined);
    assert.strictEqual(explorerTxUrl(ev('warp')), undefined);
    assert.strictEqual(explorerAddressUrl('evm', '0x1234', { chainId: 1 }), undefined);
    assert.strictEqual(explorerAddressUrl('warp', 'javascript:alert(1)'), undefined);
    assert.strictEqual(suiCoinUrl('0x2::sui::SUI/../../x'), undefined);
  });

  it('guesses what a payload value is', () => {
    assert.strictEqual(explorerUrlForValue('evm', evmHash, { chainId: 1 }), `https://etherscan.io/tx/${evmHash}`);
    assert.strictEqual(explorerUrlForValue('evm', evmAddr, { chainId: 1 }), `https://etherscan.io/address/${evmAddr}`);
    assert.strictEqual(explorerUrlForValue('warp', suiAddr), `https://suiscan.xyz/mainnet/object/${suiAddr}`);
    assert.strictEqual(explorerUrlForValue('warp', suiDigest), `https://suiscan.xyz/mainnet/tx/${suiDigest}`);
    assert.strictEqual(explorerUrlForValue('warp', '0x2::sui::SUI'), 'https://suiscan.xyz/mainnet/coin/0x2::sui::SUI');
    assert.strictEqual(explorerUrlForValue('evm', 'hello', { chainId: 1 }), undefined);
  });

  it('builds no public link for a stream on a local endpoint (loopback), keeping an own explorer override', () => {
    assert.strictEqual(isLocalEndpoint('ws://127.0.0.1:7777'), true);
    assert.strictEqual(isLocalEndpoint('http://localhost:8545/'), true);
    assert.strictEqual(isLocalEndpoint('http://[::1]:9000'), true);
    assert.strictEqual(isLocalEndpoint('https://mainnet-api.inodra.com'), false);
    assert.strictEqual(isLocalEndpoint('not a url'), false);
    assert.strictEqual(isLocalEndpoint(undefined), false);
    const sim = { local: true, network: 'mainnet' };
    assert.strictEqual(explorerTxUrl(ev('warp', suiDigest), sim), undefined);
    assert.strictEqual(explorerAddressUrl('warp', suiAddr, sim), undefined);
    assert.strictEqual(explorerUrlForValue('warp', '0x2::sui::SUI', sim), undefined);
    assert.strictEqual(explorerUrlForValue('warp', suiDigest, sim), undefined);
    assert.strictEqual(explorerTxUrl(ev('evm', evmHash), { ...sim, chainId: 1 }), undefined);
    assert.strictEqual(
      explorerTxUrl(ev('evm', evmHash), { local: true, chainId: 31337, evmExplorers: { 31337: 'http://127.0.0.1:5100' } }),
      `http://127.0.0.1:5100/tx/${evmHash}`,
    );
    assert.match(LOCAL_EXPLORER_MESSAGE, /local endpoint/);
  });
});
