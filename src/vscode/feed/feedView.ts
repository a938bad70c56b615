/**
 * The live events feed: the `chainWatch.feed` WebviewView in the panel, "Open Feed in Editor" panels (feedPanel.ts),
 * the row context-menu commands and the view's title buttons.
 *
 * The extension calls {@link registerFeed} once with a {@link FeedSource} (usually {@link feedSourceFromRegistry}).
 * A {@link FeedHub} keeps the last `chainWatch.feed.maxEvents` rows (events, gaps, notices) so a webview that is
 * (re)created gets a snapshot: no `retainContextWhenHidden`. Each webview gets nothing before it says `ready`, then
 * the snapshot, then batches at most every 50 ms.
 */
import * as os from 'os';
import * as vscode from 'vscode';
import { systemClock } from '../../core/clock';
import type { Disposable } from '../../core/emitter';
import type { Logger } from '../../core/logger';
import type { ChainEvent } from '../../core/event';
import type { ExplorerOptions } from '../../core/explorers';
import { explorerAddressUrl, explorerTxUrl, explorerUrlForValue, SIMULATED_EXPLORER_MESSAGE } from '../../core/explorers';
import { FeedBatcher } from './batcher';
import { FeedStore } from '../../feed/store';
import { defaultMaxEvents } from '../../feed/rowFormat';
import { isChipValue, mergeMissing } from '../../feed/row';
import { describeError, redact } from '../../core/redact';
import type { GapInfo, StreamNotice } from '../../core/stream/stream';
import type { StreamRegistry } from '../../core/stream/streamRegistry';
import type { FeedItem, FeedStream, FromFeed, SavedFilter, ToFeed } from '../../feed/protocol';
import { assertNever } from '../../feed/protocol';
import { formatEvents } from '../exportFormat';
import type { ExportFormat } from '../exportFormat';
import { feedHtml, makeNonce } from './feedHtml';
import { windowPrompter } from '../prompter';
import type { Prompter } from '../prompter';
import { FeedPanels } from './feedPanel';
import { untrustedText } from '../../core/untrustedText';

/** View id of the feed (a WebviewView in the panel). */
export const FEED_VIEW_ID = 'chainWatch.feed';
/** View type of "Open Feed in Editor" panels. */
export const FEED_PANEL_TYPE = 'chainWatch.feedPanel';
const SAVED_FILTERS_KEY = 'chainWatch.feed.savedFilters';
/** The `webviewSection` of a row in `data-vscode-context` (menus filter on it). */
export const ROW_SECTION = 'chainWatchRow';

/** A stream as the feed lists it. */
export interface FeedSourceStream {
  id: string;
  label: string;
  /** Current state (`live`, `reconnecting`, ...), shown in the toggle's tooltip. */
  state?: string;
  /** True for a demo stream (a local simulator): the feed labels it "simulated". */
  simulated?: boolean;
}

/** Where the feed's data comes from. Every listener returns a Disposable; events arrive oldest first. */
export interface FeedSource {
  /** The streams, in display order. */
  streams(): FeedSourceStream[];
  /** Fires when streams are added, removed or renamed, or change state. */
  onStreamsChanged(listener: () => void): Disposable;
  /** Events already received (all streams, oldest first): seeds the feed when it is registered. */
  recent(): ChainEvent[];
  onEvents(listener: (events: ChainEvent[]) => void): Disposable;
  onGap(listener: (gap: GapInfo) => void): Disposable;
  onNotice(listener: (notice: StreamNotice) => void): Disposable;
  /** Explorer options for a stream (network, chain id, Sui explorer). Default: mainnet, Suiscan, no chain id. */
  explorerOptions?(stream: string): ExplorerOptions;
  /** Opens an event as a read-only JSON document. Default: an untitled JSON document. */
  openJson?(event: ChainEvent): Thenable<unknown> | Promise<unknown>;
}

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
  command(command: Extract<ToFeed, { type: 'command' }>['command']): void;
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
  /** Resolves when the next message of `type` arrives from any feed webview (for tests). */
  nextMessage<T extends FromFeed['type']>(type: T, timeoutMs?: number): Promise<Extract<FromFeed, { type: T }>>;
}

/** Adapts the extension's {@link StreamRegistry} (plus optional hooks) to a {@link FeedSource}. */
export function feedSourceFromRegistry(
  registry: StreamRegistry,
  hooks: Pick<FeedSource, 'explorerOptions' | 'openJson'> & { simulated?: (stream: string) => boolean } = {},
): FeedSource {
  const { simulated, ...rest } = hooks;
  return {
    streams: () =>
      registry.list().map((s) => ({
        id: s.id,
        label: s.handle.definition.label || s.id,
        state: s.handle.status().state,
        ...(simulated?.(s.id) ? { simulated: true } : {}),
      })),
    onStreamsChanged: (listener) => {
      const a = registry.onChange(() => listener());
      const b = registry.onStatus(() => listener());
      return { dispose: () => (a.dispose(), b.dispose()) };
    },
    recent: () =>
      registry
        .list()
        .flatMap((s) => s.handle.recent())
        .sort((x, y) => x.receivedAt - y.receivedAt),
    onEvents: (listener) => registry.onEvents((batch) => listener(batch.events)),
    onGap: (listener) => registry.onGap(listener),
    onNotice: (listener) => registry.onNotice(listener),
    ...rest,
  };
}

/** Reads `chainWatch.feed.maxEvents` (default 10,000; clamped to 100..200,000). */
export function feedMaxEvents(): number {
  const v = vscode.workspace.getConfiguration('chainWatch').get<number>('feed.maxEvents', defaultMaxEvents);
  return Number.isFinite(v) ? Math.min(200_000, Math.max(100, Math.floor(v))) : defaultMaxEvents;
}

/** One connected webview (the view or a panel). */
export interface FeedClient {
  readonly webview: vscode.Webview;
  /** Only this stream (panels). */
  readonly onlyStream?: string;
  ready: boolean;
  batcher: FeedBatcher<FeedItem>;
}

/**
 * The host side shared by every feed webview: the bounded row history for snapshots, stream colours, saved
 * filters, the message handling (copy, explorer, JSON, export, filters).
 */
export class FeedHub implements vscode.Disposable {
  readonly history: FeedStore;
  private readonly clients = new Set<FeedClient>();
  private readonly colors = new Map<string, number>();
  /** The last label of every stream seen, removed ones included (bounded by the streams a session ever had). */
  private readonly labels = new Map<string, string>();
  private readonly subs: Disposable[] = [];
  private streamsTimer: ReturnType<typeof setTimeout> | undefined;
  private lastStreamsJson = '';
  private pendingCommand: Extract<ToFeed, { type: 'command' }>['command'] | undefined;
  private readonly waiters: Array<{ type: string; resolve: (m: FromFeed) => void }> = [];
  lastExport: vscode.Uri | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly source: FeedSource,
    private readonly prompter: () => Prompter,
    private readonly logger?: Logger,
  ) {
    this.history = new FeedStore(feedMaxEvents());
    this.history.push(source.recent().map((event) => ({ kind: 'event' as const, event })));
    this.subs.push(
      source.onEvents((events) => this.add(events.map((event) => ({ kind: 'event', event })))),
      source.onGap((gap) => this.add([{ kind: 'gap', gap }])),
      source.onNotice((notice) => this.add([{ kind: 'notice', notice }])),
      source.onStreamsChanged(() => this.streamsChanged()),
    );
  }

  /** Rows held. */
  get size(): number {
    return this.history.length;
  }

  /** Webviews receiving rows. */
  get liveClients(): number {
    let n = 0;
    for (const c of this.clients) if (c.ready) n++;
    return n;
  }

  private add(items: FeedItem[]): void {
    this.history.push(items);
    for (const c of this.clients) {
      if (!c.ready) continue;
      const mine = c.onlyStream === undefined ? items : items.filter((it) => streamOf(it) === c.onlyStream);
      c.batcher.push(...mine);
    }
  }

  private streamsChanged(): void {
    // Status changes can come in bursts (every stream reconnecting): coalesce.
    if (this.streamsTimer) return;
    this.streamsTimer = setTimeout(() => {
      this.streamsTimer = undefined;
      const streams = this.streams();
      // Status fires with every batch of events; only a changed list, label or state is worth a message.
      const json = JSON.stringify(streams);
      if (json === this.lastStreamsJson) return;
      this.lastStreamsJson = json;
      for (const c of this.clients) if (c.ready) void c.webview.postMessage({ type: 'streams', streams } satisfies ToFeed);
    }, 100);
  }

  /**
   * The stream list with a stable colour per stream (in order of first appearance, never reused), then the streams
   * that were removed, marked `gone`, so rows that outlive their stream keep its label and colour.
   */
  streams(): FeedStream[] {
    const live = this.source.streams().map((s) => {
      let color = this.colors.get(s.id);
      if (color === undefined) {
        color = this.colors.size;
        this.colors.set(s.id, color);
      }
      this.labels.set(s.id, s.label);
      return { id: s.id, label: s.label, color, ...(s.state ? { state: s.state } : {}), ...(s.simulated ? { simulated: true } : {}) };
    });
    const ids = new Set(live.map((s) => s.id));
    const gone: FeedStream[] = [];
    for (const [id, label] of this.labels) if (!ids.has(id)) gone.push({ id, label, color: this.colors.get(id) ?? 0, gone: true });
    return [...live, ...gone];
  }

  /**
   * Sets up a webview: options, HTML, message handling. Call `hidden()` on the result when the webview is hidden:
   * its document is destroyed then (no `retainContextWhenHidden`), so rows stop being posted until it says
   * `ready` again and gets a fresh snapshot.
   */
  attach(webview: vscode.Webview, onlyStream?: string): vscode.Disposable & { hidden(): void } {
    const ext = this.context.extensionUri;
    webview.options = {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(ext, 'media'), vscode.Uri.joinPath(ext, 'dist', 'media')],
    };
    webview.html = feedHtml({
      cspSource: webview.cspSource,
      nonce: makeNonce(cryptoRandom),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'media', 'feed.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'media', 'feed.css')).toString(),
      codiconUri: webview.asWebviewUri(vscode.Uri.joinPath(ext, 'dist', 'media', 'codicons', 'codicon.css')).toString(),
    });
    const client: FeedClient = {
      webview,
      ...(onlyStream !== undefined ? { onlyStream } : {}),
      ready: false,
      batcher: new FeedBatcher<FeedItem>(systemClock, (items) => void webview.postMessage({ type: 'items', items } satisfies ToFeed), 50),
    };
    this.clients.add(client);
    const sub = webview.onDidReceiveMessage((m: unknown) => {
      void this.onMessage(client, m).catch((err) => {
        this.logger?.error(`feed: ${describeError(err)}`);
        void vscode.window.showErrorMessage(`Chain Watch feed: ${untrustedText(describeError(err))}`);
      });
    });
    return {
      hidden: () => {
        client.ready = false;
        client.batcher.clear();
      },
      dispose: () => {
        sub.dispose();
        client.batcher.clear();
        this.clients.delete(client);
      },
    };
  }

  /** Posts a message to every ready webview. */
  broadcast(msg: ToFeed): void {
    for (const c of this.clients) if (c.ready) void c.webview.postMessage(msg);
  }

  /**
   * Sends a command to the ready webviews; when none is ready yet (the command just revealed the view, which is
   * still loading), the next one to say `ready` gets it right after its snapshot.
   */
  command(command: Extract<ToFeed, { type: 'command' }>['command']): void {
    if (this.liveClients > 0) this.broadcast({ type: 'command', command });
    // Only commands that reveal the view wait for it; a pause or clear must not surprise a view opened later.
    else if (command === 'focusFilter' || command === 'export') this.pendingCommand = command;
  }

  /** Applies a new `chainWatch.feed.maxEvents`. */
  setMaxEvents(n: number): void {
    this.history.setCapacity(n);
    this.broadcast({ type: 'config', maxEvents: n });
  }

  /**
   * The rows for a webview's snapshot (oldest first). Events the source holds but the history never saw (restored
   * from the journal after a reload, without a live notification) are folded in first, in time order.
   */
  snapshot(onlyStream?: string): FeedItem[] {
    const current = this.history.all().map((r) => r.item);
    const merged = mergeMissing(current, this.source.recent().map((event) => ({ kind: 'event' as const, event })));
    if (merged.length !== current.length) {
      this.history.clear();
      this.history.push(merged);
    }
    return this.history
      .all()
      .map((r) => r.item)
      .filter((it) => onlyStream === undefined || streamOf(it) === onlyStream);
  }

  /** Finds a held event. */
  findEvent(stream: string, id: string): ChainEvent | undefined {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const it = this.history.at(i)!.item;
      if (it.kind === 'event' && it.event.stream === stream && it.event.id === id) return it.event as ChainEvent;
    }
    return undefined;
  }

  /** Resolves with the next message of a type (tests). */
  nextMessage<T extends FromFeed['type']>(type: T, timeoutMs = 10_000): Promise<Extract<FromFeed, { type: T }>> {
    return new Promise((resolve, reject) => {
      const w = { type, resolve: resolve as (m: FromFeed) => void };
      this.waiters.push(w);
      setTimeout(() => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) {
          this.waiters.splice(i, 1);
          reject(new Error(`no "${type}" message from the feed within ${timeoutMs} ms`));
        }
      }, timeoutMs);
    });
  }

  private savedFilters(): SavedFilter[] {
    const v = this.context.globalState.get<SavedFilter[]>(SAVED_FILTERS_KEY, []);
    return Array.isArray(v) ? v : [];
  }

  private async onMessage(client: FeedClient, raw: unknown): Promise<void> {
    if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') return;
    const msg = raw as FromFeed;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.type === msg.type) this.waiters.splice(i, 1)[0]!.resolve(msg);
    }
    switch (msg.type) {
      case 'ready': {
        client.batcher.clear();
        const items = this.snapshot(client.onlyStream);
        // Posted in order: the snapshot first, then (ready from here on) the batches that follow it.
        const posted = client.webview.postMessage({
          type: 'init',
          maxEvents: this.history.capacity,
          streams: this.streams(),
          items,
          savedFilters: this.savedFilters(),
          ...(client.onlyStream !== undefined ? { onlyStream: client.onlyStream } : {}),
        } satisfies ToFeed);
        client.ready = true;
        if (this.pendingCommand) {
          void client.webview.postMessage({ type: 'command', command: this.pendingCommand } satisfies ToFeed);
          this.pendingCommand = undefined;
        }
        await posted;
        break;
      }
      case 'copy':
        if (typeof msg.text !== 'string') return;
        await vscode.env.clipboard.writeText(msg.text);
        vscode.window.setStatusBarMessage(`$(copy) Copied ${msg.what === 'digest' ? 'digest' : msg.what === 'json' ? 'event JSON' : 'value'}`, 2000);
        break;
      case 'openExplorer':
        await this.openExplorer(String(msg.stream), msg.target, String(msg.value));
        break;
      case 'openJson': {
        const ev = this.findEvent(String(msg.stream), String(msg.id));
        if (ev) await this.openJson(ev);
        else void vscode.window.showInformationMessage('Chain Watch: that event is no longer in memory (it is still in the journal).');
        break;
      }
      case 'export':
        await this.export(msg.format, Array.isArray(msg.events) ? (msg.events as ChainEvent[]) : [], client, msg.scope);
        break;
      case 'saveFilter': {
        const name = await this.prompter().input({ title: 'Save Filter', prompt: 'Name of the saved filter', value: String(msg.filter.text).slice(0, 40) });
        if (!name) return;
        const list = this.savedFilters().filter((f) => f.name !== name);
        list.push({ name, text: String(msg.filter.text), regex: msg.filter.regex === true, caseSensitive: msg.filter.caseSensitive === true });
        await this.context.globalState.update(SAVED_FILTERS_KEY, list);
        this.broadcast({ type: 'savedFilters', filters: list });
        break;
      }
      case 'deleteFilter': {
        const list = this.savedFilters().filter((f) => f.name !== msg.name);
        await this.context.globalState.update(SAVED_FILTERS_KEY, list);
        this.broadcast({ type: 'savedFilters', filters: list });
        break;
      }
      case 'paused':
        break;
      case 'resync': {
        // Anything waiting in the batcher is already in the history, hence in the snapshot.
        client.batcher.clear();
        await client.webview.postMessage({ type: 'snapshot', items: this.snapshot(client.onlyStream) } satisfies ToFeed);
        break;
      }
      case 'error':
        this.logger?.warn(`feed webview: ${redact(String(msg.message)).slice(0, 500)}`);
        break;
      default:
        assertNever(msg);
    }
  }

  /** Opens the explorer page for a digest or address of a held stream; only validated values become links. */
  async openExplorer(stream: string, target: 'tx' | 'address' | 'object', value: string): Promise<string | undefined> {
    if (!isChipValue(value)) return undefined;
    const opts = this.source.explorerOptions?.(stream) ?? {};
    const provider = this.providerOf(stream);
    let url: string | undefined;
    if (target === 'tx') {
      url = explorerTxUrl({ digest: value, provider } as ChainEvent, opts);
    } else if (target === 'address') url = explorerAddressUrl(provider, value, opts);
    else url = explorerUrlForValue(provider, value, opts);
    if (!url) {
      void vscode.window.showWarningMessage(
        opts.simulated ? `Chain Watch: ${SIMULATED_EXPLORER_MESSAGE}.` : 'Chain Watch: no explorer link for this value (unknown format, or no explorer for this chain).',
      );
      return undefined;
    }
    await vscode.env.openExternal(vscode.Uri.parse(url, true));
    return url;
  }

  private providerOf(stream: string): ChainEvent['provider'] {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const it = this.history.at(i)!.item;
      if (it.kind === 'event' && it.event.stream === stream) return it.event.provider;
    }
    return 'warp';
  }

  /** Opens an event as JSON (the source's document provider when it has one). */
  async openJson(ev: ChainEvent): Promise<void> {
    if (this.source.openJson) {
      await this.source.openJson(ev);
      return;
    }
    const doc = await vscode.workspace.openTextDocument({ content: JSON.stringify(ev, null, 2), language: 'json' });
    await vscode.window.showTextDocument(doc, { preview: true });
  }

  private async export(format: ExportFormat, events: ChainEvent[], client: FeedClient, scope: string): Promise<void> {
    if (format !== 'ndjson' && format !== 'json' && format !== 'csv') return;
    if (events.length === 0) {
      void client.webview.postMessage({ type: 'exported', ok: false, message: 'nothing to export' } satisfies ToFeed);
      return;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-').slice(0, 19);
    const base = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
    const uri = await this.prompter().saveFile({
      title: `Export ${events.length.toLocaleString('en-US')} events (${scope})`,
      defaultUri: vscode.Uri.joinPath(base, `chain-watch-${client.onlyStream ?? 'feed'}-${stamp}.${format}`),
      filters: format === 'csv' ? { CSV: ['csv'] } : format === 'json' ? { JSON: ['json'] } : { NDJSON: ['ndjson', 'jsonl'] },
    });
    if (!uri) return;
    await vscode.workspace.fs.writeFile(uri, Buffer.from(formatEvents(events, format), 'utf8'));
    this.lastExport = uri;
    const message = `wrote ${events.length.toLocaleString('en-US')} events to ${uri.path.split('/').pop()}`;
    void client.webview.postMessage({ type: 'exported', ok: true, message } satisfies ToFeed);
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const c of this.clients) c.batcher.clear();
    this.clients.clear();
    if (this.streamsTimer) clearTimeout(this.streamsTimer);
  }
}

function streamOf(it: FeedItem): string {
  return it.kind === 'event' ? it.event.stream : it.kind === 'gap' ? it.gap.stream : it.notice.stream;
}

function cryptoRandom(): number {
  const a = new Uint32Array(1);
  globalThis.crypto.getRandomValues(a);
  return a[0]! / 2 ** 32;
}

/** The `chainWatch.feed` view provider: a fresh webview each time the view is shown (state via getState). */
class FeedViewProvider implements vscode.WebviewViewProvider {
  constructor(private readonly hub: FeedHub) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const sub = this.hub.attach(view.webview);
    view.onDidChangeVisibility(() => {
      if (!view.visible) sub.hidden();
    });
    view.onDidDispose(() => sub.dispose());
  }
}

/** The argument VS Code passes to a `webview/context` command: the row's `data-vscode-context`. */
interface RowContext {
  webviewSection?: string;
  chainWatchStream?: string;
  chainWatchEventId?: string;
  chainWatchDigest?: string;
}

/**
 * Registers the feed view, its panels and commands. Everything goes into `context.subscriptions`.
 * Commands: `chainWatch.openFeedInEditor` (arg: stream id or a tree stream node), `chainWatch.feed.togglePause`,
 * `chainWatch.feed.focusFilter`, `chainWatch.feed.export`, `chainWatch.feed.clear`, and the row menu commands
 * `chainWatch.feed.copyDigest`, `chainWatch.feed.copyJson`, `chainWatch.feed.openInExplorer`, `chainWatch.feed.openJson`.
 */
export function registerFeed(context: vscode.ExtensionContext, source: FeedSource, options: FeedOptions = {}): FeedController {
  const prompter = options.prompter ?? (() => windowPrompter);
  const hub = new FeedHub(context, source, prompter, options.logger);
  const panels = new FeedPanels(hub, prompter);
  const eventOf = (ctx: RowContext | undefined): ChainEvent | undefined =>
    ctx && typeof ctx.chainWatchStream === 'string' && typeof ctx.chainWatchEventId === 'string'
      ? hub.findEvent(ctx.chainWatchStream, ctx.chainWatchEventId)
      : undefined;
  const reg = (id: string, fn: (...args: never[]) => unknown) =>
    vscode.commands.registerCommand(id, async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        void vscode.window.showErrorMessage(`Chain Watch: ${untrustedText(describeError(err))}`);
        return undefined;
      }
    });
  const controller: FeedController = {
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
      return hub.lastExport;
    },
    nextMessage: (type, timeoutMs) => hub.nextMessage(type, timeoutMs),
    dispose: () => undefined,
  };
  context.subscriptions.push(
    hub,
    panels,
    vscode.window.registerWebviewViewProvider(FEED_VIEW_ID, new FeedViewProvider(hub)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('chainWatch.feed.maxEvents')) hub.setMaxEvents(feedMaxEvents());
    }),
    reg('chainWatch.openFeedInEditor', (arg: unknown) => {
      const id = typeof arg === 'string' ? arg : arg && typeof arg === 'object' && typeof (arg as { id?: unknown }).id === 'string' ? (arg as { id: string }).id : undefined;
      return panels.open(id);
    }),
    reg('chainWatch.feed.togglePause', () => controller.command('togglePause')),
    reg('chainWatch.feed.focusFilter', async () => {
      await vscode.commands.executeCommand(`${FEED_VIEW_ID}.focus`);
      controller.command('focusFilter');
    }),
    reg('chainWatch.feed.export', async () => {
      if (hub.liveClients === 0) await vscode.commands.executeCommand(`${FEED_VIEW_ID}.focus`);
      controller.command('export');
    }),
    reg('chainWatch.feed.clear', () => controller.command('clear')),
    reg('chainWatch.feed.copyDigest', async (ctx: RowContext) => {
      const d = ctx?.chainWatchDigest;
      if (!isChipValue(d)) return undefined;
      await vscode.env.clipboard.writeText(d);
      vscode.window.setStatusBarMessage('$(copy) Copied digest', 2000);
      return d;
    }),
    reg('chainWatch.feed.copyJson', async (ctx: RowContext) => {
      const ev = eventOf(ctx);
      if (!ev) return undefined;
      const text = JSON.stringify(ev, null, 2);
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage('$(copy) Copied event JSON', 2000);
      return text;
    }),
    reg('chainWatch.feed.openInExplorer', async (ctx: RowContext) => {
      const ev = eventOf(ctx);
      const d = ev?.digest ?? ctx?.chainWatchDigest;
      if (!ctx?.chainWatchStream || !isChipValue(d)) return undefined;
      return hub.openExplorer(ctx.chainWatchStream, 'tx', d);
    }),
    reg('chainWatch.feed.openJson', async (ctx: RowContext) => {
      const ev = eventOf(ctx);
      if (!ev) {
        void vscode.window.showInformationMessage('Chain Watch: that event is no longer in memory (it is still in the journal).');
        return undefined;
      }
      await hub.openJson(ev);
      return ev.id;
    }),
  );
  return controller;
}
