// UI run of the Streams view in a real workbench: the empty-state welcome, Start Demo from the palette, live demo
// rows with their events, the status bar items, the walkthrough's ticked demo step, the tooltip, and the palette.
// Screenshots: streams-*.png.
import * as assert from 'assert';
import { clickActivity, closeQuickInput, expandTreeRow, openCommandPalette, runCommand, screenshot, sidebarRows, waitFor } from './support/ui';
import type { UiContext } from './support/ui';

/** Picks the row labelled `label` in the quick pick a command opened (two demo streams: the command asks which). */
async function pickRow(page: UiContext['page'], label: string): Promise<void> {
  const row = page.locator('.quick-input-widget .quick-input-list .monaco-list-row', { hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 10000 });
  await row.click();
}

/** Runs the steps; the suite counts each passed step. */
export async function run(ctx: UiContext): Promise<void> {
  const { page } = ctx;
  const sidebar = page.locator('.part.sidebar');

  await ctx.step('the Streams view shows its welcome (Add Stream, Try the Demo) when there is no stream', async () => {
    assert.ok(await clickActivity(page, 'Chain Watch', 20000), 'no Chain Watch activity item');
    await sidebar.locator('.welcome-view-content', { hasText: 'No streams yet' }).first().waitFor({ state: 'visible', timeout: 20000 });
    const buttons = (await sidebar.locator('.welcome-view-content .monaco-button').allTextContents()).map((t) => t.trim());
    ctx.log(`welcome buttons: ${JSON.stringify(buttons)}`);
    assert.ok(buttons.includes('Add Stream') && buttons.includes('Try the Demo'), `buttons: ${buttons.join(', ')}`);
    await page.mouse.move(700, 600);
    ctx.log(`saved ${await screenshot(page, 'streams-01-welcome')}`);
  });

  await ctx.step('"Read the walkthrough" opens the Chain Watch walkthrough', async () => {
    await sidebar.locator('.welcome-view-content .monaco-button', { hasText: 'Read the walkthrough' }).first().click();
    const editor = page.locator('.part.editor');
    await editor.locator('text=Get started with Chain Watch').first().waitFor({ state: 'visible', timeout: 20000 });
    await editor.locator('text=Set your API key').first().waitFor({ state: 'visible', timeout: 10000 });
    // the step's markdown (media/walkthrough/demo.md) renders in a webview beside the steps
    await page
      .frameLocator('.part.editor iframe.webview.ready')
      .frameLocator('#active-frame')
      .locator('text=starts three local simulators')
      .first()
      .waitFor({ state: 'visible', timeout: 15000 });
    await page.mouse.move(700, 600);
    ctx.log(`saved ${await screenshot(page, 'streams-00-walkthrough')}`);
    await runCommand(page, 'View: Close All Editors');
  });

  await ctx.step('"Chain Watch: Start Demo" from the palette: the Demo (Sui), Demo (EVM) and Demo (Sui node) streams go live in the tree', async () => {
    await runCommand(page, 'Chain Watch: Start Demo');
    const row = sidebar.locator('.monaco-list-row', { hasText: 'Demo (Sui)' }).first();
    await row.waitFor({ state: 'visible', timeout: 20000 });
    await sidebar.locator('.monaco-list-row', { hasText: /Demo \(Sui\)\s*live · [1-9]/ }).first().waitFor({ state: 'visible', timeout: 20000 });
    await sidebar.locator('.monaco-list-row', { hasText: /Demo \(EVM\)\s*live/ }).first().waitFor({ state: 'visible', timeout: 20000 });
    await sidebar.locator('.monaco-list-row', { hasText: /Demo \(Sui node\)\s*live/ }).first().waitFor({ state: 'visible', timeout: 20000 });
    ctx.log(`rows: ${JSON.stringify(await sidebarRows(page))}`);
  });

  await ctx.step('expanding the stream lists its recent events (type, age, short digest)', async () => {
    const row = sidebar.locator('.monaco-list-row', { hasText: 'Demo (Sui)' }).first();
    await expandTreeRow(row);
    await sidebar.locator('.monaco-list-row[aria-level="2"]').nth(2).waitFor({ state: 'visible', timeout: 20000 });
    const rows = await sidebarRows(page);
    ctx.log(`rows: ${JSON.stringify(rows.slice(0, 6))}`);
    assert.ok(rows.filter((r) => / ago/.test(r)).length >= 3, 'at least three event rows');
    await page.mouse.move(0, 0);
    ctx.log(`saved ${await screenshot(page, 'streams-02-demo-live')}`);
  });

  await ctx.step('the status bar shows the live count and the credits, both marked simulated', async () => {
    const bar = page.locator('.part.statusbar');
    const live = bar.locator('.statusbar-item', { hasText: /3 live · simulated/ }).first();
    await live.waitFor({ state: 'visible', timeout: 15000 });
    const credits = bar.locator('.statusbar-item', { hasText: / cr · .*simulated/ }).first();
    await credits.waitFor({ state: 'visible', timeout: 15000 });
    ctx.log(`status bar: ${JSON.stringify(((await live.textContent()) ?? '').trim())} ${JSON.stringify(((await credits.textContent()) ?? '').trim())}`);
    await credits.hover();
    await page.locator('.monaco-hover, .workbench-hover', { hasText: 'Warp credits' }).first().waitFor({ state: 'visible', timeout: 10000 });
    ctx.log(`saved ${await screenshot(page, 'streams-03-status-bar-credits')}`);
    const box = await bar.boundingBox();
    if (box) {
      await page.mouse.move(0, 0);
      await page.waitForTimeout(400);
      await page.screenshot({ path: `${ctx.screenshotsDir}/streams-04-status-bar.png`, clip: { x: 0, y: Math.max(0, box.y - 4), width: Math.min(box.width, 900), height: box.height + 8 } });
    }
  });

  await ctx.step('the walkthrough ticks "Try the demo" once the demo runs', async () => {
    await runCommand(page, 'Welcome: Open Walkthrough...');
    const pick = page.locator('.quick-input-list .monaco-list-row', { hasText: 'Get started with Chain Watch' }).first();
    await pick.waitFor({ state: 'visible', timeout: 10000 });
    await pick.click();
    await page.locator('.part.editor', { hasText: 'Try the demo' }).first().waitFor({ state: 'visible', timeout: 20000 });
    // each step's checkbox carries the step's id (`<extension>#<walkthrough>#<step>`) and its done state
    const box = page.locator('.part.editor [data-done-step-id$="#demo"]').first();
    await box.waitFor({ state: 'attached', timeout: 10000 });
    await waitFor(async () => (await box.getAttribute('aria-checked')) === 'true' || /\bcomplete\b/.test((await box.getAttribute('class')) ?? ''), 'the demo step ticked').catch(async (err: Error) => {
      throw new Error(`${err.message}: ${await box.evaluate((e) => e.outerHTML.slice(0, 300))}`);
    });
    await page.mouse.move(700, 600);
    ctx.log(`saved ${await screenshot(page, 'streams-07-walkthrough-ticked')}`);
    await runCommand(page, 'View: Close All Editors');
  });

  await ctx.step('Disconnect from the palette stops the stream; hovering it shows its tooltip; Connect resumes it', async () => {
    await runCommand(page, 'Chain Watch: Disconnect');
    await pickRow(page, 'Demo (Sui)');
    const row = sidebar.locator('.monaco-list-row', { hasText: /Demo \(Sui\)\s*disconnected/ }).first();
    await row.waitFor({ state: 'visible', timeout: 15000 });
    await row.hover();
    const hover = page.locator('.monaco-hover, .workbench-hover', { hasText: 'Transport' }).first();
    await hover.waitFor({ state: 'visible', timeout: 10000 });
    const text = (await hover.textContent()) ?? '';
    assert.ok(!text.includes('indr_demo_local'), 'the key shows in the tooltip');
    ctx.log(`saved ${await screenshot(page, 'streams-05-tooltip')}`);
    await page.mouse.move(0, 0);
    await runCommand(page, 'Chain Watch: Connect');
    await pickRow(page, 'Demo (Sui)');
    await sidebar.locator('.monaco-list-row', { hasText: /Demo \(Sui\)\s*live/ }).first().waitFor({ state: 'visible', timeout: 15000 });
  });

  await ctx.step('the palette lists the Chain Watch commands', async () => {
    const labels = await openCommandPalette(page, 'Chain Watch:');
    assert.ok(labels.some((l) => l.includes('Add Stream')), labels.join(' | '));
    ctx.log(`saved ${await screenshot(page, 'streams-06-palette', 300)}`);
    await closeQuickInput(page);
  });
}
