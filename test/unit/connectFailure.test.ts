/** One vocabulary for unreachable endpoints: the pure words, and each provider's client saying them. */
import * as assert from 'assert';
import * as net from 'net';
import { FakeClock } from '../../src/core/clock';
import { describeConnectFailure, endpointHost, socketErrorCode } from '../../src/core/connectFailure';
import { EvmStream } from '../../src/core/evm/evmStream';
import { WarpStream } from '../../src/core/warp/warpStream';
import { CovalentStream } from '../../src/core/covalent/covalentStream';
import { createLogger, MemorySink } from '../../src/core/logger';
import type { StreamHandle, StreamNotice } from '../../src/core/stream/stream';
import { waitForStatus } from './support/wait';

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8545'), { code: 'ECONNREFUSED' });

/** A loopback port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

describe('describeConnectFailure', () => {
  it('says which host, why, and what to check', () => {
    assert.strictEqual(describeConnectFailure('ws://127.0.0.1:8545', refused, 'node'), 'cannot reach 127.0.0.1:8545 (connection refused): is the node running?');
    assert.strictEqual(
      describeConnectFailure('wss://rpc.example.org/v2/KEY', refused, 'node'),
      'cannot reach rpc.example.org (connection refused): is the node up and the URL right?',
    );
    assert.strictEqual(
      describeConnectFailure('https://nope.invalid', Object.assign(new Error('getaddrinfo ENOTFOUND nope.invalid'), { code: 'ENOTFOUND' }), 'server'),
      'cannot reach nope.invalid (host not found): check the URL and your network',
    );
    assert.match(describeConnectFailure('wss://x.org', new Error('Opening handshake has timed out'), 'broker'), /^cannot reach x\.org \(timed out\)/);
    assert.match(describeConnectFailure('wss://x.org', Object.assign(new Error('self-signed'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }), 'broker'), /TLS certificate problem/);
    assert.strictEqual(describeConnectFailure('ws://127.0.0.1:1', new Error('odd'), 'server'), 'cannot reach 127.0.0.1:1 (odd)');
  });

  it('reads the code from the error or its message, and never shows a URL path or query', () => {
    assert.strictEqual(socketErrorCode(new Error('connect ECONNREFUSED ::1:80')), 'ECONNREFUSED');
    assert.strictEqual(socketErrorCode({ code: 'ECONNRESET' }), 'ECONNRESET');
    assert.strictEqual(socketErrorCode(new Error('nothing known')), undefined);
    assert.strictEqual(endpointHost('wss://eth.example.com/v2/secretkey?api_key=abc'), 'eth.example.com');
    assert.ok(!describeConnectFailure('wss://eth.example.com/v2/secretkey?api_key=abc', refused, 'node').includes('secret'));
  });
});

describe('a refused endpoint, in every provider', () => {
  const handles: StreamHandle[] = [];
  afterEach(() => {
    for (const h of handles.splice(0)) h.dispose();
  });

  async function refusedWith(make: (url: string, deps: { clock: FakeClock; logger: ReturnType<typeof createLogger>; random: () => number }) => StreamHandle, scheme: string) {
    const port = await closedPort();
    const sink = new MemorySink();
    const h = make(`${scheme}://127.0.0.1:${port}`, { clock: new FakeClock(), logger: createLogger(sink), random: () => 0.5 });
    handles.push(h);
    const notices: StreamNotice[] = [];
    h.onNotice((n) => notices.push(n));
    h.connect();
    const st = await waitForStatus(h, (s) => s.state === 'reconnecting');
    return { port, st, notices, sink };
  }

  it('Warp, the EVM node and the Covalent broker use the same words, and say it once as a notice', async () => {
    const cases: Array<[string, ReturnType<typeof refusedWith>]> = [
      ['server', refusedWith((url, d) => new WarpStream({ id: 'w', provider: 'warp', streamId: 's', baseUrl: url.replace('ws:', 'http:') }, { ...d, getKey: async () => 'k' }), 'ws')],
      ['node', refusedWith((url, d) => new EvmStream({ id: 'e', provider: 'evm', chainId: 31337 }, { ...d, getKey: async () => url }), 'ws')],
      [
        'broker',
        refusedWith(
          (url, d) => new CovalentStream({ id: 'c', provider: 'covalent', chainId: 1, address: '0x' + '1'.repeat(40), baseUrl: url + '/v1/' }, { ...d, getKey: async () => 'k' }),
          'ws',
        ),
      ],
    ];
    for (const [service, p] of cases) {
      const { port, st, notices, sink } = await p;
      const words = `cannot reach 127.0.0.1:${port} (connection refused): is the ${service} running?`;
      assert.strictEqual(st.lastError, words);
      assert.ok(st.message?.startsWith(words), st.message);
      assert.strictEqual(notices.length, 1);
      assert.ok(notices[0]!.message.startsWith(words) && notices[0]!.level === 'warn', notices[0]!.message);
      assert.strictEqual(sink.lines.filter((l) => l.level !== 'debug' && l.message.includes('cannot reach')).length, 1, sink.lines.map((l) => l.message).join('\n'));
    }
  });
});
