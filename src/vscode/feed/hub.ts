/**
 * {@link FeedHub}: the host side shared by every feed webview (the panel view and "Open Feed in Editor" tabs). It
 * keeps the last `maxEvents` rows (events, gaps, notices) so a webview that is (re)created gets a snapshot (no
 * `retainContextWhenHidden`), a stable colour per stream, and the connected webviews. Each webview gets nothing
 * before it says `ready`, then the snapshot, then batches at most every 50 ms.
 *
 * No vscode import: a webview is anything with `postMessage` and `onDidReceiveMessage`, so the hub is unit-tested
 * in plain Node with a fake webview and the fake clock. What a message asks the host to do is in messages.ts.
 */
import type { Clock, TimerHandle } from '../../core/clock';
import { systemClock } from '../../core/clock';
import type { Disposable } from '../../core/emitter';
import type { ChainEvent } from '../../core/event';
import { eventSize } from '../../core/event';
import { FEED_MAX_BYTES, feedRowBytes, summarizeForFeed } from '../../feed/summary';
import { explorerAddressUrl, explorerTxUrl, explorerUrlForValue } from '../../core/explorers';
import { FeedStore } from '../../feed/store';
import { mergeMissing, isChipValue } from '../../feed/row';
import type { FeedCommand, FeedItem, FeedStream, FromFeed, SavedFilter, ToFeed } from '../../feed/protocol';
import { FeedBatcher } from './batcher';
import type { FeedSource } from './source';

/** Batches go out at most this often, per webview. */
const BATCH_MS = 50;
/** Stream status changes come in bursts (every stream reconnecting): they are coalesced over this window. */
const STREAMS_COALESCE_MS = 100;

/** A row for an event: a payload over 64 KiB becomes a summary (the journal keeps it whole). */
function eventItem(event: ChainEvent): FeedItem {
  return { kind: 'event', event: summarizeForFeed(event, eventSize(event)) };
}

/** The two members of a VS Code webview the hub uses. */
export interface FeedWebview {
  postMessage(message: ToFeed): Thenable<boolean> | Promise<boolean>;
  onDidReceiveMessage(listener: (message: unknown) => void): Disposable;
}

/** One connected webview (the view or a panel). */
export interface FeedClient {
  readonly webview: FeedWebview;
  /** Only this stream (panels). */
  readonly onlyStream?: string;
  ready: boolean;
  batcher: FeedBatcher<FeedItem>;
}

/** What the hub does with a message from a webview (see messages.ts). Rejections go to `onError`. */
export type FeedMessageHandler = (client: FeedClient, message: FromFeed) => Promise<void>;

/** Options of a {@link FeedHub}. */
export interface FeedHubOptions {
  /** Rows kept for snapshots (`chainWatch.feed.maxEvents`). */
  maxEvents: number;
  /** Builds the message handler once the hub exists (it usually needs the hub). */
  messages: (hub: FeedHub) => FeedMessageHandler;
  /** Called when handling a message failed. */
  onError: (err: unknown) => void;
  /** Timers for batching and coalescing. Default: the system clock. */
  clock?: Clock;
}

/** The handle {@link FeedHub.attach} returns. */
export interface FeedAttachment extends Disposable {
  /** The webview was hidden: its document is gone, so rows stop until it says `ready` again. */
  hidden(): void;
}

/** The host side shared by every feed webview: history, clients and batching, stream colours, snapshots. */
export class FeedHub implements Disposable {
  /** The rows kept for snapshots (bounded by `maxEvents`). */
  readonly history: FeedStore;
  private readonly clients = new Set<FeedClient>();
  private readonly colors = new Map<string, number>();
  /** The last label of every stream seen, removed ones included (bounded by the streams a session ever had). */
  private readonly labels = new Map<string, string>();
  private readonly subs: Disposable[] = [];
  private readonly clock: Clock;
  private readonly handle: FeedMessageHandler;
  private streamsTimer: TimerHandle | undefined;
  private lastStreamsJson = '';
  private pendingCommand: FeedCommand | undefined;
  private readonly waiters: Array<{ type: string; resolve: (m: FromFeed) => void }> = [];

  constructor(
    private readonly source: FeedSource,
    private readonly options: FeedHubOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.history = new FeedStore(options.maxEvents, FEED_MAX_BYTES, (item) => feedRowBytes(item, (ev) => eventSize(ev as ChainEvent)));
    this.history.push(source.recent().map(eventItem));
    this.subs.push(
      source.onEvents((events) => this.add(events.map(eventItem))),
      source.onGap((gap) => this.add([{ kind: 'gap', gap }])),
      source.onNotice((notice) => this.add([{ kind: 'notice', notice }])),
      source.onStreamsChanged(() => this.streamsChanged()),
    );
    this.handle = options.messages(this);
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
    if (this.streamsTimer) return;
    this.streamsTimer = this.clock.setTimeout(() => {
      this.streamsTimer = undefined;
      const streams = this.streams();
      // Status fires with every batch of events; only a changed list, label or state is worth a message.
      const json = JSON.stringify(streams);
      if (json === this.lastStreamsJson) return;
      this.lastStreamsJson = json;
      this.broadcast({ type: 'streams', streams });
    }, STREAMS_COALESCE_MS);
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
   * Connects a webview whose HTML is already set. Call `hidden()` on the result when the webview is hidden: its
   * document is destroyed then, so rows stop being posted until it says `ready` again and gets a fresh snapshot.
   */
  attach(webview: FeedWebview, onlyStream?: string): FeedAttachment {
    const client: FeedClient = {
      webview,
      ...(onlyStream !== undefined ? { onlyStream } : {}),
      ready: false,
      batcher: new FeedBatcher<FeedItem>(this.clock, (items) => void webview.postMessage({ type: 'items', items }), BATCH_MS),
    };
    this.clients.add(client);
    const sub = webview.onDidReceiveMessage((m: unknown) => {
      void this.receive(client, m).catch((err: unknown) => this.options.onError(err));
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

  private async receive(client: FeedClient, raw: unknown): Promise<void> {
    if (!raw || typeof raw !== 'object' || typeof (raw as { type?: unknown }).type !== 'string') return;
    const msg = raw as FromFeed;
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (this.waiters[i]!.type === msg.type) this.waiters.splice(i, 1)[0]!.resolve(msg);
    }
    await this.handle(client, msg);
  }

  /**
   * Answers `ready`: posts the snapshot, then marks the client ready (batches follow the snapshot in order) and
   * hands it a command that was waiting for a webview.
   */
  async ready(client: FeedClient, savedFilters: SavedFilter[]): Promise<void> {
    client.batcher.clear();
    const items = this.snapshot(client.onlyStream);
    const posted = client.webview.postMessage({
      type: 'init',
      maxEvents: this.history.capacity,
      streams: this.streams(),
      items,
      savedFilters,
      ...(client.onlyStream !== undefined ? { onlyStream: client.onlyStream } : { inView: true }),
    });
    client.ready = true;
    if (this.pendingCommand) {
      void client.webview.postMessage({ type: 'command', command: this.pendingCommand });
      this.pendingCommand = undefined;
    }
    await posted;
  }

  /** Answers `resync`: every row kept, replacing the webview's rows. */
  async resync(client: FeedClient): Promise<void> {
    // Anything waiting in the batcher is already in the history, hence in the snapshot.
    client.batcher.clear();
    await client.webview.postMessage({ type: 'snapshot', items: this.snapshot(client.onlyStream) });
  }

  /** Posts a message to every ready webview. */
  broadcast(msg: ToFeed): void {
    for (const c of this.clients) if (c.ready) void c.webview.postMessage(msg);
  }

  /**
   * Sends a command to the ready webviews (`viewOnly`: to the Feed view only); when none is ready yet (the command
   * just revealed the view, which is still loading), the next one to say `ready` gets it right after its snapshot.
   */
  command(command: FeedCommand, viewOnly = false): void {
    if (viewOnly) {
      // the view's title bar (Pause / Resume) acts on the view, not on the editor panels
      for (const c of this.clients) if (c.ready && c.onlyStream === undefined) void c.webview.postMessage({ type: 'command', command });
      return;
    }
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
    const merged = mergeMissing(current, this.source.recent().map(eventItem));
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
  /**
   * The whole event for a held row: the row's own event, or (when the row holds only a summary of a large
   * payload) the event read back from its stream's memory or journal.
   */
  async wholeEvent(stream: string, id: string): Promise<ChainEvent | undefined> {
    const held = this.findEvent(stream, id) as (ChainEvent & { payloadOmitted?: number }) | undefined;
    if (!held || held.payloadOmitted === undefined) return held;
    return (await this.source.readEvent?.(stream, id)) ?? undefined;
  }

  /** A held event (for a large payload: the row's summary, see {@link wholeEvent}). */
  findEvent(stream: string, id: string): ChainEvent | undefined {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const it = this.history.at(i)!.item;
      if (it.kind === 'event' && it.event.stream === stream && it.event.id === id) return it.event as ChainEvent;
    }
    return undefined;
  }

  /**
   * The explorer URL of a digest or address seen on a held stream (undefined unless the value is a valid chip and
   * the chain has an explorer), and whether the stream is on a local endpoint (no public explorer has its events).
   */
  explorerUrl(stream: string, target: 'tx' | 'address' | 'object', value: string): { url: string | undefined; local: boolean } {
    const opts = this.source.explorerOptions?.(stream) ?? {};
    const local = opts.local === true;
    if (!isChipValue(value)) return { url: undefined, local };
    const provider = this.providerOf(stream);
    if (target === 'tx') return { url: explorerTxUrl({ digest: value, provider } as ChainEvent, opts), local };
    if (target === 'address') return { url: explorerAddressUrl(provider, value, opts), local };
    return { url: explorerUrlForValue(provider, value, opts), local };
  }

  private providerOf(stream: string): ChainEvent['provider'] {
    for (let i = this.history.length - 1; i >= 0; i--) {
      const it = this.history.at(i)!.item;
      if (it.kind === 'event' && it.event.stream === stream) return it.event.provider;
    }
    return 'warp';
  }

  /** Resolves with the next message of a type from any webview (tests). */
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

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const c of this.clients) c.batcher.clear();
    this.clients.clear();
    this.clock.clearTimeout(this.streamsTimer);
  }
}

function streamOf(it: FeedItem): string {
  return it.kind === 'event' ? it.event.stream : it.kind === 'gap' ? it.gap.stream : it.notice.stream;
}
