/** The Covalent STOMP provider is legacy: its health check says so when the endpoint refuses or never answers. */
import * as assert from 'assert';
import * as net from 'net';
import { FakeClock } from '../../src/core/clock';
import { CovalentStream, legacyHealthText } from '../../src/core/covalent/covalentStream';
import type { StreamNotice } from '../../src/core/stream/stream';
import { waitForStatus } from './support/wait';

describe('Covalent legacy health check', () => {
  it('names the successor when the endpoint refuses, never answers or cannot be reached before CONNECTED', () => {
    const refused = legacyHealthText({ kind: 'refused', message: 'x', early: false, at: 0, wasConnected: false, opened: true, httpStatus: 404 });
    assert.match(refused ?? '', /^the Covalent STOMP endpoint refused the connection\. This feed is legacy .*GoldRush Streaming, its successor/);
    assert.match(legacyHealthText({ kind: 'timeout', message: 'x', early: false, at: 0, wasConnected: false, opened: true }) ?? '', /never answered/);
    assert.match(legacyHealthText({ kind: 'lost', message: 'x', early: false, at: 0, wasConnected: false, opened: false }) ?? '', /could not be reached/);
  });

  it('says nothing for a drop after CONNECTED (the feed worked)', () => {
    assert.strictEqual(legacyHealthText({ kind: 'lost', message: 'x', early: false, at: 0, wasConnected: true, opened: true }), undefined);
    assert.strictEqual(legacyHealthText({ kind: 'lost', message: 'x', early: false, at: 0, wasConnected: false, opened: true }), undefined);
  });

  it('a stream whose endpoint is down gives the legacy notice once, however often it retries', async () => {
    const port = await new Promise<number>((resolve) => {
      const srv = net.createServer();
      srv.listen(0, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
    const clock = new FakeClock();
    const s = new CovalentStream(
      { id: 'c', provider: 'covalent', chainId: 1, address: '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48', baseUrl: `ws://127.0.0.1:${port}/v1/` },
      { clock, getKey: async () => 'cqt_legacy_test_key', random: () => 0.5 },
    );
    const notices: StreamNotice[] = [];
    s.onNotice((n) => notices.push(n));
    try {
      s.connect();
      await waitForStatus(s, (x) => x.state === 'reconnecting');
      clock.advance(1_000);
      await waitForStatus(s, (x) => x.state === 'connecting');
      await waitForStatus(s, (x) => x.state === 'reconnecting');
      const legacy = notices.filter((n) => /This feed is legacy/.test(n.message));
      assert.strictEqual(legacy.length, 1);
      assert.match(legacy[0]!.message, /could not be reached/);
    } finally {
      s.dispose();
    }
  });
});
