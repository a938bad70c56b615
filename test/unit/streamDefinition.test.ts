import * as assert from 'assert';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { isEvmAddress, isTopicHash, isWindowsDeviceName, validateDefinition } from '../../src/core/stream/streamDefinition';

const warp = (id: string, extra: Partial<StreamDefinition> = {}): StreamDefinition => ({ id, provider: 'warp', network: 'mainnet', streamId: `s-${id}`, ...extra });

describe('validateDefinition', () => {
  it('accepts valid Warp, Covalent and EVM streams', () => {
    assert.deepStrictEqual(validateDefinition(warp('a')), []);
    assert.deepStrictEqual(validateDefinition({ id: 'c', provider: 'covalent', chainId: 1, address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc' }), []);
    assert.deepStrictEqual(validateDefinition({ id: 'e', provider: 'evm', chainId: 1, address: ['0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc'], baseUrl: 'ws://127.0.0.1:8545' }), []);
  });
  it('names each problem', () => {
    assert.deepStrictEqual(validateDefinition(null), ['not an object']);
    const p = validateDefinition({ id: '', provider: 'covalent', chainId: 0, address: '0x12', baseUrl: 'ftp://x' });
    assert.strictEqual(p.length, 4);
    assert.match(p.join('\n'), /"id"/);
    assert.match(p.join('\n'), /chainId/);
    assert.match(p.join('\n'), /0x12/);
    assert.match(p.join('\n'), /baseUrl/);
    assert.match(validateDefinition({ id: 'w', provider: 'warp', streamId: 'a/b' }).join(), /streamId/);
    assert.match(validateDefinition({ id: 'c', provider: 'covalent', chainId: 1 }).join(), /address" or "topic/);
  });
  it('a Covalent destination: a queue on a relaying broker is fine; a header-breaking one, or one on another provider, is named', () => {
    const cov = { id: 'c', provider: 'covalent', chainId: 1, address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc' };
    assert.deepStrictEqual(validateDefinition({ ...cov, destination: '/queue/chain-watch' }), []);
    assert.deepStrictEqual(validateDefinition({ ...cov, destination: '/queue/x\ncontent-length:0' }), ['"destination" must start with "/" and hold no control characters (up to 512)']);
    assert.deepStrictEqual(validateDefinition({ ...cov, destination: 42 }), ['"destination" must start with "/" and hold no control characters (up to 512)']);
    assert.deepStrictEqual(validateDefinition(warp('w', { destination: '/queue/x' })), ['"destination" is for Covalent (STOMP) streams only']);
  });
  it('tells addresses from topic hashes', () => {
    assert.ok(isEvmAddress('0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc'));
    assert.ok(!isEvmAddress(`0x${'ab'.repeat(32)}`));
    assert.ok(isTopicHash(`0x${'ab'.repeat(32)}`));
    assert.ok(!isTopicHash('0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc'));
  });
});

describe('validateDefinition: hostile ids and endpoints', () => {
  it('rejects Windows device names as stream ids (any case, any extension)', () => {
    for (const id of ['CON', 'nul', 'Com1', 'AUX', 'prn', 'LPT1', 'con.txt', 'NUL.ndjson', 'lpt9.a.b']) {
      assert.match(validateDefinition(warp(id)).join(), /device name on Windows/, id);
      assert.ok(isWindowsDeviceName(id), id);
    }
    for (const id of ['console', 'com10', 'nully', 'aux-1', 'lpt', 'COM']) assert.deepStrictEqual(validateDefinition(warp(id)), [], id);
  });

  it('rejects a baseUrl with a #fragment', () => {
    const p = validateDefinition({ id: 'c', provider: 'covalent', chainId: 1, address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', baseUrl: 'wss://api.covalenthq.com/v1/#x' });
    assert.match(p.join(), /#fragment/);
  });
});
