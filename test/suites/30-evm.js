// EVM against a real node: starts hardhat@2 (`hardhat node`) on 127.0.0.1 with a minimal config in a temp dir,
// runs out/test/evm-node/**/*.test.js with CW_EVM_NODE_URL set, then stops the node by pid.
const { spawn } = require('child_process');
const fs = require('fs');
const net = require('net');
const os = require('os');
const path = require('path');
const { runMocha } = require('../support/mochaSuite');

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves when `file` contains `marker` (watched, not polled); rejects when the child exits or after `ms`. */
function waitForLine(file, marker, child, ms) {
  return new Promise((resolve, reject) => {
    let done = false;
    const finish = (err) => {
      if (done) return;
      done = true;
      watcher.close();
      clearTimeout(timer);
      child.off('exit', onExit);
      err ? reject(err) : resolve();
    };
    const check = () => {
      if (fs.readFileSync(file, 'utf8').includes(marker)) finish();
    };
    const onExit = (code) => finish(new Error(`hardhat node exited early (${code})`));
    const watcher = fs.watch(file, check);
    const timer = setTimeout(() => finish(new Error(`hardhat node not ready after ${ms / 1000} s`)), ms);
    child.on('exit', onExit);
    check();
  });
}

module.exports = {
  name: 'evm',
  order: 30,
  async run({ root }) {
    const cli = path.join(root, 'node_modules', 'hardhat', 'internal', 'cli', 'cli.js');
    if (!fs.existsSync(cli)) {
      console.error('hardhat@2 is not installed (it is a devDependency: run npm ci)');
      return { passed: 0, failed: 1, skipped: 0 };
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-hardhat-'));
    fs.writeFileSync(path.join(dir, 'hardhat.config.js'), 'module.exports = { networks: { hardhat: { chainId: 31337 } } };\n');
    // hardhat refuses to run from a project that cannot resolve a local hardhat
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
    const port = await freePort();
    const logFile = path.join(dir, 'node.log');
    const out = fs.openSync(logFile, 'w');
    const child = spawn(process.execPath, [cli, 'node', '--hostname', '127.0.0.1', '--port', String(port)], {
      cwd: dir,
      stdio: ['ignore', out, out],
      env: { ...process.env, HARDHAT_DISABLE_TELEMETRY_PROMPT: 'true' },
    });
    fs.closeSync(out);
    const exited = new Promise((r) => child.once('exit', r));
    try {
      await waitForLine(logFile, 'Started HTTP and WebSocket JSON-RPC server', child, 90_000);
      console.log(`hardhat node (pid ${child.pid}) on 127.0.0.1:${port}`);
      const r = runMocha(root, ['out/test/evm-node/**/*.test.js'], { env: { CW_EVM_NODE_URL: `http://127.0.0.1:${port}` }, timeoutMs: Number(process.env.CW_EVM_TEST_TIMEOUT_MS || 90_000) });
      if (r.failed > 0) console.error(`hardhat node log (tail):\n${fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n')}`);
      return r;
    } finally {
      if (child.exitCode === null) {
        process.kill(child.pid, 'SIGTERM');
        const t = setTimeout(() => child.exitCode === null && process.kill(child.pid, 'SIGKILL'), 5_000);
        await exited;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
