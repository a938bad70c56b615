/**
 * Per-stream append-only NDJSON journal: one {@link ChainEvent} per line, in processing order.
 *
 * - Group commit: {@link Journal.append} writes a whole batch in one `write` call; appends are serialized.
 * - The last processed id is the id on the last line, so a restarted process resumes where it stopped.
 * - Bounded: once the file holds more than `2 x maxEvents` lines it is rewritten (temp file + rename) with the most
 *   recent `maxEvents`; the tail kept for that is held in memory, so rotation never re-reads the file.
 * - A torn last line (crash mid-write) or any unparseable line is skipped on read, with a warning.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { serializeEvent, type ChainEvent } from './event';

/** Journal settings. */
export interface JournalOptions {
  /** Directory to keep the file in (created if missing). The extension passes its global storage. */
  dir: string;
  /** Stream key; sanitized into the file name. */
  name: string;
  /** Events kept after rotation (default 5,000). The file never holds more than twice this. */
  maxEvents?: number;
  /** Called for each unparseable line found on open (file offset-free description). */
  onWarning?: (message: string) => void;
}

/** Turns a stream key into a safe file name stem. */
export function journalFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'stream';
  return `${safe}.ndjson`;
}

export class Journal {
  /** Absolute path of the NDJSON file. */
  readonly file: string;
  private readonly maxEvents: number;
  /** The last `maxEvents` serialized lines (without newline), oldest first. */
  private tail: string[] = [];
  private lineCount = 0;
  private handle: fsp.FileHandle | undefined;
  private chain: Promise<void> = Promise.resolve();
  private lastIdValue: string | undefined;
  private closed = false;

  private constructor(file: string, maxEvents: number) {
    this.file = file;
    this.maxEvents = maxEvents;
  }

  /** Opens (creating if needed) the journal and reads its tail. */
  static async open(opts: JournalOptions): Promise<Journal> {
    await fsp.mkdir(opts.dir, { recursive: true });
    const j = new Journal(path.join(opts.dir, journalFileName(opts.name)), Math.max(1, opts.maxEvents ?? 5_000));
    let text = '';
    try {
      text = await fsp.readFile(j.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const lines = text.split('\n');
    let torn = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (!line) continue;
      try {
        const ev = JSON.parse(line) as ChainEvent;
        if (!ev || typeof ev.id !== 'string') throw new Error('no id');
        j.tail.push(line);
        j.lastIdValue = ev.id;
      } catch {
        if (i === lines.length - 1) torn = true;
        opts.onWarning?.(`journal ${path.basename(j.file)}: skipped an unreadable line ${i + 1}${i === lines.length - 1 ? ' (torn write)' : ''}`);
      }
    }
    j.lineCount = j.tail.length;
    if (j.tail.length > j.maxEvents) j.tail = j.tail.slice(-j.maxEvents);
    if (torn) {
      // rewrite without the torn line so the next append starts on a clean line
      await j.rewrite();
    }
    j.handle = await fsp.open(j.file, 'a');
    return j;
  }

  /** Id of the last event written (the last processed id), if any. */
  get lastId(): string | undefined {
    return this.lastIdValue;
  }

  /** Number of events in memory's tail (at most `maxEvents`). */
  get size(): number {
    return this.tail.length;
  }

  /**
   * Appends a batch in one write. Resolves when the bytes are written (so ACKs may follow).
   * Appends run one at a time in call order.
   */
  append(events: readonly ChainEvent[]): Promise<void> {
    if (events.length === 0) return this.chain;
    const lines = events.map(serializeEvent);
    const next = this.chain.then(async () => {
      if (this.closed || !this.handle) throw new Error('journal is closed');
      await this.handle.write(lines.join('\n') + '\n');
      this.lineCount += lines.length;
      for (const l of lines) this.tail.push(l);
      if (this.tail.length > this.maxEvents) this.tail.splice(0, this.tail.length - this.maxEvents);
      this.lastIdValue = events[events.length - 1].id;
      if (this.lineCount > 2 * this.maxEvents) await this.rotate();
    });
    // keep the chain alive after a failure; the caller still sees the rejection
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every append issued so far has been written. */
  flush(): Promise<void> {
    return this.chain;
  }

  /** The most recent `limit` events (default: all kept), oldest first. */
  recent(limit = this.maxEvents): ChainEvent[] {
    const start = Math.max(0, this.tail.length - limit);
    return this.tail.slice(start).map((l) => JSON.parse(l) as ChainEvent);
  }

  /** Reads the whole file back (for export and restore), oldest first; unreadable lines are skipped. */
  async readAll(): Promise<ChainEvent[]> {
    await this.flush();
    const text = await fsp.readFile(this.file, 'utf8').catch(() => '');
    const out: ChainEvent[] = [];
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        out.push(JSON.parse(line) as ChainEvent);
      } catch {
        /* skipped: reported on open */
      }
    }
    return out;
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
    await this.rewrite();
    this.handle = await fsp.open(this.file, 'a');
  }

  private async rewrite(): Promise<void> {
    const tmp = `${this.file}.tmp`;
    await fsp.writeFile(tmp, this.tail.length ? this.tail.join('\n') + '\n' : '');
    await fsp.rename(tmp, this.file);
    this.lineCount = this.tail.length;
  }
}
