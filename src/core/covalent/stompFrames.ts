/**
 * Incoming STOMP frames cut straight from the socket's bytes: the hot path of a STOMP session. A MESSAGE frame's
 * body is decoded from UTF-8 once, where it lies in the received buffer; every other frame (CONNECTED, RECEIPT,
 * ERROR) is handed on whole, as text, to the library that runs the session. Pure: push chunks in, callbacks out.
 *
 * Framing as STOMP 1.2 and stompjs read it: heart-beats (bare EOLs) between frames are skipped; a frame is a command
 * line, header lines (`name:value`, the first of a repeated header wins, CR before LF allowed), an empty line and a
 * body that ends after `content-length` bytes when that header is given (the byte after it, the NUL, is dropped) or
 * at the first NUL. A frame may span any number of chunks, cut anywhere (inside a UTF-8 character too).
 */

/** The headers of a MESSAGE frame that a session needs (unescaped when the session escapes header values). */
export interface MessageHeaders {
  subscription?: string;
  destination?: string;
  'message-id'?: string;
  ack?: string;
}

/** What a {@link StompFrameSplitter} reports, in arrival order. */
export interface FrameHandlers {
  /** One MESSAGE frame: its headers and its body decoded as UTF-8. */
  message(headers: MessageHeaders, body: string): void;
  /** Any other frame, whole (NUL included), as UTF-8 text. */
  other(frame: string): void;
}

const LF = 10;
const CR = 13;
const NUL = 0;
const COLON = 58;

/** STOMP 1.1+ header value escapes: `\r`, `\n`, `\c` (colon), `\\`. */
function unescapeValue(v: string): string {
  return v.replace(/\\(.)/g, (_m, c: string) => (c === 'r' ? '\r' : c === 'n' ? '\n' : c === 'c' ? ':' : c));
}

/** Splits received bytes into STOMP frames. One per connection. */
export class StompFrameSplitter {
  /** Chunks of a frame not complete yet (its first byte at the start of the first chunk). */
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Total bytes the pending frame needs, when its headers are in and name a content-length; else -1. */
  private need = -1;
  /** Header values are unescaped (STOMP 1.1 and 1.2; not 1.0 and not before CONNECTED). */
  escaped = false;

  constructor(private readonly handlers: FrameHandlers) {}

  /** Bytes held for a frame not complete yet. */
  get bufferedBytes(): number {
    return this.pendingBytes;
  }

  /** Feeds one received chunk. */
  push(chunk: Buffer): void {
    let buf: Buffer;
    if (this.pendingBytes === 0) buf = chunk;
    else {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      // wait for the bytes the frame needs, or for a byte that can end a header line or a body
      if (this.need >= 0 ? this.pendingBytes < this.need : chunk.indexOf(NUL) < 0 && chunk.indexOf(LF) < 0) return;
      buf = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = [];
      this.pendingBytes = 0;
    }
    const rest = this.parse(buf);
    if (rest < buf.length) {
      const tail = buf.subarray(rest);
      this.pending = [tail];
      this.pendingBytes = tail.length;
    }
  }

  /** Reads every complete frame of `buf`; returns where the first incomplete one starts (or `buf.length`). */
  private parse(buf: Buffer): number {
    const len = buf.length;
    let pos = 0;
    this.need = -1;
    for (;;) {
      while (pos < len && (buf[pos] === LF || buf[pos] === CR)) pos++;
      if (pos >= len) return len;
      const start = pos;
      const commandEnd = buf.indexOf(LF, pos);
      if (commandEnd < 0) return start;
      const command = buf.toString('latin1', pos, buf[commandEnd - 1] === CR ? commandEnd - 1 : commandEnd);
      const isMessage = command === 'MESSAGE';
      const headers: MessageHeaders = {};
      let contentLength = -1;
      let lineStart = commandEnd + 1;
      let bodyStart = -1;
      for (;;) {
        const lineEnd = buf.indexOf(LF, lineStart);
        if (lineEnd < 0) break;
        const end = lineEnd > lineStart && buf[lineEnd - 1] === CR ? lineEnd - 1 : lineEnd;
        if (end === lineStart) {
          bodyStart = lineEnd + 1;
          break;
        }
        const colon = buf.indexOf(COLON, lineStart);
        if (colon >= 0 && colon < end) {
          const name = buf.toString('latin1', lineStart, colon);
          if (name === 'content-length') {
            if (contentLength < 0) {
              const n = Number(buf.toString('latin1', colon + 1, end).trim());
              contentLength = Number.isSafeInteger(n) && n >= 0 ? n : -2;
            }
          } else if (isMessage && (name === 'subscription' || name === 'destination' || name === 'message-id' || name === 'ack') && headers[name] === undefined) {
            const value = buf.toString('utf8', colon + 1, end);
            headers[name] = this.escaped && value.includes('\\') ? unescapeValue(value) : value;
          }
        }
        lineStart = lineEnd + 1;
      }
      if (bodyStart < 0) return start;
      let bodyEnd: number;
      let frameEnd: number;
      if (contentLength >= 0) {
        bodyEnd = bodyStart + contentLength;
        frameEnd = bodyEnd + 1;
        if (frameEnd > len) {
          this.need = frameEnd - start;
          return start;
        }
      } else {
        bodyEnd = buf.indexOf(NUL, bodyStart);
        if (bodyEnd < 0) return start;
        frameEnd = bodyEnd + 1;
      }
      pos = frameEnd;
      if (isMessage) this.handlers.message(headers, bodyEnd > bodyStart ? buf.toString('utf8', bodyStart, bodyEnd) : '');
      else this.handlers.other(buf.toString('utf8', start, frameEnd));
    }
  }
}
