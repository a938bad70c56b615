// Mocha entry point for inside the extension host of a real VS Code (code-server's smoke-test driver loads it as
// `extensionTestsPath`, see test/support/codeServer.js). Runs every compiled `out/test/integration/**/*.test.js`
// with the BDD ui (describe/it), then prints one marker line the harness parses:
//   CW-RESULT {"passed":N,"failed":N,"skipped":N}
// run() resolves when every test passed and rejects otherwise, so the host's exit code agrees with the marker.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

/** Prefix of the totals line; keep in sync with RESULT_MARKER in test/support/codeServer.js. */
export const RESULT_MARKER = 'CW-RESULT ';

/** Every `*.test.js` file under `dir`, recursively, sorted for a stable order. */
function testFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...testFiles(full));
    else if (entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

/**
 * Runs the integration suite. Per-test timeout 30 s (tests wait for real socket events, never for time);
 * `CW_GREP` (on the code-server process) filters tests by title.
 */
export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30000 });
  if (process.env.CW_GREP) mocha.grep(process.env.CW_GREP);
  const files = testFiles(__dirname);
  for (const f of files) mocha.addFile(f);
  return new Promise<void>((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        const s = runner.stats;
        const totals = { passed: s?.passes ?? 0, failed: s?.failures ?? failures, skipped: s?.pending ?? 0 };
        console.log(`${RESULT_MARKER}${JSON.stringify(totals)}`);
        if (failures > 0 || files.length === 0) reject(new Error(`${failures} integration test(s) failed (${files.length} files)`));
        else resolve();
      });
    } catch (err) {
      console.log(`${RESULT_MARKER}${JSON.stringify({ passed: 0, failed: 1, skipped: 0 })}`);
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
