// The feed webview in headless Debian Chromium: the real bundle (dist/media/feed.js) under the extension's CSP, in a
// page served from 127.0.0.1, driven like the host drives it (test/webview/*.test.ts). Installs Chromium with apt when
// it is missing (idempotent). If Chromium cannot be had, the suite counts ONE FAILURE: CI must notice.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');
const { runMocha } = require('../support/mochaSuite');

const CHROMIUM = process.env.CW_CHROMIUM || '/usr/bin/chromium';

function ensureChromium() {
  if (fs.existsSync(CHROMIUM)) return true;
  const apt = (args) => spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  // The dpkg lock may be held by another installer for a while: retry a few times.
  for (let attempt = 0; attempt < 5 && !fs.existsSync(CHROMIUM); attempt++) {
    if (attempt === 0) apt(['update']);
    const r = apt(['install', '-y', '--no-install-recommends', 'chromium']);
    if (r.status === 0) break;
    spawnSync('sleep', ['15']);
  }
  return fs.existsSync(CHROMIUM);
}

module.exports = {
  name: 'feed',
  order: 45,
  async run({ root }) {
    if (!fs.existsSync(path.join(root, 'dist', 'media', 'feed.js'))) {
      console.log('[feed] dist/media/feed.js is missing (build failed?): counted as 1 failure');
      return { passed: 0, failed: 1, skipped: 0 };
    }
    if (!ensureChromium()) {
      console.log(`[feed] ${CHROMIUM} is not installed and apt-get could not install it: counted as 1 failure`);
      return { passed: 0, failed: 1, skipped: 0 };
    }
    return runMocha(root, ['out/test/webview/**/*.test.js'], { timeoutMs: 60000 });
  },
};
