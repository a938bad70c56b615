import * as assert from 'assert';
import { endpointOverrideWarnings, keyHostChoices } from '../../src/core/keyHosts';

const warpDefaults = [
  { url: 'https://mainnet-api.inodra.com', what: 'warp mainnet' },
  { url: 'https://testnet-api.inodra.com', what: 'warp testnet' },
];

describe('keyHostChoices (Set API Key)', () => {
  it('always offers the real default hosts, even when a workspace re-points the endpoint', () => {
    const c = keyHostChoices(warpDefaults, [
      { url: 'https://mainnet-api.inodra.co', origin: 'workspace' },
      { url: 'https://mainnet-api.inodra.co/x', origin: 'workspace' },
    ]);
    assert.deepStrictEqual(
      c.map((x) => [x.host, x.fromWorkspace]),
      [
        ['mainnet-api.inodra.com', false],
        ['testnet-api.inodra.com', false],
        ['mainnet-api.inodra.co', true],
      ],
    );
    assert.match(c[2]!.description, /workspace/);
  });

  it('a host from the user settings is not marked; a default named by a workspace stays a default', () => {
    const c = keyHostChoices(warpDefaults, [
      { url: 'http://127.0.0.1:7777', origin: 'user' },
      { url: 'https://mainnet-api.inodra.com', origin: 'workspace' },
      { url: 'not a url', origin: 'workspace' },
    ]);
    assert.deepStrictEqual(
      c.map((x) => [x.host, x.fromWorkspace]),
      [
        ['mainnet-api.inodra.com', false],
        ['testnet-api.inodra.com', false],
        ['127.0.0.1:7777', false],
      ],
    );
  });
});

describe('endpointOverrideWarnings', () => {
  it('names each setting a workspace points at another host, and nothing else', () => {
    const w = endpointOverrideWarnings([
      { id: 'chainWatch.warp.mainnetUrl', effective: 'https://evil.example', workspace: 'https://evil.example', userOrDefault: 'https://mainnet-api.inodra.com' },
      { id: 'chainWatch.warp.testnetUrl', effective: 'https://testnet-api.inodra.com', workspace: undefined, userOrDefault: 'https://testnet-api.inodra.com' },
      { id: 'chainWatch.covalent.url', effective: 'wss://api.covalenthq.com/v1/', workspace: 'wss://api.covalenthq.com/v2/', userOrDefault: 'wss://api.covalenthq.com/v1/' },
    ]);
    assert.deepStrictEqual(w, ['this workspace sets chainWatch.warp.mainnetUrl to evil.example (instead of mainnet-api.inodra.com); streams without their own baseUrl connect there']);
  });
});
