/**
 * The feed's commands: `chainWatch.openFeedInEditor` (arg: stream id or a tree stream node), the view's title
 * buttons (`chainWatch.feed.pause` / `.resume`, switched by `chainWatch.feedPaused`; `.togglePause`, `.focusFilter`,
 * `.export`, `.clear` from the palette) and the row context menu
 * (`chainWatch.feed.copyDigest`, `.copyJson`, `.openInExplorer`, `.openJson`; arg: the row's `data-vscode-context`).
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import { describeError } from '../../core/redact';
import { untrustedText } from '../../core/untrustedText';
import { isChipValue } from '../../feed/row';
import type { FeedHub } from './hub';
import { NOT_IN_MEMORY, openExplorer } from './messages';
import type { FeedActions } from './messages';
import type { FeedPanels } from './panel';
import { FEED_VIEW_ID } from './view';

const COPIED_MS = 2000;

/** The argument VS Code passes to a `webview/context` command: the row's `data-vscode-context`. */
interface RowContext {
  webviewSection?: string;
  chainWatchStream?: string;
  chainWatchEventId?: string;
  chainWatchDigest?: string;
}

function register(id: string, fn: (...args: never[]) => unknown): vscode.Disposable {
  return vscode.commands.registerCommand(id, async (...args: never[]) => {
    try {
      return await fn(...args);
    } catch (err) {
      void vscode.window.showErrorMessage(`Chain Watch: ${untrustedText(describeError(err))}`);
      return undefined;
    }
  });
}

/** Registers the feed's commands; the caller puts the result into `context.subscriptions`. */
export function registerFeedCommands(hub: FeedHub, actions: FeedActions, panels: FeedPanels): vscode.Disposable[] {
  const eventOf = (ctx: RowContext | undefined): ChainEvent | undefined =>
    ctx && typeof ctx.chainWatchStream === 'string' && typeof ctx.chainWatchEventId === 'string'
      ? hub.findEvent(ctx.chainWatchStream, ctx.chainWatchEventId)
      : undefined;
  return [
    register('chainWatch.openFeedInEditor', (arg: unknown) => {
      const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
      return panels.open(id);
    }),
    register('chainWatch.feed.togglePause', () => hub.command('togglePause')),
    // the view's title bar: Pause while following, Resume while paused (`chainWatch.feedPaused`, set by the view)
    register('chainWatch.feed.pause', () => hub.command('togglePause', true)),
    register('chainWatch.feed.resume', () => hub.command('jumpToLatest', true)),
    register('chainWatch.feed.focusFilter', async () => {
      await vscode.commands.executeCommand(`${FEED_VIEW_ID}.focus`);
      hub.command('focusFilter');
    }),
    register('chainWatch.feed.export', async () => {
      if (hub.liveClients === 0) await vscode.commands.executeCommand(`${FEED_VIEW_ID}.focus`);
      hub.command('export');
    }),
    register('chainWatch.feed.clear', () => hub.command('clear')),
    register('chainWatch.feed.copyDigest', async (ctx: RowContext) => {
      const d = ctx?.chainWatchDigest;
      if (!isChipValue(d)) return undefined;
      await vscode.env.clipboard.writeText(d);
      vscode.window.setStatusBarMessage('$(copy) Copied digest', COPIED_MS);
      return d;
    }),
    register('chainWatch.feed.copyJson', async (ctx: RowContext) => {
      const ev = eventOf(ctx);
      if (!ev) return undefined;
      const text = JSON.stringify(ev, null, 2);
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage('$(copy) Copied event JSON', COPIED_MS);
      return text;
    }),
    register('chainWatch.feed.openInExplorer', async (ctx: RowContext) => {
      const ev = eventOf(ctx);
      const d = ev?.digest ?? ctx?.chainWatchDigest;
      if (!ctx?.chainWatchStream || !isChipValue(d)) return undefined;
      return openExplorer(hub, actions, ctx.chainWatchStream, 'tx', d);
    }),
    register('chainWatch.feed.openJson', async (ctx: RowContext) => {
      const ev = eventOf(ctx);
      if (!ev) {
        actions.info(NOT_IN_MEMORY);
        return undefined;
      }
      await actions.openJson(ev);
      return ev.id;
    }),
  ];
}
