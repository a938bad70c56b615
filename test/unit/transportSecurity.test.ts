import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeClock } from '../../src/core/clock';
import { CovalentStream } from '../../src/core/covalent/covalentStream';
import { isLoopbackHost, keyTransportProblem } from '../../src/core/transportSecurity';
import { WarpStream } from '../../src/core/warp/warpStream';
import { waitForStatus } from './support/wait';

describe('where a key may travel', () => {
  it('only over wss/https, or to loopback', () => {
    assert.strictEqual(keyTransportProblem('wss://mainnet-api.inodra.com'), undefined);
    assert.strictEqual(keyTransportProblem('https://mainnet-api.inodra.com'), undefined);
    assert.strictEqual(keyTransportProblem('ws://127.0.0.1:7777'), undefined);
    assert.strictEqual(keyTransportProblem('http://localhost:1'), undefined);
    assert.strictEqual(keyTransportProblem('ws://[::1]:9'), undefined);
    assert.match(keyTransportProblem('ws://mainnet-api.inodra.com') ?? '', /refusing to send the API key unencrypted \(ws:\/\/\) to mainnet-api\.inodra\.com/);
    assert.match(keyTransportProblem('http://127.0.0.1.evil.example') ?? '', /refusing/);
    assert.match(keyTransportProblem('not a url') ?? '', /not valid/);
    assert.ok(isLoopbackHost('127.8.9.10') && !isLoopbackHost('128.0.0.1') && !isLoopbackHost('localhost.evil'));
  });

  it('a Warp stream pointed at a plain-text remote endpoint stops without connecting and without the key in its words', async () => {
    const key = 'indr_never_in_clear_1';
    const s = new WarpStream(
      { id: 'x', provider: 'warp', streamId: 's', baseUrl: 'http://mainnet-api.inodra.com' },
      { clock: new FakeClock(), journalDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cw-sec-')), getKey: async () => key },
    );
    try {
      s.connect();
      const st = await waitForStatus(s, (x) => x.state === 'stopped');
      assert.strictEqual(st.stopReason, 'refused');
      assert.match(st.message ?? '', /unencrypted/);
      assert.ok(!JSON.stringify(st).includes(key));
      assert.strictEqual(st.endpoint, undefined, 'no connection was opened');
    } finally {
      s.dispose();
    }
  });

  it('so does a Covalent stream (its key rides in the URL)', async () => {
    const s = new CovalentStream(
      { id: 'c', provider: 'covalent', chainId: 1, address: '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc', baseUrl: 'ws://api.covalenthq.com/v1/' },
      { clock: new FakeClock(), journalDir: fs.mkdtempSync(path.join(os.tmpdir(), 'cw-sec-')), getKey: async () => 'cqt_secret_key' },
    );
    try {
      s.connect();
      const st = await waitForStatus(s, (x) => x.state === 'stopped');
      assert.strictEqual(st.stopReason, 'refused');
      assert.match(st.message ?? '', /unencrypted/);
    } finally {
      s.dispose();
    }
  });
});
