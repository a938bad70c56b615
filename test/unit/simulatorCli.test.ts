// The built CLI (`dist/simulator.js`, made by `node esbuild.js` before every test run) as a real child process:
// banner on stdout, serves the demo streams, ends cleanly on SIGTERM. Waits only for process and socket events.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import WebSocket from 'ws';

const cli = path.resolve(__dirname, '..', '..', '..', 'dist', 'simulator.js');

describe('simulator: CLI process', function () {
  this.timeout(20_000);

  it('prints its URLs and the demo key, streams the demo, and exits 0 on SIGTERM', async function () {
    assert.ok(fs.existsSync(cli), `${cli} missing: run node esbuild.js`);
    const child = spawn(process.execPath, [cli, '--port', '0', '--rate', '40', '--seed', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    try {
      const banner = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('Ctrl+C')) resolve(out);
        });
        child.once('exit', (code) => reject(new Error(`exited early (${code}): ${stderr}`)));
      });
      const wsUrl = /WebSocket: (\S+)/.exec(banner)?.[1];
      assert.ok(wsUrl && /^ws:\/\/127\.0\.0\.1:\d+\/v1\/warp\/demo\/ws\?api_key=indr_demo_local$/.test(wsUrl), banner);
      assert.match(banner, /SSE:\s+http:\/\/127\.0\.0\.1:\d+\/v1\/warp\/demo\/stream/);
      assert.match(banner, /API key:\s+indr_demo_local/);
      assert.match(banner, /Covalent-compatible STOMP endpoint: ws:\/\/127\.0\.0\.1:\d+\/v1\//);
      assert.match(banner, /EVM node \(eth_subscribe.*\): ws:\/\/127\.0\.0\.1:\d+/);
      const got = await new Promise<Array<{ event: string; id?: string }>>((resolve, reject) => {
        const ws = new WebSocket(wsUrl as string, { perMessageDeflate: false });
        const msgs: Array<{ event: string; id?: string }> = [];
        ws.on('message', (raw) => {
          msgs.push(JSON.parse(raw.toString()));
          if (msgs.length === 3) {
            ws.close();
            resolve(msgs);
          }
        });
        ws.on('error', reject);
      });
      assert.strictEqual(got[0].event, 'connected');
      for (const m of got.slice(1)) {
        assert.ok(['event', 'address', 'coin', 'object'].includes(m.event), m.event);
        assert.ok(m.id);
      }
    } finally {
      child.kill('SIGTERM');
    }
    assert.strictEqual(await exited, 0, stderr);
    assert.match(stderr, /SIGTERM: stopping/);
    assert.doesNotMatch(stderr, /indr_demo_local/, 'logs are redacted');
  });

  it('refuses an unknown flag with exit code 2', async () => {
    const child = spawn(process.execPath, [cli, '--nope'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    assert.strictEqual(code, 2);
    assert.match(stderr, /unknown flag --nope/);
  });
});
