/** STOMP heart-beat negotiation and the liveness watchdog, on a FakeClock. */
import * as assert from 'assert';
import { FakeClock } from '../../src/core/clock';
import { livenessGraceMs, StompWatchdog } from '../../src/core/covalent/stompHeartbeat';

describe('STOMP heart-beats', () => {
  it('both sides must want heart-beats; the slower interval wins, times the grace', () => {
    assert.strictEqual(livenessGraceMs('4000,0', '1.2', 10_000, 1.5), 15_000);
    assert.strictEqual(livenessGraceMs('20000,0', '1.1', 10_000, 1.5), 30_000);
    assert.strictEqual(livenessGraceMs('0,0', '1.2', 10_000, 1.5), undefined);
    assert.strictEqual(livenessGraceMs('4000,0', '1.2', 0, 1.5), undefined);
    assert.strictEqual(livenessGraceMs(undefined, '1.2', 10_000, 1.5), undefined);
    assert.strictEqual(livenessGraceMs('4000,0', '1.0', 10_000, 1.5), undefined);
  });

  it('the watchdog fires after the grace of silence, counted from the last thing heard, and not while held', () => {
    const clock = new FakeClock(0);
    let heard = 0;
    let held = false;
    const dead: Array<[number, number]> = [];
    const dog = new StompWatchdog(clock, { ended: () => false, held: () => held, quietSince: () => heard, dead: (idle, grace) => dead.push([idle, grace]) });
    dog.start(1_000);
    clock.advance(600);
    heard = clock.now();
    clock.advance(900);
    assert.deepStrictEqual(dead, [], 'heard at 600: not silent for 1 s yet at 1,500');
    held = true;
    clock.advance(5_000);
    assert.deepStrictEqual(dead, [], 'our own pause is not silence');
    held = false;
    clock.advance(1_000);
    assert.strictEqual(dead.length, 1);
    assert.ok(dead[0]![0] >= 1_000 && dead[0]![1] === 1_000);
  });

  it('stop() and an ended session leave no timer behind', () => {
    const clock = new FakeClock(0);
    let ended = false;
    let fired = 0;
    const dog = new StompWatchdog(clock, { ended: () => ended, held: () => false, quietSince: () => 0, dead: () => fired++ });
    dog.start(1_000);
    dog.stop();
    assert.strictEqual(clock.pendingTimers, 0);
    dog.start(1_000);
    ended = true;
    clock.advance(10_000);
    assert.strictEqual(fired, 0);
    assert.strictEqual(clock.pendingTimers, 0);
  });
});
