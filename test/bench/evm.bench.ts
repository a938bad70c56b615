/**
 * EVM pipeline benchmark against the load server (test/bench/evmLoadServerChild.ts, its own process: the
 * `eth_subscription` notifications are built once before timing and written as fast as each client reads):
 *  (a) raw ceiling: a bare `ws` JSON-RPC reader: `eth_subscribe("logs")`, `eth_blockNumber`, then JSON.parse each
 *      frame and count the notifications.
 *  (b) Chain Watch's EVM pipeline, journal on: EvmStream (JSON-RPC connection, log validation, the exactly-once
 *      ledger, normalize, decode with the built-in event table, dedup, bounded batches, journal, listeners).
 * Each reads BENCH_EVM_EVENTS (100,000) logs, 3 times in alternating order after a warm-up; the best run (lowest
 * client CPU per event) counts. Each run reports client CPU per event, the client's heap peak and the server
 * process's CPU share (near 100% = the server was the ceiling).
 * Targets: client CPU per event raw/ours >= 0.8, heap peak ours/raw <= 1.5. Prints BENCH-ROW lines for
 * test/bench/runBench.js. Profiling aid: BENCH_EVM_ONLY=raw|cw runs one side alone.
 */
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import WebSocket from 'ws';
import { EvmStream } from '../../src/core/evm/evmStream';
import { childCpuUs, forkPrepared, stopChild } from './support/child';
import { closeStream, countEvents, cpuUsSince, HeapPeak, journalBytesPerEvent, row } from './support/report';

const N = Number(process.env.BENCH_EVM_EVENTS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_EVM_ROUNDS ?? 3);
const TOKEN = '0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48';

interface Server {
  child: ChildProcess;
  url: string;
  resultBytes: number;
  frameBytes: number;
}

/** Forks the load server and has it build the `n` notifications once, before anything is timed. */
async function startServer(n: number): Promise<Server> {
  const { child, hello, prepared } = await forkPrepared<{ url: string }, { resultBytes: number; frameBytes: number }>(path.join(__dirname, 'evmLoadServerChild.js'), { prepare: n });
  return { child, url: hello.url, resultBytes: prepared.resultBytes, frameBytes: prepared.frameBytes };
}

/** One measured run. CPU in µs per event (client process), heap in MB, the server's CPU share as CPU time / wall. */
interface Run {
  rate: number;
  cpu: number;
  heap: number;
  share: number;
  journal: number;
  /** Heap used after a full GC once the run is done (what the side keeps), MB; NaN without --expose-gc. */
  kept: number;
}

/** A side: connects, calls `progress` with its processed count; resolves with its closer (and journal folder). */
type Side = (server: Server, progress: (count: number) => void) => Promise<{ close(): Promise<void>; journalDir?: string }>;

async function measure(server: Server, side: Side): Promise<Run> {
  (globalThis as { gc?: () => void }).gc?.();
  const s0 = await childCpuUs(server.child);
  const heap = new HeapPeak();
  let wall = 0;
  let cpuUs = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  heap.start();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const conn = await side(server, (count) => {
    heap.sample();
    if (count >= N && wall === 0) {
      wall = performance.now() - t0;
      cpuUs = cpuUsSince(cpu0);
      heap.now();
      resolveDone();
    }
  });
  await done;
  heap.stop();
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const kept = gc ? process.memoryUsage().heapUsed / 1048576 : NaN;
  const s1 = await childCpuUs(server.child);
  await conn.close();
  const journal = conn.journalDir ? journalBytesPerEvent(conn.journalDir) : NaN;
  if (conn.journalDir) fs.rmSync(conn.journalDir, { recursive: true, force: true });
  return { rate: N / (wall / 1000), cpu: cpuUs / N, heap: heap.peak / 1048576, share: (s1 - s0) / 1000 / wall, journal, kept };
}

/** (a) a bare JSON-RPC reader: subscribe, read the head, then JSON.parse every frame and count the notifications. */
const raw: Side = async (server, progress) => {
  let count = 0;
  const ws = new WebSocket(server.url, { perMessageDeflate: false });
  ws.on('message', (data) => {
    const msg = JSON.parse(data.toString()) as { id?: number; method?: string; params?: { result?: unknown } };
    if (msg.method === 'eth_subscription') {
      if (msg.params?.result) progress(++count);
    } else if (msg.id === 1) ws.send(JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'eth_blockNumber', params: [] }));
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_subscribe', params: ['logs', { address: TOKEN }] }));
  return {
    close: async () => {
      ws.close();
      await new Promise((r) => ws.once('close', r));
    },
  };
};

/** (b) Chain Watch: EvmStream, journal on. */
const chainWatch: Side = async (server, progress) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-evm-'));
  const stream = new EvmStream({ id: 'bench-evm', provider: 'evm', chainId: 1, address: TOKEN, baseUrl: server.url }, { getKey: async () => undefined, journalDir: dir, heartbeatMs: 60_000 });
  countEvents(stream, progress);
  stream.connect({ kind: 'live' });
  return {
    close: () => closeStream(stream),
    journalDir: dir,
  };
};

async function main(): Promise<void> {
  const server = await startServer(N);
  const sides: Record<string, Side> = { raw, cw: chainWatch };
  try {
    const only = process.env.BENCH_EVM_ONLY;
    if (only && sides[only]) {
      process.stderr.write(`${only}: ${JSON.stringify(await measure(server, sides[only]))}\n`);
      return;
    }
    for (const side of Object.values(sides)) await measure(server, side);
    const runs: Record<string, Run[]> = { raw: [], cw: [] };
    for (let i = 0; i < ROUNDS; i++) for (const [k, side] of Object.entries(sides)) runs[k]!.push(await measure(server, side));
    const best = (k: string) => runs[k]!.reduce((x, y) => (y.cpu < x.cpu ? y : x));
    const a = best('raw');
    const b = best('cw');
    const note = (r: Run) => `client CPU ${r.cpu.toFixed(1)} µs/event, heap peak ${r.heap.toFixed(0)} MB, server CPU share ${(r.share * 100).toFixed(0)}%`;
    row({ row: 'EVM (a) bare ws JSON-RPC reader: JSON.parse + count', value: a.rate, unit: 'events/s', target: 'ceiling', ok: true, note: note(a) });
    row({ row: 'EVM (b) Chain Watch EVM pipeline, journal on', value: b.rate, unit: 'events/s', target: '', ok: true, note: note(b) });
    row({ row: 'EVM: client CPU per event, raw / ours', value: a.cpu / b.cpu, unit: '', target: '>= 0.8', ok: a.cpu / b.cpu >= 0.8, note: `${N.toLocaleString('en-US')} logs per run, best of ${ROUNDS}` });
    row({ row: 'EVM: heap peak, ours / raw', value: b.heap / a.heap, unit: '', target: '<= 1.5', ok: b.heap / a.heap <= 1.5, note: `heap kept after a full GC at the end: raw ${a.kept.toFixed(0)} MB, ours ${b.kept.toFixed(0)} MB` });
    row({ row: 'EVM journal bytes per event, / log bytes', value: b.journal / server.resultBytes, unit: '', target: 'info', ok: true, note: `${b.journal.toFixed(0)} B per line for a ${server.resultBytes.toFixed(0)} B log in a ${server.frameBytes.toFixed(0)} B notification` });
    row({ row: 'EVM load server headroom: raw / ours, events/s', value: a.rate / b.rate, unit: '', target: '> 1 (server not the ceiling)', ok: a.rate > b.rate, note: `server CPU share ${(a.share * 100).toFixed(0)}% during the raw reader's best run` });
  } finally {
    await stopChild(server.child);
  }
}

main().catch((err) => {
  process.stderr.write(`${err && err.stack ? err.stack : err}\n`);
  process.exit(1);
});
