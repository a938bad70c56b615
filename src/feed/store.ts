/** {@link FeedStore}: a ring of rows bounded by count and by bytes (oldest evicted first); gap rows update in place. Pure. */
import type { FeedItem } from './protocol';
import { defaultMaxEvents } from './rowFormat';
import { FeedRow, rowKey } from './row';

/** What {@link FeedStore.push} did. */
export interface PushResult {
  /** Rows appended, oldest first. */
  added: FeedRow[];
  /** Rows evicted from the front (oldest first). */
  evicted: FeedRow[];
  /** Existing rows updated in place (gap updates). */
  updated: FeedRow[];
}

/** Id suffix of an EVM event announcing that the log with the rest of the id was removed (see evmLog.ts). */
const removedSuffix = ':removed';
/** How far back a removal looks for the row it strikes through (reorgs are recent). */
const reorgSearchRows = 5_000;

/** A bounded ring of rows in arrival order. Gap items with a known stream + gapId update their row in place. */
export class FeedStore {
  private rows: FeedRow[] = [];
  private head = 0;
  private nextSeq = 0;
  private readonly gaps = new Map<string, FeedRow>();
  private readonly rowBytes = new WeakMap<FeedRow, number>();
  private totalBytes = 0;

  /**
   * @param cap most rows kept (at least 1)
   * @param maxBytes most bytes of rows kept, as `sizeOf` counts them (default: unbounded); the newest row always stays
   * @param sizeOf the bytes a row is counted for (default 1,024 per row)
   */
  constructor(
    private cap: number = defaultMaxEvents,
    private readonly maxBytes = Infinity,
    private readonly sizeOf: (item: FeedItem) => number = () => 1024,
  ) {
    this.cap = Math.max(1, Math.floor(cap));
  }

  /** Bytes of the rows kept, as `sizeOf` counts them. */
  get bytes(): number {
    return this.totalBytes;
  }

  get capacity(): number {
    return this.cap;
  }

  get length(): number {
    return this.rows.length - this.head;
  }

  /** Seq of the oldest row kept (equals the next seq when empty). */
  get firstSeq(): number {
    return this.length ? this.rows[this.head]!.seq : this.nextSeq;
  }

  /** The i-th oldest row kept. */
  at(i: number): FeedRow | undefined {
    return this.rows[this.head + i];
  }

  /** The row with this seq, if still kept (O(1): seqs are contiguous). */
  bySeq(seq: number): FeedRow | undefined {
    const r = this.rows[this.head + (seq - this.firstSeq)];
    return r && r.seq === seq ? r : undefined;
  }

  /** All rows kept, oldest first (a copy). */
  all(): FeedRow[] {
    return this.rows.slice(this.head);
  }

  /** Appends items (evicting the oldest beyond capacity); gap updates replace the existing gap row. */
  push(items: readonly FeedItem[]): PushResult {
    const res: PushResult = { added: [], evicted: [], updated: [] };
    for (const item of items) {
      if (item.kind === 'gap') {
        const k = rowKey(item, 0);
        const existing = this.gaps.get(k);
        if (existing) {
          existing.update(item);
          res.updated.push(existing);
          continue;
        }
      }
      if (item.kind === 'event' && item.event.removed && item.event.id.endsWith(removedSuffix)) {
        const original = this.findEvent(item.event.stream, item.event.id.slice(0, -removedSuffix.length), reorgSearchRows);
        if (original && !original.struck) {
          original.struck = true;
          res.updated.push(original);
        }
      }
      const row = new FeedRow(this.nextSeq++, item);
      const size = this.sizeOf(item);
      this.rowBytes.set(row, size);
      this.totalBytes += size;
      this.rows.push(row);
      if (item.kind === 'gap') this.gaps.set(row.key, row);
      res.added.push(row);
    }
    this.trimTo(this.cap, res.evicted);
    // An evicted row may have been added in this same call; report it only as evicted.
    if (res.evicted.length && res.added.length && res.evicted[res.evicted.length - 1]!.seq >= res.added[0]!.seq) {
      const firstKept = this.firstSeq;
      res.added = res.added.filter((r) => r.seq >= firstKept);
    }
    return res;
  }

  /** The newest kept event row of `stream` with `id`, looking back at most `limit` rows. */
  findEvent(stream: string, id: string, limit = Infinity): FeedRow | undefined {
    const stop = Math.max(this.head, this.rows.length - limit);
    for (let i = this.rows.length - 1; i >= stop; i--) {
      const it = this.rows[i]!.item;
      if (it.kind === 'event' && it.event.id === id && it.event.stream === stream) return this.rows[i];
    }
    return undefined;
  }

  /** Changes the capacity; returns the rows evicted by a smaller one. */
  setCapacity(capacity: number): FeedRow[] {
    this.cap = Math.max(1, Math.floor(capacity));
    const ev: FeedRow[] = [];
    this.trimTo(this.cap, ev);
    return ev;
  }

  /** Removes every row. */
  clear(): void {
    this.rows = [];
    this.head = 0;
    this.gaps.clear();
    this.totalBytes = 0;
  }

  private trimTo(cap: number, evicted: FeedRow[]): void {
    while (this.length > cap || (this.totalBytes > this.maxBytes && this.length > 1)) {
      const r = this.rows[this.head]!;
      this.totalBytes -= this.rowBytes.get(r) ?? 0;
      this.rows[this.head] = undefined as unknown as FeedRow;
      this.head++;
      if (r.item.kind === 'gap') this.gaps.delete(r.key);
      evicted.push(r);
    }
    // Compact now and then so the array does not grow without bound.
    if (this.head > 1024 && this.head * 2 > this.rows.length) {
      this.rows = this.rows.slice(this.head);
      this.head = 0;
    }
  }
}

