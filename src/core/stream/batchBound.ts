/**
 * The bound on one processed batch: a stream that falls behind journals, shows and ACKs its backlog in batches of at
 * most this many events and bytes, instead of one write that grows with the backlog. Pure arithmetic.
 */
import { eventSize, type ChainEvent } from '../event';

/** Events in one processed batch at most (default). */
export const MAX_BATCH_EVENTS = 1_000;

/** Bytes (of the frames the events came in) in one processed batch at most (default 1 MiB); one event always fits. */
export const MAX_BATCH_BYTES = 1024 * 1024;

/**
 * How many of `pending` (oldest first) the next batch takes: at most `maxEvents`, and no more than `maxBytes` of
 * frame bytes, except that a non-empty batch always takes at least one event (an event larger than the bound still
 * goes out, alone). Returns 0 only for an empty `pending`.
 */
export function batchLength(pending: readonly ChainEvent[], maxEvents = MAX_BATCH_EVENTS, maxBytes = MAX_BATCH_BYTES): number {
  const limit = Math.min(pending.length, Math.max(1, Math.floor(maxEvents)));
  if (limit === 0) return 0;
  let bytes = eventSize(pending[0]);
  let n = 1;
  while (n < limit) {
    bytes += eventSize(pending[n]);
    if (bytes > maxBytes) break;
    n++;
  }
  return n;
}
