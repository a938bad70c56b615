import * as assert from 'assert';
import { covalentDestination, covalentEndpoint, defaultCovalentUrl, isDurableQueue, rabbitMqDestination, streamDestination } from '../../src/core/covalent/covalentDestination';
import { DEFAULT_SERVER_HEARTBEAT_MS, serverHeartbeatMs } from '../../src/core/covalent/covalentStream';
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
  it('an explicit destination wins over the Covalent path; one that could break the STOMP header is refused', () => {
    assert.strictEqual(streamDestination(def({ address: ADDR })), `/v1/1/events/address/${ADDR}/`);
    assert.strictEqual(streamDestination(def({ address: ADDR }), rabbitMqDestination), rabbitMqDestination(def({ address: ADDR })));
    assert.strictEqual(streamDestination(def({ address: ADDR, destination: ' /queue/chain-watch ' })), '/queue/chain-watch');
    for (const bad of ['queue/x', '/queue/x\nreceipt:1', '/queue/x\u0000', '/' + 'q'.repeat(600)]) {
      assert.throws(() => streamDestination(def({ destination: bad })), /destination must start with "\/" and hold no control characters/, JSON.stringify(bad));
    }
  });

  it('tells a queue that outlives the subscription from a topic', () => {
    for (const q of ['/queue/cw', '/amq/queue/cw']) assert.strictEqual(isDurableQueue(q), true, q);
    for (const t of ['/topic/cw', '/queue/', '/v1/1/events/address/0xabc/', '/exchange/amq.topic/x', '/temp-queue/x']) assert.strictEqual(isDurableQueue(t), false, t);
  });

  it('server heart-beat setting: unset or junk is the default, 0 or less is none, on is at least 1 s', () => {
    assert.strictEqual(DEFAULT_SERVER_HEARTBEAT_MS, 10_000);
    assert.deepStrictEqual([undefined, NaN, 0, -5, 250, 2_500.4, 60_000].map((v) => serverHeartbeatMs(v)), [10_000, 10_000, 0, 0, 1_000, 2_500, 60_000]);
  });
});
