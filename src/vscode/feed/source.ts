/** Where the feed's rows come from: the {@link FeedSource} seam, and its adapter over the stream registry. No vscode import. */
import type { Disposable } from '../../core/emitter';
import type { ChainEvent } from '../../core/event';
import type { ExplorerOptions } from '../../core/explorers';
import type { GapInfo, StreamHandle, StreamNotice } from '../../core/stream/stream';
import type { StreamRegistry } from '../../core/stream/streamRegistry';

/** A stream as the feed lists it. */
export interface FeedSourceStream {
  id: string;
  label: string;
  /** Current state (`live`, `reconnecting`, ...), shown in the toggle's tooltip. */
  state?: string;
  /** True for a simulated stream (one the demo runs on its own simulators): the feed labels it "simulated". */
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
  /** Reads one event back whole from its stream's memory or journal (a feed row may hold only a summary). */
  readEvent?(stream: string, id: string): Promise<ChainEvent | undefined>;
  /** An event's declaration in the workspace as plain text (hover on the feed's type cell). */
  describeSource?(event: ChainEvent): Promise<string | undefined>;
}

/** Adapts the extension's {@link StreamRegistry} (plus optional hooks) to a {@link FeedSource}. */
export function feedSourceFromRegistry(
  registry: StreamRegistry,
  hooks: Pick<FeedSource, 'explorerOptions' | 'openJson' | 'describeSource'> & { simulated?: (stream: string) => boolean } = {},
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
    readEvent: async (stream, id) => {
      const h = registry.get(stream)?.handle as (StreamHandle & { readJournal?: () => Promise<ChainEvent[]> }) | undefined;
      if (!h) return undefined;
      const inMemory = h.recent().find((e) => e.id === id);
      if (inMemory) return inMemory;
      const all = h.readJournal ? await h.readJournal() : [];
      for (let i = all.length - 1; i >= 0; i--) if (all[i]!.id === id) return all[i];
      return undefined;
    },
    ...rest,
  };
}
