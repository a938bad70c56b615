/**
 * Sui full-node events as Chain Watch events. Pure. An event's identity is `digest:eventIndex` (what the node
 * guarantees unique); its resume id is the cursor of the frame that carried it; its payload is the node's decoded
 * `json` rendering (plain JSON here), with the BCS contents left out.
 */
import type { GrpcTypes } from '@mysten/sui/grpc';
import { MAX_PAYLOAD_DEPTH } from '../payloadDepth';
import { setEventSize, toNumber, type ChainEvent } from '../event';

/**
 * A `google.protobuf.Value` (as protobuf-ts decodes it) as plain JSON. Nesting deeper than the payload cap becomes
 * a placeholder string, so a hostile value cannot blow the stack; a malformed value becomes null.
 */
export function valueToJson(v: unknown, depth = 1): unknown {
  const kind = (v as { kind?: { oneofKind?: string } & Record<string, unknown> } | undefined)?.kind;
  if (!kind || typeof kind !== 'object') return null;
  switch (kind.oneofKind) {
    case 'nullValue':
      return null;
    case 'numberValue':
    case 'stringValue':
    case 'boolValue':
      return kind[kind.oneofKind] ?? null;
    case 'structValue': {
      if (depth > MAX_PAYLOAD_DEPTH) return `[nested deeper than ${MAX_PAYLOAD_DEPTH} levels: removed]`;
      const fields = (kind.structValue as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(fields)) out[k] = valueToJson(fields[k], depth + 1);
      return out;
    }
    case 'listValue': {
      if (depth > MAX_PAYLOAD_DEPTH) return `[nested deeper than ${MAX_PAYLOAD_DEPTH} levels: removed]`;
      const values = (kind.listValue as { values?: unknown[] } | undefined)?.values ?? [];
      return values.map((x) => valueToJson(x, depth + 1));
    }
    default:
      return null;
  }
}

/** The identity of a node event: `transactionDigest:eventIndex`; undefined when either is missing. */
export function suiEventIdentity(ev: Pick<GrpcTypes.Event, 'transactionDigest' | 'eventIndex'>): string | undefined {
  if (!ev.transactionDigest || ev.eventIndex === undefined) return undefined;
  return `${ev.transactionDigest}:${ev.eventIndex}`;
}

/** The payload Chain Watch shows for a node event: the fields of the event around its decoded `json`. */
export interface SuiEventPayload {
  type?: string;
  packageId?: string;
  module?: string;
  sender?: string;
  transactionDigest?: string;
  eventIndex?: number;
  transactionIndex?: string;
  checkpoint?: string;
  /** The node's JSON rendering of the event's Move value. */
  json: unknown;
}

/**
 * Normalizes one node event. `cursor` is the frame's watermark cursor (text), the event's resume id. Missing
 * identity fields become a warning and an id derived from the cursor (still unique per frame, never merged).
 */
export function normalizeSuiEvent(stream: string, ev: GrpcTypes.Event, cursor: string | undefined, receivedAt: number, frameBytes?: number): ChainEvent {
  const warnings: string[] = [];
  let id = suiEventIdentity(ev);
  if (id === undefined) {
    warnings.push('event without transaction digest or event index (deduplicated by its cursor)');
    id = `~${cursor ?? `${receivedAt}_${Math.random().toString(36).slice(2, 10)}`}`;
  }
  const payload: SuiEventPayload = { json: ev.json === undefined ? null : valueToJson(ev.json) };
  if (ev.eventType !== undefined) payload.type = ev.eventType;
  if (ev.packageId !== undefined) payload.packageId = ev.packageId;
  if (ev.module !== undefined) payload.module = ev.module;
  if (ev.sender !== undefined) payload.sender = ev.sender;
  if (ev.transactionDigest !== undefined) payload.transactionDigest = ev.transactionDigest;
  if (ev.eventIndex !== undefined) payload.eventIndex = ev.eventIndex;
  if (ev.transactionIndex !== undefined) payload.transactionIndex = String(ev.transactionIndex);
  if (ev.checkpoint !== undefined) payload.checkpoint = String(ev.checkpoint);
  const out: ChainEvent = { id, stream, provider: 'sui', kind: 'event', name: 'event', receivedAt, payload };
  if (cursor !== undefined) out.messageId = cursor;
  if (ev.transactionDigest) out.digest = ev.transactionDigest;
  if (ev.eventIndex !== undefined) out.sequence = ev.eventIndex;
  const cp = toNumber(ev.checkpoint);
  if (cp !== undefined) out.checkpoint = cp;
  if (ev.eventType) out.type = ev.eventType;
  if (ev.sender) out.sender = ev.sender;
  if (warnings.length) out.warnings = warnings;
  if (frameBytes !== undefined) setEventSize(out, frameBytes);
  return out;
}
