/** package.json contributions a new user meets first: settings whose defaults the Settings UI accepts. */
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

interface SettingSchema {
  type?: string;
  default?: unknown;
  format?: string;
  pattern?: string;
}

const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, SettingSchema> } | Array<{ properties: Record<string, SettingSchema> }> };
};

function settings(): Array<[string, SettingSchema]> {
  const c = manifest.contributes.configuration;
  const list = Array.isArray(c) ? c : [c];
  return list.flatMap((x) => Object.entries(x.properties));
}

describe('package.json settings', () => {
  it('every string default is valid for its own format and pattern (no red squiggle on an untouched setting)', () => {
    const checked: string[] = [];
    for (const [id, s] of settings()) {
      if (typeof s.default !== 'string') continue;
      if (s.format === 'uri') {
        assert.doesNotThrow(() => new URL(s.default as string), `${id}: default ${JSON.stringify(s.default)} is not a URI`);
        checked.push(id);
      }
      if (s.pattern) {
        assert.match(s.default, new RegExp(s.pattern), `${id}: default does not match its pattern`);
        checked.push(id);
      }
    }
    assert.ok(checked.includes('chainWatch.evm.defaultUrl'), 'the EVM default URL is checked');
  });

  it('the EVM default URL accepts ws:// and wss:// URLs and empty, and rejects http://', () => {
    const s = settings().find(([id]) => id === 'chainWatch.evm.defaultUrl')?.[1];
    const re = new RegExp(s?.pattern ?? '');
    for (const ok of ['', 'ws://127.0.0.1:8545', 'wss://eth.example.org/v2/key']) assert.match(ok, re);
    for (const bad of ['http://127.0.0.1:8545', 'ws://', 'localhost:8545']) assert.doesNotMatch(bad, re);
  });
});

describe('package.json: untrusted workspaces', () => {
  const restricted = (manifest as unknown as { capabilities: { untrustedWorkspaces: { restrictedConfigurations: string[] } } }).capabilities.untrustedWorkspaces
    .restrictedConfigurations;

  it('a workspace cannot raise the credit budget, lengthen the idle pause or grow the feed while untrusted', () => {
    for (const id of ['chainWatch.credits.dailyBudget', 'chainWatch.credits.pauseWhenIdleMinutes', 'chainWatch.feed.maxEvents']) assert.ok(restricted.includes(id), id);
  });

  it('every stream list, endpoint URL, credit and memory setting is restricted', () => {
    const sensitive = settings()
      .map(([id]) => id)
      .filter((id) => id === 'chainWatch.streams' || /url$/i.test(id) || id.startsWith('chainWatch.credits.') || id === 'chainWatch.feed.maxEvents');
    assert.ok(sensitive.length >= 8, sensitive.join());
    assert.deepStrictEqual(sensitive.filter((id) => !restricted.includes(id)), []);
  });
});
