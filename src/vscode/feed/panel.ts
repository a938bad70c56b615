/**
 * "Open Feed in Editor": the feed for one stream in a WebviewPanel (an editor tab), sharing the hub of the panel
 * view. One panel per stream: opening it again reveals the existing one.
 */
import * as vscode from 'vscode';
import type { Prompter } from '../prompter';
import type { FeedHub } from './hub';
import { connectFeedWebview } from './webviewContent';

/** View type of the feed panels (menus and `webviewId` use it). */
export const FEED_PANEL_TYPE = 'chainWatch.feedPanel';

/** The open feed panels, by stream id. */
export class FeedPanels implements vscode.Disposable {
  private readonly panels = new Map<string, vscode.WebviewPanel>();

  constructor(
    private readonly hub: FeedHub,
    private readonly extensionUri: vscode.Uri,
    private readonly prompter: () => Prompter,
  ) {}

  /** Opens (or reveals) the panel of `streamId`; asks which stream when omitted. Resolves false when cancelled. */
  async open(streamId?: string): Promise<boolean> {
    const streams = this.hub.streams().filter((s) => !s.gone);
    let id = streamId;
    if (id === undefined) {
      if (streams.length === 0) {
        void vscode.window.showInformationMessage('Chain Watch: add a stream (or start the demo) first.');
        return false;
      }
      const picked =
        streams.length === 1
          ? { id: streams[0]!.id }
          : await this.prompter().pick(
              streams.map((s) => ({ label: s.label, description: s.id === s.label ? undefined : s.id, id: s.id })),
              { title: 'Open Feed in Editor', placeholder: 'Which stream?' },
            );
      if (!picked) return false;
      id = picked.id;
    }
    const existing = this.panels.get(id);
    if (existing) {
      existing.reveal();
      return true;
    }
    const label = streams.find((s) => s.id === id)?.label ?? id;
    const panel = vscode.window.createWebviewPanel(FEED_PANEL_TYPE, `Feed: ${label}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: false,
    });
    const sub = connectFeedWebview(this.hub, panel.webview, this.extensionUri, id);
    panel.onDidChangeViewState((e) => {
      if (!e.webviewPanel.visible) sub.hidden();
    });
    this.panels.set(id, panel);
    panel.onDidDispose(() => {
      sub.dispose();
      this.panels.delete(id!);
    });
    return true;
  }

  /** Number of open panels. */
  get size(): number {
    return this.panels.size;
  }

  dispose(): void {
    for (const p of this.panels.values()) p.dispose();
    this.panels.clear();
  }
}
