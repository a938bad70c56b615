/**
 * Warp pipeline benchmark against the load server (test/bench/loadServerChild.ts, its own process: the frames are
 * built once before timing and written as fast as each client reads, so a bare client is not held back by it):
 *  (a) raw ceiling: a bare `ws` client that JSON.parses each event and sends its ACK
 *  (b) Chain Watch's WebSocket pipeline (normalize, dedup, journal group commit, listeners, ACK after write)
 *  (c) raw SSE over node:http parsed by eventsource-parser (+ JSON.parse)
 *  (d) Chain Watch's SSE pipeline (journal on)
 *  (e) resident memory growth of (b) over 9 more passes of the frames after a first pass (warm-up)
 *  (f) the floor of a pipeline that journals before it processes: (c) plus one file write per batch (see floorSse)
 * Each of (a)-(d) reads BENCH_EVENTS (100,000) events, 3 times in alternating order, each run in a fresh process
 * after its own 20,000-event warm-up (BENCH_EVENTS, if fewer); the best run (lowest client CPU per event) counts. The heap peak is heapUsed
 * sampled each time another 64 events are done, on both sides. Each run reports client CPU per event, the client's heap peak and the server process's
 * CPU share (near 100% = the server was the ceiling, and the ratio understates the client), and (b) the journal's
 * bytes per event.
 * Targets: client CPU per event raw/ours >= 0.8 (WS, SSE), heap peak ours/raw <= 1.5, journal bytes per event
 * <= 1.2x the payload's, growth <= 30 MB. Prints BENCH-ROW lines for test/bench/runBench.js. */
import { fork, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import * as v8 from 'v8';
import { createParser } from 'eventsource-parser';
import WebSocket from 'ws';
import { WarpStream } from '../../src/core/warp/warpStream';
import { ask, childCpuUs, forkPrepared, stopChild } from './support/child';
import { closeStream, countEvents, journalBytesPerEvent, row } from './support/report';

/** Client-process CPU per event (µs) of the last {@link pump}: the server runs in another process. */
let lastCpuUsPerEvent = 0;
/** Server-process CPU share (CPU time / wall time) during the last {@link pump}: near 1.0 means the server was the ceiling. */
let lastServerShare = 0;
/** Client heap peak (MB, heapUsed sampled every 64th progress call) during the last {@link pump}. */
let lastHeapPeakMb = 0;
const N = Number(process.env.BENCH_EVENTS ?? 100_000);
const MEM_REPEAT = Number(process.env.BENCH_MEM_REPEAT ?? 10);
/** Events of each warm-up pass (JIT): at most the prepared frames, which is all one connection gets. */
const WARM_UP = Math.min(20_000, N);

/** Where a client connects, and how it reads the load server's CPU time (µs) around a run. */
interface Target {
  baseUrl: string;
  key: string;
  serverCpuUs(): Promise<number>;
}

interface Server extends Target {
  child: ChildProcess;
  /** Mean bytes of one event's `data` JSON and of its whole WebSocket envelope. */
  payloadBytes: number;
  frameBytes: number;
}

/** Forks the load server and has it build the `n` frames once, before anything is timed. */
async function startServer(n: number): Promise<Server> {
  const { child, hello, prepared } = await forkPrepared<{ baseUrl: string; key: string }, { payloadBytes: number; frameBytes: number }>(path.join(__dirname, 'loadServerChild.js'), { prepare: n });
  return { child, baseUrl: hello.baseUrl, key: hello.key, payloadBytes: prepared.payloadBytes, frameBytes: prepared.frameBytes, serverCpuUs: () => childCpuUs(child) };
}

function stopServer(s: Server): Promise<void> {
  return stopChild(s.child);
}

/**
 * One timed run: `connect` opens a client that calls `progress` with its processed count; the server sends it all
 * `total` frames as fast as it reads. Measures the client's CPU per event, its heap peak and the server's CPU share
 * from just before connecting until the last event is processed. Resolves with events/s.
 */
async function pump(server: Target, total: number, connect: (progress: (count: number) => void) => Promise<() => Promise<void>>): Promise<number> {
  (globalThis as { gc?: () => void }).gc?.();
  const s0 = await server.serverCpuUs();
  let peak = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let wall = 0;
  let sampledAt = 0;
  // BENCH_HEAP_SNAPSHOT=file writes one heap snapshot half way through a full-length run (what is retained in flight)
  let snapshot = total === N ? process.env.BENCH_HEAP_SNAPSHOT : undefined;
  const close = await connect((count) => {
    if (snapshot && count >= total / 2) {
      v8.writeHeapSnapshot(snapshot);
      snapshot = undefined;
    }
    // both sides are sampled as often: each time another 64 events are done (ours reports per batch)
    if (count - sampledAt >= 64) {
      sampledAt = count;
      peak = Math.max(peak, process.memoryUsage().heapUsed);
    }
    if (count >= total && wall === 0) {
      wall = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      lastCpuUsPerEvent = (cpu.user + cpu.system) / total;
      lastHeapPeakMb = Math.max(peak, process.memoryUsage().heapUsed) / 1048576;
      resolveDone();
    }
  });
  await done;
  const s1 = await server.serverCpuUs();
  lastServerShare = (s1 - s0) / 1000 / wall;
  await close();
  return total / (wall / 1000);
}

async function rawWs(server: Target, total: number): Promise<number> {
  return pump(server, total, async (progress) => {
    let count = 0;
    const ws = new WebSocket(`${server.baseUrl.replace('http', 'ws')}/v1/warp/bench/ws?api_key=${server.key}`, { perMessageDeflate: false });
    ws.on('message', (d) => {
      const msg = JSON.parse(d.toString());
      if (msg.id !== undefined) {
        ws.send(JSON.stringify({ type: 'ack', id: msg.id }));
        progress(++count);
      }
    });
    await new Promise((r) => ws.once('open', r));
    return async () => {
      ws.close();
      await new Promise((r) => ws.once('close', r));
    };
  });
}

async function rawSse(server: Target, total: number): Promise<number> {
  return pump(server, total, async (progress) => {
    let count = 0;
    const parser = createParser({
      onEvent(ev) {
        const data = JSON.parse(ev.data);
        if (ev.id && data) progress(++count);
      },
    });
    const req = http.get(`${server.baseUrl}/v1/warp/bench/stream`, { headers: { 'x-api-key': server.key } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => parser.feed(chunk));
    });
    req.on('error', () => undefined);
    return async () => {
      req.destroy();
    };
  });
}

/**
 * Overrides for profiling runs: BENCH_PENDING (read gate bound), BENCH_BATCH (events per batch), BENCH_RECENT
 * (events kept for `recent()`), BENCH_DEDUP (ids remembered).
 */
function tunables(): { maxPendingEvents?: number; maxBatchEvents?: number; recentLimit?: number; dedupWindow?: number } {
  const t: { maxPendingEvents?: number; maxBatchEvents?: number; recentLimit?: number; dedupWindow?: number } = {};
  if (process.env.BENCH_RECENT) t.recentLimit = Number(process.env.BENCH_RECENT);
  if (process.env.BENCH_DEDUP) t.dedupWindow = Number(process.env.BENCH_DEDUP);
  if (process.env.BENCH_PENDING) t.maxPendingEvents = Number(process.env.BENCH_PENDING);
  if (process.env.BENCH_BATCH) t.maxBatchEvents = Number(process.env.BENCH_BATCH);
  return t;
}

/**
 * The floor of any pipeline that journals each event before it counts it: the bare SSE client (eventsource-parser +
 * JSON.parse), plus each turn's events appended to a file in one write of their data text (one Buffer per batch)
 * before they are counted, reading paused while a write is pending. No dedup, no normalization, no listeners.
 */
async function floorSse(server: Target, total: number): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-floor-'));
  const fd = fs.openSync(path.join(dir, 'floor.ndjson'), 'a');
  try {
    return await pump(server, total, async (progress) => {
      let count = 0;
      let lines: string[] = [];
      let writing = false;
      let res: http.IncomingMessage | undefined;
      const flush = () => {
        if (writing || lines.length === 0) return;
        const batch = lines;
        lines = [];
        writing = true;
        res?.pause();
        fs.write(fd, Buffer.from(`${batch.join('\n')}\n`, 'utf8'), () => {
          writing = false;
          res?.resume();
          count += batch.length;
          progress(count);
          if (lines.length) setImmediate(flush);
        });
      };
      const parser = createParser({
        onEvent(ev) {
          const data = JSON.parse(ev.data);
          if (ev.id && data && lines.push(ev.data) === 1) setImmediate(flush);
        },
      });
      const req = http.get(`${server.baseUrl}/v1/warp/bench/stream`, { headers: { 'x-api-key': server.key } }, (r) => {
        res = r;
        r.setEncoding('utf8');
        r.on('data', (chunk: string) => parser.feed(chunk));
      });
      req.on('error', () => undefined);
      return async () => {
        req.destroy();
      };
    });
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

function chainWatch(server: Target, transport: 'websocket' | 'sse'): { stream: WarpStream; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-'));
  const stream = new WarpStream(
    { id: `bench-${transport}`, provider: 'warp', streamId: 'bench', baseUrl: server.baseUrl, transport },
    { journalDir: dir, getKey: async () => server.key, heartbeatMs: 60_000, ...tunables() },
  );
  return { stream, dir };
}

/** Journal bytes per event of the last {@link cwRun}. */
let lastJournalBytes = 0;

async function cwRun(server: Target, transport: 'websocket' | 'sse', total: number): Promise<number> {
  const { stream, dir } = chainWatch(server, transport);
  await stream.ready;
  const rate = await pump(server, total, async (progress) => {
    countEvents(stream, progress);
    stream.connect({ kind: 'live' });
    return () => closeStream(stream);
  });
  lastJournalBytes = journalBytesPerEvent(dir);
  fs.rmSync(dir, { recursive: true, force: true });
  return rate;
}

function rssMb(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  if (process.env.BENCH_HEAP_TRACE) process.stderr.write(`heap ${(process.memoryUsage().heapUsed / 1048576).toFixed(1)} ext ${(process.memoryUsage().external / 1048576).toFixed(1)} ab ${(process.memoryUsage().arrayBuffers / 1048576).toFixed(1)}\n`);
  return process.memoryUsage().rss / 1048576;
}

/**
 * RSS after the first pass of the prepared frames (warm-up) and after the last of `MEM_REPEAT` passes on one
 * connection (the dedup window is far shorter than one pass), with the RSS at each pass in between.
 */
async function memory(server: Server): Promise<{ before: number; after: number; events: number; passes: number[] }> {
  const { stream, dir } = chainWatch(server, 'websocket');
  await stream.ready;
  let count = 0;
  let finished: () => void = () => undefined;
  const end = new Promise<void>((r) => (finished = r));
  const events = N * MEM_REPEAT;
  const passes: number[] = [];
  await ask(server.child, { repeat: MEM_REPEAT }, 'repeat');
  stream.onEvents((batch) => {
    count += batch.length;
    if (count >= (passes.length + 1) * N && passes.length < MEM_REPEAT - 1) passes.push(rssMb());
    if (count >= events) finished();
  });
  stream.connect({ kind: 'live' });
  await end;
  await stream.flush();
  passes.push(rssMb());
  await closeStream(stream);
  await ask(server.child, { repeat: 1 }, 'repeat');
  fs.rmSync(dir, { recursive: true, force: true });
  return { before: passes[0]!, after: passes[passes.length - 1]!, events: events - N, passes };
}

/** One measured run of one client. */
type Run = { rate: number; cpu: number; share: number; heap: number; journal: number };
type ClientKind = 'raw-ws' | 'raw-sse' | 'floor-sse' | 'websocket' | 'sse';

/** Runs one client in its own process (see {@link clientMain}); it reads the server's CPU time through this one. */
function runClient(server: Server, kind: ClientKind): Promise<Run> {
  const child = fork(__filename, [], {
    env: { ...process.env, BENCH_CLIENT: kind, BENCH_URL: server.baseUrl, BENCH_KEY: server.key },
    execArgv: ['--expose-gc', '--enable-source-maps'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<Run>((resolve, reject) => {
    child.on('message', (m: { cpu?: boolean; result?: Run }) => {
      if (m.cpu) void server.serverCpuUs().then((cpuUs) => child.send({ cpuUs }));
      if (m.result) resolve(m.result);
    });
    child.once('exit', (code) => reject(new Error(`bench client ${kind} exited (${code}) without a result`)));
  });
}

/** The client side of {@link runClient}: one warm-up pass, one measured run, the result to the parent. */
async function clientMain(kind: ClientKind): Promise<void> {
  const target: Target = {
    baseUrl: process.env.BENCH_URL ?? '',
    key: process.env.BENCH_KEY ?? '',
    serverCpuUs: () => childCpuUs(process as unknown as ChildProcess),
  };
  const bare = { 'raw-ws': rawWs, 'raw-sse': rawSse, 'floor-sse': floorSse } as const;
  const run = (total: number) => (kind === 'websocket' || kind === 'sse' ? cwRun(target, kind, total) : bare[kind](target, total));
  await run(WARM_UP);
  lastJournalBytes = 0;
  const rate = await run(N);
  const result: Run = { rate, cpu: lastCpuUsPerEvent, share: lastServerShare, heap: lastHeapPeakMb, journal: lastJournalBytes };
  process.send?.({ result }, () => process.exit(0));
}

async function main(): Promise<void> {
  const client = process.env.BENCH_CLIENT as ClientKind | undefined;
  if (client) return clientMain(client);
  const server = await startServer(N);
  // BENCH_ONLY=websocket|sse runs one Chain Watch pipeline alone (for profiling with --cpu-prof), raw-ws|raw-sse a
  // bare client alone; each after one warm-up pass
  const only = process.env.BENCH_ONLY;
  if (only === 'raw-ws' || only === 'raw-sse' || only === 'floor-sse') {
    const f = only === 'raw-ws' ? rawWs : only === 'raw-sse' ? rawSse : floorSse;
    await f(server, WARM_UP);
    const r = await f(server, N);
    row({ row: `bare ${only} client alone`, value: r, unit: 'events/s', target: '', ok: true, note: `client CPU ${lastCpuUsPerEvent.toFixed(1)} µs/event, heap peak ${lastHeapPeakMb.toFixed(0)} MB` });
    await stopServer(server);
    return;
  }
  if (only === 'memory') {
    const mem = await memory(server);
    row({ row: 'RSS per pass', value: mem.after - mem.before, unit: 'MB', target: '', ok: true, note: mem.passes.map((m) => m.toFixed(0)).join(', ') });
    await stopServer(server);
    return;
  }
  if (only === 'websocket' || only === 'sse') {
    await cwRun(server, only, WARM_UP);
    const r = await cwRun(server, only, N);
    row({ row: `Chain Watch ${only} pipeline alone`, value: r, unit: 'events/s', target: '', ok: true, note: `client CPU ${lastCpuUsPerEvent.toFixed(1)} µs/event, heap peak ${lastHeapPeakMb.toFixed(0)} MB, journal ${lastJournalBytes.toFixed(0)} B/event` });
    await stopServer(server);
    return;
  }
  // best of 3 (lowest client CPU per event) in alternating order, raw then ours; each run in a fresh process (its
  // own JIT warm-up pass first), so no run inherits another's heap (a young generation grown by one client would
  // inflate the next one's heap peak)
  const best = (runs: Run[]) => runs.reduce((a, b) => (b.cpu < a.cpu ? b : a));
  const runs = { rawWs: [] as Run[], cwWs: [] as Run[], rawSse: [] as Run[], cwSse: [] as Run[], floorSse: [] as Run[] };
  for (let i = 0; i < 3; i++) {
    runs.rawWs.push(await runClient(server, 'raw-ws'));
    runs.cwWs.push(await runClient(server, 'websocket'));
    runs.rawSse.push(await runClient(server, 'raw-sse'));
    runs.cwSse.push(await runClient(server, 'sse'));
    runs.floorSse.push(await runClient(server, 'floor-sse'));
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
  const f = best(runs.floorSse);
  row({ row: '(f) floor: raw SSE + a journal write per batch before counting', value: f.rate, unit: 'events/s', target: '', ok: true, note: `${note(f)}; raw / floor ${(c.cpu / f.cpu).toFixed(2)}, floor / ours ${(f.cpu / d.cpu).toFixed(2)}` });
  row({ row: 'SSE: heap peak, ours / raw', value: d.heap / c.heap, unit: '', target: '<= 1.5', ok: d.heap / c.heap <= 1.5 });
  row({ row: 'Journal bytes per event, / payload bytes', value: b.journal / server.payloadBytes, unit: '', target: '<= 1.2', ok: b.journal / server.payloadBytes <= 1.2, note: `${b.journal.toFixed(0)} B per line for a ${server.payloadBytes.toFixed(0)} B payload in a ${server.frameBytes.toFixed(0)} B frame` });
  // the load server is not the ceiling when a bare client reads well above what ours does
  row({ row: 'Load server headroom: raw ws / ours, events/s', value: a.rate / b.rate, unit: '', target: '> 1 (server not the ceiling)', ok: a.rate > b.rate, note: `raw SSE / ours ${(c.rate / d.rate).toFixed(2)}` });
  const mem = await memory(server);
  const growth = mem.after - mem.before;
  row({ row: `(e) RSS growth over ${mem.events.toLocaleString('en-US')} events after warm-up`, value: growth, unit: 'MB', target: '<= 30 MB', ok: growth <= 30, note: `${mem.before.toFixed(0)} -> ${mem.after.toFixed(0)} MB; per pass ${mem.passes.map((m) => m.toFixed(0)).join(', ')}` });
  await stopServer(server);
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
