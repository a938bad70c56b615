import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { capText, untrustedMarkdown, untrustedText, NOTICE_MAX_CHARS, UNTRUSTED_MAX_CHARS } from '../../src/core/untrustedText';
import { forgetSecret, registerSecret } from '../../src/core/redact';

const root = path.resolve(__dirname, '..', '..', '..');

/** The link shape VS Code's notifications turn into a clickable command (its linkedText parser). */
const notificationLink = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/i;

describe('untrustedText', () => {
  it('leaves no link a notification would render, whatever the server sent', () => {
    const hostile = [
      '[Click to fix](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D)',
      'execution reverted: [x](https://evil.example/p "t")',
      '<a href="command:x">y</a> `code` $(alert) ![img](https://evil.example/i.png)',
    ];
    for (const h of hostile) {
      const out = untrustedText(h);
      assert.ok(!notificationLink.test(out), out);
      assert.ok(!/[[\]<>`]/.test(out), out);
      assert.ok(!out.includes('$('), out);
    }
    assert.strictEqual(untrustedText('node said: [ok](command:a)'), 'node said: \uff3bok\uff3d(command:a)');
  });

  it('turns controls and line breaks into spaces and drops bidi overrides', () => {
    assert.strictEqual(untrustedText('a\nb\r\n\tc\u2028d\u202eevil\u202c'), 'a b c devil');
  });

  it('caps the length and ends a cut text with an ellipsis', () => {
    const out = untrustedText('x'.repeat(10_000));
    assert.strictEqual(out.length, NOTICE_MAX_CHARS);
    assert.ok(out.endsWith('…'));
    assert.strictEqual(untrustedText('abcdef', 4), 'abc…');
    assert.strictEqual(untrustedText('short'), 'short');
  });

  it('redacts keys before anything is shown', () => {
    registerSecret('s3cr3t-key-value');
    try {
      assert.strictEqual(untrustedText('failed for s3cr3t-key-value'), 'failed for ***');
    } finally {
      forgetSecret('s3cr3t-key-value');
    }
  });

  it('cuts a megabyte of text to a few KB before it is redacted', () => {
    const big = 'a.'.repeat(500_000);
    assert.ok(untrustedText(big, 10_000).length <= UNTRUSTED_MAX_CHARS + 1);
    const c = capText(big);
    assert.ok(c.length < UNTRUSTED_MAX_CHARS + 40);
    assert.ok(c.endsWith(`(${big.length - UNTRUSTED_MAX_CHARS} more characters)`));
  });

  it('markdown: escapes punctuation and breaks autolinks', () => {
    const out = untrustedMarkdown('**bold** https://evil.example www.evil.example [x](y)');
    assert.ok(!out.includes('://'));
    assert.ok(!/\bwww\./.test(out));
    assert.ok(out.startsWith('\\*\\*bold\\*\\*'));
    assert.ok(!/[[\]]/.test(out));
  });
});

describe('notifications carry untrusted text only through untrustedText', () => {
  /** Every `${…}` in the first argument of a show*Message call or a prompter ask(). */
  function interpolations(text: string): string[] {
    const out: string[] = [];
    for (const m of text.matchAll(/(?:show(?:Error|Warning|Information)Message|\.ask)\(\s*`([^`]*)`/g)) {
      for (const i of m[1]!.matchAll(/\$\{([^}]*(?:\{[^}]*\}[^}]*)*)\}/g)) out.push(i[1]!.trim());
    }
    return out;
  }
  // numbers and counts we computed ourselves
  const ours = /^(?:[\w.]+\.length|r\.problems\.length|Math\.round\([\w.]+\)\.toLocaleString\('en-US'\)|budget\.toLocaleString\('en-US'\))$/;

  function sources(dir: string): string[] {
    const out: string[] = [];
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) out.push(...sources(p));
      else if (e.name.endsWith('.ts')) out.push(p);
    }
    return out;
  }

  it('every interpolated value in src/vscode notifications is a count or passes through untrustedText', () => {
    const offenders: string[] = [];
    for (const f of sources(path.join(root, 'src/vscode'))) {
      for (const expr of interpolations(fs.readFileSync(f, 'utf8'))) {
        if (!expr.startsWith('untrustedText(') && !ours.test(expr)) offenders.push(`${path.relative(root, f)}: \${${expr}}`);
      }
    }
    assert.deepStrictEqual(offenders, []);
  });

  it('finds the interpolations it checks (the audit is not vacuous)', () => {
    assert.deepStrictEqual(interpolations('window.showErrorMessage(`A ${msg} b ${untrustedText(x)}`)'), ['msg', 'untrustedText(x)']);
  });
});
