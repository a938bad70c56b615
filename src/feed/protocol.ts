/**
 * Host <-> feed webview messages. The host (src/vscode/feed/hub.ts, messages.ts) and the webview (media/feed/main.ts)
 * talk only through {@link ToFeed} and {@link FromFeed}. Imports nothing: the shapes below are structural copies of
 * the core types (`ChainEvent`, `GapInfo`, `StreamNotice`), so a core value can be posted as is.
 *
 * Every string inside a {@link FeedEvent} payload is attacker-controlled: the webview renders it with
 * `textContent` only, and the host validates anything it acts on (copy, explorer links, export).
 */

/** One chain event as the feed sees it (structurally a `ChainEvent` from src/core/event.ts). */
export interface FeedEvent {
  /** Provider message id (opaque). Unique within its stream. */
  id: string;
  /** Local stream key. */
  stream: string;
  provider: 'warp' | 'covalent' | 'evm' | 'goldrush' | 'sui';
  kind: 'event' | 'address' | 'coin' | 'object' | 'log' | 'walletTx' | 'pair' | 'token' | 'candle' | 'transaction' | 'checkpoint' | 'unknown';
  /** Envelope event name as received. */
  name: string;
  /** Transaction digest / hash. */
  digest?: string;
  sequence?: number;
  checkpoint?: number;
  /** Chain timestamp, ms since epoch. */
  timestamp?: number;
  /** Move type, coin type, object type or decoded EVM event name. */
  type?: string;
  sender?: string;
  /** Local receive time, ms since epoch. */
  receivedAt: number;
  /** EVM reorg: the log was removed from the canonical chain. */
  removed?: boolean;
  /** Taken by a drain visit while the stream was paused (`receivedAt` - `timestamp` is the delay). */
  drained?: boolean;
  warnings?: string[];
  /** The provider's payload, untouched; a summary when `payloadOmitted` is set. */
  payload: unknown;
  /** Set when the payload (of this many bytes) was too large to keep in the feed: `payload` is a summary. */
  payloadOmitted?: number;
}

/** What a reconnect recovered (structurally a `GapContinuity`, see src/core/stream/stream.ts). */
export type FeedGapContinuity = 'verified' | 'unverified' | 'cursor_not_honoured' | 'may_be_missing' | 'not_recoverable';

/** A reconnect, as a row (structurally a `GapInfo`). Rows with the same `stream` + `gapId` are updated in place. */
export interface FeedGap {
  stream: string;
  gapId: number;
  /** ms since epoch. */
  downAt: number;
  /** ms since epoch. */
  resumedAt: number;
  downMs: number;
  resumedFrom?: string;
  mode: string;
  /** Events replayed; absent when the reconnect replayed nothing by design. */
  replayed?: number;
  continuity: FeedGapContinuity;
  /** Window in which events may be missing, ms since epoch. */
  missingFrom?: number;
  missingTo?: number;
  duplicatesDropped: number;
  /** Short words from the provider (untrusted text: rendered with `textContent`). */
  reason?: string;
}

/** A notice row: quota, errors, warnings (structurally a `StreamNotice`). */
export interface FeedNotice {
  stream: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  /** ms since epoch. */
  at: number;
}

/** One row's source, in arrival order. */
export type FeedItem =
  | { kind: 'event'; event: FeedEvent }
  | { kind: 'gap'; gap: FeedGap }
  | { kind: 'notice'; notice: FeedNotice };

/** A stream as shown in the feed's toggles and sparklines. */
export interface FeedStream {
  id: string;
  label: string;
  /** Index into the feed's theme palette (`--vscode-charts-*`), stable per stream. */
  color: number;
  /** Current state (`live`, `reconnecting`, ...), for the toggle's tooltip. */
  state?: string;
  /** True for a demo stream: its events and credits come from a local simulator (the toggle says "simulated"). */
  simulated?: boolean;
  /** The stream was removed (Stop Demo, Remove Stream): no toggle, but its rows keep this label and colour. */
  gone?: boolean;
}

/** A saved filter (persisted by the host in global state). */
export interface SavedFilter {
  name: string;
  text: string;
  regex: boolean;
  caseSensitive: boolean;
}

/** Export formats the host can write. */
export type ExportFormat = 'ndjson' | 'json' | 'csv';

/** Which rows an export covers: what is on screen, everything matching the filter, or every row in the feed. */
export type ExportScope = 'visible' | 'filtered' | 'all';

/** A command from a view title button or the palette, run by the webview. */
export type FeedCommand = 'focusFilter' | 'togglePause' | 'jumpToLatest' | 'clear' | 'export';

/** The `webviewSection` of a row in its `data-vscode-context` (the row menus in package.json filter on it). */
export const ROW_SECTION = 'chainWatchRow';

/** Host -> webview. Nothing is sent before the webview posts `ready`. */
export type ToFeed =
  /** The snapshot sent in answer to `ready`: settings, streams and the rows kept by the host (oldest first). */
  | {
      type: 'init';
      maxEvents: number;
      streams: FeedStream[];
      items: FeedItem[];
      savedFilters: SavedFilter[];
      /** Set for "Open Feed in Editor": the feed shows only this stream. */
      onlyStream?: string;
      /** The Feed view (not an editor panel): its title bar has Pause / Resume, so the toolbar shows no pause button. */
      inView?: boolean;
    }
  /** New rows, batched (at most one message per 50 ms). */
  | { type: 'items'; items: FeedItem[] }
  /** Every row the host keeps (oldest first), in answer to `resync`; replaces the webview's rows. */
  | { type: 'snapshot'; items: FeedItem[] }
  /** The stream list or a stream's state / colour changed. */
  | { type: 'streams'; streams: FeedStream[] }
  /** `chainWatch.feed.maxEvents` changed. */
  | { type: 'config'; maxEvents: number }
  /** The saved filters changed. */
  | { type: 'savedFilters'; filters: SavedFilter[] }
  /** A command from a view title button or the palette. */
  | { type: 'command'; command: FeedCommand }
  /** Result of an export request, shown briefly in the status line. */
  | { type: 'exported'; ok: boolean; message: string }
  /** Answer to `describeSource`: the event's declaration in the workspace (signature, doc comment, file:line) or why
   *  there is none, as plain text (shown with `title` / `textContent` only). */
  | { type: 'sourceInfo'; stream: string; id: string; text: string };

/** Webview -> host. */
export type FromFeed =
  /** The webview is listening; the host answers with `init`. */
  | { type: 'ready' }
  /** Copy text to the clipboard (digest, JSON of an event, one value). */
  | { type: 'copy'; what: 'digest' | 'json' | 'value'; text: string }
  /** Open a transaction / address / object in the chain explorer (the host builds and validates the URL). */
  | { type: 'openExplorer'; stream: string; target: 'tx' | 'address' | 'object'; value: string }
  /** Open one event as a read-only JSON document. */
  | { type: 'openJson'; stream: string; id: string }
  /** Write an export file; the host asks where. */
  | { type: 'export'; format: ExportFormat; scope: ExportScope; events: FeedEvent[] }
  /** Save the current filter under a name the host asks for. */
  | { type: 'saveFilter'; filter: Omit<SavedFilter, 'name'> }
  /** Delete a saved filter by name. */
  | { type: 'deleteFilter'; name: string }
  /** Pause state changed. Informational: rows keep coming (the webview only counts them while paused). */
  | { type: 'paused'; paused: boolean }
  /** The view resumed after a pause: send a `snapshot` (the webview kept nothing while paused). */
  | { type: 'resync' }
  /** The pointer rests on an event's type: asks for its declaration in the workspace (answered by `sourceInfo`). */
  | { type: 'describeSource'; stream: string; id: string }
  /** Something the webview could not handle (bad regex is not one: that is shown inline). Redacted by the host. */
  | { type: 'error'; message: string };

/** Exhaustiveness guard for `switch (msg.type)`. */
export function assertNever(value: never): never {
  throw new Error(`unexpected message: ${JSON.stringify(value)}`);
}
