/**
 * The EVM journal codec: a lean line holds the log object exactly as the node sent it (the notification's `result`
 * text, spliced in, never serialized again), the event id and the receive time; everything else (the validated and
 * lowercased fields, the normalized event, the built-in table's decoding) is derived again when the line is read
 * back. Pure: no I/O, no viem.
 *
 * A live log is journaled lean only when reading it back gives the event that was shown: no warnings, and either not
 * decoded or decoded by the built-in table (see {@link leanJournalable}). A log decoded with the stream's ABI, a
 * workspace artifact or through a proxy, and every removal the stream made up itself (a reorg found by the ledger),
 * keep a full line: what decoded them (the ABI, the artifacts, a proxy slot read from the node at that time) is not
 * in the log.
 */
import type { ChainEvent } from '../event';
import type { JournalCodec, LeanRecord } from '../stream/journalLine';
import { evmOriginalId, logKey, normalizeEvmLog, parseLog, type EvmEventPayload, type EvmLogDecoder } from './evmLog';
import { decodeWellKnown, WELL_KNOWN_STANDARDS } from './evmWellKnown';

/** The built-in table as an {@link EvmLogDecoder} (a log whose words only viem can judge stays undecoded). */
const wellKnownDecoder: EvmLogDecoder = (topics, data) => decodeWellKnown(topics, data) ?? {};

/**
 * True when `ev` (a live log, normalized from the text about to be journaled) reads back from a lean line as it is:
 * no warnings, and no decoded form or one from the built-in table (not an ABI's, an artifact's or a proxy's).
 */
export function leanJournalable(ev: ChainEvent): boolean {
  if (ev.warnings !== undefined) return false;
  const decoded = (ev.payload as EvmEventPayload).decoded;
  if (decoded === undefined) return true;
  return WELL_KNOWN_STANDARDS.has(decoded.standard) && decoded.contract === undefined && decoded.artifact === undefined && decoded.via === undefined;
}

/**
 * Derives an EVM event again from a lean line: validates the log as received, normalizes it as a live log, decodes it
 * with the built-in table. Throws (the line is then skipped as unreadable) when the log is invalid or its id does
 * not name it.
 */
export function reviveEvmEvent(stream: string, rec: LeanRecord): ChainEvent {
  const parsed = parseLog(rec.payload);
  if ('error' in parsed) throw new Error(parsed.error);
  if (evmOriginalId(rec.id) !== logKey(parsed.log)) throw new Error('journal line id does not name its log');
  const ev = normalizeEvmLog(stream, parsed.log, rec.receivedAt, { source: 'live', decode: wellKnownDecoder });
  ev.id = rec.id;
  return ev;
}

/** The codec EVM streams journal with: ids are always written (a removal's or re-add's suffix is not in the log). */
export const evmJournalCodec: JournalCodec = { revive: reviveEvmEvent };
