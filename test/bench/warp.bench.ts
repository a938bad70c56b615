/**
 * Warp pipeline benchmark, one run, same local server (in a child process):
 *  (a) raw ceiling: a bare `ws` client that JSON.parses each event and sends its ACK
 *  (b) Chain Watch's WebSocket pipeline (normalize, dedup, journal group commit, listeners, ACK after write)
 *  (c) raw SSE over node:http parsed by eventsource-parser (+ JSON.parse)
 *  (d) Chain Watch's SSE pipeline (journal on)
 *  (e) resident memory growth of (b) over 1,000,000 events after warm-up
 * Each of (a)-(d) runs 3 times in alternating order; the best run (lowest client CPU per event) counts. Each run
 * reports client CPU per event, the client's heap peak and the server process's CPU share (near 100% = the server
 * was the ceiling, and the ratio understates the client).
 * Targets: client CPU per event raw/ours >= 0.8 (WS, SSE), heap peak ours/raw <= 1.5, growth <= 30 MB. Prints BENCH-ROW lines for test/bench/runBench.js.
 */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { createParser } from 'eventsource-parser';
import WebSocket from 'ws';
import { WarpStream } from '../../src/core/warp/warpStream';

const WINDOW = 20_000;
/** Client-process CPU per event (µs) of the last {@link pump}: the server runs in another process. */
let lastCpuUsPerEvent = 0;
/** Server-process CPU share (CPU time / wall time) during the last {@link pump}: near 1.0 means the server was the ceiling. */
let lastServerShare = 0;
/** Client heap peak (MB, heapUsed sampled at every progress call) during the last {@link pump}. */
let lastHeapPeakMb = 0;
const N = Number(process.env.BENCH_EVENTS ?? 200_000);
const MEM_EVENTS = Number(process.env.BENCH_MEM_EVENTS ?? 1_000_000);

interface Server {
  child: ChildProcess;
  baseUrl: string;
  key: string;
}

function startServer(): Promise<Server> {
  const child = fork(path.join(__dirname, 'warpServerChild.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve) => {
    child.once('message', (m: { baseUrl: string; key: string }) => resolve({ child, baseUrl: m.baseUrl, key: m.key }));
  });
}

function stopServer(s: Server): Promise<void> {
  return new Promise((resolve) => {
    s.child.once('exit', () => resolve());
    s.child.send({ stop: true });
  });
}

/**
 * Drives `total` events through a client: keeps at most WINDOW events requested ahead of what it processed.
 * `onProgress` is called by the client with its processed count. Resolves with events/s.
 */
function serverCpuUs(server: Server): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: { cpuUs?: number }) => {
      if (m.cpuUs === undefined) return;
      server.child.off('message', on);
      resolve(m.cpuUs);
    };
    server.child.on('message', on);
    server.child.send({ cpu: true });
  });
}

async function pump(server: Server, total: number, attach: (progress: (count: number) => void) => void): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const s0 = await serverCpuUs(server);
  const t0 = performance.now();
  const rate = await pumpOnce(server, total, attach);
  const s1 = await serverCpuUs(server);
  lastServerShare = (s1 - s0) / 1000 / (performance.now() - t0);
  return rate;
}

function pumpOnce(server: Server, total: number, attach: (progress: (count: number) => void) => void): Promise<number> {
  return new Promise((resolve) => {
    let peak = 0;
    let calls = 0;
    let requested = 0;
    let start = 0;
    const cpu0 = process.cpuUsage();
    const request = (n: number) => {
      requested += n;
      server.child.send({ emit: n });
    };
    attach((count) => {
      if ((++calls & 63) === 0) peak = Math.max(peak, process.memoryUsage().heapUsed);
      if (count >= total) {
        lastHeapPeakMb = Math.max(peak, process.memoryUsage().heapUsed) / 1048576;
        const cpu = process.cpuUsage(cpu0);
        lastCpuUsPerEvent = (cpu.user + cpu.system) / total;
        resolve(total / ((performance.now() - start) / 1000));
        return;
      }
      while (requested < total && requested - count < WINDOW) request(Math.min(WINDOW / 2, total - requested));
    });
    start = performance.now();
    request(Math.min(WINDOW, total));
  });
}

async function rawWs(server: Server, total: number): Promise<number> {
    const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/v1/warp/bench/ws?api_key=${server.key}`, { perMessageDeflate: false });
  await new Promise((r) => ws.once('open', r));
  let count = 0;
  const rate = await pump(server, total, (progress) => {
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString());
      if (msg.id) {
        ws.send(JSON.stringify({ type: 'ack', id: msg.id }));
        progress(++count);
      }
    });
  });
  ws.close();
  await new Promise((r) => ws.once('close', r));
  return rate;
}

async function rawSse(server: Server, total: number): Promise<number> {
  let count = 0;
  let progress: (n: number) => void = () => undefined;
  const parser = createParser({
    onEvent(ev) {
      const data = JSON.parse(ev.data);
      if (ev.id && data) progress(++count);
    },
  });
  let req: http.ClientRequest | undefined;
  // connect (and see the `connected` event) before asking for events: a live connect discards the buffer
  await new Promise<void>((resolve, reject) => {
    req = http.get(`${server.baseUrl}/v1/warp/bench/stream`, { headers: { 'x-api-key': server.key } }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`SSE HTTP ${res.statusCode}`));
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        parser.feed(chunk);
        if (chunk.includes('connected')) resolve();
      });
    });
  });
  const rate = await pump(server, total, (p) => {
    progress = p;
  });
  req?.destroy();
  await new Promise((r) => setTimeout(r, 200)); // let the server see the close before the next connection
  return rate;
}

function chainWatch(server: Server, transport: 'websocket' | 'sse'): { stream: WarpStream; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-'));
  const stream = new WarpStream(
    { id: `bench-${transport}`, provider: 'warp', streamId: 'bench', baseUrl: server.baseUrl, transport },
    { journalDir: dir, getKey: async () => server.key, heartbeatMs: 60_000 },
  );
  return { stream, dir };
}

async function cwRun(server: Server, transport: 'websocket' | 'sse', total: number): Promise<number> {
  const { stream, dir } = chainWatch(server, transport);
  let count = 0;
  const live = new Promise<void>((r) => stream.onStatus((s) => s.state === 'live' && r()));
  stream.connect({ kind: 'live' });
  await live;
  const rate = await pump(server, total, (progress) => {
    stream.onEvents((batch) => {
      count += batch.length;
      progress(count);
    });
  });
  await stream.flush();
  stream.dispose();
  await new Promise((r) => setTimeout(r, 200)); // let the server see the close before the next connection
  fs.rmSync(dir, { recursive: true, force: true });
  return rate;
}

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss / 1048576;
}

async function memory(server: Server): Promise<{ before: number; after: number }> {
  const { stream, dir } = chainWatch(server, 'websocket');
  let count = 0;
  const live = new Promise<void>((r) => stream.onStatus((s) => s.state === 'live' && r()));
  stream.connect({ kind: 'live' });
  await live;
  const listeners: Array<(n: number) => void> = [];
  stream.onEvents((batch) => {
    count += batch.length;
    for (const l of listeners) l(count);
  });
  const warm = 100_000;
  await pump(server, warm, (p) => listeners.push(p));
  listeners.length = 0;
  await stream.flush();
  const before = rssMb();
  const offset = count;
  await pump(server, MEM_EVENTS, (p) => listeners.push((n) => p(n - offset)));
  await stream.flush();
  const after = rssMb();
  stream.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
  return { before, after };
}

function row(r: { row: string; value: number; unit: string; target: string; ok: boolean; note?: string }): void {
  process.stdout.write(`BENCH-ROW ${JSON.stringify(r)}\n`);
}

async function main(): Promise<void> {
  const server = await startServer();
  // BENCH_ONLY=websocket|sse runs one Chain Watch pipeline alone (for profiling with --cpu-prof)
  const only = process.env.BENCH_ONLY;
  if (only === 'websocket' || only === 'sse') {
    const r = await cwRun(server, only, N);
    row({ row: `Chain Watch ${only} pipeline alone`, value: r, unit: 'events/s', target: '', ok: true, note: `client CPU ${lastCpuUsPerEvent.toFixed(1)} µs/event` });
    await stopServer(server);
    return;
  }
  // warm up both paths once (JIT), then best of 3 (lowest client CPU per event) in alternating order, raw then ours
  await rawWs(server, 20_000);
  await cwRun(server, 'websocket', 20_000);
  type Run = { rate: number; cpu: number; share: number; heap: number };
  const best = (runs: Run[]) => runs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  const measure = async (f: () => Promise<number>): Promise<Run> => {
    const rate = await f();
    return { rate, cpu: lastCpuUsPerEvent, share: lastServerShare, heap: lastHeapPeakMb };
  };
  const runs = { rawWs: [] as Run[], cwWs: [] as Run[], rawSse: [] as Run[], cwSse: [] as Run[] };
  for (let i = 0; i < 3; i++) {
    runs.rawWs.push(await measure(() => rawWs(server, N)));
    runs.cwWs.push(await measure(() => cwRun(server, 'websocket', N)));
    runs.rawSse.push(await measure(() => rawSse(server, N)));
    runs.cwSse.push(await measure(() => cwRun(server, 'sse', N)));
  }
  const a = best(runs.rawWs);
  const b = best(runs.cwWs);
  const c = best(runs.rawSse);
  const d = best(runs.cwSse);
  const note = (r: Run) => `client CPU ${r.cpu.toFixed(1)} µs/event, heap peak ${r.heap.toFixed(0)} MB, server CPU share ${(r.share * 100).toFixed(0)}%`;
  row({ row: '(a) raw ws client: JSON.parse + ACK', value: a.rate, unit: 'events/s', target: 'ceiling', ok: true, note: note(a) });
  row({ row: '(b) Chain Watch WebSocket pipeline, journal on', value: b.rate, unit: 'events/s', target: '', ok: true, note: note(b) });
  row({ row: 'WS: client CPU per event, raw / ours', value: a.cpu / b.cpu, unit: '', target: '>= 0.8', ok: a.cpu / b.cpu >= 0.8 });
  row({ row: 'WS: heap peak, ours / raw', value: b.heap / a.heap, unit: '', target: '<= 1.5', ok: b.heap / a.heap <= 1.5 });
  row({ row: '(c) raw SSE + eventsource-parser', value: c.rate, unit: 'events/s', target: 'ceiling', ok: true, note: note(c) });
  row({ row: '(d) Chain Watch SSE pipeline, journal on', value: d.rate, unit: 'events/s', target: '', ok: true, note: note(d) });
  row({ row: 'SSE: client CPU per event, raw / ours', value: c.cpu / d.cpu, unit: '', target: '>= 0.8', ok: c.cpu / d.cpu >= 0.8 });
  row({ row: 'SSE: heap peak, ours / raw', value: d.heap / c.heap, unit: '', target: '<= 1.5', ok: d.heap / c.heap <= 1.5 });
  const mem = await memory(server);
  const growth = mem.after - mem.before;
  row({ row: `(e) RSS growth over ${MEM_EVENTS.toLocaleString('en-US')} events after warm-up`, value: growth, unit: 'MB', target: '<= 30 MB', ok: growth <= 30, note: `${mem.before.toFixed(0)} -> ${mem.after.toFixed(0)} MB` });
  await stopServer(server);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
