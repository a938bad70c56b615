#!/usr/bin/env node
// `npm run bench`: runs every out/test/bench/*.bench.js in its own `node --expose-gc` process, collects the lines
// `BENCH-ROW {json}` each prints, and prints one markdown table (paste it into the README).
// Row JSON: {"row": name, "value": number, "unit": text, "target": text, "ok": bool, "note"?: text}
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..', '..');
const dir = path.join(root, 'out', 'test', 'bench');
const only = process.argv.slice(2);
const files = fs.existsSync(dir)
  ? fs.readdirSync(dir).filter((f) => f.endsWith('.bench.js') && (only.length === 0 || only.some((o) => f.includes(o)))).sort()
  : [];
const rows = [];
for (const f of files) {
  process.stderr.write(`bench ${f} ...\n`);
  const r = spawnSync(process.execPath, ['--expose-gc', '--enable-source-maps', path.join(dir, f)], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  let found = 0;
  for (const line of (r.stdout || '').split('\n')) {
    const m = line.match(/^BENCH-ROW (.*)$/);
    if (m) {
      rows.push(JSON.parse(m[1]));
      found++;
    }
  }
  if (r.status !== 0 || found === 0) rows.push({ row: f, value: NaN, unit: '', target: '', ok: false, note: `exit ${r.status}` });
}
const fmt = (v) => (typeof v === 'number' && Number.isFinite(v) ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : v.toFixed(2)) : String(v));
console.log('| benchmark | result | target | met |');
console.log('|---|---|---|---|');
for (const r of rows) console.log(`| ${r.row} | ${fmt(r.value)} ${r.unit || ''}${r.note ? ` (${r.note})` : ''} | ${r.target || ''} | ${r.ok ? 'yes' : 'no'} |`);
