// The integration suite inside a real VS Code: code-server (installed on first use into .vscode-test/) + Debian
// Chromium; mocha runs out/test/integration/**/*.test.js in the extension host (test/integration/index.ts).
// If the environment cannot be set up the suite says why and counts ONE FAILURE (not a skip): CI must notice.
const path = require('path');

module.exports = {
  name: 'vscode',
  order: 40,
  async run({ root }) {
    const log = (m) => process.stdout.write(`[vscode] ${m}\n`);
    let vscodeEnv;
    const t0 = Date.now();
    try {
      vscodeEnv = await require(path.join(root, 'test', 'setup', 'vscodeEnv.js')).ensureVscodeEnv();
    } catch (err) {
      log(`SETUP FAILED, integration tests not run (counted as 1 failure): ${err && err.message ? err.message : err}`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    log(`environment ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const { runIntegrationSuite } = require(path.join(root, 'test', 'support', 'codeServer.js'));
    const r = await runIntegrationSuite({ root, vscodeEnv, log });
    log(`integration run: ${r.passed} passed, ${r.failed} failed, ${r.skipped} skipped in ${(r.durationMs / 1000).toFixed(1)} s`);
    return { passed: r.passed, failed: r.failed, skipped: r.skipped };
  },
};
