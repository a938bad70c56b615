/**
 * The live events feed, put together: the {@link FeedHub} (history and webviews), the `chainWatch.feed` view in
 * the panel, "Open Feed in Editor" panels, the feed's commands and the `chainWatch.feed.maxEvents` setting.
 *
 * The extension calls {@link registerFeed} once with a {@link FeedSource} (usually `feedSourceFromRegistry`).
 */
import * as vscode from 'vscode';
import type { ChainEvent } from '../../core/event';
import type { Logger } from '../../core/logger';
import { describeError } from '../../core/redact';
import { untrustedText } from '../../core/untrustedText';
import type { FeedCommand, FromFeed } from '../../feed/protocol';
import { defaultMaxEvents } from '../../feed/rowFormat';
import { windowPrompter } from '../prompter';
import type { Prompter } from '../prompter';
import { FeedHostActions } from './actions';
import { registerFeedCommands } from './commands';
import { FeedHub } from './hub';
import { feedMessageHandler } from './messages';
import { FeedPanels } from './panel';
import type { FeedSource } from './source';
import { FEED_VIEW_ID, FeedViewProvider } from './view';

/** Options of {@link registerFeed}. */
export interface FeedOptions {
  /** Where questions go (save dialog, filter name, stream pick); the extension's test API can swap it. */
  prompter?: () => Prompter;
  /** Where webview-side errors are logged (redacted). */
  logger?: Logger;
}

/** What {@link registerFeed} returns (the extension keeps it; tests drive it). */
export interface FeedController extends vscode.Disposable {
  /** Sends a command to every open feed webview. */
  command(command: FeedCommand): void;
  /** Opens the feed for one stream in an editor (asks which when `streamId` is omitted). */
  openInEditor(streamId?: string): Promise<boolean>;
  /** Rows held for the snapshot. */
  readonly size: number;
  /** The current row cap (`chainWatch.feed.maxEvents`). */
  readonly maxEvents: number;
  /** Number of webviews that said `ready` and receive rows now. */
  readonly liveWebviews: number;
  /** The last file written by an export (for tests). */
  readonly lastExport: vscode.Uri | undefined;
  /** A row's whole event (undefined when the feed no longer holds it). */
  findEvent(stream: string, id: string): Promise<ChainEvent | undefined>;
  /** Resolves when the next message of `type` arrives from any feed webview (for tests). */
  nextMessage<T extends FromFeed['type']>(type: T, timeoutMs?: number): Promise<Extract<FromFeed, { type: T }>>;
}

/** Reads `chainWatch.feed.maxEvents` (default 10,000; clamped to 100..200,000). */
export function feedMaxEvents(): number {
  const v = vscode.workspace.getConfiguration('chainWatch').get<number>('feed.maxEvents', defaultMaxEvents);
  return Number.isFinite(v) ? Math.min(200_000, Math.max(100, Math.floor(v))) : defaultMaxEvents;
}

/** Registers the feed view, its panels and commands. Everything goes into `context.subscriptions`. */
export function registerFeed(context: vscode.ExtensionContext, source: FeedSource, options: FeedOptions = {}): FeedController {
  const prompter = options.prompter ?? (() => windowPrompter);
  const actions = new FeedHostActions(context, source, prompter, options.logger);
  const hub = new FeedHub(source, {
    maxEvents: feedMaxEvents(),
    messages: (h) => feedMessageHandler(h, actions),
    onError: (err) => {
      options.logger?.error(`feed: ${describeError(err)}`);
      void vscode.window.showErrorMessage(`Chain Watch feed: ${untrustedText(describeError(err))}`);
    },
  });
  const panels = new FeedPanels(hub, context.extensionUri, prompter);
  context.subscriptions.push(
    hub,
    panels,
    vscode.window.registerWebviewViewProvider(FEED_VIEW_ID, new FeedViewProvider(hub, context.extensionUri)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chainWatch.feed.maxEvents')) hub.setMaxEvents(feedMaxEvents());
    }),
    ...registerFeedCommands(hub, actions, panels),
  );
  return {
    command: (command) => hub.command(command),
    openInEditor: (streamId) => panels.open(streamId),
    get size() {
      return hub.size;
    },
    get maxEvents() {
      return hub.history.capacity;
    },
    get liveWebviews() {
      return hub.liveClients;
    },
    get lastExport() {
      return actions.lastExport;
    },
    findEvent: (stream, id) => hub.wholeEvent(stream, id),
    nextMessage: (type, timeoutMs) => hub.nextMessage(type, timeoutMs),
    dispose: () => undefined,
  };
}
