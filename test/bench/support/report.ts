/**
 * What the benches report and how they measure it: the `BENCH-ROW` line test/bench/runBench.js collects, the
 * journal's bytes per event, a stream's counted events, and the client's heap peak.
 */
import * as fs from 'fs';
import * as path from 'path';

/** One result row (see test/bench/runBench.js). */
export interface BenchRow {
  row: string;
  value: number;
  unit: string;
  target: string;
  ok: boolean;
  note?: string;
}

/** Prints one `BENCH-ROW {json}` line. */
export function row(r: BenchRow): void {
  process.stdout.write(`BENCH-ROW ${JSON.stringify(r)}\n`);
}

/** Journal bytes per event line (header left out) in a stream's journal folder. */
export function journalBytesPerEvent(dir: string): number {
  let bytes = 0;
  let lines = 0;
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('.ndjson'))) {
    for (const l of fs.readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (!l || l.startsWith('{"chainWatchJournal":')) continue;
      bytes += Buffer.byteLength(l) + 1;
      lines++;
    }
  }
  return lines ? bytes / lines : NaN;
}

/** The part of a stream the benches drive. */
interface CountedStream {
  onEvents(listener: (batch: readonly unknown[]) => void): unknown;
  flush(): Promise<void>;
  dispose(): void;
}

/** Calls `progress` with the stream's running event count after each batch. */
export function countEvents(stream: CountedStream, progress: (count: number) => void): void {
  let count = 0;
  stream.onEvents((batch) => {
    count += batch.length;
    progress(count);
  });
}

/** Connects a stream live and resolves once it reports it is live. */
export function connectLive(stream: { onStatus(listener: (s: { state: string }) => void): unknown; connect(from: { kind: 'live' }): void }): Promise<void> {
  const live = new Promise<void>((r) => stream.onStatus((s) => s.state === 'live' && r()));
  stream.connect({ kind: 'live' });
  return live;
}

/** Flushes and disposes a stream, then waits for its journal to close (it closes after the last batch). */
export async function closeStream(stream: CountedStream): Promise<void> {
  await stream.flush();
  stream.dispose();
  await new Promise((r) => setTimeout(r, 200));
}

/**
 * The client's heap peak (heapUsed), sampled at most every 5 ms: on each {@link sample} call (a side's progress)
 * and every 10 ms between {@link start} and {@link stop}.
 */
export class HeapPeak {
  /** The peak so far, in bytes. */
  peak: number;
  private lastSample = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(initial = process.memoryUsage().heapUsed) {
    this.peak = initial;
  }

  /** Samples unless the last sample is under 5 ms old. */
  readonly sample = (): void => {
    const now = performance.now();
    if (now - this.lastSample < 5) return;
    this.lastSample = now;
    this.peak = Math.max(this.peak, process.memoryUsage().heapUsed);
  };

  /** Samples now, whatever the last sample's age. */
  now(): void {
    this.peak = Math.max(this.peak, process.memoryUsage().heapUsed);
  }

  /** Restarts the peak from the heap in use now. */
  reset(): void {
    this.peak = process.memoryUsage().heapUsed;
  }

  start(): void {
    this.timer = setInterval(this.sample, 10);
  }

  stop(): void {
    clearInterval(this.timer);
  }
}

/** CPU time (µs, user + system) of this process since `since`. */
export function cpuUsSince(since: NodeJS.CpuUsage): number {
  const c = process.cpuUsage(since);
  return c.user + c.system;
}
