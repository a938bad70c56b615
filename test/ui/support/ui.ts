// Small Playwright helpers for UI scripts under test/ui/ (run by test/suites/50-ui.js against a real code-server
// workbench with Chain Watch installed, toasts visible). Selectors are the ones verified on VS Code 1.139.
//
// A UI script is a module exporting `run(ctx: UiContext): Promise<void>`; the suite opens a fresh workbench for each
// script, counts every passed `ctx.step(...)` as one pass and a thrown error as one failure (screenshot
// `<script>-FAILED.png`), then closes everything. Add steps to an existing script, or add a new `test/ui/<name>.ts`.
import * as fs from 'fs';
import * as path from 'path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

/** What the suite hands a UI script. */
export interface UiContext {
  /** The loaded workbench (activity bar rendered). */
  page: Page;
  /** Repository root (the extension under test). */
  root: string;
  /** The open workspace folder (an empty temp dir). */
  workspaceDir: string;
  /** CHAIN_WATCH_TEST_DIR as seen by the extension host. */
  testDir: string;
  /** code-server's --extensions-dir (holds the installed extension). */
  extensionsDir: string;
  /** code-server's --user-data-dir (settings, and the logs under logs/). */
  userDataDir: string;
  /** Where screenshot() writes PNGs (`.vscode-test/screenshots/`). */
  screenshotsDir: string;
  /** Prints a line prefixed with the script name. */
  log(msg: string): void;
  /** Runs one named step; a passed step counts as one passed test, a throw fails the script. */
  step(name: string, fn: () => Promise<void>): Promise<void>;
  /** Records a step that is written but not run, with the reason (counted as skipped); its body is kept, not run. */
  skip(name: string, why: string, fn?: () => Promise<void>): void;
}

/** The suite sets CW_SCREENSHOTS_DIR; otherwise `<cwd>/.vscode-test/screenshots`. */
function screenshotsDir(): string {
  return process.env.CW_SCREENSHOTS_DIR || path.resolve('.vscode-test', 'screenshots');
}

/**
 * Saves a full-window PNG as `<screenshotsDir>/<name>.png` (name sanitised to [\w.-]) and returns its path.
 * Waits `settleMs` (default 700 ms, the toast fade-in) first so what a person would see is captured.
 */
export async function screenshot(page: Page, name: string, settleMs = 700): Promise<string> {
  const dir = screenshotsDir();
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name.replace(/[^\w.-]+/g, '_')}.png`);
  if (settleMs > 0) await page.waitForTimeout(settleMs);
  await page.screenshot({ path: file });
  return file;
}

/** The activity-bar entry whose aria-label starts with `title` (e.g. "Chain Watch", "Explorer"). */
export function activityItem(page: Page, title: string) {
  return page.locator(`.part.activitybar .action-item a[aria-label^="${title.replace(/"/g, '\\"')}"]`).first();
}

/**
 * Opens the view container `title` from the activity bar (no-op if it is already the visible one).
 * Returns false when no such activity item exists (within `timeoutMs`, default 5000), true once the side bar shows it.
 */
export async function clickActivity(page: Page, title: string, timeoutMs = 5000): Promise<boolean> {
  const item = activityItem(page, title);
  try {
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return false;
  }
  const container = page.locator('.part.sidebar .composite.title');
  const current = (await container.count()) > 0 ? ((await container.first().textContent()) ?? '') : '';
  const sidebarVisible = await page.locator('.part.sidebar').isVisible();
  if (!(sidebarVisible && current.toLowerCase().includes(title.toLowerCase()))) await item.click();
  await page.locator('.part.sidebar .composite.title', { hasText: new RegExp(escapeRegExp(title), 'i') }).first().waitFor({ state: 'visible', timeout: timeoutMs });
  return true;
}

/**
 * Opens the command palette (F1) filtered to `text` and returns the labels of the rows it shows (may be empty).
 * Leaves the palette open: call runCommand() to pick a row, or closeQuickInput().
 */
export async function openCommandPalette(page: Page, text: string, timeoutMs = 10000): Promise<string[]> {
  const input = page.locator('.quick-input-widget input').first();
  await page.keyboard.press('F1');
  try {
    await input.waitFor({ state: 'visible', timeout: Math.min(3000, timeoutMs) });
  } catch {
    // the page may not have keyboard focus yet (or a webview has it and forwards F1 late): unless the palette came
    // up meanwhile, focus the editor area and try again
    if (!(await input.isVisible())) {
      await page.locator('.part.editor').first().click({ timeout: 5000 }).catch(() => undefined);
      if (!(await input.isVisible())) await page.keyboard.press('F1');
    }
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
  }
  await input.fill(`>${text}`);
  const rows = page.locator('.quick-input-list .monaco-list-row');
  try {
    await rows.first().waitFor({ state: 'visible', timeout: timeoutMs });
  } catch {
    return [];
  }
  return (await rows.allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Runs a command by its palette label (e.g. "Chain Watch: Start Demo"): F1, filter, Enter on the matching row. */
export async function runCommand(page: Page, label: string, timeoutMs = 10000): Promise<void> {
  const labels = await openCommandPalette(page, label, timeoutMs);
  if (!labels.some((l) => l.includes(label))) {
    await closeQuickInput(page);
    throw new Error(`command "${label}" is not in the palette (saw: ${labels.join(' | ') || 'nothing'})`);
  }
  await page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().click();
}

/** Closes an open quick input (palette, quick pick, input box) with Escape; no-op when none is open. */
export async function closeQuickInput(page: Page): Promise<void> {
  const widget = page.locator('.quick-input-widget');
  if ((await widget.count()) > 0 && (await widget.first().isVisible())) {
    await page.keyboard.press('Escape');
    await widget.first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
  }
}

/** Texts of the notification toasts currently shown (bottom right). */
export async function toasts(page: Page): Promise<string[]> {
  return (await page.locator('.notifications-toasts .notification-list-item').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** Waits for a toast containing `text` (string or RegExp); returns its text. */
export async function waitForToast(page: Page, text: string | RegExp, timeoutMs = 15000): Promise<string> {
  const item = page.locator('.notifications-toasts .notification-list-item', { hasText: text }).first();
  await item.waitFor({ state: 'visible', timeout: timeoutMs });
  return ((await item.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** Labels of the rows of the side-bar trees currently visible (e.g. the Streams view). */
export async function sidebarRows(page: Page): Promise<string[]> {
  return (await page.locator('.part.sidebar .monaco-list-row').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
}

/** The Feed's content frame (the first ready webview): locate elements inside it with `.locator()`. */
export function feedFrame(page: Page): FrameLocator {
  return page.frameLocator('iframe.webview.ready >> nth=0').frameLocator('#active-frame');
}

/** Polls `check` every 200 ms until it holds (a thrown check counts as not yet), or fails naming `what`. */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200)); // polling a real UI, not a timed assertion
  }
}

/** The webview content frame of the visible webview (the feed): locate elements inside it with `.locator()`. */
export function webviewFrame(page: Page) {
  return page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
}

/**
 * Expands a tree row (a no-op when it is expanded). A busy row is redrawn as events arrive, so a click can land on
 * the row being replaced: click the twistie again only when the row has not expanded within 3 s of the last click.
 */
export async function expandTreeRow(row: Locator, timeoutMs = 20000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while ((await row.getAttribute('aria-expanded')) !== 'true') {
    if (Date.now() > end) throw new Error(`the tree row did not expand: ${(await row.textContent()) ?? ''}`);
    await row.locator('.monaco-tl-twistie').click();
    for (const until = Date.now() + 3000; Date.now() < until && (await row.getAttribute('aria-expanded')) !== 'true'; ) {
      await new Promise((r) => setTimeout(r, 100)); // polling a real UI, not a timed assertion
    }
  }
}

/** Where {@link holdFeedRow} points, and the `data-vscode-context` of the row under the pointer. */
export interface HeldRow {
  x: number;
  y: number;
  context: { chainWatchStream?: string; chainWatchEventId?: string; chainWatchDigest?: string };
}

/**
 * Points at the event row in the middle of the feed, as a person does, and waits until the feed holds its rows
 * still under the pointer. (A locator's own click would first scroll a pooled row that is off screen into view,
 * which stops the feed following and rebinds the pool.) `xFraction` picks the column (0.6 = digest, 0.75 = summary
 * at panel width). Leaves the pointer there: click or right-click at `x`, `y`.
 */
export async function holdFeedRow(page: Page, feed: FrameLocator, xFraction = 0.75): Promise<HeldRow> {
  const vp = await feed.locator('#viewport').boundingBox();
  if (!vp) throw new Error('the feed has no viewport');
  const x = vp.x + vp.width * xFraction;
  const y = vp.y + vp.height / 2;
  await page.mouse.move(x - 20, y);
  await page.mouse.move(x, y, { steps: 4 });
  await feed.locator('.feed.held').waitFor({ state: 'attached', timeout: 10000 });
  // The rows are held now. The middle row may be a notice or a gap row (the demo writes both): find the event row
  // nearest the middle that lies wholly inside the viewport, in one step inside the webview (the feed rebinds its
  // pooled row elements as it renders, so an element's box and its attributes must be read together).
  const pick = await feed.locator('#viewport').evaluate((viewport) => {
    const v = viewport.getBoundingClientRect();
    const middle = v.top + v.height / 2;
    let best: { offset: number; attr: string } | undefined;
    for (const row of Array.from(viewport.querySelectorAll<HTMLElement>('.rows > .row.kind-event:not([hidden])'))) {
      const r = row.getBoundingClientRect();
      if (r.top < v.top || r.bottom > v.bottom) continue;
      const mid = (r.top + r.bottom) / 2;
      if (!best || Math.abs(mid - middle) < Math.abs(best.offset + v.top - middle)) best = { offset: mid - v.top, attr: row.getAttribute('data-vscode-context') ?? '{}' };
    }
    return best;
  });
  if (!pick) return { x, y, context: {} };
  const rowY = vp.y + pick.offset;
  if (rowY !== y) await page.mouse.move(x, rowY, { steps: 2 });
  // what is under the pointer now, read in the webview at that point: the rows held still, so it is the row picked
  const under = await feed.locator('#viewport').evaluate((viewport, at) => {
    const v = viewport.getBoundingClientRect();
    const el = document.elementFromPoint(v.left + v.width * at.fraction, v.top + at.offset)?.closest('.row');
    return el?.getAttribute('data-vscode-context') ?? '{}';
  }, { offset: pick.offset, fraction: xFraction });
  if (under !== pick.attr) throw new Error(`the feed moved under the pointer: picked ${pick.attr}, now under it ${under}`);
  await feed.locator('.feed.held').waitFor({ state: 'attached', timeout: 10000 });
  return { x, y: rowY, context: JSON.parse(pick.attr) as HeldRow['context'] };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
