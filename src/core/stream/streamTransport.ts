/**
 * The contract between {@link BaseStream} and a provider: what the provider is given (its deps, the resolved
 * connect mode, the {@link TransportSink} it reports through) and what it returns ({@link TransportConnection},
 * {@link CloseOutcome}, the replay judgement of a reconnect).
 */
import type { BackoffPolicy } from './backoff';
import type { Clock } from '../clock';
import type { Logger } from '../logger';
import type { ChainEvent } from '../event';
import type { CursorPosition } from './resumeCursor';
import type { GapContinuity, StopReason, StreamNotice } from './stream';

/** Collaborators and tunables shared by every provider. */
export interface BaseStreamDeps {
  /** Default: the system clock. */
  clock?: Clock;
  /** Default: drop logs. */
  logger?: Logger;
  /** Directory for the journal; without it the stream keeps events in memory only. */
  journalDir?: string;
  /** Events the journal keeps after rotation (default 5,000). */
  journalMaxEvents?: number;
  /** Reconnect policy overrides (default 1 s base, 30 s cap, reset after 10 s healthy). */
  backoff?: Partial<BackoffPolicy>;
  /** Random source for jitter, [0, 1) (default Math.random). */
  random?: () => number;
  /** Liveness interval when the server announces none, ms (default 15,000; dead after 3x). */
  heartbeatMs?: number;
  /** Give up on a connection attempt that is not live after this long, ms (default 15,000). */
  connectTimeoutMs?: number;
  /** Events kept in memory for {@link StreamHandle.recent} (default 500). */
  recentLimit?: number;
  /** Memory budget of those events, bytes of the frames they came in (default 32 MiB; the newest is always kept). */
  recentMaxBytes?: number;
  /** Ids remembered for dedup (default 10,000). */
  dedupWindow?: number;
  /** Events journaled, shown and ACKed in one batch at most (default 1,000): a backlog goes out in several. */
  maxBatchEvents?: number;
  /** Frame bytes in one batch at most (default 1 MiB; an event larger than that goes alone). */
  maxBatchBytes?: number;
}

/** A connect mode with `auto` resolved. */
export type ResolvedMode = { kind: 'live' } | { kind: 'resume' } | { kind: 'after'; id: string };

/** A provider's statement about what the current reconnect recovered (the judged part of a {@link GapInfo}). */
export interface GapVerdict {
  continuity: GapContinuity;
  /** Start of the window in which events may be missing, ms since epoch. */
  missingFrom?: number;
  /** End of that window, ms since epoch. */
  missingTo?: number;
  /** A short sentence saying why (shown in the tooltip and the log). */
  reason?: string;
}

/**
 * Who replays after a reconnect, which decides what the gap row may call "replayed":
 * - `buffer`: the server re-sends what it buffered while we were away (Warp); events whose chain time precedes the
 *   reconnect count, until the first one that does not.
 * - `backfill`: the provider reads the gap itself (EVM `eth_getLogs`) and reports the count through
 *   {@link TransportSink.replayed}; nothing is counted by time.
 * - `none`: nothing is ever replayed (Covalent STOMP); the gap carries no replay count at all.
 */
export type ReplaySource = 'buffer' | 'backfill' | 'none';

/** What a provider's {@link ReplayJudge} is told about the reconnect it judges. All times ms since epoch. */
export interface ReplayContext {
  mode: ResolvedMode;
  downAt: number;
  resumedAt: number;
  /** The cursor at the reconnect (what `after` resumed from, and the group that was being received). */
  cursor: CursorPosition;
  /** The verdict the gap starts with ({@link BaseStream.reconnectVerdict}). */
  initial: GapVerdict;
}

/**
 * Judges one reconnect's replay from the events it brings, in arrival order. Each call returns a new verdict when
 * the judgement changes, else undefined. It is told about events until the first one that is not a replay.
 */
export interface ReplayJudge {
  /** One event of the replay; `duplicate` = already processed (dropped by identity). */
  event(ev: ChainEvent, duplicate: boolean): GapVerdict | undefined;
  /** The replay is over: `ev` is the first event from after the reconnect. */
  end(ev: ChainEvent, duplicate: boolean): GapVerdict | undefined;
}

/** How a connection attempt ended. */
export type CloseOutcome = { fatal: false; message: string } | { fatal: true; reason: StopReason; message: string };

/** What a transport reports to its stream. Calls from a superseded connection are ignored. */
export interface TransportSink {
  /** The connection is live. `heartbeatMs` is the server's announced interval, if any. */
  opened(info?: { heartbeatMs?: number }): void;
  /** One received message, normalized. `ack` runs after it is journaled and handed to listeners. */
  event(ev: ChainEvent, ack?: () => void): void;
  /** Something arrived (heartbeat, pong, comment): the connection is alive. */
  activity(): void;
  /** A warning or error worth showing; never fatal by itself. */
  notice(level: StreamNotice['level'], message: string): void;
  /** A server-issued id learned without an event (SSE id-only block): it moves the resume cursor in order with events. */
  cursor(id: string): void;
  /** The server asked for this reconnection delay (SSE `retry:`), ms. */
  retryHint(ms: number): void;
  /** The server reported the remaining quota. */
  quota(remaining: number | undefined): void;
  /** `n` events of the current reconnect were backfilled (EVM `eth_getLogs`): added to the open gap's count. */
  replayed(n: number): void;
  /** What the current reconnect recovered, as the provider judged it: updates the gap row. Ignored without a gap. */
  continuity(verdict: GapVerdict): void;
  /** The connection is over. */
  closed(outcome: CloseOutcome): void;
}

/** One open (or opening) connection. */
export interface TransportConnection {
  /** Where it connects, keys redacted. */
  readonly endpoint: string;
  /** Human name of the transport (`websocket`, `sse`, `stomp`...). */
  readonly transport: string;
  /** Closes it; the transport then reports nothing more. */
  close(): void;
  /** Sends a keep-alive probe (WebSocket ping), if the transport has one. */
  ping?(): void;
}

/** Thrown by {@link BaseStream.open} to end an attempt with a specific outcome (e.g. no key saved). */
export class ConnectError extends Error {
  constructor(readonly outcome: CloseOutcome) {
    super(outcome.message);
  }
}

/** Words for a connect mode, for logs. */
export function describeMode(mode: ResolvedMode): string {
  switch (mode.kind) {
    case 'live':
      return 'live';
    case 'resume':
      return 'mode=resume';
    case 'after':
      return `after ${mode.id}`;
  }
}
