// The feed's hover on an event's type (Chromium, real bundle): the pointer on a type cell asks the host once for the
// event's declaration; the answer shows in the cell's title as text, never as markup.
import * as assert from 'assert';
import type { Browser } from 'playwright-core';
import { eventItems, initMessage, launchBrowser, openFeed, startFeedServer } from './support/feedPage';
import type { FeedPage, FeedServer } from './support/feedPage';

describe('feed webview: hover shows the event\'s declaration (Chromium, real bundle)', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: FeedServer;
  let fp: FeedPage | undefined;

  before(async () => {
    server = await startFeedServer();
    browser = await launchBrowser();
  });
  afterEach(async () => {
    const errors = fp?.errors().filter((e) => !/status of 404/.test(e)) ?? [];
    await fp?.close();
    fp = undefined;
    assert.deepStrictEqual(errors, [], 'the page logged errors');
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('asks once per event and shows the answer, markup and all, as plain title text', async () => {
    fp = await openFeed(browser, server, { height: 400 });
    const items = eventItems(0, 5);
    await fp.send(initMessage(items));
    await fp.frames(2);
    const ids = items.map((i) => (i.kind === 'event' ? i.event.id : ''));
    const cell = fp.page.locator('.rows > .row:not([hidden]) .c-type').first();
    await cell.hover();
    await cell.hover({ position: { x: 2, y: 2 } });
    const asks = (await fp.received()).filter((m) => m.type === 'describeSource');
    assert.ok(asks.length >= 1, 'the hover asked the host');
    const ask = asks[0] as { stream: string; id: string };
    assert.ok(ids.includes(ask.id), `asked about a shown event (${ask.id})`);
    assert.strictEqual(asks.filter((m) => (m as { id: string }).id === ask.id).length, 1, 'asked once for that event');
    const text = 'event Swap(address indexed sender) <img src=x onerror="window.__xss=1">\n\n/// doc **bold**\n\nsrc/Pool.sol:12';
    await fp.send({ type: 'sourceInfo', stream: ask.stream, id: ask.id, text });
    await fp.frames(2);
    const titles = await fp.page.evaluate(() => Array.from(document.querySelectorAll<HTMLElement>('.row:not([hidden]) .type-text')).map((e) => e.title));
    assert.ok(titles.some((t) => t.endsWith(`\n\n${text}`)), titles.join(' | '));
    assert.strictEqual(await fp.page.locator('.row img').count(), 0, 'no markup became elements');
    assert.strictEqual(await fp.xss(), undefined);
  });
});
