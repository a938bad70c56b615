/** {@link RateMeter}: per-stream events per second over the last minute (the header sparklines). Pure. */


/** Events per second, per stream, over the last `windowSec` seconds (default 60). */
export class RateMeter {
  private readonly buckets = new Map<string, { sec: Int32Array; count: Int32Array }>();

  constructor(readonly windowSec = 60) {}

  /** Counts `n` events of `stream` at `atMs`. Events older than the window are ignored by {@link series}. */
  add(stream: string, atMs: number, n = 1): void {
    let b = this.buckets.get(stream);
    if (!b) {
      b = { sec: new Int32Array(this.windowSec).fill(-1), count: new Int32Array(this.windowSec) };
      this.buckets.set(stream, b);
    }
    const s = Math.floor(atMs / 1000);
    const i = ((s % this.windowSec) + this.windowSec) % this.windowSec;
    if (b.sec[i] !== s) {
      b.sec[i] = s;
      b.count[i] = 0;
    }
    b.count[i]! += n;
  }

  /** Counts for the `windowSec` whole seconds ending at `nowMs` (oldest first; the last is the current second). */
  series(stream: string, nowMs: number): number[] {
    const out = new Array<number>(this.windowSec).fill(0);
    const b = this.buckets.get(stream);
    if (!b) return out;
    const now = Math.floor(nowMs / 1000);
    for (let k = 0; k < this.windowSec; k++) {
      const s = now - (this.windowSec - 1 - k);
      const i = ((s % this.windowSec) + this.windowSec) % this.windowSec;
      if (b.sec[i] === s) out[k] = b.count[i]!;
    }
    return out;
  }

  /** Streams seen. */
  streams(): string[] {
    return [...this.buckets.keys()];
  }
}

