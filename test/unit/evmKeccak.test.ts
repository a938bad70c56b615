import * as assert from 'assert';
import { createHash } from 'crypto';
import { keccak256, sponge256 } from '../../src/core/evm/evmKeccak';

describe('evm keccak256', () => {
  it('matches the published Keccak-256 vectors', () => {
    assert.strictEqual(keccak256(''), '0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    assert.strictEqual(keccak256('Transfer(address,address,uint256)'), '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef');
    assert.strictEqual(keccak256(new Uint8Array(0)), keccak256(''));
  });

  it('has the same permutation and sponge as node:crypto SHA3-256, across block boundaries', () => {
    for (const len of [0, 1, 55, 135, 136, 137, 271, 272, 273, 500]) {
      const bytes = new Uint8Array(len);
      for (let i = 0; i < len; i++) bytes[i] = (i * 31 + 7) & 0xff;
      const expected = '0x' + createHash('sha3-256').update(bytes).digest('hex');
      assert.strictEqual(sponge256(bytes, 0x06), expected, `length ${len}`);
    }
  });

  it('hashes strings as UTF-8', () => {
    assert.strictEqual(keccak256('é'), keccak256(new Uint8Array([0xc3, 0xa9])));
    assert.notStrictEqual(keccak256('a'), keccak256('b'));
  });
});
