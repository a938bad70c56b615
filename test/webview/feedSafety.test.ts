// The feed webview in headless Chromium: the real bundle under the real CSP, fed like the host feeds it.
// Safety: attacker-controlled payloads never execute (a global flag stays unset, no CSP violation is even attempted,
// no element is created from event text) and the layout holds. Behaviour: filter, pause with "N new", jump to
// latest, expand, keyboard, export, context data, state across hiding, virtualization.
import * as assert from 'assert';
import type { Browser } from 'playwright-core';
import { eventItems, initMessage, launchBrowser, makeEvent, openFeed, startFeedServer } from './support/feedPage';
import type { FeedPage, FeedServer } from './support/feedPage';
import type { FeedItem, FromFeed } from '../../src/feed/protocol';

let browser: Browser;
let server: FeedServer;
const pages: FeedPage[] = [];

async function open(opts: Parameters<typeof openFeed>[2] = {}): Promise<FeedPage> {
  const p = await openFeed(browser, server, opts);
  pages.push(p);
  return p;
}

/** Visible grid rows, top to bottom: their text per cell. */
async function rows(fp: FeedPage): Promise<string[][]> {
  return fp.page.evaluate(() => {
    const vp = document.getElementById('viewport')!;
    const vr = vp.getBoundingClientRect();
    return Array.from(document.querySelectorAll<HTMLElement>('.rows > .row'))
      .filter((r) => !r.hidden)
      .map((r) => ({ r, y: r.getBoundingClientRect().top }))
      .filter(({ r }) => {
        const b = r.getBoundingClientRect();
        return b.bottom > vr.top && b.top < vr.bottom;
      })
      .sort((a, b) => a.y - b.y)
      .map(({ r }) => Array.from(r.querySelectorAll<HTMLElement>('[role=gridcell]')).map((c) => c.textContent ?? ''));
  });
}
const statusText = (fp: FeedPage) => fp.page.locator('#status').textContent();
/** Waits (on the page's own rendering, up to 10 s) until the status line matches, then returns it. */
async function statusMatching(fp: FeedPage, re: RegExp): Promise<string> {
  await fp.page
    .waitForFunction((src) => new RegExp(src).test(document.getElementById('status')?.textContent ?? ''), re.source, { timeout: 10_000 })
    .catch(() => undefined);
  return (await statusText(fp)) ?? '';
}
const messages = async (fp: FeedPage, type: FromFeed['type']) => (await fp.received()).filter((m) => m.type === type);

const XSS = [
  '<img src=x onerror="window.__xss=1">',
  '<script>window.__xss=2</script>',
  'javascript:window.__xss=3',
  '<svg onload="window.__xss=4"></svg>',
  '<iframe srcdoc="<script>parent.__xss=5</script>"></iframe>',
  '"><img src=x onerror=window.__xss=6>',
  '<a href="javascript:window.__xss=7">click</a>',
];

function hostileItems(): FeedItem[] {
  const items: FeedItem[] = [];
  XSS.forEach((x, i) => {
    items.push({
      kind: 'event',
      event: makeEvent(i, {
        id: x,
        type: x,
        sender: x,
        digest: x,
        name: x,
        kind: 'unknown',
        warnings: [x],
        payload: { [x]: x, data: { [x]: [x, { deeper: x }] }, list: [x] },
      }),
    });
  });
  items.push({ kind: 'notice', notice: { stream: 'demo', level: 'error', message: XSS[0]!, at: Date.now() } });
  items.push({ kind: 'gap', gap: { stream: 'demo', gapId: 1, downAt: 0, resumedAt: Date.now(), downMs: 12_400, resumedFrom: XSS[1]!, mode: 'after', replayed: 37, continuity: 'unverified', duplicatesDropped: 0, reason: XSS[0]! } });
  return items;
}

describe('feed webview in Chromium (real bundle, real CSP)', function () {
  this.timeout(60_000);

  before(async () => {
    server = await startFeedServer();
    browser = await launchBrowser();
  });
  afterEach(async () => {
    const errors = pages.flatMap((p) => p.errors()).filter((e) => !/status of 404/.test(e));
    while (pages.length) await pages.pop()!.close();
    assert.deepStrictEqual(errors, [], 'the page logged errors');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('posts ready first and renders nothing until init', async () => {
    const fp = await open();
    const got = await fp.received();
    assert.strictEqual(got[0]?.type, 'ready');
    await fp.send({ type: 'items', items: eventItems(0, 5) }); // before init: must be ignored
    await fp.frames();
    assert.strictEqual((await rows(fp)).length, 0);
    await fp.send(initMessage(eventItems(0, 5)));
    await fp.frames();
    assert.strictEqual((await rows(fp)).length, 5);
  });

  it('the payloads used below are live: injected as HTML into a plain page they do set the flag', async () => {
    // Guards the safety test itself: if these payloads could not run anyway, "the flag stays unset" would prove nothing.
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    await page.goto(`${server.origin}/test-theme.css`); // any same-origin page without a CSP
    await page.evaluate((x) => {
      const d = document.createElement('div');
      d.innerHTML = x;
      document.documentElement.append(d);
    }, XSS[0]!);
    await page.waitForFunction(() => (window as unknown as { __xss?: number }).__xss === 1, undefined, { timeout: 5000 });
    await ctx.close();
  });

  it('hostile event data never executes, creates no elements and triggers no CSP violation', async () => {
    server.requests.length = 0;
    const fp = await open();
    await fp.send({ ...initMessage(hostileItems()), streams: [{ id: 'demo', label: XSS[0]!, color: 0 }], savedFilters: [{ name: XSS[1]!, text: XSS[2]!, regex: false, caseSensitive: false }] });
    await fp.frames(3);
    // expand every row, pretty and raw, so every string reaches the DOM
    const n = (await rows(fp)).length;
    assert.strictEqual(n, XSS.length + 2);
    await fp.page.locator('#grid').focus();
    for (let i = 0; i < n; i++) {
      await fp.page.keyboard.press(i === 0 ? 'Home' : 'ArrowDown');
      await fp.page.keyboard.press('Enter');
      await fp.frames();
      await fp.page.locator('#detail [data-action=toggle-raw]').click();
      await fp.frames();
      await fp.page.locator('#detail [data-action=toggle-raw]').click();
      await fp.page.locator('#grid').focus();
      await fp.page.keyboard.press('Escape');
    }
    await fp.page.locator('#jump').isVisible(); // settle
    await fp.frames(3);
    assert.strictEqual(await fp.xss(), undefined, 'a payload executed');
    assert.deepStrictEqual(await fp.violations(), [], 'something tried to run or load against the CSP');
    const foreign = await fp.page.evaluate(() =>
      Array.from(document.querySelectorAll('img, iframe, a, object, embed, script')).filter((e) => !(e instanceof HTMLScriptElement && e.nonce)).map((e) => e.outerHTML),
    );
    assert.deepStrictEqual(foreign, []);
    const svgs = await fp.page.evaluate(() => Array.from(document.querySelectorAll('svg')).filter((s) => s.getAttribute('onload') !== null).length);
    assert.strictEqual(svgs, 0);
    // the text is shown as text
    const body = await fp.page.evaluate(() => document.body.textContent ?? '');
    assert.ok(body.includes('<img src=x onerror='), 'payload text is displayed literally');
    assert.ok(server.requests.every((r) => r === '/' || r === '/favicon.ico' || r.startsWith('/dist/media/') || r.startsWith('/media/') || r === '/test-theme.css'), `unexpected requests: ${server.requests.join(' ')}`);
  });

  it('malformed items are skipped and reported; the rows around them render', async () => {
    const fp = await open();
    const bad = [
      { kind: 'weird' },
      { kind: 'event', event: { id: 5, stream: 'demo' } },
      { kind: 'event', event: null },
      { kind: 'gap', gap: { stream: 'demo' } },
      { kind: 'event', event: { ...makeEvent(99), type: { toString: null } as unknown as string, digest: 12 as unknown as string } },
      null,
    ] as unknown as FeedItem[];
    await fp.send(initMessage([...eventItems(0, 2), ...bad.slice(0, 2), ...eventItems(2, 4)]));
    await fp.send({ type: 'items', items: [...bad.slice(2), ...eventItems(4, 6)] });
    await fp.send({ type: 'items', items: 'not an array' as unknown as FeedItem[] });
    assert.match(await statusMatching(fp, /^7 of 7 rows/), /^7 of 7 rows · \d+ malformed rows skipped/);
    const r = await rows(fp);
    assert.strictEqual(r.length, 7);
    assert.ok(r.some((x) => x[5]!.startsWith('cannot show this row')), 'the half-broken event is shown as unreadable');
    assert.ok((await messages(fp, 'error')).length >= 2, 'the host is told');
  });

  it('javascript: and markup values get no explorer or copy action; a real digest goes only through the host', async () => {
    const fp = await open();
    const good = makeEvent(1);
    await fp.send(initMessage([{ kind: 'event', event: makeEvent(0, { digest: XSS[2]!, sender: XSS[2]! }) }, { kind: 'event', event: good }]));
    await fp.frames();
    const actionsHidden = await fp.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.rows > .row:not([hidden])'))
        .sort((a, b) => a.getBoundingClientRect().top - b.getBoundingClientRect().top)
        .map((r) => r.querySelector<HTMLElement>('.chip-actions')!.hidden),
    );
    assert.deepStrictEqual(actionsHidden, [true, false]);
    const ctxs = await fp.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.rows > .row:not([hidden])')).map((r) => JSON.parse(r.getAttribute('data-vscode-context')!)));
    assert.ok(ctxs.every((c) => c.webviewSection === 'chainWatchRow' && c.preventDefaultContextMenuItems === true));
    assert.strictEqual(ctxs.filter((c) => c.chainWatchHasDigest).length, 1);
    assert.ok(ctxs.some((c) => c.chainWatchDigest === good.digest));
    // hover the good row and open: the webview asks the host, with the digest
    const rowsEls = fp.page.locator('.rows > .row:not([hidden])');
    const idx = (await rows(fp)).findIndex((r) => r[3]!.startsWith(good.digest!.slice(0, 8)));
    const target = rowsEls.filter({ hasText: good.digest!.slice(0, 8) });
    await target.hover();
    await target.locator('[data-action=open-tx]').click();
    const opens = await messages(fp, 'openExplorer');
    assert.deepStrictEqual(opens, [{ type: 'openExplorer', stream: 'demo', target: 'tx', value: good.digest }], JSON.stringify(await fp.received()));
    assert.ok(idx >= 0);
  });

  it('a 1 MB string and RTL overrides: rows keep their height, nothing overflows, text is escaped', async () => {
    const fp = await open();
    const big = 'W'.repeat(1 << 20);
    const rtl = 'abc\u202Egnp.exe\u202C\u2066x\u2069';
    await fp.send(initMessage([
      { kind: 'event', event: makeEvent(0, { type: big, sender: rtl, payload: { data: { big, rtl } } }) },
      { kind: 'event', event: makeEvent(1, { type: rtl }) },
      ...eventItems(2, 5),
    ]));
    await fp.frames(2);
    const geo = await fp.page.evaluate(() => ({
      heights: Array.from(document.querySelectorAll<HTMLElement>('.rows > .row:not([hidden])')).map((r) => r.getBoundingClientRect().height),
      scrollW: document.documentElement.scrollWidth,
      clientW: document.documentElement.clientWidth,
      vpScrollW: document.getElementById('viewport')!.scrollWidth,
      vpClientW: document.getElementById('viewport')!.clientWidth,
      cellMax: Math.max(...Array.from(document.querySelectorAll('.rows .cell')).map((c) => (c.textContent ?? '').length)),
      hasRawRtl: document.body.textContent!.includes('\u202E'),
    }));
    assert.ok(geo.heights.every((h) => h === 22), `row heights ${geo.heights}`);
    assert.ok(geo.scrollW <= geo.clientW, 'page overflows horizontally');
    assert.ok(geo.vpScrollW <= geo.vpClientW, 'grid overflows horizontally');
    assert.ok(geo.cellMax <= 200, `a cell holds ${geo.cellMax} chars`);
    assert.strictEqual(geo.hasRawRtl, false, 'a raw RTL override reached the DOM');
    const r = await rows(fp);
    assert.ok(r[0]!.join(' ').includes('\\u202e'), 'the override is shown as an escape');
    // expanded: the big string is cut with "show all", and the detail box keeps its height
    await fp.page.locator('#grid').focus();
    await fp.page.keyboard.press('Home');
    await fp.page.keyboard.press('Enter');
    await fp.frames(2);
    const d = await fp.page.evaluate(() => {
      const det = document.getElementById('detail')!;
      return { h: det.getBoundingClientRect().height, text: det.textContent!.length, more: det.querySelectorAll('.more').length };
    });
    assert.ok(d.h > 100 && d.h <= 420, `detail height ${d.h}`);
    assert.ok(d.more >= 1, 'long value offers "show all"');
    assert.ok(d.text < 200_000, `detail renders ${d.text} chars before "show all"`);
    await fp.page.locator('#detail .more').first().click();
    await fp.frames();
    const full = await fp.page.evaluate(() => document.getElementById('detail')!.textContent!.length);
    assert.ok(full > 1 << 20, 'show all renders the complete value');
    const h2 = await fp.page.evaluate(() => document.getElementById('detail')!.getBoundingClientRect().height);
    assert.strictEqual(Math.round(h2), Math.round(d.h), 'the detail box height holds after showing 1 MB');
    assert.strictEqual(await fp.xss(), undefined);
  });

  it('filters by text, field terms and stream toggles; a bad regex shows an error and keeps the last filter', async () => {
    const fp = await open();
    await fp.send(initMessage([...eventItems(0, 30), ...eventItems(30, 40, { stream: 'other' })]));
    await fp.frames();
    assert.match((await statusText(fp))!, /^40 of 40 rows/);
    await fp.page.locator('#filter').fill('type:OrderPlaced');
    await fp.frames();
    assert.match((await statusText(fp))!, /^14 of 40 rows/); // i % 3 === 0 for i in 0..39
    assert.ok((await rows(fp)).every((r) => r[2]!.includes('OrderPlaced')));
    await fp.page.locator('#filter').fill('data.amount>=35000');
    await fp.frames();
    assert.match((await statusText(fp))!, /^5 of 40 rows/);
    await fp.page.locator('#filter').fill('stream:other -is_bid":true');
    await fp.frames();
    assert.match((await statusText(fp))!, /^5 of 40 rows/);
    await fp.page.locator('#regex').click();
    await fp.page.locator('#filter').fill('Swap(');
    await fp.frames();
    assert.strictEqual(await fp.page.locator('#filter-error').isVisible(), true);
    assert.match((await fp.page.locator('#filter-error').textContent())!, /invalid regular expression/);
    assert.match((await statusText(fp))!, /^5 of 40 rows/, 'previous filter kept');
    await fp.page.locator('#filter').fill('Swap(Event)');
    await fp.frames();
    assert.strictEqual(await fp.page.locator('#filter-error').isVisible(), false);
    assert.match((await statusText(fp))!, /^26 of 40 rows/);
    await fp.page.locator('#filter').fill('');
    await fp.page.locator('.stream-toggle[data-stream=other]').click();
    await fp.frames();
    assert.match((await statusText(fp))!, /^30 of 40 rows/);
    // new events respect the filter and the toggle
    await fp.send({ type: 'items', items: eventItems(40, 50, { stream: 'other' }) });
    await fp.frames();
    assert.match((await statusText(fp))!, /^30 of 50 rows/);
  });

  it('saved filters: save asks the host, picking one applies it, the same button then removes it', async () => {
    const fp = await open();
    await fp.send(initMessage([...eventItems(0, 30)]));
    await fp.page.locator('#filter').fill('type:OrderPlaced');
    await fp.page.locator('#save-filter').click();
    assert.deepStrictEqual((await messages(fp, 'saveFilter')).at(-1), { type: 'saveFilter', filter: { text: 'type:OrderPlaced', regex: false, caseSensitive: false } });
    await fp.send({ type: 'savedFilters', filters: [{ name: 'orders', text: 'type:OrderPlaced', regex: false, caseSensitive: false }] });
    await fp.page.locator('#filter').fill('');
    await fp.page.locator('#saved').selectOption('orders');
    assert.strictEqual(await fp.page.locator('#filter').inputValue(), 'type:OrderPlaced');
    assert.match(await statusMatching(fp, /^10 of 30 rows/), /^10 of 30 rows/);
    assert.match((await fp.page.locator('#save-filter').getAttribute('title'))!, /Remove saved filter "orders"/);
    await fp.page.locator('#save-filter').click();
    assert.deepStrictEqual((await messages(fp, 'deleteFilter')).at(-1), { type: 'deleteFilter', name: 'orders' });
  });

  it('pause freezes the view while events keep arriving, counts N new, and Jump to latest resumes', async () => {
    const fp = await open();
    await fp.send(initMessage(eventItems(0, 10)));
    await fp.frames();
    await fp.page.locator('#pause').click();
    assert.deepStrictEqual((await messages(fp, 'paused')).at(-1), { type: 'paused', paused: true });
    await fp.send({ type: 'items', items: eventItems(10, 40) });
    await fp.send({ type: 'items', items: eventItems(40, 47) });
    await fp.frames();
    assert.match((await fp.page.locator('#jump').textContent())!, /37 new · Jump to latest/);
    assert.match((await statusText(fp))!, /^10 of 10 rows · paused, 37 new/);
    const last = (await rows(fp)).at(-1)!;
    assert.ok(last[5]!.includes('amount=9000'), `last visible row while paused: ${last.join('|')}`);
    await fp.page.locator('#jump').click();
    // the webview kept nothing while paused: it asks the host for a snapshot (the host answers with its history)
    assert.deepStrictEqual((await messages(fp, 'resync')).length, 1);
    assert.match((await statusText(fp))!, /^10 of 10 rows/, 'nothing was collected while paused');
    await fp.send({ type: 'items', items: eventItems(40, 47) }); // sent before the host saw resync: in the snapshot
    await fp.send({ type: 'snapshot', items: eventItems(0, 47) });
    await fp.frames(2);
    assert.match((await statusText(fp))!, /^47 of 47 rows/);
    assert.strictEqual(await fp.page.locator('#jump').isVisible(), false);
    assert.ok((await rows(fp)).at(-1)![5]!.includes('amount=46000'), 'scrolled to the newest row');
  });

  it('auto-scroll follows only at the newest row; scrolled up, the view stays put and shows N new', async () => {
    const fp = await open({ height: 400 });
    await fp.send(initMessage(eventItems(0, 200)));
    await fp.frames(2);
    assert.ok((await rows(fp)).at(-1)![5]!.includes('amount=199000'));
    await fp.send({ type: 'items', items: eventItems(200, 210) });
    await fp.frames(2);
    assert.ok((await rows(fp)).at(-1)![5]!.includes('amount=209000'), 'follows while at the newest row');
    await fp.page.locator('#viewport').evaluate((v) => (v.scrollTop = 22 * 50));
    await fp.frames(2);
    const before = (await rows(fp))[0]!.join('|');
    await fp.send({ type: 'items', items: eventItems(210, 230) });
    await fp.frames(2);
    assert.strictEqual((await rows(fp))[0]!.join('|'), before, 'the view did not move');
    assert.match((await fp.page.locator('#jump').textContent())!, /20 new/);
    await fp.page.locator('#jump').click();
    await fp.frames(2);
    assert.ok((await rows(fp)).at(-1)![5]!.includes('amount=229000'));
  });

  it('keyboard: / focuses the filter, arrows move, Enter expands into JSON, c copies the digest, values copy', async () => {
    const fp = await open();
    await fp.send(initMessage(eventItems(0, 20)));
    await fp.frames();
    await fp.page.locator('#grid').focus();
    await fp.page.keyboard.press('/');
    assert.strictEqual(await fp.page.evaluate(() => document.activeElement?.id), 'filter');
    await fp.page.keyboard.press('Escape');
    assert.strictEqual(await fp.page.evaluate(() => document.activeElement?.id), 'grid');
    await fp.page.keyboard.press('End');
    await fp.page.keyboard.press('ArrowUp');
    await fp.frames();
    const sel = await fp.page.evaluate(() => {
      const id = document.getElementById('grid')!.getAttribute('aria-activedescendant');
      const r = id ? document.getElementById(id) : null;
      return r ? { text: r.textContent, selected: r.getAttribute('aria-selected') } : null;
    });
    assert.ok(sel && sel.selected === 'true' && sel.text!.includes('amount=18000'), `selected: ${JSON.stringify(sel)}`);
    await fp.page.keyboard.press('c');
    assert.deepStrictEqual((await messages(fp, 'copy')).at(-1), { type: 'copy', what: 'digest', text: makeEvent(18).digest });
    await fp.page.keyboard.press('Enter');
    await fp.frames();
    assert.strictEqual(await fp.page.locator('#detail').isVisible(), true);
    const detailText = (await fp.page.locator('#detail').textContent())!;
    assert.ok(detailText.includes('pool_id') && detailText.includes('"18000"'), 'pretty JSON of the payload');
    assert.strictEqual(await fp.page.locator('.rows > .row.expanded').getAttribute('aria-expanded'), 'true');
    const amountLine = fp.page.locator('#detail .json-line:not(:has(details))', { hasText: 'amount' }).first();
    await amountLine.hover();
    await amountLine.locator(':scope > [data-action=copy-value]').click();
    assert.deepStrictEqual((await messages(fp, 'copy')).at(-1), { type: 'copy', what: 'value', text: '18000' });
    await fp.page.locator('#detail [data-action=toggle-raw]').click();
    await fp.frames();
    assert.ok((await fp.page.locator('#detail .raw').textContent())!.includes('"activityType": "package_event"'));
    await fp.page.locator('#detail [data-action=open-json]').click();
    assert.deepStrictEqual((await messages(fp, 'openJson')).at(-1), { type: 'openJson', stream: 'demo', id: makeEvent(18).id });
  });

  it('gap and notice rows: the gap row reads like the spec and updates in place; colours and rates per stream', async () => {
    const fp = await open();
    const t0 = Date.now();
    const gap = (replayed: number): FeedItem => ({
      kind: 'gap',
      gap: { stream: 'demo', gapId: 4, downAt: t0 - 12_400, resumedAt: t0, downMs: 12_400, resumedFrom: '12345678_4_0', mode: 'after', replayed, continuity: 'verified', duplicatesDropped: 0 },
    });
    await fp.send(initMessage([...eventItems(0, 3, {}, t0), ...eventItems(3, 5, { stream: 'other' }, t0)]));
    await fp.send({ type: 'items', items: [gap(0), { kind: 'notice', notice: { stream: 'demo', level: 'error', message: 'quota exceeded', at: t0 } }] });
    await fp.send({ type: 'items', items: [...eventItems(5, 7, {}, t0), gap(37)] });
    await statusMatching(fp, /^9 of 9 rows/);
    await fp.frames(2);
    const r = await rows(fp);
    assert.strictEqual(r.length, 9, 'the second gap message updated the first row instead of adding one');
    const gapRow = r.find((x) => x[2]!.startsWith('gap'))!;
    assert.strictEqual(gapRow[5], 'down 12.4 s · 37 replayed · resumed from 12345678_4_0 · continuity verified');
    assert.ok(r.some((x) => x[2]!.startsWith('error') && x[5] === 'quota exceeded'));
    const dots = await fp.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.rows > .row:not([hidden])')).map((row) => [row.querySelector('.stream-text')!.textContent, row.querySelector('.dot')!.className]),
    );
    assert.ok(dots.filter(([l]) => l === 'Other').every(([, c]) => c === 'dot color-1'));
    assert.ok(dots.filter(([l]) => l === 'Demo stream').every(([, c]) => c === 'dot color-0'));
    // relative times
    await fp.page.locator('#time').click();
    await fp.frames(2);
    assert.ok((await rows(fp)).every((x) => /^(now|[\d.]+ s ago)$/.test(x[0]!)), JSON.stringify((await rows(fp)).map((x) => x[0])));
    // the sparkline counts this second's events per stream (shown after a second completes)
    await fp.page.waitForFunction(() => /^[1-9]\d*\/s$/.test(document.querySelector('.stream-toggle[data-stream=demo] .rate')?.textContent ?? ''), undefined, { timeout: 5000 });
  });

  it('exports the filtered set through the host', async () => {
    const fp = await open();
    await fp.send(initMessage(eventItems(0, 30)));
    await fp.frames();
    await fp.page.locator('#filter').fill('type:SwapEvent');
    await fp.page.locator('#export').click();
    await fp.page.locator('#export-scope').selectOption('filtered');
    await fp.page.locator('#export-format').selectOption('csv');
    await fp.page.locator('#export-go').click();
    const ex = (await messages(fp, 'export')).at(-1) as Extract<FromFeed, { type: 'export' }>;
    assert.strictEqual(ex.format, 'csv');
    assert.strictEqual(ex.scope, 'filtered');
    assert.strictEqual(ex.events.length, 20);
    assert.ok(ex.events.every((e) => e.type!.includes('SwapEvent')));
    await fp.send({ type: 'exported', ok: true, message: 'wrote 20 events' });
    assert.match((await statusText(fp))!, /wrote 20 events/);
  });

  it('virtualization: the DOM holds the same number of nodes for 100 and for 10,000 events', async () => {
    const fp = await open();
    await fp.send(initMessage(eventItems(0, 100)));
    await fp.frames(2);
    const count = () => fp.page.evaluate(() => document.getElementsByTagName('*').length);
    const small = await count();
    for (let k = 1; k < 100; k++) await fp.send({ type: 'items', items: eventItems(k * 100, k * 100 + 100) });
    assert.match(await statusMatching(fp, /^10,000 of 10,000 rows/), /^10,000 of 10,000 rows/);
    await fp.frames(2);
    const large = await count();
    assert.strictEqual(large, small, `DOM nodes ${small} -> ${large}`);
    // and the cap holds: 12,000 events keep 10,000 rows
    await fp.send({ type: 'items', items: eventItems(10_000, 12_000) });
    await fp.page.waitForFunction(() => (document.querySelector('.rows')?.textContent ?? '').includes('amount=11999000'));
    assert.match((await statusText(fp))!, /^10,000 of 10,000 rows/);
  });

  it('filter, pause and scroll anchor survive hiding the view (getState/setState, no retained context)', async () => {
    const t0 = Date.now();
    const fp = await open();
    await fp.send(initMessage(eventItems(0, 20, {}, t0)));
    await fp.frames();
    await fp.page.locator('#filter').fill('type:Swap');
    await fp.page.locator('#pause').click();
    await fp.frames();
    await new Promise((r) => setTimeout(r, 300)); // the webview saves state 150 ms after a change (real page timer)
    const state = await fp.state();
    await fp.close();
    pages.pop();
    // the host kept receiving while the view was hidden; it re-sends everything on ready
    const again = await open({ state });
    await again.send(initMessage(eventItems(0, 30, {}, t0)));
    await again.frames(2);
    assert.strictEqual(await again.page.locator('#filter').inputValue(), 'type:Swap');
    assert.strictEqual(await again.page.locator('#pause').getAttribute('aria-pressed'), 'true');
    assert.match((await again.page.locator('#jump').textContent())!, /10 new/);
    assert.match((await statusText(again))!, /^13 of 20 rows · paused, 10 new/);
  });

  it('reflows to a narrow sidebar without horizontal overflow', async () => {
    const fp = await open({ width: 300, height: 500 });
    await fp.send(initMessage(eventItems(0, 50)));
    await fp.frames(2);
    const geo = await fp.page.evaluate(() => ({
      scrollW: document.documentElement.scrollWidth,
      clientW: document.documentElement.clientWidth,
      summaryShown: getComputedStyle(document.querySelector('.rows .c-summary')!).display !== 'none',
      timeShown: getComputedStyle(document.querySelector('.rows .c-time')!).display !== 'none',
    }));
    assert.ok(geo.scrollW <= geo.clientW, `overflow ${geo.scrollW} > ${geo.clientW}`);
    assert.strictEqual(geo.summaryShown, false);
    assert.strictEqual(geo.timeShown, true);
  });
});
