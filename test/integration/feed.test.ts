// The feed's host side inside a real VS Code (code-server's extension host): demo events reach the feed's history,
// an "Open Feed in Editor" panel loads the real webview under its CSP (it says `ready`), and the row context-menu
// commands act on the row's `data-vscode-context` (clipboard and JSON document checked). Driving the webview's own
// UI (filter, pause, expand, export) is test/ui/feed.ts.
import * as assert from 'assert';
import * as vscode from 'vscode';
import type { ChainWatchApi } from '../../src/extension';
import { chainWatch, waitUntil } from './support/api';

describe('Chain Watch feed (host side)', () => {
  let api: ChainWatchApi;

  before(async () => {
    api = await chainWatch();
    await api.startDemo();
    await waitUntil(api, () => (api.streams().find((s) => s.id === 'demo')?.events.length ?? 0) >= 3, 'three demo events');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.stopDemo();
  });

  it('keeps the demo events for the feed snapshot as they arrive', async () => {
    const before = api.feed.size;
    await waitUntil(api, () => api.feed.size > before, 'the feed history to grow');
    assert.ok(api.feed.size >= 3);
  });

  it('chainWatch.feed.maxEvents sets how many rows are kept (the bound itself is unit-tested in FeedStore)', async () => {
    const cfg = vscode.workspace.getConfiguration('chainWatch');
    const settled = async (want: number) => {
      for (let i = 0; i < 200 && api.feed.maxEvents !== want; i++) await new Promise((r) => setImmediate(r));
      return api.feed.maxEvents;
    };
    assert.strictEqual(api.feed.maxEvents, 10_000);
    try {
      await cfg.update('feed.maxEvents', 250, vscode.ConfigurationTarget.Global);
      assert.strictEqual(await settled(250), 250);
      assert.ok(api.feed.size <= 250);
    } finally {
      await cfg.update('feed.maxEvents', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.strictEqual(await settled(10_000), 10_000);
  });

  it('"Open Feed in Editor" opens a panel whose webview loads under the CSP and says ready', async () => {
    const ready = api.feed.nextMessage('ready', 25_000);
    const opened = await vscode.commands.executeCommand<boolean>('chainWatch.openFeedInEditor', 'demo');
    assert.strictEqual(opened, true);
    await ready;
    assert.ok(api.feed.liveWebviews >= 1, 'a webview receives rows');
    const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).map((t) => t.label);
    assert.ok(tabs.some((l) => l.startsWith('Feed: ')), `tabs: ${tabs.join(', ')}`);
  });

  it('row menu: Copy Transaction Digest and Copy JSON put the row on the clipboard', async () => {
    const ev = api.streams().find((s) => s.id === 'demo')!.events.filter((e) => e.digest).at(-1)!;
    const ctx = { webviewSection: 'chainWatchRow', chainWatchStream: ev.stream, chainWatchEventId: ev.id, chainWatchDigest: ev.digest };
    await vscode.commands.executeCommand('chainWatch.feed.copyDigest', ctx);
    assert.strictEqual(await vscode.env.clipboard.readText(), ev.digest);
    await vscode.commands.executeCommand('chainWatch.feed.copyJson', ctx);
    const json = JSON.parse(await vscode.env.clipboard.readText()) as { id: string; stream: string };
    assert.strictEqual(json.id, ev.id);
    assert.strictEqual(json.stream, 'demo');
  });

  it('row menu: Open as JSON shows the event in a JSON document', async () => {
    const ev = api.streams().find((s) => s.id === 'demo')!.events.at(-1)!;
    await vscode.commands.executeCommand('chainWatch.feed.openJson', { webviewSection: 'chainWatchRow', chainWatchStream: ev.stream, chainWatchEventId: ev.id });
    await new Promise<void>((resolve) => {
      const check = () => {
        const doc = vscode.window.activeTextEditor?.document;
        if (doc && doc.getText().includes(ev.id)) {
          sub.dispose();
          resolve();
        }
      };
      const sub = vscode.window.onDidChangeActiveTextEditor(check);
      check();
    });
    assert.strictEqual(vscode.window.activeTextEditor!.document.languageId, 'json');
  });

  it('a hostile "digest" from the row context is neither copied nor opened', async () => {
    await vscode.env.clipboard.writeText('unchanged');
    const ctx = { webviewSection: 'chainWatchRow', chainWatchStream: 'demo', chainWatchEventId: 'nope', chainWatchDigest: 'javascript:alert(1)' };
    assert.strictEqual(await vscode.commands.executeCommand('chainWatch.feed.copyDigest', ctx), undefined);
    assert.strictEqual(await vscode.env.clipboard.readText(), 'unchanged');
    assert.strictEqual(await vscode.commands.executeCommand('chainWatch.feed.openInExplorer', ctx), undefined);
  });
});
