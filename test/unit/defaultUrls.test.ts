import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { defaultCovalentUrl } from '../../src/core/covalent/covalentDestination';
import { WARP_HOSTS } from '../../src/core/warp/warpStream';

describe('default endpoints', () => {
  it('package.json declares the engine\'s own defaults (one source: the provider modules)', () => {
    const pkg = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    assert.strictEqual(props['chainWatch.warp.mainnetUrl'].default, WARP_HOSTS.mainnet);
    assert.strictEqual(props['chainWatch.warp.testnetUrl'].default, WARP_HOSTS.testnet);
    assert.strictEqual(props['chainWatch.covalent.url'].default, defaultCovalentUrl);
  });
});
