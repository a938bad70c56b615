/**
 * Cursor bookkeeping for Sui full-node streams. Pure: no I/O, no timers (the stream asks its clock to wait).
 *
 * The node's cursors are opaque bytes (`Watermark.cursor`); Chain Watch keeps them as base64 text (the resume id in
 * the journal), never parsed. Subscriptions do not resume, so a reconnect scans the gap with `ListEvents` between
 * the last processed cursor (`after`, exclusive) and the new subscription's first cursor (`before`, exclusive):
 * {@link GapScan} says which request to send next from how each response ended.
 */

/** How a `ListEvents` response ended (the `QueryEndReason` name), or `none` when it ended without a `QueryEnd`. */
export type ScanEndReason = 'UNKNOWN' | 'ITEM_LIMIT' | 'SCAN_LIMIT' | 'CHECKPOINT_BOUND' | 'CURSOR_BOUND' | 'LEDGER_TIP' | 'none';

/** Cursor bytes as text (standard base64, as the node's JSON mapping writes bytes). */
export function cursorText(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Text from {@link cursorText} back to bytes; undefined when it is not base64 of at least one byte. */
export function cursorBytes(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return undefined;
  const buf = Buffer.from(text, 'base64');
  return buf.length > 0 ? new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength) : undefined;
}

/** What to do after one `ListEvents` response. */
export type ScanStep =
  | { next: 'reissue'; after: string; delayMs: number }
  | { next: 'done'; complete: true }
  | { next: 'done'; complete: false; reason: string };

/** Tunables of a {@link GapScan}. */
export interface GapScanOptions {
  /** `LEDGER_TIP` before the bound (the node's index lags its subscription): wait this long and reissue, ms (default 500). */
  tipRetryMs?: number;
  /** Give up after this many `LEDGER_TIP` ends in a row without progress (default 40, about 20 s). */
  maxTipRetries?: number;
  /** Responses at most for one gap (default 10,000): a runaway scan ends with words instead of running forever. */
  maxRequests?: number;
  /**
   * The end reason that means the gap is covered (default `CURSOR_BOUND`, for scans bounded by the subscription's
   * first cursor; `CHECKPOINT_BOUND` for checkpoint scans, bounded by a checkpoint range).
   */
  complete?: 'CURSOR_BOUND' | 'CHECKPOINT_BOUND';
  /** The call named in messages (default `ListEvents`). */
  call?: string;
}

/**
 * One gap scan: `(after, before)` read with `ListEvents` (or `ListTransactions`; `ListCheckpoints` over a checkpoint
 * range, where `after` starts empty and only pages), reissued from the last watermark while the node stops early
 * (`SCAN_LIMIT`, `ITEM_LIMIT`, or `LEDGER_TIP` while its index has not reached the bound), until it ends with the
 * bound (`CURSOR_BOUND`, or `CHECKPOINT_BOUND`). Feed it every frame's watermark cursor, then the end reason.
 */
export class GapScan {
  /** The current lower bound: the last watermark received (exclusive). */
  private cursor: string;
  private tipRetries = 0;
  private progressed = false;
  /** Requests sent so far (the first included). */
  requests = 1;
  /** Responses that ended with `SCAN_LIMIT`. */
  scanLimits = 0;
  /** Responses that ended with `ITEM_LIMIT`. */
  itemLimits = 0;
  /** Responses that ended with `LEDGER_TIP` before the bound. */
  tipWaits = 0;

  constructor(
    after: string,
    readonly before: string,
    private readonly opts: GapScanOptions = {},
  ) {
    this.cursor = after;
  }

  /** The `after` bound of the next request. */
  get after(): string {
    return this.cursor;
  }

  /** One frame's watermark cursor (text). Watermarks never regress; a repeated one is no progress. */
  watermark(cursor: string | undefined): void {
    if (cursor === undefined || cursor === this.cursor) return;
    this.cursor = cursor;
    this.progressed = true;
  }

  /** The response ended with `reason`: reissue (after a delay for `LEDGER_TIP`) or stop. */
  end(reason: ScanEndReason): ScanStep {
    const progressed = this.progressed;
    this.progressed = false;
    const call = this.opts.call ?? 'ListEvents';
    if (reason === (this.opts.complete ?? 'CURSOR_BOUND')) return { next: 'done', complete: true };
    if (reason === 'CHECKPOINT_BOUND') return { next: 'done', complete: false, reason: 'the node stopped at a checkpoint bound the scan did not ask for' };
    if (reason === 'CURSOR_BOUND') return { next: 'done', complete: false, reason: 'the node stopped at a cursor bound the scan did not ask for' };
    if (reason === 'none' || reason === 'UNKNOWN') return { next: 'done', complete: false, reason: `${call} ended without saying why (${reason === 'none' ? 'no end frame' : 'reason UNKNOWN'})` };
    if (this.requests >= (this.opts.maxRequests ?? 10_000)) return { next: 'done', complete: false, reason: `the gap scan was cut after ${this.requests} ${call} requests` };
    let delayMs = 0;
    if (reason === 'SCAN_LIMIT') this.scanLimits++;
    else if (reason === 'ITEM_LIMIT') this.itemLimits++;
    else {
      this.tipWaits++;
      // the node's index has not reached the subscription's first cursor yet: wait for it, within limits
      this.tipRetries = progressed ? 1 : this.tipRetries + 1;
      if (this.tipRetries > (this.opts.maxTipRetries ?? 40)) return { next: 'done', complete: false, reason: `the node's index stayed behind its subscription (LEDGER_TIP ${this.tipRetries - 1} times in a row)` };
      delayMs = this.opts.tipRetryMs ?? 500;
    }
    if (reason !== 'LEDGER_TIP') this.tipRetries = 0;
    this.requests++;
    return { next: 'reissue', after: this.cursor, delayMs };
  }
}
