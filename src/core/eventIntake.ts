/**
 * What every event goes through once, as it enters a stream (before dedup, journal, tree, feed and exports):
 * its payload's nesting is capped ({@link capEventDepth}) and its short texts (id, name, type, sender, digest)
 * lose any registered secret (a node that echoes its URL's key in an event field cannot make it show).
 */
import type { ChainEvent } from './event';
import { capEventDepth } from './payloadDepth';
import { redactSecrets } from './redact';

/** Prepares `ev` in place for everything downstream. */
export function acceptEvent(ev: ChainEvent): void {
  capEventDepth(ev);
  ev.id = redactSecrets(ev.id);
  ev.name = redactSecrets(ev.name);
  if (ev.type !== undefined) ev.type = redactSecrets(ev.type);
  if (ev.sender !== undefined) ev.sender = redactSecrets(ev.sender);
  if (ev.digest !== undefined) ev.digest = redactSecrets(ev.digest);
}
