/**
 * Per-stream append-only NDJSON journal: one {@link ChainEvent} per line, in processing order. With a reviver,
 * lines are lean (the payload text as received, the id, the name, the receive time; see journalLine): the rest is
 * derived again when read back. Older full lines stay readable.
 *
 * - Group commit: {@link Journal.append} writes a whole batch in one `write` call; appends are serialized.
 * - The last processed id is the id on the last line, so a restarted process resumes where it stopped.
 * - Bounded by two-file rotation: `<stream>.ndjson` takes appends; once it holds `maxEvents` lines it is renamed to
 *   `<stream>.1.ndjson` (replacing the previous one) and a new file starts. So the journal always holds the most
 *   recent `maxEvents` to `2 x maxEvents` events, rotation is one rename (no rewrite), and nothing is kept in
 *   memory but counters.
 * - A torn last line (crash mid-write) or any unparseable line is skipped on read, with a warning.
 * - With a `definition`, each file starts with a header line `{"chainWatchJournal":1,"definition":…}`; a file whose
 *   header names a different definition (or none) is not restored: it is set aside as `<stem>.rejected.ndjson`
 *   with a warning, so events written for one stream can never come back as another's.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { releasePayloadText, type ChainEvent } from '../event';
import { encodeLines, eventFromLine, journalLine, maxEncodedBytes, type EventReviver } from './journalLine';

/**
 * Largest batch encoding a journal keeps for reuse (4 MiB): a bounded batch (1,000 events, 1 MiB of frames) fits;
 * a larger one (one huge event) gets a buffer of its own that is not kept.
 */
export const MAX_REUSED_ENCODE_BYTES = 4 * 1024 * 1024;

/** Journal settings. */
export interface JournalOptions {
  /** Directory to keep the files in (created if missing). The extension passes its global storage. */
  dir: string;
  /** Stream key; sanitized into the file names. */
  name: string;
  /** Events per file before rotation (default 5,000): the journal keeps the last 5,000 to 10,000 events. */
  maxEvents?: number;
  /** Called for each unreadable line found on open, and for a file set aside for a different definition. */
  onWarning?: (message: string) => void;
  /**
   * What the events belong to (a stream's identity: provider, host, stream or filter). Written in each file's
   * header and compared on open; files of another definition are not restored.
   */
  definition?: Record<string, unknown>;
  /**
   * The name the stream's journal had before journals recorded their definition (its id). Such a journal cannot
   * prove which endpoint wrote it: it is not restored, and its files are renamed `<stem>.legacy.ndjson` (and
   * `<stem>.1.legacy.ndjson`) with one warning.
   */
  legacyName?: string;
  /**
   * Derives an event again from a lean line (the provider's normalizer). With it the journal writes lean lines for
   * events whose payload text is known; without it every line is full, and lean lines read back as unreadable.
   */
  revive?: EventReviver;
  /** The reviver derives `messageId~suffix` ids again (see `JournalCodec.derivesIds`): they are not written. */
  derivesIds?: boolean;
  /** The stream id handed to {@link revive} (default: `name`). */
  streamId?: string;
}

/** How lines are read back: the reviver of lean lines and the stream they belong to. */
interface LineReader {
  revive?: EventReviver | undefined;
  derivesIds: boolean;
  streamId: string;
}

/** Version tag of the journal header line. */
export const JOURNAL_HEADER_VERSION = 1;

/** The header line of a journal file written for `definition` (no trailing newline). */
export function journalHeader(definition: Record<string, unknown>): string {
  return JSON.stringify({ chainWatchJournal: JOURNAL_HEADER_VERSION, definition });
}

/** Turns a stream key into a safe file name (the current file; the previous one is `<stem>.1.ndjson`). */
export function journalFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120) || 'stream';
  return `${safe}.ndjson`;
}

interface ReadResult {
  /** The header's definition, as JSON text, when the file has a header. */
  header?: string;
  events: ChainEvent[];
  torn: boolean;
}

async function readLines(file: string, reader: LineReader, onBad?: (line: number, last: boolean) => void): Promise<ReadResult> {
  let text: string;
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], torn: false };
    throw err;
  }
  const lines = text.split('\n');
  const events: ChainEvent[] = [];
  let torn = false;
  let header: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    if (i === 0 && line.startsWith('{"chainWatchJournal":')) {
      try {
        header = JSON.stringify((JSON.parse(line) as { definition?: unknown }).definition ?? null);
        continue;
      } catch {
        // an unreadable header is an unreadable line
      }
    }
    try {
      const ev = eventFromLine(JSON.parse(line), reader.streamId, reader.revive);
      if (!ev) throw new Error('not an event');
      events.push(ev);
    } catch {
      const last = i === lines.length - 1;
      if (last) torn = true;
      onBad?.(i + 1, last);
    }
  }
  return header === undefined ? { events, torn } : { events, torn, header };
}

async function setLegacyAside(dir: string, name: string, onWarning?: (message: string) => void): Promise<void> {
  const cur = path.join(dir, journalFileName(name));
  const prev = cur.replace(/\.ndjson$/, '.1.ndjson');
  let moved = 0;
  for (const f of [cur, prev]) {
    try {
      await fsp.rename(f, f.replace(/\.ndjson$/, '.legacy.ndjson'));
      moved++;
    } catch {
      // absent: nothing to set aside
    }
  }
  if (moved) onWarning?.(`journal ${path.basename(cur)} predates journals tied to their stream definition: it is not restored (kept as ${path.basename(cur).replace(/\.ndjson$/, '.legacy.ndjson')}); this stream starts a new journal`);
}

export class Journal {
  /** Absolute path of the file taking appends. */
  readonly file: string;
  /** Absolute path of the previous (rotated) file. */
  readonly previousFile: string;
  private readonly maxEvents: number;
  private currentCount = 0;
  private handle: fsp.FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastIdValue: string | undefined;
  private closed = false;
  private restored: ChainEvent[] = [];
  private header: string | undefined;
  private readonly reader: LineReader;
  /** The buffer batches are encoded into, reused once the write of the previous batch is done. */
  private scratch: Buffer | undefined;
  private scratchInUse = false;

  private constructor(dir: string, name: string, maxEvents: number, reader: LineReader) {
    this.reader = reader;
    this.file = path.join(dir, journalFileName(name));
    this.previousFile = this.file.replace(/\.ndjson$/, '.1.ndjson');
    this.maxEvents = maxEvents;
  }

  /** Opens (creating if needed) the journal and reads what it holds. */
  static async open(opts: JournalOptions): Promise<Journal> {
    await fsp.mkdir(opts.dir, { recursive: true });
    const j = new Journal(opts.dir, opts.name, Math.max(1, opts.maxEvents ?? 5_000), { revive: opts.revive, derivesIds: opts.derivesIds === true, streamId: opts.streamId ?? opts.name });
    if (opts.definition) j.header = journalHeader(opts.definition);
    const warn = (file: string) => (line: number, last: boolean) =>
      opts.onWarning?.(`journal ${path.basename(file)}: skipped an unreadable line ${line}${last ? ' (torn write)' : ''}`);
    let prev = await readLines(j.previousFile, j.reader, warn(j.previousFile));
    let cur = await readLines(j.file, j.reader, warn(j.file));
    if (opts.legacyName !== undefined && journalFileName(opts.legacyName) !== path.basename(j.file)) await setLegacyAside(opts.dir, opts.legacyName, opts.onWarning);
    if (opts.definition) {
      const want = JSON.stringify(opts.definition);
      const foreign = async (file: string, r: ReadResult): Promise<boolean> => {
        if (r.header === want || (r.header === undefined && r.events.length === 0 && !r.torn)) return false;
        const aside = file.replace(/\.ndjson$/, '.rejected.ndjson');
        await fsp.rename(file, aside).catch(() => undefined);
        opts.onWarning?.(
          `journal ${path.basename(file)} was written for ${r.header === undefined ? 'an unknown stream definition' : 'a different stream definition'}: its ${r.events.length} events are not restored (kept as ${path.basename(aside)})`,
        );
        return true;
      };
      if (await foreign(j.previousFile, prev)) prev = { events: [], torn: false };
      if (await foreign(j.file, cur)) cur = { events: [], torn: false };
    }
    const all = prev.events.concat(cur.events);
    j.restored = all.slice(-j.maxEvents);
    j.lastIdValue = all.length ? all[all.length - 1].id : undefined;
    j.currentCount = cur.events.length;
    if (cur.torn) {
      // rewrite the current file without the torn line so the next append starts on a clean line
      await fsp.writeFile(j.file, encodeLines((j.header ? [j.header] : []).concat(cur.events.map((e) => journalLine(e, false)))));
    }
    await j.openForAppend();
    return j;
  }

  /** Id of the last event written (the last processed id), if any. */
  get lastId(): string | undefined {
    return this.lastIdValue;
  }

  /**
   * The most recent events found on disk when the journal was opened (at most `maxEvents`, oldest first). Handed
   * out once: the caller keeps them; later calls return an empty list.
   */
  takeRestored(): ChainEvent[] {
    const r = this.restored;
    this.restored = [];
    return r;
  }

  /**
   * Appends a batch in one write. Resolves when the bytes are written (so ACKs may follow).
   * Appends run one at a time in call order.
   */
  append(events: readonly ChainEvent[]): Promise<void> {
    if (events.length === 0) return this.chain;
    const lean = this.reader.revive !== undefined;
    const lines = new Array<string>(events.length);
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!;
      lines[i] = journalLine(e, lean, this.reader.derivesIds);
      releasePayloadText(e);
    }
    // the reused buffer is free only once the write of the batch it holds is done; otherwise this batch gets its own
    const max = maxEncodedBytes(lines);
    const reuse = !this.scratchInUse && max <= MAX_REUSED_ENCODE_BYTES;
    if (reuse && (this.scratch === undefined || this.scratch.length < max)) this.scratch = Buffer.allocUnsafe(Math.min(MAX_REUSED_ENCODE_BYTES, Math.max(max, 64 * 1024)));
    const bytes = encodeLines(lines, reuse ? this.scratch : undefined);
    if (reuse) this.scratchInUse = true;
    const lastId = events[events.length - 1].id;
    const count = events.length;
    const next = this.chain.then(async () => {
      try {
        if (this.closed || !this.handle) throw new Error('journal is closed');
        await this.handle.write(bytes);
      } finally {
        if (reuse) this.scratchInUse = false;
      }
      this.currentCount += count;
      this.lastIdValue = lastId;
      if (this.currentCount >= this.maxEvents) await this.rotate();
    });
    // keep the chain alive after a failure; the caller still sees the rejection
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every append issued so far has been written. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** Reads everything the journal holds (for export), oldest first; unreadable lines are skipped. */
  async readAll(): Promise<ChainEvent[]> {
    await this.flush();
    const prev = await readLines(this.previousFile, this.reader);
    const cur = await readLines(this.file, this.reader);
    return prev.events.concat(cur.events);
  }

  /** Flushes and closes the file. Further appends reject. */
  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
    await this.handle?.close().catch(() => undefined);
    this.handle = undefined;
  }

  private async rotate(): Promise<void> {
    await this.handle?.close();
    this.handle = undefined;
    await fsp.rename(this.file, this.previousFile);
    await this.openForAppend();
    this.currentCount = 0;
  }

  /** Opens the current file for appends, starting it with the header when it is new or empty. */
  private async openForAppend(): Promise<void> {
    this.handle = await fsp.open(this.file, 'a');
    if (this.header && (await this.handle.stat()).size === 0) await this.handle.write(this.header + '\n');
  }
}
