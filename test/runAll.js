#!/usr/bin/env node
// The README's test command (`npm test`): builds, type-checks, then runs every suite in test/suites/*.js in
// order and ends with one line "N passed, N failed[, N skipped]". Each suite module exports
//   { name, order, run(ctx) -> Promise<{passed, failed, skipped}> }
// and installs/starts whatever real service it needs (idempotently). A suite that throws counts as one failure.
// Run a subset with: npm test -- unit stomp
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
process.chdir(root);

function sh(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  return r.status === null ? 1 : r.status;
}

async function main() {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const lines = [];

  console.log('== build');
  if (sh('node', ['esbuild.js']) !== 0) {
    totals.failed++;
    lines.push('build: FAILED');
  }
  console.log('== typecheck');
  if (sh('node', [path.join('node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--noEmit']) !== 0) {
    totals.failed++;
    lines.push('typecheck: FAILED');
  } else {
    totals.passed++;
    lines.push('typecheck: ok');
  }

  const suiteDir = path.join(__dirname, 'suites');
  const suites = fs
    .readdirSync(suiteDir)
    .filter((f) => f.endsWith('.js'))
    .map((f) => require(path.join(suiteDir, f)))
    .filter((s) => only.length === 0 || only.includes(s.name))
    .sort((a, b) => (a.order ?? 50) - (b.order ?? 50));

  for (const suite of suites) {
    console.log(`\n== suite ${suite.name}`);
    const started = Date.now();
    let r;
    try {
      r = await suite.run({ root, sh });
    } catch (err) {
      console.error(`suite ${suite.name} crashed:`, err && err.stack ? err.stack : err);
      r = { passed: 0, failed: 1, skipped: 0 };
    }
    totals.passed += r.passed || 0;
    totals.failed += r.failed || 0;
    totals.skipped += r.skipped || 0;
    lines.push(`${suite.name}: ${r.passed || 0} passed, ${r.failed || 0} failed${r.skipped ? `, ${r.skipped} skipped` : ''} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  }

  console.log('\n== summary');
  for (const l of lines) console.log('  ' + l);
  console.log(`${totals.passed} passed, ${totals.failed} failed${totals.skipped ? `, ${totals.skipped} skipped` : ''}`);
  process.exitCode = totals.failed > 0 ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  console.log('0 passed, 1 failed');
  process.exit(1);
});
