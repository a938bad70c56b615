import * as assert from 'assert';
import { feedCsp, feedHtml, makeNonce } from '../../src/vscode/feed/html';

describe('feedHtml: the webview document and its CSP', () => {
  it('allows nothing by default, scripts only by nonce, styles/fonts/images only from the extension', () => {
    const csp = feedCsp('https://ext.example', 'N0nce');
    const d = Object.fromEntries(csp.split(';').map((x) => x.trim().split(/\s+/)).map(([k, ...v]) => [k, v.join(' ')]));
    assert.strictEqual(d['default-src'], "'none'");
    assert.strictEqual(d['script-src'], "'nonce-N0nce'");
    assert.strictEqual(d['style-src'], 'https://ext.example');
    assert.strictEqual(d['font-src'], 'https://ext.example');
    assert.ok(!csp.includes('unsafe'), csp);
  });
  it('loads the one script with the nonce and escapes attribute values', () => {
    const html = feedHtml({ cspSource: 'src', nonce: 'abc', scriptUri: 'x.js?a="b"', styleUri: 's.css', codiconUri: 'c.css' });
    assert.strictEqual((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="abc" src="x\.js\?a=&quot;b&quot;"><\/script>/);
    assert.ok(!html.includes('x.js?a="b"'));
  });
  it('makes 32-character alphanumeric nonces', () => {
    const n = makeNonce();
    assert.match(n, /^[A-Za-z0-9]{32}$/);
    assert.notStrictEqual(makeNonce(), n);
  });
});
