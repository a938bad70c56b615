import * as assert from 'assert';
import {
  backfillsOnResume,
  clockTime,
  guardStatusText,
  guardTooltipLines,
  mayBeMissing,
  pauseCost,
  pauseNotice,
  returnNotice,
  roughDuration,
} from '../../src/core/stream/creditText';
import type { GuardView } from '../../src/core/stream/creditText';

describe('credit guard words (pure)', () => {
  const at = (h: number, m: number) => new Date(2026, 0, 5, h, m).getTime();

  it('says when events may be missing, in local wall-clock time', () => {
    assert.strictEqual(clockTime(at(9, 5)), '09:05');
    assert.strictEqual(mayBeMissing(at(14, 2), at(15, 47)), 'events between 14:02 and 15:47 may be missing');
  });

  it('gives short durations', () => {
    assert.deepStrictEqual([roughDuration(30_000), roughDuration(20 * 60_000), roughDuration(3 * 3_600_000)], ['30 s', '20 min', '3 h']);
  });

  it('states the guard in the status bar and tooltip only while it holds streams paused', () => {
    const v: GuardView = { pausedBy: 'idle', paused: 2, drainEveryMs: 20 * 60_000, idleMinutes: 5, losses: [] };
    assert.strictEqual(guardStatusText(v), 'paused · draining every 20 min');
    const { drainEveryMs: _unused, ...noDrain } = v;
    assert.strictEqual(guardStatusText(noDrain), 'paused (nobody watching)');
    assert.strictEqual(guardStatusText({ ...v, pausedBy: 'budget' }), 'paused · daily budget reached');
    assert.strictEqual(guardStatusText({ ...v, pausedBy: undefined }), undefined);
    assert.strictEqual(guardStatusText({ ...v, paused: 0 }), undefined);
    const lines = guardTooltipLines({ ...v, losses: ['events between 14:02 and 15:47 may be missing on "a"'] }, [pauseCost('warp', true, 20 * 60_000)]);
    assert.deepStrictEqual(lines, [
      'Paused to save credits: no Chain Watch view was watched for 5 min. They resume when you come back.',
      'Warp streams are drained every 20 min while paused (a few seconds connected each time), so nothing is lost.',
      'Note: events between 14:02 and 15:47 may be missing on "a".',
    ]);
  });

  it('the return never says "from the last processed event" when something may be missing', () => {
    assert.strictEqual(returnNotice('Welcome back: resuming', 1, 0, []), 'Welcome back: resuming 1 stream from the last processed event.');
    assert.strictEqual(returnNotice('Welcome back: resuming', 2, 360, []), 'Welcome back: resuming 2 streams from the last processed event (360 events drained while you were away).');
    const lost = returnNotice('Welcome back: resuming', 1, 0, ['events between 14:02 and 15:47 may be missing on "a" (x)']);
    assert.strictEqual(lost, 'Welcome back: resuming 1 stream. Events between 14:02 and 15:47 may be missing on "a" (x).');
    assert.match(pauseNotice(1, 5, ['Covalent STOMP has no replay: events while paused are not received.']), /^Paused 1 stream: no Chain Watch view watched for 5 min \(saving credits\)\. Covalent STOMP has no replay/);
  });

  it('knows which providers fill a pause themselves', () => {
    assert.deepStrictEqual(['warp', 'evm', 'sui', 'covalent', 'goldrush'].map(backfillsOnResume), [false, true, true, false, false]);
    assert.match(pauseCost('goldrush', false, 0), /no resume cursor/);
    assert.match(pauseCost('warp', false, 0), /30 minutes \(2,000 events\)/);
  });
});
