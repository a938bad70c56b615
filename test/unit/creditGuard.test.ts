import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { CreditGuard, GUARD_TICK_MS, dayKey } from '../../src/core/stream/creditGuard';
import { compactNumber, formatCredits } from '../../src/core/stream/creditText';
import { memoryLedger } from '../../src/core/stream/spendLedger';
import type { CreditGuardHost } from '../../src/core/stream/creditGuard';

function host() {
  const h = {
    running: ['a', 'b'] as string[],
    paused: [] as string[],
    resumed: [] as string[][],
    notes: [] as string[],
    credits: 0,
    asked: 0,
    answer: 'stay_paused' as 'continue' | 'stay_paused',
    elsewhere: undefined as number | undefined,
  };
  const api: CreditGuardHost = {
    pauseAll: () => {
      const ids = h.running;
      h.paused.push(...ids);
      h.running = [];
      return ids;
    },
    resume: (ids) => {
      h.resumed.push([...ids]);
      h.running.push(...ids);
    },
    totalCredits: () => h.credits,
    lastFocusElsewhereAt: () => h.elsewhere,
    notify: (m) => h.notes.push(m),
    budgetExceeded: () => {
      h.asked++;
      return Promise.resolve(h.answer);
    },
  };
  return { h, api };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('CreditGuard', () => {
  it('pauses after N idle minutes with no focused window, and resumes exactly those streams on focus', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const { h, api } = host();
    const g = new CreditGuard(clock, api, { pauseWhenIdleMinutes: 15, dailyBudget: 0 });
    g.focusChanged(false);
    clock.advance(14 * 60_000);
    assert.deepStrictEqual(h.paused, [], 'not yet idle long enough');
    clock.advance(60_000 + GUARD_TICK_MS);
    assert.deepStrictEqual(h.paused, ['a', 'b']);
    assert.strictEqual(g.pausedReason(), 'idle');
    assert.match(h.notes[0]!, /Paused 2 streams: no Chain Watch view watched for 15 min/);
    g.focusChanged(true);
    assert.deepStrictEqual(h.resumed, [['a', 'b']]);
    assert.strictEqual(g.pausedReason(), undefined);
    assert.match(h.notes[1]!, /resuming 2 streams from the last processed event/);
    g.dispose();
  });

  it('resumes at the next check when another window was focused after the idle pause', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const { h, api } = host();
    const g = new CreditGuard(clock, api, { pauseWhenIdleMinutes: 15, dailyBudget: 0 }, undefined, false);
    clock.advance(16 * 60_000);
    assert.deepStrictEqual(h.paused, ['a', 'b']);
    h.elsewhere = clock.now() - 60_000; // before the pause: not a return
    clock.advance(GUARD_TICK_MS);
    assert.deepStrictEqual(h.resumed, []);
    h.elsewhere = clock.now() + 1; // another window focused now
    clock.advance(GUARD_TICK_MS);
    assert.deepStrictEqual(h.resumed, [['a', 'b']]);
    assert.strictEqual(g.pausedReason(), undefined);
    g.dispose();
  });

  it('never pauses while the window is focused, or while another window was focused recently, or when disabled', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const { h, api } = host();
    const g = new CreditGuard(clock, api, { pauseWhenIdleMinutes: 15, dailyBudget: 0 });
    clock.advance(60 * 60_000);
    assert.deepStrictEqual(h.paused, []);
    g.focusChanged(false);
    h.elsewhere = clock.now() + 10 * 60_000; // another window is focused 10 minutes from now
    clock.advance(20 * 60_000);
    assert.deepStrictEqual(h.paused, [], 'another window was focused 10 min ago');
    clock.advance(10 * 60_000);
    assert.deepStrictEqual(h.paused, ['a', 'b']);
    g.dispose();
    const { h: h2, api: api2 } = host();
    const g2 = new CreditGuard(clock, api2, { pauseWhenIdleMinutes: 0, dailyBudget: 0 }, undefined, false);
    clock.advance(120 * 60_000);
    assert.deepStrictEqual(h2.paused, []);
    g2.dispose();
  });

  it('crossing the daily budget pauses and asks once; "continue" resumes, "stay" keeps them paused', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const { h, api } = host();
    const g = new CreditGuard(clock, api, { pauseWhenIdleMinutes: 0, dailyBudget: 1_000 });
    h.credits = 999;
    g.check();
    assert.deepStrictEqual(h.paused, []);
    assert.strictEqual(g.overBudget(), false);
    h.credits = 1_000;
    g.check();
    assert.ok(g.overBudget());
    assert.deepStrictEqual(h.paused, ['a', 'b']);
    assert.strictEqual(g.pausedReason(), 'budget');
    assert.strictEqual(h.asked, 1);
    await tick();
    assert.deepStrictEqual(h.resumed, [], 'stay paused');
    clock.advance(5 * GUARD_TICK_MS);
    assert.strictEqual(h.asked, 1, 'not asked again the same day');
    g.dispose();

    const t = host();
    t.h.answer = 'continue';
    t.h.credits = 0;
    const g2 = new CreditGuard(clock, t.api, { pauseWhenIdleMinutes: 0, dailyBudget: 100 });
    t.h.credits = 150;
    g2.check();
    await tick();
    assert.deepStrictEqual(t.h.resumed, [['a', 'b']]);
    assert.deepStrictEqual(t.h.running, ['a', 'b']);
    g2.dispose();
  });

  it('carries today\'s spend across sessions through the ledger and resets it the next day', () => {
    const clock = new FakeClock(new Date(2026, 0, 5, 23, 0).getTime());
    const ledger = memoryLedger();
    ledger.add(dayKey(clock.now()), 400); // an earlier session today
    const { h, api } = host();
    h.credits = 50; // credits from before the guard started do not count twice
    const g = new CreditGuard(clock, api, { pauseWhenIdleMinutes: 0, dailyBudget: 0 }, ledger);
    h.credits = 150;
    assert.strictEqual(g.spentToday(), 500);
    g.check();
    assert.strictEqual(ledger.dayTotal(dayKey(clock.now())), 500);
    h.credits = 170;
    clock.advance(2 * 3_600_000); // past midnight: the guard's tick rolls the day over
    assert.strictEqual(g.spentToday(), 0);
    h.credits = 190;
    assert.strictEqual(g.spentToday(), 20);
    g.dispose();
  });
});

describe('credit formatting', () => {
  it('formats compact numbers and the status bar text', () => {
    assert.strictEqual(compactNumber(950), '950');
    assert.strictEqual(compactNumber(12_400), '12.4k');
    assert.strictEqual(compactNumber(1_000), '1k');
    assert.strictEqual(compactNumber(1_800_000), '1.8M');
    assert.strictEqual(compactNumber(250_000), '250k');
    assert.strictEqual(formatCredits(12_400, 1_800), '~12.4k cr · 1.8k/h');
  });
});
