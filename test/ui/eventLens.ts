// UI run of "events meet the code" in a real workbench: a Foundry-style Solidity file in the workspace shows the
// "Watch this event" CodeLens above its events; clicking the one above `Transfer` asks where (a chain, then a local
// EVM node this script runs on 127.0.0.1), saves the stream, connects it and opens the feed on it; then "Go to Event
// Definition" from a feed row's menu and from a tree event's menu land on the `Transfer` declaration's line.
// Screenshots: event-lens-*.png.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Page } from 'playwright-core';
import { EvmNodeServer } from '../../src/simulator/evmNodeServer';
import { expandTreeRow, feedFrame, holdFeedRow, runCommand, screenshot, waitFor } from './support/ui';
import type { UiContext } from './support/ui';

/** The fixture's `event Transfer(...)` is on this line (1-based); its name spans columns 11-18, so with the name
 * selected the status bar shows the cursor after it, at column 19. */
const TRANSFER_LINE = 26;
const AFTER_TRANSFER_COLUMN = 19;

/** Picks the quick-pick row labelled `label`, once it shows. */
async function pick(page: Page, label: string): Promise<void> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 15000 });
  await row.click();
}

/** Types `text` into the open input box (once it shows the prompt containing `prompt`) and accepts it. */
async function answer(page: Page, prompt: string, text: string): Promise<void> {
  const widget = page.locator('.quick-input-widget', { hasText: prompt }).first();
  await widget.waitFor({ state: 'visible', timeout: 15000 });
  const input = widget.locator('input').first();
  await input.fill(text);
  await waitFor(async () => (await input.inputValue()) === text, `the input to hold "${text}"`, 5000);
  await input.press('Enter');
}

/**
 * Chooses `label` in the context menu that is open. The workbench's menu ignores a click landing while it still
 * opens (the item highlighted, the menu left open): point at the item and press Enter, until the menu has closed.
 */
async function chooseMenuItem(page: Page, label: string): Promise<void> {
  const menu = page.locator('.context-view .monaco-menu');
  await menu.waitFor({ state: 'visible', timeout: 10000 });
  const item = menu.locator('.action-item', { has: page.locator('.action-label', { hasText: label }) }).first();
  await waitFor(async () => {
    if (!(await menu.isVisible())) return true;
    await item.hover();
    if ((await item.getAttribute('class'))?.includes('focused')) await page.keyboard.press('Enter');
    return !(await menu.isVisible());
  }, `the menu to close on ${label}`, 15000);
}

/** Waits until the status bar's cursor position reads `Ln <line>, Col <column>` with `selected` characters selected. */
async function cursorAt(page: Page, line: number, column: number, selected: number): Promise<void> {
  const item = page.locator('.part.statusbar .statusbar-item', { hasText: /Ln \d+, Col \d+/ }).first();
  const want = `Ln ${line}, Col ${column} (${selected} selected)`;
  await waitFor(async () => ((await item.textContent()) ?? '').replace(/\s+/g, ' ').includes(want), `the cursor at ${want} (status bar: ${(await item.textContent().catch(() => '')) ?? ''})`, 20000);
}

/** Runs the steps; the suite counts each passed step. */
export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const sidebar = page.locator('.part.sidebar');
  const editor = page.locator('.part.editor');
  const shot = async (name: string, settleMs?: number) => ctx.log(`saved ${await screenshot(page, `event-lens-${name}`, settleMs)}`);
  const source = path.join(ctx.root, 'test', 'fixtures', 'source', 'foundry', 'src', 'Token.sol');
  fs.mkdirSync(path.join(ctx.workspaceDir, 'src'), { recursive: true });
  fs.copyFileSync(source, path.join(ctx.workspaceDir, 'src', 'Token.sol'));
  assert.match(fs.readFileSync(source, 'utf8').split('\n')[TRANSFER_LINE - 1] ?? '', /^ {4}event Transfer\(/, 'the fixture moved: update TRANSFER_LINE and AFTER_TRANSFER_COLUMN');
  // blocks only when this script mines one, so the feed and the tree hold still while they are pointed at
  const node = new EvmNodeServer({ blockTimeMs: 0 });
  await node.start();
  let streamRow = sidebar.locator('.monaco-list-row', { hasText: 'Transfer · Local node (Hardhat)' }).first();
  try {
    await ctx.step('a Solidity file shows "Watch this event" above each event (and says why on the ones it cannot watch)', async () => {
      await runCommand(page, 'Go to File...');
      const input = page.locator('.quick-input-widget input').first();
      await input.fill('Token.sol');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Token.sol' }).first().waitFor({ state: 'visible', timeout: 15000 });
      await input.press('Enter');
      await editor.locator('.view-line', { hasText: 'event Transfer(' }).first().waitFor({ state: 'visible', timeout: 20000 });
      const lenses = editor.locator('.codelens-decoration a', { hasText: 'Watch this event' });
      await waitFor(async () => (await lenses.count()) >= 5, 'five "Watch this event" lenses', 30000);
      const titles = (await lenses.allTextContents()).map((t) => t.trim());
      ctx.log(`lenses: ${JSON.stringify(titles)}`);
      assert.strictEqual(titles.filter((t) => t === 'Watch this event').length, 3, titles.join(' | '));
      assert.strictEqual(titles.filter((t) => t === 'Watch this event (not available)').length, 2, titles.join(' | '));
      await page.mouse.move(700, 850);
      await shot('01-lenses');
    });

    await ctx.step('clicking the lens above Transfer asks where, then creates the stream, connects it and opens the feed with its logs', async () => {
      // the lens right above the `event Transfer(` line, found by position, not by its order in the DOM (lenses
      // are redrawn when the source index refreshes them: look again until one is found)
      let target: { x: number; y: number } | undefined;
      await waitFor(async () => {
        const line = await editor.locator('.view-line', { hasText: 'event Transfer(' }).first().boundingBox();
        if (!line) return false;
        let bestGap = Infinity;
        target = undefined;
        for (const lens of await editor.locator('.codelens-decoration a', { hasText: 'Watch this event' }).all()) {
          const b = await lens.boundingBox();
          if (!b || b.y >= line.y || line.y - b.y >= bestGap) continue;
          bestGap = line.y - b.y;
          target = { x: b.x + b.width / 2, y: b.y + b.height / 2 };
        }
        return target !== undefined && bestGap < line.height * 3;
      }, 'a lens right above the Transfer line');
      assert.ok(target);
      await page.mouse.click(target.x, target.y);
      await pick(page, 'Another chain...');
      await pick(page, 'Local node (Hardhat)');
      await answer(page, 'WebSocket JSON-RPC endpoint', node.url);
      await answer(page, 'Expect an event at least every', '');
      await editor.locator('.tab', { hasText: /Transfer/ }).first().waitFor({ state: 'visible', timeout: 30000 });
      const feed = feedFrame(page);
      await feed.locator('#grid').waitFor({ state: 'attached', timeout: 30000 });
      const rows = feed.locator('.rows > .row.kind-event:not([hidden])');
      await waitFor(async () => {
        if ((await rows.count()) >= 3) return true;
        node.mineBlock(6);
        return false;
      }, 'three Transfer logs in the feed', 60000);
      const types = (await feed.locator('.rows > .row.kind-event:not([hidden]) .type-text').allTextContents()).map((t) => t.trim());
      assert.ok(types.length > 0 && types.every((t) => t === 'Transfer'), `row types: ${types.join(', ')}`);
      // saved where the stream list lives: the user settings here (the workspace defines none)
      const settingsFile = path.join(ctx.userDataDir, 'User', 'settings.json');
      const settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { 'chainWatch.streams'?: Array<{ id: string; topics?: string[]; baseUrl?: string }> };
      const saved = settings['chainWatch.streams']?.find((s) => s.id === 'watch-transfer');
      assert.deepStrictEqual([saved?.topics, saved?.baseUrl], [['0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef'], node.url], JSON.stringify(settings));
      await page.mouse.move(700, 850);
      await shot('02-watching');
      // the activity item wears a "new events" badge now, which takes the pointer: click the item around both
      await page.locator('.part.activitybar .action-item', { has: page.locator('a[aria-label^="Chain Watch"]') }).first().click();
      await sidebar.locator('.composite.title', { hasText: /Chain Watch/i }).first().waitFor({ state: 'visible', timeout: 20000 });
      streamRow = sidebar.locator('.monaco-list-row', { hasText: /Transfer · Local node \(Hardhat\)\s*live/ }).first();
      await streamRow.waitFor({ state: 'visible', timeout: 30000 });
      await page.mouse.move(700, 850);
      await shot('03-stream-live');
    });

    await ctx.step('Go to Event Definition from a feed row opens Token.sol with Transfer selected on its line', async () => {
      const feed = feedFrame(page);
      const { x, y, context } = await holdFeedRow(page, feed, 0.75);
      assert.ok(context.chainWatchEventId, 'the row under the pointer is an event');
      await page.mouse.click(x, y, { button: 'right' });
      await chooseMenuItem(page, 'Go to Event Definition');
      await editor.locator('.tab.active', { hasText: 'Token.sol' }).first().waitFor({ state: 'visible', timeout: 20000 });
      await cursorAt(page, TRANSFER_LINE, AFTER_TRANSFER_COLUMN, 'Transfer'.length);
      await page.mouse.move(700, 850);
      await shot('04-definition-from-feed');
    });

    await ctx.step('Go to Event Definition from a tree event lands on the same line', async () => {
      await runCommand(page, 'View: Close All Editors');
      await editor.locator('.tab').first().waitFor({ state: 'detached', timeout: 10000 }).catch(() => undefined);
      await expandTreeRow(streamRow);
      const event = sidebar.locator('.monaco-list-row[aria-level="2"]', { hasText: 'Transfer' }).first();
      await event.waitFor({ state: 'visible', timeout: 20000 });
      await event.click({ button: 'right' });
      await chooseMenuItem(page, 'Go to Event Definition');
      await editor.locator('.tab.active', { hasText: 'Token.sol' }).first().waitFor({ state: 'visible', timeout: 20000 });
      await cursorAt(page, TRANSFER_LINE, AFTER_TRANSFER_COLUMN, 'Transfer'.length);
      await shot('05-definition-from-tree');
    });
  } finally {
    await node.stop();
  }
}
