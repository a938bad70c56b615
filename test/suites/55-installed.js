// The installed copy: packages the extension from a clean copy of the checkout (`npm run package`, which builds the
// production bundles), checks the .vsix file list (no sources, maps or screenshots; everything the manifest names is
// there) and its size budget, installs it with `--install-extension` into a fresh code-server extensions folder and
// runs test/installed/*.ts through the workbench opened without the development path.
// Counts: 1 for the package, 1 for its file list, 1 for its size, then one per passed UI step.
// Standalone: `node test/suites/55-installed.js` (after `node esbuild.js`).
const fs = require('fs');
const os = require('os');
const path = require('path');

/** The .vsix must stay under this (KiB). */
const VSIX_BUDGET_KB = 600;

async function runInstalled({ root }) {
  const log = (m) => process.stdout.write(`[installed] ${m}\n`);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const { packageFromCleanCopy, vsixEntries, checkPackageContents } = require(path.join(root, 'test', 'support', 'vsix.js'));
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-installed-'));
  try {
    let pkg;
    try {
      pkg = packageFromCleanCopy({ root, outDir: tmp, log });
      totals.passed++;
      log(`ok   npm run package from a clean copy wrote ${path.basename(pkg.vsix)} (${(pkg.bytes / 1024).toFixed(1)} KB) in ${pkg.ms} ms`);
    } catch (err) {
      log(`FAIL npm run package from a clean copy: ${err && err.message ? err.message : err}`);
      totals.failed++;
      return totals;
    }
    const problems = checkPackageContents(vsixEntries(pkg.vsix), JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')));
    if (problems.length === 0) {
      totals.passed++;
      log('ok   the package holds what runs and nothing else');
    } else {
      totals.failed++;
      log(`FAIL package contents:\n  ${problems.join('\n  ')}`);
    }
    const kb = pkg.bytes / 1024;
    if (kb < VSIX_BUDGET_KB) totals.passed++;
    else totals.failed++;
    log(`${kb < VSIX_BUDGET_KB ? 'ok  ' : 'FAIL'} .vsix ${kb.toFixed(1)} KB (budget ${VSIX_BUDGET_KB} KB)`);

    const { runUiScripts } = require(path.join(root, 'test', 'suites', '50-ui.js'));
    const r = await runUiScripts({ root, scriptsDir: path.join(root, 'out', 'test', 'installed'), tag: 'installed', workbench: { vsix: pkg.vsix } });
    totals.passed += r.passed;
    totals.failed += r.failed;
    return totals;
  } finally {
    if (process.env.CW_KEEP_TMP !== '1') fs.rmSync(tmp, { recursive: true, force: true });
  }
}

module.exports = {
  name: 'installed',
  order: 55,
  run: ({ root }) => runInstalled({ root }),
};

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  runInstalled({ root }).then((r) => {
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exitCode = r.failed > 0 ? 1 : 0;
  });
}
