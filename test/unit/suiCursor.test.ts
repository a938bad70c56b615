import * as assert from 'assert';
import { cursorBytes, cursorText, GapScan } from '../../src/core/sui/suiCursor';

describe('suiCursor', () => {
  it('cursor bytes round-trip through text; other text is not a cursor', () => {
    const b = new Uint8Array([0, 1, 2, 250, 255, 7]);
    assert.deepStrictEqual([...cursorBytes(cursorText(b))!], [...b]);
    assert.strictEqual(cursorBytes(''), undefined);
    assert.strictEqual(cursorBytes('0xabc~1'), undefined);
    assert.strictEqual(cursorBytes('abc'), undefined);
  });

  it('reissues from the last watermark on SCAN_LIMIT and ITEM_LIMIT, and is done at CURSOR_BOUND', () => {
    const s = new GapScan('A', 'Z');
    assert.strictEqual(s.after, 'A');
    s.watermark('C');
    assert.deepStrictEqual(s.end('SCAN_LIMIT'), { next: 'reissue', after: 'C', delayMs: 0 });
    s.watermark('F');
    assert.deepStrictEqual(s.end('ITEM_LIMIT'), { next: 'reissue', after: 'F', delayMs: 0 });
    s.watermark('Z');
    assert.deepStrictEqual(s.end('CURSOR_BOUND'), { next: 'done', complete: true });
    assert.deepStrictEqual([s.requests, s.scanLimits, s.itemLimits, s.tipWaits], [3, 1, 1, 0]);
  });

  it('LEDGER_TIP before the bound waits and reissues, and gives up after the limit without progress', () => {
    const s = new GapScan('A', 'Z', { tipRetryMs: 250, maxTipRetries: 3 });
    s.watermark('B');
    assert.deepStrictEqual(s.end('LEDGER_TIP'), { next: 'reissue', after: 'B', delayMs: 250 });
    assert.deepStrictEqual(s.end('LEDGER_TIP'), { next: 'reissue', after: 'B', delayMs: 250 });
    s.watermark('B');
    assert.deepStrictEqual(s.end('LEDGER_TIP'), { next: 'reissue', after: 'B', delayMs: 250 }, 'a repeated watermark is no progress');
    const last = s.end('LEDGER_TIP');
    assert.strictEqual(last.next, 'done');
    assert.match((last as { reason: string }).reason, /index stayed behind/);
    const p = new GapScan('A', 'Z', { maxTipRetries: 1 });
    p.end('LEDGER_TIP');
    p.watermark('C');
    assert.strictEqual(p.end('LEDGER_TIP').next, 'reissue', 'progress resets the count');
  });

  it('an end without a reason, a checkpoint bound, or a runaway scan stop with words', () => {
    assert.match((new GapScan('A', 'Z').end('none') as { reason: string }).reason, /no end frame/);
    assert.match((new GapScan('A', 'Z').end('CHECKPOINT_BOUND') as { reason: string }).reason, /checkpoint bound/);
    const r = new GapScan('A', 'Z', { maxRequests: 2 });
    assert.strictEqual(r.end('SCAN_LIMIT').next, 'reissue');
    assert.match((r.end('SCAN_LIMIT') as { reason: string }).reason, /cut after 2/);
  });
});
