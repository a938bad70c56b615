#!/usr/bin/env node
// `npm run demo` (= node esbuild.js && node test/support/demo.js): opens a VS Code with Chain Watch loaded from this
// repository and the environment variable CHAIN_WATCH_AUTODEMO=1, which the extension honours by running
// `chainWatch.startDemo` once after activation: exactly Try the Demo (the Sui and EVM demo streams on local
// simulators, the Feed shown; no key, no network). Nothing else differs from clicking the button.
//   - Desktop VS Code on the PATH (`code`): `code --extensionDevelopmentPath=<repo> --new-window <workspace>`.
//   - Otherwise (or with CW_DEMO_CODE_SERVER=1): code-server from .vscode-test/ (installed on first use, a few
//     minutes), on 127.0.0.1; prints http://127.0.0.1:PORT/?folder=... and stays up until Ctrl+C.
// Options: --port N (or CW_DEMO_PORT) fixes the port; --check opens the page in headless Chromium, waits for the
// workbench, saves .vscode-test/screenshots/demo.png and exits (a quick proof the demo starts).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const argv = process.argv.slice(2);
const check = argv.includes('--check');
const portArg = argv.includes('--port') ? Number(argv[argv.indexOf('--port') + 1]) : Number(process.env.CW_DEMO_PORT) || undefined;
const log = (m) => process.stdout.write(`[demo] ${m}\n`);

function onPath(cmd) {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).status === 0;
}

function demoWorkspace() {
  const dir = path.join(root, '.vscode-test', 'demo-workspace');
  fs.mkdirSync(dir, { recursive: true });
  const readme = path.join(dir, 'README.md');
  if (!fs.existsSync(readme)) {
    fs.writeFileSync(readme, '# Chain Watch demo\n\nThe Chain Watch view (activity bar) shows a simulated stream; its events appear in the feed.\n');
  }
  return dir;
}

async function desktop() {
  const ws = demoWorkspace();
  log(`opening desktop VS Code: code --extensionDevelopmentPath=${root} --new-window ${ws}`);
  const child = spawn('code', [`--extensionDevelopmentPath=${root}`, '--new-window', ws], {
    stdio: 'inherit',
    env: { ...process.env, CHAIN_WATCH_AUTODEMO: '1' },
  });
  child.on('exit', (code) => {
    process.exitCode = code ?? 0;
  });
}

async function browser() {
  const { ensureVscodeEnv } = require('../setup/vscodeEnv');
  const { startCodeServer, workbenchUrl, launchChromium } = require('./codeServer');
  const vscodeEnv = await ensureVscodeEnv({ log });
  const server = await startCodeServer({
    root,
    vscodeEnv,
    installExtension: true,
    folder: demoWorkspace(),
    port: portArg,
    env: { CHAIN_WATCH_AUTODEMO: '1', CHAIN_WATCH_TEST: undefined, CHAIN_WATCH_TEST_DIR: undefined },
    log,
  });
  const url = workbenchUrl(server);
  let stopping = false;
  const stop = async (code) => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    process.exit(code);
  };
  process.on('SIGINT', () => stop(0));
  process.on('SIGTERM', () => stop(0));

  if (check) {
    let b;
    try {
      b = await launchChromium({ tmpDir: path.join(server.tmpDir, 'chromium'), vscodeEnv });
      const page = await b.newPage({ viewport: { width: 1400, height: 900 } });
      await page.goto(url);
      await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: 60000 });
      // give the extension host time to activate and run the demo command before the picture
      await page.waitForTimeout(Number(process.env.CW_DEMO_SETTLE_MS) || 8000);
      const dir = path.join(root, '.vscode-test', 'screenshots');
      fs.mkdirSync(dir, { recursive: true });
      await page.screenshot({ path: path.join(dir, 'demo.png') });
      log(`workbench up; saved ${path.join(dir, 'demo.png')}`);
    } catch (err) {
      log(`check FAILED: ${err && err.message ? err.message : err}`);
      if (b) await b.close().catch(() => {});
      return stop(1);
    }
    await b.close().catch(() => {});
    return stop(0);
  }

  log('Chain Watch demo is running in code-server (VS Code in the browser). Open:');
  process.stdout.write(`\n    ${url}\n\n`);
  log('Press Ctrl+C to stop.');
}

const useDesktop = !check && process.env.CW_DEMO_CODE_SERVER !== '1' && onPath('code');
(useDesktop ? desktop() : browser()).catch((err) => {
  console.error(`[demo] FAILED: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
