/** The `chainWatch.feed` view (a WebviewView in the panel): a fresh webview each time it is shown (state via getState). */
import type * as vscode from 'vscode';
import type { FeedHub } from './hub';
import { connectFeedWebview } from './webviewContent';

/** View id of the feed. */
export const FEED_VIEW_ID = 'chainWatch.feed';

/** The provider registered for {@link FEED_VIEW_ID}. */
export class FeedViewProvider implements vscode.WebviewViewProvider {
  constructor(
    private readonly hub: FeedHub,
    private readonly extensionUri: vscode.Uri,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const sub = connectFeedWebview(this.hub, view.webview, this.extensionUri);
    view.onDidChangeVisibility(() => {
      if (!view.visible) sub.hidden();
    });
    view.onDidDispose(() => sub.dispose());
  }
}
