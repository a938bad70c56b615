/**
 * The EVM bench's load server, in its own process: a WebSocket JSON-RPC endpoint that answers `eth_subscribe`
 * (id `0xb0`), `eth_blockNumber` and `eth_chainId`, and `null` to anything else. Before any timing it builds N
 * `eth_subscription` notifications once (realistic ERC-20 Transfer logs, 100 per block, every one unique) as ready
 * WebSocket wire frames packed into chunks of about 64 KiB. A connection gets all of them, written as fast as the
 * socket drains (a write waits for `drain`), starting with the first `eth_blockNumber` after its `eth_subscribe`
 * (a client reads the head once subscribed): no per-event work while timed.
 *
 * IPC: `{prepare: n}` -> `{prepared: n, resultBytes, frameBytes}` (mean bytes of a log object and of a whole
 * notification); `{cpu: true}` -> `{cpuUs}`; `{stop: true}`.
 */
import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { acceptUpgrade, pack, readClientFrames, serveIpc, writeAll, wsFrame } from './support/wsServer';

const SUBSCRIPTION = '0xb0';
const FIRST_BLOCK = 19_000_000;
const LOGS_PER_BLOCK = 100;
const TRANSFER = '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef';
const TOKEN = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';

let chunks: Buffer[] = [];
let head = FIRST_BLOCK;

/** 32 bytes of hex from a counter and a salt (deterministic, distinct per input). */
function word(n: number, salt: string): string {
  return '0x' + createHash('sha256').update(`${salt}:${n}`).digest('hex');
}

function prepare(n: number): { resultBytes: number; frameBytes: number } {
  const frames: Buffer[] = [];
  let resultBytes = 0;
  let frameBytes = 0;
  for (let i = 0; i < n; i++) {
    const block = FIRST_BLOCK + Math.floor(i / LOGS_PER_BLOCK);
    const logIndex = i % LOGS_PER_BLOCK;
    const from = '0x' + '0'.repeat(24) + word(i, 'from').slice(2, 42);
    const to = '0x' + '0'.repeat(24) + word(i, 'to').slice(2, 42);
    const amount = '0x' + (BigInt(i + 1) * 1_000_000n).toString(16).padStart(64, '0');
    const log = {
      address: TOKEN,
      topics: [TRANSFER, from, to],
      data: amount,
      blockNumber: '0x' + block.toString(16),
      transactionHash: word(i, 'tx'),
      transactionIndex: '0x' + Math.floor(logIndex / 2).toString(16),
      blockHash: word(block, 'block'),
      blockTimestamp: '0x' + (1_764_633_600 + (block - FIRST_BLOCK) * 12).toString(16),
      logIndex: '0x' + logIndex.toString(16),
      removed: false,
    };
    const result = JSON.stringify(log);
    const text = `{"jsonrpc":"2.0","method":"eth_subscription","params":{"subscription":"${SUBSCRIPTION}","result":${result}}}`;
    resultBytes += Buffer.byteLength(result);
    frameBytes += Buffer.byteLength(text);
    frames.push(wsFrame(text));
  }
  head = FIRST_BLOCK + Math.floor(n / LOGS_PER_BLOCK);
  chunks = pack(frames);
  return { resultBytes: resultBytes / n, frameBytes: frameBytes / n };
}

/** Answers one JSON-RPC request; returns the method. */
function answer(socket: Socket, text: string): string | undefined {
  let req: { id?: unknown; method?: unknown };
  try {
    req = JSON.parse(text) as { id?: unknown; method?: unknown };
  } catch {
    return undefined;
  }
  const method = typeof req.method === 'string' ? req.method : undefined;
  let result: unknown = null;
  if (method === 'eth_subscribe') result = SUBSCRIPTION;
  else if (method === 'eth_blockNumber') result = '0x' + head.toString(16);
  else if (method === 'eth_chainId') result = '0x1';
  else if (method === 'eth_unsubscribe') result = true;
  socket.write(wsFrame(JSON.stringify({ jsonrpc: '2.0', id: req.id, result })));
  return method;
}

/** Reads the client's (masked) frames: requests are answered, a ping is ponged, a close frame ends the connection. */
function readRequests(socket: Socket): void {
  let subscribed = false;
  let streaming = false;
  readClientFrames(socket, (opcode, payload) => {
    if (opcode === 9) socket.write(Buffer.concat([Buffer.from([0x8a, payload.length]), payload]));
    if (opcode !== 1) return;
    const method = answer(socket, payload.toString('utf8'));
    if (method === 'eth_subscribe') subscribed = true;
    if (method === 'eth_blockNumber' && subscribed && !streaming) {
      streaming = true;
      writeAll(socket, chunks);
    }
  });
}

const server = http.createServer((_req, res) => res.writeHead(404).end());

server.on('upgrade', (req: http.IncomingMessage, socket: Socket) => {
  const key = req.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    return;
  }
  acceptUpgrade(socket, key);
  socket.on('error', () => undefined);
  readRequests(socket);
});

server.listen(0, '127.0.0.1', () => {
  const port = (server.address() as AddressInfo).port;
  serveIpc(server, prepare);
  process.send?.({ ready: true, url: `ws://127.0.0.1:${port}/` });
});
