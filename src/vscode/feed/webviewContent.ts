/** Puts the feed into a VS Code webview (options, HTML under the CSP) and connects it to the hub. */
import * as vscode from 'vscode';
import type { FeedAttachment, FeedHub } from './hub';
import { feedHtml, makeNonce } from './html';

function cryptoRandom(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0]! / 2 ** 32;
}

/** Sets the webview's options and HTML (a fresh nonce each time), then attaches it to `hub`. */
export function connectFeedWebview(hub: FeedHub, webview: vscode.Webview, extensionUri: vscode.Uri, onlyStream?: string): FeedAttachment {
  const uri = (...parts: string[]) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...parts)).toString();
  webview.options = {
    enableScripts: true,
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media'), vscode.Uri.joinPath(extensionUri, 'dist', 'media')],
  };
  webview.html = feedHtml({
    cspSource: webview.cspSource,
    nonce: makeNonce(cryptoRandom),
    scriptUri: uri('dist', 'media', 'feed.js'),
    styleUri: uri('media', 'feed.css'),
    codiconUri: uri('dist', 'media', 'codicons', 'codicon.css'),
  });
  return hub.attach(webview, onlyStream);
}
