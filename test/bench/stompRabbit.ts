/**
 * The STOMP bench against the real RabbitMQ (Web-STOMP on 127.0.0.1:15674, as the stomp suite starts it): the
 * publisher (test/bench/stompPublisherChild.ts, its own process) sends N realistic Covalent log bodies to a topic
 * as fast as the broker takes them, while the subscribed client holds its socket paused; the broker keeps them in
 * the subscription's queue. Timing starts when the client resumes reading: the broker then only delivers, as fast
 * as the client reads (its routing work is not in the timed part). Sides, each reading all N in one run:
 *  (a) bare stompjs Client over `ws`: subscribe, read each MESSAGE body, count.
 *  (b) Chain Watch's Covalent pipeline: CovalentStream (STOMP session, JSON.parse, normalize, dedup, bounded batches,
 *      journal on disk, listeners).
 *  (c) the same with the journal off (info: where the time goes).
 * ROUNDS rounds in alternating order; each side's best run (lowest client CPU per event) counts. Each run reports
 * client CPU per event, the client's heap peak, and the CPU shares of the broker (beam.smp, from /proc) and the
 * publisher: the broker is not the ceiling when the bare client reads well above our rate.
 */
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { Client } from '@stomp/stompjs';
import type { IStompSocket } from '@stomp/stompjs';
import WebSocket from 'ws';
import { covalentDestination, rabbitMqDestination } from '../../src/core/covalent/covalentDestination';
import { CovalentStream } from '../../src/core/covalent/covalentStream';
import { defaultStompSocket } from '../../src/core/covalent/stompSession';
import type { StreamDefinition } from '../../src/core/stream/stream';
import { ask, childCpuUs, forkPrepared, stopChild } from './support/child';
import { closeStream, connectLive, countEvents, cpuUsSince, HeapPeak, journalBytesPerEvent, row } from './support/report';
import { listenerPid, portOpen, RABBIT_API_PORT, RABBIT_STOMP_PORT, RABBIT_WS_PORT } from '../support/rabbitBroker';

/** Web-STOMP (the clients), plain STOMP (the publisher) and the management API (bindings): the stomp suite's ports. */
export { RABBIT_API_PORT, RABBIT_STOMP_PORT, RABBIT_WS_PORT };
const WS_URL = `ws://127.0.0.1:${RABBIT_WS_PORT}/ws`;
const N = Number(process.env.BENCH_STOMP_EVENTS ?? 40_000);
const ROUNDS = Number(process.env.BENCH_STOMP_ROUNDS ?? 3);
const PAIR = '0xb4e16d0168e52d35cacd2c6185b44281ec28c9dc';
const DEF: StreamDefinition = { id: 'bench-stomp-rmq', provider: 'covalent', chainId: 1, address: PAIR, baseUrl: WS_URL };
/** The routing key (the Covalent path) and the destination both sides use (RabbitMQ's naming of it). */
const ROUTING_KEY = covalentDestination(DEF);
const DEST = rabbitMqDestination(DEF);
const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

/** Whether the broker's Web-STOMP, STOMP and management listeners all answer on 127.0.0.1. */
export async function rabbitReachable(): Promise<boolean> {
  const open = await Promise.all([RABBIT_WS_PORT, RABBIT_STOMP_PORT, RABBIT_API_PORT].map(portOpen));
  return open.every(Boolean);
}

/** The broker's OS pid (the process listening on the Web-STOMP port), for its CPU share; undefined if not found. */
function brokerPid(): number | undefined {
  return listenerPid(RABBIT_WS_PORT);
}

/** CPU time (user + system) of process `pid` in µs from /proc, or NaN when it cannot be read. */
function procCpuUs(pid: number | undefined): number {
  if (pid === undefined) return NaN;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[11] and [12] are utime and stime (fields 14 and 15 of the whole line), in clock ticks (100 per second)
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return NaN;
  }
}

/** How many amq.topic bindings the routing key has now (management API, guest). */
function bindings(): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(`http://127.0.0.1:${RABBIT_API_PORT}/api/exchanges/%2F/amq.topic/bindings/source`, { auth: 'guest:guest' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => {
        try {
          resolve((JSON.parse(body) as Array<{ routing_key: string }>).filter((b) => b.routing_key === ROUTING_KEY).length);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
    });
    req.on('error', reject);
  });
}

/** Resolves once the routing key has exactly `count` bindings (each poll awaits the broker's answer). */
async function whenBindings(count: number): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    if ((await bindings()) === count) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`the routing key never had ${count} binding(s)`);
}

interface Publisher {
  child: ChildProcess;
  bodyBytes: number;
}

async function startPublisher(): Promise<Publisher> {
  const { child, prepared } = await forkPrepared<unknown, { bodyBytes: number }>(path.join(__dirname, 'stompPublisherChild.js'), { prepare: N, destination: DEST }, 'publisher');
  return { child, bodyBytes: prepared.bodyBytes };
}

/** One measured run. CPU in µs per event (client process), heap in MB, shares as CPU time / wall time. */
interface Run {
  rate: number;
  cpu: number;
  heap: number;
  broker: number;
  publisher: number;
  journal: number;
}

/** A connected side: its socket can be held (paused) while the publisher fills its queue. */
interface Connected {
  close(): Promise<void>;
  pause(): void;
  resume(): void;
  journalDir?: string;
}

/** A side: connects, calls `progress` with its processed count, resolves once connected. */
type Side = (total: number, progress: (count: number) => void) => Promise<Connected>;

async function measure(pub: Publisher, pid: number | undefined, side: Side): Promise<Run> {
  await whenBindings(0);
  const heap = new HeapPeak(0);
  let wall = 0;
  let cpuUs = 0;
  let resolveDone: () => void = () => undefined;
  const done = new Promise<void>((r) => (resolveDone = r));
  let t0 = 0;
  let cpu0 = process.cpuUsage();
  const conn = await side(N, (count) => {
    heap.sample();
    if (count >= N && wall === 0 && t0 > 0) {
      wall = performance.now() - t0;
      cpuUs = cpuUsSince(cpu0);
      heap.now();
      resolveDone();
    }
  });
  await whenBindings(1);
  conn.pause();
  await ask<{ ms: number }>(pub.child, { publish: true }, 'published', 'publisher');
  gc();
  heap.reset();
  heap.start();
  const p0 = await childCpuUs(pub.child, 'publisher');
  const b0 = procCpuUs(pid);
  cpu0 = process.cpuUsage();
  t0 = performance.now();
  conn.resume();
  await done;
  heap.stop();
  const b1 = procCpuUs(pid);
  const p1 = await childCpuUs(pub.child, 'publisher');
  await conn.close();
  const journal = conn.journalDir ? journalBytesPerEvent(conn.journalDir) : NaN;
  if (conn.journalDir) fs.rmSync(conn.journalDir, { recursive: true, force: true });
  return { rate: N / (wall / 1000), cpu: cpuUs / N, heap: heap.peak / 1048576, broker: (b1 - b0) / 1000 / wall, publisher: (p1 - p0) / 1000 / wall, journal };
}

/** (a) the stompjs Client, bare: subscribe and read each body. */
const bare: Side = async (_total, progress) => {
  let count = 0;
  let ws: WebSocket | undefined;
  const client = new Client({
    webSocketFactory: () => (ws = new WebSocket(WS_URL, ['v12.stomp', 'v11.stomp', 'v10.stomp'], { perMessageDeflate: false })) as unknown as IStompSocket,
    connectHeaders: { login: 'guest', passcode: 'guest' },
    heartbeatIncoming: 0,
    heartbeatOutgoing: 10_000,
    reconnectDelay: 0,
    debug: () => undefined,
  });
  await new Promise<void>((resolve, reject) => {
    client.onConnect = () => {
      client.subscribe(DEST, (m) => {
        if (m.body.length > 0) progress(++count);
      });
      resolve();
    };
    client.onStompError = (f) => reject(new Error(f.headers.message));
    client.activate();
  });
  return { close: () => client.deactivate(), pause: () => ws?.pause(), resume: () => ws?.resume() };
};

/** (b), (c) Chain Watch: CovalentStream, journal on or off. */
function chainWatch(journal: boolean): Side {
  return async (_total, progress) => {
    const dir = journal ? fs.mkdtempSync(path.join(os.tmpdir(), 'cw-bench-rmq-')) : undefined;
    let ws: WebSocket | undefined;
    const stream = new CovalentStream(DEF, {
      getKey: async () => 'guest',
      connectHeaders: () => ({ login: 'guest', passcode: 'guest' }),
      destination: rabbitMqDestination,
      // no server heart-beats, as the bare client (a held socket must not be declared dead)
      heartbeatIncomingMs: 0,
      createSocket: (url, protocols) => (ws = defaultStompSocket(url, protocols)),
      ...(dir ? { journalDir: dir } : {}),
    });
    countEvents(stream, progress);
    await connectLive(stream);
    return {
      close: () => closeStream(stream),
      pause: () => ws?.pause(),
      resume: () => ws?.resume(),
      ...(dir ? { journalDir: dir } : {}),
    };
  };
}

/** The bench against RabbitMQ: prints its BENCH-ROW lines. BENCH_STOMP_PROFILE=a|b|c runs one side alone. */
export async function rabbitMain(): Promise<void> {
  const pub = await startPublisher();
  const pid = brokerPid();
  const sides: Record<string, Side> = { a: bare, b: chainWatch(true), c: chainWatch(false) };
  try {
    const only = process.env.BENCH_STOMP_PROFILE;
    if (only && sides[only]) {
      process.stderr.write(`${only}: ${JSON.stringify(await measure(pub, pid, sides[only]))}\n`);
      return;
    }
    // a warm-up run of each side (JIT), then ROUNDS rounds in alternating order
    for (const side of Object.values(sides)) await measure(pub, pid, side);
    const runs: Record<string, Run[]> = { a: [], b: [], c: [] };
    for (let i = 0; i < ROUNDS; i++) for (const [k, side] of Object.entries(sides)) runs[k]!.push(await measure(pub, pid, side));
    const best = (k: string) => runs[k]!.reduce((x, y) => (y.cpu < x.cpu ? y : x));
    const [a, b, c] = [best('a'), best('b'), best('c')];
    const pct = (v: number) => (Number.isFinite(v) ? `${(v * 100).toFixed(0)}%` : 'unknown');
    const note = (r: Run) => `client CPU ${r.cpu.toFixed(1)} µs/event, heap peak ${r.heap.toFixed(0)} MB, broker CPU ${pct(r.broker)}, publisher CPU ${pct(r.publisher)}`;
    const where = `RabbitMQ ${N.toLocaleString('en-US')} logs per run, best of ${ROUNDS}`;
    row({ row: 'STOMP (a) bare stompjs client (reads bodies only), RabbitMQ', value: a.rate, unit: 'events/s', target: 'baseline', ok: true, note: note(a) });
    row({ row: 'STOMP (b) Chain Watch Covalent pipeline, journal on, RabbitMQ', value: b.rate, unit: 'events/s', target: '', ok: true, note: note(b) });
    row({ row: 'STOMP (c) Chain Watch Covalent pipeline, journal off, RabbitMQ', value: c.rate, unit: 'events/s', target: 'info', ok: true, note: note(c) });
    row({ row: 'STOMP: client CPU per event, raw / ours', value: a.cpu / b.cpu, unit: '', target: '>= 0.8', ok: a.cpu / b.cpu >= 0.8, note: `${where}; journal off ${(a.cpu / c.cpu).toFixed(2)}` });
    row({ row: 'STOMP: heap peak, ours / raw', value: b.heap / a.heap, unit: '', target: '<= 1.5', ok: b.heap / a.heap <= 1.5 });
    row({ row: 'STOMP journal bytes per event, / body bytes', value: b.journal / pub.bodyBytes, unit: '', target: '<= 1.2', ok: b.journal / pub.bodyBytes <= 1.2, note: `${b.journal.toFixed(0)} B per line for a ${pub.bodyBytes.toFixed(0)} B body` });
    // the broker is not the ceiling when the bare client reads well above what ours does
    row({ row: 'STOMP broker headroom: raw / ours, events/s', value: a.rate / b.rate, unit: '', target: '> 1 (broker not the ceiling)', ok: a.rate > b.rate, note: `broker CPU ${pct(a.broker)} during the bare client's best run` });
  } finally {
    await stopChild(pub.child);
  }
}
