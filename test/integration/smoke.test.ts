// Smoke test inside a real VS Code: the extension is installed under its id, activates, and returns its API.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'chain-watch.chain-watch';

describe('smoke: Chain Watch in a real VS Code', () => {
  it('is installed under its id, from this repository', () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not among the installed extensions`);
    assert.strictEqual(ext.packageJSON.name, 'chain-watch');
    assert.strictEqual(ext.packageJSON.publisher, 'chain-watch');
  });

  it('activates and returns its API object', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext);
    const api: unknown = await ext.activate();
    assert.strictEqual(ext.isActive, true);
    assert.notStrictEqual(api, undefined, 'activate() returned undefined');
    assert.notStrictEqual(api, null, 'activate() returned null');
    assert.strictEqual(typeof api, 'object');
  });

  it('runs with the harness environment (CHAIN_WATCH_TEST, a writable test dir)', () => {
    assert.strictEqual(process.env.CHAIN_WATCH_TEST, '1');
    const dir = process.env.CHAIN_WATCH_TEST_DIR;
    assert.ok(dir, 'CHAIN_WATCH_TEST_DIR is not set');
    // the dir is real and writable from the extension host
    const probe = path.join(dir, `smoke-${process.pid}.txt`);
    fs.writeFileSync(probe, 'ok');
    assert.strictEqual(fs.readFileSync(probe, 'utf8'), 'ok');
    fs.unlinkSync(probe);
  });
});
