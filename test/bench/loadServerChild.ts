/**
 * The Warp load server of the benchmark, in its own process. Before any timing it builds the frames once (the
 * simulator's realistic Sui activity, one unique granular id per message) as ready WebSocket wire frames and SSE
 * blocks, packed into chunks of about 64 KiB. Each connection then gets every frame from the start, written as fast
 * as the socket drains (a write waits for `drain` when the socket's buffer is full): a client that reads slower
 * slows the server, and the server does no per-event work while timed. ACKs are read and discarded.
 *
 * IPC: `{prepare: n}` -> `{prepared: n, payloadBytes, frameBytes}`; `{repeat: k}` (passes per connection) ->
 * `{repeat}`; `{cpu: true}` -> `{cpuUs}`; `{stop: true}`.
 */
import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { FakeClock } from '../../src/core/clock';
import { createSuiGenerator } from '../../src/simulator/suiGenerator';

const KEY = 'indr_bench_key';
const CHUNK_BYTES = 64 * 1024;

let wsChunks: Buffer[] = [];
let sseChunks: Buffer[] = [];
/** Passes over the frames each connection gets (the memory run reads many passes on one connection). */
let repeat = 1;

/** An unmasked server-to-client WebSocket text frame. */
function wsFrame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const n = body.length;
  const head = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.from([0x81, 126, n >> 8, n & 255]) : Buffer.concat([Buffer.from([0x81, 127, 0, 0, 0, 0]), u32(n)]);
  return Buffer.concat([head, body]);
}

function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
}

function pack(parts: Buffer[]): Buffer[] {
  const out: Buffer[] = [];
  let group: Buffer[] = [];
  let size = 0;
  for (const p of parts) {
    group.push(p);
    size += p.length;
    if (size >= CHUNK_BYTES) {
      out.push(Buffer.concat(group));
      group = [];
      size = 0;
    }
  }
  if (group.length) out.push(Buffer.concat(group));
  return out;
}

function prepare(n: number): { payloadBytes: number; frameBytes: number } {
  const gen = createSuiGenerator({ clock: new FakeClock(1_764_633_600_000), seed: 7, kind: 'mixed', ids: 'granular' });
  const ws: Buffer[] = [];
  const sse: Buffer[] = [];
  let payloadBytes = 0;
  let frameBytes = 0;
  for (let i = 0; i < n; i++) {
    const g = gen.next();
    const data = JSON.stringify(g.data);
    const envelope = JSON.stringify({ id: g.id, event: g.event, data: g.data });
    payloadBytes += Buffer.byteLength(data);
    frameBytes += Buffer.byteLength(envelope);
    ws.push(wsFrame(envelope));
    sse.push(Buffer.from(`id: ${g.id}\nevent: ${g.event}\ndata: ${data}\n\n`, 'utf8'));
  }
  wsChunks = pack(ws);
  sseChunks = pack(sse);
  return { payloadBytes: payloadBytes / n, frameBytes: frameBytes / n };
}

/** Writes `chunks` in order, waiting for `drain` whenever the socket's buffer is full. */
function writeAll(sock: { write(b: Buffer): boolean; once(e: 'drain', f: () => void): unknown; destroyed?: boolean }, chunks: Buffer[]): void {
  let i = 0;
  const total = chunks.length * repeat;
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

const connectedData = (protocol: string) => JSON.stringify({ connId: 'bench', protocol, heartbeatIntervalMs: 60_000 });

/** Client frames (masked) are walked only to find the close frame, which is answered and ends the connection. */
function readClientFrames(socket: Socket): void {
  let buf: Buffer = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
    let at = 0;
    for (;;) {
      if (buf.length - at < 2) break;
      const opcode = buf[at]! & 15;
      let len = buf[at + 1]! & 127;
      let head = 2;
      if (len === 126) {
        if (buf.length - at < 4) break;
        len = buf.readUInt16BE(at + 2);
        head = 4;
      } else if (len === 127) {
        if (buf.length - at < 10) break;
        len = Number(buf.readBigUInt64BE(at + 2));
        head = 10;
      }
      const size = head + 4 + len;
      if (buf.length - at < size) break;
      at += size;
      if (opcode === 8) {
        socket.end(Buffer.from([0x88, 0]));
        return;
      }
    }
    buf = buf.subarray(at);
  });
}

const server = http.createServer((req, res) => {
  if (!req.url?.endsWith('/stream') || req.headers['x-api-key'] !== KEY) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`event: connected\ndata: ${connectedData('sse')}\n\n`);
  writeAll(res, sseChunks);
});

server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !req.url?.includes(`api_key=${KEY}`)) {
    socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
    return;
  }
  const accept = createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
  socket.setNoDelay(true);
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
  socket.write(wsFrame(JSON.stringify({ event: 'connected', data: JSON.parse(connectedData('websocket')) as unknown })));
  // ACKs are read and dropped; the client closes the connection when it is done
  readClientFrames(socket);
  socket.on('error', () => undefined);
  writeAll(socket, wsChunks);
});

server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  process.on('message', (m: { prepare?: number; cpu?: boolean; stop?: boolean; repeat?: number }) => {
    if (m.repeat) {
      repeat = m.repeat;
      process.send?.({ repeat });
    }
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
  process.send?.({ ready: true, baseUrl: `http://127.0.0.1:${port}`, key: KEY });
});
