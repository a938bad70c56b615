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

  /** Every import specifier in `file` (static, dynamic and require), with the file it resolves to when relative. */
  function importsOf(file: string): { spec: string; target?: string }[] {
    const text = fs.readFileSync(file, 'utf8');
    const out: { spec: string; target?: string }[] = [];
    for (const m of text.matchAll(/(?:^\s*(?:import|export)\s(?:[^;'"]*?\sfrom\s)?\s*|\bimport\(\s*|\brequire\(\s*)['"]([^'"]+)['"]/gm)) {
      const spec = m[1]!;
      out.push(spec.startsWith('.') ? { spec, target: path.resolve(path.dirname(file), spec) } : { spec });
    }
    return out;
  }
  const inside = (target: string, dir: string) => !path.relative(path.join(root, dir), target).startsWith('..');
  const nodeBuiltins = /^(?:node:|fs$|path$|http$|https$|http2$|net$|os$|crypto$|events$|url$|zlib$|stream$|util$|buffer$|timers$|string_decoder$|child_process$)/;
  const coreLibraries = /^(?:ws$|eventsource-parser$|@stomp\/stompjs$|graphql-ws$|graphql$|viem(?:\/|$)|@mysten\/sui(?:\/|$)|@grpc\/grpc-js$|@protobuf-ts\/)/;

  it('src/core imports only itself, Node built-ins and its protocol libraries', () => {
    const bad: string[] = [];
    for (const f of files(path.join(root, 'src/core'), ['.ts'])) {
      for (const { spec, target } of importsOf(f)) {
        const ok = target ? inside(target, 'src/core') : nodeBuiltins.test(spec) || coreLibraries.test(spec);
        if (!ok) bad.push(`${path.relative(root, f)}: ${spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('src/feed imports only itself (no vscode, no Node, no core)', () => {
    const list = files(path.join(root, 'src/feed'), ['.ts']);
    assert.ok(list.length > 0, 'src/feed has files');
    const bad: string[] = [];
    for (const f of list) {
      for (const { spec, target } of importsOf(f)) if (!target || !inside(target, 'src/feed')) bad.push(`${path.relative(root, f)}: ${spec}`);
    }
    assert.deepStrictEqual(bad, []);
  });

  it('media imports only src/feed and itself', () => {
    const bad: string[] = [];
    for (const f of files(path.join(root, 'media'), ['.ts'])) {
      for (const { spec, target } of importsOf(f)) {
        if (!target || !(inside(target, 'media') || inside(target, 'src/feed'))) bad.push(`${path.relative(root, f)}: ${spec}`);
      }
    }
    assert.deepStrictEqual(bad, []);
  });

  it('the import scanner sees static, dynamic and require imports', () => {
    const tmp = path.join(root, 'out', 'boundary-probe.ts');
    fs.mkdirSync(path.dirname(tmp), { recursive: true });
    fs.writeFileSync(tmp, `import { a } from '../src/core/clock';\nconst b = require('vscode');\nconst c = import('./x');\n`);
    try {
      assert.deepStrictEqual(importsOf(tmp).map((i) => i.spec), ['../src/core/clock', 'vscode', './x']);
    } finally {
      fs.rmSync(tmp);
    }
  });

  it('the check itself catches a vscode import', () => {
    assert.ok(importsVscode.test(`import * as vscode from 'vscode';`));
    assert.ok(importsVscode.test(`const v = require("vscode")`));
    assert.ok(!importsVscode.test(`import { x } from './vscodeish';`));
  });
});
