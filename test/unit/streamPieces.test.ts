/**
 * The small pieces BaseStream is built from, alone: the guard against superseded connections (currentSink), the
 * reconnect backoff with the server's hint (reconnectSchedule), the status record (statusRecord) and the fallback
 * from a cursor the transport cannot send (cursorFallback).
 */
import * as assert from 'assert';
import { currentOnly } from '../../src/core/stream/currentSink';
import { sendableMode } from '../../src/core/stream/cursorFallback';
import { ReconnectSchedule } from '../../src/core/stream/reconnectSchedule';
import { StatusRecord, type StatusFacts } from '../../src/core/stream/statusRecord';
import type { StreamStatus } from '../../src/core/stream/stream';
import type { TransportSink } from '../../src/core/stream/streamTransport';

/** A sink that records the name of every call it gets. */
function recordingSink(calls: string[]): TransportSink {
  return {
    opened: () => calls.push('opened'),
    event: () => calls.push('event'),
    activity: () => calls.push('activity'),
    notice: () => calls.push('notice'),
    cursor: () => calls.push('cursor'),
    retryHint: () => calls.push('retryHint'),
    quota: () => calls.push('quota'),
    replayed: () => calls.push('replayed'),
    continuity: () => calls.push('continuity'),
    closed: () => calls.push('closed'),
  };
}

/** Calls every member of `sink` once. */
function callAll(sink: TransportSink): void {
  sink.opened();
  sink.event({ id: 'e1', provider: 'evm', kind: 'log', stream: 's', name: 'Transfer', receivedAt: 0, payload: {} });
  sink.activity();
  sink.notice('info', 'words');
  sink.cursor('c1');
  sink.retryHint(1_000);
  sink.quota(5);
  sink.replayed(2);
  sink.continuity({ continuity: 'unverified' });
  sink.closed({ fatal: false, message: 'gone' });
}

describe('BaseStream pieces', () => {
  it('currentOnly passes every call while current and drops every call once superseded', () => {
    const calls: string[] = [];
    let current = true;
    const sink = currentOnly(() => current, recordingSink(calls));
    callAll(sink);
    assert.deepStrictEqual(calls, ['opened', 'event', 'activity', 'notice', 'cursor', 'retryHint', 'quota', 'replayed', 'continuity', 'closed']);
    current = false;
    callAll(sink);
    assert.strictEqual(calls.length, 10, 'a superseded connection reports nothing');
  });

  it('ReconnectSchedule: the delay is the backoff, at least the server hint, which is capped and can be cleared', () => {
    const schedule = new ReconnectSchedule({ baseMs: 1_000, maxMs: 30_000, resetAfterMs: 10_000 }, () => 0.5);
    assert.strictEqual(schedule.delay(0), 500);
    assert.strictEqual(schedule.delay(3), 4_000);
    schedule.hint(7_000);
    assert.strictEqual(schedule.delay(0), 7_000);
    assert.strictEqual(schedule.delay(5), 15_000, 'a longer backoff (capped at maxMs) still wins over the hint');
    schedule.hint(-1);
    assert.strictEqual(schedule.delay(0), 7_000, 'a negative hint is ignored');
    schedule.hint(600_000);
    assert.strictEqual(schedule.delay(0), 30_000, 'the hint is capped at maxMs');
    schedule.clearHint();
    assert.strictEqual(schedule.delay(0), 500);
    assert.strictEqual(schedule.resetAfterMs, 10_000);
  });

  it('StatusRecord publishes each change, redacts its words and shows only the fields of the current state', () => {
    const published: StreamStatus[] = [];
    const facts: StatusFacts = { eventCount: 4, lastEventId: 'm9', lastEventAt: 50, draining: false, lastGap: undefined };
    const rec = new StatusRecord(() => facts, (s) => published.push(s));
    rec.attempt = 2;
    rec.nextRetryAt = 900;
    rec.connectedSince = 100;
    rec.set('reconnecting', undefined, 'lost wss://node.example/v1?key=cqt_abcdefghijklmnop; reconnecting');
    assert.strictEqual(published.length, 1);
    const s = published[0]!;
    assert.strictEqual(s.state, 'reconnecting');
    assert.strictEqual(s.nextRetryAt, 900);
    assert.strictEqual(s.connectedSince, undefined, 'connectedSince is shown only while live');
    assert.deepStrictEqual([s.attempt, s.eventCount, s.lastEventId, s.lastEventAt], [2, 4, 'm9', 50]);
    assert.doesNotMatch(s.message ?? '', /cqt_abcdefghijklmnop/);
    rec.set('stopped', 'paused', 'paused');
    assert.strictEqual(rec.stoppedFor, 'paused');
    assert.strictEqual(published[1]!.stopReason, 'paused');
    assert.strictEqual(published[1]!.nextRetryAt, undefined);
    rec.set('live', undefined, 'live');
    assert.strictEqual(rec.stoppedFor, undefined);
    assert.strictEqual(published[2]!.connectedSince, 100);
  });

  it('sendableMode falls back to resume, with words, only for a cursor the transport cannot carry', () => {
    const warned: string[] = [];
    const problemOf = (id: string) => (id.includes('\n') ? 'a header cannot carry a line break' : undefined);
    assert.deepStrictEqual(sendableMode({ kind: 'after', id: 'm1' }, problemOf, (w) => warned.push(w)), { kind: 'after', id: 'm1' });
    assert.deepStrictEqual(sendableMode({ kind: 'live' }, () => 'never asked', (w) => warned.push(w)), { kind: 'live' });
    assert.strictEqual(warned.length, 0);
    const long = `x\n${'y'.repeat(200)}`;
    assert.deepStrictEqual(sendableMode({ kind: 'after', id: long }, problemOf, (w) => warned.push(w)), { kind: 'resume' });
    assert.strictEqual(warned.length, 1);
    assert.match(warned[0]!, /^cannot resume after id "x\\ny+…": a header cannot carry a line break; replaying the server's buffer with mode=resume instead$/);
    assert.ok(warned[0]!.length < 200, 'the id is cut to 80 characters');
  });
});
