/**
 * Per-stream append-only NDJSON journal: one {@link ChainEvent} per line, in processing order.
 *
 * - Group commit: {@link Journal.append} writes a whole batch in one `write` call; appends are serialized.
 * - The last processed id is the id on the last line, so a restarted process resumes where it stopped.
 * - Bounded by two-file rotation: `<stream>.ndjson` takes appends; once it holds `maxEvents` lines it is renamed to
 *   `<stream>.1.ndjson` (replacing the previous one) and a new file starts. So the journal always holds the most
 *   recent `maxEvents` to `2 x maxEvents` events, rotation is one rename (no rewrite), and nothing is kept in
 *   memory but counters.
 * - A torn last line (crash mid-write) or any unparseable line is skipped on read, with a warning.
 */
import { promises as fsp } from 'fs';
import * as path from 'path';
import { releasePayloadText, serializeEvent, type ChainEvent } from '../event';
import { capEventDepth } from '../payloadDepth';

/** Journal settings. */
export interface JournalOptions {
  /** Directory to keep the files in (created if missing). The extension passes its global storage. */
  dir: string;
  /** Stream key; sanitized into the file names. */
  name: string;
  /** Events per file before rotation (default 5,000): the journal keeps the last 5,000 to 10,000 events. */
  maxEvents?: number;
  /** Called for each unreadable line found on open. */
  onWarning?: (message: string) => void;
}

/** Turns a stream key into a safe file name (the current file; the previous one is `<stem>.1.ndjson`). */
export function journalFileName(name: string): string {
  const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'stream';
  return `${safe}.ndjson`;
}

interface ReadResult {
  events: ChainEvent[];
  torn: boolean;
}

async function readLines(file: string, onBad?: (line: number, last: boolean) => void): Promise<ReadResult> {
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
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    try {
      const ev = JSON.parse(line) as ChainEvent;
      if (!ev || typeof ev.id !== 'string') throw new Error('no id');
      // a journal written before the depth cap may hold a payload nothing downstream can walk
      capEventDepth(ev);
      events.push(ev);
    } catch {
      const last = i === lines.length - 1;
      if (last) torn = true;
      onBad?.(i + 1, last);
    }
  }
  return { events, torn };
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

  private constructor(dir: string, name: string, maxEvents: number) {
    this.file = path.join(dir, journalFileName(name));
    this.previousFile = this.file.replace(/\.ndjson$/, '.1.ndjson');
    this.maxEvents = maxEvents;
  }

  /** Opens (creating if needed) the journal and reads what it holds. */
  static async open(opts: JournalOptions): Promise<Journal> {
    await fsp.mkdir(opts.dir, { recursive: true });
    const j = new Journal(opts.dir, opts.name, Math.max(1, opts.maxEvents ?? 5_000));
    const warn = (file: string) => (line: number, last: boolean) =>
      opts.onWarning?.(`journal ${path.basename(file)}: skipped an unreadable line ${line}${last ? ' (torn write)' : ''}`);
    const prev = await readLines(j.previousFile, warn(j.previousFile));
    const cur = await readLines(j.file, warn(j.file));
    const all = prev.events.concat(cur.events);
    j.restored = all.slice(-j.maxEvents);
    j.lastIdValue = all.length ? all[all.length - 1].id : undefined;
    j.currentCount = cur.events.length;
    if (cur.torn) {
      // rewrite the current file without the torn line so the next append starts on a clean line
      await fsp.writeFile(j.file, cur.events.map((e) => JSON.stringify(e)).join('\n') + (cur.events.length ? '\n' : ''));
    }
    j.handle = await fsp.open(j.file, 'a');
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
    let text = '';
    for (const e of events) {
      text += serializeEvent(e) + '\n';
      releasePayloadText(e);
    }
    const lastId = events[events.length - 1].id;
    const count = events.length;
    const next = this.chain.then(async () => {
      if (this.closed || !this.handle) throw new Error('journal is closed');
      await this.handle.write(text);
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
    const prev = await readLines(this.previousFile);
    const cur = await readLines(this.file);
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
    this.handle = await fsp.open(this.file, 'a');
    this.currentCount = 0;
  }
}
