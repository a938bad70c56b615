/**
 * Server-Sent Events reading on top of eventsource-parser: feed it text chunks, it calls back with named events,
 * ids and retry values. Adds what the parser leaves to its caller:
 * - the spec's sticky *last event id* (an `id:` line updates it even in a block without `data`), and
 * - whether an event's own block carried an `id:` (so a message without an id is never mistaken for the
 *   previous one by the dedup).
 * No I/O.
 */
import { createParser } from 'eventsource-parser';
import { MAX_FRAME_BYTES } from '../frameLimits';

/** One dispatched SSE message. */
export interface SseMessage {
  /** The `event:` name; `message` when absent (as browsers do). */
  event: string;
  data: string;
  /** The `id:` given in this message's own block, if any. */
  id?: string;
  /** The stream's last event id after this message (sticky across messages, as the spec defines it). */
  lastEventId: string;
}

export interface SseCallbacks {
  onMessage(msg: SseMessage): void;
  /** The last event id changed (including by an id-only block). */
  onLastEventId?(id: string): void;
  /** The server set a reconnection time, in ms. */
  onRetry?(ms: number): void;
  /** A comment line (`: heartbeat`). */
  onComment?(text: string): void;
  /** A line the parser could not use (invalid retry, unknown field). Never fatal. */
  onWarning?(message: string): void;
  /**
   * A line or an event passed `maxBufferChars` without ending: the reader stops (later chunks are ignored until
   * {@link SseReader.reset}) and the caller should drop the connection.
   */
  onOverflow?(maxBufferChars: number): void;
}

export interface SseReader {
  /** Feeds the next decoded text chunk (any boundary, even inside a line or a CRLF pair). */
  feed(chunk: string): void;
  /** Forgets partial input (call between connections). The last event id is kept. */
  reset(): void;
  readonly lastEventId: string;
}

/**
 * Creates a reader; `initialLastEventId` is the id a resumed connection starts from. At most `maxBufferChars`
 * (default {@link MAX_FRAME_BYTES}) characters of an unfinished line or event are held.
 */
export function createSseReader(cb: SseCallbacks, initialLastEventId = '', maxBufferChars = MAX_FRAME_BYTES): SseReader {
  let lastEventId = initialLastEventId;
  let overflowed = false;
  const parser = createParser({
    maxBufferSize: maxBufferChars,
    onId(id) {
      if (id !== lastEventId) {
        lastEventId = id;
        cb.onLastEventId?.(id);
      }
    },
    onEvent(ev) {
      const msg: SseMessage = { event: ev.event || 'message', data: ev.data, lastEventId };
      // the parser reports `id` only when this block had its own `id:` line
      if (ev.id !== undefined) msg.id = ev.id;
      cb.onMessage(msg);
    },
    onRetry(ms) {
      cb.onRetry?.(ms);
    },
    onComment(text) {
      cb.onComment?.(text);
    },
    onError(err) {
      if (err.type === 'max-buffer-size-exceeded') {
        overflowed = true;
        cb.onOverflow?.(maxBufferChars);
      } else cb.onWarning?.(err.message);
    },
  });
  return {
    feed(chunk: string) {
      // the parser strips the one leading BOM the spec allows; after an overflow it would throw
      if (!overflowed) parser.feed(chunk);
    },
    reset() {
      overflowed = false;
      parser.reset();
    },
    get lastEventId() {
      return lastEventId;
    },
  };
}
