import * as assert from 'assert';
import type { ChainEvent } from '../../src/core/event';
import { acceptEvent } from '../../src/core/eventIntake';
import { registerEndpointSecrets } from '../../src/core/evm/evmEndpoint';
import { forgetSecret, redact, redactSecrets, registerSecret } from '../../src/core/redact';

describe('saved endpoint URLs: every key part is registered for redaction', () => {
  const registered: string[] = [];
  afterEach(() => {
    for (const p of registered.splice(0)) forgetSecret(p);
  });
  const reg = (url: string) => {
    const parts = registerEndpointSecrets(url);
    registered.push(...parts);
    return parts;
  };

  it('short and punctuated key segments and query values are hidden', () => {
    const cases: Array<[string, string]> = [
      ['wss://eth.example/v2/abcDEFgh', 'wss://eth.example/v2/***'],
      ['wss://node.example/ws?token=ab+cd/ef==&x=Zq9.ab', 'wss://node.example/ws?token=***&x=***'],
      ['wss://node.example/rpc/k-3f_9', 'wss://node.example/rpc/***'],
      ['wss://usr1:pw12@node.example/', 'wss://***:***@node.example/'],
    ];
    for (const [url, shown] of cases) {
      reg(url);
      assert.strictEqual(redact(`connecting to ${url}`), `connecting to ${shown}`, url);
    }
  });

  it('common API words and the host stay readable everywhere', () => {
    const parts = reg('wss://eth-mainnet.example/v2/ethereum/mainnet/ws?chain=1&live=true');
    assert.deepStrictEqual(parts, []);
    assert.strictEqual(redact('ethereum mainnet on eth-mainnet.example'), 'ethereum mainnet on eth-mainnet.example');
  });
});

describe('event ids, names and types lose registered secrets on the way in', () => {
  it('acceptEvent replaces a registered secret in id, name, type, sender and digest', () => {
    registerSecret('abcDEFgh');
    try {
      const ev: ChainEvent = { stream: 's', provider: 'evm', kind: 'event', name: 'Leak_abcDEFgh', type: 'T abcDEFgh', id: 'id-abcDEFgh', sender: '0xabcDEFgh', digest: 'abcDEFgh', receivedAt: 1, payload: {} };
      acceptEvent(ev);
      assert.deepStrictEqual([ev.id, ev.name, ev.type, ev.sender, ev.digest], ['id-***', 'Leak_***', 'T ***', '0x***', '***']);
      assert.strictEqual(redactSecrets('nothing here'), 'nothing here');
    } finally {
      forgetSecret('abcDEFgh');
    }
  });
});
