import * as assert from 'assert';
import { displayText, escapeInvisible, formatRelative, formatTime, gapLabel, gapTooltip, shortHash, shortType, summarize } from '../../src/feed/rowFormat';
import { ev } from './support/feedItems';

describe('feed row text', () => {
  it('escapes bidi overrides and control characters instead of rendering them', () => {
    assert.strictEqual(escapeInvisible('a\u202Eb\u0000c\u2066'), 'a\\u202eb\\u0000c\\u2066');
    assert.strictEqual(displayText('x\ny', 10), 'x⏎y');
  });
  it('truncates long text to max chars, reading only a bounded prefix of a 1 MB string', () => {
    const big = 'A'.repeat(1 << 20);
    const out = displayText(big, 48);
    assert.strictEqual(out.length, 48);
    assert.ok(out.endsWith('…'));
    assert.strictEqual(displayText('short', 48), 'short');
  });
  it('shortens Move types and hashes', () => {
    assert.strictEqual(shortType('0x2::coin::Coin<0xdba34672e30cb065b1f93e3ab55318768fd6fef66c15942c9f7cb846e2f900e7::usdc::USDC>'), 'coin::Coin<usdc::USDC>');
    assert.strictEqual(shortHash('0x1234567890abcdef1234567890abcdef'), '0x123456…abcdef');
    assert.strictEqual(shortHash('0x12'), '0x12');
  });
  it('formats times with milliseconds and relative times', () => {
    const t = new Date(2026, 0, 2, 3, 4, 5, 67).getTime();
    assert.strictEqual(formatTime(t), '03:04:05.067');
    assert.strictEqual(formatRelative(t, t + 500), 'now');
    assert.strictEqual(formatRelative(t, t + 4_200), '4.2 s ago');
    assert.strictEqual(formatRelative(t, t + 3 * 60_000 + 5), '3 m ago');
  });
  it('labels a gap like the spec', () => {
    assert.strictEqual(
      gapLabel({ stream: 's', gapId: 1, downAt: 0, resumedAt: 12_400, downMs: 12_400, resumedFrom: '123_4_0', mode: 'after', replayed: 37, continuity: 'verified', duplicatesDropped: 0 }),
      'down 12.4 s · 37 replayed · resumed from 123_4_0 · continuity verified',
    );
    const live = gapLabel({ stream: 's', gapId: 1, downAt: 0, resumedAt: 1000, downMs: 1000, mode: 'live', continuity: 'may_be_missing', missingFrom: 0, missingTo: 1000, duplicatesDropped: 0 });
    assert.match(live, /resumed live · events between \d\d:\d\d:\d\d and \d\d:\d\d:\d\d may be missing$/);
    assert.ok(!/replayed/.test(live), 'a live reconnect replays nothing and does not claim to');
  });
  it('says in words which case each gap is, with the details in the tooltip', () => {
    const t0 = new Date(2026, 0, 2, 14, 2, 0).getTime();
    const base = { stream: 's', gapId: 1, downAt: t0, resumedAt: t0 + 39 * 60_000, downMs: 39 * 60_000, mode: 'after', resumedFrom: '22000500', replayed: 30, duplicatesDropped: 0 };
    assert.match(gapLabel({ ...base, continuity: 'cursor_not_honoured', duplicatesDropped: 12 }), /· server did not honour the cursor, 12 duplicates dropped$/);
    assert.match(gapLabel({ ...base, continuity: 'may_be_missing', missingFrom: t0, missingTo: t0 + 39 * 60_000 }), /· events between 14:02 and 14:41 may be missing$/);
    assert.match(gapLabel({ ...base, continuity: 'not_recoverable', missingFrom: t0, missingTo: t0 + 39 * 60_000 }), /cannot be recovered \(no replay\)$/);
    assert.match(gapLabel({ ...base, continuity: 'unverified' }), /continuity not verified$/);
    const tip = gapTooltip({ ...base, continuity: 'may_be_missing', missingFrom: t0, missingTo: t0, duplicatesDropped: 3, reason: 'down longer than the\u202e 30-minute buffer' });
    assert.match(tip, /^Down 39\.0 min: lost 14:02:00, live again 14:41:00$/m);
    assert.match(tip, /^Resumed after id 22000500$/m);
    assert.match(tip, /^Duplicates dropped: 3/m);
    assert.match(tip, /^Why: down longer than the\\u202e 30-minute buffer$/m);
  });
  it('summarizes key fields per kind, safely', () => {
    assert.strictEqual(summarize(ev(1, { kind: 'coin', payload: { amount: '-5', coin_type: '0x2::sui::SUI' } })), '-5 sui::SUI');
    assert.strictEqual(summarize(ev(1, { payload: { data: { a: 1, b: 'x\u202Ey', c: { d: 1 }, e: [1, 2] } } })), 'a=1  b=x\\u202ey  c={1}  e=[2]');
    const s = summarize(ev(1, { payload: { data: { big: 'Z'.repeat(1 << 20) } } }));
    assert.ok(s.length <= 160, `summary is ${s.length} chars`);
    assert.match(summarize(ev(1, { removed: true, kind: 'log', payload: { decoded: { params: [{ name: 'reserve0', value: '10' }] } } })), /^REMOVED \(reorg\) {2}reserve0=10$/);
  });
});
