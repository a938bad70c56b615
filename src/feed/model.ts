/** {@link FeedModel}: store + filter + stream toggles + pause (with its "N new" queue), as indexes the view renders. Pure. */
import type { FeedGap, FeedItem } from './protocol';
import type { FeedFilter } from './filter';
import { defaultMaxEvents } from './rowFormat';
import type { FeedRow } from './row';
import { FeedStore } from './store';

/** What {@link FeedModel.ingest} changed, for the view. */
export interface IngestResult {
  /** Rows appended to the visible (filtered) list. */
  appended: number;
  /** Visible rows evicted from the front of the list. */
  evictedVisible: number;
  /** A visible row changed in place (a gap update). */
  updated: boolean;
  /** Items only counted because the view is paused. */
  queued: number;
}

/**
 * The feed's state as the view needs it: every row kept, the indexes of those that pass the filter and stream
 * toggles (in order), and pause. While paused, new items are counted, not kept (the host holds them); on resume
 * the view takes the host's snapshot ({@link replaceAll}).
 */
export class FeedModel {
  readonly store: FeedStore;
  private visible: number[] = [];
  private vhead = 0;
  private filter: FeedFilter | undefined;
  private hidden: ReadonlySet<string> = new Set();
  private only: string | undefined;
  private _paused = false;
  private _newCount = 0;

  constructor(capacity: number = defaultMaxEvents) {
    this.store = new FeedStore(capacity);
  }

  /** True while paused. */
  get paused(): boolean {
    return this._paused;
  }

  /** Items received since the pause. */
  get newCount(): number {
    return this._newCount;
  }

  /** Number of rows passing the filter. */
  get visibleCount(): number {
    return this.visible.length - this.vhead;
  }

  /** The i-th visible row (oldest first). */
  visibleAt(i: number): FeedRow | undefined {
    const seq = this.visible[this.vhead + i];
    return seq === undefined ? undefined : this.store.bySeq(seq);
  }

  /** Visible rows [from, to), oldest first. */
  visibleRange(from: number, to: number): FeedRow[] {
    const out: FeedRow[] = [];
    for (let i = Math.max(0, from); i < Math.min(to, this.visibleCount); i++) out.push(this.visibleAt(i)!);
    return out;
  }

  /** Index of a row (by seq) in the visible list, or -1. Binary search. */
  indexOfSeq(seq: number): number {
    let lo = this.vhead;
    let hi = this.visible.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.visible[mid]!;
      if (v === seq) return mid - this.vhead;
      if (v < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  /** Index in the visible list of the first row with seq >= `seq` (visibleCount when none). */
  lowerBound(seq: number): number {
    let lo = this.vhead;
    let hi = this.visible.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.visible[mid]! < seq) lo = mid + 1;
      else hi = mid;
    }
    return lo - this.vhead;
  }

  /** Finds a kept row by key (linear; for restoring a scroll anchor). */
  findKey(key: string): FeedRow | undefined {
    for (let i = this.store.length - 1; i >= 0; i--) {
      const r = this.store.at(i)!;
      if (r.key === key) return r;
    }
    return undefined;
  }

  /** Visible rows, oldest first. */
  visibleRows(): FeedRow[] {
    return this.visibleRange(0, this.visibleCount);
  }

  /** Whether a row passes the current filter and toggles. */
  passes(row: FeedRow): boolean {
    const s = row.stream;
    if (this.only !== undefined && s !== this.only) return false;
    if (this.hidden.has(s)) return false;
    return !this.filter || this.filter.test(row);
  }

  /** Sets the filter (undefined = none), hidden streams and the single stream to show; re-filters every row. */
  setFilter(filter: FeedFilter | undefined, hidden: ReadonlySet<string> = this.hidden, only: string | undefined = this.only): void {
    this.filter = filter && !filter.empty ? filter : undefined;
    this.hidden = hidden;
    this.only = only;
    this.refilter();
  }

  private refilter(): void {
    const out: number[] = [];
    const n = this.store.length;
    for (let i = 0; i < n; i++) {
      const r = this.store.at(i)!;
      if (this.passes(r)) out.push(r.seq);
    }
    this.visible = out;
    this.vhead = 0;
  }

  /**
   * Adds items to the rows (and the visible list). While paused nothing is kept: new items are only counted (the
   * host keeps them, and sends a fresh snapshot when the view resumes); a gap update for a row already shown still
   * changes that row in place.
   */
  ingest(items: readonly FeedItem[]): IngestResult {
    if (this._paused) {
      let updated = false;
      let queued = 0;
      for (const it of items) {
        if (it.kind === 'gap') {
          const existing = this.findGap(it.gap);
          if (existing) {
            existing.update(it);
            updated = updated || this.indexOfSeq(existing.seq) >= 0;
            continue;
          }
        }
        this._newCount++;
        queued++;
      }
      return { appended: 0, evictedVisible: 0, updated, queued };
    }
    return this.apply(items);
  }

  private findGap(g: FeedGap): FeedRow | undefined {
    // Gap rows are few; scanning from the newest end is cheap in practice.
    for (let i = this.store.length - 1; i >= 0; i--) {
      const r = this.store.at(i)!;
      if (r.item.kind === 'gap' && r.item.gap.stream === g.stream && r.item.gap.gapId === g.gapId) return r;
    }
    return undefined;
  }

  private apply(items: readonly FeedItem[]): IngestResult {
    const res = this.store.push(items);
    let evictedVisible = 0;
    const firstKept = this.store.firstSeq;
    while (this.vhead < this.visible.length && this.visible[this.vhead]! < firstKept) {
      this.vhead++;
      evictedVisible++;
    }
    if (this.vhead > 4096 && this.vhead * 2 > this.visible.length) {
      this.visible = this.visible.slice(this.vhead);
      this.vhead = 0;
    }
    let appended = 0;
    for (const r of res.added) {
      if (this.passes(r)) {
        this.visible.push(r.seq);
        appended++;
      }
    }
    let updated = false;
    for (const r of res.updated) {
      const vis = this.indexOfSeq(r.seq) >= 0;
      const should = this.passes(r);
      if (vis !== should) {
        this.refilter();
        updated = true;
        break;
      }
      if (vis) updated = true;
    }
    return { appended, evictedVisible, updated, queued: 0 };
  }

  /** Freezes the view: from now on new items are counted, not kept. */
  pause(): void {
    if (this._paused) return;
    this._paused = true;
    this._newCount = 0;
  }

  /**
   * Unfreezes and resets the counter; returns how many items arrived while paused. The caller then replaces the
   * rows with the host's snapshot ({@link replaceAll}), which holds them.
   */
  resume(): number {
    const n = this._newCount;
    this._paused = false;
    this._newCount = 0;
    return n;
  }

  /** Replaces every row with `items` (a snapshot), keeping the filter. Seqs continue, so they never repeat. */
  replaceAll(items: readonly FeedItem[]): void {
    this.store.clear();
    this.visible = [];
    this.vhead = 0;
    this.apply(items);
  }

  /** Changes the capacity (evicting the oldest rows). */
  setCapacity(capacity: number): void {
    this.store.setCapacity(capacity);
    this.refilter();
  }

  /** Drops every row and the queue. */
  clear(): void {
    this.store.clear();
    this._newCount = 0;
    this.visible = [];
    this.vhead = 0;
  }
}

