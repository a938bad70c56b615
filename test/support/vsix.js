// Packages Chain Watch the way a fresh clone does, and reads back what the .vsix holds.
//   packageFromCleanCopy({ root, outDir, log }) -> { vsix, bytes, ms, copyDir }
//       copies the files a clone would have (tracked + untracked-but-not-ignored: what the next commit holds) into
//       outDir/clone, links node_modules (what `npm ci` would install), runs `npm run package -- --out ...` there
//       (so vscode:prepublish builds the production bundles from nothing) and returns the .vsix.
//   vsixEntries(file) -> string[]   the paths inside the .vsix (zip central directory, no unzip needed)
//   checkPackageContents(entries, manifest) -> string[]   what is wrong with the file list (empty when right)
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

function packageFromCleanCopy({ root, outDir, log = () => {} }) {
  const t0 = Date.now();
  const copyDir = path.join(outDir, 'clone');
  fs.rmSync(copyDir, { recursive: true, force: true });
  const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' });
  if (ls.status !== 0) throw new Error(`git ls-files failed: ${ls.stderr}`);
  let copied = 0;
  for (const rel of ls.stdout.split('\0').filter(Boolean)) {
    const from = path.join(root, rel);
    if (!fs.existsSync(from) || fs.lstatSync(from).isSymbolicLink() || !fs.statSync(from).isFile()) continue;
    fs.mkdirSync(path.dirname(path.join(copyDir, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(copyDir, rel));
    copied++;
  }
  fs.symlinkSync(fs.realpathSync(path.join(root, 'node_modules')), path.join(copyDir, 'node_modules'), 'dir');
  const pkg = JSON.parse(fs.readFileSync(path.join(copyDir, 'package.json'), 'utf8'));
  const vsix = path.join(outDir, `${pkg.name}-${pkg.version}.vsix`);
  fs.rmSync(vsix, { force: true });
  log(`clean copy: ${copied} files; npm run package`);
  const r = spawnSync('npm', ['run', 'package', '--', '--out', vsix], { cwd: copyDir, encoding: 'utf8', timeout: 300000 });
  const out = `${r.stdout || ''}${r.stderr || ''}`;
  if (r.status !== 0 || !fs.existsSync(vsix)) throw new Error(`npm run package failed (${r.status ?? r.signal}):\n${out.slice(-3000)}`);
  for (const line of out.split('\n')) if (/WARNING|ERROR/i.test(line)) log(`vsce: ${line.trim()}`);
  return { vsix, bytes: fs.statSync(vsix).size, ms: Date.now() - t0, copyDir };
}

/** Every entry name in a zip file, read from its central directory. */
function vsixEntries(file) {
  const buf = fs.readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 65535); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const names = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const nameLen = buf.readUInt16LE(at + 28);
    const extraLen = buf.readUInt16LE(at + 30);
    const commentLen = buf.readUInt16LE(at + 32);
    names.push(buf.toString('utf8', at + 46, at + 46 + nameLen));
    at += 46 + nameLen + extraLen + commentLen;
  }
  return names;
}

/** Files the package must hold (besides what the manifest points at). */
const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/chunks/demo.js',
  'extension/dist/media/feed.js',
  'extension/dist/media/codicons/codicon.css',
  'extension/dist/media/codicons/codicon.ttf',
  'extension/media/feed.css',
  'extension/readme.md',
  'extension/changelog.md',
  'extension/LICENSE.txt',
];

/** What must never ship: sources, source maps, tests, screenshots, dependencies, packaging leftovers. */
const FORBIDDEN = [/\.ts$/, /\.map$/, /\/screenshots\//, /^extension\/(src|test|out|node_modules|\.vscode|\.ci)\//, /\.vsix$/, /^extension\/esbuild\.js$/, /^extension\/tsconfig\.json$/];

/** Problems with a package's file list: a required or manifest-referenced file missing, or a forbidden one present. */
function checkPackageContents(entries, manifest) {
  const have = new Set(entries);
  const problems = [];
  for (const f of REQUIRED) if (!have.has(f)) problems.push(`missing ${f}`);
  const referenced = new Set();
  const walk = (v) => {
    if (typeof v === 'string' && /^(\.\/)?(media|dist)\/[\w./-]+\.\w+$/.test(v)) referenced.add(v.replace(/^\.\//, ''));
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(manifest);
  for (const f of referenced) if (!have.has(`extension/${f}`)) problems.push(`missing ${f} (named in package.json)`);
  for (const e of entries) if (FORBIDDEN.some((re) => re.test(e))) problems.push(`ships ${e}`);
  return problems;
}

module.exports = { packageFromCleanCopy, vsixEntries, checkPackageContents, REQUIRED };
