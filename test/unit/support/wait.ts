/** Waiting on real events (never on time): resolve when a handle's status or events satisfy a predicate. */
import type { ChainEvent } from '../../../src/core/event';
import type { StreamHandle, StreamStatus } from '../../../src/core/stream/stream';

/** Resolves with the first status (current or future) that satisfies `pred`. */
export function waitForStatus(h: StreamHandle, pred: (s: StreamStatus) => boolean): Promise<StreamStatus> {
  const now = h.status();
  if (pred(now)) return Promise.resolve(now);
  return new Promise((resolve) => {
    const d = h.onStatus((s) => {
      if (pred(s)) {
        d.dispose();
        resolve(s);
      }
    });
  });
}

/** Collects every event the handle emits; `until(n)` resolves once at least n arrived. */
export function collect(h: StreamHandle): { events: ChainEvent[]; until(n: number): Promise<ChainEvent[]> } {
  const events: ChainEvent[] = [];
  let waiters: Array<{ n: number; resolve: (e: ChainEvent[]) => void }> = [];
  h.onEvents((batch) => {
    events.push(...batch);
    waiters = waiters.filter((w) => {
      if (events.length >= w.n) {
        w.resolve(events);
        return false;
      }
      return true;
    });
  });
  return {
    events,
    until(n: number) {
      if (events.length >= n) return Promise.resolve(events);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
  };
}

/** Resolves when `pred()` becomes true, checking after each turn of the event loop (I/O driven, no timers). */
export async function until(pred: () => boolean, what = 'condition', maxTurns = 200_000): Promise<void> {
  for (let i = 0; i < maxTurns; i++) {
    if (pred()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`gave up waiting for ${what}`);
}
