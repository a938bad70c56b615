// Helper for suite modules: runs mocha on a glob in a child process (plain Node) with the counting reporter.
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

/**
 * Runs `mocha` on the given compiled test files. Returns {passed, failed, skipped}.
 * @param {string} root project root
 * @param {string[]} specs globs relative to root (quoted for mocha's own globbing)
 * @param {{env?: object, timeoutMs?: number, extraArgs?: string[]}} [opts]
 */
function runMocha(root, specs, opts = {}) {
  const resultFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cw-mocha-')), 'result.json');
  const args = [
    '--enable-source-maps',
    path.join(root, 'node_modules', 'mocha', 'bin', 'mocha.js'),
    '--reporter',
    path.join(root, 'test', 'support', 'countingReporter.js'),
    '--timeout',
    String(opts.timeoutMs ?? 20000),
    '--exit',
    ...(opts.extraArgs || []),
    ...specs,
  ];
  const r = spawnSync(process.execPath, args, {
    stdio: 'inherit',
    cwd: root,
    env: { ...process.env, ...(opts.env || {}), CW_RESULT_FILE: resultFile },
  });
  if (fs.existsSync(resultFile)) {
    const res = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    // A crash after the run (non-zero exit with zero failures) still counts as a failure.
    if (r.status !== 0 && res.failed === 0) res.failed = 1;
    return res;
  }
  return { passed: 0, failed: 1, skipped: 0 };
}

module.exports = { runMocha };
