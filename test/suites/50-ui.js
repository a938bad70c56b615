// UI runs in a real workbench: for each compiled UI script out/test/ui/*.js (from test/ui/*.ts), open a fresh
// code-server workbench with Chain Watch installed (toasts visible), call the script's run(ctx), close everything.
// Each passed ctx.step() counts as one pass; a script that throws counts one failure and leaves
// `<script>-FAILED.png`. Screenshots go to .vscode-test/screenshots/ (CW_SCREENSHOTS_DIR overrides).
// If the environment cannot be set up the suite says why and counts ONE FAILURE (not a skip): CI must notice.
// Standalone: `node test/suites/50-ui.js [scriptName...]` (after `node esbuild.js`).
const fs = require('fs');
const path = require('path');

async function runUi({ root, only = [] }) {
  return runUiScripts({ root, only, scriptsDir: path.join(root, 'out', 'test', 'ui'), tag: 'ui' });
}

/**
 * Runs every compiled UI script in `scriptsDir` (each in a fresh workbench; `workbench` options go to openWorkbench,
 * e.g. `{ vsix }` to install a package instead of linking the repository). Returns the step totals.
 */
async function runUiScripts({ root, only = [], scriptsDir, tag, workbench = {}, vscodeEnv: env0 }) {
  const log = (m) => process.stdout.write(`[${tag}] ${m}\n`);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const uiDir = scriptsDir;
  const scripts = fs.existsSync(uiDir)
    ? fs.readdirSync(uiDir).filter((f) => f.endsWith('.js')).filter((f) => only.length === 0 || only.includes(f.replace(/\.js$/, ''))).sort()
    : [];
  if (scripts.length === 0) {
    log(`no UI scripts in ${uiDir} (run node esbuild.js): counted as 1 failure`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  let vscodeEnv = env0;
  try {
    vscodeEnv ??= await require(path.join(root, 'test', 'setup', 'vscodeEnv.js')).ensureVscodeEnv();
  } catch (err) {
    log(`SETUP FAILED, UI scripts not run (counted as 1 failure): ${err && err.message ? err.message : err}`);
    return { passed: 0, failed: 1, skipped: 0 };
  }
  const { openWorkbench } = require(path.join(root, 'test', 'support', 'codeServer.js'));
  const screenshotsDir = process.env.CW_SCREENSHOTS_DIR || path.join(root, '.vscode-test', 'screenshots');
  process.env.CW_SCREENSHOTS_DIR = screenshotsDir;
  fs.mkdirSync(screenshotsDir, { recursive: true });

  for (const file of scripts) {
    const name = file.replace(/\.js$/, '');
    const slog = (m) => process.stdout.write(`[${tag}:${name}] ${m}\n`);
    const t0 = Date.now();
    let wb;
    try {
      const mod = require(path.join(uiDir, file));
      if (typeof mod.run !== 'function') throw new Error(`${file} exports no run(ctx)`);
      wb = await openWorkbench({ root, vscodeEnv, log: slog, ...workbench });
      slog(`workbench loaded in ${Date.now() - t0} ms`);
      const ctx = {
        page: wb.page,
        root,
        workspaceDir: wb.server.workspaceDir,
        testDir: wb.server.testDir,
        extensionsDir: wb.server.extensionsDir,
        userDataDir: wb.server.userDataDir,
        screenshotsDir,
        log: slog,
        async step(stepName, fn) {
          const s0 = Date.now();
          try {
            await fn();
          } catch (err) {
            slog(`  FAIL ${stepName}: ${err && err.message ? err.message : err}`);
            throw err;
          }
          totals.passed++;
          slog(`  ok   ${stepName} (${Date.now() - s0} ms)`);
        },
        /** A step that is written but not run, with the reason said in the log (counted as skipped). */
        skip(stepName, why) {
          totals.skipped++;
          slog(`  skip ${stepName}: ${why}`);
        },
      };
      await mod.run(ctx);
      slog(`done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    } catch (err) {
      totals.failed++;
      slog(`FAILED: ${err && err.stack ? err.stack : err}`);
      if (wb) {
        const shot = path.join(screenshotsDir, `${name}-FAILED.png`);
        await wb.page.screenshot({ path: shot }).then(() => slog(`saved ${shot}`), () => {});
      }
    } finally {
      if (wb) await wb.close();
    }
  }
  return totals;
}

module.exports = {
  name: 'ui',
  order: 50,
  run: ({ root }) => runUi({ root }),
  runUiScripts,
};

if (require.main === module) {
  const root = path.resolve(__dirname, '..', '..');
  runUi({ root, only: process.argv.slice(2) }).then((r) => {
    console.log(`${r.passed} passed, ${r.failed} failed`);
    process.exitCode = r.failed > 0 ? 1 : 0;
  });
}
