/** Reading journal files in tests without knowing their key (`<id>.<definition hash>.ndjson`). */
import * as fs from 'fs';
import * as path from 'path';
import { normalizeWarp, type ChainEvent } from '../../../src/core/event';
import { eventFromLine } from '../../../src/core/stream/journalLine';

/** The event lines (header left out) of the one current journal file in `dir`. */
export function journalEventLines(dir: string): string[] {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ndjson') && !/\.(?:1|rejected|legacy)\.ndjson$/.test(f));
  if (files.length !== 1) throw new Error(`expected one journal in ${dir}, found ${files.join(', ') || 'none'}`);
  return fs
    .readFileSync(path.join(dir, files[0]!), 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('{"chainWatchJournal":'));
}

/** One journal line back as an event, lean Warp lines derived again as the stream would (test helper). */
export function warpJournalEvent(line: string, stream: string): ChainEvent | undefined {
  return eventFromLine(JSON.parse(line), stream, (s, rec) => normalizeWarp(s, rec.name, rec.messageId, rec.payload, rec.receivedAt));
}
