/**
 * Where a stream resumes after a reconnect: only ever an id the server issued, and never one that would skip
 * events not yet processed. Pure: feed it the server ids of processed events in order.
 *
 * Warp gives every event of one checkpoint the same id today (and may switch to granular ids). Resuming "after
 * 22000500" while only two of that checkpoint's five events were processed may skip the other three, depending on
 * whether the server replays after the first or the last event carrying that id. So in `grouped` mode the cursor
 * is the last id whose group is complete (a different id followed it), and the server replays the group being
 * received again; what was already processed is dropped by identity. That is lossless either way, and with
 * granular ids it costs one duplicate per reconnect. Without grouping (providers whose ids are unique and whose
 * cursor means "after this event") the cursor is simply the last id.
 */

/** A snapshot of the cursor: what to resume after, and the group being received. */
export interface CursorPosition {
  /** The id to resume after: a server-issued id whose group is complete. Undefined = nothing safe to resume after. */
  resumeAfter?: string;
  /** Checkpoint (or block) of the last event of the `resumeAfter` group, when known. */
  resumeCheckpoint?: number;
  /** The id of the group being received (events of it processed, more may follow). */
  openGroup?: string;
}

/** Tracks the resume cursor from the server ids of processed events, in processing order. */
export class ResumeCursor {
  private complete: string | undefined;
  private completeCheckpoint: number | undefined;
  private current: string | undefined;
  private currentCheckpoint: number | undefined;

  /** @param grouped several events may share one id (Warp): resume from the last complete group. */
  constructor(private readonly grouped: boolean) {}

  /**
   * One processed event's server id (or an id the server announced without an event, e.g. an SSE id-only block),
   * with the event's checkpoint when known.
   */
  observe(id: string, checkpoint?: number): void {
    if (!this.grouped) {
      this.complete = id;
      this.completeCheckpoint = checkpoint;
      return;
    }
    if (id !== this.current) {
      if (this.current !== undefined) {
        this.complete = this.current;
        this.completeCheckpoint = this.currentCheckpoint;
      }
      this.current = id;
      this.currentCheckpoint = undefined;
    }
    if (checkpoint !== undefined) this.currentCheckpoint = checkpoint;
  }

  /** The id to resume after (undefined when no group is known to be complete). */
  get resumeAfter(): string | undefined {
    return this.complete;
  }

  /** The current position (a fresh object). */
  position(): CursorPosition {
    const p: CursorPosition = {};
    if (this.complete !== undefined) p.resumeAfter = this.complete;
    if (this.completeCheckpoint !== undefined) p.resumeCheckpoint = this.completeCheckpoint;
    if (this.grouped && this.current !== undefined) p.openGroup = this.current;
    return p;
  }
}
