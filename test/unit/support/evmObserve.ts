/**
 * Watches an EvmStream for tests: collects its events and backfills, and `until(cond)` resolves once `cond()` holds,
 * re-checked on every event, status change and backfill (and on `kick()`, for outside happenings). No timers.
 */
import type { ChainEvent } from '../../../src/core/event';
import type { EvmStream } from '../../../src/core/evm/evmStream';
import type { EvmBackfillInfo } from '../../../src/core/evm/evmBackfill';

export function observeEvm(stream: EvmStream): {
  events: ChainEvent[];
  backfills: EvmBackfillInfo[];
  kick(): void;
  until(cond: () => boolean): Promise<void>;
} {
  const events: ChainEvent[] = [];
  const backfills: EvmBackfillInfo[] = [];
  const waiters: Array<() => void> = [];
  const kick = () => {
    for (const w of waiters.splice(0)) w();
  };
  stream.onEvents((e) => {
    events.push(...e);
    kick();
  });
  stream.onStatus(kick);
  stream.onBackfill((b) => {
    backfills.push(b);
    kick();
  });
  const until = async (cond: () => boolean) => {
    while (!cond()) await new Promise<void>((r) => waiters.push(r));
  };
  return { events, backfills, kick, until };
}
