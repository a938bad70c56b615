import * as assert from 'assert';
import { actionsFor, budgetProblem, connectionRows, creditRows } from '../../src/core/stream/statusPicks';
import type { StreamStatus } from '../../src/core/stream/stream';

const st = (s: Partial<StreamStatus>): StreamStatus => ({ state: 'idle', attempt: 0, eventCount: 0, ...s });

describe('status bar picks', () => {
  it('offers the actions that fit each state, Show Output always last', () => {
    assert.deepStrictEqual(actionsFor(st({ state: 'idle' })), ['connect', 'showOutput']);
    assert.deepStrictEqual(actionsFor(st({ state: 'live' })), ['reconnect', 'disconnect', 'showOutput']);
    assert.deepStrictEqual(actionsFor(st({ state: 'reconnecting' })), ['reconnect', 'disconnect', 'showOutput']);
    assert.deepStrictEqual(actionsFor(st({ state: 'connecting' })), ['disconnect', 'showOutput']);
    assert.deepStrictEqual(actionsFor(st({ state: 'stopped', stopReason: 'paused' })), ['resume', 'connect', 'showOutput']);
    assert.deepStrictEqual(actionsFor(st({ state: 'stopped', stopReason: 'no_key' })), ['setApiKey', 'connect', 'showOutput']);
    assert.deepStrictEqual(actionsFor(st({ state: 'stopped', stopReason: 'user' })), ['connect', 'resume', 'showOutput']);
  });

  it('lists each stream with its state in words and its last error', () => {
    const rows = connectionRows(
      [
        { id: 'a', label: 'Swaps', status: st({ state: 'live', eventCount: 1204, connectedSince: 0, lastEventAt: 9_000 }), ratePerSec: 3.2 },
        { id: 'b', label: 'Node', status: st({ state: 'reconnecting', nextRetryAt: 18_000, lastError: 'cannot reach 127.0.0.1:8545 (connection refused): is the node running?' }), ratePerSec: 0 },
        { id: 'c', label: 'Other', status: st({ state: 'live' }), ratePerSec: 0, elsewhere: true },
      ],
      10_000,
    );
    assert.deepStrictEqual(rows.map((r) => [r.label, r.description]), [
      ['Swaps', 'live · 1,204 · 3.2/s'],
      ['Node', 'reconnecting in 8s'],
      ['Other', 'in another window'],
    ]);
    assert.match(rows[1]!.detail ?? '', /is the node running\?/);
    assert.deepStrictEqual(rows[2]!.actions, ['showOutput']);
  });

  it('breaks credits down per stream, with the burn rate, budget, guard state and the actions', () => {
    const credits = { credits: 12_400, events: 6_000, intervals: 100, perHour: 1_800 };
    const rows = creditRows([{ id: 'demo', label: 'Demo (Sui)', credits }], { spentToday: 500, dailyBudget: 1_000, pauseWhenIdleMinutes: 15 }, new Set(['demo']));
    const text = rows.map((r) => `${r.label} | ${r.description ?? ''} | ${r.detail ?? ''}`);
    assert.deepStrictEqual(text, [
      'Demo (Sui) (simulated) | ~12,400 credits · 1.8k/h | 6,000 events x 2 + 100 connected 5 s intervals x 4',
      'Burn rate | ~1.8k credits/h across 1 stream | ',
      'Budget | ~500 of 1,000 today | ',
      'Guard | watching: pauses after 15 min without a focused window | ',
      'Pause all | stop every stream now; resume replays what was missed | ',
      'Change budget... | chainWatch.credits.dailyBudget | ',
    ]);
    assert.deepStrictEqual(rows.slice(-2).map((r) => r.action), ['pauseAll', 'changeBudget']);
    const paused = creditRows([], { spentToday: 1_200, dailyBudget: 1_000, pauseWhenIdleMinutes: 0, pausedReason: 'budget' });
    assert.ok(paused.some((r) => r.label === 'Budget' && r.description === '~1,200 of 1,000 today (over budget)'));
    assert.ok(paused.some((r) => r.label === 'Guard' && /daily budget was reached/.test(r.description ?? '')));
    assert.ok(paused.some((r) => r.action === 'resumeAll') && !paused.some((r) => r.action === 'pauseAll'));
  });

  it('checks a typed budget', () => {
    assert.strictEqual(budgetProblem('50000'), undefined);
    assert.strictEqual(budgetProblem('50,000'), undefined);
    assert.strictEqual(budgetProblem('0'), undefined);
    assert.match(budgetProblem('-5') ?? '', /whole number/);
    assert.match(budgetProblem('lots') ?? '', /whole number/);
  });
});
