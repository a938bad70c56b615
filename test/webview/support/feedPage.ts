// Loads the real feed bundle (dist/media/feed.js) in headless Debian Chromium, in a page served from 127.0.0.1
// under the exact CSP the extension uses (src/vscode/feedHtml.ts), with a stub `acquireVsCodeApi` that records
// what the webview posts and lets the test post `ToFeed` messages. Shared by the safety tests and the benchmark.
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import type { AddressInfo } from 'net';
import type { Browser, Page } from 'playwright-core';
import { feedHtml, makeNonce } from '../../../src/vscode/feed/html';
import type { FeedEvent, FeedItem, FromFeed, ToFeed } from '../../../src/feed/protocol';

/** Chromium flags that keep every request on 127.0.0.1. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

/** The repository root (this file is bundled into out/test/..., so walk up to package.json + esbuild.js). */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 8; i++) {
    if (fs.existsSync(path.join(dir, 'esbuild.js')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return process.cwd();
}

// A dark theme's worth of --vscode-* variables, so the page looks and lays out like the real webview.
const themeCss = `:root{--vscode-font-family:sans-serif;--vscode-font-size:13px;--vscode-editor-font-family:monospace;
--vscode-editor-font-size:12px;--vscode-foreground:#ccc;--vscode-panel-background:#1e1e1e;--vscode-editor-background:#1e1e1e;
--vscode-input-background:#3c3c3c;--vscode-input-foreground:#ccc;--vscode-focusBorder:#007fd4;--vscode-badge-background:#4d4d4d;
--vscode-badge-foreground:#fff;--vscode-list-hoverBackground:#2a2d2e;--vscode-list-activeSelectionBackground:#04395e;
--vscode-list-inactiveSelectionBackground:#37373d;--vscode-descriptionForeground:#9d9d9d;--vscode-textLink-foreground:#3794ff;
--vscode-charts-blue:#3794ff;--vscode-charts-orange:#d18616;--vscode-charts-green:#89d185;--vscode-charts-purple:#b180d7;
--vscode-charts-yellow:#cca700;--vscode-charts-red:#f14c4c;--vscode-button-background:#0e639c;--vscode-button-foreground:#fff;
--vscode-editorWidget-background:#252526;--vscode-errorForeground:#f48771}`;

const mime: Record<string, string> = { '.js': 'text/javascript', '.css': 'text/css', '.ttf': 'font/ttf', '.map': 'application/json' };

/** A loopback server for the feed page: `/` is the document, `/dist/media/*` and `/media/*.css` the assets. */
export interface FeedServer {
  origin: string;
  /** Requests seen (path only): anything outside the allowed assets is a test failure. */
  requests: string[];
  close(): Promise<void>;
}

/** Starts the page server on 127.0.0.1 (a free port). */
export async function startFeedServer(root = repoRoot()): Promise<FeedServer> {
  const requests: string[] = [];
  let origin = '';
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', origin);
    requests.push(url.pathname);
    if (url.pathname === '/' || url.pathname === '/index.html') {
      const nonce = makeNonce();
      let html = feedHtml({
        cspSource: origin,
        nonce,
        scriptUri: `${origin}/dist/media/feed.js`,
        styleUri: `${origin}/media/feed.css`,
        codiconUri: `${origin}/dist/media/codicons/codicon.css`,
      });
      // The theme the workbench would inject; same origin, so the CSP above allows it like any extension style.
      html = html.replace('</head>', `<link rel="stylesheet" href="${origin}/test-theme.css">\n</head>`);
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(html);
      return;
    }
    if (url.pathname === '/driver.html') {
      // A blank same-origin page standing in for the extension host in benchmarks (see OpenOptions.bridge).
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!DOCTYPE html><title>feed driver</title>');
      return;
    }
    if (url.pathname === '/test-theme.css') {
      res.writeHead(200, { 'content-type': 'text/css' });
      res.end(themeCss);
      return;
    }
    const allowed = /^\/(dist\/media\/[\w./-]+|media\/[\w-]+\.css)$/.test(url.pathname) && !url.pathname.includes('..');
    const file = path.join(root, url.pathname);
    if (!allowed || !fs.existsSync(file)) {
      res.writeHead(404);
      res.end();
      return;
    }
    res.writeHead(200, { 'content-type': mime[path.extname(file)] ?? 'application/octet-stream' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Headless Debian Chromium with the offline flags and a throwaway profile. */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-feed-chromium-'));
  return chromium.launch({
    executablePath: process.env.CW_CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...chromiumArgs, ...extraArgs],
    env: { ...process.env, XDG_CONFIG_HOME: path.join(tmp, 'config'), XDG_CACHE_HOME: path.join(tmp, 'cache') },
  });
}

/** Options for {@link openFeed}. */
export interface OpenOptions {
  width?: number;
  height?: number;
  /** Initial webview state (what `getState()` returns), e.g. from a previous page's `state()`. */
  state?: unknown;
  /**
   * Also deliver messages posted on the BroadcastChannel `cw-feed` (from another page of the same context, e.g. the
   * benchmark's driver page) as window `message` events: like the host's messages, they are serialized in another
   * process and only deserialized on the feed's main thread.
   */
  bridge?: boolean;
}

/** A loaded feed page and helpers to talk to it like the host does. */
export interface FeedPage {
  page: Page;
  /** Posts a host message (ToFeed) to the webview. */
  send(msg: ToFeed): Promise<void>;
  /** Messages the webview posted (FromFeed), in order. */
  received(): Promise<FromFeed[]>;
  /** The last state the webview saved with setState. */
  state(): Promise<unknown>;
  /** Waits until `n` animation frames have run. */
  frames(n?: number): Promise<void>;
  /** CSP violations reported by the page. */
  violations(): Promise<string[]>;
  /** Uncaught page errors and console errors so far. */
  errors(): string[];
  /** Whether any injected payload ran (the global flag). */
  xss(): Promise<unknown>;
  close(): Promise<void>;
}

/** Opens the feed page (waits for the webview's `ready`). */
export async function openFeed(browser: Browser, server: FeedServer, opts: OpenOptions = {}): Promise<FeedPage> {
  const context = await browser.newContext({ viewport: { width: opts.width ?? 1200, height: opts.height ?? 600 } });
  const page = await context.newPage();
  await page.addInitScript((initial) => {
    const w = window as unknown as Record<string, unknown>;
    w.__fromFeed = [];
    w.__state = initial.state;
    w.__cspViolations = [];
    w.acquireVsCodeApi = () => ({
      postMessage: (m: unknown) => (w.__fromFeed as unknown[]).push(JSON.parse(JSON.stringify(m))),
      getState: () => w.__state,
      setState: (s: unknown) => {
        w.__state = JSON.parse(JSON.stringify(s));
      },
    });
    document.addEventListener('securitypolicyviolation', (e) => {
      (w.__cspViolations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`);
    });
    if (initial.bridge) {
      const ch = new BroadcastChannel('cw-feed');
      ch.onmessage = (e) => window.dispatchEvent(new MessageEvent('message', { data: e.data }));
    }
  }, { state: opts.state ?? null, bridge: opts.bridge === true });
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(err.message));
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  await page.goto(`${server.origin}/`);
  await page.waitForFunction(() => ((window as unknown as { __fromFeed: Array<{ type: string }> }).__fromFeed ?? []).some((m) => m.type === 'ready'));
  const fp: FeedPage = {
    page,
    send: (msg) => page.evaluate((m) => window.postMessage(m, '*'), msg as unknown as Record<string, unknown>),
    received: () => page.evaluate(() => (window as unknown as { __fromFeed: FromFeed[] }).__fromFeed),
    state: () => page.evaluate(() => (window as unknown as { __state: unknown }).__state),
    frames: (n = 2) =>
      page.evaluate(
        (count) =>
          new Promise<void>((resolve) => {
            let left = count;
            const tick = () => (--left <= 0 ? resolve() : requestAnimationFrame(tick));
            requestAnimationFrame(tick);
          }),
        n,
      ),
    violations: () => page.evaluate(() => (window as unknown as { __cspViolations: string[] }).__cspViolations),
    xss: () => page.evaluate(() => (window as unknown as { __xss?: unknown }).__xss),
    errors: () => errors,
    close: () => context.close(),
  };
  return fp;
}

/** A Warp-like Move event for tests and benches (about 400 bytes of JSON). */
export function makeEvent(i: number, over: Partial<FeedEvent> = {}, t0 = Date.now()): FeedEvent {
  // base58 (no 0, O, I, l): digits map to letters so every digest is a valid chip value
  const digest = `Dg${String(i).padStart(8, '0').replace(/\d/g, (d) => 'ABCDEFGHJK'[Number(d)]!)}${'1'.repeat(33)}`;
  const sender = `0x${(i % 97).toString(16).padStart(64, 'a')}`;
  return {
    id: `${1000000 + i}_${i % 7}_0`,
    stream: over.stream ?? 'demo',
    provider: 'warp',
    kind: 'event',
    name: 'event',
    digest,
    sequence: i % 7,
    checkpoint: 1000000 + i,
    timestamp: t0 + i,
    type: i % 3 === 0 ? '0xdee9::clob_v2::OrderPlaced' : '0xdee9::clob_v2::SwapEvent',
    sender,
    receivedAt: t0 + i,
    payload: {
      activityType: 'package_event',
      txDigest: digest,
      eventSequence: String(i % 7),
      checkpoint: String(1000000 + i),
      timestamp: String(t0 + i),
      type: i % 3 === 0 ? '0xdee9::clob_v2::OrderPlaced' : '0xdee9::clob_v2::SwapEvent',
      sender,
      data: { pool_id: `0x${'b'.repeat(64)}`, amount: String(i * 1000), price: String(1000 + (i % 50)), is_bid: i % 2 === 0 },
    },
    ...over,
  };
}

/** Event items for events [from, to). */
export function eventItems(from: number, to: number, over: Partial<FeedEvent> = {}, t0 = Date.now()): FeedItem[] {
  const out: FeedItem[] = [];
  for (let i = from; i < to; i++) out.push({ kind: 'event', event: makeEvent(i, over, t0) });
  return out;
}

/** The init message a host would send. */
export function initMessage(items: FeedItem[] = [], maxEvents = 10_000): Extract<ToFeed, { type: 'init' }> {
  return {
    type: 'init',
    maxEvents,
    streams: [
      { id: 'demo', label: 'Demo stream', color: 0, state: 'live' },
      { id: 'other', label: 'Other', color: 1, state: 'live' },
    ],
    items,
    savedFilters: [],
  };
}
