#!/usr/bin/env node
// `npm run test:electron`: the same integration suite (out/test/integration/index.js, run by `npm test -- vscode` in
// code-server) inside desktop VS Code, through @vscode/test-electron. For contributors whose machine can download
// VS Code: the first run fetches a build (set CW_VSCODE_VERSION, default "stable") into .vscode-test/. CI uses
// code-server instead because its machines reach only the npm registry and Debian's packages, and VS Code builds
// come from update.code.visualstudio.com; code-server (VS Code OSS from the npm registry) runs the same suite in a
// real extension host. Fresh user-data and extensions folders per run; the suite sees the same environment as under
// code-server (CHAIN_WATCH_TEST=1, CHAIN_WATCH_TEST_DIR). Exit code 0 when every test passed.
// On Linux without a display, run it under xvfb-run.
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');

async function main() {
  const root = path.resolve(__dirname, '..', '..');
  const testsPath = path.join(root, 'out', 'test', 'integration', 'index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`${testsPath} is missing: run node esbuild.js first`);
  const { runTests } = require('@vscode/test-electron');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-electron-'));
  const testDir = path.join(tmp, 'chain-watch-test');
  const workspace = path.join(tmp, 'workspace');
  for (const d of [testDir, workspace]) fs.mkdirSync(d, { recursive: true });
  try {
    await runTests({
      version: process.env.CW_VSCODE_VERSION || 'stable',
      cachePath: path.join(root, '.vscode-test', 'electron'),
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      extensionTestsEnv: { CHAIN_WATCH_TEST: '1', CHAIN_WATCH_TEST_DIR: testDir },
      launchArgs: [
        workspace,
        '--user-data-dir', path.join(tmp, 'user-data'),
        '--extensions-dir', path.join(tmp, 'extensions'),
        '--disable-extensions',
        '--disable-workspace-trust',
        '--skip-welcome',
        '--skip-release-notes',
      ],
    });
  } finally {
    if (process.env.CW_KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`test:electron failed: ${err && err.message ? err.message : err}`);
  process.exit(1);
});
