import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';

/** Every file under `dir` with one of `exts`. */
function files(dir: string, exts: string[]): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...files(p, exts));
    else if (exts.some((x) => e.name.endsWith(x))) out.push(p);
  }
  return out;
}

const root = path.resolve(__dirname, '..', '..', '..');
const importsVscode = /(?:from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\))/;

describe('layer boundaries', () => {
  for (const dir of ['src/core', 'src/simulator', 'media']) {
    it(`${dir} never imports vscode`, () => {
      const list = files(path.join(root, dir), ['.ts', '.js']);
      if (dir !== 'media') assert.ok(list.length > 0, `${dir} has files`);
      const offenders = list.filter((f) => importsVscode.test(fs.readFileSync(f, 'utf8')));
      assert.deepStrictEqual(offenders.map((f) => path.relative(root, f)), []);
    });
  }

  it('src/core imports nothing outside itself except Node built-ins, its libraries and the import-free feed protocol', () => {
    const allowed = /^(?:\.\/|\.\.\/feedProtocol$|node:|ws$|eventsource-parser$|@stomp\/stompjs$|fs$|path$|http$|https$|net$|os$|crypto$|events$|url$|zlib$|stream$|util$|buffer$|timers$|string_decoder$)/;
    const bad: string[] = [];
    for (const f of files(path.join(root, 'src/core'), ['.ts'])) {
      for (const m of fs.readFileSync(f, 'utf8').matchAll(/^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s)?\s*['"]([^'"]+)['"]/gm)) {
        if (!allowed.test(m[1])) bad.push(`${path.relative(root, f)}: ${m[1]}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('the check itself catches a vscode import', () => {
    assert.ok(importsVscode.test(`import * as vscode from 'vscode';`));
    assert.ok(importsVscode.test(`const v = require("vscode")`));
    assert.ok(!importsVscode.test(`import { x } from './vscodeish';`));
  });
});
