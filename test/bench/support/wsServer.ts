/**
 * The raw WebSocket side of the benches' load servers: frames built once before timing, written as fast as the
 * socket drains, and the walk over the client's masked frames.
 */
import { createHash } from 'crypto';
import type { Socket } from 'net';

/** An unmasked server-to-client WebSocket text frame. */
export function wsFrame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const n = body.length;
  let head: Buffer;
  if (n < 126) head = Buffer.from([0x81, n]);
  else if (n < 65536) head = Buffer.from([0x81, 126, n >> 8, n & 255]);
  else {
    head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 127;
    head.writeUInt32BE(n, 6);
  }
  return Buffer.concat([head, body]);
}

/** Packs frames (WebSocket or STOMP) into chunks of about `chunkBytes` (64 KiB) each, in order. */
export function pack(parts: Buffer[], chunkBytes = 64 * 1024): Buffer[] {
  const out: Buffer[] = [];
  let group: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    group.push(p);
    size += p.length;
    if (size >= chunkBytes) {
      out.push(Buffer.concat(group));
      group = [];
      size = 0;
    }
  }
  if (group.length) out.push(Buffer.concat(group));
  return out;
}

/** Writes `chunks` in order `passes` times, waiting for `drain` whenever the socket's buffer is full. */
export function writeAll(sock: { write(b: Buffer): boolean; once(e: 'drain', f: () => void): unknown; destroyed?: boolean }, chunks: Buffer[], passes = 1): void {
  let i = 0;
  const total = chunks.length * passes;
  const next = () => {
    while (i < total) {
      if (sock.destroyed) return;
      if (!sock.write(chunks[i++ % chunks.length]!)) {
        sock.once('drain', next);
        return;
      }
    }
  };
  next();
}

/** Answers a WebSocket upgrade request with its `101 Switching Protocols` for the client's `Sec-WebSocket-Key`. */
export function acceptUpgrade(socket: Socket, key: string): void {
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.setNoDelay(true);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
}

/**
 * Walks the client's (masked) frames: a close frame is answered and ends the connection; every other frame goes to
 * `onFrame` with its unmasked payload. Without `onFrame` nothing is unmasked (the frames are only skipped).
 */
export function readClientFrames(socket: Socket, onFrame?: (opcode: number, payload: Buffer) => void): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (buf.length - at < 2) break;
      const opcode = buf[at]! & 15;
      let len = buf[at + 1]! & 127;
      let headLen = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        headLen = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = Number(buf.readBigUInt64BE(at + 2));
        headLen = 10;
      }
      const size = headLen + 4 + len;
      if (buf.length - at < size) break;
      let payload: Buffer | undefined;
      if (onFrame && opcode !== 8) {
        const mask = buf.subarray(at + headLen, at + headLen + 4);
        payload = Buffer.from(buf.subarray(at + headLen + 4, at + size));
        for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
      }
      at += size;
      if (opcode === 8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
      if (payload) onFrame?.(opcode, payload);
    }
    buf = buf.subarray(at);
  });
}

/**
 * Serves a load server's IPC: `{prepare: n}` -> `{prepared: n, ...prepare(n)}`, `{cpu: true}` -> `{cpuUs}`,
 * `{stop: true}` (closes `server`, exits); any other message goes to `other`.
 */
export function serveIpc(server: { close(): unknown }, prepare: (n: number) => object, other?: (m: Record<string, unknown>) => void): void {
  process.on('message', (m: { prepare?: number; cpu?: boolean; stop?: boolean }) => {
    other?.(m);
    if (m.prepare) process.send?.({ prepared: m.prepare, ...prepare(m.prepare) });
    if (m.cpu) {
      const c = process.cpuUsage();
      process.send?.({ cpuUs: c.user + c.system });
    }
    if (m.stop) {
      server.close();
      process.exit(0);
    }
  });
}
