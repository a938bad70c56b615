/**
 * The socket side of a STOMP session: the default `ws` socket, the stand-in the `@stomp/stompjs` library sees in
 * its place (the session reads MESSAGE frames itself and hands the library only the others), an inert socket for
 * when none could be made, and the count of bytes of an unfinished frame (its bound).
 */
import type { IStompSocket } from '@stomp/stompjs';
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../frameLimits';

/** The default socket: `ws`, STOMP sub-protocols, no compression (permessage-deflate costs ~3x CPU). */
export function defaultStompSocket(url: string, protocols: string[], maxPayload = MAX_FRAME_BYTES): WebSocket {
  return new WebSocket(url, protocols, { perMessageDeflate: false, maxPayload });
}

/**
 * Bytes of an unfinished STOMP frame after `data` arrives: those after the last NUL in `data`, or `before` plus all of
 * `data` when it has none. Heart-beats (bare EOLs) between frames do not count.
 */
export function bytesAfterLastNul(data: WebSocket.RawData, before: number): number {
  const chunks = Array.isArray(data) ? data : [data instanceof ArrayBuffer ? Buffer.from(data) : data];
  let n = before;
  for (const c of chunks) {
    const nul = c.lastIndexOf(0);
    if (nul >= 0) n = c.length - nul - 1;
    else if (n === 0 && isEols(c)) continue;
    else n += c.length;
  }
  return n;
}

function isEols(c: Buffer): boolean {
  for (let i = 0; i < c.length; i++) if (c[i] !== 0x0a && c[i] !== 0x0d) return false;
  return true;
}

/**
 * What the library sees of the socket: `ws`'s state, send, close and terminate, and its open/close/error events;
 * `onmessage` is called by the session with the frames it does not read itself. (`ws` would otherwise convert
 * every received message to a string for the library, which would encode it back to bytes to parse it.)
 */
export function libraryStandIn(ws: WebSocket): IStompSocket {
  const standIn = {
    get url() {
      return ws.url;
    },
    get readyState() {
      return ws.readyState;
    },
    get protocol() {
      return ws.protocol;
    },
    binaryType: 'arraybuffer',
    onopen: null as ((ev?: unknown) => unknown) | null,
    onclose: null as ((ev: unknown) => unknown) | null,
    onerror: null as ((ev: unknown) => unknown) | null,
    onmessage: null as ((ev: MessageEvent) => unknown) | null,
    send: (data: string | ArrayBufferLike) => ws.send(data as string),
    close: (code?: number, reason?: string) => ws.close(code, reason),
    terminate: () => ws.terminate(),
  };
  ws.on('open', () => standIn.onopen?.({ type: 'open' }));
  ws.on('close', (code: number, reason: Buffer) => standIn.onclose?.({ type: 'close', code, reason: reason.toString('utf8'), wasClean: code !== 1006 }));
  ws.on('error', (err: Error) => standIn.onerror?.({ type: 'error', error: err, message: err.message }));
  return standIn as unknown as IStompSocket;
}

/** A socket that never opens, for the library when the real one could not be created. */
export function inertSocket(): IStompSocket {
  return {
    url: '',
    readyState: 3,
    binaryType: 'arraybuffer',
    onclose: null,
    onerror: null,
    onmessage: null,
    onopen: null,
    close: () => undefined,
    send: () => undefined,
  } as unknown as IStompSocket;
}
