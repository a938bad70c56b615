/**
 * Size limits every transport applies to what a server sends, so a hostile or broken endpoint cannot exhaust
 * memory: one WebSocket message, one STOMP frame still waiting for its NUL terminator, one SSE line or event.
 * Passing a limit is a connection error in words (the stream reconnects), never an out-of-memory.
 */

/** Largest WebSocket message, STOMP frame or SSE event accepted from a server, in bytes (16 MiB). */
export const MAX_FRAME_BYTES = 16 * 1024 * 1024;

/** The error text for a frame over its limit, e.g. "a STOMP frame passed the 16 MiB limit (connection dropped)". */
export function frameTooLargeMessage(what: string, limitBytes = MAX_FRAME_BYTES): string {
  const size = limitBytes % 1048576 === 0 ? `${limitBytes / 1048576} MiB` : `${limitBytes} bytes`;
  return `${what} passed the ${size} limit (connection dropped)`;
}
