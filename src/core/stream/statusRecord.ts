/**
 * {@link StatusRecord}: what a stream says about itself (its {@link StreamStatus}): the state machine's current
 * state with its reason and words, the attempt counter, and the facts of the current connection. The stream sets
 * the fields; the record turns them into the status its listeners and the UI see, and publishes each change.
 */
import type { ConnectMode, GapInfo, StopReason, StreamState, StreamStatus } from './stream';
import { redact } from '../redact';

/** What the status holds that lives elsewhere (the intake, the gap ledger, the drain visit). */
export interface StatusFacts {
  eventCount: number;
  /** The resume cursor's id, if any. */
  lastEventId: string | undefined;
  lastEventAt: number | undefined;
  draining: boolean;
  lastGap: GapInfo | undefined;
}

/** The status fields of one stream. Times are clock ms. */
export class StatusRecord {
  state: StreamState = 'idle';
  /** Connection attempts since the last reset (a connect, a healthy connection). */
  attempt = 0;
  /** When the pending retry fires (shown while `reconnecting`). */
  nextRetryAt: number | undefined;
  /** When the current connection went live (shown while `live`). */
  connectedSince: number | undefined;
  lastActivityAt: number | undefined;
  /** The last close's words, redacted; cleared when a connection opens. */
  lastError: string | undefined;
  /** The current connection's endpoint, redacted. */
  endpoint: string | undefined;
  transport: string | undefined;
  mode: ConnectMode['kind'] | undefined;
  private stopReason: StopReason | undefined;
  private message: string | undefined;

  /**
   * @param facts the fields kept elsewhere, read at each snapshot.
   * @param publish called with the new status at each {@link set}.
   */
  constructor(
    private readonly facts: () => StatusFacts,
    private readonly publish: (status: StreamStatus) => void,
  ) {}

  /** The reason the stream stopped, while it is `stopped`. */
  get stoppedFor(): StopReason | undefined {
    return this.state === 'stopped' ? this.stopReason : undefined;
  }

  /** Moves to `state` with its reason and words (redacted), and publishes the new status. */
  set(state: StreamState, reason: StopReason | undefined, message: string | undefined): void {
    this.state = state;
    this.stopReason = reason;
    this.message = message === undefined ? undefined : redact(message);
    this.publish(this.snapshot());
  }

  /** The status now: fields that do not apply to the current state are left out. */
  snapshot(): StreamStatus {
    const f = this.facts();
    const s: StreamStatus = { state: this.state, attempt: this.attempt, eventCount: f.eventCount };
    if (this.stopReason !== undefined && this.state === 'stopped') s.stopReason = this.stopReason;
    if (this.message !== undefined) s.message = this.message;
    if (this.nextRetryAt !== undefined && this.state === 'reconnecting') s.nextRetryAt = this.nextRetryAt;
    if (this.connectedSince !== undefined && this.state === 'live') s.connectedSince = this.connectedSince;
    if (f.lastEventId !== undefined) s.lastEventId = f.lastEventId;
    if (f.lastEventAt !== undefined) s.lastEventAt = f.lastEventAt;
    if (this.lastActivityAt !== undefined) s.lastActivityAt = this.lastActivityAt;
    if (this.lastError !== undefined) s.lastError = this.lastError;
    if (this.endpoint !== undefined) s.endpoint = this.endpoint;
    if (this.transport !== undefined) s.transport = this.transport;
    if (this.mode !== undefined) s.mode = this.mode;
    if (f.draining) s.draining = true;
    if (f.lastGap !== undefined) s.lastGap = f.lastGap;
    return s;
  }
}
