/**
 * The STOMP bench's publisher, in its own process so its work is not on the measured client's CPU. It speaks plain
 * STOMP over TCP to RabbitMQ's STOMP listener (127.0.0.1:61613, guest/guest). Before any timing it builds every SEND
 * frame once (realistic Covalent log bodies, every one unique), packed into chunks of about 64 KiB; a publish then
 * writes them all as fast as the socket drains (a write waits for `drain` when the socket's buffer is full: the
 * broker's flow control slows it), the last frame asking for a RECEIPT, and does no per-event work while timed.
 *
 * IPC: `{prepare: n, destination}` -> `{prepared: n, bodyBytes}` (mean body bytes); `{publish: true}` ->
 * `{published: n, ms}` once the broker's RECEIPT for the last frame is in; `{cpu: true}` -> `{cpuUs}`; `{stop: true}`.
 * Any failure -> `{error: text}`.
 */
import * as net from 'net';
import { FakeClock } from '../../src/core/clock';
import { CovalentLogGenerator } from '../../src/simulator/covalentServer';
import { pack } from './support/wsServer';

const HOST = '127.0.0.1';
const PORT = Number(process.env.CW_RABBITMQ_STOMP_PORT ?? 61613);
const PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';

let chunks: Buffer[] = [];
let frames = 0;
let receipts = 0;
let socket: net.Socket | undefined;
let onReceipt: ((id: string) => void) | undefined;

function fail(err: unknown): void {
  process.send?.({ error: err instanceof Error ? err.message : String(err) });
}

/** Opens the STOMP connection; resolves on CONNECTED. RECEIPT frames after that go to {@link onReceipt}. */
function connect(): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: HOST, port: PORT });
    let buf = '';
    let connected = false;
    s.setNoDelay(true);
    s.setEncoding('utf8');
    s.once('error', reject);
    s.once('connect', () => s.write('CONNECT\naccept-version:1.2\nhost:/\nlogin:guest\npasscode:guest\nheart-beat:0,0\n\n\0'));
    s.on('data', (text: string) => {
      buf += text;
      let nul: number;
      while ((nul = buf.indexOf('\0')) >= 0) {
        const frame = buf.slice(0, nul).replace(/^\n+/, '');
        buf = buf.slice(nul + 1);
        const command = frame.slice(0, frame.indexOf('\n'));
        if (command === 'CONNECTED' && !connected) {
          connected = true;
          resolve(s);
        } else if (command === 'RECEIPT') {
          onReceipt?.(/receipt-id:([^\n]*)/.exec(frame)?.[1] ?? '');
        } else if (command === 'ERROR') {
          const message = /message:([^\n]*)/.exec(frame)?.[1] ?? 'ERROR frame';
          if (connected) fail(`broker: ${message}`);
          else reject(new Error(`broker refused the publisher: ${message}`));
        }
      }
    });
  });
}

function prepare(n: number, destination: string): number {
  const gen = new CovalentLogGenerator(9, new FakeClock(1_764_633_600_000));
  const parts: Buffer[] = [];
  let bodyBytes = 0;
  for (let i = 0; i < n; i++) {
    const item = gen.next(1, 'address', PAIR);
    // the last 8 hex digits of tx_hash are a counter: every body is unique (nothing is deduplicated away)
    item.tx_hash = `${item.tx_hash!.slice(0, 58)}${(i + 1).toString(16).padStart(8, '0')}`;
    const body = Buffer.from(JSON.stringify(item), 'utf8');
    bodyBytes += body.length;
    const last = i === n - 1 ? 'receipt:@@RECEIPT@@\n' : '';
    const head = `SEND\ndestination:${destination}\ncontent-type:application/json\ncontent-length:${body.length}\n${last}\n`;
    const frame = Buffer.concat([Buffer.from(head, 'utf8'), body, Buffer.from([0])]);
    parts.push(frame);
  }
  chunks = pack(parts);
  frames = n;
  return bodyBytes / n;
}

/** Writes every chunk (a fresh receipt id in the last), waiting for `drain` whenever the socket's buffer is full. */
function publish(s: net.Socket): void {
  const t0 = performance.now();
  const id = `done-${++receipts}`;
  const marker = Buffer.from('@@RECEIPT@@');
  const lastChunk = chunks[chunks.length - 1]!;
  const at = lastChunk.lastIndexOf(marker);
  const last = Buffer.concat([lastChunk.subarray(0, at), Buffer.from(id.padEnd(marker.length, '_')), lastChunk.subarray(at + marker.length)]);
  onReceipt = (got) => {
    if (got !== id.padEnd(marker.length, '_')) return;
    onReceipt = undefined;
    process.send?.({ published: frames, ms: performance.now() - t0 });
  };
  let i = 0;
  const next = () => {
    while (i < chunks.length) {
      const c = i === chunks.length - 1 ? last : chunks[i]!;
      i++;
      if (!s.write(c)) {
        s.once('drain', next);
        return;
      }
    }
  };
  next();
}

process.on('message', (m: { prepare?: number; destination?: string; publish?: boolean; cpu?: boolean; stop?: boolean }) => {
  if (m.prepare) {
    void (async () => {
      try {
        if (!socket) {
          socket = await connect();
          socket.on('close', () => fail('the broker closed the publisher connection'));
        }
        process.send?.({ prepared: m.prepare, bodyBytes: prepare(m.prepare!, m.destination!) });
      } catch (err) {
        fail(err);
      }
    })();
  }
  if (m.publish) {
    if (socket) publish(socket);
    else fail('publish before prepare');
  }
  if (m.cpu) {
    const c = process.cpuUsage();
    process.send?.({ cpuUs: c.user + c.system });
  }
  if (m.stop) {
    socket?.removeAllListeners('close');
    socket?.end('DISCONNECT\n\n\0');
    process.exit(0);
  }
});
process.send?.({ ready: true });
