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
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { FakeClock } from '../../src/core/clock';
import { createSuiGenerator } from '../../src/simulator/suiGenerator';
import { acceptUpgrade, pack, readClientFrames, serveIpc, writeAll, wsFrame } from './support/wsServer';

const KEY = 'indr_bench_key';

let wsChunks: Buffer[] = [];
let sseChunks: Buffer[] = [];
/** Passes over the frames each connection gets (the memory run reads many passes on one connection). */
let repeat = 1;

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

const connectedData = (protocol: string) => JSON.stringify({ connId: 'bench', protocol, heartbeatIntervalMs: 60_000 });

const server = http.createServer((req, res) => {
  if (!req.url?.endsWith('/stream') || req.headers['x-api-key'] !== KEY) {
    res.writeHead(404).end();
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.write(`event: connected\ndata: ${connectedData('sse')}\n\n`);
  writeAll(res, sseChunks, repeat);
});

server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string' || !req.url?.includes(`api_key=${KEY}`)) {
    socket.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
    return;
  }
  acceptUpgrade(socket, key);
  socket.write(wsFrame(JSON.stringify({ event: 'connected', data: JSON.parse(connectedData('websocket')) as unknown })));
  // ACKs are walked over and dropped; the client closes the connection when it is done
  readClientFrames(socket);
  socket.on('error', () => undefined);
  writeAll(socket, wsChunks, repeat);
});

server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  serveIpc(server, prepare, (m) => {
    if (typeof m.repeat === 'number' && m.repeat) {
      repeat = m.repeat;
      process.send?.({ repeat });
    }
  });
  process.send?.({ ready: true, baseUrl: `http://127.0.0.1:${port}`, key: KEY });
});
