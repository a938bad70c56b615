// Event identities for counting deliveries: Warp ids are checkpoints shared by several events, so digest + sequence.
import type { ChainEvent } from '../../../src/core/event';

/** An event's identity as published: Warp ids are checkpoints shared by several events, so digest + sequence. */
export function wireIdentity(w: { data: object }): string {
  const d = w.data as { txDigest?: unknown; eventSequence?: unknown };
  return `${String(d.txDigest)}#${String(d.eventSequence)}`;
}

/** The same identity for an event as delivered. */
export function eventIdentity(e: ChainEvent): string {
  return `${String(e.digest)}#${String(e.sequence)}`;
}

