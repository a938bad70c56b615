/**
 * {@link StreamSignals}: the four channels a stream speaks on (events, status, gaps, notices). A listener that
 * throws is logged and never stops the others; a notice is redacted, logged once at its level, and stamped.
 */
import type { Clock } from '../clock';
import { Emitter } from '../emitter';
import type { ChainEvent } from '../event';
import type { Logger } from '../logger';
import { describeError, redact } from '../redact';
import type { GapInfo, StreamNotice, StreamStatus } from './stream';

/** The emitters of one stream and how it fires them. */
export class StreamSignals {
  private readonly eventsEmitter = new Emitter<ChainEvent[]>();
  private readonly statusEmitter = new Emitter<StreamStatus>();
  private readonly gapEmitter = new Emitter<GapInfo>();
  private readonly noticeEmitter = new Emitter<StreamNotice>();
  /** Processed batches, in arrival order. */
  readonly onEvents = this.eventsEmitter.event;
  /** Every status change, and every settled batch. */
  readonly onStatus = this.statusEmitter.event;
  /** Reconnect gaps and their updates. */
  readonly onGap = this.gapEmitter.event;
  /** Notices for the user, already redacted. */
  readonly onNotice = this.noticeEmitter.event;

  /** @param streamId the id every notice carries. */
  constructor(
    private readonly streamId: string,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Hands a processed batch to the event listeners. */
  events(events: ChainEvent[]): void {
    this.eventsEmitter.fire(events, this.listenerError);
  }

  /** Publishes a status. */
  status(status: StreamStatus): void {
    this.statusEmitter.fire(status, this.listenerError);
  }

  /** Publishes a gap or a gap's update. */
  gap(gap: GapInfo): void {
    this.gapEmitter.fire(gap, this.listenerError);
  }

  /** Redacts `message`, writes it to the log at `level` and fires it as a notice stamped with the clock's time. */
  notice(level: StreamNotice['level'], message: string): void {
    const text = redact(message);
    if (level === 'error') this.log.error(text);
    else if (level === 'warn') this.log.warn(text);
    else this.log.info(text);
    this.noticeEmitter.fire({ stream: this.streamId, level, message: text, at: this.clock.now() }, this.listenerError);
  }

  /** Drops every listener; nothing fires after this. */
  dispose(): void {
    this.eventsEmitter.dispose();
    this.statusEmitter.dispose();
    this.gapEmitter.dispose();
    this.noticeEmitter.dispose();
  }

  private readonly listenerError = (err: unknown): void => {
    this.log.error(`a listener failed: ${describeError(err)}`);
  };
}
