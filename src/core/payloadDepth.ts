/**
 * A cap on how deeply a payload nests. A 40 KB `[[[[…]]]]` from a server parses fine but breaks everything that
 * walks it recursively afterwards (webview message serialization, JSON views: "Maximum call stack size exceeded"),
 * and the journal would bring it back on every restart. Every event entering a stream, and every event read back
 * from a journal, passes through {@link capEventDepth}.
 */
import { releasePayloadText, type ChainEvent } from './event';

/** Deepest nesting of arrays/objects kept in a payload (the payload itself is level 1). */
export const MAX_PAYLOAD_DEPTH = 64;

/** What replaces a value nested deeper than the cap. */
export const DEPTH_PLACEHOLDER = `[nested deeper than ${MAX_PAYLOAD_DEPTH} levels: removed]`;

function isContainer(v: unknown): v is Record<string, unknown> | unknown[] {
  return v !== null && typeof v === 'object';
}

/** Whether `value` has a container at level `maxDepth + 1` or deeper. Never recurses past `maxDepth`. */
export function nestsDeeperThan(value: unknown, maxDepth: number, level = 1): boolean {
  if (!isContainer(value)) return false;
  if (level > maxDepth) return true;
  if (Array.isArray(value)) {
    for (const c of value) if (isContainer(c) && nestsDeeperThan(c, maxDepth, level + 1)) return true;
    return false;
  }
  for (const k in value) {
    const c = value[k];
    if (isContainer(c) && nestsDeeperThan(c, maxDepth, level + 1)) return true;
  }
  return false;
}

/** A copy of `value` in which every container below level `maxDepth` is replaced by `placeholder`. */
export function capDepth(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH, placeholder: unknown = DEPTH_PLACEHOLDER, level = 1): unknown {
  if (!isContainer(value)) return value;
  if (level > maxDepth) return placeholder;
  if (Array.isArray(value)) return value.map((c) => capDepth(c, maxDepth, placeholder, level + 1));
  const out: Record<string, unknown> = {};
  for (const k in value) out[k] = capDepth(value[k], maxDepth, placeholder, level + 1);
  return out;
}

/**
 * Caps `ev.payload` at {@link MAX_PAYLOAD_DEPTH} levels in place, with a warning on the event and without the
 * original payload text (so the journal writes the capped payload). Returns whether anything was cut.
 */
export function capEventDepth(ev: ChainEvent, maxDepth = MAX_PAYLOAD_DEPTH): boolean {
  if (!nestsDeeperThan(ev.payload, maxDepth)) return false;
  ev.payload = capDepth(ev.payload, maxDepth, maxDepth === MAX_PAYLOAD_DEPTH ? DEPTH_PLACEHOLDER : `[nested deeper than ${maxDepth} levels: removed]`);
  releasePayloadText(ev);
  const warning = `payload nested deeper than ${maxDepth} levels: the deeper parts are replaced by a placeholder`;
  if (!ev.warnings?.includes(warning)) (ev.warnings ??= []).push(warning);
  return true;
}
