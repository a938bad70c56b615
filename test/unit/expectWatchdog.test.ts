import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { ExpectWatchdog, formatWithin, parseExpectWithin } from '../../src/core/source/expectWatchdog';
import type { OverdueEvent } from '../../src/core/source/expectWatchdog';

describe('expectWithin', () => {
  it('parses seconds, minutes, hours and days', () => {
    assert.deepStrictEqual(parseExpectWithin('30s'), { ms: 30_000 });
    assert.deepStrictEqual(parseExpectWithin('5m'), { ms: 300_000 });
    assert.deepStrictEqual(parseExpectWithin(' 2h '), { ms: 7_200_000 });
    assert.deepStrictEqual(parseExpectWithin('1.5h'), { ms: 5_400_000 });
    assert.deepStrictEqual(parseExpectWithin('1d'), { ms: 86_400_000 });
  });

  it('says in words what is wrong', () => {
    assert.match((parseExpectWithin('5 minutes') as { error: string }).error, /not a duration/);
    assert.match((parseExpectWithin(5) as { error: string }).error, /must be a string/);
    assert.match((parseExpectWithin('0s') as { error: string }).error, /between 1s and 30d/);
    assert.match((parseExpectWithin('31d') as { error: string }).error, /between 1s and 30d/);
    assert.match((parseExpectWithin('-5m') as { error: string }).error, /not a duration/);
  });

  it('formats a window for messages', () => {
    assert.strictEqual(formatWithin(30_000), '30 s');
    assert.strictEqual(formatWithin(300_000), '5 min');
    assert.strictEqual(formatWithin(5_400_000), '1.5 h');
    assert.strictEqual(formatWithin(172_800_000), '2 d');
  });
});

describe('expected-event watchdog (fake clock)', () => {
  let clock: FakeClock;
  let changes: OverdueEvent[][];
  let dog: ExpectWatchdog;
  beforeEach(() => {
    clock = new FakeClock();
    changes = [];
    dog = new ExpectWatchdog(clock, (o) => changes.push(o));
  });

  it('raises "no X for 5 min" exactly when the window runs out', () => {
    dog.watch('s1', 'Minted on 0xab…cd', 300_000);
    clock.advance(299_999);
    assert.deepStrictEqual(dog.overdue(), []);
    assert.strictEqual(changes.length, 0);
    clock.advance(1);
    assert.strictEqual(changes.length, 1);
    assert.strictEqual(changes[0]![0]!.message, 'no Minted on 0xab…cd for 5 min');
    assert.strictEqual(changes[0]![0]!.since, clock.now() - 300_000);
  });

  it('an arriving event clears the entry and starts the wait again', () => {
    dog.watch('s1', 'Minted', 60_000);
    clock.advance(60_000);
    assert.strictEqual(dog.overdue().length, 1);
    dog.seen('s1');
    assert.deepStrictEqual(changes[changes.length - 1], []);
    clock.advance(59_000);
    assert.deepStrictEqual(dog.overdue(), []);
    clock.advance(1_000);
    assert.strictEqual(dog.overdue().length, 1);
  });

  it('events inside the window keep it from ever firing', () => {
    dog.watch('s1', 'Minted', 10_000);
    for (let i = 0; i < 20; i++) {
      clock.advance(9_000);
      dog.seen('s1');
    }
    assert.strictEqual(changes.length, 0);
    assert.strictEqual(clock.pendingTimers, 1);
  });

  it('unwatch clears an overdue entry and cancels the timer; re-watching the same window keeps the timer', () => {
    dog.watch('a', 'A', 1_000);
    dog.watch('b', 'B', 5_000);
    clock.advance(1_000);
    dog.watch('b', 'B', 5_000);
    assert.deepStrictEqual(dog.overdue().map((o) => o.key), ['a']);
    dog.unwatch('a');
    assert.deepStrictEqual(changes[changes.length - 1], []);
    clock.advance(4_000);
    assert.deepStrictEqual(dog.overdue().map((o) => o.key), ['b']);
    dog.dispose();
    assert.strictEqual(clock.pendingTimers, 0);
  });

  it('a changed window restarts the wait; events for unwatched keys are ignored', () => {
    dog.watch('a', 'A', 1_000);
    clock.advance(500);
    dog.watch('a', 'A', 2_000);
    clock.advance(1_999);
    assert.deepStrictEqual(dog.overdue(), []);
    clock.advance(1);
    assert.strictEqual(dog.overdue()[0]!.message, 'no A for 2 s');
    dog.seen('zzz');
    assert.strictEqual(dog.has('zzz'), false);
  });
});
