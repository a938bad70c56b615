// The feed as a new user meets it in the first hour: rows hold still under the pointer, rows of a removed stream keep
// its label and colour, and the layout holds at 600, 900 and 1400 px (time with milliseconds, one ellipsis on a
// digest, the gap row's replayed count visible, an opaque header, a visible sparkline on a pressed chip).
import * as assert from 'assert';
import type { Browser } from 'playwright-core';
import { eventItems, initMessage, launchBrowser, openFeed, startFeedServer } from './support/feedPage';
import type { FeedPage, FeedServer } from './support/feedPage';
import type { FeedItem } from '../../src/feed/protocol';

let browser: Browser;
let server: FeedServer;
const pages: FeedPage[] = [];

async function open(opts: Parameters<typeof openFeed>[2] = {}): Promise<FeedPage> {
  const p = await openFeed(browser, server, opts);
  pages.push(p);
  return p;
}

/** Text of the visible rows' summary cells, top to bottom. */
async function summaries(fp: FeedPage): Promise<string[]> {
  return fp.page.evaluate(() => {
    const vr = document.getElementById('viewport')!.getBoundingClientRect();
    return Array.from(document.querySelectorAll<HTMLElement>('.rows > .row:not([hidden])'))
      .map((r) => ({ r, y: r.getBoundingClientRect().top }))
      .filter(({ y }) => y >= vr.top - 1 && y < vr.bottom)
      .sort((a, b) => a.y - b.y)
      .map(({ r }) => r.querySelector('.c-summary')?.textContent ?? '');
  });
}

describe('feed webview: the first hour (Chromium, real bundle)', function () {
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

  it('rows hold still while the pointer is over them (N new counts), and following resumes when it leaves', async () => {
    const fp = await open({ height: 400 });
    await fp.send(initMessage(eventItems(0, 200)));
    await fp.frames(2);
    const box = (await fp.page.locator('#viewport').boundingBox())!;
    await fp.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    const before = await summaries(fp);
    await fp.send({ type: 'items', items: eventItems(200, 212) });
    await fp.frames(3);
    assert.deepStrictEqual(await summaries(fp), before, 'the rows under the pointer did not move');
    assert.match((await fp.page.locator('#jump').textContent()) ?? '', /12 new/);
    await fp.page.mouse.move(box.x + box.width / 2, box.y - 60);
    await fp.frames(3);
    assert.ok((await summaries(fp)).at(-1)!.includes('amount=211000'), 'follows the newest row again');
    assert.ok(await fp.page.locator('#jump').isHidden());
  });

  it('rows stay held when the scroll event of the last follow-scroll arrives after the hold began', async () => {
    const fp = await open({ height: 400 });
    await fp.send(initMessage(eventItems(0, 200)));
    await fp.frames(2);
    const box = (await fp.page.locator('#viewport').boundingBox())!;
    await fp.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await fp.page.locator('.feed.held').waitFor({ state: 'attached', timeout: 5000 });
    const before = await summaries(fp);
    // the view is at the bottom: a late scroll event there (queued by the follow-scroll before the hold) ...
    await fp.page.evaluate(() => document.getElementById('viewport')!.dispatchEvent(new Event('scroll')));
    await fp.send({ type: 'items', items: eventItems(200, 212) });
    await fp.frames(3);
    // ... must not make the view follow while the pointer is still over the rows
    assert.deepStrictEqual(await summaries(fp), before, 'the rows under the pointer moved');
    assert.match((await fp.page.locator('#jump').textContent()) ?? '', /12 new/);
    await fp.page.mouse.move(box.x + box.width / 2, box.y - 60);
    await fp.frames(3);
    assert.ok((await summaries(fp)).at(-1)!.includes('amount=211000'), 'follows the newest row again');
  });

  it('a removed stream keeps its label and colour in the rows that outlive it; it has no toggle', async () => {
    const fp = await open();
    await fp.send(initMessage([...eventItems(0, 3), ...eventItems(3, 6, { stream: 'other' })]));
    await fp.frames(2);
    await fp.send({ type: 'streams', streams: [{ id: 'demo', label: 'Demo stream', color: 0, state: 'live' }, { id: 'other', label: 'Other', color: 1, gone: true }] });
    await fp.frames(3);
    const looks = await fp.page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLElement>('.rows > .row:not([hidden])')).map((r) => [r.querySelector('.stream-text')!.textContent, r.querySelector('.dot')!.className]),
    );
    assert.strictEqual(looks.filter(([l, c]) => l === 'Other' && c === 'dot color-1').length, 3, JSON.stringify(looks));
    assert.ok(!looks.some(([l]) => l === 'other'), 'no raw id');
    assert.strictEqual(await fp.page.locator('.stream-toggle[data-stream=other]').count(), 0);
    assert.strictEqual(await fp.page.locator('.stream-toggle[data-stream=demo]').count(), 1);
  });

  it('in the Feed view the toolbar has no pause button (the title bar has it) and the view reports its pause state', async () => {
    const fp = await open();
    await fp.send({ ...initMessage(eventItems(0, 3)), inView: true });
    await fp.frames(2);
    assert.ok(await fp.page.locator('#pause').isHidden(), 'one pause control: the title bar');
    assert.ok(await fp.page.locator('#export').isVisible());
    assert.deepStrictEqual((await fp.received()).filter((m) => m.type === 'paused').at(-1), { type: 'paused', paused: false });
    await fp.send({ type: 'command', command: 'togglePause' });
    await fp.frames(2);
    assert.deepStrictEqual((await fp.received()).filter((m) => m.type === 'paused').at(-1), { type: 'paused', paused: true });
    const panel = await open();
    await panel.send({ ...initMessage(eventItems(0, 3)), onlyStream: 'demo' });
    await panel.frames(2);
    assert.ok(await panel.page.locator('#pause').isVisible(), 'an editor panel keeps its own pause button');
  });

  for (const width of [600, 900, 1400]) {
    it(`layout at ${width} px: milliseconds, one ellipsis, the replayed count, an opaque header, a visible sparkline`, async () => {
      const fp = await open({ width, height: 500 });
      const t0 = Date.now();
      const gap: FeedItem = {
        kind: 'gap',
        gap: { stream: 'demo', gapId: 1, downAt: t0 - 12_400, resumedAt: t0, downMs: 12_400, resumedFrom: '123456789012_4_0', mode: 'after', replayed: 37, continuity: 'verified', duplicatesDropped: 0 },
      };
      await fp.send(initMessage([...eventItems(0, 120, {}, t0), gap, ...eventItems(120, 125, {}, t0)]));
      await fp.frames(3);
      const geo = await fp.page.evaluate(() => {
        const rows = Array.from(document.querySelectorAll<HTMLElement>('.rows > .row.kind-event:not([hidden])'));
        const cut = (el: Element | null) => !!el && getComputedStyle(el).display !== 'none' && (el as HTMLElement).scrollWidth > (el as HTMLElement).clientWidth + 0.5;
        const gapRow = document.querySelector<HTMLElement>('.rows > .row.kind-gap:not([hidden])');
        const summary = gapRow?.querySelector<HTMLElement>('.c-summary');
        let countVisible = false;
        const text = summary?.firstChild;
        if (summary && text && text.nodeType === Node.TEXT_NODE) {
          const end = (text.textContent ?? '').indexOf('replayed') + 'replayed'.length;
          const range = document.createRange();
          range.setStart(text, 0);
          range.setEnd(text, end);
          countVisible = end > 8 && range.getBoundingClientRect().right <= summary.getBoundingClientRect().right + 0.5;
        }
        const header = document.querySelector('.row.header')!;
        return {
          timeCut: rows.filter((r) => cut(r.querySelector('.c-time'))).length,
          digestCut: rows.filter((r) => cut(r.querySelector('.c-digest'))).length,
          digestShown: rows.some((r) => getComputedStyle(r.querySelector('.c-digest')!).display !== 'none'),
          times: rows.slice(0, 2).map((r) => r.querySelector('.time-text')!.textContent),
          gapText: summary?.textContent ?? '',
          countVisible,
          headerBg: getComputedStyle(header).backgroundColor,
          headerAbove: header.getBoundingClientRect().bottom <= document.getElementById('viewport')!.getBoundingClientRect().top + 0.5,
          sparkBg: getComputedStyle(document.querySelector('.stream-toggle[aria-pressed=true] .spark')!).backgroundColor,
          scrollW: document.documentElement.scrollWidth,
          clientW: document.documentElement.clientWidth,
        };
      });
      assert.strictEqual(geo.timeCut, 0, `times cut: ${JSON.stringify(geo.times)}`);
      assert.ok(geo.times.every((t) => /^\d\d:\d\d:\d\d\.\d{3}$/.test(t ?? '')), JSON.stringify(geo.times));
      assert.strictEqual(geo.digestCut, 0, 'a shortened digest got a second ellipsis');
      assert.strictEqual(geo.digestShown, width > 640);
      assert.match(geo.gapText, /^down 12\.4 s · 37 replayed · /);
      assert.ok(geo.countVisible, `the replayed count is cut off: ${geo.gapText}`);
      assert.notStrictEqual(geo.headerBg, 'rgba(0, 0, 0, 0)', 'the header is transparent');
      assert.ok(geo.headerAbove, 'the header overlaps the rows');
      assert.notStrictEqual(geo.sparkBg, 'rgba(0, 0, 0, 0)', 'the sparkline has no backdrop');
      assert.ok(geo.scrollW <= geo.clientW, `horizontal overflow ${geo.scrollW} > ${geo.clientW}`);
    });
  }
});
