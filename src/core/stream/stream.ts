/**
 * What a stream is (its definition, from settings) and the handle the extension drives. Every provider
 * (Warp, Covalent, EVM) implements {@link StreamHandle}; most do it by extending `BaseStream` (baseStream.ts),
 * which owns the state machine, reconnect policy, journal, dedup and listeners.
 */
import type { ChainEvent, Provider } from '../event';
import type { Disposable } from '../emitter';
import type { GoldRushKind } from '../goldrush/goldrushQuery';

/** How a Warp stream is carried. */
export type TransportKind = 'websocket' | 'sse';

/** One stream as the user defined it (setting `chainWatch.streams`). Never holds a secret. */
export interface StreamDefinition {
  /** Local key, unique among the user's streams; used for journal file names and the UI. */
  id: string;
  provider: Provider;
  /** Display name. */
  label?: string;
  /** Warp: `mainnet` | `testnet` (selects the default host); Sui node: also `devnet` | `localnet`. */
  network?: string;
  /** Warp: the stream id from Inodra's dashboard. */
  streamId?: string;
  /** Covalent / EVM: numeric chain id. */
  chainId?: number;
  /** Covalent: contract address; EVM: one or several addresses (OR); GoldRush: the wallets, pairs or tokens watched. */
  address?: string | string[];
  /** Covalent: topic hash (topic0). */
  topic?: string;
  /**
   * Covalent: an explicit STOMP destination instead of Covalent's path, for a broker that relays the logs. A queue
   * (RabbitMQ `/queue/<name>` or `/amq/queue/<name>`) keeps what is published while disconnected and redelivers what
   * was not acknowledged: the stream then acknowledges each message after it is journaled.
   */
  destination?: string;
  /** EVM: up to 4 positions, each null (any), one hash, or several (OR). */
  topics?: Array<string | string[] | null>;
  /** GoldRush: the subscription field (`walletTxs`, `newPairs`, ...; see `goldrush/goldrushQuery.ts`). Sui node: `events` (default), `transactions` or `checkpoints`. */
  subscription?: GoldRushKind | 'events' | 'transactions' | 'checkpoints';
  /** GoldRush: the chain's enum name (`BASE_MAINNET`, `ETH_MAINNET`, ...). */
  chainName?: string;
  /** GoldRush `newPairs`: DEX protocol enum names (default UNISWAP_V2 and UNISWAP_V3). */
  protocols?: string[];
  /** GoldRush OHLCV: candle interval enum (default ONE_MINUTE). */
  interval?: string;
  /** GoldRush OHLCV: lookback enum (default ONE_HOUR). */
  timeframe?: string;
  /** Sui node: Move event type(s) `addr[::module[::Name[<T>]]]`, ORed; `!` in front negates. */
  eventType?: string | string[];
  /** Sui node: emitting package or module(s) `0xpkg[::module]`, ORed; `!` in front negates. */
  emitModule?: string | string[];
  /** Sui node: transaction sender address(es), ORed; `!` in front negates. */
  sender?: string | string[];
  /** Sui node transactions/checkpoints: address(es) whose state the transaction moved, ORed; `!` negates. */
  affectedAddress?: string | string[];
  /** Sui node transactions/checkpoints: object id(s) the transaction changed, ORed; `!` negates. */
  affectedObject?: string | string[];
  /** Sui node transactions/checkpoints: Move call(s) `0xpkg[::module[::function]]`, ORed; `!` negates. */
  moveCall?: string | string[];
  /** Sui node transactions/checkpoints: true = only package publishes and upgrades, false = none of them. */
  packageWrite?: boolean;
  /** Warp transport (default `websocket`). */
  transport?: TransportKind;
  /** Connect when the extension starts (resuming from the journal). */
  autoConnect?: boolean;
  /** Base URL override, e.g. `ws://127.0.0.1:7777` for the local simulator. Restricted in untrusted workspaces. */
  baseUrl?: string;
  /** How long the stream may go without an event ("30s", "5m", "2h"): past it, a Problems entry says so. */
  expectWithin?: string;
}

/** Life cycle of a stream. */
export type StreamState = 'idle' | 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** Why a stream is stopped. `user` and `paused` are deliberate; the rest are fatal conditions that never auto-retry. */
export type StopReason =
  | 'user'
  | 'paused'
  | 'quota_exceeded'
  | 'invalid_key'
  | 'forbidden'
  | 'stream_not_found'
  | 'refused'
  | 'no_key'
  | 'error';

/**
 * How to (re)connect. `auto` resumes from the last processed id when there is one, live otherwise. `continue`
 * resumes from the last processed id, or with `mode=resume` when there is none: never live (a paused stream coming
 * back, so the server's buffer is never discarded).
 */
export type ConnectMode =
  | { kind: 'auto' }
  | { kind: 'continue' }
  | { kind: 'live' }
  | { kind: 'resume' }
  | { kind: 'after'; id: string };

/** A snapshot of a stream's state, for the tree, tooltips and the status bar. All times are ms since epoch. */
export interface StreamStatus {
  state: StreamState;
  /** Set when `state` is `stopped`. */
  stopReason?: StopReason;
  /** Human text for the state ("quota exceeded", "invalid API key", "reconnecting (attempt 3)"). Redacted. */
  message?: string;
  /** Consecutive failed attempts since the last healthy connection. */
  attempt: number;
  /** When the next automatic reconnect fires (state `reconnecting`). */
  nextRetryAt?: number;
  /** When the current connection became live. */
  connectedSince?: number;
  /** Last processed message id (persisted in the journal). */
  lastEventId?: string;
  /** Local time the last event was received. */
  lastEventAt?: number;
  /** Local time anything (event, heartbeat, pong) was last received. */
  lastActivityAt?: number;
  /** Last error, redacted. */
  lastError?: string;
  /** Events processed in this session (since the handle was created). */
  eventCount: number;
  /** Endpoint with keys redacted. */
  endpoint?: string;
  /** Transport in use. */
  transport?: string;
  /** Mode used for the current / last connection. */
  mode?: ConnectMode['kind'];
  /** True while a drain visit ({@link StreamHandle.drain}) is connected: the stream is paused, not live. */
  draining?: boolean;
  /** The latest reconnect and what it recovered (for the tooltip); absent until the first reconnect. */
  lastGap?: GapInfo;
}

/** How a drain visit ({@link StreamHandle.drain}) went. Times are ms since epoch. */
export interface DrainResult {
  /** True when the visit connected and took the replay to its end. */
  ok: boolean;
  /** Events processed during the visit (journaled, shown and ACKed). */
  events: number;
  /** When the visit's connection became live, if it did. */
  liveAt?: number;
  /** When the visit ended. */
  endedAt: number;
  /** Chain time of the first and last event taken, if any. */
  firstEventTime?: number;
  lastEventTime?: number;
  /** Why it did not work (redacted), when `ok` is false. */
  message?: string;
}

/**
 * What a reconnect recovered, as the provider can tell it:
 * - `verified`: the replay started right after the cursor and nothing went backwards: no event was lost.
 * - `unverified`: the provider cannot tell (yet): the replay is still arriving, or there was nothing to compare.
 * - `cursor_not_honoured`: the server did not resume where asked (the replay went back before the cursor, or
 *   brought events already processed; those were dropped by identity, see {@link GapInfo.duplicatesDropped}).
 * - `may_be_missing`: some events of {@link GapInfo.missingFrom}..{@link GapInfo.missingTo} may be lost (down
 *   longer than the server's buffer, the replay hit its cap, a live reconnect discarded the buffer, a backfill
 *   limit was reached).
 * - `not_recoverable`: the provider has no replay at all: nothing sent while down can be recovered.
 */
export type GapContinuity = 'verified' | 'unverified' | 'cursor_not_honoured' | 'may_be_missing' | 'not_recoverable';

/**
 * A reconnect seen from the user's side: how long the stream was down, what was replayed, and whether anything
 * may be lost, in words. Fired when the new connection is live and again (same `gapId`) as the replay is judged.
 * All times are ms since epoch.
 */
export interface GapInfo {
  stream: string;
  /** Unique per gap; a later update for the same gap reuses it. */
  gapId: number;
  /** When the connection was lost. */
  downAt: number;
  /** When the new connection became live. */
  resumedAt: number;
  downMs: number;
  /** The server-issued id the reconnect resumed after, if any. */
  resumedFrom?: string;
  mode: ConnectMode['kind'];
  /** Events replayed / backfilled after the reconnect (updated as they arrive); absent when nothing was replayed by design (live, no replay). */
  replayed?: number;
  /** What the reconnect recovered (see {@link GapContinuity}). */
  continuity: GapContinuity;
  /** Start of the window in which events may be missing (with `may_be_missing` / `not_recoverable`). */
  missingFrom?: number;
  /** End of that window. */
  missingTo?: number;
  /** Events the replay brought that had already been processed, dropped by identity. */
  duplicatesDropped: number;
  /** A short sentence saying why `continuity` is what it is (tooltip, log). Never holds a secret. */
  reason?: string;
}

/** Tunables of a drain visit. */
export interface DrainOptions {
  /** The replay is over after this long without an event once live, ms (default 2,000). */
  quietMs?: number;
  /** A visit never stays connected longer than this, ms (default 60,000). */
  maxMs?: number;
}

/** A problem worth a line in the output and a row in the feed, never fatal (malformed frame, unknown event...). */
export interface StreamNotice {
  stream: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  at: number;
}

/** Credit usage of one stream (Warp billing). */
export interface CreditSnapshot {
  /** Credits used: events x 2 + started 5-second connected intervals x 4. */
  credits: number;
  events: number;
  intervals: number;
  /** Burn rate over the recent window, credits per hour. */
  perHour: number;
  /** Remaining quota as last reported by the server, if known. */
  remaining?: number;
  /**
   * GoldRush credits, an estimate: 1 per started minute each GoldRush subscription was live (GoldRush bills per
   * subscription-minute, not per event, and reports no balance on the socket). Absent for other providers.
   */
  estimatedGoldRush?: number;
}

/** The handle the extension drives for one stream. */
export interface StreamHandle extends Disposable {
  readonly definition: StreamDefinition;
  /** Current status snapshot (a fresh object each time). */
  status(): StreamStatus;
  /** Credits used by this stream (zero for providers that do not bill per event). */
  credits(): CreditSnapshot;
  /** Resolves once the journal is restored: until then `recent()` is empty and `lastEventId` unknown. */
  readonly ready: Promise<void>;
  /** Most recent events, oldest first (from memory; restored from the journal at start). */
  recent(limit?: number): ChainEvent[];
  /** Every event of the stream's journal on disk, oldest first (what an export writes). */
  readJournal(): Promise<ChainEvent[]>;
  /** Starts (or restarts) the connection. A stopped stream can always be started again by the user. */
  connect(mode?: ConnectMode): void;
  /** Closes the connection and stops retrying; `reason` defaults to `user`. */
  disconnect(reason?: 'user' | 'paused'): void;
  /** Closes and reconnects at once (mode `auto`), resetting the backoff. */
  reconnect(): void;
  /**
   * A drain visit for a stream stopped with reason `paused`: connects in mode `continue`, takes the server's replay
   * (journaled, handed to listeners flagged `drained`, ACKed), and disconnects again once the replay is over. The
   * stream stays paused. Resolves with what was taken; never retries on its own. Absent on handles that cannot.
   */
  drain?(options?: DrainOptions): Promise<DrainResult>;
  /**
   * Says that events between `from` and `to` (ms since epoch) may be missing, in `words` (already worded): a
   * warning notice (a feed row, the output). Used by the credit guard when a pause outlasted the server's buffer.
   */
  notePossibleLoss?(from: number, to: number, words: string): void;
  /** Fires with each batch of newly processed events (already journaled), in arrival order. */
  readonly onEvents: (listener: (events: ChainEvent[]) => void) => Disposable;
  /** Fires when the status changes. */
  readonly onStatus: (listener: (status: StreamStatus) => void) => Disposable;
  /** Fires when a reconnect resumes (and again as replayed events are counted). */
  readonly onGap: (listener: (gap: GapInfo) => void) => Disposable;
  /** Fires for warnings and errors worth showing. */
  readonly onNotice: (listener: (notice: StreamNotice) => void) => Disposable;
  /** Flushes the journal; resolves when everything received so far is on disk. */
  flush(): Promise<void>;
}
