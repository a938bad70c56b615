// Builds every bundle: the extension (plus its lazily loaded chunks), the standalone simulator, the feed webview, and
// the test/bench bundles. `--production` (run by `vscode:prepublish` before packaging) builds only what ships,
// minified and without source maps. Type-checking is separate (`npm run typecheck`); esbuild only strips types.
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');

/** Every `*.ts` file under `dir` (recursively) whose name passes `filter`. */
function filesUnder(dir, filter) {
  if (!fs.existsSync(dir)) return [];
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...filesUnder(full, filter));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && filter(entry.name)) out.push(full);
  }
  return out;
}

const node = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  external: ['vscode', 'mocha', 'playwright-core'],
};

/**
 * Modules the extension loads on first use, each as its own file under dist/chunks/: a dynamic `import()` of one of
 * them in the extension bundle becomes `require('./chunks/<name>.js')` at that point, so activation neither reads
 * nor runs them. (Test bundles import them normally.)
 */
const LAZY_CHUNKS = {
  'src/simulator/demoServers.ts': 'demo',
  'src/core/evm/evmDecode.ts': 'evmDecode',
  'src/core/artifacts/artifactIndex.ts': 'artifacts',
  'src/core/source/sourceIndex.ts': 'sourceIndex',
  'src/core/sui/suiGrpcClient.ts': 'sui',
  'src/simulator/suiNodeServer.ts': 'sui',
};

/** A chunk that several lazily loaded modules share is built from its own entry (one copy of what they share). */
const CHUNK_ENTRIES = { sui: 'src/suiChunk.ts' };
const chunkEntry = (name) => CHUNK_ENTRIES[name] ?? Object.keys(LAZY_CHUNKS).find((entry) => LAZY_CHUNKS[entry] === name);

const lazyChunks = {
  name: 'lazy-chunks',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const r = await build.resolve(args.path, { resolveDir: args.resolveDir, kind: 'import-statement' });
      const name = LAZY_CHUNKS[path.relative(__dirname, r.path).split(path.sep).join('/')];
      return name ? { path: `./chunks/${name}.js`, external: true } : undefined;
    });
  },
};

/** Every build; `ship: true` marks the ones the package holds (the only ones `--production` builds). */
const builds = [
  // `import()` compiled to require(): the extension host loads CommonJS chunks the way it loads the extension
  { ship: true, ...node, entryPoints: ['src/extension.ts'], outfile: 'dist/extension.js', plugins: [lazyChunks], supported: { 'dynamic-import': false } },
  ...[...new Set(Object.values(LAZY_CHUNKS))].map((name) => ({ ship: true, ...node, entryPoints: [chunkEntry(name)], outfile: `dist/chunks/${name}.js` })),
  { ...node, entryPoints: ['src/simulator/cli.ts'], outfile: 'dist/simulator.js' },
  {
    ...node,
    // every TypeScript file under test/ is an entry, except shared helpers in test/**/support/
    entryPoints: filesUnder('test', () => true).filter((f) => !f.split(path.sep).includes('support')),
    outdir: 'out/test',
    outbase: 'test',
  },
];
if (fs.existsSync('media/feed/main.ts')) {
  builds.push({
    ship: true,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: production ? false : 'linked',
    minify: production,
    logLevel: 'warning',
    entryPoints: ['media/feed/main.ts'],
    outfile: 'dist/media/feed.js',
  });
}

/** The feed webview's icon font: copied from @vscode/codicons so the packaged extension does not need node_modules. */
function copyCodicons() {
  const from = path.join('node_modules', '@vscode', 'codicons', 'dist');
  const to = path.join('dist', 'media', 'codicons');
  if (!fs.existsSync(from)) return;
  fs.mkdirSync(to, { recursive: true });
  for (const f of ['codicon.css', 'codicon.ttf']) fs.copyFileSync(path.join(from, f), path.join(to, f));
}

// Watch mode: one "[watch] build started" / "[watch] build finished" pair around each rebuild, and between them
// every error of every bundle (the latest result of each) as two lines, `✘ [ERROR] text` then
// `    file:line:column:`, which the watch task's problem matcher (.vscode/tasks.json) turns into Problems. Listing
// all bundles' errors each time keeps an error of one bundle in Problems while another bundle rebuilds clean.
let building = 0;
const errorsByBundle = new Map();
function problemMatcherPlugin(bundle) {
  return {
    name: 'problem-matcher',
    setup(build) {
      build.onStart(() => {
        if (building++ === 0) console.log('[watch] build started');
      });
      build.onEnd((result) => {
        errorsByBundle.set(bundle, result.errors);
        if (--building > 0) return;
        const seen = new Set();
        for (const { text, location } of [...errorsByBundle.values()].flat()) {
          const where = location ? `${location.file}:${location.line}:${location.column + 1}` : 'esbuild.js:1:1';
          if (seen.has(`${where} ${text}`)) continue;
          seen.add(`${where} ${text}`);
          console.error(`✘ [ERROR] ${text}`);
          console.error(`    ${where}:`);
        }
        console.log('[watch] build finished');
      });
    },
  };
}

async function main() {
  // a production build starts from an empty dist/ so no development bundle or source map can reach the package
  if (production) fs.rmSync('dist', { recursive: true, force: true });
  copyCodicons();
  const present = builds
    .filter((b) => b.ship || !production)
    .map(({ ship: _ship, ...options }) => options)
    .filter((b) => (b.entryPoints || []).length > 0 && b.entryPoints.every((e) => fs.existsSync(e)));
  if (watch) {
    for (const [i, b] of present.entries()) await (await esbuild.context({ ...b, plugins: [...(b.plugins || []), problemMatcherPlugin(i)] })).watch();
  } else {
    await Promise.all(present.map((b) => esbuild.build(b)));
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
