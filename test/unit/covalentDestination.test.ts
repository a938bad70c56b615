import * as assert from 'assert';
import { covalentDestination, covalentEndpoint, defaultCovalentUrl, rabbitMqDestination } from '../../src/core/covalent/covalentDestination';
import type { StreamDefinition } from '../../src/core/stream/stream';

const ADDR = '0x7be8076f4ea4a4ad08075c2508e481d6c946d12b';
const TOPIC = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const def = (d: Partial<StreamDefinition>): StreamDefinition => ({ id: 'c1', provider: 'covalent', chainId: 1, ...d });

describe('Covalent destinations and endpoint', () => {
  it('builds the address and topic paths of the seed (hex lower-cased, address wins over topic)', () => {
    assert.strictEqual(covalentDestination(def({ address: ADDR })), `/v1/1/events/address/${ADDR}/`);
    assert.strictEqual(covalentDestination(def({ address: ADDR.toUpperCase().replace('0X', '0x') })), `/v1/1/events/address/${ADDR}/`);
    assert.strictEqual(covalentDestination(def({ chainId: 137, topic: TOPIC })), `/v1/137/events/topics/${TOPIC}/`);
    assert.strictEqual(covalentDestination(def({ address: [ADDR], topic: TOPIC })), `/v1/1/events/address/${ADDR}/`);
  });

  it('rejects bad definitions with readable errors', () => {
    assert.throws(() => covalentDestination(def({ chainId: undefined, address: ADDR })), /chainId must be a positive integer/);
    assert.throws(() => covalentDestination(def({ chainId: -1, address: ADDR })), /chainId/);
    assert.throws(() => covalentDestination(def({ address: '0x1234' })), /address must be 0x followed by 40 hex digits/);
    assert.throws(() => covalentDestination(def({ topic: '0xzz' })), /topic must be 0x followed by 64 hex digits/);
    assert.throws(() => covalentDestination(def({})), /needs an address or a topic/);
    assert.throws(() => covalentDestination(def({ address: [ADDR, ADDR] })), /exactly one address/);
  });

  it('maps onto RabbitMQ naming: /topic/ + the percent-encoded path', () => {
    assert.strictEqual(rabbitMqDestination(def({ address: ADDR })), `/topic/%2Fv1%2F1%2Fevents%2Faddress%2F${ADDR}%2F`);
  });

  it('endpoint: default URL, base override, key as ?key=, http(s) mapped to ws(s)', () => {
    assert.strictEqual(covalentEndpoint(def({})), defaultCovalentUrl);
    assert.strictEqual(covalentEndpoint(def({}), 'ckey_1'), 'wss://api.covalenthq.com/v1/?key=ckey_1');
    assert.strictEqual(covalentEndpoint(def({ baseUrl: 'http://127.0.0.1:9000/v1/' }), 'k&1'), 'ws://127.0.0.1:9000/v1/?key=k%261');
    assert.throws(() => covalentEndpoint(def({ baseUrl: 'ftp://x/' })), /ws:\/\/ or wss:\/\//);
    assert.throws(() => covalentEndpoint(def({ baseUrl: 'not a url' })), /not a valid URL/);
    assert.throws(() => covalentEndpoint(def({ baseUrl: 'wss://api.covalenthq.com/v1/#frag' })), /#fragment/);
  });
});
