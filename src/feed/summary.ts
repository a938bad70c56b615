/**
 * Large payloads stay out of the feed's memory: beyond {@link FEED_PAYLOAD_MAX_BYTES} a row holds a summary
 * instead of the payload (the stream's journal keeps the payload whole; Open as JSON reads it from there), and the
 * feed's history as a whole is bounded by {@link FEED_MAX_BYTES} as well as by rows. Pure.
 */
import type { FeedEvent, FeedItem } from './protocol';

/** Largest payload a feed row holds, in bytes (64 KiB); larger ones are summarized. */
export const FEED_PAYLOAD_MAX_BYTES = 64 * 1024;

/** Bytes of rows the host's feed history holds at most (64 MiB; the newest row is always kept). */
export const FEED_MAX_BYTES = 64 * 1024 * 1024;

/** Bytes a row costs beyond its payload (fields, cells, search text cache), an estimate. */
const ROW_OVERHEAD_BYTES = 512;

/** Size of a payload too large for the feed, in words ("1.5 MB"). */
function sizeWords(bytes: number): string {
  return bytes >= 1048576 ? `${(bytes / 1048576).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`;
}

/**
 * `ev` itself when its payload (of `payloadBytes`) fits a row, else a copy whose payload is a summary and whose
 * `payloadOmitted` holds the payload's size.
 */
export function summarizeForFeed<T extends FeedEvent>(ev: T, payloadBytes: number): T {
  if (payloadBytes <= FEED_PAYLOAD_MAX_BYTES) return ev;
  return {
    ...ev,
    payload: { summary: `payload of ${sizeWords(payloadBytes)} is not kept in the feed: Open as JSON reads it from the journal`, bytes: payloadBytes },
    payloadOmitted: payloadBytes,
  };
}

/** The bytes a row is counted for in a byte budget: its payload's size (a summary's when omitted) plus overhead. */
export function feedRowBytes(item: FeedItem, payloadBytes: (ev: FeedEvent) => number): number {
  if (item.kind !== 'event') return ROW_OVERHEAD_BYTES;
  return ROW_OVERHEAD_BYTES + (item.event.payloadOmitted !== undefined ? 256 : payloadBytes(item.event));
}
