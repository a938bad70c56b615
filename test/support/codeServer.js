// Real-VS-Code harness: code-server (VS Code OSS served to a browser, with a real Node extension host) on a free
// loopback port, driven by Debian Chromium through playwright-core. Recipe: /work/shared/real-vscode-tests.md.
//
// Public API (all paths absolute; every function cleans up what it started, by process group / browser handle):
//   startCodeServer(opts)      -> Promise<CodeServer>      one code-server with temp user-data/extensions/XDG dirs
//   launchChromium(opts)       -> Promise<Browser>         headless Chromium with the offline flags
//   runIntegrationSuite(opts)  -> Promise<SuiteResult>     mocha inside the extension host (smoke-test driver)
//   openWorkbench(opts)        -> Promise<Workbench>       a workbench page with the extension installed (toasts show)
//   workbenchUrl(server, opts) -> string                   http://127.0.0.1:PORT/?folder=...[&payload=...]
//   findRoot()                 -> string                   the repository root (works from bundles under out/ too)
// The extension host sees CHAIN_WATCH_TEST=1 and CHAIN_WATCH_TEST_DIR=<a fresh temp dir> (plus opts.env).
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const http = require('http');
const net = require('net');
const os = require('os');
const path = require('path');
const util = require('util');

/** Recommended workbench settings for tests: no welcome page, no AI side bar, no telemetry or update checks. */
const DEFAULT_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'workbench.tips.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  // the demo workspace lives inside the repository: no "open the parent git repository?" toast
  'git.openRepositoryInParentFolders': 'never',
};

/** Workbench chatter in the extension-host log that says nothing about the tests (shown with CW_VSCODE_VERBOSE=1). */
const LOG_NOISE = [
  /Ignoring fetching additional builtin extensions/,
  /Updating additional builtin extensions cache/,
  /SettingsEditor2: Settings not included/,
  /\[AccountPolicyGate\]/,
  /Timed out waiting for authentication provider/,
];

/** Chromium flags that keep every request on 127.0.0.1 (the machine has no other network). */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** Marker line printed by test/integration/index.ts with the mocha totals. */
const RESULT_MARKER = 'CW-RESULT ';

/** The repository root: the nearest folder above this file holding esbuild.js and package.json. */
function findRoot(start = __dirname) {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'esbuild.js')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return path.resolve(__dirname, '..', '..');
    dir = up;
  }
}

function defaultLog(msg) {
  process.stdout.write(`[vscode] ${msg}\n`);
}

/** A free TCP port on 127.0.0.1 (asked from the OS, then released). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
    req.setTimeout(2000, () => req.destroy());
  });
}

/** Polls GET /healthz until 200; rejects when the process exits or `timeoutMs` passes. */
async function waitForHealth(baseUrl, child, timeoutMs, output) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`code-server exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output().slice(-2000)}`);
    }
    if ((await httpStatus(`${baseUrl}/healthz`)) === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer ${baseUrl}/healthz within ${timeoutMs} ms:\n${output().slice(-2000)}`);
}

function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

/** Every group started here, so an abrupt exit of the test process still ends them. */
const liveGroups = new Set();
let exitHookInstalled = false;
function installExitHook() {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const pid of liveGroups) killGroup(pid, 'SIGKILL');
  });
}

/**
 * @typedef {Object} CodeServer
 * @property {number} port          loopback port it listens on
 * @property {string} baseUrl       http://127.0.0.1:PORT
 * @property {string} tmpDir        root of its temp dirs (removed by stop() unless CW_KEEP_TMP=1)
 * @property {string} workspaceDir  default folder to open (empty temp dir unless opts.folder)
 * @property {string} extensionsDir its --extensions-dir
 * @property {string} userDataDir   its --user-data-dir (settings in User/settings.json)
 * @property {string} testDir       the value of CHAIN_WATCH_TEST_DIR seen by the extension host
 * @property {number} pid           process-group leader pid
 * @property {() => string} output  everything code-server printed so far
 * @property {() => Promise<void>} stop  SIGTERM to the process group, SIGKILL after 5 s; removes tmpDir
 */

/**
 * Starts code-server detached in its own process group, loopback only, nothing written to $HOME.
 * @param {Object} [opts]
 * @param {string} [opts.root]              repository root (default findRoot())
 * @param {import('../setup/vscodeEnv').VscodeEnv} [opts.vscodeEnv] from ensureVscodeEnv() (installed if absent)
 * @param {boolean} [opts.smokeTestDriver]  add `--vscode-option enable-smoke-test-driver` (needed for payloads; hides toasts)
 * @param {boolean} [opts.installExtension] put a symlink <publisher>.<name>-<version> -> root in the fresh extensions dir
 * @param {string} [opts.vsix]              install this .vsix into the fresh extensions dir (`--install-extension`)
 * @param {string} [opts.folder]            workspace folder (default: an empty temp dir)
 * @param {Object} [opts.settings]          user settings merged over DEFAULT_SETTINGS
 * @param {Object} [opts.env]               extra environment for code-server and so the extension host (undefined unsets)
 * @param {number} [opts.port]              fixed port (default: a free one)
 * @param {string} [opts.tmpDir]            where to put the temp dirs (default: a new mkdtemp under os.tmpdir())
 * @param {number} [opts.readyTimeoutMs]    default 60000
 * @param {(msg: string) => void} [opts.log]
 * @returns {Promise<CodeServer>}
 */
async function startCodeServer(opts = {}) {
  const log = opts.log || defaultLog;
  const root = opts.root || findRoot();
  const env0 = opts.vscodeEnv || (await require('../setup/vscodeEnv').ensureVscodeEnv({ log }));
  const tmpDir = opts.tmpDir || fs.mkdtempSync(path.join(os.tmpdir(), 'cw-vscode-'));
  const dirs = {
    userData: path.join(tmpDir, 'user-data'),
    extensions: path.join(tmpDir, 'extensions'),
    xdg: path.join(tmpDir, 'xdg'),
    workspace: opts.folder || path.join(tmpDir, 'workspace'),
    test: path.join(tmpDir, 'chain-watch-test'),
  };
  for (const d of Object.values(dirs)) fs.mkdirSync(d, { recursive: true });
  fs.mkdirSync(path.join(dirs.userData, 'User'), { recursive: true });
  fs.writeFileSync(path.join(dirs.userData, 'User', 'settings.json'), JSON.stringify({ ...DEFAULT_SETTINGS, ...(opts.settings || {}) }, null, 2));
  fs.writeFileSync(path.join(tmpDir, 'config.yaml'), '{}\n');
  if (opts.installExtension) {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    fs.symlinkSync(root, path.join(dirs.extensions, `${pkg.publisher}.${pkg.name}-${pkg.version}`), 'dir');
  }
  if (opts.vsix) installVsix(env0, opts.vsix, dirs, log);
  const port = opts.port || (await freePort());
  const args = [
    env0.codeServerEntry,
    '--config', path.join(tmpDir, 'config.yaml'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--user-data-dir', dirs.userData,
    '--extensions-dir', dirs.extensions,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--disable-getting-started-override',
    '--disable-proxy',
    '--ignore-last-opened',
  ];
  if (opts.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');
  const env = {
    ...process.env,
    EXTENSIONS_GALLERY: '{}',
    XDG_DATA_HOME: dirs.xdg,
    XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'),
    XDG_CACHE_HOME: path.join(dirs.xdg, 'cache'),
    CHAIN_WATCH_TEST: '1',
    CHAIN_WATCH_TEST_DIR: dirs.test,
    ...(opts.env || {}),
  };
  // Variables of an enclosing VS Code would confuse the server's own extension host; opts.env can unset with undefined.
  for (const k of Object.keys(env)) if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE' || env[k] === undefined) delete env[k];
  const t0 = Date.now();
  const child = spawn(env0.node24, args, { cwd: dirs.workspace, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  installExitHook();
  liveGroups.add(child.pid);
  let out = '';
  const keep = (b) => {
    out += b.toString();
    if (out.length > 200000) out = out.slice(-100000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', r));
  const baseUrl = `http://127.0.0.1:${port}`;

  let stopped = false;
  async function stop() {
    if (stopped) return;
    stopped = true;
    killGroup(child.pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
    for (let i = 0; i < 20 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 100));
    if (groupAlive(child.pid)) killGroup(child.pid, 'SIGKILL');
    liveGroups.delete(child.pid);
    if (!opts.tmpDir && process.env.CW_KEEP_TMP !== '1') fs.rmSync(tmpDir, { recursive: true, force: true });
  }

  try {
    await waitForHealth(baseUrl, child, opts.readyTimeoutMs || 60000, () => out);
  } catch (err) {
    await stop();
    throw err;
  }
  log(`code-server up at ${baseUrl} in ${Date.now() - t0} ms (pid ${child.pid})`);
  return {
    port,
    baseUrl,
    tmpDir,
    workspaceDir: dirs.workspace,
    extensionsDir: dirs.extensions,
    userDataDir: dirs.userData,
    testDir: dirs.test,
    pid: child.pid,
    output: () => out,
    stop,
  };
}

/**
 * Installs a .vsix the way a user does (`code-server --install-extension x.vsix`) into the given fresh dirs.
 * Throws with code-server's words when it does not report success.
 * @returns {string} the folder the extension was unpacked into
 */
function installVsix(env0, vsix, dirs, log) {
  const t0 = Date.now();
  const r = spawnSync(
    env0.node24,
    [env0.codeServerEntry, '--user-data-dir', dirs.userData, '--extensions-dir', dirs.extensions, '--install-extension', vsix, '--force'],
    { encoding: 'utf8', timeout: 120000, env: { ...process.env, EXTENSIONS_GALLERY: '{}', XDG_DATA_HOME: dirs.xdg, XDG_CONFIG_HOME: path.join(dirs.xdg, 'config'), XDG_CACHE_HOME: path.join(dirs.xdg, 'cache') } },
  );
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0 || !/successfully installed/i.test(out)) throw new Error(`--install-extension ${vsix} failed (${r.status ?? r.signal}):\n${out.slice(-2000)}`);
  const installed = fs.readdirSync(dirs.extensions).filter((d) => !d.startsWith('.') && fs.statSync(path.join(dirs.extensions, d)).isDirectory());
  log(`installed ${path.basename(vsix)} in ${Date.now() - t0} ms: ${installed.join(', ')}`);
  return installed.length === 1 ? path.join(dirs.extensions, installed[0]) : dirs.extensions;
}

/**
 * The workbench URL for a folder, optionally with a smoke-test-driver payload (array of [key, value] pairs; paths in
 * it must be `vscode-remote://127.0.0.1:PORT/abs/path`, see remotePath()).
 * @param {CodeServer} server
 * @param {{ folder?: string, payload?: Array<[string, string]> }} [opts]
 */
function workbenchUrl(server, opts = {}) {
  let url = `${server.baseUrl}/?folder=${encodeURIComponent(opts.folder || server.workspaceDir)}`;
  if (opts.payload) url += `&payload=${encodeURIComponent(JSON.stringify(opts.payload))}`;
  return url;
}

/** `vscode-remote://127.0.0.1:PORT<absPath>`: the only path form the payload honours. */
function remotePath(server, absPath) {
  return `vscode-remote://127.0.0.1:${server.port}${absPath}`;
}

/**
 * Headless Debian Chromium through playwright-core, with flags that keep all traffic on 127.0.0.1.
 * @param {{ tmpDir?: string, headless?: boolean, vscodeEnv?: { chromium: string } }} [opts]
 * @returns {Promise<import('playwright-core').Browser>}
 */
async function launchChromium(opts = {}) {
  const { chromium } = require('playwright-core');
  const tmp = opts.tmpDir || fs.mkdtempSync(path.join(os.tmpdir(), 'cw-chromium-'));
  return chromium.launch({
    executablePath: (opts.vscodeEnv && opts.vscodeEnv.chromium) || '/usr/bin/chromium',
    headless: opts.headless !== false,
    args: CHROMIUM_ARGS,
    env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });
}

/**
 * @typedef {Object} SuiteResult
 * @property {number} passed
 * @property {number} failed   includes 1 for a harness failure (timeout, no marker, crash)
 * @property {number} skipped
 * @property {number} durationMs
 * @property {string} [error]  why the harness itself failed, if it did
 */

/**
 * Runs the compiled mocha suite inside the extension host of a real code-server: the extension under development is
 * `root`, the tests are `testsPath` (default out/test/integration/index.js, whose run() prints the CW-RESULT line).
 * Extension-host console output is echoed through `log`. Never hangs: `timeoutMs` (default 300000, or
 * $CW_VSCODE_TIMEOUT_MS) bounds the whole run.
 * @param {{ root?: string, testsPath?: string, timeoutMs?: number, env?: Object, settings?: Object,
 *           log?: (msg: string) => void, vscodeEnv?: Object }} [opts]
 * @returns {Promise<SuiteResult>}
 */
async function runIntegrationSuite(opts = {}) {
  const log = opts.log || defaultLog;
  const root = opts.root || findRoot();
  const testsPath = opts.testsPath || path.join(root, 'out', 'test', 'integration', 'index.js');
  const timeoutMs = opts.timeoutMs || Number(process.env.CW_VSCODE_TIMEOUT_MS) || 300000;
  const t0 = Date.now();
  const result = { passed: 0, failed: 0, skipped: 0, durationMs: 0 };
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: run node esbuild.js first`);
  const vscodeEnv = opts.vscodeEnv || (await require('../setup/vscodeEnv').ensureVscodeEnv({ log }));
  const server = await startCodeServer({ root, vscodeEnv, smokeTestDriver: true, env: opts.env, settings: opts.settings, log });
  let browser;
  let timer;
  try {
    browser = await launchChromium({ tmpDir: path.join(server.tmpDir, 'chromium'), vscodeEnv });
    const page = await browser.newPage();
    let marker;
    let finish;
    const exit = new Promise((resolve) => {
      finish = resolve;
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const text = util.format(...(Array.isArray(args) ? args : [args]));
      for (const line of text.split('\n')) {
        const at = line.indexOf(RESULT_MARKER);
        if (at >= 0) {
          try {
            marker = JSON.parse(line.slice(at + RESULT_MARKER.length));
          } catch {
            /* not ours */
          }
        }
      }
      if (process.env.CW_VSCODE_VERBOSE === '1' || !LOG_NOISE.some((re) => re.test(text))) {
        log(`[ext-host${type && type !== 'log' && type !== 'info' ? ' ' + type : ''}] ${text}`);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code) => finish({ code }));
    timer = setTimeout(() => finish({ timeout: true }), timeoutMs);
    page.on('pageerror', (err) => log(`[page error] ${err.message}`));
    const payload = [
      ['extensionDevelopmentPath', remotePath(server, root)],
      ['extensionTestsPath', remotePath(server, testsPath)],
      ['skipWelcome', 'true'],
      ['skipReleaseNotes', 'true'],
    ];
    await page.goto(workbenchUrl(server, { payload }));
    const end = await exit;
    if (end.timeout) {
      result.error = `no exit from the extension host within ${timeoutMs} ms (payload ignored? tests hung?)`;
    } else if (!marker) {
      result.error = `extension host exited with code ${end.code} without printing the ${RESULT_MARKER.trim()} line`;
    }
    if (marker) {
      result.passed = Number(marker.passed) || 0;
      result.failed = Number(marker.failed) || 0;
      result.skipped = Number(marker.skipped) || 0;
      if (!end.timeout && end.code !== 0 && result.failed === 0) {
        result.error = `extension host exited with code ${end.code}`;
      }
    }
    if (result.error) {
      result.failed += 1;
      log(`HARNESS FAILURE: ${result.error}`);
      log(`code-server output (tail):\n${server.output().slice(-3000)}`);
    }
  } finally {
    clearTimeout(timer);
    if (browser) await browser.close().catch(() => {});
    await server.stop();
  }
  result.durationMs = Date.now() - t0;
  return result;
}

/**
 * @typedef {Object} Workbench
 * @property {import('playwright-core').Page} page  the loaded workbench (activity bar visible)
 * @property {import('playwright-core').Browser} browser
 * @property {CodeServer} server
 * @property {() => Promise<void>} close  closes the browser and stops code-server
 */

/**
 * Opens the workbench in Chromium with the extension installed the way a user has it (a fresh extensions dir holding
 * a symlink to the repository, or the given .vsix installed with `--install-extension`), without the smoke-test
 * driver, so notification toasts show. Resolves once the activity bar is rendered.
 * @param {{ root?: string, folder?: string, settings?: Object, env?: Object, viewport?: {width: number, height: number},
 *           log?: (msg: string) => void, readyTimeoutMs?: number, vscodeEnv?: Object, vsix?: string }} [opts]
 * @returns {Promise<Workbench>}
 */
async function openWorkbench(opts = {}) {
  const log = opts.log || defaultLog;
  const root = opts.root || findRoot();
  const vscodeEnv = opts.vscodeEnv || (await require('../setup/vscodeEnv').ensureVscodeEnv({ log }));
  const server = await startCodeServer({
    root,
    vscodeEnv,
    installExtension: !opts.vsix,
    vsix: opts.vsix,
    folder: opts.folder,
    settings: opts.settings,
    env: opts.env,
    log,
  });
  let browser;
  try {
    browser = await launchChromium({ tmpDir: path.join(server.tmpDir, 'chromium'), vscodeEnv });
    const page = await browser.newPage({ viewport: opts.viewport || { width: 1400, height: 900 } });
    page.on('pageerror', (err) => log(`[page error] ${err.message}`));
    // only wait for the response here: on a busy machine the page's "load" can take longer than goto's 30 s default,
    // and the activity bar below is what "ready" means anyway
    await page.goto(workbenchUrl(server, { folder: opts.folder }), { waitUntil: 'commit', timeout: opts.readyTimeoutMs || 60000 });
    await page.waitForSelector('.monaco-workbench .part.activitybar', { timeout: opts.readyTimeoutMs || 60000 });
    return {
      page,
      browser,
      server,
      close: async () => {
        await browser.close().catch(() => {});
        await server.stop();
      },
    };
  } catch (err) {
    if (browser) await browser.close().catch(() => {});
    await server.stop();
    throw err;
  }
}

module.exports = {
  startCodeServer,
  launchChromium,
  runIntegrationSuite,
  openWorkbench,
  workbenchUrl,
  remotePath,
  findRoot,
  freePort,
  DEFAULT_SETTINGS,
  CHROMIUM_ARGS,
  RESULT_MARKER,
};
