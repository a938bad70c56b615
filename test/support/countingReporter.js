// Mocha reporter: the usual spec output, plus the totals written as JSON to $CW_RESULT_FILE so that
// test/runAll.js can add up every suite into one "N passed, N failed" line.
const Mocha = require('mocha');
const fs = require('fs');
const { EVENT_RUN_END } = Mocha.Runner.constants;

class CountingReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const s = runner.stats || {};
      const out = process.env.CW_RESULT_FILE;
      if (out) fs.writeFileSync(out, JSON.stringify({ passed: s.passes || 0, failed: s.failures || 0, skipped: s.pending || 0 }));
    });
  }
}
module.exports = CountingReporter;
