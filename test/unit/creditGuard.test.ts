import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { CreditGuard, DRAIN_EVERY_MS, GUARD_TICK_MS, dayKey, drainDelayMs } from '../../src/core/stream/creditGuard';
import { compactNumber, creditsStatusText, formatCredits, guardStatusText, pauseCost, quotaText } from '../../src/core/stream/creditText';
import type { DrainResult } from '../../src/core/stream/stream';
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

describe('CreditGuard: drain visits, honest resume, one budget', () => {
  function drainHost(provider = 'warp') {
    const { h, api } = host();
    const visits: Array<{ id: string; at: number }> = [];
    let clockRef: FakeClock | undefined;
    let result = (at: number): DrainResult => ({ ok: true, events: 3, liveAt: at, endedAt: at + 2_000 });
    const losses: string[] = [];
    const full: CreditGuardHost = {
      ...api,
      provider: () => provider,
      eventsPerMinute: () => 6,
      drain: (id) => {
        const at = clockRef!.now();
        visits.push({ id, at });
        return Promise.resolve(result(at));
      },
      possibleLoss: (_id, _from, _to, words) => losses.push(words),
    };
    return {
      h,
      api: full,
      visits,
      losses,
      bind: (c: FakeClock) => (clockRef = c),
      setResult: (f: (at: number) => DrainResult) => (result = f),
    };
  }

  it('visits a paused Warp stream every 20 min, sooner when busy, and says so in the status words', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const t = drainHost();
    t.bind(clock);
    const g = new CreditGuard(clock, t.api, { pauseWhenIdleMinutes: 5, dailyBudget: 0 }, undefined, false);
    clock.advance(5 * 60_000 + GUARD_TICK_MS);
    assert.strictEqual(g.pausedReason(), 'idle');
    assert.match(t.h.notes[0]!, /drained every 20 min/);
    assert.strictEqual(guardStatusText(g.view()), 'paused · draining every 20 min');
    for (let i = 0; i < 6; i++) {
      clock.advance(5 * 60_000);
      await tick();
    }
    assert.deepStrictEqual(t.visits.map((v) => v.id), ['a', 'b'], 'one visit per stream in the first 30 min');
    for (let i = 0; i < 24; i++) {
      clock.advance(5 * 60_000);
      await tick();
    }
    const ofA = t.visits.filter((v) => v.id === 'a');
    const gaps = ofA.slice(1).map((v, i) => v.at - ofA[i]!.at);
    assert.ok(gaps.every((ms) => ms <= DRAIN_EVERY_MS + GUARD_TICK_MS + 2_000), `visits at most ~20 min apart: ${gaps}`);
    assert.ok(ofA.length >= 6, `${ofA.length} visits in 2.5 h`);
    // a busy stream (600 events/min) is visited every ~1.7 min instead
    assert.strictEqual(drainDelayMs(600), 100_000);
    assert.strictEqual(drainDelayMs(0), DRAIN_EVERY_MS);
    assert.strictEqual(drainDelayMs(1e9), 60_000);
    g.focusChanged(true);
    assert.deepStrictEqual(t.h.resumed, [['a', 'b']]);
    assert.match(t.h.notes.at(-1)!, /from the last processed event \(\d+ events drained while you were away\)/);
    g.dispose();
  });

  it('names the missing window when a pause outlasted the buffer (visits off), in one notification and the feed', () => {
    const clock = new FakeClock(new Date(2026, 0, 5, 14, 2).getTime());
    const t = drainHost();
    t.bind(clock);
    const g = new CreditGuard(clock, t.api, { pauseWhenIdleMinutes: 5, dailyBudget: 0, drainWhilePaused: false }, undefined, false);
    clock.advance(5 * 60_000 + GUARD_TICK_MS);
    assert.match(t.h.notes[0]!, /Warp keeps only 30 minutes/);
    clock.advance(100 * 60_000);
    assert.strictEqual(t.visits.length, 0);
    g.focusChanged(true);
    const back = t.h.notes.filter((n) => /^Welcome back/.test(n));
    assert.strictEqual(back.length, 1);
    assert.match(back[0]!, /Events between 14:07 and 15:47 may be missing on "a"/);
    assert.doesNotMatch(back[0]!, /from the last processed event/);
    assert.strictEqual(t.losses.length, 2, 'a row for each stream');
    g.dispose();
  });

  it('a visit that finds 2,000 events or comes after 30 min without contact reports a possible loss', async () => {
    const clock = new FakeClock(new Date(2026, 0, 5, 9, 0).getTime());
    const t = drainHost();
    t.bind(clock);
    t.setResult((at) => ({ ok: true, events: 2_000, liveAt: at, endedAt: at + 2_000, firstEventTime: at - 60_000 }));
    const g = new CreditGuard(clock, t.api, { pauseWhenIdleMinutes: 5, dailyBudget: 0 }, undefined, false);
    clock.advance(5 * 60_000 + GUARD_TICK_MS);
    clock.advance(DRAIN_EVERY_MS);
    await tick();
    assert.ok(t.losses.some((l) => /may be missing on "a" \(more than 2,000 events waited\)/.test(l)), t.losses.join('\n'));
    assert.ok(g.view().losses.length >= 1, 'the tooltip lists it');
    g.dispose();
  });

  it('providers without a replay say what a pause costs, and the return names the window', () => {
    const clock = new FakeClock(new Date(2026, 0, 5, 10, 0).getTime());
    const t = drainHost('covalent');
    t.bind(clock);
    const g = new CreditGuard(clock, t.api, { pauseWhenIdleMinutes: 5, dailyBudget: 0 }, undefined, false);
    clock.advance(5 * 60_000 + GUARD_TICK_MS);
    assert.match(t.h.notes[0]!, /Covalent STOMP has no replay/);
    assert.strictEqual(guardStatusText(g.view()), 'paused (nobody watching)');
    clock.advance(10 * 60_000);
    g.focusChanged(true);
    assert.strictEqual(t.visits.length, 0);
    assert.match(t.h.notes.at(-1)!, /may be missing on "a" \(covalent has no replay\)/);
    assert.strictEqual(pauseCost('evm', false, 0), 'EVM streams are backfilled with eth_getLogs when they resume: nothing is lost.');
    g.dispose();
  });

  it('counts a window as watched only while focused with a Chain Watch view visible', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const { h, api } = host();
    const g = new CreditGuard(clock, api, { pauseWhenIdleMinutes: 5, dailyBudget: 0 }, undefined, true, 'w', false);
    assert.strictEqual(g.watched(), false);
    clock.advance(5 * 60_000 + GUARD_TICK_MS);
    assert.deepStrictEqual(h.paused, ['a', 'b'], 'focused but no view visible: paused');
    g.viewVisibilityChanged(true);
    assert.deepStrictEqual(h.resumed, [['a', 'b']]);
    clock.advance(60 * 60_000);
    assert.deepStrictEqual(h.paused, ['a', 'b'], 'watched: never paused again');
    g.dispose();
  });

  it('one budget for two windows: spend adds up, every window pauses, the question is asked once in the focused window', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const ledger = memoryLedger();
    const a = host();
    const b = host();
    a.h.running = ['a'];
    b.h.running = [];
    const ga = new CreditGuard(clock, a.api, { pauseWhenIdleMinutes: 0, dailyBudget: 3_000 }, ledger, true, 'A');
    const gb = new CreditGuard(clock, b.api, { pauseWhenIdleMinutes: 0, dailyBudget: 3_000 }, ledger, false, 'B');
    a.h.credits = 1_500;
    b.h.credits = 1_400;
    ga.check();
    gb.check();
    assert.strictEqual(ga.spentToday(), 2_900, 'both windows\' spend, added');
    assert.deepStrictEqual(a.h.paused, []);
    a.h.credits = 1_600; // 3,000 in all: A crosses the budget
    ga.check();
    assert.deepStrictEqual(a.h.paused, ['a']);
    assert.strictEqual(a.h.asked, 1);
    // B waits for A's lease: taking it over must not connect without asking
    assert.strictEqual(gb.mayTakeOver('a'), false);
    assert.strictEqual(gb.pausedReason(), 'budget');
    b.h.running = ['a'];
    gb.check();
    assert.strictEqual(b.h.asked, 0, 'asked once, in the focused window');
    await tick();
    clock.advance(10 * GUARD_TICK_MS);
    assert.strictEqual(a.h.asked + b.h.asked, 1);
    assert.deepStrictEqual(a.h.resumed, [], 'stay paused');
    assert.deepStrictEqual(b.h.resumed, []);
    assert.strictEqual(gb.mayTakeOver('a'), false, 'still over budget: no take-over');
    assert.strictEqual(ledger.dayTotal(dayKey(clock.now())), 3_000, 'the day ends with every window\'s spend');
    ga.dispose();
    gb.dispose();
  });

  it('"keep going" in one window resumes the budget-paused streams of the others', async () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const ledger = memoryLedger();
    const a = host();
    const b = host();
    a.h.answer = 'continue';
    a.h.running = ['a'];
    b.h.running = ['b'];
    const ga = new CreditGuard(clock, a.api, { pauseWhenIdleMinutes: 0, dailyBudget: 100 }, ledger, true, 'A');
    const gb = new CreditGuard(clock, b.api, { pauseWhenIdleMinutes: 0, dailyBudget: 100 }, ledger, false, 'B');
    b.h.credits = 150;
    gb.check();
    assert.deepStrictEqual(b.h.paused, ['b'], 'B pauses but does not ask (not focused)');
    assert.strictEqual(b.h.asked, 0);
    ga.check();
    assert.strictEqual(a.h.asked, 1);
    await tick();
    assert.deepStrictEqual(a.h.resumed, [['a']]);
    gb.check();
    assert.deepStrictEqual(b.h.resumed, [['b']]);
    ga.dispose();
    gb.dispose();
  });

  it('shows the month as a share of the quota, pinned to the server\'s remaining', () => {
    const clock = new FakeClock(Date.UTC(2026, 0, 5, 12));
    const ledger = memoryLedger();
    ledger.add('2026-01-02', 100_000);
    const { h, api } = host();
    let remaining: number | undefined = undefined;
    const g = new CreditGuard(clock, { ...api, remaining: () => remaining }, { pauseWhenIdleMinutes: 0, dailyBudget: 0, monthlyQuota: 1_000_000 }, ledger);
    h.credits = 20_000;
    assert.strictEqual(g.monthUsed(), 120_000);
    assert.strictEqual(quotaText(g.monthUsed(), 1_000_000), "~12% of this month's quota used");
    remaining = 0; // quota_exceeded: the server says it is all used
    g.check();
    assert.strictEqual(g.monthUsed(), 1_000_000);
    h.credits = 21_000;
    assert.strictEqual(g.monthUsed(), 1_001_000);
    assert.strictEqual(creditsStatusText({ credits: 21_000, perHour: 1_800, monthUsed: 1_001_000, monthlyQuota: 1_000_000 }), "~100% of this month's quota used · 1.8k cr/h");
    assert.strictEqual(creditsStatusText({ credits: 12_400, perHour: 1_800 }), '~12.4k cr · 1.8k/h');
    assert.strictEqual(quotaText(10, 1_000_000), "<1% of this month's quota used");
    g.dispose();
  });
});
