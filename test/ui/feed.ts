// UI run of the events feed in a real workbench (code-server + Chromium): the demo's events reach the Feed view in
// the panel; filtering, pause with "N new", jump to latest, expand, copy digest (clipboard read back), export (file
// read back) work through the webview; screenshots in a dark and a light theme (feed-*.png, used by the README).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator } from 'playwright-core';
import { clickActivity, holdFeedRow, runCommand, screenshot, feedFrame, waitFor } from './support/ui';
import type { UiContext } from './support/ui';

async function statusOf(feed: FrameLocator): Promise<string> {
  return ((await feed.locator('#status').textContent()) ?? '').trim();
}

/** Rows shown, as "n of m". */
async function counts(feed: FrameLocator): Promise<{ shown: number; total: number }> {
  const m = /^([\d,]+) of ([\d,]+) rows/.exec(await statusOf(feed));
  assert.ok(m, `status line: ${await statusOf(feed)}`);
  return { shown: Number(m[1]!.replace(/,/g, '')), total: Number(m[2]!.replace(/,/g, '')) };
}

/** Runs the steps; the suite counts each passed step. */
export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const feed = feedFrame(page);

  await ctx.step('Start Demo, then the Feed view in the panel shows the demo events', async () => {
    assert.ok(await clickActivity(page, 'Chain Watch', 30000), 'no Chain Watch activity item');
    await page.locator('.part.sidebar .welcome-view-content, .part.sidebar .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30000 });
    // the dark screenshot first (this code-server starts in a light theme)
    await runCommand(page, 'Preferences: Color Theme');
    const themeInput = page.locator('.quick-input-widget input');
    await themeInput.fill('Dark Modern');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Dark Modern' }).first().waitFor({ state: 'visible', timeout: 10000 });
    await themeInput.press('Enter');
    await runCommand(page, 'Chain Watch: Start Demo');
    // Start Demo reveals the Feed (taking the focus): let it, before the palette opens again
    await feed.locator('#grid').waitFor({ state: 'attached', timeout: 30000 });
    await runCommand(page, 'Chain Watch: Filter Feed');
    await feed.locator('#grid').waitFor({ state: 'attached', timeout: 30000 });
    await waitFor(async () => (await counts(feed)).total >= 5, 'five demo rows in the feed', 30000);
    const first = await feed.locator('.rows > .row:not([hidden])').first().textContent();
    ctx.log(`status: ${await statusOf(feed)}; a row: ${JSON.stringify(first)}`);
    await runCommand(page, 'View: Toggle Maximized Panel').catch(() => ctx.log('could not maximize the panel'));
    await page.mouse.move(5, 5);
    ctx.log(`saved ${await screenshot(page, 'feed-01-dark')}`);
  });

  await ctx.step('filtering: a term that matches nothing empties the view, a type term keeps only that type', async () => {
    const filter = feed.locator('#filter');
    await filter.fill('zzz-no-such-text');
    await waitFor(async () => (await counts(feed)).shown === 0, '0 rows shown');
    await filter.fill('');
    await waitFor(async () => (await counts(feed)).shown > 0, 'rows back');
    // a type as a row shows it (package addresses dropped); a cut one (ending in …) is not text a user could type
    const shown = (await feed.locator('.rows > .row.kind-event:not([hidden]) .type-text').allTextContents()).map((x) => x.trim());
    const t = shown.find((x) => x !== '' && !x.endsWith('…')) ?? '';
    assert.ok(t !== '', `no event row with a whole type among ${JSON.stringify(shown.slice(0, 5))}`);
    ctx.log(`filtering on type:${t}`);
    await filter.fill(`type:"${t}"`);
    await waitFor(async () => {
      const c = await counts(feed);
      return c.shown > 0 && c.shown <= c.total;
    }, 'filtered rows');
    const types = (await feed.locator('.rows > .row:not([hidden]) .type-text').allTextContents()).map((x) => x.trim());
    // `type:` keeps the rows whose type contains the value (an EVM log's `Transfer` and a Sui `coin::Transfer` both)
    const others = types.filter((x) => !x.toLowerCase().includes(t.toLowerCase()));
    assert.ok(types.length > 0 && others.length === 0, `types shown without ${t}: ${JSON.stringify(others.slice(0, 5))}`);
    await filter.fill('');
  });

  await ctx.step('pause freezes the view while the demo keeps streaming; "N new" grows; Jump to latest resumes', async () => {
    await runCommand(page, 'Chain Watch: Pause Feed View');
    const frozen = (await counts(feed)).total;
    await waitFor(async () => /[1-9][\d,]* new/.test((await feed.locator('#jump').textContent()) ?? ''), '"N new" on the jump button', 30000);
    assert.strictEqual((await counts(feed)).total, frozen, 'rows were added while paused');
    ctx.log(`paused: ${await statusOf(feed)}`);
    await page.mouse.move(5, 5);
    ctx.log(`saved ${await screenshot(page, 'feed-02-paused')}`);
    await feed.locator('#jump').click();
    await waitFor(async () => (await counts(feed)).total > frozen && !(await statusOf(feed)).includes('paused'), 'resumed with the new rows');
  });

  await ctx.step('a row expands into JSON (Enter) and "c" copies its digest to the clipboard', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write']).catch(() => undefined);
    // the pointer stays on the row, so the feed holds it (and the selection) on screen
    const { x, y } = await holdFeedRow(page, feed, 0.75);
    await page.mouse.click(x, y);
    const digestTitle = (await feed.locator('.rows > .row.selected .c-digest').getAttribute('title', { timeout: 10000 })) ?? '';
    assert.ok(digestTitle, 'the selected row has a digest');
    await feed.locator('#grid').press('Enter');
    await feed.locator('#detail').waitFor({ state: 'visible', timeout: 10000 });
    const detail = (await feed.locator('#detail').textContent()) ?? '';
    assert.ok(detail.includes('payload'), 'the expansion shows the payload');
    ctx.log(`saved ${await screenshot(page, 'feed-03-expanded')}`);
    await feed.locator('#grid').press('c');
    await waitFor(async () => (await page.evaluate(() => navigator.clipboard.readText())) === digestTitle, `clipboard = ${digestTitle}`);
    await feed.locator('#grid').press('Escape');
    await page.mouse.move(5, 5);
  });

  await ctx.step('right-click on a row: the menu offers the row commands and Copy JSON copies that event', async () => {
    const { x, y, context: rowCtx } = await holdFeedRow(page, feed, 0.75);
    assert.ok(rowCtx.chainWatchEventId, 'the row under the pointer is an event');
    await page.mouse.click(x, y, { button: 'right' });
    const menu = page.locator('.context-view .monaco-menu');
    await menu.waitFor({ state: 'visible', timeout: 10000 });
    const items = (await menu.locator('.action-label').allTextContents()).map((t) => t.trim()).filter(Boolean);
    ctx.log(`context menu: ${JSON.stringify(items)}`);
    await page.waitForTimeout(300); // the menu fades in; the screenshot should show it
    ctx.log(`saved ${await screenshot(page, 'feed-05-context-menu', 0)}`);
    for (const want of ['Copy Transaction Digest', 'Copy JSON', 'Open in Explorer', 'Open as JSON']) assert.ok(items.includes(want), `menu lacks ${want}: ${items.join(', ')}`);
    await menu.locator('.action-label', { hasText: 'Copy JSON' }).first().click();
    await waitFor(async () => {
      const text = await page.evaluate(() => navigator.clipboard.readText());
      return (JSON.parse(text) as { id?: string }).id === rowCtx.chainWatchEventId;
    }, 'the row\'s JSON on the clipboard');
  });

  await ctx.step('export writes the feed as NDJSON where the save dialog says', async () => {
    const target = path.join(ctx.workspaceDir, 'feed-export.ndjson');
    await feed.locator('#export').click();
    await feed.locator('#export-scope').selectOption('all');
    await feed.locator('#export-format').selectOption('ndjson');
    await feed.locator('#export-go').click();
    const input = page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    // The simple file dialog fills in its folder asynchronously: type the path once it has settled, re-type if
    // it was overwritten, then accept.
    await waitFor(async () => ((await input.inputValue()) ?? '').length > 0, 'the save dialog to show a folder', 10000).catch(() => undefined);
    await waitFor(async () => {
      if (fs.existsSync(target) && fs.statSync(target).size > 0) return true;
      if (await input.isVisible()) {
        if ((await input.inputValue()) !== target) await input.fill(target);
        else await input.press('Enter');
      }
      return false;
    }, `${target} written`);
    const lines = fs.readFileSync(target, 'utf8').trim().split('\n');
    const first = JSON.parse(lines[0]!) as { stream?: string; id?: string };
    assert.ok(lines.length >= 5 && typeof first.id === 'string' && typeof first.stream === 'string', `export: ${lines.length} lines`);
    ctx.log(`exported ${lines.length} events`);
  });

  await ctx.step('hiding and showing the panel keeps the filter and the pause (webview state, no retained context)', async () => {
    await feed.locator('#filter').fill('kind:coin');
    await runCommand(page, 'Chain Watch: Pause Feed View');
    // the webview saves its state shortly after a change: wait until the pause is shown and no save is pending
    await waitFor(async () => (await feed.locator('#pause').getAttribute('aria-pressed')) === 'true' && (await feed.locator('body').getAttribute('data-state-pending')) === null, 'the pause and the filter saved in the webview state');
    await feed.locator('body').evaluate(() => ((window as unknown as { __cwMarker?: number }).__cwMarker = 1));
    await runCommand(page, 'View: Toggle Panel Visibility');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10000 });
    await runCommand(page, 'View: Toggle Panel Visibility');
    await feed.locator('#grid').waitFor({ state: 'attached', timeout: 20000 });
    const marker = await feed.locator('body').evaluate(() => (window as unknown as { __cwMarker?: number }).__cwMarker);
    assert.strictEqual(marker, undefined, 'the webview document was kept alive while hidden (it must be recreated)');
    await waitFor(async () => (await feed.locator('#filter').inputValue()) === 'kind:coin', 'the filter text restored');
    assert.strictEqual(await feed.locator('#pause').getAttribute('aria-pressed'), 'true');
    await waitFor(async () => /paused/.test(await statusOf(feed)), 'still paused');
    const kinds = (await feed.locator('.rows > .row:not([hidden]) .kind').allTextContents()).map((k) => k.trim());
    assert.ok(kinds.every((k) => k === 'coin'), `kinds: ${kinds.join(',')}`);
    await feed.locator('#jump').click();
    await feed.locator('#filter').fill('');
    await waitFor(async () => !(await statusOf(feed)).includes('paused'), 'resumed');
  });

  await ctx.step('the feed in a light theme', async () => {
    // give the workbench the keyboard back (F1 typed inside the webview stays there)
    const tab = page.locator('.part.panel .composite.title .action-item', { hasText: 'Chain Watch' }).first();
    await tab.click().catch(() => undefined);
    await runCommand(page, 'Preferences: Color Theme');
    const input = page.locator('.quick-input-widget input');
    await input.fill('Light Modern');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Light Modern' }).first().waitFor({ state: 'visible', timeout: 10000 });
    await input.press('Enter');
    await tab.click().catch(() => undefined);
    await feed.locator('#grid').waitFor({ state: 'attached', timeout: 15000 });
    // the theme reaches the webview asynchronously (its CSS variables): wait for a light background
    let bg = '';
    const light = async () => {
      bg = await feed.locator('body').evaluate((b) => getComputedStyle(b).backgroundColor);
      const m = /rgba?\((\d+), (\d+), (\d+)/.exec(bg);
      return !!m && Number(m[1]) + Number(m[2]) + Number(m[3]) > 600;
    };
    await waitFor(light, 'a light feed background').catch(() => undefined);
    ctx.log(`feed background in the light theme: ${bg}`);
    assert.ok(await light(), `light background expected, got ${bg}`);
    await page.mouse.move(5, 5);
    ctx.log(`saved ${await screenshot(page, 'feed-04-light')}`);
  });
}
